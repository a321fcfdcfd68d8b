// test_nnmisc.cpp: torch::pdist, Tensor::exponential_, F::gumbel_softmax and
// nn::AdaptiveLogSoftmaxWithLoss against the numbers python3-torch printed
// (tests/reference/make_nnmisc_reference.py -> nnmisc.json): values, gradients, grad_fn names,
// draws after a seed, initial parameters, and PyTorch's errors.
#include <catch2/catch.hpp>

#include <functional>
#include <limits>
#include <map>
#include <sstream>
#include <string>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

namespace nn = torch::nn;
namespace F = torch::nn::functional;
using torch::Tensor;
using V = std::vector<Tensor>;

namespace {
const nlohmann::json& draw(const std::string& name) {
  for (const auto& d : xgrad_test::reference("nnmisc.json").at("draws"))
    if (d.at("name") == name) return d;
  FAIL("no draw " << name);
  throw;
}
}  // namespace

TEST_CASE("pdist matches PyTorch: values, gradients, PdistBackward0, float64 gradcheck", "[nnmisc]") {
  auto pd = [](double p) { return [p](const V& a) { return torch::pdist(a[0], p); }; };
  xgrad_test::OpTable table = {
      {"pdist", [](const V& a) { return F::pdist(a[0]); }},
      {"pdist_p1", pd(1)},
      {"pdist_p0", pd(0)},
      {"pdist_p1_5", pd(1.5)},
      {"pdist_p0_5", [](const V& a) { return F::pdist(a[0], 0.5); }},
      {"pdist_p3", pd(3)},
      {"pdist_inf", pd(std::numeric_limits<double>::infinity())},
      {"pdist_double", pd(2.5)},
      {"pdist_one_row", pd(2)},
      {"pdist_transposed", [](const V& a) { return torch::pdist(a[0].t().contiguous().t()); }},
      {"pdist_repeated_row", pd(2)},
  };
  xgrad_test::run_reference_group("pdist", table, "nnmisc.json");
  // libtorch's FunctionalTest.PDist.
  CHECK(F::pdist(torch::tensor({{-1.0, -5.0, -1.0}, {2.0, 4.0, 6.0}})).allclose(torch::tensor({11.7898})));
  CHECK(F::pdist(torch::tensor({{1.0, -1.0}, {1.0, 3.0}, {3.0, 3.0}}), 1.5).allclose(torch::tensor({4.0, 4.8945, 2.0})));
  CHECK(torch::pdist(torch::randn({0, 3})).sizes().vec() == std::vector<int64_t>{0});
  CHECK(torch::pdist(torch::randn({3, 0})).equal(torch::zeros({3})));
}

TEST_CASE("exponential_ draws PyTorch's numbers after a seed", "[nnmisc]") {
  for (const char* name : {"exponential_0", "exponential_1", "exponential_2", "exponential_3"}) {
    INFO(name);
    const auto& d = draw(name);
    Tensor expected = xgrad_test::decode(d.at("value"));
    torch::manual_seed(d.at("seed").get<uint64_t>());
    Tensor e = torch::empty(expected.sizes(), expected.scalar_type());
    Tensor& same = e.exponential_(d.at("lambd").get<double>());
    CHECK(same.is_same(e));
    CHECK(e.equal(expected));
    // One 64-bit draw per element, no more: the generator continues where PyTorch's does.
    CHECK(torch::rand({1}).item<double>() == Approx(d.at("next_rand").get<double>()).epsilon(1e-7));
  }
}

TEST_CASE("gumbel_softmax draws and differentiates as Python's F.gumbel_softmax", "[nnmisc]") {
  const std::map<std::string, F::GumbelSoftmaxFuncOptions> options = {
      {"gumbel_soft", F::GumbelSoftmaxFuncOptions()},
      {"gumbel_tau", F::GumbelSoftmaxFuncOptions().tau(0.5)},
      {"gumbel_hard", F::GumbelSoftmaxFuncOptions().hard(true)},
      {"gumbel_hard_dim0", F::GumbelSoftmaxFuncOptions().hard(true).dim(0).tau(2.0)},
  };
  for (const auto& [name, opts] : options) {
    INFO(name);
    const auto& d = draw(name);
    torch::manual_seed(d.at("seed").get<uint64_t>());
    Tensor x = xgrad_test::decode(d.at("logits")).set_requires_grad(true);
    Tensor y = F::gumbel_softmax(x, opts);
    CHECK_CLOSE(y, xgrad_test::decode(d.at("value")));
    REQUIRE(y.grad_fn());
    CHECK(y.grad_fn()->name() == d.at("grad_fn").get<std::string>());
    auto g = torch::autograd::grad({y}, {x}, {xgrad_test::decode(d.at("upstream"))});
    CHECK_CLOSE(g[0], xgrad_test::decode(d.at("grad")), 1e-5, 1e-5);
  }
  // hard: exactly one 1 per slice along dim.
  Tensor y = F::gumbel_softmax(torch::randn({5, 4, 3}), F::GumbelSoftmaxFuncOptions().hard(true).dim(1));
  CHECK(y.sum(std::vector<int64_t>{1}).equal(torch::ones({5, 3})));
}

