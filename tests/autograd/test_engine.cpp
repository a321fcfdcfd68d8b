// test_engine.cpp: src/autograd/engine.cpp: graph shapes (reuse, diamonds, broadcasting), graph
// lifetime (retain_graph, a 100k-node chain), grad mode, hooks, double backward, and the errors.
#include <catch2/catch.hpp>

#include <thread>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

using torch::Tensor;
using V = xgrad_test::Inputs;

TEST_CASE("a tensor used twice gets both contributions (x * x)") {
  auto x = torch::tensor({1.0f, -2.0f, 3.0f}, torch::requires_grad());
  (x * x).sum().backward();
  CHECK(x.grad().equal(torch::tensor({2.0f, -4.0f, 6.0f})));
}

TEST_CASE("a diamond graph sums the paths that meet") {
  auto x = torch::tensor({0.5, -1.0}, torch::TensorOptions().dtype(torch::kDouble).requires_grad(true));
  auto a = x * 2;
  auto y = (torch::exp(a) + torch::sin(a)).sum();
  y.backward();
  auto expected = (torch::exp(x.detach() * 2) + torch::cos(x.detach() * 2)) * 2;
  CHECK_CLOSE(x.grad(), expected, 1e-12, 1e-12);
}

TEST_CASE("gradients accumulate across backward calls and can be zeroed") {
  auto x = torch::tensor({1.0f, 2.0f}, torch::requires_grad());
  (x * 3).sum().backward();
  (x * 3).sum().backward();
  CHECK(x.grad().equal(torch::tensor({6.0f, 6.0f})));
  x.mutable_grad().zero_();
  (x * x).sum().backward();
  CHECK(x.grad().equal(torch::tensor({2.0f, 4.0f})));
}

TEST_CASE("broadcast gradients are reduced to the input's shape") {
  auto x = torch::ones({3}, torch::requires_grad());
  auto y = torch::ones({2, 3}, torch::requires_grad());
  auto s = torch::ones({}, torch::requires_grad());
  (x * y + s).sum().backward();
  CHECK(x.grad().equal(torch::full({3}, 2.0f)));
  CHECK(y.grad().equal(torch::ones({2, 3})));
  CHECK(s.grad().equal(torch::tensor(6.0f)));
  CHECK(s.grad().dim() == 0);
}

TEST_CASE("retain_graph allows a second backward, without it PyTorch's error") {
  auto x = torch::tensor({1.0f, 2.0f}, torch::requires_grad());
  auto y = (x * x).sum();
  y.backward({}, /*retain_graph=*/true);
  y.backward();
  CHECK(x.grad().equal(torch::tensor({4.0f, 8.0f})));
  CHECK_THROWS_WITH(y.backward(),
                    "Trying to backward through the graph a second time (or directly access saved tensors after they "
                    "have already been freed). Saved intermediate values of the graph are freed when you call "
                    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
                    "graph a second time or if you need to access saved tensors after calling backward.");
  // A graph that saved nothing can be walked again, as in PyTorch.
  auto z = (x + 1).sum();
  z.backward();
  CHECK_NOTHROW(z.backward());
}

TEST_CASE("grad mode: NoGradGuard, AutoGradMode, and it is per thread") {
  auto x = torch::ones({2}, torch::requires_grad());
  {
    torch::NoGradGuard no_grad;
    auto y = x * 2;
    CHECK_FALSE(y.requires_grad());
    CHECK(y.grad_fn() == nullptr);
    bool other_thread_records = false;
    std::thread([&] { other_thread_records = (x * 2).requires_grad(); }).join();
    CHECK(other_thread_records);
    {
      torch::AutoGradMode enable(true);
      CHECK((x * 2).requires_grad());
    }
    CHECK_FALSE(torch::GradMode::is_enabled());
  }
  CHECK(torch::GradMode::is_enabled());
  CHECK((x * 2).requires_grad());
}

TEST_CASE("hooks see and may replace gradients") {
  auto x = torch::tensor({1.0f, 2.0f}, torch::requires_grad());
  Tensor seen;
  x.register_hook([&](const Tensor& g) { seen = g.clone(); });
  unsigned doubler = x.register_hook([](const Tensor& g) { return g * 2; });
  auto h = x * 3;
  h.register_hook([](const Tensor& g) { return g + 1; });  // on a non-leaf
  h.sum().backward();
  CHECK(seen.equal(torch::tensor({6.0f, 6.0f})));        // (1 + 1) * 3
  CHECK(x.grad().equal(torch::tensor({12.0f, 12.0f})));  // then doubled
  x.remove_hook(doubler);
  x.mutable_grad().zero_();
  (x * 3).sum().backward();
  CHECK(x.grad().equal(torch::tensor({3.0f, 3.0f})));
}

