// modules/pixelshuffle.cpp: PixelShuffle and PixelUnshuffle, which call the ops of
// src/ops/pixel_shuffle.cpp, and their printed forms (libtorch's).
#include "xgrad/nn/modules/pixelshuffle.hpp"

namespace xgrad::nn {

void PixelShuffleImpl::pretty_print(std::ostream& stream) const {
  stream << "torch::nn::PixelShuffle(upscale_factor=" << options.upscale_factor() << ")";
}
Tensor PixelShuffleImpl::forward(const Tensor& input) { return xgrad::pixel_shuffle(input, options.upscale_factor()); }

void PixelUnshuffleImpl::pretty_print(std::ostream& stream) const {
  stream << "torch::nn::PixelUnshuffle(downscale_factor=" << options.downscale_factor() << ")";
}
Tensor PixelUnshuffleImpl::forward(const Tensor& input) {
  return xgrad::pixel_unshuffle(input, options.downscale_factor());
}

}  // namespace xgrad::nn
