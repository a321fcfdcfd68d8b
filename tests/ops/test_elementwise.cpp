// test_elementwise.cpp: src/ops/elementwise.cpp and the in-place ops of src/ops/inplace.cpp against
// PyTorch (tests/reference/ops.json), plus type promotion and the error messages.
#include <catch2/catch.hpp>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

using torch::Tensor;
using V = xgrad_test::Inputs;

TEST_CASE("elementwise ops match PyTorch: values, grad_fn, gradients, gradcheck") {
  xgrad_test::OpTable table = {
      {"add", [](const V& a) { return a[0] + a[1]; }},
      {"add_broadcast", [](const V& a) { return a[0] + a[1]; }},
      {"add_scalar", [](const V& a) { return a[0] + 2.5; }},
      {"add_alpha", [](const V& a) { return torch::add(a[0], a[1], 2); }},
      {"sub", [](const V& a) { return a[0] - a[1]; }},
      {"sub_broadcast", [](const V& a) { return a[0] - a[1]; }},
      {"sub_scalar", [](const V& a) { return a[0] - 1.5; }},
      {"rsub", [](const V& a) { return 1 - a[0]; }},
      {"mul", [](const V& a) { return a[0] * a[1]; }},
      {"mul_broadcast", [](const V& a) { return a[0] * a[1]; }},
      {"mul_scalar", [](const V& a) { return a[0] * 3; }},
      {"div", [](const V& a) { return a[0] / a[1]; }},
      {"div_broadcast", [](const V& a) { return a[0] / a[1]; }},
      {"div_scalar", [](const V& a) { return a[0] / 4; }},
      {"rdiv", [](const V& a) { return 2 / a[0]; }},
      {"neg", [](const V& a) { return -a[0]; }},
      {"mul_int_tensor", [](const V& a) { return a[0] * a[1]; }},
      {"add_zero_dim_double", [](const V& a) { return a[0] + a[1]; }},
      {"exp", [](const V& a) { return torch::exp(a[0]); }},
      {"log", [](const V& a) { return torch::log(a[0]); }},
      {"log1p", [](const V& a) { return torch::log1p(a[0]); }},
      {"sqrt", [](const V& a) { return torch::sqrt(a[0]); }},
      {"rsqrt", [](const V& a) { return torch::rsqrt(a[0]); }},
      {"abs", [](const V& a) { return torch::abs(a[0]); }},
      {"sign", [](const V& a) { return torch::sign(a[0]); }},
      {"square", [](const V& a) { return torch::square(a[0]); }},
      {"reciprocal", [](const V& a) { return torch::reciprocal(a[0]); }},
      {"sin", [](const V& a) { return torch::sin(a[0]); }},
      {"cos", [](const V& a) { return torch::cos(a[0]); }},
      {"pow_2", [](const V& a) { return a[0].pow(2); }},
      {"pow_3", [](const V& a) { return a[0].pow(3); }},
      {"pow_half", [](const V& a) { return a[0].pow(0.5); }},
      {"pow_neg", [](const V& a) { return a[0].pow(-1.5); }},
      {"pow_0", [](const V& a) { return a[0].pow(0); }},
      {"pow_tensor", [](const V& a) { return a[0].pow(a[1]); }},
      {"pow_scalar_base", [](const V& a) { return torch::pow(2, a[0]); }},
      {"clamp", [](const V& a) { return a[0].clamp(-0.5, 0.5); }},
      {"clamp_min", [](const V& a) { return a[0].clamp_min(0.1); }},
      {"clamp_max", [](const V& a) { return a[0].clamp_max(0.1); }},
      {"maximum", [](const V& a) { return torch::maximum(a[0], a[1]); }},
      {"minimum", [](const V& a) { return torch::minimum(a[0], a[1]); }},
      {"xlogy", [](const V& a) { return torch::xlogy(a[0], a[1]); }},
      {"addcmul", [](const V& a) { return torch::addcmul(a[0], a[1], a[2], 0.5); }},
      {"addcdiv", [](const V& a) { return torch::addcdiv(a[0], a[1], a[2], -2); }},
      {"lerp", [](const V& a) { return torch::lerp(a[0], a[1], 0.3); }},
      {"lerp_high_weight", [](const V& a) { return torch::lerp(a[0], a[1], 0.75); }},
      {"to_double", [](const V& a) { return a[0].to(torch::kFloat64); }},
      {"clone", [](const V& a) { return a[0].clone(); }},
      {"compare_lt", [](const V& a) { return a[0] < a[1]; }},
      {"compare_eq_scalar", [](const V& a) { return a[0] == 0; }},
      {"int_sum", [](const V& a) { return a[0].sum(); }},
      {"int_div", [](const V& a) { return a[0] / 2; }},
      {"int_exp", [](const V& a) { return a[0].exp(); }},
  };
  xgrad_test::run_reference_group("elementwise", table);
}

