// unsafe_split.hpp: split and chunk whose pieces autograd does not track as views (ATen's
// unsafe_split / unsafe_chunk, which its RNN cells use for the gates). Defined in shape_ops.cpp;
// internal for now (libtorch also has them as torch::unsafe_chunk and Tensor::unsafe_chunk).
#pragma once

#include <vector>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// split / chunk's pieces, recorded as one UnsafeSplitBackward0 and not as views of x: do not
/// modify them in place.   d/dx: cat of the grads (zeros for unused)
std::vector<Tensor> unsafe_split(const Tensor& x, int64_t split_size, int64_t dim = 0);
std::vector<Tensor> unsafe_chunk(const Tensor& x, int64_t chunks, int64_t dim = 0);

}  // namespace xgrad
