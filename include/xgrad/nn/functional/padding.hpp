// functional/padding.hpp: F::pad(input, F::PadFuncOptions({1, 2}).mode(torch::kReplicate)), as in
// libtorch (the ops are torch::constant_pad_nd, reflection_pad2d, ... in ops/padding.hpp).
// Read next: src/ops/padding.cpp.
#pragma once

#include "xgrad/nn/options/padding.hpp"
#include "xgrad/ops/padding.hpp"

namespace xgrad::nn::functional {

Tensor pad(const Tensor& input, const PadFuncOptions& options);

}  // namespace xgrad::nn::functional
