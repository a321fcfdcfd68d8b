// loss_ctc.cpp: ctc_loss, the connectionist temporal classification loss, as ATen computes it on
// the CPU: one node (CtcLossBackward0) over the log-space alpha/beta recursions of
// src/kernels/ctc.hpp, then zero_infinity's where and the reduction, composed as ATen composes them.
// Read next: loss_nll.cpp.
#include <limits>
#include <vector>

#include "kernels/ctc.hpp"
#include "ops/op_utils.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/indexing.hpp"
#include "xgrad/ops/loss.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

using autograd::record;
using autograd::save;
using autograd::variable_list;

namespace {

constexpr const char* kWhile = " (while checking arguments for ctc_loss_cpu)";

/// Each sample's lengths and where its targets lie in the contiguous int64 `targets`, after ATen's
/// checks (ctc_loss_cpu_template) with its messages.
std::vector<kernels::CtcSample> ctc_samples(const Tensor& log_probs, const Tensor& targets, IntArrayRef input_lengths,
                                            IntArrayRef target_lengths, int64_t blank) {
  XGRAD_CHECK(log_probs.dim() == 3,
              "Expected 3-dimensional tensor, but got {}-dimensional tensor for argument #1 'log_probs'{}",
              log_probs.dim(), kWhile);
  XGRAD_CHECK(targets.dim() >= 1 && targets.dim() < 3,
              "Expected 1 to 2 dimensions, but got {}-dimensional tensor for argument #2 'targets'{}", targets.dim(),
              kWhile);
  const int64_t batch_size = log_probs.size(1), num_labels = log_probs.size(2);
  XGRAD_CHECK(0 <= blank && blank < num_labels, "blank must be in label range");
  XGRAD_CHECK(static_cast<int64_t>(input_lengths.size()) == batch_size, "input_lengths must be of size batch_size");
  XGRAD_CHECK(static_cast<int64_t>(target_lengths.size()) == batch_size, "target_lengths must be of size batch_size");
  std::vector<kernels::CtcSample> samples(static_cast<size_t>(batch_size));
  int64_t max_target_length = 0;
  for (int64_t b = 0; b < batch_size; ++b) {
    // PyTorch does not check these; negative lengths make it read outside its buffers.
    XGRAD_CHECK(input_lengths[b] >= 0 && target_lengths[b] >= 0,
                "ctc_loss: lengths must not be negative, but sample {} has input length {} and target length {}", b,
                input_lengths[b], target_lengths[b]);
    max_target_length = std::max(max_target_length, target_lengths[b]);
  }
  if (targets.dim() == 1) {  // concatenated targets
    int64_t pos = 0;
    for (int64_t b = 0; b < batch_size; ++b) {
      samples[b] = {input_lengths[b], target_lengths[b], pos, 1};
      pos += target_lengths[b];
    }
    XGRAD_CHECK(targets.size(0) == pos,
                "Expected tensor to have size {} at dimension 0, but got size {} for argument #2 'targets'{}", pos,
                targets.size(0), kWhile);
  } else {  // (batch, max_target_length), padded
    XGRAD_CHECK(targets.size(0) == batch_size,
                "Expected tensor to have size {} at dimension 0, but got size {} for argument #2 'targets'{}",
                batch_size, targets.size(0), kWhile);
    XGRAD_CHECK(targets.size(1) >= max_target_length,
                "Expected tensor to have size at least {} at dimension 1, but got size {} for argument #2 'targets'{}",
                max_target_length, targets.size(1), kWhile);
    for (int64_t b = 0; b < batch_size; ++b) samples[b] = {input_lengths[b], target_lengths[b], b * targets.size(1), 1};
  }
  const int64_t max_input_length = log_probs.size(0);
  for (int64_t b = 0; b < batch_size; ++b)
    XGRAD_CHECK(input_lengths[b] <= max_input_length,
                "Expected input_lengths to have value at most {}, but got value {}{}", max_input_length,
                input_lengths[b], kWhile);
  // PyTorch reads log_probs at any label without checking it (garbage past C); xgrad refuses.
  const int64_t* tp = targets.data_ptr<int64_t>();
  for (const auto& s : samples)
    for (int64_t k = 0; k < s.target_length; ++k) {
      const int64_t label = tp[s.offset + k * s.stride];
      XGRAD_CHECK(label >= 0 && label < num_labels, "ctc_loss: target {} is not a label in [0, {})", label, num_labels);
    }
  return samples;
}

/// ATen's _ctc_loss: the loss of each sample, (N), recorded as CtcLossBackward0.
/// d/dlp(t, c) = (exp(lp) - exp(lse_{s: l'_s = c}(alpha_t(s) + beta_t(s)) + nll - lp)) g for t < T_n
/// (see kernels::ctc_grad).      saves: log_probs, targets, the losses, log_alpha
Tensor ctc_loss_node(const Tensor& log_probs, const Tensor& targets, IntArrayRef input_lengths,
                     IntArrayRef target_lengths, int64_t blank, bool zero_infinity) {
  Tensor tg = detail::contiguous_raw(targets);
  auto samples = ctc_samples(log_probs, tg, input_lengths, target_lengths, blank);
  const int64_t tmax = log_probs.size(0), n = log_probs.size(1), c = log_probs.size(2);
  int64_t max_l = 0;
  for (const auto& s : samples) max_l = std::max(max_l, s.target_length);
  const int64_t sp = 2 * max_l + 1;
  Tensor lp = detail::contiguous_raw(log_probs);
  Tensor log_alpha = detail::make_empty({n, tmax, sp}, log_probs.scalar_type());
  Tensor nll = detail::make_empty({n}, log_probs.scalar_type());
  visit_floating(log_probs.scalar_type(), "ctc_loss_cpu", [&](auto tag) {
    using T = decltype(tag);
    for (int64_t b = 0; b < n; ++b)
      nll.data_ptr<T>()[b] = kernels::ctc_alpha<T>(lp.data_ptr<T>(), n, c, tg.data_ptr<int64_t>(), samples[b], blank,
                                                    log_alpha.data_ptr<T>() + b * tmax * sp, sp, b);
  });
  Tensor nll_saved = detail::contiguous_raw(nll, /*force=*/true);  // the output itself would make a cycle
  return record("CtcLossBackward0", nll, {log_probs}, save(log_probs),
                [tg, samples, blank, zero_infinity, log_alpha, nll_saved, tmax, n, c, sp](
                    const Tensor& g, const Tensor& log_probs) -> variable_list {
                  Tensor lpc = detail::contiguous_raw(log_probs), gc = detail::contiguous_raw(g);
                  Tensor grad = detail::make_empty({tmax, n, c}, log_probs.scalar_type());
                  visit_floating(log_probs.scalar_type(), "ctc_loss_backward_cpu", [&](auto tag) {
                    using T = decltype(tag);
                    for (int64_t b = 0; b < n; ++b)
                      kernels::ctc_grad<T>(lpc.data_ptr<T>(), tmax, n, c, tg.data_ptr<int64_t>(), samples[b], blank,
                                           log_alpha.data_ptr<T>() + b * tmax * sp, sp, nll_saved.data_ptr<T>()[b],
                                           gc.data_ptr<T>()[b], zero_infinity, grad.data_ptr<T>(), b);
                  });
                  // PyTorch has no derivative for _ctc_loss_backward (see multi_margin_loss).
                  return {record("NotImplemented", grad, {g, log_probs}, [](const Tensor&) -> variable_list {
                    throw Error("derivative for aten::_ctc_loss_backward is not implemented");
                  })};
                });
}

std::vector<int64_t> lengths_of(const Tensor& lengths) {
  Tensor l = detail::contiguous_raw(lengths.to(kLong));
  const int64_t* p = l.data_ptr<int64_t>();
  return std::vector<int64_t>(p, p + l.numel());
}

}  // namespace

