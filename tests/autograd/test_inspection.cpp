// test_inspection.cpp: the tools of issue 6 for seeing inside autograd: the graph as DOT and as a
// tree, the engine trace, anomaly detection, node hooks (Python's grad_fn.register_hook and
// register_prehook) and custom functions, against fixed expected text and PyTorch 1.13's behaviour.
#include <catch2/catch.hpp>

#include <sstream>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

namespace F = torch::nn::functional;
using torch::Tensor;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

namespace {

/// The documents' cross-entropy example: logits (3, 5) drawn after manual_seed(0), targets 1, 0, 4.
Tensor cross_entropy_example(Tensor& x) {
  torch::manual_seed(0);
  x = torch::randn({3, 5}, torch::requires_grad());
  return F::cross_entropy(x, torch::tensor({1, 0, 4}));
}

}  // namespace

TEST_CASE("to_text walks next_functions as Python does") {
  Tensor x;
  Tensor loss = cross_entropy_example(x);
  CHECK(torch::autograd::to_text(loss) ==
        "NllLossBackward0\n"
        "└── LogSoftmaxBackward0\n"
        "    └── AccumulateGrad (leaf [3, 5] float32)\n");
  // An input that needs no gradient is Python's None; a node reached twice is not expanded again.
  auto a = torch::tensor({2.0f}, torch::requires_grad());
  auto w = torch::tensor({3.0f});
  auto y = (a * w + a.tanh()) * a;
  CHECK(torch::autograd::to_text(y) ==
        "MulBackward0\n"
        "├── AddBackward0\n"
        "│   ├── MulBackward0\n"
        "│   │   ├── AccumulateGrad (leaf [1] float32)\n"
        "│   │   └── None\n"
        "│   └── TanhBackward0\n"
        "│       └── AccumulateGrad (leaf [1] float32) (shown above)\n"
        "└── AccumulateGrad (leaf [1] float32) (shown above)\n");
  CHECK(torch::autograd::to_text(a) == "a leaf (no grad_fn)\n");
  CHECK(torch::autograd::to_text(w) == "None (no graph)\n");
}

TEST_CASE("to_dot draws the graph in the order backward runs it") {
  auto a = torch::tensor({2.0f, 1.0f}, torch::requires_grad());
  auto b = torch::tensor({0.5f, 4.0f}, torch::requires_grad());
  auto loss = (a * b).sigmoid().sum();
  CHECK(torch::autograd::to_dot(loss) ==
        "digraph autograd {\n"
        "  node [shape=box, fontname=\"Helvetica\", fontsize=11]\n"
        "  output [label=\"output\\n[] float32\", shape=ellipse, style=filled, fillcolor=darkolivegreen1]\n"
        "  output -> n1\n"
        "  n1 [label=\"SumBackward0\"]\n"
        "  n1 -> n2\n"
        "  n2 [label=\"SigmoidBackward0\"]\n"
        "  n2 -> n3\n"
        "  n3 [label=\"MulBackward0\"]\n"
        "  n3 -> n4 [label=\"0\"]\n"
        "  n3 -> n5 [label=\"1\"]\n"
        "  n4 [label=\"AccumulateGrad\"]\n"
        "  leaf4 [label=\"leaf\\n[2] float32\", shape=ellipse, style=filled, fillcolor=lightblue]\n"
        "  n4 -> leaf4 [label=\".grad\"]\n"
        "  n5 [label=\"AccumulateGrad\"]\n"
        "  leaf5 [label=\"leaf\\n[2] float32\", shape=ellipse, style=filled, fillcolor=lightblue]\n"
        "  n5 -> leaf5 [label=\".grad\"]\n"
        "}\n");
  CHECK_THAT(torch::autograd::to_dot(loss, torch::autograd::DotOptions().name(b, "b")),
             Catch::Contains("  leaf5 [label=\"b\\n[2] float32\", shape=ellipse"));
  // With saved tensors: sigmoid keeps its output, mul both inputs; after backward they are freed.
  const std::string with_saved = torch::autograd::to_dot(loss, torch::autograd::DotOptions().saved(true));
  CHECK_THAT(with_saved, Catch::Contains("  saved2_0 [label=\"saved\\n[2] float32\", style=\"filled,dashed\", "
                                         "fillcolor=orange]\n  n2 -> saved2_0 [style=dashed, arrowhead=none]\n"));
  CHECK_THAT(with_saved, Catch::Contains("saved3_1 [label=\"saved\\n[2] float32\""));
  loss.backward();
  CHECK_THAT(torch::autograd::to_dot(loss, torch::autograd::DotOptions().saved(true)),
             Catch::Contains("saved2_0 [label=\"saved\\nfreed\""));
}

