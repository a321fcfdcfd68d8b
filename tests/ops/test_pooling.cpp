// test_pooling.cpp: src/ops/pooling.cpp, src/ops/pooling_adaptive.cpp and F::*pool* against
// PyTorch (conv.json): values, indices, grad_fn names, gradients, float64 gradcheck and
// gradgradcheck, and PyTorch's messages for bad input.
#include <catch2/catch.hpp>

#include <cmath>
#include <utility>
#include <vector>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

using torch::Tensor;
using V = xgrad_test::Inputs;
namespace F = torch::nn::functional;

TEST_CASE("pooling matches PyTorch") {
  xgrad_test::OpTable table = {
      {"max_pool1d", [](const V& a) { return F::max_pool1d(a[0], F::MaxPool1dFuncOptions(3).stride(2).padding(1)); }},
      {"max_pool1d_ceil_dilation",
       [](const V& a) { return torch::max_pool1d(a[0], 2, 2, 0, 2, /*ceil_mode=*/true); }},
      {"max_pool1d_indices",
       [](const V& a) { return std::get<1>(F::max_pool1d_with_indices(a[0], F::MaxPool1dFuncOptions(3).stride(2).padding(1))); }},
      {"max_pool2d", [](const V& a) { return F::max_pool2d(a[0], F::MaxPool2dFuncOptions(2)); }},
      {"max_pool2d_options",
       [](const V& a) {
         return F::max_pool2d(a[0], F::MaxPool2dFuncOptions({3, 2}).stride({2, 1}).padding(1).dilation({1, 2}).ceil_mode(true));
       }},
      {"max_pool2d_indices", [](const V& a) { return std::get<1>(torch::max_pool2d_with_indices(a[0], 3, 2, 1)); }},
      {"max_pool2d_unbatched", [](const V& a) { return torch::max_pool2d(a[0], 2, 1); }},
      {"max_pool3d",
       [](const V& a) { return F::max_pool3d(a[0], F::MaxPool3dFuncOptions(2).stride({1, 2, 2}).padding({1, 0, 1})); }},
      {"max_pool3d_indices", [](const V& a) { return std::get<1>(F::max_pool3d_with_indices(a[0], F::MaxPool3dFuncOptions(2))); }},
      {"avg_pool1d", [](const V& a) { return F::avg_pool1d(a[0], F::AvgPool1dFuncOptions(3).stride(2).padding(1)); }},
      {"avg_pool1d_exclude_pad_ceil",
       [](const V& a) { return torch::avg_pool1d(a[0], 4, 3, 2, /*ceil_mode=*/true, /*count_include_pad=*/false); }},
      {"avg_pool2d", [](const V& a) { return F::avg_pool2d(a[0], F::AvgPool2dFuncOptions(2)); }},
      {"avg_pool2d_options",
       [](const V& a) {
         return F::avg_pool2d(a[0], F::AvgPool2dFuncOptions({3, 2}).stride({2, 1}).padding(1).ceil_mode(true).count_include_pad(false));
       }},
      {"avg_pool2d_divisor", [](const V& a) { return torch::avg_pool2d(a[0], 3, 2, 1, false, true, 5); }},
      {"avg_pool2d_ceil_include_pad",
       [](const V& a) { return F::avg_pool2d(a[0], F::AvgPool2dFuncOptions(3).stride(2).padding(1).ceil_mode(true)); }},
      {"avg_pool3d",
       [](const V& a) { return F::avg_pool3d(a[0], F::AvgPool3dFuncOptions(2).stride({1, 2, 2}).padding(1).ceil_mode(true)); }},
      {"avg_pool3d_divisor",
       [](const V& a) { return F::avg_pool3d(a[0], F::AvgPool3dFuncOptions({2, 3, 2}).divisor_override(3)); }},
      {"adaptive_avg_pool1d", [](const V& a) { return F::adaptive_avg_pool1d(a[0], F::AdaptiveAvgPool1dFuncOptions(4)); }},
      {"adaptive_avg_pool2d", [](const V& a) { return F::adaptive_avg_pool2d(a[0], F::AdaptiveAvgPool2dFuncOptions({3, 4})); }},
      {"adaptive_avg_pool2d_one", [](const V& a) { return torch::adaptive_avg_pool2d(a[0], {1, 1}); }},
      {"adaptive_avg_pool2d_larger", [](const V& a) { return torch::adaptive_avg_pool2d(a[0], {9, 8}); }},
      {"adaptive_avg_pool3d", [](const V& a) { return F::adaptive_avg_pool3d(a[0], F::AdaptiveAvgPool3dFuncOptions({2, 4, 3})); }},
      {"adaptive_avg_pool3d_one", [](const V& a) { return F::adaptive_avg_pool3d(a[0], F::AdaptiveAvgPool3dFuncOptions(1)); }},
      {"adaptive_max_pool1d", [](const V& a) { return F::adaptive_max_pool1d(a[0], F::AdaptiveMaxPool1dFuncOptions(4)); }},
      {"adaptive_max_pool2d", [](const V& a) { return F::adaptive_max_pool2d(a[0], F::AdaptiveMaxPool2dFuncOptions({3, 4})); }},
      {"adaptive_max_pool2d_indices", [](const V& a) { return std::get<1>(torch::adaptive_max_pool2d(a[0], {3, 4})); }},
      {"adaptive_max_pool3d", [](const V& a) { return F::adaptive_max_pool3d(a[0], F::AdaptiveMaxPool3dFuncOptions({2, 4, 3})); }},
      {"lp_pool1d", [](const V& a) { return F::lp_pool1d(a[0], F::LPPool1dFuncOptions(2, 3).stride(2)); }},
      {"lp_pool2d", [](const V& a) { return F::lp_pool2d(a[0], F::LPPool2dFuncOptions(3, {2, 3})); }},
      {"lp_pool2d_stride_ceil",
       [](const V& a) { return F::lp_pool2d(a[0], F::LPPool2dFuncOptions(2, 2).stride(1).ceil_mode(true)); }},
      {"max_unpool1d", [](const V& a) { return F::max_unpool1d(a[0], a[1], F::MaxUnpool1dFuncOptions(2)); }},
      {"max_unpool2d", [](const V& a) { return F::max_unpool2d(a[0], a[1], F::MaxUnpool2dFuncOptions(2)); }},
      {"max_unpool2d_output_size",
       [](const V& a) {
         return F::max_unpool2d(a[0], a[1], F::MaxUnpool2dFuncOptions(2).output_size(std::vector<int64_t>{7, 7}));
       }},
      {"max_unpool3d", [](const V& a) { return F::max_unpool3d(a[0], a[1], F::MaxUnpool3dFuncOptions(2).stride(2)); }},
  };
  xgrad_test::run_reference_group("pooling", table, "conv.json");
}

