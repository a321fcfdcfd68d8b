// test_functional_loss.cpp: src/nn/functional/loss.cpp and the loss ops below it, against every
// case of tests/reference/loss.json (python3-torch): values, dtype and grad_fn name, gradients for
// the same upstream gradient, a float64 gradcheck of the same call, and the errors bad input
// raises (type and message).
#include <catch2/catch.hpp>

#include <sstream>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

using nlohmann::json;
using torch::Tensor;
namespace F = torch::nn::functional;

namespace {

torch::LossReduction reduction_of(const json& o) {
  std::string r = o.value("reduction", "mean");
  return r == "none" ? torch::kNone : r == "sum" ? torch::kSum : r == "batchmean" ? torch::kBatchMean : torch::kMean;
}

Tensor tensor_option(const json& o, const char* key, bool as_double) {
  if (!o.contains(key)) return Tensor();
  Tensor t = xgrad_test::decode(o.at(key));
  return as_double && t.is_floating_point() ? t.to(torch::kDouble) : t;
}

template <class Options>
Options& legacy(Options& opts, const json& o) {
  if (o.contains("size_average") && !o.at("size_average").is_null()) opts.size_average(o.at("size_average").get<bool>());
  if (o.contains("reduce") && !o.at("reduce").is_null()) opts.reduce(o.at("reduce").get<bool>());
  return opts;
}

/// The F:: call a case describes; `as_double` converts its floating options (for gradcheck).
Tensor call(const std::string& fn, const json& o, const Tensor& input, const Tensor& target, bool as_double,
            const Tensor& input2 = {}) {
  auto r = reduction_of(o);
  if (fn == "cross_entropy") {
    auto opts = F::CrossEntropyFuncOptions().reduction(r).weight(tensor_option(o, "weight", as_double));
    if (o.contains("ignore_index")) opts.ignore_index(o.at("ignore_index").get<int64_t>());
    if (o.contains("label_smoothing")) opts.label_smoothing(o.at("label_smoothing").get<double>());
    return F::cross_entropy(input, target, legacy(opts, o));
  }
  if (fn == "nll_loss") {
    auto opts = F::NLLLossFuncOptions().reduction(r).weight(tensor_option(o, "weight", as_double));
    if (o.contains("ignore_index")) opts.ignore_index(o.at("ignore_index").get<int64_t>());
    return F::nll_loss(input, target, legacy(opts, o));
  }
  if (fn == "binary_cross_entropy") {
    auto opts = F::BinaryCrossEntropyFuncOptions().reduction(r).weight(tensor_option(o, "weight", as_double));
    return F::binary_cross_entropy(input, target, legacy(opts, o));
  }
  if (fn == "binary_cross_entropy_with_logits") {
    auto opts = F::BinaryCrossEntropyWithLogitsFuncOptions().reduction(r).weight(tensor_option(o, "weight", as_double))
                    .pos_weight(tensor_option(o, "pos_weight", as_double));
    return F::binary_cross_entropy_with_logits(input, target, legacy(opts, o));
  }
  if (fn == "mse_loss") {
    F::MSELossFuncOptions opts(r);
    return F::mse_loss(input, target, legacy(opts, o));
  }
  if (fn == "l1_loss") {
    F::L1LossFuncOptions opts(r);
    return F::l1_loss(input, target, legacy(opts, o));
  }
  if (fn == "kl_div") {
    auto opts = F::KLDivFuncOptions(r).log_target(o.value("log_target", false));
    return F::kl_div(input, target, legacy(opts, o));
  }
  if (fn == "multilabel_margin_loss") {
    F::MultilabelMarginLossFuncOptions opts(r);
    return F::multilabel_margin_loss(input, target, legacy(opts, o));
  }
  if (fn == "multilabel_soft_margin_loss") {
    auto opts = F::MultilabelSoftMarginLossFuncOptions().reduction(r).weight(tensor_option(o, "weight", as_double));
    return F::multilabel_soft_margin_loss(input, target, legacy(opts, o));
  }
  if (fn == "smooth_l1_loss") {
    auto opts = F::SmoothL1LossFuncOptions(r).beta(o.value("beta", 1.0));
    return F::smooth_l1_loss(input, target, legacy(opts, o));
  }
  if (fn == "huber_loss") {
    auto opts = F::HuberLossFuncOptions(r).delta(o.value("delta", 1.0));
    return F::huber_loss(input, target, opts);
  }
  if (fn == "soft_margin_loss") {
    F::SoftMarginLossFuncOptions opts(r);
    return F::soft_margin_loss(input, target, legacy(opts, o));
  }
  if (fn == "margin_ranking_loss") {
    auto opts = F::MarginRankingLossFuncOptions().reduction(r).margin(o.value("margin", 0.0));
    return F::margin_ranking_loss(input, input2, target, legacy(opts, o));
  }
  if (fn == "hinge_embedding_loss") {
    auto opts = F::HingeEmbeddingLossFuncOptions().reduction(r).margin(o.value("margin", 1.0));
    return F::hinge_embedding_loss(input, target, legacy(opts, o));
  }
  if (fn == "cosine_embedding_loss") {
    auto opts = F::CosineEmbeddingLossFuncOptions().reduction(r).margin(o.value("margin", 0.0));
    return F::cosine_embedding_loss(input, input2, target, legacy(opts, o));
  }
  throw std::runtime_error("unknown loss " + fn);
}

}  // namespace

