// ops/grid_sampler.hpp: the ops under F::affine_grid and F::grid_sample, as torch:: (ATen) names
// them: affine_grid_generator(theta, size, align_corners) and grid_sampler(input, grid, mode,
// padding_mode, align_corners) with ATen's integer codes (mode 0 bilinear, 1 nearest, 2 bicubic;
// padding 0 zeros, 1 border, 2 reflection). The maths is in src/kernels/grid_sampler.hpp.
// Read next: nn/functional/vision.hpp.
#pragma once

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// grid[n, h, w] = theta[n] @ (x_w, y_h, 1), x and y evenly spaced in [-1, 1] (the pixel centres
/// of a W x H image: at +-1 with align_corners, else at +-(1 - 1/W)); (N, H, W, 2) for size
/// (N, C, H, W) and theta (N, 2, 3), (N, D, H, W, 3) for size (N, C, D, H, W) and theta (N, 3, 4).
/// d/dtheta = (base_grid^T @ grad)^T, composed of bmm and transposes (so twice differentiable).
/// saves: nothing. Recorded as AffineGridGeneratorBackward0.
Tensor affine_grid_generator(const Tensor& theta, IntArrayRef size, bool align_corners);

/// out[n, c, h, w] = input[n, c] read at grid[n, h, w] = (x, y) in [-1, 1] (x along the width),
/// by interpolation_mode, with padding_mode deciding what lies outside. 4-d input and grid call
/// grid_sampler_2d, 5-d ones grid_sampler_3d (bilinear and nearest only).
/// d/dinput = grad scattered with the sampling weights; d/dgrid = the weights' slopes times the
/// input values and grad, summed over channels (zero for nearest). Not differentiable twice, as
/// in PyTorch.      saves: input, grid
/// Recorded as GridSampler2DBackward0 / GridSampler3DBackward0.
Tensor grid_sampler(const Tensor& input, const Tensor& grid, int64_t interpolation_mode, int64_t padding_mode,
                    bool align_corners);
Tensor grid_sampler_2d(const Tensor& input, const Tensor& grid, int64_t interpolation_mode, int64_t padding_mode,
                       bool align_corners);
Tensor grid_sampler_3d(const Tensor& input, const Tensor& grid, int64_t interpolation_mode, int64_t padding_mode,
                       bool align_corners);

}  // namespace xgrad
