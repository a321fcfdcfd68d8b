// test_loss_extra.cpp: multi_margin_loss, triplet_margin_loss, triplet_margin_with_distance_loss,
// poisson_nll_loss, gaussian_nll_loss and ctc_loss against every case of
// tests/reference/loss_extra.json (python3-torch): values, grad_fn names, gradients for the same
// upstream gradient, a float64 gradcheck where the case asks, and the errors (type and message);
// then the modules, their printing, and what PyTorch refuses under create_graph.
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

template <class Options>
Options& legacy(Options& opts, const json& o) {
  if (o.contains("size_average")) opts.size_average(o.at("size_average").get<bool>());
  if (o.contains("reduce")) opts.reduce(o.at("reduce").get<bool>());
  return opts;
}

Tensor cosine_distance(const Tensor& x, const Tensor& y) { return 1.0 - torch::cosine_similarity(x, y); }
Tensor l1_distance(const Tensor& x, const Tensor& y) { return (x - y).abs().sum({-1}); }

/// The F:: call a case describes; `as_double` converts its floating options (for gradcheck).
Tensor call(const std::string& fn, const json& o, const std::vector<Tensor>& x, bool as_double) {
  auto r = reduction_of(o);
  if (fn == "multi_margin_loss") {
    auto opts = F::MultiMarginLossFuncOptions().reduction(r).p(o.value("p", int64_t{1})).margin(o.value("margin", 1.0));
    if (o.contains("weight")) {
      Tensor w = xgrad_test::decode(o.at("weight"));
      opts.weight(as_double ? w.to(torch::kDouble) : w);
    }
    return F::multi_margin_loss(x[0], x[1], legacy(opts, o));
  }
  if (fn == "triplet_margin_loss") {
    auto opts = F::TripletMarginLossFuncOptions().reduction(r).margin(o.value("margin", 1.0)).p(o.value("p", 2.0))
                    .eps(o.value("eps", 1e-6)).swap(o.value("swap", false));
    return F::triplet_margin_loss(x[0], x[1], x[2], legacy(opts, o));
  }
  if (fn == "triplet_margin_with_distance_loss") {
    auto opts = F::TripletMarginWithDistanceLossFuncOptions().reduction(r).margin(o.value("margin", 1.0))
                    .swap(o.value("swap", false));
    const std::string d = o.value("distance", "");
    if (d == "cosine") opts.distance_function(cosine_distance);
    if (d == "l1") opts.distance_function(l1_distance);
    return F::triplet_margin_with_distance_loss(x[0], x[1], x[2], opts);
  }
  if (fn == "poisson_nll_loss") {
    auto opts = F::PoissonNLLLossFuncOptions().reduction(r).log_input(o.value("log_input", true))
                    .full(o.value("full", false)).eps(o.value("eps", 1e-8));
    return F::poisson_nll_loss(x[0], x[1], legacy(opts, o));
  }
  if (fn == "gaussian_nll_loss") {
    auto opts = F::GaussianNLLLossFuncOptions().reduction(r).full(o.value("full", false)).eps(o.value("eps", 1e-6));
    return F::gaussian_nll_loss(x[0], x[1], x[2], opts);
  }
  if (fn == "ctc_loss") {
    auto opts = F::CTCLossFuncOptions().reduction(r).blank(o.value("blank", int64_t{0}))
                    .zero_infinity(o.value("zero_infinity", false));
    Tensor lp = o.value("logits", false) ? x[0].log_softmax(-1) : x[0];
    return F::ctc_loss(lp, x[1], x[2], x[3], opts);
  }
  throw std::runtime_error("unknown loss " + fn);
}

}  // namespace