TEST_CASE("every loss case of loss.json gives PyTorch's value, grad_fn, gradients and errors") {
  int n = 0, errors = 0;
  for (const json& c : xgrad_test::reference("loss.json").at("cases")) {
    const std::string name = c.at("name"), fn = c.at("fn");
    INFO("case " << name);
    const json& o = c.at("options");
    Tensor input = xgrad_test::decode(c.at("input"));
    if (input.is_floating_point()) input.set_requires_grad(true);
    Tensor target = xgrad_test::decode(c.at("target"));
    const bool target_grad = c.at("target_grad").get<bool>();
    if (target_grad) target.set_requires_grad(true);
    // The losses of two inputs (margin_ranking_loss, ...) take input2 between input and target.
    Tensor input2 = c.contains("input2") ? xgrad_test::decode(c.at("input2")) : Tensor();
    if (input2.defined() && input2.is_floating_point()) input2.set_requires_grad(true);
    ++n;
    if (c.contains("error")) {
      ++errors;
      xgrad_test::check_error(c.at("error"), [&] { call(fn, o, input, target, false, input2); });
      continue;
    }
    Tensor out = call(fn, o, input, target, false, input2);
    Tensor expected = xgrad_test::decode(c.at("output"));
    CHECK(out.scalar_type() == expected.scalar_type());
    CHECK_CLOSE(out, expected, 1e-5, 1e-6);
    if (c.at("grad_fn").is_null()) {
      CHECK(out.grad_fn() == nullptr);
      continue;
    }
    REQUIRE(out.grad_fn() != nullptr);
    CHECK(out.grad_fn()->name() == c.at("grad_fn").get<std::string>());
    torch::autograd::variable_list wrt{input};
    if (input2.defined()) wrt.push_back(input2);
    if (target_grad) wrt.push_back(target);
    auto grads = torch::autograd::grad({out}, wrt, {xgrad_test::decode(c.at("upstream"))}, std::nullopt, false, true);
    for (size_t k = 0; k < wrt.size(); ++k) {
      INFO("gradient " << k);
      Tensor eg = xgrad_test::decode(c.at("grads")[k]);
      CHECK_CLOSE(grads[k].defined() ? grads[k] : torch::zeros_like(eg), eg, 1e-5, 1e-5);
    }
    if (c.at("gradcheck").get<bool>()) {
      Tensor xd = input.detach().to(torch::kDouble).requires_grad_();
      Tensor td = target.is_floating_point() ? target.detach().to(torch::kDouble) : target.detach();
      if (target_grad) td.requires_grad_();
      if (input2.defined()) {
        Tensor x2d = input2.detach().to(torch::kDouble).requires_grad_();
        CHECK_NOTHROW(torch::autograd::gradcheck(
            [&](const xgrad_test::Inputs& v) { return call(fn, o, v[0], v[2], true, v[1]); }, {xd, x2d, td}));
      } else {
        CHECK_NOTHROW(torch::autograd::gradcheck(
            [&](const xgrad_test::Inputs& v) { return call(fn, o, v[0], v[1], true); }, {xd, td}));
      }
    }
  }
  CHECK(n >= 242);
  CHECK(errors >= 42);
}

