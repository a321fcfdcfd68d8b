// custom_function.hpp: your own differentiable function, with libtorch's API:
//
//   struct ClampedExp : torch::autograd::Function<ClampedExp> {
//     static torch::Tensor forward(torch::autograd::AutogradContext* ctx, torch::Tensor x, double max) {
//       auto y = x.clamp_max(max).exp();
//       ctx->save_for_backward({x, y});
//       ctx->saved_data["max"] = max;
//       return y;
//     }
//     static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
//                                                    torch::autograd::variable_list grad) {
//       auto saved = ctx->get_saved_variables();
//       auto keep = saved[0] <= ctx->saved_data["max"].toDouble();
//       return {grad[0] * saved[1] * keep, torch::Tensor()};  // one per forward argument
//     }
//   };
//   auto y = ClampedExp::apply(x, 2.0);
//
// apply() runs forward with grad recording off, then, if an input requires grad, makes the
// outputs' grad_fn a node whose backward calls yours. backward gets one gradient per output
// (zeros for an output that was not used, unless set_materialize_grads(false)) and returns one
// per forward argument, an undefined Tensor where there is none. The node is named as Python
// names it: "ClampedExpBackward". Read next: autograd/anomaly_mode.hpp.
#pragma once

#include <cxxabi.h>

#include <cstdlib>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "xgrad/autograd/autograd_meta.hpp"
#include "xgrad/autograd/node.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/autograd/saved_tensor.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/core/ivalue.hpp"

namespace xgrad::autograd {

/// Inputs [first, second) of a custom Function, for needs_input_grad (libtorch's IndexRange).
using IndexRange = std::pair<size_t, size_t>;

using Variable = Tensor;

/// libtorch's make_variable: `data`'s values as a new leaf (no history, its own version counter:
/// Tensor::variable_data()) that requires grad if asked.
inline Variable make_variable(const Tensor& data, bool requires_grad = false, bool /*allow_tensor_metadata_change*/ = true) {
  Variable v = data.variable_data();
  if (requires_grad) v.set_requires_grad(true);
  return v;
}

template <class T>
struct CppNode;
class AutogradContext;

namespace detail {
void wrap_outputs(Node& node, const std::shared_ptr<Node>& shared, AutogradContext& ctx, const variable_list& inputs,
                  variable_list& outputs);
}  // namespace detail

/// What forward leaves for backward: tensors (save_for_backward), other values (saved_data),
/// and which outputs are not differentiable or were written in place.
class AutogradContext {
 public:
  AutogradContext() = default;
  AutogradContext(const AutogradContext&) = delete;
  AutogradContext& operator=(const AutogradContext&) = delete;

  /// Anything else backward needs: ctx->saved_data["max"] = 2.0; ...toDouble().
  std::unordered_map<std::string, IValue> saved_data;

  /// Tensors for backward (inputs or outputs of forward), checked against in-place changes.
  void save_for_backward(variable_list to_save) { to_save_ = std::move(to_save); }
  /// The tensors given to save_for_backward, in that order.
  variable_list get_saved_variables() const;
  /// These outputs get no gradient (an index, a mask): they will not require grad.
  void mark_non_differentiable(const variable_list& outputs);
  /// These inputs were modified in place by forward and are returned as outputs.
  void mark_dirty(const variable_list& inputs);
  /// false: backward receives undefined tensors, not zeros, for outputs that were not used.
  void set_materialize_grads(bool value) { materialize_grads_ = value; }
  /// Whether the tensor input number `index` (counting tensor arguments only) needs a gradient:
  /// it requires grad and, inside grad() or backward(inputs=...), a requested gradient lies
  /// behind it (libtorch's task_should_compute_output).
  bool needs_input_grad(size_t index) const;
  /// Whether any input in the [first, second) ranges needs a gradient.
  bool needs_input_grad(std::initializer_list<IndexRange> ranges) const;

 private:
  template <class T>
  friend struct CppNode;
  template <class T>
  friend struct Function;
  friend void detail::wrap_outputs(Node&, const std::shared_ptr<Node>&, AutogradContext&, const variable_list&,
                                   variable_list&);
  bool contains(const std::vector<const TensorImpl*>& list, const Tensor& t) const;
  /// After forward: the version of each tensor given to mark_dirty moves on.
  void bump_dirty() const;

