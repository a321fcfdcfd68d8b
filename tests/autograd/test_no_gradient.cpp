// test_no_gradient.cpp: nodes that receive no gradient (Note [Nodes that receive no gradient] in
// src/autograd/engine.cpp) and anomaly mode's parents (Note [Anomaly parents] in node.cpp), against
// what PyTorch 1.13 did for the same graphs (the Python is quoted above each check):
//   class Mat(Function): backward(ctx, g) sees tensor([0., 0.]) for an output whose gradient is None
//   class NoMat(Function): forward sets ctx.set_materialize_grads(False); backward sees None
//   y = x * c; y.grad_fn.register_hook(...) runs with ((None, None), (None,))
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <xgrad/torch.hpp>

using torch::Tensor;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

namespace {

/// Records what its backward received; materialises missing gradients unless told not to.
struct Watch : torch::autograd::Function<Watch> {
  static std::vector<Tensor> seen;
  static Tensor forward(AutogradContext* ctx, Tensor x, bool materialize) {
    ctx->set_materialize_grads(materialize);
    return x.clone();
  }
  static variable_list backward(AutogradContext*, variable_list grad) {
    seen.push_back(grad[0]);
    return {grad[0], Tensor()};
  }
};
std::vector<Tensor> Watch::seen;

/// backward returns no gradient at all: whatever lies behind receives nothing.
struct NoneGrad : torch::autograd::Function<NoneGrad> {
  static Tensor forward(AutogradContext*, Tensor x) { return x.clone(); }
  static variable_list backward(AutogradContext*, variable_list) { return {Tensor()}; }
};

struct Capture : c10::WarningHandler {
  std::vector<std::string> messages;
  void process(const c10::SourceLocation&, const std::string& msg, bool) override { messages.push_back(msg); }
};

}  // namespace

TEST_CASE("a custom Function whose outputs got no gradient is called with zeros", "[engine][no_gradient]") {
  // Python: x = ones(2, requires_grad); NoneGrad.apply(Mat.apply(x)).sum().backward()
  //   -> Mat's backward sees tensor([0., 0.]); x.grad = tensor([0., 0.])
  Watch::seen.clear();
  auto x = torch::ones({2}, torch::requires_grad());
  NoneGrad::apply(Watch::apply(x, true)).sum().backward();
  REQUIRE(Watch::seen.size() == 1);
  REQUIRE(Watch::seen[0].defined());
  CHECK(Watch::seen[0].equal(torch::zeros({2})));
  REQUIRE(x.grad().defined());
  CHECK(x.grad().equal(torch::zeros({2})));

  // The same through libtorch's UndefinedGrad (CustomAutogradTest.MaterializeGrads).
  Watch::seen.clear();
  auto v = torch::ones({1}, torch::requires_grad());
  torch::autograd::UndefinedGrad().apply({Watch::apply(v, true)})[0].backward();
  REQUIRE(Watch::seen.size() == 1);
  CHECK(Watch::seen[0].equal(torch::zeros({1})));
}

TEST_CASE("set_materialize_grads(false): the Function sees the undefined gradient", "[engine][no_gradient]") {
  // Python: NoneGrad.apply(NoMat.apply(x)).sum().backward() -> NoMat's backward sees None; x.grad None
  Watch::seen.clear();
  auto x = torch::ones({2}, torch::requires_grad());
  NoneGrad::apply(Watch::apply(x, false)).sum().backward();
  REQUIRE(Watch::seen.size() == 1);  // it was called
  CHECK_FALSE(Watch::seen[0].defined());
  CHECK_FALSE(x.grad().defined());
}

TEST_CASE("an op's node that gets no gradient is not run, but its hooks are", "[engine][no_gradient]") {
  // Python: y = x * c; y.grad_fn.register_prehook(...); y.grad_fn.register_hook(...)
  //   NoneGrad.apply(y).sum().backward() -> prehook (None,); posthook (None, None) (None,); x.grad None
  auto x = torch::ones({2}, torch::requires_grad());
  auto c = torch::full({2}, 2.0);
  auto y = x * c;
  std::vector<std::string> calls;
  y.grad_fn()->register_prehook([&](const variable_list& go) {
    calls.push_back("pre " + std::to_string(go.size()) + (go[0].defined() ? " defined" : " undefined"));
    return variable_list{};
  });
  y.grad_fn()->register_hook([&](const variable_list& gi, const variable_list& go) {
    std::string s = "post " + std::to_string(gi.size()) + " " + std::to_string(go.size());
    for (const Tensor& g : gi) s += g.defined() ? " defined" : " undefined";
    calls.push_back(s + (go[0].defined() ? " defined" : " undefined"));
    return variable_list{};
  });
  NoneGrad::apply(y).sum().backward();
  CHECK(calls == std::vector<std::string>{"pre 1 undefined", "post 2 1 undefined undefined undefined"});
  CHECK_FALSE(x.grad().defined());
}

