// modules/upsampling.cpp: nn::Upsample, which calls F::interpolate (src/nn/functional/upsampling.cpp),
// and its printed form (libtorch's).
#include "xgrad/nn/modules/upsampling.hpp"

#include "xgrad/core/exception.hpp"

namespace xgrad::nn {

UpsampleImpl::UpsampleImpl(const UpsampleOptions& options_) : options(options_) {
  const InterpolateMode m = options.mode().value();
  // libtorch's mode_t has no kArea or kNearestExact (a compile error there).
  XGRAD_CHECK_T(ValueError, m != kArea && m != kNearestExact,
                "nn::Upsample's mode must be kNearest, kLinear, kBilinear, kBicubic or kTrilinear");
}

void UpsampleImpl::pretty_print(std::ostream& stream) const {
  stream << "torch::nn::Upsample(";
  auto list = [&stream](const auto& v) {
    stream << '[';
    for (size_t i = 0; i < v.size(); ++i) stream << (i ? ", " : "") << v[i];
    stream << ']';
  };
  if (options.scale_factor()) {
    stream << "scale_factor=";
    list(*options.scale_factor());
  } else {
    stream << "size=";
    list(options.size() ? *options.size() : std::vector<int64_t>{});
  }
  stream << ", mode=" << enumtype::get_enum_name(options.mode()) << ")";
}

Tensor UpsampleImpl::forward(const Tensor& input) {
  return functional::detail::interpolate(input, options.size(), options.scale_factor(), options.mode(),
                                         options.align_corners(), std::nullopt, false);
}

}  // namespace xgrad::nn
