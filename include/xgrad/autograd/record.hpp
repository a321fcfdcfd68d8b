// record.hpp: how an op enters the graph. After computing its result, an op calls
//
//     return autograd::record("SigmoidBackward0", y, {x}, autograd::save(y),
//         [](const Tensor& grad, const Tensor& y) -> variable_list { return {grad * y * (1 - y)}; });
//
// record() does nothing when grad mode is off or no input requires grad. Otherwise it creates a
// node named as PyTorch names it, with one edge per input, saves the listed tensors (the capture
// list of the lambda holds only plain values: dims, sizes, scalars), and makes the result's
// grad_fn that node. The lambda gets the upstream gradient and the saved tensors, unpacked and
// version-checked, and returns one gradient per input (an undefined Tensor for "none").
// Gradients may keep a broadcast shape: the engine reduces them (Note [Broadcasting and gradients]).
// Read next: engine.hpp.
#pragma once

#include <array>
#include <initializer_list>
#include <string>
#include <utility>

#include "xgrad/autograd/autograd_meta.hpp"
#include "xgrad/autograd/node.hpp"
#include "xgrad/autograd/saved_tensor.hpp"
#include "xgrad/core/grad_mode.hpp"

namespace xgrad::autograd {

/// The tensors an op keeps for backward, in the order its lambda receives them.
template <size_t N>
struct Saved {
  std::array<const Tensor*, N> tensors;
};
template <class... T>
Saved<sizeof...(T)> save(const T&... t) { return Saved<sizeof...(T)>{{&t...}}; }

/// True if any of the tensors requires grad and grad mode is on: whether an op must record.
bool compute_requires_grad(TensorList inputs);

/// Inside a backward lambda: whether gradient number i is needed, that is whether input i of the
/// forward op requires grad (PyTorch's `ctx.needs_input_grad[i]`, `should_compute_output(i)`).
/// Lets `mul` skip computing `grad * x` for an `x` that needs no gradient; returning a gradient
/// anyway is never wrong, only wasted work. It reads the node the engine is running now (the engine
/// sets detail::current_node() around each apply()), and outside a backward it answers true.
/// Why a function and not a mask passed to every lambda: most backward formulas have one input
/// or need every gradient, and would carry an argument they never read; the few that can save work
/// ask, by input number, where the formula for that input is written.
bool needs_input_grad(size_t i);

namespace detail {
/// The node the engine is running now (what needs_input_grad reads); set by the engine.
Node*& current_node();

/// A node whose backward is a lambda over the upstream gradients and N saved tensors.
/// MultiOutput: the lambda takes all upstream gradients (const variable_list&) instead of one.
template <class F, size_t N, bool MultiOutput>
class LambdaNode final : public Node {
 public:
  LambdaNode(const char* name, F&& backward) : name_(name), backward_(std::move(backward)) {}
  std::string name() const override { return name_; }
  void save(size_t i, const Tensor& t, bool is_output) { saved_[i] = SavedTensor(t, is_output); }
  variable_list apply(variable_list&& grads) override {
    return call(grads, std::make_index_sequence<N>{});
  }
  void release_variables() override {
    for (auto& s : saved_) s.reset();
  }
  std::vector<const SavedTensor*> saved_tensors() const override {
    std::vector<const SavedTensor*> out;
    for (const auto& s : saved_)
      if (s.defined()) out.push_back(&s);
    return out;
  }

 private:
  template <size_t... I>
  variable_list call(variable_list& grads, std::index_sequence<I...>) {
    if constexpr (MultiOutput) {
      return backward_(grads, saved_[I].unpack()...);
    } else {
      return backward_(grads[0], saved_[I].unpack()...);
    }
  }
  const char* name_;
  F backward_;
  std::array<SavedTensor, N> saved_;
};

/// Gives `node` one edge per input (see gradient_edge), and notes its forward op for anomaly mode.
void connect_inputs(Node& node, TensorList inputs);
/// Under DetectAnomalyGuard, records on `node` the forward op that made it (for nodes wired by hand).
void note_forward_op(Node& node, TensorList inputs);

template <bool MultiOutput, class F, size_t N>
void record_impl(const char* name, TensorList outputs, TensorList inputs, const Saved<N>& saved, F&& backward) {
  auto node = xgrad::detail::make_pooled<LambdaNode<std::decay_t<F>, N, MultiOutput>>(name, std::forward<F>(backward));
  connect_inputs(*node, inputs);
  for (size_t i = 0; i < outputs.size(); ++i) {
    set_history(outputs[i], node, static_cast<uint32_t>(i));
    node->add_input_metadata(outputs[i]);
  }
  for (size_t i = 0; i < N; ++i) {
    const Tensor& t = *saved.tensors[i];
    bool is_output = false;
    for (const Tensor& o : outputs) is_output = is_output || o.is_same(t);
    node->save(i, t, is_output);
  }
}
}  // namespace detail

/// Creates a node named `name` with the backward lambda and the saved tensors (none of them its
/// own output), for ops that wire a node by hand: the caller adds its edges and input metadata,
/// and sets the outputs' history. record() below does all of that for the usual op.
template <class F, size_t N>
std::shared_ptr<Node> make_node(const char* name, const Saved<N>& saved, F&& backward) {
  auto node = xgrad::detail::make_pooled<detail::LambdaNode<std::decay_t<F>, N, false>>(name, std::forward<F>(backward));
  for (size_t i = 0; i < N; ++i) node->save(i, *saved.tensors[i], /*is_output=*/false);
  return node;
}

/// Records a one-output op; see the top of this file. Returns `output`.
template <class F, size_t N>
Tensor record(const char* name, Tensor output, std::initializer_list<Tensor> inputs, const Saved<N>& saved,
              F&& backward) {
  if (compute_requires_grad(inputs))
    detail::record_impl<false>(name, TensorList(&output, 1), inputs, saved, std::forward<F>(backward));
  return output;
}
/// Records a one-output op that saves nothing.
template <class F>
Tensor record(const char* name, Tensor output, std::initializer_list<Tensor> inputs, F&& backward) {
  return record(name, std::move(output), inputs, Saved<0>{}, std::forward<F>(backward));
}
/// Records an op with several inputs given as a list (cat, stack).
template <class F, size_t N>
Tensor record_list(const char* name, Tensor output, TensorList inputs, const Saved<N>& saved, F&& backward) {
  if (compute_requires_grad(inputs))
    detail::record_impl<false>(name, TensorList(&output, 1), inputs, saved, std::forward<F>(backward));
  return output;
}
/// Records an op with several outputs; the lambda takes (const variable_list& grads, saved...),
/// where the gradient of an output that was not used is undefined.
template <class F, size_t N>
std::vector<Tensor> record_multi(const char* name, std::vector<Tensor> outputs, TensorList inputs,
                                 const Saved<N>& saved, F&& backward) {
  if (compute_requires_grad(inputs))
    detail::record_impl<true>(name, outputs, inputs, saved, std::forward<F>(backward));
  return outputs;
}

}  // namespace xgrad::autograd
