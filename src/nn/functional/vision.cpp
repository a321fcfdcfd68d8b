// functional/vision.cpp: F::affine_grid and F::grid_sample, with libtorch's checks and messages in
// its order (torch/nn/functional/vision.h). Read next: src/ops/grid_sampler.cpp.
#include "xgrad/nn/functional/vision.hpp"

#include <algorithm>

#include "xgrad/core/exception.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/core/macros.hpp"

namespace xgrad::nn::functional {

Tensor affine_grid(const Tensor& theta, const IntArrayRef& size, bool align_corners) {
  XGRAD_CHECK(theta.is_floating_point(), "Expected theta to have floating point type, but got {}",
              TypeMeta::fromScalarType(theta.scalar_type()).name());
  if (size.size() == 4) {
    XGRAD_CHECK(theta.dim() == 3 && theta.size(-2) == 2 && theta.size(-1) == 3,
                "Expected a batch of 2D affine matrices of shape Nx2x3 for size {}. Got {}.", format_sizes(size),
                format_sizes(theta.sizes()));
  } else if (size.size() == 5) {
    XGRAD_CHECK(theta.dim() == 3 && theta.size(-2) == 3 && theta.size(-1) == 4,
                "Expected a batch of 3D affine matrices of shape Nx3x4 for size {}. Got {}.", format_sizes(size),
                format_sizes(theta.sizes()));
  } else {
    throw Error(fmt::format(
        "affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, respectively. Got size {}",
        format_sizes(size)));
  }
  XGRAD_CHECK(*std::min_element(size.begin(), size.end()) > 0, "Expected non-zero, positive output size. Got {}",
              format_sizes(size));
  return affine_grid_generator(theta, size, align_corners);
}

Tensor grid_sample(const Tensor& input, const Tensor& grid, const GridSampleFuncOptions& options) {
  const InterpolateMode mode = options.mode().value();
  int64_t mode_code = 0;
  switch (mode) {
    case InterpolateMode::Bilinear: mode_code = 0; break;
    case InterpolateMode::Nearest: mode_code = 1; break;
    case InterpolateMode::Bicubic: mode_code = 2; break;
    default:
      throw ValueError(fmt::format(
          "nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: '{}'",
          enumtype::get_enum_name(options.mode())));
  }
  if (!options.align_corners().has_value())
    TORCH_WARN("Default grid_sample and affine_grid behavior has changed ",
               "to align_corners=False since 1.3.0. Please specify ",
               "align_corners=True if the old behavior is desired. ",
               "See the documentation of grid_sample for details.");
  return grid_sampler(input, grid, mode_code, options.padding_mode().code(), options.align_corners().value_or(false));
}

}  // namespace xgrad::nn::functional
