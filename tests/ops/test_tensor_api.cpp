// test_tensor_api.cpp: the Tensor API libtorch's conformance tests use (issue 10) against
// PyTorch's numbers (tests/reference/make_tensor_api_reference.py): var/std and var_mean/std_mean,
// erf/erfc, rounding, remainder, max/min of two tensors, isinf/isfinite/isnan on every dtype;
// then their overloads as libtorch resolves them, and their errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

using torch::Tensor;
using V = xgrad_test::Inputs;

namespace {
const char* kFile = "tensor_api.json";

/// The graph behind a node as "Name(child,child)", as the reference scripts write it.
std::string graph(const torch::autograd::Node* node) {
  std::string kids;
  for (const auto& e : node->next_edges())
    if (e.is_valid()) kids += (kids.empty() ? "" : ",") + graph(e.function.get());
  return kids.empty() ? node->name() : node->name() + "(" + kids + ")";
}
}  // namespace

TEST_CASE("var, std, var_mean and std_mean match PyTorch") {
  xgrad_test::OpTable table = {
      {"var", [](const V& a) { return a[0].var(); }},
      {"var_biased", [](const V& a) { return a[0].var(false); }},
      {"var_dim", [](const V& a) { return a[0].var(1); }},
      {"var_dim_keepdim", [](const V& a) { return a[0].var(1, true, true); }},
      {"var_dims_biased", [](const V& a) { return a[0].var({0, 2}, false); }},
      {"var_neg_dim", [](const V& a) { return a[0].var(-1); }},
      {"var_correction_2", [](const V& a) { return a[0].var(1, c10::optional<int64_t>(2)); }},
      {"var_correction_0_keepdim", [](const V& a) { return a[0].var({0, 1}, c10::optional<int64_t>(0), true); }},
      {"var_all_dims_correction_none", [](const V& a) { return a[0].var(c10::nullopt, c10::optional<int64_t>(3)); }},
      {"var_scalar_biased", [](const V& a) { return torch::var(a[0], false); }},
      {"std", [](const V& a) { return a[0].std(); }},
      {"std_biased", [](const V& a) { return a[0].std(false); }},
      {"std_dim", [](const V& a) { return a[0].std(0); }},
      {"std_dims_keepdim", [](const V& a) { return torch::std(a[0], {1, 2}, true, true); }},
      {"std_correction_2", [](const V& a) { return a[0].std(2, c10::optional<int64_t>(2)); }},
      {"std_double", [](const V& a) { return a[0].std(1); }},
      {"std_constant_rows", [](const V& a) { return torch::std(a[0], 1); }},
      {"var_mean_var", [](const V& a) { return std::get<0>(torch::var_mean(a[0], 1)); }},
      {"var_mean_mean", [](const V& a) { return std::get<1>(torch::var_mean(a[0], 1)); }},
      {"var_mean_both",
       [](const V& a) {
         auto [v, m] = torch::var_mean(a[0], {0, 2}, true, true);
         return v * 2 + m;
       }},
      {"var_mean_all", [](const V& a) { return std::get<0>(torch::var_mean(a[0], false)); }},
      {"std_mean_std", [](const V& a) { return std::get<0>(torch::std_mean(a[0], 0)); }},
      {"std_mean_mean_keepdim", [](const V& a) { return std::get<1>(torch::std_mean(a[0], 2, true, true)); }},
      {"std_mean_all_correction", [](const V& a) { return std::get<0>(torch::std_mean(a[0], c10::nullopt, c10::optional<int64_t>(0))); }},
  };
  xgrad_test::run_reference_group("std_var", table, kFile);
}

TEST_CASE("erf and erfc match PyTorch") {
  xgrad_test::OpTable table = {
      {"erf", [](const V& a) { return torch::erf(a[0]); }},
      {"erfc", [](const V& a) { return a[0].erfc(); }},
      {"erf_wide", [](const V& a) { return a[0].erf(); }},
      {"erfc_tail", [](const V& a) { return torch::erfc(a[0]); }},
      {"erf_", [](const V& a) { return a[0].clone().erf_(); }},
      {"erfc_", [](const V& a) { return a[0].clone().erfc_(); }},
      {"erf_int", [](const V& a) { return torch::erf(a[0]); }},
  };
  xgrad_test::run_reference_group("erf", table, kFile);
}

