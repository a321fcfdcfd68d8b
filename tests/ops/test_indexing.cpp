// test_indexing.cpp: src/ops/indexing.cpp against PyTorch, plus its errors.
#include <catch2/catch.hpp>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

using torch::Tensor;
using V = xgrad_test::Inputs;

TEST_CASE("indexing ops match PyTorch") {
  xgrad_test::OpTable table = {
      {"index_select", [](const V& a) { return a[0].index_select(1, a[1]); }},
      {"gather", [](const V& a) { return a[0].gather(1, a[1]); }},
      {"scatter_add", [](const V& a) { return a[0].scatter_add(1, a[1], a[2]); }},
      {"index_add", [](const V& a) { return torch::index_add(a[0], 0, a[1], a[2]); }},
      {"masked_fill", [](const V& a) { return a[0].masked_fill(a[0] > 0, 0.5); }},
      {"where", [](const V& a) { return torch::where(a[0] > a[1], a[0], a[1]); }},
  };
  xgrad_test::run_reference_group("indexing", table);
}

TEST_CASE("indexing errors carry PyTorch's messages") {
  CHECK_THROWS_AS(torch::ones({3}).index_select(0, torch::tensor({5})), torch::IndexError);
  CHECK_THROWS_WITH(torch::ones({3}).index_select(0, torch::tensor({5})), "index out of range in self");
  CHECK_THROWS_WITH(torch::ones({3}).index_select(0, torch::tensor({1.0})),
                    "index_select(): Expected dtype int32 or int64 for index");
  CHECK_THROWS_WITH(torch::ones({3, 2}).gather(1, torch::tensor({{5}, {0}, {0}})),
                    "index 5 is out of bounds for dimension 1 with size 2");
  CHECK_THROWS_WITH(torch::ones({2}).masked_fill(torch::ones({2}), 0),
                    "masked_fill_ only supports boolean masks, but got mask with dtype float32");
  CHECK_THROWS_WITH(torch::where(torch::ones({2}), torch::ones({2}), torch::ones({2})),
                    "where expected condition to be a boolean tensor, but got a tensor with dtype Float");
}
