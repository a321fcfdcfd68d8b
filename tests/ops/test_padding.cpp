// test_padding.cpp: src/ops/padding.cpp and F::pad against PyTorch (conv.json): constant,
// reflect, replicate and circular padding of 1 to 3 dims, negative padding, double backward, and
// PyTorch's messages for bad padding.
#include <catch2/catch.hpp>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

using torch::Tensor;
using V = xgrad_test::Inputs;
namespace F = torch::nn::functional;

TEST_CASE("padding matches PyTorch") {
  auto pad = [](std::vector<int64_t> p, torch::PaddingMode mode) {
    return [p, mode](const V& a) { return F::pad(a[0], F::PadFuncOptions(p).mode(mode)); };
  };
  xgrad_test::OpTable table = {
      {"pad_constant", [](const V& a) { return F::pad(a[0], F::PadFuncOptions({1, 2, 0, 3}).value(0.5)); }},
      {"pad_constant_negative", [](const V& a) { return torch::constant_pad_nd(a[0], {-1, 2, 1, -2}); }},
      {"pad_constant_all_dims", [](const V& a) { return torch::pad(a[0], {1, 1, 1, 0, 0, 1, 2, 0}); }},
      {"pad_constant_crop_only", [](const V& a) { return F::pad(a[0], F::PadFuncOptions({-1, -2})); }},
      {"pad_reflect_1d", pad({2, 3}, torch::kReflect)},
      {"pad_reflect_2d", pad({2, 1, 4, 0}, torch::kReflect)},
      {"pad_reflect_3d", pad({1, 2, 0, 3, 2, 1}, torch::kReflect)},
      {"pad_reflect_negative", [](const V& a) { return torch::reflection_pad2d(a[0], {-1, 2, 1, -2}); }},
      {"pad_replicate_1d", pad({3, 1}, torch::kReplicate)},
      {"pad_replicate_2d", pad({2, 1, 0, 4}, torch::kReplicate)},
      {"pad_replicate_3d", [](const V& a) { return torch::replication_pad3d(a[0], {1, 0, 3, 1, 2, 2}); }},
      {"pad_replicate_unbatched", pad({2, 2}, torch::kReplicate)},
      {"pad_circular_1d", pad({2, 3}, torch::kCircular)},
      {"pad_circular_2d", pad({2, 1, 5, 0}, torch::kCircular)},
      {"pad_circular_3d", [](const V& a) { return torch::pad(a[0], {1, 2, 0, 3, 2, 1}, "circular"); }},
      {"pad_circular_negative", pad({-1, 2, 1, -2}, torch::kCircular)},
  };
  xgrad_test::run_reference_group("padding", table, "conv.json");
}

TEST_CASE("padding has second derivatives with PyTorch's nodes") {
  using torch::autograd::gradgradcheck;
  auto x = xgrad_test::test_values({2, 2, 4, 5});
  for (auto mode : {torch::kConstant, torch::kReflect, torch::kReplicate, torch::kCircular}) {
    CHECK(gradgradcheck([mode](const V& a) { return F::pad(a[0], F::PadFuncOptions({2, 1, -1, 3}).mode(mode)); }, {x}));
  }
  auto y = F::pad(x, F::PadFuncOptions({2, 1, 1, 3}).mode(torch::kReflect));
  auto g = torch::autograd::grad({y.sum()}, {x}, {}, std::nullopt, /*create_graph=*/true);
  CHECK(g[0].grad_fn()->name() == "ReflectionPad2DBackwardBackward0");
  // The gradient's node has the forward's input as an input too, as in PyTorch, so it is recorded
  // even where the upstream gradient needs none.
  y = F::pad(x, F::PadFuncOptions({2, 1, 0, 1}).mode(torch::kReplicate));
  g = torch::autograd::grad({y}, {x}, {torch::ones_like(y)}, std::nullopt, /*create_graph=*/true);
  CHECK(g[0].grad_fn()->name() == "ReplicationPad2DBackwardBackward0");
}