TEST_CASE("var and var_mean backward record PyTorch's graph when the incoming gradient requires grad") {
  // x = torch.randn(3, 4, dtype=torch.double, requires_grad=True); u, w likewise of shape (3,)
  // v, m = torch.var_mean(x, 1); g, = torch.autograd.grad((v, m), x, (u, w), create_graph=True)
  // (the scalar steps are ATen's Scalar overloads, MulBackward1 and DivBackward1)
  auto opts = torch::dtype(torch::kDouble).requires_grad(true);
  Tensor x = torch::randn({3, 4}, opts), u = torch::randn({3}, opts), w = torch::randn({3}, opts);
  auto [v, m] = torch::var_mean(x, 1);
  Tensor g = torch::autograd::grad({v, m}, {x}, {u, w}, std::nullopt, /*create_graph=*/true)[0];
  CHECK(graph(g.grad_fn().get()) ==
        "AddBackward0(MulBackward0(MulBackward1(UnsqueezeBackward0(AccumulateGrad)),SubBackward0(AccumulateGrad,"
        "MeanBackward1(AccumulateGrad))),DivBackward1(ExpandBackward0(UnsqueezeBackward0(AccumulateGrad))))");
  // g, = torch.autograd.grad(torch.var(x, 1), x, u, create_graph=True)
  g = torch::autograd::grad({torch::var(x, 1)}, {x}, {u}, std::nullopt, /*create_graph=*/true)[0];
  CHECK(graph(g.grad_fn().get()) ==
        "MulBackward0(MulBackward1(UnsqueezeBackward0(AccumulateGrad)),SubBackward0(AccumulateGrad,"
        "MeanBackward1(AccumulateGrad)))");
}

TEST_CASE("round, floor, ceil and trunc match PyTorch") {
  xgrad_test::OpTable table = {
      {"round", [](const V& a) { return a[0].round(); }},
      {"round_halves", [](const V& a) { return torch::round(a[0]); }},
      {"floor", [](const V& a) { return a[0].floor(); }},
      {"ceil", [](const V& a) { return torch::ceil(a[0]); }},
      {"trunc", [](const V& a) { return a[0].trunc(); }},
      {"round_int", [](const V& a) { return a[0].round(); }},
  };
  xgrad_test::run_reference_group("rounding", table, kFile);
}

TEST_CASE("remainder and % match PyTorch") {
  xgrad_test::OpTable table = {
      {"remainder_scalar", [](const V& a) { return a[0] % 1.5; }},
      {"remainder_neg_scalar", [](const V& a) { return a[0].remainder(-1.5); }},
      {"remainder_tensor", [](const V& a) { return torch::remainder(a[0], a[1]); }},
      {"remainder_tensor_neg", [](const V& a) { return a[0] % a[1]; }},
      {"remainder_int", [](const V& a) { return a[0] % 3; }},
      {"remainder_int_neg", [](const V& a) { return a[0] % a[1]; }},
      {"remainder_int_float_scalar", [](const V& a) { return a[0] % 2.5; }},
      {"remainder_", [](const V& a) { return a[0].clone().remainder_(0.75); }},
      {"remainder_tensor_", [](const V& a) { return a[0].clone().remainder_(a[1]); }},
  };
  xgrad_test::run_reference_group("remainder", table, kFile);
}

TEST_CASE("torch::max and torch::min of two tensors are maximum and minimum") {
  xgrad_test::OpTable table = {
      {"max_binary", [](const V& a) { return torch::max(a[0], a[1]); }},
      {"min_binary", [](const V& a) { return torch::min(a[0], a[1]); }},
      {"max_binary_ties", [](const V& a) { return torch::max(a[0], a[1]); }},
  };
  xgrad_test::run_reference_group("minmax", table, kFile);
}

