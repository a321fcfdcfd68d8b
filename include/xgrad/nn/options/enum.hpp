// enum.hpp: the mode constants of the spatial layers, spelled as libtorch spells them:
// padding modes (torch::kZeros, kConstant, kReflect, kReplicate, kCircular), a convolution's
// string paddings (torch::kValid, kSame) and interpolation modes (torch::kNearest, kLinear,
// kBilinear, kBicubic, kTrilinear, kArea, kNearestExact). libtorch gives each constant a type of
// its own and each option a std::variant of the types it accepts; xgrad uses one enum per family
// and checks at run time that an option got one its layer accepts. torch::kLinear is already
// init's Nonlinearity::Linear, so InterpolateModeArg accepts that too. Read next: options/conv.hpp.
#pragma once

#include "xgrad/core/exception.hpp"
#include "xgrad/nn/init.hpp"

namespace xgrad {

/// How a layer fills the border it adds: zeros (a convolution's default), a constant (F::pad's
/// default), the mirror image without the edge (reflect), the edge repeated (replicate), or the
/// opposite side (circular).
enum class PaddingMode { Zeros, Constant, Reflect, Replicate, Circular };
constexpr PaddingMode kZeros = PaddingMode::Zeros;
constexpr PaddingMode kConstant = PaddingMode::Constant;
constexpr PaddingMode kReflect = PaddingMode::Reflect;
constexpr PaddingMode kReplicate = PaddingMode::Replicate;
constexpr PaddingMode kCircular = PaddingMode::Circular;

/// A convolution's padding given by name: "valid" (none) or "same" (output as large as the input).
enum class ConvPaddingName { Valid, Same };
constexpr ConvPaddingName kValid = ConvPaddingName::Valid;
constexpr ConvPaddingName kSame = ConvPaddingName::Same;

/// How F::interpolate computes the values between the input's samples.
enum class InterpolateMode { Nearest, Linear, Bilinear, Bicubic, Trilinear, Area, NearestExact };
constexpr InterpolateMode kNearest = InterpolateMode::Nearest;
constexpr InterpolateMode kBilinear = InterpolateMode::Bilinear;
constexpr InterpolateMode kBicubic = InterpolateMode::Bicubic;
constexpr InterpolateMode kTrilinear = InterpolateMode::Trilinear;
constexpr InterpolateMode kArea = InterpolateMode::Area;
constexpr InterpolateMode kNearestExact = InterpolateMode::NearestExact;

/// An interpolation mode as an option takes it: any InterpolateMode, or torch::kLinear.
class InterpolateModeArg {
 public:
  InterpolateModeArg(InterpolateMode mode) : mode_(mode) {}  // NOLINT(google-explicit-constructor)
  InterpolateModeArg(Nonlinearity linear) : mode_(InterpolateMode::Linear) {  // NOLINT
    XGRAD_CHECK(linear == Nonlinearity::Linear, "an interpolation mode must be kNearest, kLinear, kBilinear, "
                                                "kBicubic, kTrilinear, kArea or kNearestExact");
  }
  InterpolateMode value() const { return mode_; }
  bool operator==(InterpolateMode other) const { return mode_ == other; }
  bool operator!=(InterpolateMode other) const { return mode_ != other; }

 private:
  InterpolateMode mode_;
};

namespace enumtype {
/// libtorch's names for printing: "kZeros", "kSame", "kBilinear", ...
const char* get_enum_name(PaddingMode mode);
const char* get_enum_name(ConvPaddingName name);
const char* get_enum_name(InterpolateModeArg mode);
}  // namespace enumtype

}  // namespace xgrad