// libtorch (no Python equivalent: Python hands out RemovableHandles): a handle is the hook's
// position in the tensor's own list, which an in-place op starts afresh on the new grad_fn;
// remove_hook of a position never handed out throws "Invalid index, no hook at position N".
TEST_CASE("hook handles are positions in the tensor's list, as libtorch's") {
  auto x = torch::ones({2}, torch::requires_grad());
  auto y = torch::full({2}, 4.0f, torch::requires_grad());
  CHECK(x.register_hook([](const Tensor& g) { return g; }) == 0);
  CHECK(y.register_hook([](const Tensor& g) { return g * 2; }) == 0);  // y's own list
  auto z = x * x + x * 2 + x * y + y;
  int counter = 0;
  CHECK(z.register_hook([&](const Tensor&) { counter += 1; }) == 0);
  unsigned second = z.register_hook([&](const Tensor&) { counter += 2; });
  CHECK(second == 1);
  z.backward(torch::ones({2}), true);
  CHECK(counter == 3);
  z.remove_hook(second);
  z.remove_hook(second);  // again: allowed, nothing left to remove
  z.backward(torch::ones({2}), true);
  CHECK(counter == 4);
  CHECK(y.grad().equal(torch::full({2}, 2.0f) * 2 * (1 + 1)));  // (x + 1), doubled by y's hook, twice
  CHECK_THROWS_WITH(y.remove_hook(1), "Invalid index, no hook at position 1");
  CHECK_THROWS_WITH(torch::ones({1}, torch::requires_grad()).remove_hook(0), "Invalid index, no hook at position 0");

  // After an in-place op the tensor starts a new list on its new grad_fn: position 0 again, and
  // removing it leaves the hooks registered before the op (which still see their gradient).
  auto a = torch::ones({2}, torch::requires_grad()).clone();
  int before = 0, after = 0;
  CHECK(a.register_hook([&](const Tensor& g) { before += static_cast<int>(g.sum().item<float>()); }) == 0);
  a.mul_(2);
  unsigned h = a.register_hook([&](const Tensor&) { ++after; });
  CHECK(h == 0);
  a.remove_hook(h);
  CHECK_THROWS_WITH(a.remove_hook(1), "Invalid index, no hook at position 1");
  (a + 1).sum().backward();
  CHECK(before == 4);  // the gradient reaching a before mul_: 2 per element
  CHECK(after == 0);
}

TEST_CASE("retain_grad keeps a non-leaf's gradient") {
  auto x = torch::tensor({1.0f, 2.0f}, torch::requires_grad());
  auto h = x * 3;
  h.retain_grad();
  CHECK(h.retains_grad());
  (h * h).sum().backward();
  CHECK(h.grad().equal(torch::tensor({6.0f, 12.0f})));
  CHECK(x.grad().equal(torch::tensor({18.0f, 36.0f})));
}

TEST_CASE("autograd::grad returns gradients without touching .grad") {
  auto x = torch::tensor({1.0, 2.0}, torch::TensorOptions(torch::kDouble).requires_grad(true));
  auto w = torch::tensor({3.0, 4.0}, torch::TensorOptions(torch::kDouble).requires_grad(true));
  auto h = x * w;
  auto y = (h * h).sum();
  auto g = torch::autograd::grad({y}, {x, h}, {}, /*retain_graph=*/true);
  CHECK(g[0].equal(torch::tensor({18.0, 64.0}, torch::kDouble)));  // 2 x w^2
  CHECK(g[1].equal(torch::tensor({6.0, 16.0}, torch::kDouble)));   // 2 h
  CHECK_FALSE(x.grad().defined());
  auto unused = torch::ones({1}, torch::TensorOptions(torch::kDouble).requires_grad(true));
  CHECK_THROWS_WITH(torch::autograd::grad({y}, {unused}, {}, true),
                    "One of the differentiated Tensors appears to not have been used in the graph. Set "
                    "allow_unused=True if this is the desired behavior.");
  auto maybe = torch::autograd::grad({y}, {unused}, {}, true, false, /*allow_unused=*/true);
  CHECK_FALSE(maybe[0].defined());
  CHECK_THROWS_WITH(torch::autograd::grad({y}, {torch::ones({1})}), "One of the differentiated Tensors does not require grad");
}

TEST_CASE("backward(inputs) accumulates into the given tensors only") {
  auto x = torch::ones({2}, torch::requires_grad());
  auto w = torch::ones({2}, torch::requires_grad());
  (x * w * 2).sum().backward({}, std::nullopt, false, torch::TensorList{x});
  CHECK(x.grad().equal(torch::full({2}, 2.0f)));
  CHECK_FALSE(w.grad().defined());
}

