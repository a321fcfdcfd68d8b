// modules/upsampling.hpp: nn::Upsample, F::interpolate as a module (no parameters), printed as
// libtorch prints it. Read next: src/nn/modules/upsampling.cpp.
#pragma once

#include "xgrad/nn/functional/upsampling.hpp"
#include "xgrad/nn/module.hpp"

namespace xgrad::nn {

/// Upsamples (N, C, W), (N, C, H, W) or (N, C, D, H, W) inputs by F::interpolate.
class UpsampleImpl : public Cloneable<UpsampleImpl> {
 public:
  explicit UpsampleImpl(const UpsampleOptions& options_ = {});
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  UpsampleOptions options;
};
TORCH_MODULE(Upsample);

}  // namespace xgrad::nn
