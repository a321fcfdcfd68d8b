// ops/upsample.hpp: the upsampling ops F::interpolate calls (torch::upsample_nearest1d, ...,
// upsample_bicubic2d), each with libtorch's signature: the input (N, C, spatial...), the output's
// spatial size, and the scales the caller asked for (used instead of in/out when given).
// The maths is in src/ops/upsample.cpp. Read next: nn/functional/upsampling.hpp.
#pragma once

#include <optional>

#include "xgrad/core/optional_array_ref.hpp"
#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// out[o] = x[min(floor(o * s), in - 1)] along each spatial axis, s = 1 / scale or in / out.
/// d/dx = the sum of grad over the outputs that read each input. Recorded as
/// UpsampleNearest{1,2,3}DBackward1 (Python's name; the gradient's is ...BackwardBackward1).
Tensor upsample_nearest1d(const Tensor& self, IntArrayRef output_size, std::optional<double> scales = std::nullopt);
Tensor upsample_nearest2d(const Tensor& self, IntArrayRef output_size, std::optional<double> scales_h = std::nullopt,
                          std::optional<double> scales_w = std::nullopt);
Tensor upsample_nearest3d(const Tensor& self, IntArrayRef output_size, std::optional<double> scales_d = std::nullopt,
                          std::optional<double> scales_h = std::nullopt, std::optional<double> scales_w = std::nullopt);
/// As nearest, reading x[min(floor((o + 0.5) * s), in - 1)] (the pixel whose centre is nearest).
Tensor _upsample_nearest_exact1d(const Tensor& self, IntArrayRef output_size,
                                 std::optional<double> scales = std::nullopt);
Tensor _upsample_nearest_exact2d(const Tensor& self, IntArrayRef output_size,
                                 std::optional<double> scales_h = std::nullopt,
                                 std::optional<double> scales_w = std::nullopt);
Tensor _upsample_nearest_exact3d(const Tensor& self, IntArrayRef output_size,
                                 std::optional<double> scales_d = std::nullopt,
                                 std::optional<double> scales_h = std::nullopt,
                                 std::optional<double> scales_w = std::nullopt);
/// (1 - l) * x[i0] + l * x[i1] along each axis, the source position being o * (in - 1) / (out - 1)
/// with align_corners, else (o + 0.5) * s - 0.5 clamped at 0. d/dx = grad scattered back with the
/// same weights. Recorded as UpsampleLinear1DBackward1, UpsampleBilinear2DBackward1,
/// UpsampleTrilinear3DBackward1.
Tensor upsample_linear1d(const Tensor& self, IntArrayRef output_size, bool align_corners,
                         std::optional<double> scales = std::nullopt);
Tensor upsample_bilinear2d(const Tensor& self, IntArrayRef output_size, bool align_corners,
                           std::optional<double> scales_h = std::nullopt, std::optional<double> scales_w = std::nullopt);
Tensor upsample_trilinear3d(const Tensor& self, IntArrayRef output_size, bool align_corners,
                            std::optional<double> scales_d = std::nullopt, std::optional<double> scales_h = std::nullopt,
                            std::optional<double> scales_w = std::nullopt);
/// Keys' cubic convolution (A = -0.75) over four taps along each axis, edges repeated.
/// d/dx = grad scattered back with the same weights. Recorded as UpsampleBicubic2DBackward1.
Tensor upsample_bicubic2d(const Tensor& self, IntArrayRef output_size, bool align_corners,
                          std::optional<double> scales_h = std::nullopt, std::optional<double> scales_w = std::nullopt);
/// Antialiased resampling (F::interpolate(..., antialias=true)), PyTorch 1.13's
/// _upsample_{bilinear,bicubic}2d_aa: separable, each output a normalised weighted sum of the inputs
/// under a filter (triangle, or cubic with a = -0.5) whose support is stretched by the scale when
/// shrinking, so every input pixel in an output's footprint counts (kernels/upsample.hpp,
/// upsample_axis_aa). d/dx = grad scattered back with the same weights. Recorded as
/// UpsampleBilinear2DAaBackward1 / UpsampleBicubic2DAaBackward1. float and double only.
Tensor _upsample_bilinear2d_aa(const Tensor& self, IntArrayRef output_size, bool align_corners,
                               std::optional<double> scales_h = std::nullopt,
                               std::optional<double> scales_w = std::nullopt);
Tensor _upsample_bicubic2d_aa(const Tensor& self, IntArrayRef output_size, bool align_corners,
                              std::optional<double> scales_h = std::nullopt,
                              std::optional<double> scales_w = std::nullopt);

/// at::native's overloads that take either an output size or a list of scale factors (exactly
/// one; from factors the size is floor(in * factor)), as libtorch's tests call them: thin aliases
/// of the ops above.
namespace native {
Tensor _upsample_nearest_exact2d(const Tensor& input, OptionalIntArrayRef output_size,
                                 std::optional<ArrayRef<double>> scale_factors);
Tensor _upsample_bilinear2d_aa(const Tensor& input, OptionalIntArrayRef output_size, bool align_corners,
                               std::optional<ArrayRef<double>> scale_factors);
Tensor _upsample_bicubic2d_aa(const Tensor& input, OptionalIntArrayRef output_size, bool align_corners,
                              std::optional<ArrayRef<double>> scale_factors);
}  // namespace native

}  // namespace xgrad