TEST_CASE("pooling has second derivatives with PyTorch's nodes") {
  using torch::autograd::gradgradcheck;
  auto x = xgrad_test::test_values({2, 2, 5, 6});
  CHECK(gradgradcheck([](const V& a) { return torch::max_pool2d(a[0], 2, 1, 1); }, {x}));
  CHECK(gradgradcheck([](const V& a) { return torch::avg_pool2d(a[0], 3, 2, 1, true, false); }, {x}));
  CHECK(gradgradcheck([](const V& a) { return torch::adaptive_avg_pool2d(a[0], {3, 4}); }, {x}));
  CHECK(gradgradcheck([](const V& a) { return std::get<0>(torch::adaptive_max_pool2d(a[0], {2, 3})); }, {x}));
  auto x3 = xgrad_test::test_values({1, 2, 4, 4, 3});
  CHECK(gradgradcheck([](const V& a) { return torch::max_pool3d(a[0], 2, 1); }, {x3}));
  CHECK(gradgradcheck([](const V& a) { return torch::avg_pool3d(a[0], 2, 1, 1); }, {x3}));

  auto y = torch::max_pool2d(x, 2);
  auto g = torch::autograd::grad({y}, {x}, {torch::ones_like(y)}, std::nullopt, /*create_graph=*/true);
  CHECK(g[0].grad_fn()->name() == "MaxPool2DWithIndicesBackwardBackward0");
  y = torch::avg_pool2d(x, 2);
  g = torch::autograd::grad({y}, {x}, {torch::ones_like(y)}, std::nullopt, /*create_graph=*/true);
  CHECK(g[0].grad_fn()->name() == "AvgPool2DBackwardBackward0");
  y = torch::adaptive_avg_pool2d(x, {2, 2});
  g = torch::autograd::grad({y}, {x}, {torch::ones_like(y)}, std::nullopt, /*create_graph=*/true);
  CHECK(g[0].grad_fn()->name() == "AdaptiveAvgPool2DBackwardBackward0");
}

