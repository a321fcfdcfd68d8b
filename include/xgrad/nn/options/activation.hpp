// options/activation.hpp: Options of the activation functions and modules (libtorch's names).
// Read next: functional/activation.hpp.
#pragma once

#include <optional>

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
}  // namespace functional

}  // namespace xgrad::nn