TEST_CASE("the legacy size_average and reduce flags map as PyTorch maps them") {
  using torch::nn::CrossEntropyLossOptions;
  CHECK(torch::nn::effective_reduction(CrossEntropyLossOptions()) == torch::kMean);
  CHECK(torch::nn::effective_reduction(CrossEntropyLossOptions().reduction(torch::kSum)) == torch::kSum);
  CHECK(torch::nn::effective_reduction(CrossEntropyLossOptions().size_average(false)) == torch::kSum);
  CHECK(torch::nn::effective_reduction(CrossEntropyLossOptions().reduce(false)) == torch::kNone);
  CHECK(torch::nn::effective_reduction(CrossEntropyLossOptions().size_average(false).reduce(false)) == torch::kNone);
  CHECK(torch::nn::effective_reduction(CrossEntropyLossOptions().reduce(true).reduction(torch::kNone)) == torch::kMean);
  CHECK_THROWS_WITH(F::cross_entropy(torch::zeros({2, 3}), torch::zeros({2}, torch::kLong),
                                     F::CrossEntropyFuncOptions().reduction(torch::kBatchMean)),
                    "batchmean is not a valid value for reduction");
}

TEST_CASE("the fused cross entropy reads as PyTorch's graph and double-differentiates") {
  torch::manual_seed(0);
  auto x = torch::randn({3, 5}, torch::requires_grad());
  auto loss = F::cross_entropy(x, torch::tensor({1, 0, 4}));
  REQUIRE(loss.grad_fn());
  CHECK(loss.grad_fn()->name() == "NllLossBackward0");
  auto log_softmax = loss.grad_fn()->next_edges().at(0).function;
  CHECK(log_softmax->name() == "LogSoftmaxBackward0");
  CHECK(log_softmax->next_edges().at(0).function->name() == "AccumulateGrad");
  auto xd = x.detach().to(torch::kDouble).requires_grad_();
  auto y = torch::tensor({1, 0, 4});
  CHECK(torch::autograd::gradgradcheck(
      [&](const xgrad_test::Inputs& v) { return F::cross_entropy(v[0], y, F::CrossEntropyFuncOptions().weight(torch::tensor({1.0, 2.0, 0.5, 1.0, 3.0}, torch::kDouble))); },
      {xd}));
  auto t = torch::rand({3, 5}, torch::kDouble);
  CHECK(torch::autograd::gradgradcheck(
      [&](const xgrad_test::Inputs& v) { return F::binary_cross_entropy(torch::sigmoid(v[0]), t); }, {xd}));
}