TEST_CASE("max pooling lets a NaN win, as PyTorch does") {
  auto x = torch::tensor({1.0f, NAN, 3.0f, 2.0f}).view({1, 1, 4});
  auto [out, idx] = torch::max_pool1d_with_indices(x, 2);
  CHECK(std::isnan(out[0][0][0].item<float>()));
  CHECK(idx[0][0][0].item<int64_t>() == 1);
  CHECK(out[0][0][1].item<float>() == 3.0f);
}

// Numbers printed by python3-torch 1.13 (F.max_pool2d(x, ..., return_indices=True)): windows with
// ties, NaNs (the last NaN wins) and -inf only (the first element wins), through the row-at-once
// path of unclipped windows (Note [Max pooling a row of windows at once]).
TEST_CASE("max pooling of unclipped windows keeps PyTorch's ties and NaN rule") {
  const float nan = NAN, inf = INFINITY;
  auto x = torch::tensor({5.f, 5.f, 1.f, 2.f, 0.f, 3.f, 5.f, nan, 2.f, 2.f, nan, nan, -1.f, -1.f, 7.f, 0.f, 4.f, 4.f,
                          -1.f, -1.f, 0.f, 7.f, 4.f, 4.f, -inf, -inf, 1.f, 1.f, 2.f, nan, -inf, -inf, 1.f, 1.f, nan, 2.f})
               .view({1, 1, 6, 6});
  auto check = [](const torch::Tensor& out, const torch::Tensor& idx, std::vector<float> values,
                  std::vector<int64_t> indices) {
    auto v = out.flatten(), i = idx.flatten();
    REQUIRE(v.numel() == static_cast<int64_t>(values.size()));
    for (size_t k = 0; k < values.size(); ++k) {
      const float got = v[static_cast<int64_t>(k)].item<float>();
      CHECK((std::isnan(values[k]) ? std::isnan(got) : got == values[k]));
      CHECK(i[static_cast<int64_t>(k)].item<int64_t>() == indices[k]);
    }
  };
  {
    auto [out, idx] = torch::max_pool2d_with_indices(x, 2);
    check(out, idx, {nan, 2, nan, -1, 7, 4, -inf, 1, nan}, {7, 3, 11, 12, 14, 16, 24, 26, 34});
  }
  {
    auto [out, idx] = torch::max_pool2d_with_indices(x, 2, 1, 0, 2);
    check(out, idx, {7, 5, 7, 4, 5, nan, nan, nan, 7, 1, 7, nan, 1, 7, nan, 7},
          {14, 1, 14, 17, 6, 7, 10, 11, 14, 27, 14, 29, 32, 21, 34, 21});
  }
  {
    auto [out, idx] = torch::max_pool2d_with_indices(x, {3, 2}, {3, 2});
    check(out, idx, {nan, 7, nan, -1, 7, nan}, {7, 14, 11, 18, 21, 34});
  }
}