TEST_CASE("isinf, isfinite, isnan and the ops on other dtypes match PyTorch") {
  const std::map<std::string, std::function<Tensor(const Tensor&)>> fns = {
      {"isinf", [](const Tensor& x) { return torch::isinf(x); }},
      {"isfinite", [](const Tensor& x) { return x.isfinite(); }},
      {"isnan", [](const Tensor& x) { return torch::isnan(x); }},
      {"erf", [](const Tensor& x) { return x.erf(); }},
      {"erfc", [](const Tensor& x) { return x.erfc(); }},
      {"round", [](const Tensor& x) { return x.round(); }},
      {"floor", [](const Tensor& x) { return x.floor(); }},
      {"remainder",
       [](const Tensor& x) {
         if (x.is_floating_point()) return x % 1.5;
         return x.scalar_type() == torch::kByte ? x % 7 : x % 3;
       }},
      {"std", [](const Tensor& x) { return x.dim() == 1 && x.numel() == 12 && x.scalar_type() == torch::kHalf ? x.view({3, 4}).std(1) : x.std(); }},
      {"var", [](const Tensor& x) { return x.var(); }},
  };
  int checked = 0;
  for (const auto& c : xgrad_test::reference(kFile).at("dtype_cases")) {
    const std::string name = c.at("name");
    INFO("case " << name);
    std::string op = name.substr(0, name.find('_'));
    REQUIRE(fns.count(op) == 1);
    Tensor x = xgrad_test::decode(c.at("input"));
    Tensor expected = xgrad_test::decode(c.at("output"));
    Tensor out = fns.at(op)(x);
    CHECK(out.scalar_type() == expected.scalar_type());
    CHECK(out.sizes() == expected.sizes());
    CHECK_CLOSE(out, expected, 0.0, 0.0);  // the same rounding to the small dtype
    ++checked;
  }
  CHECK(checked == 41);
}

TEST_CASE("var and std overloads resolve as libtorch's") {
  // gh-40287: x.std(0) is over dim 0, not std(unbiased=false).
  auto x = torch::randn({4, 3});
  CHECK(x.std(0).sizes() == std::vector<int64_t>{3});
  CHECK(x.var(0, /*unbiased=*/true).sizes() == std::vector<int64_t>{3});
  CHECK(torch::var(x, 0).sizes() == std::vector<int64_t>{3});
  CHECK(std::get<0>(torch::std_mean(x, 0, /*unbiased=*/true)).sizes() == std::vector<int64_t>{3});
  CHECK(x.var(false).dim() == 0);
  CHECK(x.std(std::vector<int64_t>{}).dim() == 0);  // an empty list reduces every dim, as PyTorch 1.13
  CHECK(x.var({0, 1}, false, true).sizes() == std::vector<int64_t>{1, 1});
  CHECK(x.var(1, c10::optional<int64_t>(0)).allclose(x.var(1, false)));
  // a plain integer second argument is `unbiased` (int to bool beats int to optional), as in libtorch
  CHECK(x.var(1, 0).allclose(x.var(1, false)));
  auto s = torch::tensor(3.0);  // a 0-d tensor takes dim 0 or -1
  CHECK(std::isnan(s.var(0).item<float>()));
  CHECK(s.var(-1, false, true).dim() == 0);
}