TEST_CASE("the engine trace shows each node as it runs") {
  Tensor x;
  Tensor loss = cross_entropy_example(x);
  std::ostringstream out;
  {
    torch::autograd::EngineTraceGuard trace(out);
    loss.backward(/*gradient=*/{}, /*retain_graph=*/true);
    loss.backward();  // a second time: the leaf's gradient is added to
  }
  CHECK(out.str() ==
        "backward from NllLossBackward0: 3 nodes\n"
        "   1. NllLossBackward0       in []         out [3, 5]\n"
        "   2. LogSoftmaxBackward0    in [3, 5]     out [3, 5]\n"
        "   3. AccumulateGrad         in [3, 5]     -> .grad of leaf [3, 5] float32 (new)\n"
        "backward from NllLossBackward0: 3 nodes\n"
        "   1. NllLossBackward0       in []         out [3, 5]\n"
        "   2. LogSoftmaxBackward0    in [3, 5]     out [3, 5]\n"
        "   3. AccumulateGrad         in [3, 5]     -> .grad of leaf [3, 5] float32 (added to the gradient already "
        "there)\n");
  // Outside the guard nothing is printed; under autograd::grad the leaves' .grad are left alone.
  std::ostringstream quiet, for_grad;
  loss = cross_entropy_example(x);
  {
    torch::autograd::EngineTraceGuard trace(for_grad);
    torch::autograd::grad({loss}, {x});
  }
  CHECK(for_grad.str() ==
        "backward from NllLossBackward0: 3 nodes\n"
        "   1. NllLossBackward0       in []         out [3, 5]\n"
        "   2. LogSoftmaxBackward0    in [3, 5]     out [3, 5]\n"
        "   -. AccumulateGrad         not run: grad() leaves .grad alone\n");
  CHECK(quiet.str().empty());
}

TEST_CASE("DetectAnomalyGuard names the node that made a NaN and its forward op") {
  auto z = torch::zeros({2}, torch::requires_grad());
  {
    torch::autograd::DetectAnomalyGuard guard;
    CHECK(torch::autograd::AnomalyMode::is_enabled());
    auto q = z / z;
    CHECK(q.grad_fn()->forward_op() == "div with inputs of shape [2] and [2]");
    // PyTorch 1.13: "Function 'DivBackward0' returned nan values in its 1th output."
    CHECK_THROWS_WITH(q.sum().backward(), "Function 'DivBackward0' returned nan values in its 1th output. The forward "
                                          "op that created it: div with inputs of shape [2] and [2].");
    auto x = torch::tensor({-1.0f, 4.0f}, torch::requires_grad());
    auto loss = torch::nn::functional::cross_entropy(x.reshape({1, 2}), torch::tensor({1}));
    CHECK(loss.grad_fn()->forward_op() == "nll_loss with an input of shape [1, 2]");
    loss.backward();  // no NaN: no error
  }
  CHECK_FALSE(torch::autograd::AnomalyMode::is_enabled());
  auto q = z / z;
  CHECK(q.grad_fn()->forward_op().empty());
  q.sum().backward();  // without the guard the NaN goes through silently, as in PyTorch
  CHECK(torch::isnan(z.grad()).all().item<bool>());
}

