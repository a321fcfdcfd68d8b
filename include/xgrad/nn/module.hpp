// module.hpp: nn::Module, the base of every layer (libtorch's API): parameters, buffers and
// submodules registered by name, train/eval, zero_grad, to(dtype); ModuleHolder, the handle
// users hold (`nn::Linear fc(3, 4); fc->weight; fc(x)`), and TORCH_MODULE to declare one's own.
// Read next: nn/modules/linear.hpp.
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <type_traits>
#include <vector>

#include "xgrad/core/grad_mode.hpp"
#include "xgrad/core/ordered_dict.hpp"
#include "xgrad/core/tensor.hpp"

namespace xgrad::nn {

class Module : public std::enable_shared_from_this<Module> {
 public:
  /// `name` is what printing shows; by default the class name.
  explicit Module(std::string name);
  Module();
  virtual ~Module() = default;
  Module(const Module&) = default;
  Module& operator=(const Module&) = default;

  const std::string& name() const;

  /// Registers a trainable tensor (it will require grad when `requires_grad`).
  Tensor& register_parameter(std::string name, Tensor tensor, bool requires_grad = true);
  /// Registers a tensor that is state but not a parameter (a running mean, a loss weight).
  Tensor& register_buffer(std::string name, Tensor tensor);
  template <class M>
  std::shared_ptr<M> register_module(std::string name, std::shared_ptr<M> module) {
    static_assert(std::is_base_of<Module, M>::value, "register_module needs a Module");
    XGRAD_CHECK(!name.empty(), "Submodule name must not be empty");
    XGRAD_CHECK(name.find('.') == std::string::npos, "Submodule name must not contain a dot (got '{}')", name);
    children_.insert(std::move(name), module);
    return module;
  }
  template <class Holder, class = decltype(std::declval<Holder>().ptr())>
  auto register_module(std::string name, const Holder& holder) {
    return register_module(std::move(name), holder.ptr());
  }
  template <class M>
  std::shared_ptr<M> replace_module(const std::string& name, std::shared_ptr<M> module) {
    children_[name] = module;
    return module;
  }
  void unregister_module(const std::string& name);

  std::vector<Tensor> parameters(bool recurse = true) const;
  OrderedDict<std::string, Tensor> named_parameters(bool recurse = true) const;
  std::vector<Tensor> buffers(bool recurse = true) const;
  OrderedDict<std::string, Tensor> named_buffers(bool recurse = true) const;
  std::vector<std::shared_ptr<Module>> children() const;
  OrderedDict<std::string, std::shared_ptr<Module>> named_children() const;
  /// This module (if include_self) and every module below it, depth first.
  std::vector<std::shared_ptr<Module>> modules(bool include_self = true) const;
  OrderedDict<std::string, std::shared_ptr<Module>> named_modules(const std::string& name_prefix = std::string(),
                                                                  bool include_self = true) const;

  /// Training mode (the default) versus evaluation mode; dropout, for one, behaves differently.
  virtual void train(bool on = true);
  void eval() { train(false); }
  virtual bool is_training() const noexcept { return is_training_; }
  /// Sets every parameter's gradient to zero (or undefined when set_to_none), as PyTorch 1.13.
  virtual void zero_grad(bool set_to_none = false);
  /// Converts every parameter and buffer to `dtype` in place.
  virtual void to(ScalarType dtype, bool non_blocking = false);
  /// Moves every parameter and buffer to `device` (and converts them to `dtype`): the CPU, where
  /// they are, is a no-op; another device is the error a tensor factory gives for it.
  virtual void to(Device device, ScalarType dtype, bool non_blocking = false);
  virtual void to(Device device, bool non_blocking = false);
  void apply(const std::function<void(Module&)>& fn);

  /// One line describing this module (its options); children are printed below it.
  virtual void pretty_print(std::ostream& stream) const;

  /// A deep copy: new parameters and buffers holding the same values. Built-in modules (and
  /// yours, if it derives from Cloneable<YourImpl>) implement it; a plain Module throws.
  virtual std::shared_ptr<Module> clone() const;
  /// Turns *this into a clone of `other` (Cloneable implements it for its own type).
  virtual void clone_(const Module& other);

 protected:
  OrderedDict<std::string, Tensor> parameters_{"Parameter"};
  OrderedDict<std::string, Tensor> buffers_{"Buffer"};
  OrderedDict<std::string, std::shared_ptr<Module>> children_{"Submodule"};

 private:
  void pretty_print_recursive(std::ostream& stream, const std::string& indentation) const;
  static const OrderedDict<std::string, Tensor>& parameter_registry(const Module& m);
  static const OrderedDict<std::string, Tensor>& buffer_registry(const Module& m);
  friend std::ostream& operator<<(std::ostream& stream, const Module& module);

  mutable std::string name_;
  bool is_training_ = true;
};

std::ostream& operator<<(std::ostream& stream, const Module& module);

/// The base of the built-in modules: a Module that can re-create its parameters (reset()).
template <class Derived>
class Cloneable : public Module {
 public:
  using Module::Module;
  /// (Re)creates the parameters and buffers from the options, as the constructor does.
  virtual void reset() = 0;

