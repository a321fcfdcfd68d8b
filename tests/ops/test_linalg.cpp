// test_linalg.cpp: src/ops/linalg.cpp against PyTorch, plus shapes, dtypes and errors.
#include <catch2/catch.hpp>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

using torch::Tensor;
using V = xgrad_test::Inputs;

TEST_CASE("matrix products match PyTorch") {
  xgrad_test::OpTable table = {
      {"mm", [](const V& a) { return torch::mm(a[0], a[1]); }},
      {"mm_transposed", [](const V& a) { return a[0].t().mm(a[1].t()); }},
      {"bmm", [](const V& a) { return torch::bmm(a[0], a[1]); }},
      {"matmul_3d_2d", [](const V& a) { return torch::matmul(a[0], a[1]); }},
      {"matmul_broadcast", [](const V& a) { return torch::matmul(a[0], a[1]); }},
      {"matmul_1d_2d", [](const V& a) { return torch::matmul(a[0], a[1]); }},
      {"matmul_2d_1d", [](const V& a) { return torch::matmul(a[0], a[1]); }},
      {"mv", [](const V& a) { return torch::mv(a[0], a[1]); }},
      {"dot", [](const V& a) { return torch::dot(a[0], a[1]); }},
      {"addmm", [](const V& a) { return torch::addmm(a[0], a[1], a[2]); }},
  };
  xgrad_test::run_reference_group("linalg", table);
}

TEST_CASE("mm works for float64 and int64, and on strided views") {
  auto a = torch::arange(6, torch::kDouble).reshape({2, 3});
  auto b = torch::arange(6, torch::kDouble).reshape({3, 2});
  CHECK(a.mm(b).equal(torch::tensor({{10.0, 13.0}, {28.0, 40.0}}, torch::kDouble)));
  CHECK(torch::arange(6).reshape({2, 3}).mm(torch::arange(6).reshape({3, 2})).equal(torch::tensor({{10, 13}, {28, 40}})));
  auto big = torch::arange(12.0).reshape({3, 4});
  auto strided = big.slice(1, 0, 4, 2);  // columns 0 and 2: no unit stride, copied for BLAS
  CHECK(strided.mm(torch::ones({2, 1})).equal(torch::tensor({{2.0f}, {10.0f}, {18.0f}})));
}

TEST_CASE("matmul errors carry PyTorch's messages") {
  CHECK_THROWS_WITH(torch::ones({2, 3}).mm(torch::ones({2, 3})), "mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)");
  CHECK_THROWS_WITH(torch::ones({2, 3}).matmul(torch::ones({2, 3})), "mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)");
  CHECK_THROWS_WITH(torch::ones({2, 3}).mm(torch::ones({3, 2}, torch::kDouble)), "expected scalar type Float but found Double");
}
