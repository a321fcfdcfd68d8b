// ops/fold.hpp: torch::im2col (every kernel-sized block of an image as a column: F::unfold) and
// torch::col2im (the columns summed back into an image: F::fold), each the other's gradient.
// The maths is in src/ops/fold.cpp over kernels/im2col.hpp (the convolution's lowering).
// Read next: nn/modules/fold.hpp.
#pragma once

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// (N, C, H, W) or (C, H, W) -> (N, C * kh * kw, L) or (C * kh * kw, L), L the number of blocks.
/// Recorded as Im2ColBackward0.
Tensor im2col(const Tensor& self, IntArrayRef kernel_size, IntArrayRef dilation, IntArrayRef padding,
              IntArrayRef stride);
/// (N, C * kh * kw, L) or (C * kh * kw, L) -> (N, C, output_size...) or (C, output_size...),
/// overlapping values summed. Recorded as Col2ImBackward0.
Tensor col2im(const Tensor& self, IntArrayRef output_size, IntArrayRef kernel_size, IntArrayRef dilation,
              IntArrayRef padding, IntArrayRef stride);

}  // namespace xgrad
