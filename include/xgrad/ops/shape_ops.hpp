// shape_ops.hpp: views (they share storage: only sizes, strides and offset change), and the ops
// that join tensors (cat, stack). Read next: indexing.hpp.
#pragma once

#include <optional>
#include <vector>

#include "xgrad/core/shape.hpp"  // maybe_wrap_dim, infer_size
#include "xgrad/core/tensor.hpp"

namespace xgrad {

Tensor view(const Tensor& x, IntArrayRef size);
Tensor reshape(const Tensor& x, IntArrayRef shape);
Tensor flatten(const Tensor& x, int64_t start_dim = 0, int64_t end_dim = -1);
Tensor t(const Tensor& x);
Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1);
Tensor permute(const Tensor& x, IntArrayRef dims);
Tensor slice(const Tensor& x, int64_t dim = 0, std::optional<int64_t> start = std::nullopt,
             std::optional<int64_t> end = std::nullopt, int64_t step = 1);
Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length);
Tensor select(const Tensor& x, int64_t dim, int64_t index);
Tensor squeeze(const Tensor& x);
Tensor squeeze(const Tensor& x, int64_t dim);
Tensor unsqueeze(const Tensor& x, int64_t dim);
Tensor expand(const Tensor& x, IntArrayRef size);
Tensor contiguous(const Tensor& x);
std::vector<Tensor> unbind(const Tensor& x, int64_t dim = 0);
std::vector<Tensor> split(const Tensor& x, int64_t split_size, int64_t dim = 0);
std::vector<Tensor> split_with_sizes(const Tensor& x, IntArrayRef split_sizes, int64_t dim = 0);
std::vector<Tensor> chunk(const Tensor& x, int64_t chunks, int64_t dim = 0);
Tensor cat(TensorList tensors, int64_t dim = 0);
Tensor stack(TensorList tensors, int64_t dim = 0);
std::vector<Tensor> broadcast_tensors(TensorList tensors);
/// x tiled repeats[d] times along each dim (RepeatBackward0).
Tensor repeat(const Tensor& x, IntArrayRef repeats);

// ---- views with a given geometry (src/ops/as_strided.cpp) ---------------------------------------
Tensor as_strided(const Tensor& x, IntArrayRef size, IntArrayRef stride,
                  std::optional<int64_t> storage_offset = std::nullopt);
Tensor alias(const Tensor& x);
Tensor _reshape_alias(const Tensor& x, IntArrayRef size, IntArrayRef stride);
/// The derivative of as_strided: the gradient of a tensor with geometry (base_sizes, base_strides,
/// base_offset) from that of a view of its memory with geometry (sizes, strides, offset).
Tensor as_strided_backward(const Tensor& grad, IntArrayRef base_sizes, IntArrayRef base_strides, int64_t base_offset,
                           IntArrayRef sizes, IntArrayRef strides, int64_t offset);

}  // namespace xgrad
