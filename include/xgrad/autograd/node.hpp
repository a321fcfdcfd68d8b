// node.hpp: Node, one step of the backward graph (PyTorch's grad_fn). A node receives the gradients
// of its forward op's outputs and returns the gradients of its forward op's inputs; its
// next_edges() say which nodes those gradients go to. Leaves end in an AccumulateGrad node, which
// adds the gradient into tensor.grad(). Read next: saved_tensor.hpp, then record.hpp.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "xgrad/core/tensor.hpp"

namespace xgrad::autograd {

class Node;
class SavedTensor;

/// libtorch's name for a list of tensors in autograd code (variable_list is the same type).
using tensor_list = std::vector<Tensor>;

/// An edge of the backward graph: gradient number `input_nr` of `function`.
struct Edge {
  Edge() = default;
  Edge(std::shared_ptr<Node> fn, uint32_t nr) : function(std::move(fn)), input_nr(nr) {}
  bool is_valid() const { return function != nullptr; }

  std::shared_ptr<Node> function;
  uint32_t input_nr = 0;
};

/// What a gradient arriving at a node must look like: the shape and dtype of the forward output.
/// The engine reduces a broadcast gradient to this shape (see Note [Broadcasting and gradients]).
struct InputMetadata {
  DimVector shape;
  ScalarType dtype = kFloat;
};

/// Called with the gradients a node receives, before it runs; may return replacements.
struct FunctionPreHook {
  virtual ~FunctionPreHook() = default;
  virtual variable_list operator()(const variable_list& grads) = 0;
};
/// Called with the gradients a node produced and those it received, after it runs.
struct FunctionPostHook {
  virtual ~FunctionPostHook() = default;
  virtual variable_list operator()(const variable_list& outputs, const variable_list& inputs) = 0;
};

class Node : public std::enable_shared_from_this<Node> {
 public:
  /// Nodes are numbered in creation order; the engine runs later nodes first.
  explicit Node(uint64_t sequence_nr = next_sequence_nr());
  virtual ~Node();  // see Note [Destroying long graphs]
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  /// PyTorch's class name of this node: "MulBackward0", "AccumulateGrad", ...
  virtual std::string name() const = 0;
  /// Gradients of the forward outputs in, gradients of the forward inputs out.
  virtual variable_list apply(variable_list&& grads) = 0;
  variable_list operator()(variable_list&& grads) { return apply(std::move(grads)); }
  /// Frees what the node saved for backward; called after backward unless retain_graph.
  virtual void release_variables() {}
  /// Whether apply() runs when every gradient the node receives is undefined (a custom Function:
  /// yes, as in PyTorch). An op's node does not: it gives undefined gradients without running, as
  /// PyTorch's generated nodes do. See Note [Nodes that receive no gradient] in engine.cpp.
  virtual bool called_without_gradients() const { return false; }

  const std::vector<Edge>& next_edges() const { return next_edges_; }
  const Edge& next_edge(size_t i) const { return next_edges_.at(i); }
  void add_next_edge(Edge edge) { next_edges_.push_back(std::move(edge)); }
  /// How many gradients the node returns (one per forward input).
  uint32_t num_outputs() const { return static_cast<uint32_t>(next_edges_.size()); }
  /// How many gradients the node receives (one per forward output).
  uint32_t num_inputs() const { return num_inputs_; }
  uint32_t add_input_metadata(const Tensor& output);
  /// For an output that is not a tensor (undefined): libtorch's add_input_metadata(undefined_input).
  uint32_t add_input_metadata(InputMetadata meta);
  const InputMetadata& input_metadata(size_t i) const { return i == 0 ? first_input_ : more_inputs_.at(i - 1); }
  void reserve_next_edges(size_t n) { next_edges_.reserve(n); }
  uint64_t sequence_nr() const { return sequence_nr_; }
  /// Whether gradient number i goes anywhere (false when that input does not require grad).
  bool should_compute_output(size_t i) const { return i < next_edges_.size() && next_edges_[i].is_valid(); }

