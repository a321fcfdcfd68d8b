// test_reentrant.cpp: backward() called from inside a custom Function's backward (Note [Reentrant
// backward] in src/autograd/engine.cpp): the inner pass finishes first, a chain 8193 levels deep
// runs without overflowing the stack, and the numbers are those Python printed for the same
// Functions (torch 1.13: test_autograd.py's reentrant tests, ported as libtorch's autograd.cpp).
#include <catch2/catch.hpp>

#include <vector>

#include <xgrad/torch.hpp>

using torch::Tensor;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

namespace {

/// forward: out = x * y recorded on detached copies; backward: out.sum().backward() inside, then
/// x's gradient from that inner pass times the incoming gradient (so d/dx = y).
struct Reenter : torch::autograd::Function<Reenter> {
  static Tensor y_data;
  static Tensor forward(AutogradContext* ctx, Tensor input) {
    Tensor output;
    {
      torch::AutoGradMode enable_grad(true);
      auto x = input.detach().requires_grad_();
      auto y = y_data.detach().requires_grad_();
      output = x * y;
      ctx->saved_data["x"] = x;
      ctx->saved_data["output_var"] = output;
    }
    return output.detach();
  }
  static variable_list backward(AutogradContext* ctx, variable_list grad_output) {
    {
      torch::AutoGradMode enable_grad(true);
      ctx->saved_data["output_var"].toTensor().sum().backward();
    }
    return {ctx->saved_data["x"].toTensor().grad() * grad_output[0]};
  }
};
Tensor Reenter::y_data;

/// forward: saves x - 1 (recorded); backward: unless that is 0, applies itself to it and runs
/// backward from there, so a value of n nests n backward passes. Counts its backward calls.
struct DeepReenter : torch::autograd::Function<DeepReenter> {
  static std::vector<int>* order;  // 1 per call, when set
  static int calls;
  static Tensor forward(AutogradContext* ctx, Tensor x) {
    {
      torch::AutoGradMode enable_grad(true);
      ctx->saved_data["x"] = x.detach().requires_grad_() - 1;
    }
    return ctx->saved_data["x"].toTensor().detach();
  }
  static variable_list backward(AutogradContext* ctx, variable_list grad_output) {
    ++calls;
    if (order != nullptr) order->push_back(1);
    Tensor x = ctx->saved_data["x"].toTensor();
    if (x.item<float>() == 0) return grad_output;
    torch::AutoGradMode enable_grad(true);
    apply(x).sum().backward();
    return grad_output;
  }
};
std::vector<int>* DeepReenter::order = nullptr;
int DeepReenter::calls = 0;

struct Logged : torch::autograd::Function<Logged> {
  static std::vector<int>* order;
  static Tensor forward(AutogradContext*, Tensor x) { return x.clone(); }
  static variable_list backward(AutogradContext*, variable_list grad) {
    order->push_back(0);
    return grad;
  }
};
std::vector<int>* Logged::order = nullptr;

}  // namespace

TEST_CASE("backward inside a custom Function's backward runs to its end first", "[reentrant]") {
  // Python: x = [[0.5, -1], [2, 0.25]]; R.apply(x).sum().backward() -> x.grad = y = [[1, 2], [3, 4]]
  Reenter::y_data = torch::tensor({{1.0f, 2.0f}, {3.0f, 4.0f}});
  auto x = torch::tensor({{0.5f, -1.0f}, {2.0f, 0.25f}}, torch::requires_grad());
  Reenter::apply(x).sum().backward();
  CHECK(x.grad().equal(Reenter::y_data));
}

TEST_CASE("8193 nested backward passes neither overflow the stack nor lose gradients", "[reentrant]") {
  // Python: v = [8193.]; DeepReenter.apply(v).sum().backward() -> v.grad = [1.], 8193 backward calls
  DeepReenter::calls = 0;
  auto v = torch::tensor({8193.0f}, torch::requires_grad());
  DeepReenter::apply(v).sum().backward();
  CHECK(v.grad().equal(torch::ones({1})));
  CHECK(DeepReenter::calls == 8193);
  // An error deep inside comes out of the outermost backward (it crossed the helper threads).
  auto bad = torch::tensor({100.0f}, torch::requires_grad());
  struct Thrower : torch::autograd::Function<Thrower> {
    static Tensor forward(AutogradContext*, Tensor x) { return x.clone(); }
    static variable_list backward(AutogradContext*, variable_list) { throw torch::ValueError("deep"); }
  };
  struct Nest : torch::autograd::Function<Nest> {
    static Tensor forward(AutogradContext* ctx, Tensor x) {
      ctx->saved_data["x"] = x.detach() - 1;
      return x.clone();
    }
    static variable_list backward(AutogradContext* ctx, variable_list g) {
      Tensor x = ctx->saved_data["x"].toTensor();
      auto leaf = x.detach().requires_grad_();
      torch::AutoGradMode enable_grad(true);
      if (x.item<float>() == 0) Thrower::apply(leaf).sum().backward();
      else apply(leaf).sum().backward();
      return g;
    }
  };
  CHECK_THROWS_AS(Nest::apply(bad).sum().backward(), torch::ValueError);
}

TEST_CASE("nested backward passes run before the outer pass goes on", "[reentrant]") {
  // Python: a = Logged(6), b = DeepReenter(9), (a * b).backward() -> order [1 x 9, 0]
  std::vector<int> order;
  Logged::order = &order;
  DeepReenter::order = &order;
  auto a = Logged::apply(torch::tensor({6.0f}, torch::requires_grad()));
  auto b = DeepReenter::apply(torch::tensor({9.0f}, torch::requires_grad()));
  (a * b).backward();
  DeepReenter::order = nullptr;
  CHECK(order == std::vector<int>{1, 1, 1, 1, 1, 1, 1, 1, 1, 0});
}
