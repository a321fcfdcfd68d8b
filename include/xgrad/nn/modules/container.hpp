// modules/container.hpp: nn::Sequential (modules applied in order; submodules named "0", "1",
// ...) and nn::ModuleList (a list of submodules), as in libtorch. Read next: modules/dropout.hpp.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "xgrad/core/exception.hpp"
#include "xgrad/nn/module.hpp"

namespace xgrad::nn {

namespace detail {
/// Whether Impl::forward takes one Tensor and returns one (Linear, ReLU, ...), as a Sequential
/// step must; an LSTM (a tuple out) or MultiheadAttention (three in) does not.
template <class Impl, class = void>
struct forwards_one_tensor : std::false_type {};
template <class Impl>
struct forwards_one_tensor<Impl, std::void_t<decltype(std::declval<Impl&>().forward(std::declval<const Tensor&>()))>>
    : std::is_convertible<decltype(std::declval<Impl&>().forward(std::declval<const Tensor&>())), Tensor> {};
}  // namespace detail

class SequentialImpl : public Cloneable<SequentialImpl> {
 public:
  SequentialImpl() = default;
  /// Sequential(Linear(784, 128), ReLU(), Linear(128, 10)).
  template <class... Modules>
  explicit SequentialImpl(Modules&&... modules) {
    (push_back(std::forward<Modules>(modules)), ...);
  }
  void reset() override {}
  void pretty_print(std::ostream& stream) const override { stream << "torch::nn::Sequential"; }

  /// Appends a module (a holder such as Linear(3, 4), or a shared_ptr to an implementation)
  /// under the next index as its name.
  template <class M>
  void push_back(M&& module) {
    push_back(std::to_string(steps_.size()), std::forward<M>(module));
  }
  template <class Holder, class = decltype(std::declval<Holder>().ptr())>
  void push_back(std::string name, const Holder& holder) {
    push_back(std::move(name), holder.ptr());
  }
  template <class Impl>
  void push_back(std::string name, std::shared_ptr<Impl> impl) {
    register_module(name, impl);
    // libtorch's Sequential holds any module (AnyModule) and forward<T> picks the return type;
    // xgrad's chains Tensor -> Tensor, so a module that is not one may be held and printed, and
    // forward refuses to run it.
    std::function<Tensor(const Tensor&)> forward;
    if constexpr (detail::forwards_one_tensor<Impl>::value) {
      forward = [impl](const Tensor& x) -> Tensor { return impl->forward(x); };
    } else {
      forward = [name](const Tensor&) -> Tensor {
        throw Error("Sequential::forward: module (" + name + ") does not take and return one Tensor; "
                    "xgrad's Sequential chains Tensor -> Tensor modules only");
      };
    }
    steps_.push_back({impl, std::move(forward),
                      [impl](SequentialImpl& target, const std::string& step_name) {
                        target.push_back(step_name, std::dynamic_pointer_cast<Impl>(impl->clone()));
                      }});
  }

  /// A Sequential of clones of these modules.
  std::shared_ptr<Module> clone() const override {
    auto copy = std::make_shared<SequentialImpl>();
    const auto names = named_children();  // registered in step order, under the steps' names
    for (size_t i = 0; i < steps_.size(); ++i) steps_[i].clone_into(*copy, names[i].key());
    return copy;
  }

  /// Runs every module on the output of the one before.
  Tensor forward(const Tensor& input);
  size_t size() const { return steps_.size(); }
  bool is_empty() const { return steps_.empty(); }
  std::shared_ptr<Module> ptr(size_t index) const { return steps_.at(index).module; }
  std::shared_ptr<Module> operator[](size_t index) const { return ptr(index); }

 private:
  struct Step {
    std::shared_ptr<Module> module;
    std::function<Tensor(const Tensor&)> forward;
    std::function<void(SequentialImpl&, const std::string&)> clone_into;  // appends a clone, typed
  };
  std::vector<Step> steps_;
};
TORCH_MODULE(Sequential);

class ModuleListImpl : public Cloneable<ModuleListImpl> {
 public:
  ModuleListImpl() = default;
  template <class... Modules>
  explicit ModuleListImpl(Modules&&... modules) {
    (push_back(std::forward<Modules>(modules)), ...);
  }
  void reset() override {}
  void pretty_print(std::ostream& stream) const override { stream << "torch::nn::ModuleList"; }

  template <class Holder, class = decltype(std::declval<Holder>().ptr())>
  void push_back(const Holder& holder) {
    push_back(holder.ptr());
  }
  template <class Impl>
  void push_back(std::shared_ptr<Impl> impl) {
    register_module(std::to_string(items_.size()), impl);
    items_.push_back(impl);
  }
  /// A ModuleList of clones of these modules.
  std::shared_ptr<Module> clone() const override {
    auto copy = std::make_shared<ModuleListImpl>();
    for (const auto& item : items_) copy->push_back(item->clone());
    return copy;
  }
  size_t size() const { return items_.size(); }
  bool is_empty() const { return items_.empty(); }
  std::shared_ptr<Module> ptr(size_t index) const { return items_.at(index); }
  std::shared_ptr<Module> operator[](size_t index) const { return ptr(index); }
  /// The module at `index` as its implementation type: list->at<LinearImpl>(0).
  template <class Impl>
  Impl& at(size_t index) {
    auto p = std::dynamic_pointer_cast<Impl>(items_.at(index));
    XGRAD_CHECK(p != nullptr, "Attempted to cast module at index {} to the requested type, but it is a {}", index,
                items_.at(index)->name());
    return *p;
  }
  auto begin() { return items_.begin(); }
  auto end() { return items_.end(); }

 private:
  std::vector<std::shared_ptr<Module>> items_;
};
TORCH_MODULE(ModuleList);

}  // namespace xgrad::nn
