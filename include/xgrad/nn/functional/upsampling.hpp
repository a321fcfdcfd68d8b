// functional/upsampling.hpp: F::interpolate, which checks its options as libtorch does, computes
// the output size and calls the upsample op of its mode and dims (ops/upsample.hpp), or
// adaptive_avg_pool for kArea. Read next: src/nn/functional/upsampling.cpp.
#pragma once

#include "xgrad/nn/options/upsampling.hpp"
#include "xgrad/ops/upsample.hpp"

namespace xgrad::nn::functional {

namespace detail {
Tensor interpolate(const Tensor& input, const std::optional<std::vector<int64_t>>& size,
                   const std::optional<std::vector<double>>& scale_factor, InterpolateModeArg mode,
                   std::optional<bool> align_corners, std::optional<bool> recompute_scale_factor, bool antialias);
}  // namespace detail

/// Resamples the spatial dims of a 3-D, 4-D or 5-D (N, C, ...) input to `size`, or to
/// floor(in * scale_factor). The gradient is each mode's op's (see ops/upsample.hpp).
Tensor interpolate(const Tensor& input, const InterpolateFuncOptions& options = {});

}  // namespace xgrad::nn::functional