/// ctc_loss(log_probs (T, N, C) or (T, C), targets, input_lengths, target_lengths): per sample
/// -log sum over the alignments of its target of prod_t exp(lp(t, path_t)); zero_infinity turns
/// infinite losses (and their gradients) into 0; 'mean' divides each loss by its target length
/// (at least 1) before averaging. Composite around the CtcLossBackward0 node, as ATen.
Tensor ctc_loss(const Tensor& log_probs_in, const Tensor& targets, IntArrayRef input_lengths,
                IntArrayRef target_lengths, int64_t blank, int64_t reduction, bool zero_infinity) {
  const bool is_batched = log_probs_in.dim() == 3;
  Tensor log_probs = is_batched ? log_probs_in : unsqueeze(log_probs_in, 1);
  Tensor res = ctc_loss_node(log_probs, targets.to(kLong), input_lengths, target_lengths, blank, zero_infinity);
  if (zero_infinity)
    res = where(eq(res, std::numeric_limits<double>::infinity()), zeros({}, TensorOptions().dtype(res.scalar_type())), res);
  if (reduction == Reduction::Mean) {
    Tensor tl = tensor(std::vector<int64_t>(target_lengths.begin(), target_lengths.end()), TensorOptions().dtype(res.scalar_type()))
                    .clamp_min(1);
    return (res / tl).mean();
  }
  if (reduction == Reduction::Sum) return res.sum();
  return is_batched ? res : squeeze(res, 0);
}

/// The same with the lengths as integral tensors (ATen's convenience overload).
Tensor ctc_loss(const Tensor& log_probs, const Tensor& targets, const Tensor& input_lengths,
                const Tensor& target_lengths, int64_t blank, int64_t reduction, bool zero_infinity) {
  XGRAD_CHECK(isIntegralType(input_lengths.scalar_type(), false), "input_lengths must be integral");
  XGRAD_CHECK(isIntegralType(target_lengths.scalar_type(), false), "target_lengths must be integral");
  std::vector<int64_t> il = lengths_of(input_lengths), tl = lengths_of(target_lengths);
  return ctc_loss(log_probs, targets, il, tl, blank, reduction, zero_infinity);
}

}  // namespace xgrad