TEST_CASE("type promotion follows PyTorch") {
  auto f = torch::ones({2});
  auto l = torch::tensor({1, 2});
  auto b = torch::tensor({true, false});
  CHECK((f + l).scalar_type() == torch::kFloat);
  CHECK((l * 2.5).scalar_type() == torch::kFloat);       // a Python float does not make it double
  CHECK((f * 2.5).scalar_type() == torch::kFloat);
  CHECK((l + 1).scalar_type() == torch::kLong);
  CHECK((b + 1).scalar_type() == torch::kLong);
  CHECK((f + torch::tensor(2.0, torch::kDouble)).scalar_type() == torch::kFloat);  // 0-d does not lift a float
  CHECK((l + torch::tensor(2.0, torch::kDouble)).scalar_type() == torch::kDouble);  // but lifts an integer
  CHECK((f + torch::ones({2}, torch::kDouble)).scalar_type() == torch::kDouble);
  CHECK((l / 2).scalar_type() == torch::kFloat);           // true division
  CHECK(torch::exp(l).scalar_type() == torch::kFloat);
  CHECK((b + b).scalar_type() == torch::kBool);
}

TEST_CASE("elementwise errors carry PyTorch's messages") {
  CHECK_THROWS_WITH(torch::ones({2, 3}) + torch::ones({3, 2}),
                    "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1");
  CHECK_THROWS_WITH(-torch::tensor({true}),
                    "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, "
                    "use the `~` or `logical_not()` operator instead.");
  auto l = torch::tensor({1, 2});
  CHECK_THROWS_WITH(l.add_(1.5), "result type Float can't be cast to the desired output type Long");
  auto x = torch::ones({2, 3});
  CHECK_THROWS_WITH(x.add_(torch::ones({4, 2, 3})), "output with shape [2, 3] doesn't match the broadcast shape [4, 2, 3]");
  CHECK_THROWS_AS(torch::ones({2}) + torch::ones({3}), torch::Error);
}

TEST_CASE("NaN and infinities propagate as in PyTorch") {
  double nan = std::nan("");
  auto x = torch::tensor({nan, 1.0, -HUGE_VAL});  // all doubles: libtorch refuses a list of mixed C++ types
  CHECK(std::isnan(torch::relu(x)[0].item<float>()));
  CHECK(std::isnan(x.clamp(0, 0.5)[0].item<float>()));
  CHECK(x.clamp(0, 0.5)[2].item<float>() == 0.0f);
  CHECK(std::isnan(torch::maximum(x, torch::zeros({3}))[0].item<float>()));
  CHECK(torch::sigmoid(torch::tensor({-1000.0f, 1000.0f})).equal(torch::tensor({0.0f, 1.0f})));
}

TEST_CASE("in-place arithmetic writes through and bumps the version") {
  auto x = torch::ones({2, 2});
  auto v = x.view({4});
  uint32_t before = x._version();
  x.mul_(3).add_(torch::ones({2}), 2);
  CHECK(v.equal(torch::full({4}, 5.0)));
  CHECK(x._version() == before + 2);
  CHECK(v._version() == x._version());  // views share the counter
  x.zero_();
  CHECK(x.sum().item<float>() == 0.0f);
  x.fill_(2.5);
  CHECK(x.equal(torch::full({2, 2}, 2.5)));
  x.copy_(torch::tensor({1, 2}));  // broadcast and convert
  CHECK(x.equal(torch::tensor({{1.0f, 2.0f}, {1.0f, 2.0f}})));
}

