// modules/pixelshuffle.hpp: nn::PixelShuffle and nn::PixelUnshuffle, their options, and
// F::pixel_shuffle / F::pixel_unshuffle, as in libtorch (the ops are in ops/pixel_shuffle.hpp).
// Read next: src/ops/pixel_shuffle.cpp.
#pragma once

#include "xgrad/nn/module.hpp"
#include "xgrad/nn/options/arg.hpp"
#include "xgrad/ops/pixel_shuffle.hpp"

namespace xgrad::nn {

struct PixelShuffleOptions {
  PixelShuffleOptions(int64_t upscale_factor) : upscale_factor_(upscale_factor) {}  // NOLINT
  XGRAD_ARG(int64_t, upscale_factor);
};
struct PixelUnshuffleOptions {
  PixelUnshuffleOptions(int64_t downscale_factor) : downscale_factor_(downscale_factor) {}  // NOLINT
  XGRAD_ARG(int64_t, downscale_factor);
};

namespace functional {
using PixelShuffleFuncOptions = PixelShuffleOptions;
using PixelUnshuffleFuncOptions = PixelUnshuffleOptions;

inline Tensor pixel_shuffle(const Tensor& input, const PixelShuffleFuncOptions& options) {
  return xgrad::pixel_shuffle(input, options.upscale_factor());
}
inline Tensor pixel_unshuffle(const Tensor& input, const PixelUnshuffleFuncOptions& options) {
  return xgrad::pixel_unshuffle(input, options.downscale_factor());
}
}  // namespace functional

/// (*, C * r * r, H, W) -> (*, C, H * r, W * r); no parameters.
class PixelShuffleImpl : public Cloneable<PixelShuffleImpl> {
 public:
  explicit PixelShuffleImpl(const PixelShuffleOptions& options_) : options(options_) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  PixelShuffleOptions options;
};
TORCH_MODULE(PixelShuffle);

/// (*, C, H * r, W * r) -> (*, C * r * r, H, W); no parameters.
class PixelUnshuffleImpl : public Cloneable<PixelUnshuffleImpl> {
 public:
  explicit PixelUnshuffleImpl(const PixelUnshuffleOptions& options_) : options(options_) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  PixelUnshuffleOptions options;
};
TORCH_MODULE(PixelUnshuffle);

}  // namespace xgrad::nn