TEST_CASE("UndefinedGrad copies its inputs and sends no gradient back", "[engine][no_gradient]") {
  // Python: y = torch._C._functions.UndefinedGrad()(x * 1)
  //   -> tensor([1.], grad_fn=<UndefinedGradBackward>), name 'torch::autograd::UndefinedGradBackward'
  //   y.sum().backward() -> x.grad None; under no_grad the copy still has the grad_fn (no edges);
  //   an input that does not require grad gives a plain tensor
  auto x = torch::ones({1}, torch::requires_grad());
  auto y = torch::autograd::UndefinedGrad().apply({x * 1})[0];
  REQUIRE(y.grad_fn() != nullptr);
  CHECK(y.grad_fn()->name() == "torch::autograd::UndefinedGradBackward");
  CHECK(y.grad_fn()->next_edges().size() == 1);
  CHECK(y.equal(torch::ones({1})));
  y.sum().backward();
  CHECK_FALSE(x.grad().defined());
  {
    torch::NoGradGuard no_grad;
    auto z = torch::autograd::UndefinedGrad().apply({x})[0];
    REQUIRE(z.grad_fn() != nullptr);
    CHECK(z.requires_grad());
    CHECK(z.grad_fn()->next_edges().size() == 1);
    CHECK_FALSE(z.grad_fn()->next_edges()[0].is_valid());
    CHECK_FALSE(z.is_same(x));
  }
  auto w = torch::autograd::UndefinedGrad().apply({torch::ones({1})})[0];
  CHECK(w.grad_fn() == nullptr);
  CHECK_FALSE(w.requires_grad());
}

TEST_CASE("anomaly mode names the node whose backward made the failing node", "[engine][anomaly]") {
  // Python, under detect_anomaly(): x = tensor([0.], requires_grad); y = x.pow(1.5)
  //   gr = grad(y, x, create_graph=True); grad(gr[0], x, tensor([0.]))
  //   -> RuntimeError "Function 'PowBackward0' returned nan values in its 0th output."
  //   warnings: "Error detected in PowBackward0. Traceback of forward call that caused the error: ..."
  //             "\n\nPrevious calculation was induced by PowBackward0. Traceback of forward call that
  //              induced the previous calculation: ..."
  torch::autograd::DetectAnomalyGuard anomaly;
  auto x = torch::tensor({0.0}, torch::requires_grad());
  auto y = x.pow(1.5);
  auto gr = torch::autograd::grad({y}, {x}, {}, true, true);
  CHECK(y.grad_fn()->anomaly_parent() == nullptr);  // made by a forward op
  Capture capture;
  {
    c10::Warning::WarningHandlerGuard guard(&capture);
    CHECK_THROWS_WITH(torch::autograd::grad({gr[0]}, {x}, {torch::tensor({0.0})}),
                      Catch::StartsWith("Function 'PowBackward0' returned nan values in its 0th output."));
  }
  REQUIRE(capture.messages.size() == 2);
  CHECK(capture.messages[0] ==
        "Error detected in PowBackward0. Traceback of forward call that caused the error:\n"
        "  pow with an input of shape [1]");
  CHECK(capture.messages[1] ==
        "\n\nPrevious calculation was induced by PowBackward0. Traceback of forward call that induced the previous "
        "calculation:\n  pow with an input of shape [1]");
}

namespace {
/// Its backward records a product; the product's node notes its anomaly parent here.
struct Inner : torch::autograd::Function<Inner> {
  static torch::autograd::Node* made_in;
  static Tensor forward(AutogradContext*, Tensor x) { return x.clone(); }
  static variable_list backward(AutogradContext*, variable_list g) {
    torch::AutoGradMode enable_grad(true);
    auto leaf = torch::ones({1}, torch::requires_grad());
    auto inner = leaf * 2;
    made_in = inner.grad_fn()->anomaly_parent().get();
    return g;
  }
};
torch::autograd::Node* Inner::made_in = nullptr;
}  // namespace

TEST_CASE("a node made inside a custom Function's backward has that Function's node as parent",
          "[engine][anomaly]") {
  torch::autograd::DetectAnomalyGuard anomaly;
  auto x = torch::ones({1}, torch::requires_grad());
  auto out = Inner::apply(x);
  torch::autograd::Node* outer = out.grad_fn().get();
  Inner::made_in = nullptr;
  out.sum().backward();
  CHECK(Inner::made_in == outer);
}