TEST_CASE("node hooks run as Python's grad_fn.register_hook and register_prehook") {
  // Python: y = x * w; y.grad_fn.register_prehook(lambda go: (go[0] + 1,));
  //         y.grad_fn.register_hook(lambda gi, go: (gi[0] * 10, gi[1])); y.sum().backward()
  //         -> the prehook sees [1, 1], the hook gi [6, 8] and None, go [2, 2]; x.grad = [60, 80]
  auto x = torch::tensor({1.0f, 2.0f}, torch::requires_grad());
  auto w = torch::tensor({3.0f, 4.0f});
  auto y = x * w;
  std::vector<std::string> calls;
  auto pre = y.grad_fn()->register_prehook([&](const variable_list& go) -> variable_list {
    calls.push_back("pre " + fmt::format("{}", go[0]));
    return {go[0] + 1};
  });
  auto post = y.grad_fn()->register_hook([&](const variable_list& gi, const variable_list& go) -> variable_list {
    calls.push_back(fmt::format("post {} {} {}", gi[0], gi[1].defined() ? "defined" : "None", go[0]));
    return {gi[0] * 10, gi[1]};
  });
  y.sum().backward({}, /*retain_graph=*/true);
  CHECK(calls == std::vector<std::string>{"pre tensor([1., 1.])",
                                          "post tensor([6., 8.]) None tensor([2., 2.])"});
  CHECK(x.grad().equal(torch::tensor({60.0f, 80.0f})));
  CHECK(y.grad_fn()->remove_hook(pre));
  CHECK(y.grad_fn()->remove_hook(post));
  CHECK_FALSE(y.grad_fn()->remove_hook(post));
  x.mutable_grad() = Tensor();
  y.sum().backward();
  CHECK(x.grad().equal(torch::tensor({3.0f, 4.0f})));
}

namespace {

struct ClampedExp : torch::autograd::Function<ClampedExp> {
  static Tensor forward(AutogradContext* ctx, Tensor x, double max) {
    auto y = x.clamp_max(max).exp();
    ctx->save_for_backward({x, y});
    ctx->saved_data["max"] = max;
    return y;
  }
  static variable_list backward(AutogradContext* ctx, variable_list grad) {
    auto saved = ctx->get_saved_variables();
    auto keep = saved[0] <= ctx->saved_data["max"].toDouble();
    return {grad[0] * saved[1] * keep, Tensor()};
  }
};

// Python's Split: an output and its argmax, marked non-differentiable.
struct Split : torch::autograd::Function<Split> {
  static variable_list forward(AutogradContext* ctx, Tensor x) {
    auto idx = x.argmax();
    ctx->mark_non_differentiable({idx});
    return {x * 2, idx};
  }
  static variable_list backward(AutogradContext* ctx, variable_list grad) {
    CHECK(ctx->needs_input_grad(0));
    CHECK(grad[1].defined());  // materialized: zeros of the index's shape and dtype
    CHECK(grad[1].scalar_type() == torch::kLong);
    return {grad[0] * 2};
  }
};

struct Bad : torch::autograd::Function<Bad> {
  static Tensor forward(AutogradContext*, Tensor x) { return x.clone(); }
  static variable_list backward(AutogradContext*, variable_list grad) { return {grad[0], grad[0]}; }
};

struct Ident : torch::autograd::Function<Ident> {
  static Tensor forward(AutogradContext*, Tensor x) { return x; }
  static variable_list backward(AutogradContext*, variable_list grad) { return {grad[0] * 3}; }
};

// Differentiable backward: a cube, so double backward works through it.
struct Cube : torch::autograd::Function<Cube> {
  static Tensor forward(AutogradContext* ctx, Tensor x) {
    ctx->save_for_backward({x});
    return x * x * x;
  }
  static variable_list backward(AutogradContext* ctx, variable_list grad) {
    auto x = ctx->get_saved_variables()[0];
    return {grad[0] * 3 * x * x};
  }
};

// In place: forward writes its input and says so (Python's ctx.mark_dirty).
struct AddOne : torch::autograd::Function<AddOne> {
  static Tensor forward(AutogradContext* ctx, Tensor x) {
    x.add_(1);
    ctx->mark_dirty({x});
    return x;
  }
  static variable_list backward(AutogradContext*, variable_list grad) { return {grad[0] * 2}; }
};

}  // namespace

