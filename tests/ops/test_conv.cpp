// test_conv.cpp: src/ops/conv.cpp and src/nn/functional/conv.cpp against PyTorch (conv.json,
// written by tests/reference/make_conv_reference.py): values, grad_fn names and gradients, float64
// gradcheck and gradgradcheck, the double-backward node, and PyTorch's messages for bad input.
#include <catch2/catch.hpp>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

using torch::Tensor;
using V = xgrad_test::Inputs;
namespace F = torch::nn::functional;

TEST_CASE("convolutions match PyTorch") {
  xgrad_test::OpTable table = {
      {"conv1d", [](const V& a) { return F::conv1d(a[0], a[1], F::Conv1dFuncOptions().bias(a[2])); }},
      {"conv1d_stride_pad_dilation",
       [](const V& a) { return F::conv1d(a[0], a[1], F::Conv1dFuncOptions().stride(2).padding(2).dilation(2)); }},
      {"conv1d_groups", [](const V& a) { return torch::conv1d(a[0], a[1], a[2], 1, 0, 1, 2); }},
      {"conv1d_same", [](const V& a) { return F::conv1d(a[0], a[1], F::Conv1dFuncOptions().padding(torch::kSame)); }},
      {"conv1d_unbatched", [](const V& a) { return F::conv1d(a[0], a[1]); }},
      {"conv2d", [](const V& a) { return F::conv2d(a[0], a[1], F::Conv2dFuncOptions().bias(a[2])); }},
      {"conv2d_stride_padding", [](const V& a) { return torch::conv2d(a[0], a[1], a[2], 2, 1); }},
      {"conv2d_uneven",
       [](const V& a) {
         return F::conv2d(a[0], a[1], F::Conv2dFuncOptions().stride({2, 1}).padding({1, 0}).dilation({1, 2}));
       }},
      {"conv2d_groups", [](const V& a) { return F::conv2d(a[0], a[1], F::Conv2dFuncOptions().bias(a[2]).padding(1).groups(4)); }},
      {"conv2d_pointwise", [](const V& a) { return torch::conv2d(a[0], a[1], a[2]); }},
      {"conv2d_same_even", [](const V& a) { return torch::conv2d(a[0], a[1], a[2], 1, "same"); }},
      {"conv2d_same_dilated",
       [](const V& a) { return F::conv2d(a[0], a[1], F::Conv2dFuncOptions().padding(torch::kSame).dilation(2)); }},
      {"conv2d_valid", [](const V& a) { return F::conv2d(a[0], a[1], F::Conv2dFuncOptions().padding(torch::kValid)); }},
      {"conv2d_unbatched", [](const V& a) { return F::conv2d(a[0], a[1], F::Conv2dFuncOptions().bias(a[2]).padding(1)); }},
      {"conv2d_stride_larger_than_kernel", [](const V& a) { return F::conv2d(a[0], a[1], F::Conv2dFuncOptions().stride(3)); }},
      {"conv3d", [](const V& a) { return F::conv3d(a[0], a[1], F::Conv3dFuncOptions().bias(a[2])); }},
      {"conv3d_stride_padding",
       [](const V& a) { return F::conv3d(a[0], a[1], F::Conv3dFuncOptions().stride({1, 2, 2}).padding(1).dilation({2, 1, 1})); }},
      {"conv_transpose1d",
       [](const V& a) {
         return F::conv_transpose1d(a[0], a[1], F::ConvTranspose1dFuncOptions().bias(a[2]).stride(2).padding(1).output_padding(1));
       }},
      {"conv_transpose1d_groups_dilation",
       [](const V& a) { return F::conv_transpose1d(a[0], a[1], F::ConvTranspose1dFuncOptions().groups(2).dilation(2)); }},
      {"conv_transpose2d", [](const V& a) { return torch::conv_transpose2d(a[0], a[1], a[2]); }},
      {"conv_transpose2d_stride_output_padding",
       [](const V& a) {
         return F::conv_transpose2d(
             a[0], a[1], F::ConvTranspose2dFuncOptions().bias(a[2]).stride({2, 3}).padding({1, 2}).output_padding({1, 2}));
       }},
      {"conv_transpose2d_groups",
       [](const V& a) { return torch::conv_transpose2d(a[0], a[1], a[2], 2, 0, 0, 2, {1, 2}); }},
      {"conv_transpose2d_unbatched",
       [](const V& a) { return F::conv_transpose2d(a[0], a[1], F::ConvTranspose2dFuncOptions().stride(2)); }},
      {"conv_transpose3d",
       [](const V& a) {
         return F::conv_transpose3d(a[0], a[1], F::ConvTranspose3dFuncOptions().bias(a[2]).stride(2).padding(1).output_padding({1, 0, 1}));
       }},
      {"convolution", [](const V& a) { return torch::convolution(a[0], a[1], a[2], {1, 2}, {1, 1}, {1, 1}, false, {0, 0}, 1); }},
      {"conv2d_double", [](const V& a) { return torch::conv2d(a[0], a[1], a[2], 1, 1); }},
      // The direct kernels' shapes (src/kernels/conv_direct.hpp), and two stride-1 ones they leave lowered.
      {"conv2d_direct_whole_vectors", [](const V& a) { return torch::conv2d(a[0], a[1], a[2]); }},
      {"conv2d_direct_wide_padding",
       [](const V& a) { return F::conv2d(a[0], a[1], F::Conv2dFuncOptions().padding({3, 4}).dilation({2, 3})); }},
      {"conv2d_direct_groups",
       [](const V& a) { return F::conv2d(a[0], a[1], F::Conv2dFuncOptions().bias(a[2]).padding({1, 2}).groups(3)); }},
      {"conv1d_direct_k7", [](const V& a) { return torch::conv1d(a[0], a[1], a[2], 1, 3); }},
      {"conv2d_lowered_k9", [](const V& a) { return torch::conv2d(a[0], a[1]); }},
      {"conv2d_lowered_many_rows", [](const V& a) { return torch::conv2d(a[0], a[1], {}, 1, 1); }},
      {"conv_transpose2d_direct", [](const V& a) { return torch::conv_transpose2d(a[0], a[1], a[2], 1, 1); }},
      {"conv2d_direct_double", [](const V& a) { return torch::conv2d(a[0], a[1], a[2], 1, 1); }},
  };
  xgrad_test::run_reference_group("conv", table, "conv.json", 1e-5);
  // Sums of 150 to 350 products (the direct kernels' MNIST shapes): float32 rounding reaches 1e-5
  // there (conv2d_direct_mnist_shape: PyTorch's float32 value is 3e-6 off the float64 one, ours 9e-6).
  xgrad_test::OpTable long_sums = {
      {"conv2d_direct_one_channel", [](const V& a) { return torch::conv2d(a[0], a[1], a[2]); }},
      {"conv2d_direct_many_channels", [](const V& a) { return torch::conv2d(a[0], a[1], a[2], 1, 1); }},
      {"conv2d_direct_mnist_shape", [](const V& a) { return torch::conv2d(a[0], a[1], a[2]); }},
  };
  // No float64 gradcheck here: the same direct kernels are gradchecked on the smaller cases above,
  // and central differences over conv2d_direct_mnist_shape's 10,780 inputs (each two convolutions
  // of 320,000 products) took 290 s of the sanitizer build's test run, most of CI's test time.
  xgrad_test::run_reference_group("conv_long_sums", long_sums, "conv.json", 5e-5, /*gradcheck=*/false);
}