TEST_CASE("var and std edge cases follow PyTorch") {
  CHECK(std::isnan(torch::ones({1}).std().item<float>()));  // N - correction = 0: 0 / 0
  CHECK(std::isnan(torch::ones({0}).var().item<float>()));
  Tensor v = torch::ones({0, 3}).var(0);
  CHECK(v.sizes() == std::vector<int64_t>{3});
  CHECK(std::isnan(v[1].item<float>()));
  CHECK(torch::tensor({1.0, 3.0}).var(c10::nullopt, c10::optional<int64_t>(2)).item<double>() == std::numeric_limits<double>::infinity());
  CHECK(torch::arange(5.).var(c10::nullopt, c10::optional<int64_t>(-1)).item<double>() == Approx(10.0 / 6));  // PyTorch: 1.6667
  // std of a constant: the gradient is 0 (PyTorch masks it), not NaN.
  auto c = torch::full({3}, 2.0, torch::requires_grad());
  c.std().backward();
  CHECK(c.grad().equal(torch::zeros({3})));
  // N - correction = 0 along a dim: NaN gradients, as PyTorch.
  auto d = torch::ones({1, 3}, torch::requires_grad());
  d.var(0).sum().backward();
  CHECK(torch::isnan(d.grad()).all().item<bool>());
  // half precision results are rounded once from the double computation
  CHECK(torch::arange(4.).to(torch::kHalf).std().scalar_type() == torch::kHalf);
}

TEST_CASE("var and std errors carry PyTorch's messages") {
  CHECK_THROWS_WITH(torch::arange(4).std(), "std and var only support floating point and complex dtypes");
  CHECK_THROWS_WITH(torch::ones({3}, torch::kBool).var(0), "std and var only support floating point and complex dtypes");
  CHECK_THROWS_WITH(torch::var_mean(torch::arange(3)), "var_mean only support floating point and complex dtypes");
  CHECK_THROWS_WITH(torch::std_mean(torch::arange(3), 0), "std_mean only support floating point and complex dtypes");
  CHECK_THROWS_AS(torch::ones({2, 3}).var(2), torch::IndexError);
  CHECK_THROWS_WITH(torch::ones({2, 3}).var(2), "Dimension out of range (expected to be in range of [-2, 1], but got 2)");
  CHECK_THROWS_WITH(torch::ones({2, 3}).std({0, 0}), "dim 0 appears multiple times in the list of dims");
  CHECK_THROWS_WITH(torch::tensor(3.0).var(1), "Dimension out of range (expected to be in range of [-1, 0], but got 1)");
}

TEST_CASE("erf, rounding and remainder errors carry PyTorch's messages") {
  CHECK_THROWS_WITH(torch::ones({2}, torch::kHalf).erf(), "\"erf_vml_cpu\" not implemented for 'Half'");
  CHECK_THROWS_WITH(torch::ones({2}, torch::kHalf).erfc(), "\"erfc_vml_cpu\" not implemented for 'Half'");
  CHECK_THROWS_WITH(torch::arange(3).erf_(), "result type Float can't be cast to the desired output type Long");
  CHECK_THROWS_WITH(torch::ones({1}, torch::kBool).round(), "\"round_vml_cpu\" not implemented for 'Bool'");
  CHECK_THROWS_WITH(torch::ones({1}, torch::kHalf).floor(), "\"floor_vml_cpu\" not implemented for 'Half'");
  CHECK_THROWS_WITH(torch::arange(3) % 0, "ZeroDivisionError");
  CHECK_THROWS_WITH(torch::ones({3}, torch::kBool) % true, "\"remainder_cpu\" not implemented for 'Bool'");
  CHECK(torch::isnan(torch::arange(3.) % 0).all().item<bool>());
  // INT64_MIN % -1 is 0, not a trap.
  CHECK((torch::tensor({std::numeric_limits<int64_t>::min()}) % -1).item<int64_t>() == 0);
  // a number % a tensor: libtorch's full_like(b, a).remainder(b); Python's 5 % arange(1, 4) = [0, 1, 2]
  CHECK((5 % torch::arange(1, 4)).equal(torch::tensor({0, 1, 2}, torch::kLong)));
  auto r = torch::arange(6.).view({2, 3});
  r %= 4;
  CHECK(r.equal(torch::tensor({{0., 1., 2.}, {3., 0., 1.}})));
  // erf_ keeps the tensor and its history: ErfBackward0 through an in-place write
  auto leaf = torch::randn({3}, torch::requires_grad());
  auto y = leaf * 1;
  y.erf_();
  CHECK(y.grad_fn()->name() == "ErfBackward0");
}