// Python (torch 1.13): torch.autograd.grad(x * 2, [], x) raises ValueError "grad requires
// non-empty inputs."; (x * 2).sum().backward(inputs=[]) raises RuntimeError "'inputs' argument to
// backward() cannot be empty." (libtorch's AutogradAPITests.EmptyInput, BackwardWithEmptyInputs).
TEST_CASE("grad and backward refuse an empty inputs list with PyTorch's errors") {
  auto x = torch::ones({1}, torch::requires_grad());
  CHECK_THROWS_AS(torch::autograd::grad({x * 2}, {}, {x}), torch::ValueError);
  CHECK_THROWS_WITH(torch::autograd::grad({x * 2}, {}, {x}), "grad requires non-empty inputs.");
  auto y = (x * 2).sum();
  CHECK_THROWS_AS(y.backward({}, true, false, std::vector<Tensor>{}), torch::Error);
  CHECK_THROWS_WITH(y.backward({}, true, false, std::vector<Tensor>{}),
                    "'inputs' argument to backward() cannot be empty.");
  CHECK_FALSE(x.grad().defined());
  // Without inputs (nullopt) every leaf receives its gradient; so does the free function's {}.
  y.backward({}, true);
  CHECK(x.grad().equal(torch::full({1}, 2.0f)));
  torch::autograd::backward({y}, {}, std::nullopt, false, {});
  CHECK(x.grad().equal(torch::full({1}, 4.0f)));
}

TEST_CASE("double backward: second derivatives through the first graph") {
  auto x = torch::tensor({0.5, 1.5}, torch::TensorOptions(torch::kDouble).requires_grad(true));
  auto y = x.pow(3).sum();
  auto g = torch::autograd::grad({y}, {x}, {}, std::nullopt, /*create_graph=*/true)[0];
  CHECK(g.equal(torch::tensor({0.75, 6.75}, torch::kDouble)));  // 3 x^2
  g.sum().backward();
  CHECK(x.grad().equal(torch::tensor({3.0, 9.0}, torch::kDouble)));  // 6 x

  using torch::autograd::gradgradcheck;
  auto a = xgrad_test::test_values({2, 3}), b = xgrad_test::test_values({2, 3}, 1.0);
  auto m = xgrad_test::test_values({3, 2}, 2.0);
  auto pos = (xgrad_test::test_values({2, 3}, 3.0).detach().abs() + 0.5).requires_grad_();
  CHECK(gradgradcheck([](const V& v) { return torch::sigmoid(v[0]); }, {a}));
  CHECK(gradgradcheck([](const V& v) { return torch::tanh(v[0]); }, {a}));
  CHECK(gradgradcheck([](const V& v) { return torch::exp(v[0]); }, {a}));
  CHECK(gradgradcheck([](const V& v) { return torch::log(v[0]); }, {pos}));
  CHECK(gradgradcheck([](const V& v) { return v[0] * v[1]; }, {a, b}));
  CHECK(gradgradcheck([](const V& v) { return v[0] / v[1]; }, {a, pos}));
  CHECK(gradgradcheck([](const V& v) { return v[0].pow(3); }, {a}));
  CHECK(gradgradcheck([](const V& v) { return v[0].pow(v[1]); }, {pos, b}));
  CHECK(gradgradcheck([](const V& v) { return torch::matmul(v[0], v[1]); }, {a, m}));
  CHECK(gradgradcheck([](const V& v) { return torch::log_softmax(v[0], 1); }, {a}));
}

TEST_CASE("a 100,000-node chain runs backward and is freed without recursion") {
  auto x = torch::tensor({1.0f}, torch::requires_grad());
  auto w = torch::tensor({1.0f}, torch::requires_grad());
  Tensor y = x;
  for (int i = 0; i < 100000; ++i) y = y * w + 0.0f;  // mul saves y: a second path to each node
  y.sum().backward({}, /*retain_graph=*/true);
  CHECK(x.grad().item<float>() == 1.0f);
  CHECK(w.grad().item<float>() == 100000.0f);
  y = Tensor();  // destroys 200,000 nodes, saved tensors still in place
  Tensor z = x;
  for (int i = 0; i < 100000; ++i) z = z * 1.0f;
  z = Tensor();  // and a chain that was never walked
}

