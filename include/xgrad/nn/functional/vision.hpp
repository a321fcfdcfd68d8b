// functional/vision.hpp: the spatial transformer functions, as libtorch has them:
// F::affine_grid(theta, size, align_corners) makes a sampling grid from a batch of affine
// matrices, F::grid_sample(input, grid, options) reads the input at the grid's points.
// Read next: src/nn/functional/vision.cpp, then ops/grid_sampler.hpp.
#pragma once

#include "xgrad/nn/options/vision.hpp"
#include "xgrad/ops/grid_sampler.hpp"

namespace xgrad::nn::functional {

/// libtorch's checks (theta floating, Nx2x3 for a 4-d size, Nx3x4 for a 5-d one, positive
/// sizes), then torch::affine_grid_generator.
Tensor affine_grid(const Tensor& theta, const IntArrayRef& size, bool align_corners = false);

/// torch::grid_sampler with the options' mode and padding codes; align_corners unset warns as
/// PyTorch does and means false.
Tensor grid_sample(const Tensor& input, const Tensor& grid, const GridSampleFuncOptions& options = {});

}  // namespace xgrad::nn::functional
