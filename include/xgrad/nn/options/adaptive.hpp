// options/adaptive.hpp: AdaptiveLogSoftmaxWithLossOptions(in_features, n_classes, cutoffs)
// .div_value(4.).head_bias(false), as in libtorch. Read next: modules/adaptive.hpp.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "xgrad/nn/options/arg.hpp"

namespace xgrad::nn {

struct AdaptiveLogSoftmaxWithLossOptions {
  AdaptiveLogSoftmaxWithLossOptions(int64_t in_features, int64_t n_classes, std::vector<int64_t> cutoffs)  // NOLINT
      : in_features_(in_features), n_classes_(n_classes), cutoffs_(std::move(cutoffs)) {}
  XGRAD_ARG(int64_t, in_features);
  XGRAD_ARG(int64_t, n_classes);
  /// The class indices where the clusters start: sorted, unique, each in [1, n_classes - 1].
  XGRAD_ARG(std::vector<int64_t>, cutoffs);
  /// Cluster i's projection has in_features / div_value^(i + 1) (floored) features.
  XGRAD_ARG(double, div_value) = 4.;
  /// Whether the head (the shortlist and one entry per cluster) has a bias.
  XGRAD_ARG(bool, head_bias) = false;
};

}  // namespace xgrad::nn
