// options/linear.hpp: LinearOptions(in_features, out_features).bias(true) and
// BilinearOptions(in1_features, in2_features, out_features).bias(true), as in libtorch.
#pragma once

#include "xgrad/nn/options/arg.hpp"

#include <cstdint>

namespace xgrad::nn {

struct LinearOptions {
  LinearOptions(int64_t in_features, int64_t out_features) : in_features_(in_features), out_features_(out_features) {}
  XGRAD_ARG(int64_t, in_features);
  XGRAD_ARG(int64_t, out_features);
  /// Whether the layer learns an additive bias.
  XGRAD_ARG(bool, bias) = true;
};

struct BilinearOptions {
  BilinearOptions(int64_t in1_features, int64_t in2_features, int64_t out_features)
      : in1_features_(in1_features), in2_features_(in2_features), out_features_(out_features) {}
  XGRAD_ARG(int64_t, in1_features);
  XGRAD_ARG(int64_t, in2_features);
  XGRAD_ARG(int64_t, out_features);
  /// Whether the layer learns an additive bias.
  XGRAD_ARG(bool, bias) = true;
};

}  // namespace xgrad::nn