TEST_CASE("convolutions have second derivatives, through ConvolutionBackwardBackward0") {
  using torch::autograd::gradgradcheck;
  auto x2 = xgrad_test::test_values({2, 4, 5, 4}), w2 = xgrad_test::test_values({6, 2, 3, 2}, 1), b = xgrad_test::test_values({6}, 2);
  CHECK(gradgradcheck([](const V& a) { return torch::conv2d(a[0], a[1], a[2], {2, 1}, {1, 0}, {1, 2}, 2); }, {x2, w2, b}));
  auto x1 = xgrad_test::test_values({2, 3, 6}), w1 = xgrad_test::test_values({3, 2, 3}, 1);
  CHECK(gradgradcheck([](const V& a) { return torch::conv_transpose1d(a[0], a[1], {}, 2, 1, 1); }, {x1, w1}));
  auto x3 = xgrad_test::test_values({1, 2, 3, 3, 3}), w3 = xgrad_test::test_values({2, 2, 2, 2, 2}, 1);
  CHECK(gradgradcheck([](const V& a) { return torch::conv3d(a[0], a[1], {}, 1, 1); }, {x3, w3}));
  CHECK(gradgradcheck([](const V& a) { return torch::conv2d(a[0], a[1], {}, 1, "same"); },
                      {xgrad_test::test_values({1, 2, 4, 4}), xgrad_test::test_values({2, 2, 2, 3}, 1)}));

  // The gradient of a convolution, taken with create_graph, is ConvolutionBackwardBackward0's output.
  auto x = xgrad_test::test_values({1, 2, 4, 4}), w = xgrad_test::test_values({3, 2, 2, 2}, 1);
  auto y = torch::conv2d(x, w);
  auto grads = torch::autograd::grad({y.sum()}, {x, w}, {}, std::nullopt, /*create_graph=*/true);
  REQUIRE(grads[0].grad_fn() != nullptr);
  CHECK(grads[0].grad_fn()->name() == "ConvolutionBackwardBackward0");
  CHECK(grads[1].grad_fn()->name() == "ConvolutionBackwardBackward0");
}

