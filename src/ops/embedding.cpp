// embedding.cpp: embedding (a lookup of weight rows), embedding_renorm_ (max_norm) and
// embedding_bag (a lookup reduced per bag), with ATen's checks and messages. Their gradients are
// written with index_add / scatter_add, so they are themselves differentiable.
// Read next: src/nn/modules/embedding.cpp (the layers).
#include "xgrad/ops/embedding.hpp"

#include <cmath>
#include <vector>

#include "kernels/embedding.hpp"
#include "ops/op_utils.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/indexing.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

using autograd::needs_input_grad;
using autograd::record;
using autograd::save;
using autograd::variable_list;

namespace {

/// ATen's checkScalarTypes(op, indices, {kLong, kInt}).
void check_indices_dtype(const Tensor& t, const char* op) {
  XGRAD_CHECK(t.scalar_type() == kLong || t.scalar_type() == kInt,
              "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got "
              "{} instead (while checking arguments for {})",
              legacy_type_name(t.scalar_type()), op);
}

/// The indices as a contiguous int64 vector-shaped tensor (no graph).
Tensor flat_long(const Tensor& t) { return detail::contiguous_raw(detail::convert(t, kLong)).reshape({-1}); }

/// How often each row is named in idx (int64, flattened), as one value per entry of idx: the
/// divisor of scale_grad_by_freq.
std::vector<int64_t> counts_per_entry(const int64_t* idx, int64_t n, int64_t rows) {
  std::vector<int64_t> count(static_cast<size_t>(rows), 0), out(static_cast<size_t>(n));
  for (int64_t k = 0; k < n; ++k) ++count[static_cast<size_t>(idx[k])];
  for (int64_t k = 0; k < n; ++k) out[static_cast<size_t>(k)] = count[static_cast<size_t>(idx[k])];
  return out;
}

}  // namespace

/// embedding(W, idx)[i..., :] = W[idx[i...], :]
/// d/dW = zeros(W) with grad's rows added at idx (index_add), each scaled by s_k: 0 where
///        idx = padding_idx, 1 / count(idx_k) with scale_grad_by_freq, else 1.
/// saves: the flattened indices and the per-entry scale (constants)
Tensor embedding(const Tensor& weight, const Tensor& indices, int64_t padding_idx, bool scale_grad_by_freq,
                 bool sparse) {
  XGRAD_CHECK(weight.dim() == 2, "'weight' must be 2-D");
  check_indices_dtype(indices, "embedding");
  XGRAD_CHECK_T(NotImplementedError, !sparse,
                "embedding: sparse=true (a sparse gradient for the weight) is not supported by xgrad, which has no "
                "sparse tensors; use sparse=false");
  const int64_t rows = weight.size(0), dim = weight.size(1);
  Tensor idx = flat_long(indices);
  const int64_t n = idx.numel();
  const int64_t* ip = idx.data_ptr<int64_t>();
  for (int64_t k = 0; k < n; ++k) XGRAD_CHECK_T(IndexError, ip[k] >= 0 && ip[k] < rows, "index out of range in self");
  Tensor out;
  {
    NoGradGuard no_grad;
    DimVector shape(indices.sizes());
    shape.push_back(dim);
    out = detail::contiguous_raw(index_select(weight, 0, idx), /*force=*/true).reshape(shape);
  }
  // The per-entry scale of the gradient, only when it is not all ones.
  bool plain = !scale_grad_by_freq;
  for (int64_t k = 0; k < n && plain; ++k) plain = ip[k] != padding_idx;
  Tensor scale;
  if (!plain) {
    std::vector<int64_t> count = scale_grad_by_freq ? counts_per_entry(ip, n, rows) : std::vector<int64_t>();
    Tensor s64 = empty({n, 1}, kDouble);
    double* sp = s64.data_ptr<double>();
    for (int64_t k = 0; k < n; ++k)
      sp[k] = ip[k] == padding_idx ? 0.0 : (scale_grad_by_freq ? 1.0 / static_cast<double>(count[k]) : 1.0);
    scale = detail::convert(s64, weight.scalar_type());
  }
  const ScalarType dt = weight.scalar_type();
  return record("EmbeddingBackward0", out, {weight}, save(idx, scale),
                [rows, dim, n, dt](const Tensor& g, const Tensor& idx, const Tensor& scale) -> variable_list {
                  Tensor rows_grad = g.reshape({n, dim});
                  if (scale.defined()) rows_grad = rows_grad * scale;
                  return {index_add(zeros({rows, dim}, dt), 0, idx, rows_grad)};
                });
}

