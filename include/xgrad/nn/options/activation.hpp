// options/activation.hpp: Options of the activation functions and modules (libtorch's names).
// Read next: functional/activation.hpp.
#pragma once

#include <optional>
#include <string>

#include "xgrad/core/tensor.hpp"
#include "xgrad/nn/options/arg.hpp"

namespace xgrad::nn {

struct SoftmaxOptions {
  SoftmaxOptions(int64_t dim) : dim_(dim) {}  // NOLINT
  XGRAD_ARG(int64_t, dim);
};
struct LogSoftmaxOptions {
  LogSoftmaxOptions(int64_t dim) : dim_(dim) {}  // NOLINT
  XGRAD_ARG(int64_t, dim);
};
struct ReLUOptions {
  ReLUOptions(bool inplace = false) : inplace_(inplace) {}  // NOLINT
  XGRAD_ARG(bool, inplace);
};

struct ELUOptions {
  XGRAD_ARG(double, alpha) = 1.0;
  XGRAD_ARG(bool, inplace) = false;
};
struct SELUOptions {
  SELUOptions(bool inplace = false) : inplace_(inplace) {}  // NOLINT
  XGRAD_ARG(bool, inplace);
};
struct CELUOptions {
  XGRAD_ARG(double, alpha) = 1.0;
  XGRAD_ARG(bool, inplace) = false;
};
struct GLUOptions {
  GLUOptions(int64_t dim = -1) : dim_(dim) {}  // NOLINT
  XGRAD_ARG(int64_t, dim);
};
struct GELUOptions {
  /// "none" (the exact x * Phi(x)) or "tanh" (the tanh approximation).
  XGRAD_ARG(std::string, approximate) = "none";
};
struct HardshrinkOptions {
  HardshrinkOptions(double lambda = 0.5) : lambda_(lambda) {}  // NOLINT
  XGRAD_ARG(double, lambda);
};
struct SoftshrinkOptions {
  SoftshrinkOptions(double lambda = 0.5) : lambda_(lambda) {}  // NOLINT
  XGRAD_ARG(double, lambda);
};
struct HardtanhOptions {
  XGRAD_ARG(double, min_val) = -1.0;
  XGRAD_ARG(double, max_val) = 1.0;
  XGRAD_ARG(bool, inplace) = false;
};
struct LeakyReLUOptions {
  XGRAD_ARG(double, negative_slope) = 1e-2;
  XGRAD_ARG(bool, inplace) = false;
};
struct ReLU6Options {
  ReLU6Options(bool inplace = false) : inplace_(inplace) {}  // NOLINT
  XGRAD_ARG(bool, inplace);
};
struct RReLUOptions {
  XGRAD_ARG(double, lower) = 1.0 / 8.0;
  XGRAD_ARG(double, upper) = 1.0 / 3.0;
  XGRAD_ARG(bool, inplace) = false;
};
struct PReLUOptions {
  /// 1 (one slope shared by every channel) or the number of channels (dim 1 of the input).
  XGRAD_ARG(int64_t, num_parameters) = 1;
  /// The slopes' initial value.
  XGRAD_ARG(double, init) = 0.25;
};
struct SoftplusOptions {
  XGRAD_ARG(double, beta) = 1.0;
  XGRAD_ARG(double, threshold) = 20.0;
};
struct SoftminOptions {
  SoftminOptions(int64_t dim) : dim_(dim) {}  // NOLINT
  XGRAD_ARG(int64_t, dim);
};
struct ThresholdOptions {
  ThresholdOptions(double threshold, double value) : threshold_(threshold), value_(value) {}
  XGRAD_ARG(double, threshold);
  XGRAD_ARG(double, value);
  XGRAD_ARG(bool, inplace) = false;
};
/// Python's nn.Hardsigmoid(inplace) and nn.Hardswish(inplace); libtorch 1.13 has neither module.
struct HardsigmoidOptions {
  HardsigmoidOptions(bool inplace = false) : inplace_(inplace) {}  // NOLINT
  XGRAD_ARG(bool, inplace);
};
struct HardswishOptions {
  HardswishOptions(bool inplace = false) : inplace_(inplace) {}  // NOLINT
  XGRAD_ARG(bool, inplace);
};

namespace functional {
struct SoftmaxFuncOptions {
  SoftmaxFuncOptions(int64_t dim) : dim_(dim) {}  // NOLINT
  XGRAD_ARG(int64_t, dim);
  /// If given, the input is cast to this dtype first.
  XGRAD_ARG(std::optional<ScalarType>, dtype) = std::nullopt;
};
struct LogSoftmaxFuncOptions {
  LogSoftmaxFuncOptions(int64_t dim) : dim_(dim) {}  // NOLINT
  XGRAD_ARG(int64_t, dim);
  XGRAD_ARG(std::optional<ScalarType>, dtype) = std::nullopt;
};
using ReLUFuncOptions = ReLUOptions;
using ELUFuncOptions = ELUOptions;
using SELUFuncOptions = SELUOptions;
using CELUFuncOptions = CELUOptions;
using GLUFuncOptions = GLUOptions;
using GELUFuncOptions = GELUOptions;
using HardshrinkFuncOptions = HardshrinkOptions;
using SoftshrinkFuncOptions = SoftshrinkOptions;
using HardtanhFuncOptions = HardtanhOptions;
using LeakyReLUFuncOptions = LeakyReLUOptions;
using ReLU6FuncOptions = ReLU6Options;
using SoftplusFuncOptions = SoftplusOptions;
using ThresholdFuncOptions = ThresholdOptions;
using HardsigmoidFuncOptions = HardsigmoidOptions;
using HardswishFuncOptions = HardswishOptions;
struct RReLUFuncOptions {
  XGRAD_ARG(double, lower) = 1.0 / 8.0;
  XGRAD_ARG(double, upper) = 1.0 / 3.0;
  /// Random slopes (training) or the mean slope (evaluation).
  XGRAD_ARG(bool, training) = false;
  XGRAD_ARG(bool, inplace) = false;
};
/// gumbel_softmax: temperature tau, hard (one-hot forward, soft gradient) and the softmax dim.
struct GumbelSoftmaxFuncOptions {
  XGRAD_ARG(double, tau) = 1.0;
  XGRAD_ARG(bool, hard) = false;
  XGRAD_ARG(int, dim) = -1;
};
struct SoftminFuncOptions {
  SoftminFuncOptions(int64_t dim) : dim_(dim) {}  // NOLINT
  XGRAD_ARG(int64_t, dim);
  /// If given, the input is cast to this dtype first.
  XGRAD_ARG(std::optional<ScalarType>, dtype) = std::nullopt;
};
}  // namespace functional

}  // namespace xgrad::nn