TEST_CASE("every case of loss_extra.json gives PyTorch's value, grad_fn, gradients and errors") {
  int n = 0, errors = 0, gradchecks = 0;
  for (const json& c : xgrad_test::reference("loss_extra.json").at("cases")) {
    const std::string name = c.at("name"), fn = c.at("fn");
    INFO("case " << name);
    const json& o = c.at("options");
    std::vector<Tensor> x;
    std::vector<bool> grad;
    for (size_t k = 0; k < c.at("inputs").size(); ++k) {
      x.push_back(xgrad_test::decode(c.at("inputs")[k]));
      grad.push_back(c.at("grad")[k].get<bool>());
      if (grad.back()) x.back().set_requires_grad(true);
    }
    ++n;
    if (c.contains("error")) {
      ++errors;
      xgrad_test::check_error(c.at("error"), [&] { call(fn, o, x, false); });
      continue;
    }
    Tensor out = call(fn, o, x, false);
    Tensor expected = xgrad_test::decode(c.at("output"));
    CHECK(out.scalar_type() == expected.scalar_type());
    CHECK(out.sizes().equals(expected.sizes()));
    CHECK_CLOSE(out, expected, 1e-5, 1e-6);
    if (c.at("grad_fn").is_null()) {
      CHECK(out.grad_fn() == nullptr);
      continue;
    }
    REQUIRE(out.grad_fn() != nullptr);
    CHECK(out.grad_fn()->name() == c.at("grad_fn").get<std::string>());
    torch::autograd::variable_list wrt;
    for (size_t k = 0; k < x.size(); ++k)
      if (grad[k]) wrt.push_back(x[k]);
    auto grads = torch::autograd::grad({out}, wrt, {xgrad_test::decode(c.at("upstream"))}, std::nullopt, false, true);
    for (size_t k = 0; k < wrt.size(); ++k) {
      INFO("gradient " << k);
      if (c.at("grads")[k].is_null()) {
        CHECK(!grads[k].defined());
        continue;
      }
      Tensor eg = xgrad_test::decode(c.at("grads")[k]);
      REQUIRE(grads[k].defined());
      CHECK_CLOSE(grads[k], eg, 1e-5, 1e-5);
    }
    if (c.at("gradcheck").get<bool>()) {
      ++gradchecks;
      std::vector<Tensor> xd;
      for (size_t k = 0; k < x.size(); ++k) {
        Tensor t = x[k].detach();
        if (t.is_floating_point()) t = t.to(torch::kDouble);
        if (grad[k]) t.requires_grad_();
        xd.push_back(t);
      }
      CHECK_NOTHROW(torch::autograd::gradcheck([&](const xgrad_test::Inputs& v) { return call(fn, o, v, true); }, xd));
    }
  }
  CHECK(n >= 145);
  CHECK(errors >= 27);
  CHECK(gradchecks >= 70);
}

TEST_CASE("multi_margin_loss and ctc_loss refuse a second derivative as PyTorch does") {
  auto x = torch::randn({2, 3}, torch::requires_grad());
  auto loss = F::multi_margin_loss(x, torch::tensor({0, 2}), F::MultiMarginLossFuncOptions().p(2));
  auto g = torch::autograd::grad({loss}, {x}, {}, std::nullopt, true)[0];
  CHECK(g.requires_grad());
  CHECK(g.grad_fn()->name() == "NotImplemented");
  CHECK_THROWS_WITH(g.sum().backward(), "derivative for aten::multi_margin_loss_backward is not implemented");

  auto lp = torch::randn({5, 2, 4}).log_softmax(2).detach().requires_grad_();
  auto ctc = F::ctc_loss(lp, torch::tensor({{1, 2}, {3, 3}}), torch::tensor({5, 5}), torch::tensor({2, 2}),
                         F::CTCLossFuncOptions().reduction(torch::kSum));
  auto gl = torch::autograd::grad({ctc}, {lp}, {}, std::nullopt, true)[0];
  CHECK(gl.grad_fn()->name() == "NotImplemented");
  CHECK_THROWS_WITH(gl.sum().backward(), "derivative for aten::_ctc_loss_backward is not implemented");

  auto w = torch::ones({3}, torch::requires_grad());
  CHECK_THROWS_WITH(F::multi_margin_loss(x, torch::tensor({0, 2}), F::MultiMarginLossFuncOptions().weight(w)),
                    "The function 'multi_margin_loss' is not differentiable with respect to argument 'weight'. This "
                    "input cannot have requires_grad True.");
}

TEST_CASE("ctc_loss refuses what PyTorch would read out of bounds") {
  auto lp = torch::randn({5, 2, 4}).log_softmax(2);
  CHECK_THROWS_WITH(F::ctc_loss(lp, torch::tensor({{1, 4}, {3, 3}}), torch::tensor({5, 5}), torch::tensor({2, 2})),
                    "ctc_loss: target 4 is not a label in [0, 4)");
  CHECK_THROWS_AS(F::ctc_loss(lp, torch::tensor({{1, 2}, {3, 3}}), torch::tensor({5, -1}), torch::tensor({2, 2})),
                  torch::Error);
  // An input of length 0: loss 0 for an empty target, inf otherwise (PyTorch reads garbage there).
  auto out = F::ctc_loss(lp, torch::tensor({{1, 2}, {3, 3}}), torch::tensor({0, 0}), torch::tensor({0, 2}),
                         F::CTCLossFuncOptions().reduction(torch::kNone));
  CHECK(out[0].item<float>() == 0.0f);
  CHECK(std::isinf(out[1].item<float>()));
  // An empty batch: PyTorch 1.13 returns uninitialised memory for 'mean' and 'sum'; xgrad gives
  // what every other loss gives, nan and 0.
  auto empty = torch::zeros({0, 5}, torch::requires_grad());
  auto none = torch::zeros({0}, torch::kLong);
  CHECK(std::isnan(F::multi_margin_loss(empty, none).item<float>()));
  auto sum = F::multi_margin_loss(empty, none, F::MultiMarginLossFuncOptions().reduction(torch::kSum));
  CHECK(sum.item<float>() == 0.0f);
  sum.backward();
  CHECK(empty.grad().sizes().equals({0, 5}));
  CHECK_THROWS_WITH(F::multi_margin_loss(torch::randn({2, 3}), torch::tensor({0, 2}),
                                         F::MultiMarginLossFuncOptions().weight(torch::ones({2}))),
                    "multi_margin_loss: weight has 2 entries but a target is 2");
}

