// variable.cpp: the autograd methods of Tensor (requires_grad, grad, backward, hooks, detach).
// A view answers some of them through its base (See Note [Views and in-place ops]); that part
// lives in view.cpp.
#include "xgrad/autograd/autograd_meta.hpp"
#include "xgrad/autograd/engine.hpp"
#include "xgrad/autograd/node.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/core/warning.hpp"

namespace xgrad {

using autograd::AutogradMeta;
using autograd::autograd_meta;
using autograd::materialize_autograd_meta;

bool Tensor::requires_grad() const {
  if (impl_->requires_grad || impl_->grad_fn != nullptr) return true;
  const autograd::DifferentiableViewMeta* view = autograd::get_view_autograd_meta(*this);
  return view != nullptr && view->base().requires_grad();  // a view of a tensor that requires grad does
}

Tensor& Tensor::set_requires_grad(bool requires_grad) const {
  if (requires_grad) {
    // See Note [Sparse COO tensors] in xgrad/ops/sparse.hpp.
    XGRAD_CHECK(!is_sparse(),
                "xgrad does not support autograd through sparse tensors (no sparse gradients): a sparse tensor cannot "
                "require grad; use to_dense() first");
    // See Note [Complex autograd] in src/ops/complex.cpp.
    XGRAD_CHECK(!is_complex(), "xgrad does not support autograd on complex tensors: a {} tensor cannot require grad",
                scalar_type_name(dtype()));
    XGRAD_CHECK(is_floating_point(), "Only Tensors of floating point and complex dtype can require gradients");
    XGRAD_CHECK(!is_inference() || InferenceMode::is_enabled(),
                "Setting requires_grad=True on inference tensor outside InferenceMode is not allowed.");
  }
  if (grad_fn()) {
    XGRAD_CHECK(requires_grad,
                "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in "
                "a subgraph that doesn't require differentiation use var_no_grad = var.detach().");
    return mutable_this();
  }
  impl_->requires_grad = requires_grad;
  return mutable_this();
}

Tensor& Tensor::requires_grad_(bool requires_grad) const { return set_requires_grad(requires_grad); }

// As libtorch's, it reads the grad_fn as it stands: a view's stale grad_fn is not rebuilt here
// (Tensor::grad_fn() does that, and may refuse), so a view made in no_grad or inference mode
// stays a leaf after its base is written in place.
bool Tensor::is_leaf() const { return impl_->grad_fn == nullptr; }

bool Tensor::is_view() const { return autograd::get_view_autograd_meta(*this) != nullptr; }

const Tensor& Tensor::_base() const {
  const autograd::DifferentiableViewMeta* view = autograd::get_view_autograd_meta(*this);
  if (view == nullptr) throw Error("Can't get base of non-view Tensor");
  return view->base();
}

void Tensor::set_data(const Tensor& new_data) const {
  XGRAD_CHECK(new_data.defined(), "set_data: the new data is an undefined tensor");
  TensorImpl& self = *impl_;
  const TensorImpl& from = *new_data.impl_;
  if (&self == &from) return;
  self.storage = from.storage;
  self.storage_offset = from.storage_offset;
  self.sizes = from.sizes;
  self.strides = from.strides;
  self.dtype = from.dtype;
  self.sparse = from.sparse;
  self.refresh();
}

const Tensor& Tensor::grad() const {
  static const Tensor undefined;
  const AutogradMeta* meta = impl_->autograd.get();
  const Tensor& g = meta ? meta->grad : undefined;
  if (!g.defined() && !retains_grad() && !is_leaf())  // libtorch's TensorBody.h, Python's warning
    warn("The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be "
         "populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf "
         "Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure "
         "you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more informations.");
  return g;
}

Tensor& Tensor::mutable_grad() const { return materialize_autograd_meta(*this).grad; }

const std::shared_ptr<autograd::Node>& Tensor::grad_fn() const {
  if (autograd::DifferentiableViewMeta* view = autograd::get_view_autograd_meta(*this))
    return autograd::view_grad_fn(*this, *view);
  return impl_->grad_fn;
}

uint32_t Tensor::output_nr() const { return impl_->output_nr; }

namespace {

/// A tensor hook on a non-leaf: runs on gradient number `output_nr` arriving at its grad_fn.
struct TensorPreHook : autograd::FunctionPreHook {
  TensorPreHook(unsigned id, uint32_t nr, autograd::TensorHook fn) : id(id), output_nr(nr), hook(std::move(fn)) {}
  autograd::variable_list operator()(const autograd::variable_list& grads) override {
    autograd::variable_list out = grads;
    if (hook && output_nr < out.size() && out[output_nr].defined()) {
      Tensor replaced = hook(out[output_nr]);
      if (replaced.defined()) out[output_nr] = std::move(replaced);
    }
    return out;
  }
  unsigned id;
  uint32_t output_nr;
  autograd::TensorHook hook;
};

/// retain_grad(): stores the gradient arriving for a non-leaf into its .grad.
struct RetainGradHook : autograd::FunctionPreHook {
  RetainGradHook(std::weak_ptr<TensorImpl> t, uint32_t nr) : tensor(std::move(t)), output_nr(nr) {}
  bool holds(const TensorImpl* impl) const { return tensor.lock().get() == impl; }
  autograd::variable_list operator()(const autograd::variable_list& grads) override {
    auto impl = tensor.lock();
    if (!impl || output_nr >= grads.size() || !grads[output_nr].defined()) return grads;
    Tensor t(impl);
    Tensor& grad = materialize_autograd_meta(t).grad;
    grad = grad.defined() ? grad + grads[output_nr] : grads[output_nr].clone();
    return grads;
  }
  std::weak_ptr<TensorImpl> tensor;
  uint32_t output_nr;
};

}  // namespace

void autograd::update_tensor_hooks_on_new_gradfn(const Tensor& self, const std::shared_ptr<Node>& old_fn,
                                                 const std::shared_ptr<Node>& new_fn) {
  if (!self.retains_grad() || !old_fn || !new_fn) return;
  auto& hooks = old_fn->retains_grad_hooks();
  for (auto it = hooks.begin(); it != hooks.end(); ++it) {
    auto* hook = dynamic_cast<RetainGradHook*>(it->get());
    if (hook == nullptr || !hook->holds(self.unsafeGetTensorImpl())) continue;
    hook->output_nr = self.output_nr();
    new_fn->retains_grad_hooks().push_back(std::move(*it));
    hooks.erase(it);
    return;
  }
}

void Tensor::retain_grad() const {
  XGRAD_CHECK(requires_grad(), "can't retain_grad on Tensor that has requires_grad=False");
  if (is_leaf()) return;  // leaves keep their gradient anyway
  AutogradMeta& meta = materialize_autograd_meta(*this);
  if (meta.retains_grad) return;
  meta.retains_grad = true;
  grad_fn()->retains_grad_hooks().push_back(std::make_unique<RetainGradHook>(impl_, impl_->output_nr));
}

bool Tensor::retains_grad() const {
  const AutogradMeta* meta = impl_->autograd.get();
  return meta != nullptr && meta->retains_grad;
}

// A hook's handle is its position among the hooks registered on this tensor, as libtorch's
// cpp_hooks_list_: 0, 1, ... on a leaf; on a non-leaf, among those on its current grad_fn (an
// in-place op gives it a new grad_fn and a new list, so the old hooks can no longer be removed).
// remove_hook of a position never handed out is libtorch's error; removing twice is allowed.
namespace {
/// The hooks registered on `self`'s current grad_fn (the prehooks for its output), in order.
std::vector<TensorPreHook*> tensor_pre_hooks(const std::shared_ptr<autograd::Node>& fn, uint32_t output_nr) {
  std::vector<TensorPreHook*> out;
  for (auto& h : fn->pre_hooks())
    if (auto* th = dynamic_cast<TensorPreHook*>(h.get()); th != nullptr && th->output_nr == output_nr) out.push_back(th);
  return out;
}
}  // namespace

unsigned Tensor::register_hook_impl(std::function<Tensor(const Tensor&)> hook) const {
  XGRAD_CHECK(requires_grad(), "cannot register a hook on a tensor that doesn't require gradient");
  if (const auto& fn = grad_fn()) {
    auto id = static_cast<unsigned>(tensor_pre_hooks(fn, impl_->output_nr).size());
    fn->add_pre_hook(std::make_unique<TensorPreHook>(id, impl_->output_nr, std::move(hook)));
    return id;
  }
  auto& hooks = materialize_autograd_meta(*this).hooks;
  auto id = static_cast<unsigned>(hooks.size());
  hooks.emplace_back(id, std::move(hook));
  return id;
}

void Tensor::remove_hook(unsigned handle) const {
  if (const auto& fn = grad_fn()) {
    auto hooks = tensor_pre_hooks(fn, impl_->output_nr);
    XGRAD_CHECK(handle < hooks.size(), "Invalid index, no hook at position {}", handle);
    hooks[handle]->hook = nullptr;
    return;
  }
  AutogradMeta* meta = impl_->autograd.get();
  XGRAD_CHECK(meta != nullptr && handle < meta->hooks.size(), "Invalid index, no hook at position {}", handle);
  meta->hooks[handle].second = nullptr;
}

void Tensor::backward(const Tensor& gradient, std::optional<bool> retain_graph, bool create_graph,
                      std::optional<TensorList> inputs) const {
  autograd::variable_list in;
  if (inputs) {  // given but empty is an error, not "every leaf" (the default of the free function)
    XGRAD_CHECK(!inputs->empty(), "'inputs' argument to backward() cannot be empty.");
    in = inputs->vec();
  }
  autograd::variable_list grads;
  if (gradient.defined()) grads.push_back(gradient);
  autograd::backward({*this}, grads, retain_graph, create_graph, in);
}

Tensor Tensor::detach() const {
  // Shares the storage (and so the version counter) but is no view autograd follows.
  auto impl = xgrad::detail::make_pooled<TensorImpl>(impl_->storage, impl_->storage_offset, impl_->sizes, impl_->strides,
                                           impl_->dtype);
  impl->is_inference = impl_->is_inference;
  impl->sparse = impl_->sparse;  // a sparse tensor's detach shares its indices and values
  return Tensor(std::move(impl));
}

Tensor Tensor::tensor_data() const { return detach(); }

Tensor Tensor::variable_data() const {
  // xgrad keeps the version counter in the StorageImpl, so a new counter means a second one over
  // the same memory, which keeps the first (and so the memory) alive.
  const std::shared_ptr<StorageImpl>& storage = impl_->storage;
  auto alias = StorageImpl::wrap(storage->data(), storage->nbytes(), [keep = storage](void*) {});
  auto impl = xgrad::detail::make_pooled<TensorImpl>(std::move(alias), impl_->storage_offset, impl_->sizes,
                                                     impl_->strides, impl_->dtype);
  impl->is_inference = impl_->is_inference;
  impl->sparse = impl_->sparse;
  return Tensor(std::move(impl));
}

Tensor& Tensor::detach_() const {
  if (is_view())
    throw Error(
        "Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel (DDP) for "
        "training, and gradient_as_bucket_view is set as True, gradients are views of DDP buckets, and hence "
        "detach_() cannot be called on these gradients. To fix this error, please refer to the Optimizer.zero_grad() "
        "function in torch/optim/optimizer.py as the solution.");
  impl_->grad_fn.reset();
  impl_->requires_grad = false;
  impl_->output_nr = 0;
  return mutable_this();
}

}  // namespace xgrad
