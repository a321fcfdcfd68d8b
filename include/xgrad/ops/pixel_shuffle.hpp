// ops/pixel_shuffle.hpp: torch::pixel_shuffle and torch::pixel_unshuffle, moving values between
// the channel dim and the two spatial dims of a (*, C, H, W) tensor (sub-pixel convolution).
// The maths is in src/ops/pixel_shuffle.cpp. Read next: nn/modules/pixelshuffle.hpp.
#pragma once

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// (*, C * r * r, H, W) -> (*, C, H * r, W * r): out[c, h * r + i, w * r + j] = x[c * r * r + i * r + j, h, w].
/// Recorded as PixelShuffleBackward0.
Tensor pixel_shuffle(const Tensor& self, int64_t upscale_factor);
/// The inverse: (*, C, H * r, W * r) -> (*, C * r * r, H, W). Recorded as PixelUnshuffleBackward0.
Tensor pixel_unshuffle(const Tensor& self, int64_t downscale_factor);

}  // namespace xgrad
