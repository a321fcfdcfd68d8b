// pooling_common.hpp (internal): what the pooling ops share: the window geometry handed to
// kernels/pooling.hpp, the plane count of an input, ATen's output-size rule, and max pooling's
// second derivative (a gather, composed of differentiable ops as PyTorch composes it).
// Read next: src/ops/pooling.cpp.
#pragma once

#include "kernels/pooling.hpp"
#include "xgrad/core/tensor.hpp"

namespace xgrad::detail {

/// The spatial part of a size list: its last `dims` entries.
inline IntArrayRef last_dims(IntArrayRef sizes, int64_t dims) {
  return IntArrayRef(sizes.data() + sizes.size() - static_cast<size_t>(dims), static_cast<size_t>(dims));
}

/// The number of planes (every dim but the last `dims`) of t.
inline int64_t planes_of(const Tensor& t, int64_t dims) {
  int64_t planes = 1;
  for (int64_t i = 0; i < t.dim() - dims; ++i) planes *= t.size(i);
  return planes;
}

/// t's sizes with the last `dims` replaced by `spatial`.
inline DimVector with_spatial(IntArrayRef sizes, IntArrayRef spatial) {
  DimVector out(IntArrayRef(sizes.data(), sizes.size() - spatial.size()));
  for (int64_t s : spatial) out.push_back(s);
  return out;
}

/// The kernels' window for `dims` (2 or 3) spatial dims; k, s, p, d may be empty (unused).
inline kernels::PoolShape pool_shape(IntArrayRef in, IntArrayRef out, IntArrayRef k = {}, IntArrayRef s = {},
                                     IntArrayRef p = {}, IntArrayRef d = {}) {
  kernels::PoolShape shape;
  const size_t offset = 3 - in.size();
  for (size_t i = 0; i < in.size(); ++i) {
    shape.in[offset + i] = in[i];
    shape.out[offset + i] = out[i];
    if (!k.empty()) shape.kernel[offset + i] = k[i];
    if (!s.empty()) shape.stride[offset + i] = s[i];
    if (!p.empty()) shape.padding[offset + i] = p[i];
    if (!d.empty()) shape.dilation[offset + i] = d[i];
  }
  return shape;
}

/// ATen's pooling_output_shape: windows along a dim of `input` positions, with its checks.
int64_t pooling_output_shape(int64_t input, int64_t kernel, int64_t pad, int64_t stride, int64_t dilation,
                             bool ceil_mode);

/// grad (shaped as the pooled input) read at `indices` (shaped as the output): the derivative of
/// max pooling's gradient and of max_unpool. Composed as PyTorch's max_pool_double_backward:
/// view, gather, view.
Tensor max_pool_double_backward(const Tensor& grad, const Tensor& indices, int64_t dims);

}  // namespace xgrad::detail
