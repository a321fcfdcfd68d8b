// view.cpp: how autograd follows views through in-place ops (See Note [Views and in-place ops]
// in autograd_meta.hpp): registering a view, the checks before an in-place op, rebasing history
// after it, and rebuilding a view's stale grad_fn. Read next: copy_slices.cpp.
#include <fmt/format.h>

#include "xgrad/autograd/autograd_meta.hpp"
#include "xgrad/autograd/copy_slices.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad::autograd {

CreationMeta current_creation_meta() {
  if (InferenceMode::is_enabled()) return CreationMeta::INFERENCE_MODE;
  return GradMode::is_enabled() ? CreationMeta::DEFAULT : CreationMeta::NO_GRAD_MODE;
}

const Tensor& make_view_of(const Tensor& base, const Tensor& view, CreationMeta creation_meta) {
  Tensor root = base;
  if (const DifferentiableViewMeta* base_meta = get_view_autograd_meta(base)) {
    root = base_meta->base();  // a view of a view is a view of the root base
    creation_meta = propagate_creation_meta(base_meta->get_creation_meta(), creation_meta);
  }
  TensorImpl* impl = view.unsafeGetTensorImpl();
  impl->autograd = std::make_unique<DifferentiableViewMeta>(std::move(root), creation_meta, view._version());
  return view;
}

void handle_view_on_rebase(const Tensor& view, DifferentiableViewMeta& meta, bool indirect) {
  const CreationMeta creation_meta = meta.get_creation_meta();
  if (creation_meta == CreationMeta::DEFAULT) return;
  const TensorImpl* impl = view.unsafeGetTensorImpl();
  const std::string modified = indirect ? "its base or another view of its base has been" : "is being";
  std::string msg;
  if (impl->grad_fn) {
    msg = fmt::format("Output {} of {} is a view and {} modified inplace.", impl->output_nr, impl->grad_fn->name(),
                      modified);
  } else if (creation_meta == CreationMeta::INFERENCE_MODE) {
    msg = fmt::format("A view was created in inference mode and {} modified inplace in normal mode.", modified);
  } else {
    msg = fmt::format("A view was created in no_grad mode and {} modified inplace with grad mode enabled.", modified);
  }
  switch (creation_meta) {
    case CreationMeta::MULTI_OUTPUT_NODE:
      msg += " This view is the output of a function that returns multiple views. Such functions do not allow the "
             "output views to be modified inplace. You should replace the inplace operation by an out-of-place one.";
      break;
    case CreationMeta::NO_GRAD_MODE:
      msg += " Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by "
             "moving both the view and the inplace either both inside the no_grad block (if you don't want the "
             "inplace to be tracked) or both outside (if you want the inplace to be tracked).";
      break;
    case CreationMeta::INFERENCE_MODE:
      msg += " Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by "
             "moving both the view and the inplace either both inside the inference_mode block (if you don't want "
             "the inplace to be tracked) or both outside (if you want the inplace to be tracked).";
      break;
    case CreationMeta::IN_CUSTOM_FUNCTION:
      msg += " This view was created inside a custom Function (or because an input was returned as-is) and the "
             "autograd logic to handle view+inplace would override the custom backward associated with the custom "
             "Function, leading to incorrect gradients. This behavior is forbidden. You can fix this by cloning the "
             "output of the custom Function.";
      break;
    case CreationMeta::DEFAULT:
      break;
  }
  throw Error(msg);
}

void check_inplace(const Tensor& self, bool requires_grad) {
  if (self.is_inference() && !InferenceMode::is_enabled())
    self.unsafeGetTensorImpl()->bump_version();  // throws PyTorch's "Inplace update to inference tensor ..."
  if (!requires_grad || !GradMode::is_enabled()) return;
  if (DifferentiableViewMeta* meta = get_view_autograd_meta(self)) {
    handle_view_on_rebase(self, *meta);
    if (self.requires_grad() && meta->base().is_leaf())
      throw Error("a view of a leaf Variable that requires grad is being used in an in-place operation.");
  }
  if (self.requires_grad() && self.is_leaf())
    throw Error("a leaf Variable that requires grad is being used in an in-place operation.");
}

void rebase_history(const Tensor& self, std::shared_ptr<Node> fn, uint32_t output_nr) {
  TensorImpl* impl = self.unsafeGetTensorImpl();
  if (DifferentiableViewMeta* meta = get_view_autograd_meta(self)) {
    // check_inplace made sure this view may be written (its CreationMeta is DEFAULT).
    XGRAD_CHECK(fn->num_inputs() == 1, "Functions which modify views in-place must return a single Variable");
    impl->output_nr = 0;
    auto copy_slices = std::make_shared<CopySlices>(meta->base(), TensorGeometry(self), std::move(fn));
    set_history(meta->base(), copy_slices, 0);
    (void)self.grad_fn();  // the view's history is stale now: rebuild it from the base's
    return;
  }
  std::shared_ptr<Node> old_fn = impl->grad_fn;
  set_history(self, fn, output_nr);
  update_tensor_hooks_on_new_gradfn(self, old_fn, fn);
}

const std::shared_ptr<Node>& view_grad_fn(const Tensor& self, DifferentiableViewMeta& meta) {
  TensorImpl* impl = self.unsafeGetTensorImpl();
  const Tensor& base = meta.base();
  if (!impl->grad_fn && !base.requires_grad()) return impl->grad_fn;
  const uint32_t version = self._version();
  if (meta.get_attr_version() == version) return impl->grad_fn;

  // The base or another of its views was written since this grad_fn was made: the view is now
  // "the part of the base's current value at this geometry".
  handle_view_on_rebase(self, meta, /*indirect=*/true);
  DimVector base_sizes(base.sizes()), base_strides(base.strides()), sizes(self.sizes()), strides(self.strides());
  const int64_t base_offset = base.storage_offset(), offset = self.storage_offset();
  std::shared_ptr<Node> fn = make_node(
      "AsStridedBackward0", save(),
      [base_sizes, base_strides, base_offset, sizes, strides, offset](const Tensor& grad) -> variable_list {
        return {as_strided_backward(grad, base_sizes, base_strides, base_offset, sizes, strides, offset)};
      });
  fn->add_next_edge(gradient_edge(base));
  fn->add_input_metadata(self);
  detail::note_forward_op(*fn, {base});
  std::shared_ptr<Node> old_fn = std::move(impl->grad_fn);
  impl->grad_fn = fn;
  impl->output_nr = 0;
  meta.set_attr_version(version);
  update_tensor_hooks_on_new_gradfn(self, old_fn, fn);
  return impl->grad_fn;
}

}  // namespace xgrad::autograd
