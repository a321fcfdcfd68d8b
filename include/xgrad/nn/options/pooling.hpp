// options/pooling.hpp: the options of the pooling layers and functions, with libtorch's names and
// defaults: `MaxPool2dOptions(2).stride(2)` (stride defaults to the kernel size),
// `AvgPool2dOptions(3).count_include_pad(false).divisor_override(4)`,
// `AdaptiveAvgPool2dOptions({7, std::nullopt})` (None keeps that input size),
// `LPPool2dOptions(2, 3)`, `MaxUnpool2dOptions(2)`, `F::MaxUnpool2dFuncOptions(2).output_size(...)`,
// `FractionalMaxPool2dOptions(3).output_size(2)` (or .output_ratio(0.5)).
// Read next: functional/pooling.hpp.
#pragma once

#include <optional>
#include <vector>

#include "xgrad/core/tensor.hpp"
#include "xgrad/nn/options/arg.hpp"
#include "xgrad/nn/options/expanding_array.hpp"

namespace xgrad::nn {

template <size_t D>
struct AvgPoolOptions {
  AvgPoolOptions(ExpandingArray<D> kernel_size) : kernel_size_(kernel_size), stride_(kernel_size) {}  // NOLINT
  XGRAD_ARG(ExpandingArray<D>, kernel_size);
  XGRAD_ARG(ExpandingArray<D>, stride);
  XGRAD_ARG(ExpandingArray<D>, padding) = 0;
  XGRAD_ARG(bool, ceil_mode) = false;
  XGRAD_ARG(bool, count_include_pad) = true;
  XGRAD_ARG(std::optional<int64_t>, divisor_override) = std::nullopt;
};
using AvgPool1dOptions = AvgPoolOptions<1>;
using AvgPool2dOptions = AvgPoolOptions<2>;
using AvgPool3dOptions = AvgPoolOptions<3>;

template <size_t D>
struct MaxPoolOptions {
  MaxPoolOptions(ExpandingArray<D> kernel_size) : kernel_size_(kernel_size), stride_(kernel_size) {}  // NOLINT
  XGRAD_ARG(ExpandingArray<D>, kernel_size);
  XGRAD_ARG(ExpandingArray<D>, stride);
  XGRAD_ARG(ExpandingArray<D>, padding) = 0;
  XGRAD_ARG(ExpandingArray<D>, dilation) = 1;
  XGRAD_ARG(bool, ceil_mode) = false;
};
using MaxPool1dOptions = MaxPoolOptions<1>;
using MaxPool2dOptions = MaxPoolOptions<2>;
using MaxPool3dOptions = MaxPoolOptions<3>;

template <class output_size_t>
struct AdaptiveMaxPoolOptions {
  AdaptiveMaxPoolOptions(output_size_t output_size) : output_size_(output_size) {}  // NOLINT
  XGRAD_ARG(output_size_t, output_size);
};
using AdaptiveMaxPool1dOptions = AdaptiveMaxPoolOptions<ExpandingArray<1>>;
using AdaptiveMaxPool2dOptions = AdaptiveMaxPoolOptions<ExpandingArrayWithOptionalElem<2>>;
using AdaptiveMaxPool3dOptions = AdaptiveMaxPoolOptions<ExpandingArrayWithOptionalElem<3>>;

template <class output_size_t>
struct AdaptiveAvgPoolOptions {
  AdaptiveAvgPoolOptions(output_size_t output_size) : output_size_(output_size) {}  // NOLINT
  XGRAD_ARG(output_size_t, output_size);
};
using AdaptiveAvgPool1dOptions = AdaptiveAvgPoolOptions<ExpandingArray<1>>;
using AdaptiveAvgPool2dOptions = AdaptiveAvgPoolOptions<ExpandingArrayWithOptionalElem<2>>;
using AdaptiveAvgPool3dOptions = AdaptiveAvgPoolOptions<ExpandingArrayWithOptionalElem<3>>;

template <size_t D>
struct MaxUnpoolOptions {
  MaxUnpoolOptions(ExpandingArray<D> kernel_size) : kernel_size_(kernel_size), stride_(kernel_size) {}  // NOLINT
  XGRAD_ARG(ExpandingArray<D>, kernel_size);
  XGRAD_ARG(ExpandingArray<D>, stride);
  XGRAD_ARG(ExpandingArray<D>, padding) = 0;
};
using MaxUnpool1dOptions = MaxUnpoolOptions<1>;
using MaxUnpool2dOptions = MaxUnpoolOptions<2>;
using MaxUnpool3dOptions = MaxUnpoolOptions<3>;

template <size_t D>
struct LPPoolOptions {
  LPPoolOptions(double norm_type, ExpandingArray<D> kernel_size)
      : norm_type_(norm_type), kernel_size_(kernel_size), stride_(kernel_size) {}
  XGRAD_ARG(double, norm_type);
  XGRAD_ARG(ExpandingArray<D>, kernel_size);
  XGRAD_ARG(ExpandingArray<D>, stride);
  XGRAD_ARG(bool, ceil_mode) = false;
};
using LPPool1dOptions = LPPoolOptions<1>;
using LPPool2dOptions = LPPoolOptions<2>;

/// Fractional max pooling: the window size, and the output's size or its ratio to the input's
/// (exactly one of the two); _random_samples (N, C, D) fixes the windows' pseudo-random starts,
/// drawn with torch::rand when undefined.
template <size_t D>
struct FractionalMaxPoolOptions {
  FractionalMaxPoolOptions(ExpandingArray<D> kernel_size) : kernel_size_(kernel_size) {}  // NOLINT
  XGRAD_ARG(ExpandingArray<D>, kernel_size);
  XGRAD_ARG(std::optional<ExpandingArray<D>>, output_size) = std::nullopt;
  using ExpandingArrayDouble = ExpandingArray<D, double>;
  XGRAD_ARG(std::optional<ExpandingArrayDouble>, output_ratio) = std::nullopt;
  XGRAD_ARG(Tensor, _random_samples) = Tensor();
};
using FractionalMaxPool2dOptions = FractionalMaxPoolOptions<2>;
using FractionalMaxPool3dOptions = FractionalMaxPoolOptions<3>;

namespace functional {
using FractionalMaxPool2dFuncOptions = FractionalMaxPool2dOptions;
using FractionalMaxPool3dFuncOptions = FractionalMaxPool3dOptions;
using AvgPool1dFuncOptions = AvgPool1dOptions;
using AvgPool2dFuncOptions = AvgPool2dOptions;
using AvgPool3dFuncOptions = AvgPool3dOptions;
using MaxPool1dFuncOptions = MaxPool1dOptions;
using MaxPool2dFuncOptions = MaxPool2dOptions;
using MaxPool3dFuncOptions = MaxPool3dOptions;
using AdaptiveMaxPool1dFuncOptions = AdaptiveMaxPool1dOptions;
using AdaptiveMaxPool2dFuncOptions = AdaptiveMaxPool2dOptions;
using AdaptiveMaxPool3dFuncOptions = AdaptiveMaxPool3dOptions;
using AdaptiveAvgPool1dFuncOptions = AdaptiveAvgPool1dOptions;
using AdaptiveAvgPool2dFuncOptions = AdaptiveAvgPool2dOptions;
using AdaptiveAvgPool3dFuncOptions = AdaptiveAvgPool3dOptions;
using LPPool1dFuncOptions = LPPool1dOptions;
using LPPool2dFuncOptions = LPPool2dOptions;

/// F::max_unpool2d(x, indices, F::MaxUnpool2dFuncOptions(2).output_size(std::vector<int64_t>{...})).
template <size_t D>
struct MaxUnpoolFuncOptions {
  MaxUnpoolFuncOptions(ExpandingArray<D> kernel_size) : kernel_size_(kernel_size), stride_(kernel_size) {}  // NOLINT
  XGRAD_ARG(ExpandingArray<D>, kernel_size);
  XGRAD_ARG(ExpandingArray<D>, stride);
  XGRAD_ARG(ExpandingArray<D>, padding) = 0;
  XGRAD_ARG(std::optional<std::vector<int64_t>>, output_size) = std::nullopt;
};
using MaxUnpool1dFuncOptions = MaxUnpoolFuncOptions<1>;
using MaxUnpool2dFuncOptions = MaxUnpoolFuncOptions<2>;
using MaxUnpool3dFuncOptions = MaxUnpoolFuncOptions<3>;
}  // namespace functional

}  // namespace xgrad::nn
