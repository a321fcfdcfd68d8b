// A consumer of xgrad: returns 0 only if a small graph gives PyTorch's gradient.
#include <xgrad/torch.hpp>

int main() {
  auto x = torch::tensor({0.5, -1.0, 2.0}, torch::requires_grad());
  (x * x + torch::sigmoid(x)).sum().backward();
  fmt::print("{}\n", x.grad());
  bool ok = x.grad().allclose(torch::tensor({1.2350037f, -1.8033881f, 4.1049938f}));
  return ok ? 0 : 1;
}