  variable_list to_save_;
  std::vector<SavedTensor> saved_;
  std::vector<const TensorImpl*> non_differentiable_, dirty_;
  bool materialize_grads_ = true;
  bool released_ = false;
  std::weak_ptr<Node> node_;
};

namespace detail {
/// "ClampedExp" for `struct ns::ClampedExp`: the demangled name without its namespaces.
std::string short_type_name(const char* mangled);

/// Which arguments of apply() are tensors (they get gradients), collected in order.
struct TensorArgs {
  variable_list tensors;
  std::vector<bool> is_tensor;
  void add(const Tensor& t) {
    tensors.push_back(t);
    is_tensor.push_back(true);
  }
  void add(const std::optional<Tensor>& t) {
    if (t && t->defined())
      add(*t);
    else
      is_tensor.push_back(false);
  }
  void add(const variable_list& list) {
    for (const Tensor& t : list) add(t);
  }
  void add(TensorList list) {
    for (const Tensor& t : list) add(t);
  }
  template <class Other>
  void add(const Other&) {
    is_tensor.push_back(false);
  }
};

/// The outputs of a forward (a Tensor or a variable_list) as a list, and back.
inline variable_list as_list(const Tensor& t) { return {t}; }
inline variable_list as_list(const variable_list& l) { return l; }
template <class R>
R from_list(variable_list&& l) {
  if constexpr (std::is_same<R, Tensor>::value)
    return std::move(l.at(0));
  else
    return std::move(l);
}

/// wrap_outputs (declared above) makes `outputs` the outputs of `node`: grad_fn, input metadata,
/// saved tensors (forward's to_save_), non-differentiable and dirty outputs as PyTorch handles them.
}  // namespace detail

/// The node of a custom function: backward calls T::backward.
template <class T>
struct CppNode final : Node {
  std::string name() const override { return detail::short_type_name(typeid(T).name()) + "Backward"; }
  /// Called even when no gradient reached it, materialising zeros for the user's backward unless
  /// ctx->set_materialize_grads(false) (Note [Nodes that receive no gradient] in engine.cpp).
  bool called_without_gradients() const override { return true; }

  variable_list apply(variable_list&& grads) override {
    if (ctx_.materialize_grads_)
      for (size_t i = 0; i < grads.size(); ++i)
        if (!grads[i].defined()) grads[i] = zeros(input_metadata(i).shape, input_metadata(i).dtype);
    variable_list outputs = T::backward(&ctx_, std::move(grads));
    const size_t expected = is_tensor_input_.size();
    // Extra results are allowed when undefined (libtorch's rule).
    if (outputs.size() > expected) {
      bool all_undefined = true;
      for (size_t i = expected; i < outputs.size(); ++i) all_undefined = all_undefined && !outputs[i].defined();
      if (all_undefined) outputs.resize(expected);
    }
    if (outputs.size() != expected)
      throw Error(fmt::format("function {} returned an incorrect number of gradients (expected {}, got {})", name(),
                              expected, outputs.size()));
    variable_list results;
    for (size_t i = 0; i < outputs.size(); ++i) {
      if (is_tensor_input_[i]) {
        results.push_back(std::move(outputs[i]));
      } else if (outputs[i].defined()) {
        throw Error(fmt::format("function {} returned a gradient different that is defined at position {}, but the "
                                "corresponding forward input was not a Variable",
                                name(), i + 1));
      }
    }
    return results;
  }

  void release_variables() override {
    for (auto& s : ctx_.saved_) s.reset();
    ctx_.released_ = true;
  }
  std::vector<const SavedTensor*> saved_tensors() const override {
    std::vector<const SavedTensor*> out;
    for (const auto& s : ctx_.saved_) out.push_back(&s);
    return out;
  }

  AutogradContext ctx_;
  std::vector<bool> is_tensor_input_;  // per forward argument
};

template <class X, class... Args>
using forward_t = decltype(X::forward(nullptr, std::declval<Args>()...));

/// The base of a custom function; see the top of this file.
template <class T>
struct Function {
  template <class X = T, class... Args>
  static auto apply(Args&&... args) -> std::enable_if_t<std::is_same<X, T>::value, forward_t<X, Args...>> {
    using Result = forward_t<X, Args...>;
    static_assert(std::is_same<Result, Tensor>::value || std::is_same<Result, variable_list>::value,
                  "forward must return a Tensor or a variable_list");
    auto node = std::make_shared<CppNode<T>>();
    detail::TensorArgs inputs;
    (inputs.add(args), ...);
    node->is_tensor_input_ = inputs.is_tensor;
    const bool record = compute_requires_grad(inputs.tensors);
    variable_list outputs;
    {
      NoGradGuard no_grad;
      outputs = detail::as_list(T::forward(&node->ctx_, std::forward<Args>(args)...));
    }
    node->ctx_.bump_dirty();
    if (record) {
      detail::connect_inputs(*node, inputs.tensors);
      detail::wrap_outputs(*node, node, node->ctx_, inputs.tensors, outputs);
    }
    return detail::from_list<Result>(std::move(outputs));
  }
};

}  // namespace xgrad::autograd
