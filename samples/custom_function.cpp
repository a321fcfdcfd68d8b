// custom_function: writing your own differentiable function, with libtorch's API, and checking
// its backward with gradcheck. ClampedExp is exp(min(x, max)): past `max` the output is flat, so
// the gradient there is 0. The Python it ports is written above each line.
// Run it: ./build/release/samples/custom_function
#include <xgrad/torch.hpp>

using torch::Tensor;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// class ClampedExp(torch.autograd.Function):
struct ClampedExp : torch::autograd::Function<ClampedExp> {
  //   @staticmethod
  //   def forward(ctx, x, max):
  static Tensor forward(AutogradContext* ctx, Tensor x, double max) {
    //     y = x.clamp_max(max).exp()
    auto y = x.clamp_max(max).exp();
    //     ctx.save_for_backward(x, y); ctx.max = max
    ctx->save_for_backward({x, y});
    ctx->saved_data["max"] = max;
    //     return y
    return y;
  }
  //   @staticmethod
  //   def backward(ctx, grad):
  static variable_list backward(AutogradContext* ctx, variable_list grad) {
    //     x, y = ctx.saved_tensors
    auto saved = ctx->get_saved_variables();
    auto x = saved[0], y = saved[1];
    //     return grad * y * (x <= ctx.max), None     (d/dx exp(x) = exp(x); no gradient for max)
    return {grad[0] * y * (x <= ctx->saved_data["max"].toDouble()), Tensor()};
  }
};

int main() {
  // x = torch.tensor([0.5, 1.5, 3.0], requires_grad=True)
  auto x = torch::tensor({0.5, 1.5, 3.0}, torch::requires_grad());
  // y = ClampedExp.apply(x, 2.0)
  auto y = ClampedExp::apply(x, 2.0);
  // print(y)                 tensor([1.6487, 4.4817, 7.3891], grad_fn=<ClampedExpBackward>)
  fmt::print("y = {}\n", y);
  // y.sum().backward(); print(x.grad)     tensor([1.6487, 4.4817, 0.0000])
  y.sum().backward();
  fmt::print("x.grad = {}\n", x.grad());

  // gradcheck compares backward with finite differences (in float64, away from the kink at 2):
  // torch.autograd.gradcheck(lambda t: ClampedExp.apply(t, 2.0), (torch.tensor([0.5, 1.5, 3.0],
  //                          dtype=torch.float64, requires_grad=True),))
  auto xd = torch::tensor({0.5, 1.5, 3.0}, torch::kDouble).requires_grad_();
  bool ok = torch::autograd::gradcheck([](const std::vector<Tensor>& in) { return ClampedExp::apply(in[0], 2.0); },
                                       {xd});
  fmt::print("gradcheck: {}\n", ok ? "True" : "False");

  // A backward that is wrong is caught: forgetting the clamp's mask gives exp(3) at x = 3.
  struct Wrong : torch::autograd::Function<Wrong> {
    static Tensor forward(AutogradContext* ctx, Tensor x) {
      ctx->save_for_backward({x});
      return x.clamp_max(2.0).exp();
    }
    static variable_list backward(AutogradContext* ctx, variable_list grad) {
      return {grad[0] * ctx->get_saved_variables()[0].exp()};
    }
  };
  try {
    torch::autograd::gradcheck([](const std::vector<Tensor>& in) { return Wrong::apply(in[0]); }, {xd});
  } catch (const std::exception& e) {
    fmt::print("gradcheck of a wrong backward:\n{}\n", e.what());
  }
  return 0;
}
