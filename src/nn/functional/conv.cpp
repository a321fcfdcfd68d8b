// functional/conv.cpp: F::conv*d and F::conv_transpose*d, unpacking their options into the
// torch:: ops of src/ops/conv.cpp; and the names of the spatial layers' modes (options/enum.hpp).
#include "xgrad/nn/functional/conv.hpp"

namespace xgrad {

const char* enumtype::get_enum_name(PaddingMode mode) {
  switch (mode) {
    case PaddingMode::Zeros: return "kZeros";
    case PaddingMode::Constant: return "kConstant";
    case PaddingMode::Reflect: return "kReflect";
    case PaddingMode::Replicate: return "kReplicate";
    case PaddingMode::Circular: return "kCircular";
  }
  return "";
}

const char* enumtype::get_enum_name(ConvPaddingName name) { return name == kValid ? "kValid" : "kSame"; }

const char* enumtype::get_enum_name(InterpolateModeArg mode) {
  switch (mode.value()) {
    case InterpolateMode::Nearest: return "kNearest";
    case InterpolateMode::Linear: return "kLinear";
    case InterpolateMode::Bilinear: return "kBilinear";
    case InterpolateMode::Bicubic: return "kBicubic";
    case InterpolateMode::Trilinear: return "kTrilinear";
    case InterpolateMode::Area: return "kArea";
    case InterpolateMode::NearestExact: return "kNearestExact";
  }
  return "";
}

namespace nn::functional {

namespace {
/// Calls conv with the padding as a size list or as its name ("same", "valid").
template <size_t D, class Options, class Conv>
Tensor with_padding(const Options& o, Conv&& conv) {
  if (const auto* name = std::get_if<ConvPaddingName>(&o.padding()))
    return conv(std::string_view(*name == kSame ? "same" : "valid"));
  return conv(IntArrayRef(*std::get<ExpandingArray<D>>(o.padding())));
}
}  // namespace

Tensor conv1d(const Tensor& input, const Tensor& weight, const Conv1dFuncOptions& o) {
  return with_padding<1>(o, [&](auto padding) {
    return xgrad::conv1d(input, weight, o.bias(), *o.stride(), padding, *o.dilation(), o.groups());
  });
}
Tensor conv2d(const Tensor& input, const Tensor& weight, const Conv2dFuncOptions& o) {
  return with_padding<2>(o, [&](auto padding) {
    return xgrad::conv2d(input, weight, o.bias(), *o.stride(), padding, *o.dilation(), o.groups());
  });
}
Tensor conv3d(const Tensor& input, const Tensor& weight, const Conv3dFuncOptions& o) {
  return with_padding<3>(o, [&](auto padding) {
    return xgrad::conv3d(input, weight, o.bias(), *o.stride(), padding, *o.dilation(), o.groups());
  });
}

Tensor conv_transpose1d(const Tensor& input, const Tensor& weight, const ConvTranspose1dFuncOptions& o) {
  return xgrad::conv_transpose1d(input, weight, o.bias(), *o.stride(), *o.padding(), *o.output_padding(), o.groups(),
                                 *o.dilation());
}
Tensor conv_transpose2d(const Tensor& input, const Tensor& weight, const ConvTranspose2dFuncOptions& o) {
  return xgrad::conv_transpose2d(input, weight, o.bias(), *o.stride(), *o.padding(), *o.output_padding(), o.groups(),
                                 *o.dilation());
}
Tensor conv_transpose3d(const Tensor& input, const Tensor& weight, const ConvTranspose3dFuncOptions& o) {
  return xgrad::conv_transpose3d(input, weight, o.bias(), *o.stride(), *o.padding(), *o.output_padding(), o.groups(),
                                 *o.dilation());
}

}  // namespace nn::functional
}  // namespace xgrad
