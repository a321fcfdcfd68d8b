// options/vision.hpp: F::GridSampleFuncOptions with libtorch's fields and defaults: mode kBilinear
// (also kNearest, and kBicubic as Python allows), padding_mode kZeros (also torch::kBorder and
// torch::kReflection, declared here), align_corners unset (false, with PyTorch's warning).
// Read next: functional/vision.hpp.
#pragma once

#include <optional>

#include "xgrad/nn/options/arg.hpp"
#include "xgrad/nn/options/enum.hpp"

namespace xgrad {

/// grid_sample's padding modes beyond kZeros: the edge value repeated (border), or the input
/// mirrored at its edges (reflection).
enum class GridSamplePadding { Border, Reflection };
constexpr GridSamplePadding kBorder = GridSamplePadding::Border;
constexpr GridSamplePadding kReflection = GridSamplePadding::Reflection;

/// A grid_sample padding mode as the option takes it: torch::kZeros, kBorder or kReflection.
class GridSamplePaddingArg {
 public:
  GridSamplePaddingArg(PaddingMode mode) : code_(0) {  // NOLINT(google-explicit-constructor)
    XGRAD_CHECK(mode == PaddingMode::Zeros, "grid_sample's padding_mode must be kZeros, kBorder or kReflection");
  }
  GridSamplePaddingArg(GridSamplePadding mode)  // NOLINT(google-explicit-constructor)
      : code_(mode == GridSamplePadding::Border ? 1 : 2) {}
  /// ATen's code: 0 zeros, 1 border, 2 reflection.
  int64_t code() const { return code_; }

 private:
  int64_t code_;
};

namespace nn::functional {

struct GridSampleFuncOptions {
  using mode_t = InterpolateModeArg;
  using padding_mode_t = GridSamplePaddingArg;
  /// kBilinear, kNearest or kBicubic (4-d input only).
  XGRAD_ARG(mode_t, mode) = kBilinear;
  XGRAD_ARG(padding_mode_t, padding_mode) = kZeros;
  XGRAD_ARG(std::optional<bool>, align_corners) = std::nullopt;
};

}  // namespace nn::functional
}  // namespace xgrad
