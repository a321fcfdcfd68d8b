// ops/embedding.hpp: torch::embedding (rows of a weight matrix picked by index), torch::embedding_bag
// (those rows summed, averaged or maxed per bag) and torch::embedding_renorm_, as ATen has them.
// The maths is in src/ops/embedding.cpp; the layers in nn/modules/embedding.hpp.
#pragma once

#include <tuple>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// out[i..., :] = weight[indices[i...], :]; indices int64 or int32, each in [0, weight.size(0)).
/// Recorded as EmbeddingBackward0; no gradient reaches row padding_idx (-1: none), and with
/// scale_grad_by_freq each row's gradient is divided by how often its index occurs. sparse=true
/// (a sparse gradient) is not supported and throws.
Tensor embedding(const Tensor& weight, const Tensor& indices, int64_t padding_idx = -1, bool scale_grad_by_freq = false,
                 bool sparse = false);

/// Rescales in place (no graph) each row of weight named in indices whose norm_type-norm exceeds
/// max_norm to norm max_norm / (norm + 1e-7) * norm. Returns weight.
Tensor& embedding_renorm_(Tensor& weight, const Tensor& indices, double max_norm, double norm_type);

/// (output, offset2bag, bag_size, max_indices). Bag b holds indices[offsets[b] : offsets[b + 1]]
/// (the last one runs to the end unless include_last_offset); mode 0 sums (weighted by
/// per_sample_weights when given), 1 averages, 2 takes the elementwise max. Entries equal to
/// padding_idx are left out of their bag; an empty bag gives zeros. Recorded as EmbeddingBagBackward0.
std::tuple<Tensor, Tensor, Tensor, Tensor> embedding_bag(const Tensor& weight, const Tensor& indices,
                                                         const Tensor& offsets, bool scale_grad_by_freq = false,
                                                         int64_t mode = 0, bool sparse = false,
                                                         const Tensor& per_sample_weights = {},
                                                         bool include_last_offset = false, int64_t padding_idx = -1);

}  // namespace xgrad
