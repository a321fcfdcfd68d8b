// functional/upsampling.cpp: F::interpolate. Its checks and their order are libtorch's
// (torch/nn/functional/upsampling.h), so are its messages; the output size and the scales handed
// to the kernels are Python's F.interpolate's (the same rules). Read next: src/ops/upsample.cpp.
#include "xgrad/nn/functional/upsampling.hpp"

#include <cmath>
#include <sstream>

#include "xgrad/core/exception.hpp"
#include "xgrad/ops/pooling.hpp"

namespace xgrad::nn::functional {

namespace {

std::string list_text(const std::vector<double>& v) {
  std::ostringstream out;
  out << '[';
  for (size_t i = 0; i < v.size(); ++i) out << (i ? ", " : "") << v[i];
  out << ']';
  return out.str();
}

/// libtorch's _interp_output_size: `size`, or floor(in * scale) per spatial dim.
std::vector<int64_t> output_size(int64_t dim, const Tensor& input, const std::optional<std::vector<int64_t>>& size,
                                 const std::optional<std::vector<double>>& scale_factor,
                                 std::optional<bool> recompute_scale_factor) {
  XGRAD_CHECK_T(ValueError, size || scale_factor, "either size or scale_factor should be defined");
  XGRAD_CHECK_T(ValueError, !(size && scale_factor), "only one of size or scale_factor should be defined");
  if (scale_factor && static_cast<int64_t>(scale_factor->size()) != dim)
    throw ValueError(fmt::format("scale_factor shape must match input shape. Input is {}D, scale_factor size is {}", dim,
                                 list_text(*scale_factor)));
  // Python's check; libtorch lets it pass (and ignores the flag).
  XGRAD_CHECK_T(ValueError, !(size && recompute_scale_factor.value_or(false)),
                "recompute_scale_factor is not meaningful with an explicit size.");
  if (size) return *size;
  std::vector<int64_t> out;
  for (int64_t i = 0; i < dim; ++i)
    out.push_back(static_cast<int64_t>(
        std::floor(static_cast<double>(input.size(2 + i)) * (*scale_factor)[static_cast<size_t>(i)])));
  return out;
}

const char* mode_text(InterpolateMode m) {
  switch (m) {
    case InterpolateMode::Linear: return "linear";
    case InterpolateMode::Bilinear: return "bilinear";
    case InterpolateMode::Trilinear: return "trilinear";
    default: return "";
  }
}

}  // namespace

Tensor detail::interpolate(const Tensor& input, const std::optional<std::vector<int64_t>>& size,
                           const std::optional<std::vector<double>>& scale_factor, InterpolateModeArg mode_arg,
                           std::optional<bool> align_corners, std::optional<bool> recompute_scale_factor,
                           bool antialias) {
  const InterpolateMode mode = mode_arg.value();
  // libtorch checks kNearest and kArea only (Python checks nearest-exact too): its own
  // FunctionalTest.Interpolate passes kNearestExact with align_corners(false), which is ignored.
  const bool interpolating = mode == kNearest || mode == kArea;
  if (interpolating)
    XGRAD_CHECK_T(ValueError, !align_corners,
                  "align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | "
                  "trilinear");
  const bool align = align_corners.value_or(false);
  // The scales the kernels use: the given factors, unless the size is to be recomputed from them.
  std::array<std::optional<double>, 3> scales{};
  if (scale_factor && !recompute_scale_factor.value_or(false))
    for (size_t i = 0; i < scale_factor->size() && i < 3; ++i) scales[i] = (*scale_factor)[i];
  XGRAD_CHECK_T(ValueError,
                !antialias || (input.dim() == 4 && (mode == InterpolateMode::Bilinear || mode == kBicubic)),
                "Anti-alias option is only supported for bilinear and bicubic modes");
  auto osize = [&](int64_t d) { return output_size(d, input, size, scale_factor, recompute_scale_factor); };
  if (antialias && mode == InterpolateMode::Bilinear) return _upsample_bilinear2d_aa(input, osize(2), align, scales[0], scales[1]);
  if (antialias) return _upsample_bicubic2d_aa(input, osize(2), align, scales[0], scales[1]);
  const int64_t n = input.dim();
  if (n >= 3 && n <= 5) {
    const int64_t want = mode == InterpolateMode::Linear ? 3 : mode == InterpolateMode::Bilinear ? 4
                                                             : mode == InterpolateMode::Trilinear ? 5 : n;
    if (want != n)
      throw NotImplementedError(fmt::format("Got {}D input, but {} mode needs {}D input", n, mode_text(mode), want));
    switch (mode) {
      case InterpolateMode::Nearest:
        if (n == 3) return upsample_nearest1d(input, osize(1), scales[0]);
        if (n == 4) return upsample_nearest2d(input, osize(2), scales[0], scales[1]);
        return upsample_nearest3d(input, osize(3), scales[0], scales[1], scales[2]);
      case InterpolateMode::NearestExact:
        if (n == 3) return _upsample_nearest_exact1d(input, osize(1), scales[0]);
        if (n == 4) return _upsample_nearest_exact2d(input, osize(2), scales[0], scales[1]);
        return _upsample_nearest_exact3d(input, osize(3), scales[0], scales[1], scales[2]);
      case InterpolateMode::Area:
        if (n == 3) return adaptive_avg_pool1d(input, osize(1));
        if (n == 4) return adaptive_avg_pool2d(input, osize(2));
        return adaptive_avg_pool3d(input, osize(3));
      case InterpolateMode::Linear: return upsample_linear1d(input, osize(1), align, scales[0]);
      case InterpolateMode::Bilinear: return upsample_bilinear2d(input, osize(2), align, scales[0], scales[1]);
      case InterpolateMode::Trilinear:
        return upsample_trilinear3d(input, osize(3), align, scales[0], scales[1], scales[2]);
      case InterpolateMode::Bicubic:
        if (n == 4) return upsample_bicubic2d(input, osize(2), align, scales[0], scales[1]);
        break;
    }
  }
  throw NotImplementedError(fmt::format("Input Error: Only 3D, 4D and 5D input Tensors supported (got {}D) for the "
                                        "modes: nearest | linear | bilinear | bicubic | trilinear (got {})",
                                        n, enumtype::get_enum_name(mode_arg)));
}

Tensor interpolate(const Tensor& input, const InterpolateFuncOptions& options) {
  return detail::interpolate(input, options.size(), options.scale_factor(), options.mode(), options.align_corners(),
                             options.recompute_scale_factor(), options.antialias());
}

}  // namespace xgrad::nn::functional
