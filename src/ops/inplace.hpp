// inplace.hpp (internal): how an in-place op is recorded when autograd must see it, shared by
// inplace.cpp (add_, mul_, copy_, ...) and the indexing ops (index_put_, masked_scatter_, ...).
// Read next: inplace.cpp.
//
// Note [In-place ops and autograd]
// Without autograd (the optimizer's updates, or tensors that need no grad) an in-place op just
// writes into the tensor's storage and bumps its version (Note [Version counters]).
// With autograd, x.mul_(y) must behave for backward like x' = x * y followed by x now being x'.
// We compute the out-of-place op on a snapshot of x (a copy that keeps x's place in the graph),
// write the result into x's storage, and make x the output of the new node (rebase_history). The
// snapshot is what the node saves, so the values backward needs survive the overwrite. When x is
// a view, its base's history becomes a CopySlices around that node (See Note [Views and in-place
// ops] in autograd/autograd_meta.hpp).
#pragma once

#include "ops/op_utils.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/format.hpp"

namespace xgrad::detail {

/// PyTorch's error when an in-place result cannot be written into self (shape or dtype).
void check_inplace_result(const Tensor& self, IntArrayRef shape, ScalarType dtype);
/// PyTorch's error for an elementwise write into a tensor whose elements share memory (an
/// expanded view: a stride 0 over a dim of size > 1). Fills are allowed; they write one value.
void assert_no_internal_overlap(const Tensor& self);

/// Runs `op` (the out-of-place form, called on a snapshot of self) as an in-place op on `self`,
/// recording it if self or one of `others` requires grad; see the Note above.
template <class Op>
Tensor& inplace_with_autograd(Tensor& self, TensorList others, Op&& op) {
  const bool requires_grad = autograd::compute_requires_grad({self}) || autograd::compute_requires_grad(others);
  autograd::check_inplace(self, requires_grad);
  Tensor snapshot = contiguous_raw(self, /*force=*/true);
  if (requires_grad) {
    if (const auto& fn = self.grad_fn()) autograd::set_history(snapshot, fn, self.output_nr());
  }
  Tensor result = op(snapshot);
  check_inplace_result(self, result.sizes(), result.scalar_type());
  copy_raw(self, result);
  self.unsafeGetTensorImpl()->storage->bump_version();
  if (requires_grad && result.grad_fn()) autograd::rebase_history(self, result.grad_fn());
  return self;
}

/// Inside an in-place op with autograd, an operand that is `self` itself (x.mul_(x)) is passed as
/// a second handle on self's storage and history. The node may save it without a cycle (saving
/// self would: self's grad_fn becomes that node), and since the write bumps the shared version,
/// backward refuses it with PyTorch's "modified by an inplace operation", as PyTorch does.
Tensor alias_for_inplace(const Tensor& operand, const Tensor& self);

}  // namespace xgrad::detail