  /// libtorch's recipe: copy the object, let reset() make fresh tensors for the copy, then give
  /// them copies of this module's values; submodules are cloned the same way.
  std::shared_ptr<Module> clone() const override {
    NoGradGuard no_grad;
    auto copy = std::make_shared<Derived>(static_cast<const Derived&>(*this));
    copy->parameters_.clear();
    copy->buffers_.clear();
    copy->children_.clear();
    copy->reset();
    XGRAD_CHECK(copy->parameters_.size() == parameters_.size(),
                "The cloned module does not have the same number of parameters as the original module after calling "
                "reset(). Are you sure you called register_parameter() inside reset() and not the constructor?");
    for (const auto& p : parameters_)  // an absent bias (bias=false) is registered undefined
      if (p.value().defined()) copy->parameters_[p.key()].set_data(p.value().clone());
    XGRAD_CHECK(copy->buffers_.size() == buffers_.size(),
                "The cloned module does not have the same number of buffers as the original module after calling "
                "reset(). Are you sure you called register_buffer() inside reset() and not the constructor?");
    for (const auto& b : buffers_)
      if (b.value().defined()) copy->buffers_[b.key()].set_data(b.value().clone());
    XGRAD_CHECK(copy->children_.size() == children_.size(),
                "The cloned module does not have the same number of child modules as the original module after "
                "calling reset(). Are you sure you called register_module() inside reset() and not the constructor?");
    for (const auto& child : children_) copy->children_[child.key()]->clone_(*child.value());
    return copy;
  }

 private:
  void clone_(const Module& other) final {
    auto copy = std::dynamic_pointer_cast<Derived>(other.clone());
    XGRAD_CHECK(copy != nullptr,
                "Attempted to clone submodule, but it is of a different type than the submodule it was to be cloned into");
    static_cast<Derived&>(*this) = *copy;
  }
};

/// The handle to a module implementation, as in libtorch: `Linear` holds a shared_ptr<LinearImpl>;
/// `->` reaches the implementation, and calling the holder calls its forward().
template <class Contained>
class ModuleHolder {
 public:
  using ContainedType = Contained;

  /// Default-constructs the implementation (for modules whose options all have defaults).
  ModuleHolder() : impl_(std::make_shared<Contained>()) {}
  /// An empty holder, to be assigned later.
  ModuleHolder(std::nullptr_t) : impl_(nullptr) {}  // NOLINT(google-explicit-constructor)
  /// Constructs the implementation from these arguments (its options, or the shorthand ones).
  template <class Head, class... Tail,
            class = std::enable_if_t<!(std::is_same<std::decay_t<Head>, ModuleHolder>::value && sizeof...(Tail) == 0)>>
  explicit ModuleHolder(Head&& head, Tail&&... tail)
      : impl_(std::make_shared<Contained>(std::forward<Head>(head), std::forward<Tail>(tail)...)) {}
  ModuleHolder(std::shared_ptr<Contained> module) : impl_(std::move(module)) {}  // NOLINT

  explicit operator bool() const noexcept { return !is_empty(); }
  Contained* operator->() { return get(); }
  const Contained* operator->() const { return get(); }
  Contained& operator*() { return *get(); }
  const Contained& operator*() const { return *get(); }
  const std::shared_ptr<Contained>& ptr() const { return impl_; }
  Contained* get() {
    XGRAD_CHECK(!is_empty(), "Accessing empty ModuleHolder");
    return impl_.get();
  }
  const Contained* get() const {
    XGRAD_CHECK(!is_empty(), "Accessing empty ModuleHolder");
    return impl_.get();
  }
  bool is_empty() const noexcept { return impl_ == nullptr; }

  /// Indexing reaches the implementation (sequential[0]).
  template <class Arg, class C = Contained>
  auto operator[](Arg&& arg) -> decltype(std::declval<C&>()[std::forward<Arg>(arg)]) {
    return (*get())[std::forward<Arg>(arg)];
  }

  template <class... Args, class C = Contained>
  auto operator()(Args&&... args) -> decltype(std::declval<C&>().forward(std::forward<Args>(args)...)) {
    return get()->forward(std::forward<Args>(args)...);
  }

 protected:
  std::shared_ptr<Contained> impl_;
};

template <class Contained>
std::ostream& operator<<(std::ostream& stream, const ModuleHolder<Contained>& holder) {
  return stream << *holder;
}

}  // namespace xgrad::nn

/// Declares `Name`, the holder of `NameImpl`, as libtorch's macro does.
#define TORCH_MODULE_IMPL(Name, ImplType)                      \
  class Name : public ::xgrad::nn::ModuleHolder<ImplType> {    \
   public:                                                     \
    using ::xgrad::nn::ModuleHolder<ImplType>::ModuleHolder;   \
    using Impl = ImplType;                                     \
  }
#define TORCH_MODULE(Name) TORCH_MODULE_IMPL(Name, Name##Impl)