TEST_CASE("AdaptiveLogSoftmaxWithLoss: PyTorch's parameters, outputs, loss, gradients and predictions", "[nnmisc]") {
  for (const auto& c : xgrad_test::reference("nnmisc.json").at("asm")) {
    INFO("seed " << c.at("seed"));
    torch::manual_seed(c.at("seed").get<uint64_t>());
    nn::AdaptiveLogSoftmaxWithLoss m(
        nn::AdaptiveLogSoftmaxWithLossOptions(c.at("in_features").get<int64_t>(), c.at("n_classes").get<int64_t>(),
                                              c.at("cutoffs").get<std::vector<int64_t>>())
            .div_value(c.at("div_value").get<double>())
            .head_bias(c.at("head_bias").get<bool>()));
    auto params = m->named_parameters();
    REQUIRE(params.size() == c.at("params").size());
    for (const auto& p : params) {
      INFO(p.key());
      CHECK(p.value().equal(xgrad_test::decode(c.at("params").at(p.key()))));
    }
    Tensor x = xgrad_test::decode(c.at("input")).set_requires_grad(true);
    Tensor target = torch::tensor(c.at("target").get<std::vector<int64_t>>());
    auto out = m(x, target);
    CHECK_CLOSE(out.output, xgrad_test::decode(c.at("output")));
    CHECK(out.loss == Approx(c.at("loss").get<double>()).epsilon(1e-6));
    REQUIRE(out.output.grad_fn());
    CHECK(out.output.grad_fn()->name() == c.at("grad_fn").get<std::string>());
    V wrt{x};
    for (const auto& p : params) wrt.push_back(p.value());
    auto grads = torch::autograd::grad({out.output}, wrt, {xgrad_test::decode(c.at("upstream"))});
    CHECK_CLOSE(grads[0], xgrad_test::decode(c.at("grad_input")), 1e-5, 1e-5);
    size_t k = 1;
    for (const auto& p : params) {
      INFO("gradient of " << p.key());
      CHECK_CLOSE(grads[k++], xgrad_test::decode(c.at("grad_params").at(p.key())), 1e-5, 1e-5);
    }
    Tensor xd = x.detach();
    CHECK_CLOSE(m->log_prob(xd), xgrad_test::decode(c.at("log_prob")));
    CHECK(m->predict(xd).equal(torch::tensor(c.at("predict").get<std::vector<int64_t>>())));
    CHECK(m->predict(xd).equal(m->log_prob(xd).argmax(1)));
    // An unbatched input with a 0-d target.
    CHECK(m(xd[1], target[1]).output.item<double>() == Approx(c.at("single_output").get<double>()).epsilon(1e-5));
  }
  // float64 gradcheck of the output with respect to the input.
  torch::manual_seed(3);
  nn::AdaptiveLogSoftmaxWithLoss m(nn::AdaptiveLogSoftmaxWithLossOptions(6, 7, {2, 4}).div_value(2.));
  m->to(torch::kDouble);
  Tensor t = torch::tensor({0, 3, 6, 5});
  CHECK(torch::autograd::gradcheck([&](const V& a) { return m(a[0], t).output; },
                                   {xgrad_test::test_values({4, 6})}));
}

TEST_CASE("pdist, exponential_ and AdaptiveLogSoftmaxWithLoss refuse bad input with PyTorch's errors", "[nnmisc]") {
  nn::AdaptiveLogSoftmaxWithLoss m(nn::AdaptiveLogSoftmaxWithLossOptions(8, 4, {2}).div_value(2.));
  const xgrad_test::ErrorCalls calls = {
      {"pdist_3d", [] { torch::pdist(torch::randn({2, 3, 4})); }},
      {"pdist_long", [] { torch::pdist(torch::ones({3, 2}, torch::kLong)); }},
      {"pdist_negative_p", [] { torch::pdist(torch::randn({3, 2}), -1); }},
      {"pdist_double_backward",
       [] {
         auto x = torch::randn({4, 3}, torch::dtype(torch::kDouble).requires_grad(true));
         auto g = torch::autograd::grad({torch::pdist(x).sum()}, {x}, {}, std::nullopt, /*create_graph=*/true)[0];
         torch::autograd::grad({g.sum()}, {x});
       }},
      {"exponential_negative", [] { torch::empty({3}).exponential_(-1); }},
      {"exponential_long", [] { torch::empty({3}, torch::kLong).exponential_(); }},
      {"asm_cutoffs_unsorted", [] { nn::AdaptiveLogSoftmaxWithLoss(8, 4, std::vector<int64_t>{3, 2}); }},
      {"asm_cutoffs_too_big", [] { nn::AdaptiveLogSoftmaxWithLoss(8, 4, std::vector<int64_t>{4}); }},
      {"asm_target_range", [&] { m(torch::randn({3, 8}), torch::tensor({0, 1, 5})); }},
      {"asm_batch_mismatch", [&] { m(torch::randn({3, 8}), torch::tensor({0, 1})); }},
      {"asm_multi_target", [&] { m(torch::randn({3, 8}), torch::tensor({{1}})); }},
  };
  xgrad_test::check_error_cases("nnmisc.json", calls);
}

TEST_CASE("AdaptiveLogSoftmaxWithLoss prints its head and tail as libtorch does", "[nnmisc]") {
  nn::AdaptiveLogSoftmaxWithLoss m(nn::AdaptiveLogSoftmaxWithLossOptions(8, 4, {2}).div_value(2.));
  std::ostringstream s;
  s << m;
  CHECK(s.str() ==
        "torch::nn::AdaptiveLogSoftmaxWithLoss(\n"
        "  (head): torch::nn::Linear(in_features=8, out_features=3, bias=false)\n"
        "  (tail): torch::nn::ModuleList(\n"
        "    (0): torch::nn::Sequential(\n"
        "      (0): torch::nn::Linear(in_features=8, out_features=4, bias=false)\n"
        "      (1): torch::nn::Linear(in_features=4, out_features=2, bias=false)\n"
        "    )\n"
        "  )\n"
        ")");
  auto copy = std::dynamic_pointer_cast<nn::AdaptiveLogSoftmaxWithLossImpl>(m->clone());
  REQUIRE(copy != nullptr);
  Tensor x = torch::randn({3, 8});
  CHECK(copy->log_prob(x).equal(m->log_prob(x)));
}