TEST_CASE("the fused cross entropy takes PyTorch's steps whenever something watches") {
  // Note [Fused cross entropy]. What hooks see is checked against PyTorch in
  // tests/autograd/test_hooks_reference.cpp; here, anomaly detection and the trace.
  // Python: x = torch.tensor([[inf, 0., 1.], [0., 1., 2.]], requires_grad=True)
  //   with torch.autograd.detect_anomaly(): F.cross_entropy(x, torch.tensor([1, 2])).backward()
  //   -> RuntimeError: Function 'LogSoftmaxBackward0' returned nan values in its 0th output.
  // (PyTorch's NllLossBackward0 returns [[0, -0.5, 0], [0, 0, -0.5]]; the NaN appears one step on.)
  auto x = torch::tensor({{INFINITY, 0.0f, 1.0f}, {0.0f, 1.0f, 2.0f}}, torch::requires_grad());
  {
    torch::autograd::DetectAnomalyGuard guard;
    auto loss = F::cross_entropy(x, torch::tensor({1, 2}));
    CHECK_THROWS_WITH(loss.backward(),
                      Catch::Matchers::StartsWith("Function 'LogSoftmaxBackward0' returned nan values in its 0th output."));
  }
  // One graph, backward three times: unwatched, traced, hooked; the same logits' gradient each time.
  torch::manual_seed(5);
  auto logits = torch::randn({6, 40}, torch::requires_grad());
  auto w = torch::rand({40});
  auto loss = F::cross_entropy(logits, torch::randint(0, 40, {6}), F::CrossEntropyFuncOptions().weight(w));
  auto grad_of = [&] { return torch::autograd::grad({loss}, {logits}, {}, /*retain_graph=*/true)[0]; };
  Tensor plain = grad_of();
  std::ostringstream trace_text;
  Tensor traced;
  {
    torch::autograd::EngineTraceGuard trace(trace_text);
    traced = grad_of();
  }
  CHECK(trace_text.str().find("LogSoftmaxBackward0    in [6, 40]    out [6, 40]") != std::string::npos);
  auto log_softmax = loss.grad_fn()->next_edges().at(0).function;
  Tensor seen;
  auto key = log_softmax->register_prehook([&](const torch::autograd::variable_list& g) -> torch::autograd::variable_list {
    seen = g[0];
    return {};
  });
  Tensor hooked = grad_of();
  CHECK(log_softmax->remove_hook(key));
  CHECK_CLOSE(traced, plain, 1e-6, 1e-7);
  CHECK_CLOSE(hooked, plain, 1e-6, 1e-7);
  // What the prehook saw: the gradient for log_softmax's output, -w[y] / sum of w[y] at the
  // targets and 0 elsewhere; its row sums are those values.
  REQUIRE(seen.defined());
  CHECK((seen != 0).sum().item<int64_t>() == 6);
  CHECK_CLOSE(seen.sum(), torch::tensor(-1.0f), 1e-6, 1e-6);
  // After a create_graph backward the pair stays on PyTorch's steps (that graph can reach its
  // LogSoftmaxBackward0), and still gives the same gradient.
  auto first = torch::autograd::grad({loss}, {logits}, {}, /*retain_graph=*/true, /*create_graph=*/true)[0];
  CHECK(first.grad_fn()->name() == "LogSoftmaxBackwardDataBackward0");
  CHECK_CLOSE(first, plain, 1e-6, 1e-7);
  CHECK_CLOSE(grad_of(), plain, 1e-6, 1e-7);
}

TEST_CASE("the fused cross entropy saves the logits: changing them in place is refused") {
  // The one difference Note [Fused cross entropy] leaves: PyTorch saves log_softmax's output and
  // would go on (giving the gradient at the old logits); xgrad saved the logits themselves.
  auto x = torch::tensor({{0.0f, 1.0f, 2.0f}}, torch::requires_grad());
  auto loss = F::cross_entropy(x, torch::tensor({1}));
  {
    torch::NoGradGuard no_grad;
    x.add_(1);
  }
  CHECK_THROWS_WITH(loss.backward(), Catch::Matchers::StartsWith("one of the variables needed for gradient computation "
                                                                 "has been modified by an inplace operation"));
}

TEST_CASE("nll_loss adds its losses as PyTorch does, bit for bit") {
  // 5000 samples: PyTorch's cascade sum folds levels at every 16 kept samples, so a plain running
  // sum (or a double one) rounds differently. Values from python3-torch 1.13, same seed.
  torch::manual_seed(0);
  auto x = torch::randn({5000, 3});
  auto y = torch::randint(0, 3, {5000});
  auto w = torch::rand({3});
  y.slice(0, 0, std::nullopt, 7).fill_(-100);  // y[::7] = -100
  CHECK(F::nll_loss(x, y).item<float>() == 0x1.58dd48p-6f);
  CHECK(F::nll_loss(x, y, F::NLLLossFuncOptions().reduction(torch::kSum)).item<float>() == 0x1.68c6fep+6f);
  CHECK(F::nll_loss(x, y, F::NLLLossFuncOptions().weight(w)).item<float>() == 0x1.c6e57cp-7f);
}