TEST_CASE("a custom function that writes its input in place, as Python's mark_dirty") {
  // Python: b = a * 1; c = AddOne.apply(b) -> c is b, b.grad_fn is AddOneBackward, b = [2, 2];
  //         c.sum().backward() -> a.grad = [2, 2]; on a leaf that requires grad: an error.
  auto a = torch::ones({2}, torch::requires_grad());
  auto b = a * 1;
  auto c = AddOne::apply(b);
  CHECK(c.is_same(b));
  CHECK(b.grad_fn()->name() == "AddOneBackward");
  CHECK(b.equal(torch::full({2}, 2.0f)));
  c.sum().backward();
  CHECK(a.grad().equal(torch::full({2}, 2.0f)));
  CHECK_THROWS_WITH(AddOne::apply(torch::ones({2}, torch::requires_grad())),
                    "a leaf Variable that requires grad has been used in an in-place operation.");
}

TEST_CASE("a custom function's forward, backward and name follow Python's") {
  auto x = torch::tensor({0.5, 1.5, 3.0}, torch::requires_grad());
  auto y = ClampedExp::apply(x, 2.0);
  CHECK(y.grad_fn()->name() == "ClampedExpBackward");
  CHECK(fmt::format("{}", y) == "tensor([1.6487, 4.4817, 7.3891], grad_fn=<ClampedExpBackward>)");
  y.sum().backward();
  CHECK_CLOSE(x.grad(), torch::tensor({1.6487212707001282f, 4.4816890703380645f, 0.0f}), 1e-6, 1e-6);
  CHECK_THROWS_WITH(y.sum().backward(), Catch::StartsWith("Trying to backward through the graph a second time"));
  auto xd = torch::tensor({0.5, 1.5, 3.0}, torch::kDouble).requires_grad_();
  CHECK(torch::autograd::gradcheck([](const xgrad_test::Inputs& v) { return ClampedExp::apply(v[0], 2.0); }, {xd}));
  {
    torch::NoGradGuard no_grad;  // nothing recorded without grad mode
    CHECK_FALSE(ClampedExp::apply(x, 2.0).requires_grad());
  }

  auto a = torch::tensor({1.0f, 5.0f, 2.0f}, torch::requires_grad());
  auto outs = Split::apply(a);
  CHECK(outs[0].grad_fn()->name() == "SplitBackward");
  CHECK_FALSE(outs[1].requires_grad());
  CHECK(outs[1].item<int64_t>() == 1);
  outs[0].sum().backward();
  CHECK(a.grad().equal(torch::tensor({2.0f, 2.0f, 2.0f})));

  CHECK_THROWS_WITH(Bad::apply(a).sum().backward(),
                    "function BadBackward returned an incorrect number of gradients (expected 1, got 2)");

  // An input returned as is: the result is a new tensor with the node as grad_fn; the input is untouched.
  auto r = Ident::apply(a);
  CHECK_FALSE(r.is_same(a));
  CHECK(r.grad_fn()->name() == "IdentBackward");
  CHECK(a.is_leaf());
  a.mutable_grad() = Tensor();
  r.sum().backward();
  CHECK(a.grad().equal(torch::tensor({3.0f, 3.0f, 3.0f})));

  // create_graph: the second derivative of x^3 is 6x.
  auto c = torch::tensor({2.0}, torch::kDouble).requires_grad_();
  auto g = torch::autograd::grad({Cube::apply(c)}, {c}, {}, std::nullopt, /*create_graph=*/true)[0];
  CHECK(g.item<double>() == 12.0);
  CHECK(torch::autograd::grad({g}, {c})[0].item<double>() == 12.0);
}

