// saved_tensor.cpp: saving and unpacking tensors for backward.
// See Note [Version counters] and Note [Saving without cycles] in saved_tensor.hpp.
#include "xgrad/autograd/saved_tensor.hpp"

#include "xgrad/autograd/autograd_meta.hpp"
#include "xgrad/core/grad_mode.hpp"

namespace xgrad::autograd {

namespace {
// A new handle on the same storage, sizes and strides, with no autograd state.
Tensor alias_without_history(const Tensor& t) {
  const TensorImpl& src = *t.unsafeGetTensorImpl();
  auto impl = xgrad::detail::make_pooled<TensorImpl>(src.storage, src.storage_offset, src.sizes, src.strides, src.dtype);
  impl->is_inference = src.is_inference;
  impl->sparse = src.sparse;
  return Tensor(std::move(impl));
}
}  // namespace

const char* const kFreedSavedTensorsMessage =
    "Trying to backward through the graph a second time (or directly access saved tensors after they "
    "have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time or if you need to access saved tensors after calling backward.";

SavedTensor::SavedTensor(const Tensor& t, bool is_output, bool keep_grad_fn) {
  if (!t.defined()) return;
  XGRAD_CHECK(!t.is_inference(),
              "Inference tensors cannot be saved for backward. To work around you can make a clone to get a normal "
              "tensor and use it in autograd.");
  defined_ = true;
  version_ = t._version();
  const TensorImpl* impl = t.unsafeGetTensorImpl();
  requires_grad_ = t.requires_grad();
  if (impl->grad_fn == nullptr && impl->requires_grad) {
    leaf_ = t;  // a leaf has no grad_fn: keeping it makes no cycle
    data_ = t;
    return;
  }
  if (!is_output) {
    // An input: holding it makes no cycle either (it is older than the node), and costs no
    // allocation. Its grad_fn is recorded too, for the error message of unpack().
    input_ = t;
    data_ = t;
    if (impl->grad_fn) {
      output_nr_ = impl->output_nr;
      weak_grad_fn_ = impl->grad_fn;
    }
    return;
  }
  data_ = alias_without_history(t);
  if (impl->grad_fn) {
    output_nr_ = impl->output_nr;
    if (keep_grad_fn && !is_output)
      strong_grad_fn_ = impl->grad_fn;
    else
      weak_grad_fn_ = impl->grad_fn;
  }
}

void SavedTensor::reset() {
  if (!defined_) return;
  released_ = true;
  data_.reset();
  leaf_.reset();
  input_.reset();
  strong_grad_fn_.reset();
}

Tensor SavedTensor::unpack() const {
  if (!defined_) return Tensor();
  if (released_) throw Error(kFreedSavedTensorsMessage);
  if (data_._version() != version_) {
    std::shared_ptr<Node> fn = strong_grad_fn_ ? strong_grad_fn_ : weak_grad_fn_.lock();
    std::string shape;
    for (size_t i = 0; i < data_.sizes().size(); ++i) shape += (i ? ", " : "") + std::to_string(data_.sizes()[i]);
    std::string which = fn ? fmt::format(", which is output {} of {},", output_nr_, fn->name()) : "";
    throw Error(fmt::format(
        "one of the variables needed for gradient computation has been modified by an inplace operation: "
        "[{} [{}]]{} is at version {}; expected version {} instead. Hint: enable anomaly detection to find "
        "the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).",
        legacy_type_name(data_.scalar_type()), shape, which, data_._version(), version_));
  }
  if (leaf_.defined()) return leaf_;
  if (input_.defined()) return input_;  // still attached to its own grad_fn
  if (!GradMode::is_enabled() || !requires_grad_) return data_;
  // create_graph: rebuild a tensor attached to the original graph, so double backward reaches it.
  Tensor t = alias_without_history(data_);
  std::shared_ptr<Node> fn = strong_grad_fn_ ? strong_grad_fn_ : weak_grad_fn_.lock();
  if (fn) set_history(t, fn, output_nr_);
  return t;
}

}  // namespace xgrad::autograd
