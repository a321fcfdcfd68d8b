// variable.cpp: the autograd methods of Tensor (requires_grad, grad, backward, hooks, detach).
#include "xgrad/autograd/autograd_meta.hpp"
#include "xgrad/autograd/engine.hpp"
#include "xgrad/autograd/node.hpp"
#include "xgrad/core/grad_mode.hpp"

namespace xgrad {

using autograd::AutogradMeta;
using autograd::autograd_meta;
using autograd::materialize_autograd_meta;

bool Tensor::requires_grad() const { return impl_->requires_grad || impl_->grad_fn != nullptr; }

Tensor& Tensor::set_requires_grad(bool requires_grad) {
  if (requires_grad) {
    XGRAD_CHECK(is_floating_point(), "only Tensors of floating point dtype can require gradients");
  }
  if (impl_->grad_fn) {
    XGRAD_CHECK(requires_grad,
                "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in "
                "a subgraph that doesn't require differentiation use var_no_grad = var.detach().");
    return *this;
  }
  impl_->requires_grad = requires_grad;
  return *this;
}

Tensor& Tensor::requires_grad_(bool requires_grad) { return set_requires_grad(requires_grad); }

bool Tensor::is_leaf() const { return impl_->grad_fn == nullptr; }

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
  self.is_view = from.is_view;
  self.refresh();
}

const Tensor& Tensor::grad() const {
  static const Tensor undefined;
  const AutogradMeta* meta = impl_->autograd.get();
  return meta ? meta->grad : undefined;
}

Tensor& Tensor::mutable_grad() const { return materialize_autograd_meta(*this).grad; }

const std::shared_ptr<autograd::Node>& Tensor::grad_fn() const { return impl_->grad_fn; }

uint32_t Tensor::output_nr() const { return impl_->output_nr; }

namespace {

unsigned next_hook_id() {
  static unsigned counter = 0;
  return ++counter;
}

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

void Tensor::retain_grad() const {
  XGRAD_CHECK(requires_grad(), "can't retain_grad on Tensor that has requires_grad=False");
  if (is_leaf()) return;  // leaves keep their gradient anyway
  AutogradMeta& meta = materialize_autograd_meta(*this);
  if (meta.retains_grad) return;
  meta.retains_grad = true;
  impl_->grad_fn->retains_grad_hooks().push_back(std::make_unique<RetainGradHook>(impl_, impl_->output_nr));
}

bool Tensor::retains_grad() const {
  const AutogradMeta* meta = impl_->autograd.get();
  return meta != nullptr && meta->retains_grad;
}

unsigned Tensor::register_hook_impl(std::function<Tensor(const Tensor&)> hook) const {
  XGRAD_CHECK(requires_grad(), "cannot register a hook on a tensor that doesn't require gradient");
  unsigned id = next_hook_id();
  if (impl_->grad_fn)
    impl_->grad_fn->add_pre_hook(std::make_unique<TensorPreHook>(id, impl_->output_nr, std::move(hook)));
  else
    materialize_autograd_meta(*this).hooks.emplace_back(id, std::move(hook));
  return id;
}

void Tensor::remove_hook(unsigned handle) const {
  if (AutogradMeta* meta = impl_->autograd.get())
    for (auto& [id, fn] : meta->hooks)
      if (id == handle) fn = nullptr;
  if (impl_->grad_fn)
    for (auto& h : impl_->grad_fn->pre_hooks())
      if (auto* th = dynamic_cast<TensorPreHook*>(h.get()); th && th->id == handle) th->hook = nullptr;
}

void Tensor::backward(const Tensor& gradient, std::optional<bool> retain_graph, bool create_graph,
                      std::optional<TensorList> inputs) const {
  autograd::variable_list in;
  if (inputs) in = inputs->vec();
  autograd::variable_list grads;
  if (gradient.defined()) grads.push_back(gradient);
  autograd::backward({*this}, grads, retain_graph, create_graph, in);
}

Tensor Tensor::detach() const {
  auto impl = xgrad::detail::make_pooled<TensorImpl>(impl_->storage, impl_->storage_offset, impl_->sizes, impl_->strides,
                                           impl_->dtype);
  impl->is_view = impl_->is_view;
  return Tensor(std::move(impl));
}

Tensor& Tensor::detach_() {
  impl_->grad_fn.reset();
  impl_->requires_grad = false;
  impl_->output_nr = 0;
  return *this;
}

}  // namespace xgrad
