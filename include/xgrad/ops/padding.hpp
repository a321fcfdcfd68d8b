// ops/padding.hpp: padding a tensor's last dims, as torch:: (ATen) names it: constant_pad_nd (any
// number of dims, negative padding crops), reflection_pad1d/2d/3d, replication_pad1d/2d/3d, and
// torch::pad, which picks one of them by mode ("constant", "reflect", "replicate", "circular").
// Padding lists run from the last dim backwards: {left, right, top, bottom, front, back}.
// The maths is in src/ops/padding.cpp. Read next: nn/functional/padding.hpp.
#pragma once

#include <optional>
#include <string_view>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// The last pad.size() / 2 dims grown by pad (or cut, where negative), new places set to value.
/// Recorded as ConstantPadNdBackward0.
Tensor constant_pad_nd(const Tensor& self, IntArrayRef pad, const Scalar& value = 0);
/// Mirror padding without repeating the edge: [a b c] padded by 2 on the left is [c b a b c].
Tensor reflection_pad1d(const Tensor& self, IntArrayRef padding);
Tensor reflection_pad2d(const Tensor& self, IntArrayRef padding);
Tensor reflection_pad3d(const Tensor& self, IntArrayRef padding);
/// Edge padding: [a b c] padded by 2 on the left is [a a a b c].
Tensor replication_pad1d(const Tensor& self, IntArrayRef padding);
Tensor replication_pad2d(const Tensor& self, IntArrayRef padding);
Tensor replication_pad3d(const Tensor& self, IntArrayRef padding);
/// Wrap-around padding of a (N, C, *spatial) tensor: [a b c] padded by 2 on the left is [b c a b c].
Tensor _pad_circular(const Tensor& self, IntArrayRef pad);
/// torch::pad(self, pad, mode, value): one of the above, chosen as PyTorch chooses.
Tensor pad(const Tensor& self, IntArrayRef pad, std::string_view mode = "constant",
           std::optional<double> value = std::nullopt);

}  // namespace xgrad
