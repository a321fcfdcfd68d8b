// test_reduction.cpp: src/ops/reduction.cpp against PyTorch, plus empty inputs, NaN and errors.
#include <catch2/catch.hpp>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

using torch::Tensor;
using V = xgrad_test::Inputs;

TEST_CASE("reductions match PyTorch") {
  xgrad_test::OpTable table = {
      {"sum", [](const V& a) { return a[0].sum(); }},
      {"sum_dim", [](const V& a) { return a[0].sum(1); }},
      {"sum_dims_keepdim", [](const V& a) { return a[0].sum({0, 2}, true); }},
      {"sum_neg_dim", [](const V& a) { return a[0].sum(-1); }},
      {"mean", [](const V& a) { return a[0].mean(); }},
      {"mean_dim", [](const V& a) { return a[0].mean(1); }},
      {"mean_dims_keepdim", [](const V& a) { return a[0].mean({0, 2}, true); }},
      {"max_all", [](const V& a) { return a[0].max(); }},
      {"min_all", [](const V& a) { return a[0].min(); }},
      {"max_dim", [](const V& a) { return std::get<0>(a[0].max(1)); }},
      {"max_dim_keepdim", [](const V& a) { return std::get<0>(a[0].max(2, true)); }},
      {"min_dim", [](const V& a) { return std::get<0>(a[0].min(0)); }},
      {"max_dim_indices", [](const V& a) { return std::get<1>(a[0].max(1)); }},
      {"argmax", [](const V& a) { return a[0].argmax(); }},
      {"argmax_dim", [](const V& a) { return a[0].argmax(2); }},
      {"argmin_dim_keepdim", [](const V& a) { return a[0].argmin(1, true); }},
      {"amax", [](const V& a) { return a[0].amax(1); }},
      {"amin_dims", [](const V& a) { return a[0].amin({0, 1}); }},
      {"logsumexp", [](const V& a) { return a[0].logsumexp(1); }},
      {"logsumexp_keepdim", [](const V& a) { return a[0].logsumexp(-1, true); }},
  };
  xgrad_test::run_reference_group("reduction", table);
}

TEST_CASE("reductions of empty tensors and NaN follow PyTorch") {
  CHECK(torch::zeros({0}).sum().item<float>() == 0.0f);
  CHECK(std::isnan(torch::zeros({0}).mean().item<float>()));
  CHECK(torch::zeros({0, 3}).sum(0).equal(torch::zeros({3})));
  auto x = torch::tensor({1.0f, std::nanf(""), 3.0f});
  CHECK(std::isnan(x.max().item<float>()));
  CHECK(std::get<1>(x.max(0)).item<int64_t>() == 1);
  CHECK(std::isnan(x.sum().item<float>()));
}

TEST_CASE("ties share the gradient of max as in PyTorch") {
  auto x = torch::tensor({1.0f, 3.0f, 3.0f}, torch::requires_grad());
  x.max().backward();
  CHECK(x.grad().equal(torch::tensor({0.0f, 0.5f, 0.5f})));
  auto y = torch::tensor({{1.0f, 3.0f, 3.0f}}, torch::requires_grad());
  y.amax(1).sum().backward();
  CHECK(y.grad().equal(torch::tensor({{0.0f, 0.5f, 0.5f}})));
  auto z = torch::tensor({{1.0f, 3.0f, 3.0f}}, torch::requires_grad());
  std::get<0>(z.max(1)).sum().backward();  // max(dim) picks one index: the first
  CHECK(z.grad().equal(torch::tensor({{0.0f, 1.0f, 0.0f}})));
}

TEST_CASE("large sums stay accurate") {
  auto x = torch::full({1 << 20}, 0.1f);
  CHECK(x.sum().item<float>() == Approx(104857.6).epsilon(1e-6));
  CHECK(x.mean().item<float>() == Approx(0.1).epsilon(1e-6));
}

TEST_CASE("reduction errors carry PyTorch's messages") {
  auto x = torch::ones({2, 3});
  CHECK_THROWS_AS(x.sum(2), torch::IndexError);
  CHECK_THROWS_WITH(x.sum(2), "Dimension out of range (expected to be in range of [-2, 1], but got 2)");
  CHECK_THROWS_WITH(x.sum(-3), "Dimension out of range (expected to be in range of [-2, 1], but got -3)");
  CHECK_THROWS_WITH(torch::zeros({0}).max(),
                    "max(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim "
                    "with the 'dim' argument.");
  CHECK_THROWS_WITH(torch::arange(3).mean(),
                    "mean(): could not infer output dtype. Input dtype must be either a floating point or complex "
                    "dtype. Got: Long");
}
