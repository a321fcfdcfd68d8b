// test_gradcheck.cpp: src/autograd/gradcheck.cpp accepts right derivatives and catches wrong ones.
#include <catch2/catch.hpp>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

using torch::Tensor;
using V = xgrad_test::Inputs;
using torch::autograd::variable_list;

namespace {
/// x^2 with a deliberately wrong backward (3x instead of 2x).
Tensor wrong_square(const Tensor& x) {
  Tensor y;
  {
    torch::NoGradGuard no_grad;
    y = x * x;
  }
  return torch::autograd::record("WrongSquareBackward", y, {x}, torch::autograd::save(x),
                                 [](const Tensor& g, const Tensor& x) -> variable_list { return {g * x * 3}; });
}
}  // namespace

TEST_CASE("gradcheck passes a right derivative and reports a wrong one") {
  auto x = xgrad_test::test_values({2, 2});
  CHECK(torch::autograd::gradcheck([](const V& v) { return v[0] * v[0]; }, {x}));
  CHECK_FALSE(torch::autograd::gradcheck([](const V& v) { return wrong_square(v[0]); }, {x}, 1e-6, 1e-5, 1e-3, false));
  CHECK_THROWS_AS(torch::autograd::gradcheck([](const V& v) { return wrong_square(v[0]); }, {x}),
                  torch::autograd::GradcheckError);
  CHECK_THROWS_WITH(torch::autograd::gradcheck([](const V& v) { return wrong_square(v[0]); }, {x}),
                    Catch::StartsWith("Jacobian mismatch for output 0 with respect to input 0,\nnumerical:"));
}

TEST_CASE("gradcheck asks for float64 inputs that require grad") {
  auto f = torch::ones({2}, torch::requires_grad());
  CHECK_THROWS_AS(torch::autograd::gradcheck([](const V& v) { return v[0] * 2; }, {f}), torch::Error);
  CHECK_THROWS_AS(torch::autograd::gradcheck([](const V& v) { return v[0] * 2; }, {torch::ones({2}, torch::kDouble)}),
                  torch::Error);
}

TEST_CASE("gradgradcheck catches a first derivative whose own derivative is wrong") {
  // x^3 whose backward, 3 x^2 g, is written with wrong_square (whose backward is 3x, not 2x).
  auto x = xgrad_test::test_values({3});
  auto cube = [](const V& v) {
    const Tensor& x = v[0];
    Tensor y;
    {
      torch::NoGradGuard no_grad;
      y = x * x * x;
    }
    return torch::autograd::record("CubeBackward", y, {x}, torch::autograd::save(x),
                                   [](const Tensor& g, const Tensor& x) -> variable_list { return {g * 3 * wrong_square(x)}; });
  };
  CHECK(torch::autograd::gradcheck(cube, {x}));  // the first derivative is right
  CHECK_FALSE(torch::autograd::gradgradcheck(cube, {x}, 1e-6, 1e-5, 1e-3, false));
}

TEST_CASE("a reference table takes an op without PyTorch's numbers yet, checking its derivatives") {
  // What the README's "Adding an op" describes: a new op's derivative is tested before
  // python3-torch has printed anything. softsign(x) = x / (1 + |x|), composed of ops here.
  xgrad_test::OpTable table = {
      {"softsign_composed", xgrad_test::no_reference_yet({{2, 3}}, [](const V& a) { return a[0] / (1 + a[0].abs()); })},
  };
  xgrad_test::run_reference_group("a group with no cases in ops.json", table);
}
