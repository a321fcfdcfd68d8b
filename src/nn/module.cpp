// module.cpp: Module's bookkeeping: the registries, the recursive walks, printing.
#include "xgrad/nn/module.hpp"

#include <cxxabi.h>

#include <cstdlib>

#include "ops/op_utils.hpp"
#include "xgrad/core/grad_mode.hpp"

namespace xgrad::nn {

Module::Module(std::string name) : name_(std::move(name)) {}
Module::Module() = default;

const std::string& Module::name() const {
  if (name_.empty()) {  // the class name, demangled (what libtorch prints for user modules)
    int status = 0;
    char* demangled = abi::__cxa_demangle(typeid(*this).name(), nullptr, nullptr, &status);
    name_ = status == 0 && demangled ? demangled : typeid(*this).name();
    std::free(demangled);
  }
  return name_;
}

Tensor& Module::register_parameter(std::string name, Tensor tensor, bool requires_grad) {
  XGRAD_CHECK(!name.empty(), "Parameter name must not be empty");
  XGRAD_CHECK(name.find('.') == std::string::npos, "Parameter name must not contain a dot (got '{}')", name);
  if (tensor.defined()) tensor.set_requires_grad(requires_grad);
  return parameters_.insert(std::move(name), std::move(tensor));
}

Tensor& Module::register_buffer(std::string name, Tensor tensor) {
  XGRAD_CHECK(!name.empty(), "Buffer name must not be empty");
  XGRAD_CHECK(name.find('.') == std::string::npos, "Buffer name must not contain a dot (got '{}')", name);
  return buffers_.insert(std::move(name), std::move(tensor));
}

void Module::unregister_module(const std::string& name) {
  XGRAD_CHECK(children_.contains(name), "No Module with name `{}` is registered", name);
  children_.erase(name);
}

namespace {
/// The tensors of one registry (parameters or buffers) of this module and, if `recurse`, of all
/// modules below it, named by their path ("fc1.weight").
OrderedDict<std::string, Tensor> collect(const Module& self, bool recurse,
                                         const OrderedDict<std::string, Tensor>& (*registry)(const Module&)) {
  OrderedDict<std::string, Tensor> out;
  auto add = [&](const std::string& prefix, const Module& m) {
    for (const auto& item : registry(m))
      if (item.value().defined()) out.insert(prefix.empty() ? item.key() : prefix + "." + item.key(), item.value());
  };
  if (!recurse) {
    add("", self);
    return out;
  }
  for (const auto& item : self.named_modules()) add(item.key(), *item.value());
  return out;
}
}  // namespace

const OrderedDict<std::string, Tensor>& Module::parameter_registry(const Module& m) { return m.parameters_; }
const OrderedDict<std::string, Tensor>& Module::buffer_registry(const Module& m) { return m.buffers_; }

OrderedDict<std::string, Tensor> Module::named_parameters(bool recurse) const {
  return collect(*this, recurse, &Module::parameter_registry);
}

std::vector<Tensor> Module::parameters(bool recurse) const { return named_parameters(recurse).values(); }

OrderedDict<std::string, Tensor> Module::named_buffers(bool recurse) const {
  return collect(*this, recurse, &Module::buffer_registry);
}

std::vector<Tensor> Module::buffers(bool recurse) const { return named_buffers(recurse).values(); }

std::vector<std::shared_ptr<Module>> Module::children() const { return children_.values(); }

OrderedDict<std::string, std::shared_ptr<Module>> Module::named_children() const { return children_; }

std::vector<std::shared_ptr<Module>> Module::modules(bool include_self) const {
  return named_modules("", include_self).values();
}

OrderedDict<std::string, std::shared_ptr<Module>> Module::named_modules(const std::string& name_prefix,
                                                                        bool include_self) const {
  OrderedDict<std::string, std::shared_ptr<Module>> out;
  // An explicit stack, depth first, children in registration order.
  std::vector<std::pair<std::string, std::shared_ptr<const Module>>> stack;
  // This module as a shared_ptr: its owner's, or (for a module not held by one) a non-owning handle.
  std::shared_ptr<const Module> self = weak_from_this().lock();
  if (!self) self = std::shared_ptr<const Module>(this, [](const Module*) {});
  if (include_self) {
    out.insert(name_prefix, std::const_pointer_cast<Module>(self));
  }
  for (auto it = children_.items().rbegin(); it != children_.items().rend(); ++it)
    stack.emplace_back(name_prefix.empty() ? it->key() : name_prefix + "." + it->key(), it->value());
  while (!stack.empty()) {
    auto [name, module] = stack.back();
    stack.pop_back();
    out.insert(name, std::const_pointer_cast<Module>(module));
    const auto& kids = module->children_.items();
    for (auto it = kids.rbegin(); it != kids.rend(); ++it) stack.emplace_back(name + "." + it->key(), it->value());
  }
  return out;
}

void Module::train(bool on) {
  is_training_ = on;
  for (auto& child : children_) child.value()->train(on);
}

void Module::zero_grad(bool set_to_none) {
  for (Tensor& p : parameters()) {
    Tensor& g = p.mutable_grad();
    if (!g.defined()) continue;
    if (set_to_none) {
      g = Tensor();
    } else {
      g = g.detach();
      g.zero_();
    }
  }
}

void Module::to(ScalarType dtype, bool) {
  XGRAD_CHECK_T(TypeError, is_floating_point(dtype),
                "nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.{}",
                dtype_name(dtype));
  NoGradGuard no_grad;
  // As Python's Module._apply: floating tensors only, converted in place (set_data) so that every
  // handle to them (a layer's `weight` member, an optimizer's list) sees the new dtype; a
  // parameter's gradient is converted with it.
  auto convert = [dtype](const Tensor& t) {
    if (!t.defined() || !t.is_floating_point() || t.scalar_type() == dtype) return;
    t.set_data(t.to(dtype));
    if (t.grad().defined()) t.grad().set_data(t.grad().to(dtype));
  };
  for (auto& module : modules()) {
    for (auto& p : module->parameters_) convert(p.value());
    for (auto& b : module->buffers_) convert(b.value());
  }
}

void Module::to(Device device, ScalarType dtype, bool non_blocking) {
  to(device, non_blocking);
  to(dtype, non_blocking);
}

void Module::to(Device device, bool) {
  // Every tensor is on the CPU: that is all there is to check (CUDA: "Torch not compiled with
  // CUDA enabled", as a factory says).
  detail::check_tensor_options(TensorOptions(device));
}

void Module::apply(const std::function<void(Module&)>& fn) {
  for (auto& module : modules()) fn(*module);
}

void Module::pretty_print(std::ostream& stream) const { stream << name(); }

std::shared_ptr<Module> Module::clone() const {
  throw Error(fmt::format("clone() has not been implemented for {}. Subclass torch::nn::Cloneable<{}> instead of "
                          "torch::nn::Module to inherit the ability to clone.",
                          name(), name()));
}

void Module::clone_(const Module&) {
  throw Error(fmt::format("clone() has not been implemented for {}. Subclass torch::nn::Cloneable<{}> instead of "
                          "torch::nn::Module to inherit the ability to clone.",
                          name(), name()));
}

void Module::pretty_print_recursive(std::ostream& stream, const std::string& indentation) const {
  pretty_print(stream);
  if (children_.is_empty()) return;
  stream << "(\n";
  const std::string next = indentation + "  ";
  for (const auto& child : children_) {
    stream << next << "(" << child.key() << "): ";
    child.value()->pretty_print_recursive(stream, next);
    stream << '\n';
  }
  stream << indentation << ")";
}

std::ostream& operator<<(std::ostream& stream, const Module& module) {
  module.pretty_print_recursive(stream, "");
  return stream;
}

}  // namespace xgrad::nn