TEST_CASE("the new loss modules print as libtorch's and call their functions") {
  auto str = [](const auto& m) {
    std::ostringstream s;
    s << *m;
    return s.str();
  };
  CHECK(str(torch::nn::TripletMarginLoss(torch::nn::TripletMarginLossOptions().margin(3).p(2).eps(1e-06).swap(false))) ==
        "torch::nn::TripletMarginLoss(margin=3, p=2, eps=1e-06, swap=false)");
  CHECK(str(torch::nn::TripletMarginWithDistanceLoss(
            torch::nn::TripletMarginWithDistanceLossOptions().margin(1.5).swap(true).distance_function(
                [](const Tensor& a, const Tensor& b) { return torch::pairwise_distance(a, b, 2.0, 1e-6); }))) ==
        "torch::nn::TripletMarginWithDistanceLoss(margin=1.5, swap=true)");
  CHECK(str(torch::nn::CTCLoss(torch::nn::CTCLossOptions().blank(42))) == "torch::nn::CTCLoss()");
  CHECK(str(torch::nn::PoissonNLLLoss()) == "torch::nn::PoissonNLLLoss()");
  CHECK(str(torch::nn::MultiMarginLoss(torch::nn::MultiMarginLossOptions().p(2).margin(0.5).reduction(torch::kSum))) ==
        "torch::nn::MultiMarginLoss(p=2, margin=0.5, weight=[ Tensor (undefined) ], reduction=kSum)");
  CHECK(str(torch::nn::GaussianNLLLoss()) == "torch::nn::GaussianNLLLoss()");
  CHECK_THROWS_AS(torch::nn::MultiMarginLoss(torch::nn::MultiMarginLossOptions().p(3)), torch::ValueError);

  auto weight = torch::tensor({0.3, 0.3, 0.4}, torch::kFloat);
  torch::nn::MultiMarginLoss loss(torch::nn::MultiMarginLossOptions().margin(2).weight(weight));
  auto input = torch::tensor({{0.2, 0.2, 0.6}, {0.1, 0.8, 0.1}, {0.9, 0.09, 0.01}}, torch::requires_grad());
  auto out = loss(input, torch::tensor({2, 1, 0}));
  CHECK(out.item<float>() == Approx(0.305556).epsilon(1e-5));
  loss->to(torch::kDouble);
  CHECK(loss(input.to(torch::kDouble), torch::tensor({2, 1, 0})).scalar_type() == torch::kDouble);

  auto a = torch::randn({4, 6}), p = torch::randn({4, 6}), ng = torch::randn({4, 6});
  torch::nn::TripletMarginLoss tm(torch::nn::TripletMarginLossOptions().swap(true));
  torch::nn::TripletMarginWithDistanceLoss tmd(torch::nn::TripletMarginWithDistanceLossOptions().swap(true));
  CHECK(torch::allclose(tm(a, p, ng), tmd(a, p, ng)));
  torch::nn::GaussianNLLLoss gn(torch::nn::GaussianNLLLossOptions().reduction(torch::kSum));
  CHECK(torch::allclose(gn(a, p, torch::ones({4, 6})), (0.5 * (a - p).pow(2)).sum()));
  torch::nn::CTCLoss ctc(torch::nn::CTCLossOptions().reduction(torch::kNone));
  auto lp = torch::randn({5, 3, 4}, torch::kDouble).log_softmax(2);
  auto empty = ctc(lp, torch::zeros({0}, torch::kLong), torch::tensor({5, 5, 5}), torch::tensor({0, 0, 0}));
  CHECK(torch::allclose(empty, -lp.sum(0).slice(1, 0, 1).view({3})));
}