TEST_CASE("the public in-place ops match PyTorch: values, grad_fn, gradients, gradcheck") {
  // Each on a copy, as in the reference script: x.clone().addcmul_(...) records AddcmulBackward0.
  xgrad_test::OpTable table = {
      {"addcmul_", [](const V& a) { return a[0].clone().addcmul_(a[1], a[2], 0.5); }},
      {"addcdiv_", [](const V& a) { return a[0].clone().addcdiv_(a[1], a[2], -2); }},
      {"lerp_", [](const V& a) { return a[0].clone().lerp_(a[1], 0.75); }},
      {"sqrt_", [](const V& a) { return a[0].clone().sqrt_(); }},
      {"neg_", [](const V& a) { return a[0].clone().neg_(); }},
      {"clamp_", [](const V& a) { return a[0].clone().clamp_(-0.5, 0.5); }},
      {"clamp_min_", [](const V& a) { return a[0].clone().clamp_min_(0.1); }},
      {"clamp_max_", [](const V& a) { return a[0].clone().clamp_max_(0.1); }},
  };
  xgrad_test::run_reference_group("inplace", table);
}

TEST_CASE("in-place ops without autograd write the out-of-place op's values, with PyTorch's errors") {
  torch::manual_seed(3);
  auto x = torch::randn({2, 3}), a = torch::randn({2, 3}), b = torch::rand({3}) + 0.5;
  CHECK(x.clone().addcmul_(a, b, 0.25).equal(torch::addcmul(x, a, b, 0.25)));
  CHECK(x.clone().addcdiv_(a, b, 3).equal(torch::addcdiv(x, a, b, 3)));
  CHECK(x.clone().lerp_(a, 0.2).equal(torch::lerp(x, a, 0.2)));
  CHECK(x.clone().lerp_(a, 1.0).equal(a));  // exact at weight 1, as PyTorch's form is
  auto y = x.clone();
  uint32_t version = y._version();
  y.addcmul_(a, b);
  CHECK(y._version() == version + 1);
  CHECK_THROWS_WITH(torch::tensor({1, 2}).addcmul_(torch::ones({2}), torch::ones({2})),
                    "result type Float can't be cast to the desired output type Long");
  CHECK_THROWS_WITH(torch::ones({2}).addcmul_(torch::ones({3}), torch::ones({3})),
                    "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0");
  CHECK_THROWS_WITH(torch::lerp(torch::ones({2}), torch::ones({2}, torch::kDouble), 0.5),
                    "expected dtype float for `end` but got dtype double");
  CHECK_THROWS_WITH(torch::lerp(torch::tensor({1, 2}), torch::tensor({1, 2}), 0.5),
                    "\"lerp_kernel_scalar\" not implemented for 'Long'");
  CHECK_THROWS_WITH(torch::addcdiv(torch::ones({2}), torch::tensor({1, 2}), torch::tensor({1, 2})),
                    Catch::Matchers::StartsWith("Integer division with addcdiv is no longer supported"));
  CHECK(torch::addcmul(torch::tensor({1, 2}), torch::tensor({1, 2}), torch::tensor({1, 2}), 2)
            .equal(torch::tensor({3, 10})));
}

TEST_CASE("is_nonzero is Python's bool(x) of a one-value tensor, with PyTorch's errors") {
  // Python: torch.is_nonzero of tensor([nan]) True, tensor(0.) False, tensor([0]) False,
  // tensor([True]) True, tensor(-3, int8) True, tensor(1e-40) True (a float32 subnormal)
  CHECK(torch::is_nonzero(torch::tensor({std::nan("")})));
  CHECK_FALSE(torch::is_nonzero(torch::tensor(0.0f)));
  CHECK_FALSE(torch::is_nonzero(torch::tensor({0})));
  CHECK(torch::is_nonzero(torch::tensor({true})));
  CHECK(torch::is_nonzero(torch::full({}, -3, torch::kInt8)));
  CHECK(at::native::is_nonzero(torch::tensor(1e-40f)));
  CHECK_THROWS_WITH(torch::is_nonzero(torch::ones({0})), "Boolean value of Tensor with no values is ambiguous");
  CHECK_THROWS_WITH(torch::is_nonzero(torch::ones({2})), "Boolean value of Tensor with more than one value is ambiguous");
}
