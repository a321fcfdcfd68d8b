// ops/fractional_max_pool.hpp: fractional max pooling as torch:: (ATen) names it:
// torch::fractional_max_pool2d/3d(input, kernel_size, output_size, random_samples), returning the
// output and the indices. F::fractional_max_pool2d (functional/pooling.hpp) draws the samples.
// The maths is in src/kernels/fractional_max_pool.hpp. Read next: nn/functional/pooling.hpp.
#pragma once

#include <tuple>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// y[o] = max of x over a kernel_size window starting at a pseudo-random position drawn from
/// random_samples (N, C, 2) in [0, 1); indices = the flat index of each max in its input plane.
/// Input (N, C, H, W) or (C, H, W).
/// d/dx = grad put back at the indices (summed where windows share a max)      saves: x, indices
/// Recorded as FractionalMaxPool2DBackward0; its gradient as FractionalMaxPool2DBackwardBackward0.
std::tuple<Tensor, Tensor> fractional_max_pool2d(const Tensor& self, IntArrayRef kernel_size, IntArrayRef output_size,
                                                 const Tensor& random_samples);
/// As fractional_max_pool2d over (N, C, T, H, W) or (C, T, H, W), with samples (N, C, 3).
/// Recorded as FractionalMaxPool3DBackward0.
std::tuple<Tensor, Tensor> fractional_max_pool3d(const Tensor& self, IntArrayRef kernel_size, IntArrayRef output_size,
                                                 const Tensor& random_samples);

}  // namespace xgrad