TEST_CASE("cross_entropy equals nll_loss of log_softmax bit for bit, as in PyTorch") {
  // PyTorch's cross_entropy is that composition; xgrad's fused kernel must round the same way, or
  // a ported "loss1 == loss2" prints a different answer. Row lengths cover the short-row block
  // path, full SIMD chunks and tails; batches cover the cascade sum's level boundaries.
  torch::manual_seed(0);
  for (int64_t classes : {1, 3, 10, 16, 17, 40, 100, 1000})
    for (int64_t rows : {1, 5, 33, 300}) {
      INFO("rows " << rows << " classes " << classes);
      auto x = torch::randn({rows, classes}) * 3;
      auto y = torch::randint(0, classes, {rows});
      auto w = torch::rand({classes});
      if (rows > 1) y[0].fill_(-100);
      for (auto reduction : {torch::kMean, torch::kSum, torch::kNone}) {
        auto fused = F::cross_entropy(x, y, F::CrossEntropyFuncOptions().reduction(reduction).ignore_index(-100));
        auto composed = F::nll_loss(F::log_softmax(x, 1), y, F::NLLLossFuncOptions().reduction(reduction));
        CHECK(fused.equal(composed));
        auto fused_w = F::cross_entropy(x, y, F::CrossEntropyFuncOptions().weight(w).reduction(reduction));
        auto composed_w = F::nll_loss(F::log_softmax(x, 1), y, F::NLLLossFuncOptions().weight(w).reduction(reduction));
        CHECK(fused_w.equal(composed_w));
      }
    }
}

TEST_CASE("smooth_l1, huber and soft_margin double-differentiate through PyTorch's backward nodes") {
  // Python: g = torch.autograd.grad(F.smooth_l1_loss(a, b), a, create_graph=True)[0]
  //   -> g.grad_fn is SmoothL1LossBackwardBackward0 (HuberLoss..., SoftMarginLoss... likewise)
  torch::manual_seed(3);
  auto a = torch::randn({3, 4}, torch::requires_grad()) * 2;
  auto b = torch::randn({3, 4}, torch::requires_grad()) * 2;
  auto y = torch::sign(torch::randn({3, 4}));
  auto first = [&](const Tensor& loss, const Tensor& x) {
    return torch::autograd::grad({loss}, {x}, {}, /*retain_graph=*/true, /*create_graph=*/true)[0];
  };
  CHECK(first(F::smooth_l1_loss(a, b), a).grad_fn()->name() == "SmoothL1LossBackwardBackward0");
  CHECK(first(F::smooth_l1_loss(a, b), b).grad_fn()->name() == "SmoothL1LossBackwardBackward0");
  CHECK(first(F::huber_loss(a, b), a).grad_fn()->name() == "HuberLossBackwardBackward0");
  CHECK(first(F::soft_margin_loss(a, y), a).grad_fn()->name() == "SoftMarginLossBackwardBackward0");
  auto ad = a.detach().to(torch::kDouble).requires_grad_();
  auto bd = b.detach().to(torch::kDouble).requires_grad_();
  auto yd = y.to(torch::kDouble);
  for (auto r : {torch::kNone, torch::kMean, torch::kSum}) {
    CHECK(torch::autograd::gradgradcheck(
        [&](const xgrad_test::Inputs& v) { return F::smooth_l1_loss(v[0], v[1], F::SmoothL1LossFuncOptions(r).beta(0.8)); },
        {ad, bd}));
    CHECK(torch::autograd::gradgradcheck(
        [&](const xgrad_test::Inputs& v) { return F::huber_loss(v[0], v[1], F::HuberLossFuncOptions(r).delta(1.7)); },
        {ad, bd}));
    CHECK(torch::autograd::gradgradcheck(
        [&](const xgrad_test::Inputs& v) { return F::soft_margin_loss(v[0], yd, F::SoftMarginLossFuncOptions(r)); }, {ad}));
  }
}

TEST_CASE("F::smooth_l1_loss takes beta from its options, as Python does (libtorch 1.13 drops it)") {
  auto x = torch::tensor({0.0f, 0.0f}), t = torch::tensor({0.5f, 3.0f});
  // beta 2: 0.5 * 0.25 / 2 = 0.0625 and 3 - 1 = 2; mean 1.03125. libtorch 1.13 would use beta 1.
  CHECK(F::smooth_l1_loss(x, t, F::SmoothL1LossFuncOptions().beta(2.0)).item<float>() == 1.03125f);
  CHECK(F::smooth_l1_loss(x, t, {}, 2.0).item<float>() == 1.03125f);
  CHECK(torch::nn::SmoothL1Loss(torch::nn::SmoothL1LossOptions().beta(2.0))(x, t).item<float>() == 1.03125f);
}