// MaxPool2d(2) has a path of its own (Note [Max pooling 2x2 windows]); the first case above gives
// PyTorch's numbers for it. Here it meets many planes (split between threads), odd sizes (a last
// row and column no window covers) and many ties, NaNs and -infs, against the rule written plainly:
// a window's last NaN if it has one, else its first maximum, read in (0,0), (0,1), (1,0), (1,1) order.
TEST_CASE("max pooling of 2x2 windows keeps PyTorch's ties and NaN rule on many planes") {
  torch::manual_seed(0);
  const int64_t planes = 64 * 9, H = 11, W = 9, OH = 5, OW = 4;
  auto codes = torch::randint(6, {64, 9, H, W});
  auto x = torch::where(codes == 0, torch::full({}, NAN), torch::where(codes == 1, torch::full({}, -INFINITY), codes.to(torch::kFloat)));
  auto [out, idx] = torch::max_pool2d_with_indices(x, 2);
  REQUIRE(out.sizes() == torch::IntArrayRef({64, 9, OH, OW}));
  const float* in = x.data_ptr<float>();
  const float* got = out.data_ptr<float>();
  const int64_t* at = idx.data_ptr<int64_t>();
  int64_t wrong = 0;
  for (int64_t p = 0; p < planes; ++p)
    for (int64_t oh = 0; oh < OH; ++oh)
      for (int64_t ow = 0; ow < OW; ++ow) {
        int64_t best = -1, last_nan = -1;
        for (int64_t k = 0; k < 4; ++k) {
          const int64_t i = (2 * oh + k / 2) * W + 2 * ow + k % 2;
          const float v = in[p * H * W + i];
          if (std::isnan(v)) last_nan = i;
          else if (best < 0 || v > in[p * H * W + best]) best = i;
        }
        const int64_t expected = last_nan >= 0 ? last_nan : best;
        const int64_t o = (p * OH + oh) * OW + ow;
        const float value = in[p * H * W + expected];
        if (at[o] != expected || !(std::isnan(value) ? std::isnan(got[o]) : got[o] == value)) ++wrong;
      }
  CHECK(wrong == 0);
  CHECK(torch::isnan(out).any().item<bool>());  // the cases the rule is about did occur
  CHECK(torch::isinf(out).any().item<bool>());
}

TEST_CASE("the gradient of 2x2 max pooling is the scatter of PyTorch's kernel, odd sizes and -0 included") {
  // PyTorch zeroes the gradient and adds the output gradient at the indices: 0 + g at each max
  // (so -0 becomes +0), 0 elsewhere, the odd last row and column (in no window) included.
  torch::manual_seed(1);
  for (auto [H, W] : std::vector<std::pair<int64_t, int64_t>>{{11, 9}, {28, 28}, {14, 14}, {7, 40}}) {
    auto x = torch::randn({3, 5, H, W}, torch::requires_grad());
    auto [out, idx] = torch::max_pool2d_with_indices(x, 2);
    auto gy = torch::randn(out.sizes());
    gy.index_put_({0, 0}, -0.0);  // a plane of negative zeros
    out.backward(gy);
    auto want = torch::zeros({3 * 5, H * W}).scatter_add(1, idx.reshape({15, -1}), gy.reshape({15, -1}));
    const float* got = x.grad().data_ptr<float>();
    const float* expected = want.data_ptr<float>();
    int64_t wrong = 0;
    for (int64_t i = 0; i < want.numel(); ++i)
      if (got[i] != expected[i] || std::signbit(got[i]) != std::signbit(expected[i])) ++wrong;
    INFO("H " << H << " W " << W);
    CHECK(wrong == 0);
  }
}