  void add_pre_hook(std::unique_ptr<FunctionPreHook>&& hook) { pre_hooks_.push_back(std::move(hook)); }
  uintptr_t add_post_hook(std::unique_ptr<FunctionPostHook>&& hook);
  bool del_post_hook(const uintptr_t& key);
  std::vector<std::unique_ptr<FunctionPreHook>>& pre_hooks() { return pre_hooks_; }
  std::vector<std::unique_ptr<FunctionPostHook>>& post_hooks() { return post_hooks_; }
  /// Hooks that keep a non-leaf's gradient (retain_grad); they run after the other pre-hooks.
  std::vector<std::unique_ptr<FunctionPreHook>>& retains_grad_hooks() { return retains_grad_hooks_; }
  /// Whether any hook sees the gradients at this node (a pre-hook, a retain_grad hook or a
  /// post-hook). A node may skip one of PyTorch's steps only when nothing can see the difference
  /// (Note [Shortcuts nobody can see] in src/autograd/engine.cpp).
  bool has_hooks() const { return !pre_hooks_.empty() || !retains_grad_hooks_.empty() || !post_hooks_.empty(); }

  /// Python's grad_fn.register_hook: hook(grad_inputs, grad_outputs) runs after the node, with
  /// the gradients it produced (for its forward inputs) and those it received (for its forward
  /// outputs); a non-empty result replaces grad_inputs. Returns a key for remove_hook.
  uintptr_t register_hook(std::function<variable_list(const variable_list&, const variable_list&)> hook);
  /// Python's grad_fn.register_prehook: hook(grad_outputs) runs before the node; a non-empty
  /// result replaces the gradients it receives. Returns a key for remove_hook.
  uintptr_t register_prehook(std::function<variable_list(const variable_list&)> hook);
  /// Removes a hook added by register_hook or register_prehook; false if there is none.
  bool remove_hook(uintptr_t key);

  /// What the node keeps for backward, for pictures of the graph (autograd/graph_view.hpp).
  virtual std::vector<const SavedTensor*> saved_tensors() const { return {}; }
  /// Under DetectAnomalyGuard, the forward op that created the node ("div of [2] and [2]");
  /// empty otherwise.
  const std::string& forward_op() const;
  void set_forward_op(std::string description);
  /// Under DetectAnomalyGuard, the node whose backward created this one (a node of a
  /// create_graph or reentrant backward); null otherwise. PyTorch's anomaly metadata parent.
  const std::shared_ptr<Node>& anomaly_parent() const;

  static uint64_t next_sequence_nr();

 private:
  uint64_t sequence_nr_;
  std::vector<Edge> next_edges_;
  // Most nodes receive one gradient: its metadata is kept inline, saving an allocation per node.
  uint32_t num_inputs_ = 0;
  InputMetadata first_input_;
  std::vector<InputMetadata> more_inputs_;
  std::vector<std::unique_ptr<FunctionPreHook>> pre_hooks_;
  std::vector<std::unique_ptr<FunctionPreHook>> retains_grad_hooks_;
  std::vector<std::unique_ptr<FunctionPostHook>> post_hooks_;
  struct AnomalyMetadata {
    std::string forward_op;
    std::shared_ptr<Node> parent;
  };
  std::unique_ptr<AnomalyMetadata> anomaly_;  // only under anomaly detection
};

/// The edge a gradient for `t` must travel: to t's grad_fn, or to its AccumulateGrad if t is a
/// leaf that requires grad, or nowhere (an invalid edge).
Edge gradient_edge(const Tensor& t);

/// Gradients of the forward outputs are accumulated into a leaf's .grad here.
class AccumulateGrad final : public Node {
 public:
  explicit AccumulateGrad(Tensor variable);
  std::string name() const override { return "AccumulateGrad"; }
  variable_list apply(variable_list&& grads) override;
  const Tensor& variable() const { return variable_; }

 private:
  Tensor variable_;
};

}  // namespace xgrad::autograd
