// distance.hpp: distances and similarities between batches of vectors (torch::pairwise_distance,
// torch::pdist, torch::cosine_similarity) and the bilinear form (torch::bilinear, built on _trilinear), composed
// of ops as ATen composes them. Defined in src/ops/distance.cpp. Read next: loss.hpp.
#pragma once

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// || x1 - x2 + eps ||_p over the last dim.
Tensor pairwise_distance(const Tensor& x1, const Tensor& x2, double p = 2, double eps = 1e-6, bool keepdim = false);
/// The p-norm distance of every pair of rows i < j of a 2-d input: n (n - 1) / 2 values
/// (PdistBackward0).
Tensor pdist(const Tensor& input, double p = 2);
/// <x1, x2> / (max(||x1||, eps) max(||x2||, eps)) along dim (x1, x2 broadcast together).
Tensor cosine_similarity(const Tensor& x1, const Tensor& x2, int64_t dim = 1, double eps = 1e-8);
/// ATen's _trilinear: i1, i2, i3 unsqueezed at their expand dims, multiplied, summed over sumdim
/// (TrilinearBackward0).
Tensor _trilinear(const Tensor& i1, const Tensor& i2, const Tensor& i3, IntArrayRef expand1, IntArrayRef expand2,
                  IntArrayRef expand3, IntArrayRef sumdim, int64_t unroll_dim = 1);
/// x1^T A x2 + b over the last dims: weight A is (out, in1, in2), bias b (out).
Tensor bilinear(const Tensor& input1, const Tensor& input2, const Tensor& weight, const Tensor& bias = {});

}  // namespace xgrad