Tensor& embedding_renorm_(Tensor& weight, const Tensor& indices, double max_norm, double norm_type) {
  XGRAD_CHECK(weight.dim() == 2, "'weight' must be 2-D");
  check_indices_dtype(indices, "embedding_renorm_");
  Tensor idx = flat_long(indices);
  const int64_t n = idx.numel(), rows = weight.size(0);
  const int64_t* ip = idx.data_ptr<int64_t>();
  // ATen renormalises each distinct row once, in increasing order.
  std::vector<bool> seen(static_cast<size_t>(rows), false);
  for (int64_t k = 0; k < n; ++k) {
    XGRAD_CHECK_T(IndexError, ip[k] >= 0 && ip[k] < rows, "index out of range in self");
    seen[static_cast<size_t>(ip[k])] = true;
  }
  NoGradGuard no_grad;
  for (int64_t r = 0; r < rows; ++r) {
    if (!seen[static_cast<size_t>(r)]) continue;
    Tensor row = weight.select(0, r);
    const double norm = row.norm(norm_type).item<double>();
    if (norm > max_norm) row.mul_(max_norm / (norm + 1e-7));
  }
  return weight;
}

/// embedding_bag(W, idx, offsets)[b, :] = reduce over k in bag b (idx_k != padding_idx) of W[idx_k, :]
///   sum: sum_k psw_k W[idx_k]    mean: (1 / |b|) sum_k W[idx_k]    max: max_k W[idx_k] (per column)
/// d/dW   (sum, mean) = index_add over k of grad[bag_k] * s_k, s_k = psw_k or 1 / |bag_k| (and
///        1 / count(idx_k) with scale_grad_by_freq); (max) grad[b, j] added to W[argmax_bj, j]
/// d/dpsw = sum_j grad[bag_k, j] W[idx_k, j] (0 where idx_k = padding_idx)
/// saves: indices, offset2bag, the scales, max_indices, W when psw needs a gradient
std::tuple<Tensor, Tensor, Tensor, Tensor> embedding_bag(const Tensor& weight, const Tensor& indices,
                                                         const Tensor& offsets, bool scale_grad_by_freq, int64_t mode,
                                                         bool sparse, const Tensor& per_sample_weights,
                                                         bool include_last_offset, int64_t padding_idx) {
  XGRAD_CHECK(weight.dim() == 2, "'weight' must be 2-D");
  check_indices_dtype(indices, "embedding_bag");
  check_indices_dtype(offsets, "embedding_bag");
  XGRAD_CHECK(weight.scalar_type() == kFloat || weight.scalar_type() == kDouble,
              "\"embedding_bag_cpu\" not implemented for '{}'", scalar_type_name(weight.scalar_type()));
  XGRAD_CHECK(mode >= 0 && mode <= 2, "mode has to be one of sum, mean or max");
  XGRAD_CHECK_T(NotImplementedError, !sparse,
                "embedding_bag: sparse=true (a sparse gradient for the weight) is not supported by xgrad, which has no "
                "sparse tensors; use sparse=false");
  XGRAD_CHECK(indices.dim() == 1, "input has to be a 1D Tensor, but got Tensor of dimension {}", indices.dim());
  XGRAD_CHECK(offsets.dim() == 1, "offsets has to be a 1D Tensor, but got Tensor of dimension {}", offsets.dim());
  XGRAD_CHECK(mode != 2 || !scale_grad_by_freq, "max mode does not support scaling the gradient by the frequency");
  const bool weighted = per_sample_weights.defined();
  if (weighted) {
    XGRAD_CHECK(mode == 0, "embedding_bag: per_sample_weights only supported with mode='sum'");
    XGRAD_CHECK(per_sample_weights.scalar_type() == weight.scalar_type(),
                "Expected tensor for argument #1 'weight' to have the same type as tensor for argument #1 "
                "'per_sample_weights'; but type {} does not equal {} (while checking arguments for embedding_bag)",
                legacy_type_name(weight.scalar_type()), legacy_type_name(per_sample_weights.scalar_type()));
    XGRAD_CHECK(per_sample_weights.dim() == 1, "embedding_bag: per_sample_weights has to be a 1D Tensor");
    XGRAD_CHECK(per_sample_weights.numel() == indices.numel(),
                "embedding_bag: expected per_sample_weights.numel() ({}) to be the same as indices.numel() ({})",
                per_sample_weights.numel(), indices.numel());
  }
  const int64_t rows = weight.size(0), dim = weight.size(1);
  Tensor idx = flat_long(indices), offs = flat_long(offsets);
  const int64_t n = idx.numel(), no = offs.numel();
  const int64_t bags = include_last_offset ? std::max<int64_t>(no - 1, 0) : no;
  if (padding_idx < 0) padding_idx = -1;
  const int64_t* ip = idx.data_ptr<int64_t>();
  const int64_t* op = offs.data_ptr<int64_t>();
  for (int64_t k = 0; k < n; ++k)
    XGRAD_CHECK(ip[k] >= 0 && ip[k] < rows,
                "embedding_bag: Expected idx >= 0 && idx < num_embeddings but found idx to be {}", ip[k]);
  // Bag b spans [start[b], end[b]); offset2bag[k] is the bag of entry k (-1: in none).
  std::vector<int64_t> start(static_cast<size_t>(bags)), end(static_cast<size_t>(bags));
  for (int64_t b = 0; b < bags; ++b) {
    start[b] = op[b];
    end[b] = b + 1 < no ? op[b + 1] : n;
    XGRAD_CHECK(start[b] >= 0 && start[b] <= end[b] && end[b] <= n,
                "embedding_bag: offsets must be non-decreasing and within [0, {}], but got offsets[{}] = {} and the "
                "bag ends at {}",
                n, b, start[b], end[b]);
  }
  Tensor offset2bag = full({n}, -1, kLong);
  int64_t* o2b = offset2bag.data_ptr<int64_t>();
  for (int64_t b = 0; b < bags; ++b)
    for (int64_t k = start[b]; k < end[b]; ++k) o2b[k] = b;

  const ScalarType dt = weight.scalar_type();
  Tensor wc = detail::contiguous_raw(weight);
  Tensor psw = weighted ? detail::contiguous_raw(per_sample_weights) : Tensor();
  Tensor out = empty({bags, dim}, dt), bag_size = empty({bags}, kLong);
  Tensor max_indices = mode == 2 ? empty({bags, dim}, kLong) : Tensor();
  visit_floating(dt, "embedding_bag_cpu", [&](auto tag) {
    using T = decltype(tag);
    kernels::embedding_bag_forward<T>(wc.data_ptr<T>(), dim, ip, start.data(), end.data(), bags, mode,
                                      weighted ? psw.data_ptr<T>() : nullptr, padding_idx, out.data_ptr<T>(),
                                      bag_size.data_ptr<int64_t>(), mode == 2 ? max_indices.data_ptr<int64_t>() : nullptr);
  });
  const int64_t* bs = bag_size.data_ptr<int64_t>();

  // The entries that reach a bag (kept), their rows, bags and gradient scales.
  std::vector<int64_t> keep;
  for (int64_t k = 0; k < n; ++k)
    if (o2b[k] >= 0 && ip[k] != padding_idx) keep.push_back(k);
  const int64_t nk = static_cast<int64_t>(keep.size());
  Tensor keep_t = empty({nk}, kLong), kept_rows = empty({nk}, kLong), kept_bags = empty({nk}, kLong);
  Tensor kept_scale = empty({nk, 1}, kDouble);
  std::vector<int64_t> count = scale_grad_by_freq ? counts_per_entry(ip, n, rows) : std::vector<int64_t>();
  for (int64_t i = 0; i < nk; ++i) {
    const int64_t k = keep[i];
    keep_t.data_ptr<int64_t>()[i] = k;
    kept_rows.data_ptr<int64_t>()[i] = ip[k];
    kept_bags.data_ptr<int64_t>()[i] = o2b[k];
    double s = mode == 1 ? 1.0 / static_cast<double>(bs[o2b[k]]) : 1.0;
    if (scale_grad_by_freq) s /= static_cast<double>(count[k]);
    kept_scale.data_ptr<double>()[i] = s;
  }
  kept_scale = detail::convert(kept_scale, dt);

  // What ATen returns beside the output: max_indices is the bag sizes outside max mode.
  Tensor aux_max = mode == 2 ? max_indices : bag_size.clone();
  Tensor result;
  if (mode == 2) {
    // Rows of max_indices of the non-empty bags, and those bags.
    std::vector<int64_t> full_bags;
    for (int64_t b = 0; b < bags; ++b)
      if (bs[b] > 0) full_bags.push_back(b);
    Tensor fb = empty({static_cast<int64_t>(full_bags.size())}, kLong);
    for (size_t i = 0; i < full_bags.size(); ++i) fb.data_ptr<int64_t>()[i] = full_bags[i];
    Tensor argmax = index_select(max_indices, 0, fb);
    result = record("EmbeddingBagBackward0", out, {weight}, save(fb, argmax),
                    [rows, dim, dt](const Tensor& g, const Tensor& fb, const Tensor& argmax) -> variable_list {
                      return {zeros({rows, dim}, dt).scatter_add(0, argmax, index_select(g, 0, fb))};
                    });
  } else if (!weighted) {
    result = record("EmbeddingBagBackward0", out, {weight}, save(kept_rows, kept_bags, kept_scale),
                    [rows, dim, dt](const Tensor& g, const Tensor& kr, const Tensor& kb,
                                    const Tensor& ks) -> variable_list {
                      return {index_add(zeros({rows, dim}, dt), 0, kr, index_select(g, 0, kb) * ks)};
                    });
  } else {
    result = record("EmbeddingBagBackward0", out, {weight, per_sample_weights},
                    save(weight, per_sample_weights, keep_t, kept_rows, kept_bags, kept_scale),
                    [rows, dim, dt, n](const Tensor& g, const Tensor& w, const Tensor& psw, const Tensor& keep,
                                       const Tensor& kr, const Tensor& kb, const Tensor& ks) -> variable_list {
                      Tensor gb = index_select(g, 0, kb);
                      Tensor grad_w, grad_psw;
                      if (needs_input_grad(0))
                        grad_w = index_add(zeros({rows, dim}, dt), 0, kr,
                                           gb * (index_select(psw, 0, keep).unsqueeze(1) * ks));
                      if (needs_input_grad(1))
                        grad_psw = index_add(zeros({n}, dt), 0, keep, (gb * index_select(w, 0, kr)).sum({1}));
                      return {grad_w, grad_psw};
                    });
  }
  // ATen's sum mode without weights leaves offset2bag empty (its fast path); the other modes fill it.
  Tensor o2b_out = mode == 0 && !weighted && padding_idx < 0 ? empty({0}, kLong) : offset2bag;
  return {result, o2b_out, bag_size, aux_max};
}

}  // namespace xgrad
