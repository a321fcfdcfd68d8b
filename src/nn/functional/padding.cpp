// functional/padding.cpp: F::pad, which hands its options to torch::pad (src/ops/padding.cpp).
#include "xgrad/nn/functional/padding.hpp"

namespace xgrad::nn::functional {

Tensor pad(const Tensor& input, const PadFuncOptions& options) {
  const char* mode = nullptr;
  switch (options.mode()) {
    case PaddingMode::Constant: mode = "constant"; break;
    case PaddingMode::Reflect: mode = "reflect"; break;
    case PaddingMode::Replicate: mode = "replicate"; break;
    case PaddingMode::Circular: mode = "circular"; break;
    case PaddingMode::Zeros: throw NotImplementedError("Unrecognised padding mode zeros");
  }
  // libtorch passes the value only for constant padding (the others refuse one).
  std::optional<double> value;
  if (options.mode() == kConstant) value = options.value();
  return xgrad::pad(input, options.pad(), mode, value);
}

}  // namespace xgrad::nn::functional
