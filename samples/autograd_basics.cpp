// autograd_basics: a first taste of xgrad. Each Python line of the PyTorch original is shown as a
// comment above the C++ line it became. Run it: ./build/samples/autograd_basics
#ifdef XGRAD_SAMPLE_LIBTORCH
#include "common/libtorch_print.hpp"  // the same source built against libtorch, for the parity test
#else
#include <xgrad/torch.hpp>            // namespace torch = xgrad;
#endif

int main() {
  // x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
  auto x = torch::tensor({0.5, -1.0, 2.0}, torch::requires_grad());
  // y = (x * x + torch.sigmoid(x)).sum()
  auto y = (x * x + torch::sigmoid(x)).sum();
  // y.backward()
  y.backward();
  // print(x); print(y); print(x.grad)
  fmt::print("{}\n{}\n{}\n", x, y, x.grad());

  // Walking the graph behind y, as y.grad_fn.next_functions does in Python.
  // print(y.grad_fn, y.grad_fn.next_functions[0][0])
  fmt::print("{} <- {}\n", y.grad_fn()->name(), y.grad_fn()->next_edges()[0].function->name());

  // Second derivatives: create_graph=True keeps the gradient differentiable.
  // y = (x * x + torch.sigmoid(x)).sum()
  y = (x * x + torch::sigmoid(x)).sum();
  // g, = torch.autograd.grad(y, x, create_graph=True)
  auto g = torch::autograd::grad({y}, {x}, /*grad_outputs=*/{}, /*retain_graph=*/{}, /*create_graph=*/true)[0];
  // print(g)
  fmt::print("{}\n", g);
  // x.grad.zero_(); g.sum().backward(); print(x.grad)     (d2y/dx2 = 2 + s * (1 - s) * (1 - 2 s))
  x.mutable_grad().zero_();
  g.sum().backward();
  fmt::print("{}\n", x.grad());

  // with torch.no_grad(): z = x * 2
  {
    torch::NoGradGuard no_grad;
    auto z = x * 2;
    fmt::print("{}\n", z);
  }
  return 0;
}