TEST_CASE("pooling refuses bad input with PyTorch's messages") {
  auto x = torch::randn({2, 3, 6, 6}, torch::requires_grad());
  CHECK_THROWS_WITH(torch::max_pool2d(x, 0), "stride should not be zero");
  CHECK_THROWS_WITH(torch::max_pool2d(x, 2, 0), "stride should not be zero");
  CHECK_THROWS_WITH(torch::max_pool2d(x, 2, {}, 0, 0), "dilation should be greater than zero, but got dilationH: 0 dilationW: 0");
  CHECK_THROWS_WITH(torch::max_pool2d(x, 2, {}, 2), "pad should be at most half of kernel size, but got pad=2 and kernel_size=2");
  CHECK_THROWS_WITH(torch::max_pool2d(x, {2, 2, 2}), "max_pool2d: kernel_size must either be a single int, or a tuple of two ints");
  CHECK_THROWS_WITH(torch::max_pool2d(x, 7), "Given input size: (3x6x6). Calculated output size: (3x0x0). Output size is too small");
  CHECK_THROWS_WITH(torch::max_pool2d(torch::randn({6, 6}), 2), "non-empty 3D or 4D (batch mode) tensor expected for input");
  CHECK_THROWS_WITH(torch::max_pool2d(torch::randn({2, 0, 6, 6}), 2),
                    "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:[2, 0, 6, 6]");
  CHECK(torch::max_pool2d(torch::randn({0, 3, 6, 6}), 2).sizes().vec() == std::vector<int64_t>{0, 3, 3, 3});
  CHECK_THROWS_WITH(torch::max_pool1d(torch::randn({2, 3, 6}), 7),
                    "Given input size: (3x1x6). Calculated output size: (3x1x0). Output size is too small");
  CHECK_THROWS_WITH(torch::max_pool1d(torch::randn({6}), 2),
                    "max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:[6]");
  CHECK_THROWS_WITH(torch::max_pool3d(torch::randn({2, 3, 6, 6, 6}), 7),
                    "Given input size: (3x6x6x6). Calculated output size: (3x0x0x0). Output size is too small");
  CHECK_THROWS_WITH(torch::max_pool2d(torch::ones({2, 3, 6, 6}, torch::kLong), 2), "\"max_pool2d\" not implemented for 'Long'");
  CHECK_THROWS_WITH(torch::avg_pool2d(x, 2, {}, 0, false, true, 0), "divisor must be not zero");
  CHECK_THROWS_WITH(torch::avg_pool2d(x, 2, {}, 2), "pad should be at most half of kernel size, but got pad=2 and kernel_size=2");
  CHECK_THROWS_WITH(torch::avg_pool3d(torch::randn({2, 3, 6, 6, 6}), 7),
                    "input image (T: 6 H: 6 W: 6) smaller than kernel size (kT: 7 kH: 7 kW: 7)");
  CHECK(torch::avg_pool2d(torch::full({1, 1, 2, 2}, 3, torch::kLong), 2).item<int64_t>() == 3);
  CHECK_THROWS_WITH(torch::adaptive_avg_pool2d(x, {3, 2, 1}), "adaptive_avg_pool2d: output_size must be 2");
  CHECK_THROWS_WITH(torch::adaptive_avg_pool2d(torch::randn({6}), {2, 2}), "adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got [6]");
  CHECK_THROWS_WITH(torch::adaptive_max_pool2d(torch::randn({6}), {2, 2}), "adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: [6]");
  CHECK(torch::adaptive_avg_pool2d(x, {0, 2}).sizes().vec() == std::vector<int64_t>{2, 3, 0, 2});
  CHECK_THROWS_WITH(torch::adaptive_avg_pool2d(torch::ones({1, 2, 2}, torch::kLong), {2, 1}),
                    "\"adaptive_avg_pool2d\" not implemented for 'Long'");
  // max_unpool
  // (increasing values: each window's maximum is its last element, the last one at 35)
  auto [out, idx] = torch::max_pool2d_with_indices(torch::arange(216, torch::kFloat).view({2, 3, 6, 6}), 2);
  CHECK_THROWS_WITH(torch::max_unpool2d(out, idx * 100, {6, 6}), "Found an invalid max index: 3500 (output volumes are of size 6x6");
  CHECK_THROWS_WITH(torch::max_unpool2d(out, idx.to(torch::kFloat), {6, 6}), "elements in indices should be type int64 but got: Float");
  CHECK_THROWS_WITH(torch::max_unpool2d(out, idx.narrow(2, 0, 2), {6, 6}),
                    "Expected shape of indices to be same as that of the input tensor ([2, 3, 3, 3]) but got indices tensor "
                    "with shape: [2, 3, 2, 3]");
  CHECK_THROWS_AS(F::max_unpool2d(out, idx, F::MaxUnpool2dFuncOptions(2).output_size(std::vector<int64_t>{9, 9})),
                  torch::ValueError);
  CHECK_THROWS_WITH(F::max_unpool2d(out, idx, F::MaxUnpool2dFuncOptions(2).output_size(std::vector<int64_t>{9, 9})),
                    "invalid output_size \"[9, 9]\" (dim 0 must be between 4 and 8)");
}