TEST_CASE("padding refuses what PyTorch refuses") {
  auto x = torch::randn({2, 3, 4, 5});
  CHECK_THROWS_WITH(torch::pad(x, {1, 2, 3}), "Padding length must be divisible by 2");
  CHECK_THROWS_WITH(torch::pad(x, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}), "Padding length too large");
  CHECK_THROWS_AS(torch::pad(x, {5, 0}, "reflect"), torch::NotImplementedError);
  CHECK_THROWS_WITH(torch::pad(x, {5, 0}, "reflect"),
                    "Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now");
  CHECK_THROWS_WITH(torch::pad(x, {1, 0}, "foo"), "Unrecognised padding mode foo");
  CHECK_THROWS_WITH(torch::pad(x, {1, 0}, "reflect", 2.0), "Padding mode \"reflect\" doesn't take in value argument");
  CHECK_THROWS_WITH(torch::pad(x, {5, 0, 1, 1}, "reflect"),
                    "Argument #4: Padding size should be less than the corresponding input dimension, but got: padding "
                    "(5, 0) at dimension 3 of input 4");
  CHECK_THROWS_WITH(torch::pad(x, {1, 0, 4, 1}, "reflect"),
                    "Argument #6: Padding size should be less than the corresponding input dimension, but got: padding "
                    "(4, 1) at dimension 2 of input 4");
  CHECK_THROWS_WITH(torch::pad(torch::randn({2, 3, 5}), {5, 0}, "reflect"),
                    "Argument #4: Padding size should be less than the corresponding input dimension, but got: padding "
                    "(5, 0) at dimension 2 of input [2, 3, 5]");
  CHECK_THROWS_WITH(torch::pad(torch::randn({2, 0, 5}), {1, 0}, "reflect"),
                    "2D or 3D (batch mode) tensor expected for input, but got: [ torch.FloatTensor{2,0,5} ]");
  CHECK_THROWS_WITH(torch::pad(torch::randn({2, 3, 0}), {1, 0}, "replicate"),
                    "Expected 2D or 3D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for "
                    "input, but got: [2, 3, 0]");
  CHECK_THROWS_WITH(torch::pad(x, {6, 0, 1, 1}, "circular"), "Padding value causes wrapping around more than once.");
  CHECK_THROWS_WITH(torch::pad(x, {1, 0, 1, 1, 1, 1}, "circular"), "Invalid padding size, expected 4 but got 6");
  CHECK_THROWS_WITH(torch::pad(torch::randn({3, 5}), {1, 0}, "circular"), "Invalid padding size, expected 0 but got 2");
  CHECK_THROWS_WITH(torch::pad(torch::ones({2, 3, 4}, torch::kLong), {1, 0}, "reflect"),
                    "\"reflection_pad1d\" not implemented for 'Long'");
  CHECK_THROWS_WITH(torch::pad(torch::ones({2, 3, 4, 5}, torch::kLong), {1, 0, 1, 0}, "replicate"),
                    "\"replication_pad2d_cpu\" not implemented for 'Long'");
  // What PyTorch allows: integer constant and circular padding, an empty batch.
  CHECK(torch::pad(torch::ones({1, 1, 3}, torch::kLong), {1, 0}, "circular").equal(torch::ones({1, 1, 4}, torch::kLong)));
  CHECK(torch::pad(torch::zeros({0, 3, 5}), {1, 0}, "reflect").sizes().vec() == std::vector<int64_t>{0, 3, 6});
  auto wrapped = torch::pad(torch::arange(5.0).view({1, 1, 5}), {2, 2}, "circular");
  CHECK(wrapped.equal(torch::tensor({3.0f, 4.0f, 0.0f, 1.0f, 2.0f, 3.0f, 4.0f, 0.0f, 1.0f}).view({1, 1, 9})));
}
