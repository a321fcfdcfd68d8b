// options/upsampling.hpp: UpsampleOptions (nn::Upsample) and F::InterpolateFuncOptions
// (F::interpolate), with libtorch's fields and defaults: a size or a scale factor per spatial dim,
// the mode (nearest by default), align_corners, recompute_scale_factor and antialias.
// Read next: functional/upsampling.hpp.
#pragma once

#include <optional>
#include <vector>

#include "xgrad/nn/options/arg.hpp"
#include "xgrad/nn/options/enum.hpp"

namespace xgrad::nn {

/// nn::Upsample's options; mode is one of kNearest, kLinear, kBilinear, kBicubic, kTrilinear.
struct UpsampleOptions {
  using mode_t = InterpolateModeArg;
  /// The output's spatial size.
  XGRAD_ARG(std::optional<std::vector<int64_t>>, size) = std::nullopt;
  /// The multiplier of each spatial size (the output's is floor(in * scale)).
  XGRAD_ARG(std::optional<std::vector<double>>, scale_factor) = std::nullopt;
  XGRAD_ARG(mode_t, mode) = kNearest;
  /// Whether the corner pixels of input and output are aligned (linear, bilinear, bicubic and
  /// trilinear only; unset means false there).
  XGRAD_ARG(std::optional<bool>, align_corners) = std::nullopt;
};

namespace functional {

/// F::interpolate's options; mode also takes kArea and kNearestExact.
struct InterpolateFuncOptions {
  using mode_t = InterpolateModeArg;
  XGRAD_ARG(std::optional<std::vector<int64_t>>, size) = std::nullopt;
  XGRAD_ARG(std::optional<std::vector<double>>, scale_factor) = std::nullopt;
  XGRAD_ARG(mode_t, mode) = kNearest;
  XGRAD_ARG(std::optional<bool>, align_corners) = std::nullopt;
  /// true: the output size is computed from scale_factor, and the kernel then uses in/out as the
  /// scale instead of 1 / scale_factor.
  XGRAD_ARG(std::optional<bool>, recompute_scale_factor) = std::nullopt;
  /// Anti-aliasing when downsampling (bilinear and bicubic): not implemented in xgrad.
  XGRAD_ARG(bool, antialias) = false;
};

}  // namespace functional
}  // namespace xgrad::nn