TEST_CASE("saved_data holds libtorch's IValue kinds and refuses the wrong one") {
  torch::IValue d = 2.5, i = 3, b = true, s = "name", t = torch::ones({2}), l = std::vector<int64_t>{1, 2};
  CHECK(d.toDouble() == 2.5);
  CHECK(i.toInt() == 3);
  CHECK(b.toBool());
  CHECK(s.toStringRef() == "name");
  CHECK(t.toTensor().equal(torch::ones({2})));
  CHECK(l.toIntVector() == std::vector<int64_t>{1, 2});
  CHECK(torch::IValue().isNone());
  CHECK_THROWS_WITH(t.toDouble(), "Expected Double but got Tensor");
  CHECK_THROWS_WITH(d.toInt(), "Expected Int but got Double");
}

namespace {
/// out = a + 2 b + a b; records what needs_input_grad said in backward.
struct Trimmed : torch::autograd::Function<Trimmed> {
  static std::vector<bool> seen;
  static Tensor forward(AutogradContext* ctx, Tensor a, Tensor b) {
    ctx->save_for_backward({a, b});
    return a + 2 * b + a * b;
  }
  static variable_list backward(AutogradContext* ctx, variable_list g) {
    using torch::autograd::IndexRange;
    seen = {ctx->needs_input_grad(0), ctx->needs_input_grad(1), ctx->needs_input_grad({IndexRange{0, 2}})};
    auto saved = ctx->get_saved_variables();
    Tensor ga = ctx->needs_input_grad(0) ? g[0] + g[0] * saved[1] : Tensor();
    Tensor gb = ctx->needs_input_grad(1) ? g[0] * 2 + g[0] * saved[0] : Tensor();
    return {ga, gb};
  }
};
std::vector<bool> Trimmed::seen;
}  // namespace

// libtorch's CustomAutogradTest.GraphTaskTrimEdges: inside grad() or backward(inputs=...), an
// input whose gradient nobody asked for does not need one (task_should_compute_output). Python's
// ctx.needs_input_grad is a tuple fixed at forward time instead; this is the C++ method's rule.
TEST_CASE("needs_input_grad is false for gradients grad() did not ask for, as libtorch's") {
  auto x = torch::tensor({1.0f, 2.0f}, torch::requires_grad());
  auto y = torch::tensor({3.0f, -1.0f}, torch::requires_grad());
  auto go = torch::ones({2});
  auto gx = torch::autograd::grad({Trimmed::apply(x, y)}, {x}, {go})[0];
  CHECK(Trimmed::seen == std::vector<bool>{true, false, true});
  CHECK(gx.equal(y + 1));
  auto gy = torch::autograd::grad({Trimmed::apply(x, y)}, {y}, {go})[0];
  CHECK(Trimmed::seen == std::vector<bool>{false, true, true});
  CHECK(gy.equal(x + 2));
  auto both = torch::autograd::grad({Trimmed::apply(x, y)}, {x, y}, {go});
  CHECK(Trimmed::seen == std::vector<bool>{true, true, true});
  CHECK(both[0].equal(y + 1));
  CHECK(both[1].equal(x + 2));
  Trimmed::apply(x, y).backward(go, std::nullopt, false, torch::TensorList{y});
  CHECK(Trimmed::seen == std::vector<bool>{false, true, true});
  CHECK(y.grad().equal(x + 2));
  CHECK_FALSE(x.grad().defined());
  Trimmed::apply(x, y).sum().backward();  // plain backward: every input that requires grad
  CHECK(Trimmed::seen == std::vector<bool>{true, true, true});
  // Only what requires grad, as always.
  Trimmed::apply(x, torch::ones({2})).sum().backward();
  CHECK(Trimmed::seen == std::vector<bool>{true, false, true});
}