TEST_CASE("convolutions of int64, of empty batches, and without a batch dim") {
  auto x = torch::arange(18).reshape({1, 2, 3, 3});
  auto w = torch::ones({1, 2, 2, 2}, torch::kLong);
  auto y = torch::conv2d(x, w);
  CHECK(y.dtype() == torch::kLong);
  CHECK(y.equal(torch::tensor({{{{52, 60}, {76, 84}}}})));
  auto empty = torch::conv2d(torch::zeros({0, 3, 8, 8}), torch::zeros({4, 3, 3, 3}));
  CHECK(empty.sizes().vec() == std::vector<int64_t>{0, 4, 6, 6});
  CHECK(torch::conv2d(torch::zeros({3, 8, 8}), torch::zeros({4, 3, 3, 3})).sizes().vec() == std::vector<int64_t>{4, 6, 6});
}

TEST_CASE("convolutions refuse bad shapes and options with PyTorch's messages") {
  auto x = torch::randn({2, 3, 8, 8});
  auto w = torch::randn({4, 3, 3, 3});
  CHECK_THROWS_WITH(torch::conv2d(torch::randn({2, 3, 8}), w),
                    "Given groups=1, weight of size [4, 3, 3, 3], expected input[1, 2, 3, 8] to have 3 channels, but "
                    "got 2 channels instead");
  CHECK_THROWS_WITH(torch::conv2d(torch::randn({2, 3, 8, 8, 8}), w),
                    "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [2, 3, 8, 8, 8]");
  CHECK_THROWS_WITH(torch::convolution(torch::randn({2, 3, 8}), w, {}, {1, 1}, {0, 0}, {1, 1}, false, {0, 0}, 1),
                    "Expected 4-dimensional input for 4-dimensional weight [4, 3, 3, 3], but got 3-dimensional input of "
                    "size [2, 3, 8] instead");
  CHECK_THROWS_WITH(torch::conv2d(x, w, {}, 1, -1), "negative padding is not supported");
  CHECK_THROWS_WITH(torch::conv2d(x, w, {}, 0), "non-positive stride is not supported");
  CHECK_THROWS_WITH(torch::conv2d(x, w, {}, 1, 0, 0), "non-positive dilation is not supported");
  CHECK_THROWS_WITH(torch::conv2d(x, torch::randn({4, 2, 3, 3})),
                    "Given groups=1, weight of size [4, 2, 3, 3], expected input[2, 3, 8, 8] to have 2 channels, but "
                    "got 3 channels instead");
  CHECK_THROWS_WITH(torch::conv2d(x, torch::randn({4, 1, 3, 3}), {}, 1, 0, 1, 2),
                    "Given groups=2, weight of size [4, 1, 3, 3], expected input[2, 3, 8, 8] to have 2 channels, but "
                    "got 3 channels instead");
  CHECK_THROWS_WITH(torch::conv2d(x, torch::randn({4, 3, 9, 9})),
                    "Calculated padded input size per channel: (8 x 8). Kernel size: (9 x 9). Kernel size can't be "
                    "greater than actual input size");
  CHECK_THROWS_WITH(torch::conv1d(torch::randn({2, 3, 2}), torch::randn({4, 3, 3})),
                    "Calculated padded input size per channel: (2). Kernel size: (3). Kernel size can't be greater "
                    "than actual input size");
  CHECK_THROWS_WITH(torch::conv2d(x, w, torch::randn({3})),
                    "Given weight of size [4, 3, 3, 3], expected bias to be 1-dimensional with 4 elements, but got bias "
                    "of size [3] instead");
  CHECK_THROWS_WITH(torch::conv2d(x, w, {}, 1, 0, 1, 0), "non-positive groups is not supported");
  CHECK_THROWS_WITH(torch::conv2d(x, w, {}, {1, 1, 1}),
                    "expected stride to be a single integer value or a list of 2 values to match the convolution "
                    "dimensions, but got stride=[1, 1, 1]");
  CHECK_THROWS_WITH(torch::conv2d(x, w, {}, 1, {1, 1, 1}),
                    "expected padding to be a single integer value or a list of 2 values to match the convolution "
                    "dimensions, but got padding=[1, 1, 1]");
  CHECK_THROWS_WITH(torch::conv2d(x, w, {}, 1, "foo"), "Invalid padding string: 'foo'");
  CHECK_THROWS_WITH(torch::conv2d(x, w, {}, 2, "same"), "padding='same' is not supported for strided convolutions");
  CHECK_THROWS_WITH(torch::conv2d(x.to(torch::kDouble), w),
                    "Input type (torch.DoubleTensor) and weight type (torch.FloatTensor) should be the same or input "
                    "should be a MKLDNN tensor and weight is a dense tensor");
  CHECK_THROWS_WITH(torch::conv2d(x, w, torch::randn({4}, torch::kDouble)),
                    "Input type (float) and bias type (double) should be the same");
  CHECK_THROWS_WITH(torch::conv2d(x.to(torch::kBool), w.to(torch::kBool)), "\"slow_conv2d_cpu\" not implemented for 'Bool'");
  CHECK_THROWS_WITH(torch::conv2d(x, torch::randn({4, 3, 3})),
                    "expected stride to be a single integer value or a list of 1 values to match the convolution "
                    "dimensions, but got stride=[1, 1]");
  CHECK_THROWS_WITH(torch::conv2d(x, torch::randn({3})), "weight should have at least three dimensions");
  CHECK_THROWS_WITH(torch::conv2d(x, torch::randn({0, 3, 3, 3})),
                    "Given groups=1, expected weight to be at least 1 at dimension 0, but got weight of size [0, 3, 3, 3] "
                    "instead");
  // Transposed convolutions.
  auto wt = torch::randn({3, 4, 3, 3});
  CHECK_THROWS_WITH(torch::conv_transpose2d(x, wt, {}, 1, 0, 1),
                    "output padding must be smaller than either stride or dilation, but got output_padding_height: 1 "
                    "output_padding_width: 1 stride_height: 1 stride_width: 1 dilation_height: 1 dilation_width: 1");
  CHECK_THROWS_WITH(torch::conv_transpose1d(torch::randn({2, 3, 8}), torch::randn({3, 4, 3}), {}, 1, 0, 1),
                    "output padding must be smaller than either stride or dilation, but got output_padding_height: 0 "
                    "output_padding_width: 1 stride_height: 1 stride_width: 1 dilation_height: 1 dilation_width: 1");
  CHECK_THROWS_WITH(torch::conv_transpose2d(x, torch::randn({4, 4, 3, 3})),
                    "Given transposed=1, weight of size [4, 4, 3, 3], expected input[2, 3, 8, 8] to have 4 channels, "
                    "but got 3 channels instead");
  CHECK_THROWS_WITH(torch::conv_transpose2d(x, wt, {}, 1, 0, 0, 2),
                    "Given groups=2, expected weight to be divisible by 2 at dimension 0, but got weight of size [[3, 4, "
                    "3, 3]] instead");
  CHECK_THROWS_WITH(torch::conv_transpose2d(x, wt, {}, 1, 5),
                    "Given input size per channel: (8 x 8). Calculated output size per channel: (0 x 0). Output size is "
                    "too small");
  CHECK_THROWS_WITH(torch::conv_transpose1d(torch::randn({2, 3, 8}), torch::randn({3, 4, 3}), {}, 1, 5),
                    "Given input size per channel: (1 x 8). Calculated output size per channel: (1 x 0). Output size is "
                    "too small");
  CHECK_THROWS_WITH(torch::conv_transpose2d(x, wt, torch::randn({3})),
                    "Given transposed=1, weight of size [3, 4, 3, 3], expected bias to be 1-dimensional with 4 elements, "
                    "but got bias of size [3] instead");
  CHECK_THROWS_WITH(torch::convolution(x, w, {}, {1}, {0}, {1}, true, {-1}, 1), "negative output_padding is not supported");
  CHECK_THROWS_WITH(torch::conv_transpose2d(torch::randn({8, 8}), wt),
                    "Expected 3D (unbatched) or 4D (batched) input to conv_transpose2d, but got input of size: [8, 8]");
}
