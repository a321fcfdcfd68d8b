// autograd_meta.hpp: the autograd state of one tensor beyond its identity in the graph (which
// TensorImpl holds: requires_grad, grad_fn, output_nr): its .grad, its hooks, retain_grad, and a
// leaf's AccumulateGrad node, held weakly. A leaf has no grad_fn; its gradients reach it through
// that AccumulateGrad. A view keeps a DifferentiableViewMeta instead: its base and how it was
// made (Note [Views and in-place ops]). Read next: node.hpp, then src/autograd/view.cpp.
//
// Note [Views and in-place ops]
// A view (x[0], x.t(), x.view(...)) shares its base's storage, so writing into one changes the
// other. Autograd follows PyTorch here:
//  - a view remembers its root base (the tensor that owns the memory, never another view) and
//    the geometry it has over that memory (sizes, strides, offset);
//  - an in-place op on a view makes the *base's* grad_fn a CopySlices node: its backward takes
//    the base's gradient, lets the op's backward act on the viewed part and leaves the rest
//    (autograd/copy_slices.hpp);
//  - the view's own grad_fn is then stale, and so is every other view of that base: grad_fn()
//    notices that the storage's version moved since it was made and rebuilds it as an
//    AsStridedBackward0 pointing at the base's new history;
//  - some views must never be written while autograd records, and refuse with PyTorch's
//    messages: views of a leaf that requires grad, views made under no_grad (CreationMeta),
//    the outputs of unbind/split/chunk (one node made them all).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "xgrad/core/pool_allocator.hpp"
#include "xgrad/core/tensor.hpp"

namespace xgrad::autograd {

using TensorHook = std::function<Tensor(const Tensor&)>;

struct AutogradMeta {
  AutogradMeta() = default;
  virtual ~AutogradMeta() = default;
  AutogradMeta(const AutogradMeta&) = delete;
  AutogradMeta& operator=(const AutogradMeta&) = delete;
  // Every view op makes one of these (a DifferentiableViewMeta), so they come from the pool.
  static void* operator new(size_t bytes) { return xgrad::detail::SmallObjectPool::allocate(bytes); }
  static void operator delete(void* p, size_t bytes) { xgrad::detail::SmallObjectPool::deallocate(p, bytes); }

  bool retains_grad = false;
  bool is_view_ = false;  // this is a DifferentiableViewMeta
  Tensor grad;
  std::weak_ptr<Node> grad_accumulator;  // a leaf's AccumulateGrad, while a graph uses it
  std::vector<std::pair<unsigned, TensorHook>> hooks;  // a leaf's hooks (a non-leaf's live on grad_fn)
};

/// How a view was made, which decides whether it may be written in place while autograd records
/// (PyTorch's CreationMeta): DEFAULT views may; the others refuse with a message saying why.
enum class CreationMeta : uint8_t {
  DEFAULT,
  IN_CUSTOM_FUNCTION,  // returned by a custom Function's forward
  MULTI_OUTPUT_NODE,   // one of several views one node made (unbind, split, chunk)
  NO_GRAD_MODE,        // made while grad mode was off
  INFERENCE_MODE       // made under InferenceMode
};

/// A view keeps the most restrictive of its base view's CreationMeta and its own.
inline CreationMeta propagate_creation_meta(CreationMeta prev_view, CreationMeta new_view) {
  if (new_view == CreationMeta::DEFAULT) return prev_view;
  return prev_view == CreationMeta::INFERENCE_MODE ? prev_view : new_view;
}

/// The autograd state of a view: AutogradMeta plus its root base, how it was made, and the
/// storage version its grad_fn was made at (See Note [Views and in-place ops]).
struct DifferentiableViewMeta final : AutogradMeta {
  DifferentiableViewMeta(Tensor base, CreationMeta creation_meta, uint32_t version)
      : base_(std::move(base)), attr_version_(version), creation_meta_(creation_meta) {
    is_view_ = true;
  }
  bool has_bw_view() const { return true; }
  /// The tensor that owns the memory (never itself a view).
  const Tensor& base() const { return base_; }
  CreationMeta get_creation_meta() const { return creation_meta_; }
  void set_creation_meta(CreationMeta creation_meta) { creation_meta_ = creation_meta; }
  uint32_t get_attr_version() const { return attr_version_; }
  void set_attr_version(uint32_t version) { attr_version_ = version; }

 private:
  Tensor base_;
  uint32_t attr_version_;
  CreationMeta creation_meta_;
};

/// The tensor's AutogradMeta, created on first use.
AutogradMeta& materialize_autograd_meta(const Tensor& t);
/// The tensor's AutogradMeta, or nullptr if it has none.
inline AutogradMeta* autograd_meta(const Tensor& t) { return t.unsafeGetTensorImpl()->autograd.get(); }
/// The view state of `t`, or nullptr if `t` is not a view.
inline DifferentiableViewMeta* get_view_autograd_meta(const Tensor& t) {
  AutogradMeta* meta = t.unsafeGetTensorImpl()->autograd.get();
  return meta != nullptr && meta->is_view_ ? static_cast<DifferentiableViewMeta*>(meta) : nullptr;
}
/// Makes `t` the output number `output_nr` of `fn`.
void set_history(const Tensor& t, const std::shared_ptr<Node>& fn, uint32_t output_nr);
/// A leaf's AccumulateGrad node (created if no graph holds one now).
std::shared_ptr<Node> grad_accumulator(const Tensor& leaf);

// ---- views (src/autograd/view.cpp) ------------------------------------------------------------

/// The CreationMeta a view made now gets: DEFAULT, or NO_GRAD_MODE under no_grad.
CreationMeta current_creation_meta();
/// Registers `view` (fresh, sharing base's storage) as a view of `base` (PyTorch's as_view):
/// its root base is base's root base, its CreationMeta the stricter of base's and `creation_meta`.
/// Returns `view`.
const Tensor& make_view_of(const Tensor& base, const Tensor& view, CreationMeta creation_meta);
/// Throws PyTorch's error if the view must not be modified in place (See Note [Views and in-place
/// ops]); `indirect`: its base or another view was modified, not the view itself.
void handle_view_on_rebase(const Tensor& view, DifferentiableViewMeta& meta, bool indirect = false);
/// PyTorch's checks before an in-place op on `self`; `requires_grad`: whether the op will be
/// recorded (grad mode on and self or an operand requires grad).
void check_inplace(const Tensor& self, bool requires_grad);
/// After an in-place op on `self` recorded as node `fn`: `self` is now fn's output `output_nr`. On
/// a view, the base's history becomes CopySlices(fn) (fn must have one output) and the view's
/// grad_fn is rebuilt from it.
void rebase_history(const Tensor& self, std::shared_ptr<Node> fn, uint32_t output_nr = 0);
/// A view's grad_fn (what Tensor::grad_fn() returns for it), rebuilt as AsStridedBackward0 if the
/// storage was written since it was made.
const std::shared_ptr<Node>& view_grad_fn(const Tensor& self, DifferentiableViewMeta& meta);
/// When `self`'s grad_fn changes from old_fn to new_fn: its retain_grad() moves to new_fn (hooks
/// registered before stay with old_fn, as in PyTorch). In variable.cpp.
void update_tensor_hooks_on_new_gradfn(const Tensor& self, const std::shared_ptr<Node>& old_fn,
                                       const std::shared_ptr<Node>& new_fn);

}  // namespace xgrad::autograd
