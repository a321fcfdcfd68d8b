// functional/conv.hpp: torch::nn::functional's convolutions, each a call of the torch:: op with
// its options unpacked: F::conv2d(x, w, F::Conv2dFuncOptions().bias(b).stride(2).padding(1)),
// `.padding(torch::kSame)`, F::conv_transpose2d(x, w, F::ConvTranspose2dFuncOptions()...).
// Read next: modules/conv.hpp.
#pragma once

#include "xgrad/nn/options/conv.hpp"
#include "xgrad/ops/conv.hpp"

namespace xgrad::nn::functional {

Tensor conv1d(const Tensor& input, const Tensor& weight, const Conv1dFuncOptions& options = {});
Tensor conv2d(const Tensor& input, const Tensor& weight, const Conv2dFuncOptions& options = {});
Tensor conv3d(const Tensor& input, const Tensor& weight, const Conv3dFuncOptions& options = {});
Tensor conv_transpose1d(const Tensor& input, const Tensor& weight, const ConvTranspose1dFuncOptions& options = {});
Tensor conv_transpose2d(const Tensor& input, const Tensor& weight, const ConvTranspose2dFuncOptions& options = {});
Tensor conv_transpose3d(const Tensor& input, const Tensor& weight, const ConvTranspose3dFuncOptions& options = {});

}  // namespace xgrad::nn::functional
