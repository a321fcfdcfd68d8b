// options/conv.hpp: the options of the convolution layers and functions, with libtorch's names
// and defaults: `Conv2dOptions(in, out, 5).stride(2).padding(1)`, `.padding(torch::kSame)`,
// `.padding_mode(torch::kReflect)`; `F::Conv2dFuncOptions().bias(b).groups(2)`;
// `ConvTranspose2dOptions(in, out, 3).output_padding(1)`. Read next: functional/conv.hpp.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <variant>

#include "xgrad/core/tensor.hpp"
#include "xgrad/nn/options/arg.hpp"
#include "xgrad/nn/options/enum.hpp"
#include "xgrad/nn/options/expanding_array.hpp"

namespace xgrad::nn {

namespace detail {
/// A convolution module's padding mode: kZeros, kReflect, kReplicate or kCircular.
using conv_padding_mode_t = PaddingMode;
/// Padding given per dimension, or by name (kValid, kSame).
template <size_t D>
using conv_padding_t = std::variant<ExpandingArray<D>, ConvPaddingName>;

/// What every convolution module holds (Conv and ConvTranspose options both become this).
template <size_t D>
struct ConvNdOptions {
  using padding_t = conv_padding_t<D>;
  ConvNdOptions(int64_t in_channels, int64_t out_channels, ExpandingArray<D> kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(std::move(kernel_size)) {}
  XGRAD_ARG(int64_t, in_channels);
  XGRAD_ARG(int64_t, out_channels);
  XGRAD_ARG(ExpandingArray<D>, kernel_size);
  XGRAD_ARG(ExpandingArray<D>, stride) = 1;
  XGRAD_ARG(padding_t, padding) = ExpandingArray<D>(0);

 public:
  decltype(auto) padding(std::initializer_list<int64_t> il) { return padding(IntArrayRef{il}); }
  XGRAD_ARG(ExpandingArray<D>, dilation) = 1;
  XGRAD_ARG(bool, transposed) = false;
  XGRAD_ARG(ExpandingArray<D>, output_padding) = 0;
  XGRAD_ARG(int64_t, groups) = 1;
  XGRAD_ARG(bool, bias) = true;
  XGRAD_ARG(conv_padding_mode_t, padding_mode) = kZeros;
};
}  // namespace detail

/// Conv1dOptions, Conv2dOptions, Conv3dOptions.
template <size_t D>
struct ConvOptions {
  using padding_mode_t = detail::conv_padding_mode_t;
  using padding_t = detail::conv_padding_t<D>;
  ConvOptions(int64_t in_channels, int64_t out_channels, ExpandingArray<D> kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(std::move(kernel_size)) {}
  XGRAD_ARG(int64_t, in_channels);
  XGRAD_ARG(int64_t, out_channels);
  XGRAD_ARG(ExpandingArray<D>, kernel_size);
  XGRAD_ARG(ExpandingArray<D>, stride) = 1;
  XGRAD_ARG(padding_t, padding) = ExpandingArray<D>(0);

 public:
  decltype(auto) padding(std::initializer_list<int64_t> il) { return padding(IntArrayRef{il}); }
  XGRAD_ARG(ExpandingArray<D>, dilation) = 1;
  XGRAD_ARG(int64_t, groups) = 1;
  XGRAD_ARG(bool, bias) = true;
  XGRAD_ARG(padding_mode_t, padding_mode) = kZeros;
};
using Conv1dOptions = ConvOptions<1>;
using Conv2dOptions = ConvOptions<2>;
using Conv3dOptions = ConvOptions<3>;

namespace functional {
/// F::conv2d(input, weight, F::Conv2dFuncOptions().bias(b).stride(1).padding(0).dilation(1).groups(1)).
template <size_t D>
struct ConvFuncOptions {
  using padding_t = nn::detail::conv_padding_t<D>;
  XGRAD_ARG(Tensor, bias) = Tensor();
  XGRAD_ARG(ExpandingArray<D>, stride) = 1;
  XGRAD_ARG(padding_t, padding) = ExpandingArray<D>(0);

 public:
  decltype(auto) padding(std::initializer_list<int64_t> il) { return padding(IntArrayRef{il}); }
  XGRAD_ARG(ExpandingArray<D>, dilation) = 1;
  XGRAD_ARG(int64_t, groups) = 1;
};
using Conv1dFuncOptions = ConvFuncOptions<1>;
using Conv2dFuncOptions = ConvFuncOptions<2>;
using Conv3dFuncOptions = ConvFuncOptions<3>;
}  // namespace functional

/// ConvTranspose1dOptions, ConvTranspose2dOptions, ConvTranspose3dOptions.
template <size_t D>
struct ConvTransposeOptions {
  using padding_mode_t = detail::conv_padding_mode_t;
  ConvTransposeOptions(int64_t in_channels, int64_t out_channels, ExpandingArray<D> kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(std::move(kernel_size)) {}
  XGRAD_ARG(int64_t, in_channels);
  XGRAD_ARG(int64_t, out_channels);
  XGRAD_ARG(ExpandingArray<D>, kernel_size);
  XGRAD_ARG(ExpandingArray<D>, stride) = 1;
  XGRAD_ARG(ExpandingArray<D>, padding) = 0;
  XGRAD_ARG(ExpandingArray<D>, output_padding) = 0;
  XGRAD_ARG(int64_t, groups) = 1;
  XGRAD_ARG(bool, bias) = true;
  XGRAD_ARG(ExpandingArray<D>, dilation) = 1;
  XGRAD_ARG(padding_mode_t, padding_mode) = kZeros;
};
using ConvTranspose1dOptions = ConvTransposeOptions<1>;
using ConvTranspose2dOptions = ConvTransposeOptions<2>;
using ConvTranspose3dOptions = ConvTransposeOptions<3>;

namespace functional {
/// F::conv_transpose2d(input, weight, F::ConvTranspose2dFuncOptions().stride(2).output_padding(1)).
template <size_t D>
struct ConvTransposeFuncOptions {
  XGRAD_ARG(Tensor, bias) = Tensor();
  XGRAD_ARG(ExpandingArray<D>, stride) = 1;
  XGRAD_ARG(ExpandingArray<D>, padding) = 0;
  XGRAD_ARG(ExpandingArray<D>, output_padding) = 0;
  XGRAD_ARG(int64_t, groups) = 1;
  XGRAD_ARG(ExpandingArray<D>, dilation) = 1;
};
using ConvTranspose1dFuncOptions = ConvTransposeFuncOptions<1>;
using ConvTranspose2dFuncOptions = ConvTransposeFuncOptions<2>;
using ConvTranspose3dFuncOptions = ConvTransposeFuncOptions<3>;
}  // namespace functional

}  // namespace xgrad::nn