TEST_CASE("the graph is inspectable: names, edges, AccumulateGrad") {
  auto x = torch::ones({2}, torch::requires_grad());
  auto w = torch::ones({2});
  auto y = (torch::sigmoid(x) * w).sum();
  REQUIRE(y.grad_fn());
  CHECK(y.grad_fn()->name() == "SumBackward0");
  auto mul = y.grad_fn()->next_edges()[0].function;
  CHECK(mul->name() == "MulBackward0");
  REQUIRE(mul->next_edges().size() == 2);
  CHECK(mul->next_edges()[0].function->name() == "SigmoidBackward0");
  CHECK_FALSE(mul->next_edges()[1].is_valid());  // w needs no gradient
  auto acc = mul->next_edges()[0].function->next_edges()[0].function;
  CHECK(acc->name() == "AccumulateGrad");
  CHECK(dynamic_cast<torch::autograd::AccumulateGrad&>(*acc).variable().is_same(x));
  CHECK(x.is_leaf());
  CHECK_FALSE(y.is_leaf());
}

TEST_CASE("in-place ops on tensors in a graph record like PyTorch") {
  auto x = torch::tensor({1.0f, 2.0f}, torch::requires_grad());
  auto y = x * 1;
  y.mul_(2);
  CHECK(y.grad_fn()->name() == "MulBackward0");
  y.exp_();
  CHECK(y.grad_fn()->name() == "ExpBackward0");
  y.sum().backward();
  CHECK_CLOSE(x.grad(), torch::tensor({14.7781f, 109.1963f}), 1e-5, 1e-3);  // PyTorch: 2 exp(2x)
  // z.mul_(z) saves z, then overwrites it: PyTorch refuses the backward, and so does xgrad
  // (without leaking the graph: see the sanitizer build).
  auto z = x * 1;
  z.mul_(z);
  CHECK(z.equal(torch::tensor({1.0f, 4.0f})));
  CHECK_THROWS_WITH(z.sum().backward(),
                    "one of the variables needed for gradient computation has been modified by an inplace operation: "
                    "[torch.FloatTensor [2]], which is output 0 of MulBackward0, is at version 1; expected version 0 "
                    "instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, "
                    "with torch.autograd.set_detect_anomaly(True).");
}

TEST_CASE("autograd errors carry PyTorch's messages") {
  auto x = torch::tensor({1.0f, 2.0f, 3.0f}, torch::requires_grad());
  CHECK_THROWS_WITH((x * 2).backward(), "grad can be implicitly created only for scalar outputs");
  CHECK_THROWS_WITH(torch::ones({1}).sum().backward(),
                    "element 0 of tensors does not require grad and does not have a grad_fn");
  CHECK_THROWS_WITH(x.mul_(2), "a leaf Variable that requires grad is being used in an in-place operation.");
  {
    torch::NoGradGuard no_grad;
    CHECK_NOTHROW(x.mul_(1));  // allowed without grad mode, as in PyTorch
  }
  auto y = x.exp();
  y.add_(1);
  CHECK_THROWS_WITH(y.sum().backward(),
                    "one of the variables needed for gradient computation has been modified by an inplace operation: "
                    "[torch.FloatTensor [3]], which is output 0 of ExpBackward0, is at version 1; expected version 0 "
                    "instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, "
                    "with torch.autograd.set_detect_anomaly(True).");
  auto w = torch::tensor({1.0f, 2.0f, 3.0f});
  w.requires_grad_();
  auto z = (w * w).sum();
  {
    torch::NoGradGuard no_grad;
    w.add_(1);
  }
  CHECK_THROWS_WITH(z.backward(),
                    "one of the variables needed for gradient computation has been modified by an inplace operation: "
                    "[torch.FloatTensor [3]] is at version 1; expected version 0 instead. Hint: enable anomaly "
                    "detection to find the operation that failed to compute its gradient, with "
                    "torch.autograd.set_detect_anomaly(True).");
  // libtorch's text (AutogradMeta::set_requires_grad); Python's requires_grad_() checks first with its own.
  CHECK_THROWS_WITH(torch::arange(3).requires_grad_(),
                    "Only Tensors of floating point and complex dtype can require gradients");
  CHECK_THROWS_WITH(x.backward(torch::ones({2})),
                    "Mismatch in shape: grad_output[0] has a shape of torch.Size([2]) and output[0] has a shape of "
                    "torch.Size([3]).");
}

TEST_CASE("detach shares data and leaves the graph") {
  auto x = torch::ones({2}, torch::requires_grad());
  auto d = (x * 2).detach();
  CHECK_FALSE(d.requires_grad());
  CHECK(d.is_leaf());
  auto e = x.detach();
  e.add_(1);  // same storage
  CHECK(x.equal(torch::full({2}, 2.0f)));
}
