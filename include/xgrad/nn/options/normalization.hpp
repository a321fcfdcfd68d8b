// options/normalization.hpp: the Options of the normalisation layers and functions, with libtorch's
// names and defaults: BatchNormOptions(num_features).eps(1e-5).momentum(0.1) (a momentum of
// std::nullopt means a cumulative average), InstanceNormOptions, LayerNormOptions, GroupNormOptions,
// LocalResponseNormOptions, CrossMapLRN2dOptions, and the F:: ones (BatchNormFuncOptions, ...,
// NormalizeFuncOptions). Read next: functional/normalization.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "xgrad/core/tensor.hpp"
#include "xgrad/nn/options/arg.hpp"

namespace xgrad::nn {

struct BatchNormOptions {
  BatchNormOptions(int64_t num_features) : num_features_(num_features) {}  // NOLINT(google-explicit-constructor)
  /// C, the number of channels of an (N, C, ...) input.
  XGRAD_ARG(int64_t, num_features);
  /// Added to the variance before its square root.
  XGRAD_ARG(double, eps) = 1e-5;
  /// The weight of the newest batch in the running statistics; std::nullopt: a cumulative average.
  XGRAD_ARG(std::optional<double>, momentum) = 0.1;
  /// Whether the layer learns a per-channel weight and bias.
  XGRAD_ARG(bool, affine) = true;
  /// Whether the layer keeps running statistics (and uses them in evaluation mode).
  XGRAD_ARG(bool, track_running_stats) = true;
};
using BatchNorm1dOptions = BatchNormOptions;
using BatchNorm2dOptions = BatchNormOptions;
using BatchNorm3dOptions = BatchNormOptions;

struct InstanceNormOptions {
  InstanceNormOptions(int64_t num_features) : num_features_(num_features) {}  // NOLINT(google-explicit-constructor)
  XGRAD_ARG(int64_t, num_features);
  XGRAD_ARG(double, eps) = 1e-5;
  XGRAD_ARG(double, momentum) = 0.1;
  XGRAD_ARG(bool, affine) = false;
  XGRAD_ARG(bool, track_running_stats) = false;
};
using InstanceNorm1dOptions = InstanceNormOptions;
using InstanceNorm2dOptions = InstanceNormOptions;
using InstanceNorm3dOptions = InstanceNormOptions;

struct LayerNormOptions {
  LayerNormOptions(std::vector<int64_t> normalized_shape)  // NOLINT(google-explicit-constructor)
      : normalized_shape_(std::move(normalized_shape)) {}
  /// The trailing dims each sample is normalised over.
  XGRAD_ARG(std::vector<int64_t>, normalized_shape);
  XGRAD_ARG(double, eps) = 1e-5;
  /// Whether the layer learns an elementwise weight and bias of shape normalized_shape.
  XGRAD_ARG(bool, elementwise_affine) = true;
};

struct GroupNormOptions {
  GroupNormOptions(int64_t num_groups, int64_t num_channels) : num_groups_(num_groups), num_channels_(num_channels) {}
  XGRAD_ARG(int64_t, num_groups);
  XGRAD_ARG(int64_t, num_channels);
  XGRAD_ARG(double, eps) = 1e-5;
  XGRAD_ARG(bool, affine) = true;
};

struct LocalResponseNormOptions {
  LocalResponseNormOptions(int64_t size) : size_(size) {}  // NOLINT(google-explicit-constructor)
  /// How many neighbouring channels the sum of squares covers.
  XGRAD_ARG(int64_t, size);
  XGRAD_ARG(double, alpha) = 1e-4;
  XGRAD_ARG(double, beta) = 0.75;
  XGRAD_ARG(double, k) = 1.;
};

struct CrossMapLRN2dOptions {
  CrossMapLRN2dOptions(int64_t size) : size_(size) {}  // NOLINT(google-explicit-constructor)
  XGRAD_ARG(int64_t, size);
  XGRAD_ARG(double, alpha) = 1e-4;
  XGRAD_ARG(double, beta) = 0.75;
  XGRAD_ARG(int64_t, k) = 1;
};

namespace functional {

struct BatchNormFuncOptions {
  XGRAD_ARG(Tensor, weight) = Tensor();
  XGRAD_ARG(Tensor, bias) = Tensor();
  XGRAD_ARG(bool, training) = false;
  XGRAD_ARG(std::optional<double>, momentum) = 0.1;
  XGRAD_ARG(double, eps) = 1e-5;
};

struct InstanceNormFuncOptions {
  XGRAD_ARG(Tensor, running_mean) = Tensor();
  XGRAD_ARG(Tensor, running_var) = Tensor();
  XGRAD_ARG(Tensor, weight) = Tensor();
  XGRAD_ARG(Tensor, bias) = Tensor();
  XGRAD_ARG(bool, use_input_stats) = true;
  XGRAD_ARG(double, momentum) = 0.1;
  XGRAD_ARG(double, eps) = 1e-5;
};

struct LayerNormFuncOptions {
  LayerNormFuncOptions(std::vector<int64_t> normalized_shape)  // NOLINT(google-explicit-constructor)
      : normalized_shape_(std::move(normalized_shape)) {}
  XGRAD_ARG(std::vector<int64_t>, normalized_shape);
  XGRAD_ARG(Tensor, weight) = {};
  XGRAD_ARG(Tensor, bias) = {};
  XGRAD_ARG(double, eps) = 1e-5;
};

struct GroupNormFuncOptions {
  GroupNormFuncOptions(int64_t num_groups) : num_groups_(num_groups) {}  // NOLINT(google-explicit-constructor)
  XGRAD_ARG(int64_t, num_groups);
  XGRAD_ARG(Tensor, weight) = {};
  XGRAD_ARG(Tensor, bias) = {};
  XGRAD_ARG(double, eps) = 1e-5;
};

using LocalResponseNormFuncOptions = LocalResponseNormOptions;

struct NormalizeFuncOptions {
  /// The exponent of the norm.
  XGRAD_ARG(double, p) = 2.0;
  XGRAD_ARG(int64_t, dim) = 1;
  /// The smallest norm divided by (against division by zero).
  XGRAD_ARG(double, eps) = 1e-12;
  /// Where to write the result (then not differentiable), as Python's out=.
  XGRAD_ARG(std::optional<Tensor>, out) = std::nullopt;
};

}  // namespace functional
}  // namespace xgrad::nn
