// options/distance.hpp: CosineSimilarityOptions().dim(1).eps(1e-8) and
// PairwiseDistanceOptions().p(2).eps(1e-6).keepdim(false), libtorch's names and defaults.
// Read next: modules/distance.hpp.
#pragma once

#include <cstdint>

#include "xgrad/nn/options/arg.hpp"

namespace xgrad::nn {

struct CosineSimilarityOptions {
  /// The dimension along which the vectors lie.
  XGRAD_ARG(int64_t, dim) = 1;
  /// The smallest norm a vector is taken to have (avoids dividing by zero).
  XGRAD_ARG(double, eps) = 1e-8;
};

struct PairwiseDistanceOptions {
  /// The norm's degree.
  XGRAD_ARG(double, p) = 2.0;
  /// Added to the difference before the norm (avoids a zero norm's gradient).
  XGRAD_ARG(double, eps) = 1e-6;
  /// Whether the vector dimension is kept (with size 1).
  XGRAD_ARG(bool, keepdim) = false;
};

namespace functional {
using CosineSimilarityFuncOptions = CosineSimilarityOptions;
using PairwiseDistanceFuncOptions = PairwiseDistanceOptions;
}  // namespace functional

}  // namespace xgrad::nn
