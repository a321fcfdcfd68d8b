// engine.cpp: the backward pass. execute() below is the whole algorithm:
//   1. count, for every node reachable from the outputs, how many edges lead into it;
//   2. run nodes whose gradients are complete (count reached zero), latest-created first;
//   3. hand each result along the node's edges, summing where several gradients meet.
// No recursion anywhere, so graph depth is limited by memory only. Read next: one op and its
// derivative, `mul` in src/ops/elementwise.cpp; then gradcheck.cpp, which checks derivatives.
#include "xgrad/autograd/engine.hpp"

#include <limits>
#include <algorithm>
#include <unordered_map>

#include "xgrad/autograd/anomaly_mode.hpp"
#include "xgrad/autograd/autograd_meta.hpp"
#include "xgrad/autograd/node.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/autograd/trace.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/core/warning.hpp"
#include "xgrad/ops/reduction.hpp"

namespace xgrad::autograd {

namespace {

/// The node every backward starts from: it hands the given gradients to the outputs' nodes.
class GraphRoot final : public Node {
 public:
  GraphRoot(const std::vector<Edge>& roots, variable_list grads)
      : Node(std::numeric_limits<uint64_t>::max()), grads_(std::move(grads)) {
    for (const Edge& e : roots) add_next_edge(e);
  }
  std::string name() const override { return "GraphRoot"; }
  variable_list apply(variable_list&&) override { return grads_; }

 private:
  variable_list grads_;
};

/// What the engine tracks per node during one backward.
struct NodeTask {
  int dependencies = 0;   // edges into this node not yet delivered
  variable_list buffer;   // the gradients received so far, one slot per forward output
  bool needed = true;     // false: no requested gradient lies behind this node (grad() only)
  bool visited = false;
};

/// The NodeTasks of one backward, found by node. Small graphs (the common case) are searched
/// linearly, which is faster than hashing; larger ones get a hash index.
class GraphTask {
 public:
  /// The task of `fn`, and whether it was just created.
  std::pair<NodeTask*, bool> get(Node* fn) {
    if (index_.empty()) {
      for (size_t i = 0; i < nodes_.size(); ++i)
        if (nodes_[i] == fn) return {&tasks_[i], false};
    } else if (auto it = index_.find(fn); it != index_.end()) {
      return {&tasks_[it->second], false};
    }
    nodes_.push_back(fn);
    tasks_.emplace_back();
    if (!index_.empty() || nodes_.size() > kLinear) {
      if (index_.empty())
        for (size_t i = 0; i < nodes_.size(); ++i) index_[nodes_[i]] = i;
      index_[fn] = nodes_.size() - 1;
    }
    return {&tasks_.back(), true};
  }
  NodeTask& operator[](Node* fn) { return *get(fn).first; }
  void reserve(size_t n) {
    nodes_.reserve(n);
    tasks_.reserve(n);
  }
  std::vector<NodeTask>& tasks() { return tasks_; }
  const std::vector<Node*>& nodes() const { return nodes_; }

 private:
  static constexpr size_t kLinear = 32;
  std::vector<Node*> nodes_;
  std::vector<NodeTask> tasks_;  // only grows while the graph is discovered; references are used after
  std::unordered_map<Node*, size_t> index_;
};

/// Later nodes first: a node created after another may feed it, never the reverse.
struct LaterFirst {
  bool operator()(const Node* a, const Node* b) const { return a->sequence_nr() < b->sequence_nr(); }
};

// Note [Broadcasting and gradients]
// `x + y` with x of shape (3) and y of shape (2, 3) gives a (2, 3) result, and the backward
// formula of add simply passes that (2, 3) gradient to both inputs. The gradient for x must have
// x's shape: summing over the broadcast dimensions is what undoes the broadcast. Instead of every
// op doing this, the engine does it here, once, for every gradient it hands along an edge,
// comparing with the shape the receiving node recorded for that input (its InputMetadata).
Tensor validate_gradient(const Node& fn, size_t index, Tensor grad, const InputMetadata& meta) {
  if (!grad.sizes().equals(meta.shape)) {
    if (!is_expandable_to(meta.shape, grad.sizes()))
      throw Error(fmt::format("Function {} returned an invalid gradient at index {} - got {} but expected shape "
                              "compatible with {}",
                              fn.name(), index, format_sizes(grad.sizes()), format_sizes(meta.shape)));
    grad = sum_to(grad, meta.shape);
  }
  if (grad.scalar_type() != meta.dtype) grad = grad.to(meta.dtype);
  return grad;
}

/// Under DetectAnomalyGuard: a NaN among a node's results stops backward, naming the node and
/// the forward op that created it (see autograd/anomaly_mode.hpp).
void check_anomaly(const Node& fn, const variable_list& outputs) {
  if (!AnomalyMode::should_check_nan()) return;
  for (size_t i = 0; i < outputs.size(); ++i) {
    const Tensor& g = outputs[i];
    if (!g.defined() || !g.is_floating_point()) continue;
    NoGradGuard no_grad;
    if (!g.isnan().any().item<bool>()) continue;
    std::string message = fmt::format("Function '{}' returned nan values in its {}th output.", fn.name(), i);
    if (!fn.forward_op().empty()) message += fmt::format(" The forward op that created it: {}.", fn.forward_op());
    throw Error(message);
  }
}

variable_list run_node(Node& fn, variable_list&& inputs, bool create_graph) {
  AutoGradMode mode(create_graph);
  for (auto& hook : fn.pre_hooks()) inputs = (*hook)(inputs);
  for (auto& hook : fn.retains_grad_hooks()) inputs = (*hook)(inputs);
  bool any = inputs.empty();  // the root has no inputs but always runs
  for (const Tensor& g : inputs) any = any || g.defined();
  if (!any) return variable_list(fn.num_outputs());  // nothing flows through this node
  Node* previous = detail::current_node();
  detail::current_node() = &fn;
  variable_list outputs;
  try {
    outputs = fn.post_hooks().empty() ? fn.apply(std::move(inputs)) : fn.apply(variable_list(inputs));
    if (AnomalyMode::is_enabled()) check_anomaly(fn, outputs);
  } catch (...) {
    detail::current_node() = previous;
    if (AnomalyMode::is_enabled() && !fn.forward_op().empty())
      warn(fmt::format("Error detected in {}. The forward op that created it: {}.", fn.name(), fn.forward_op()));
    throw;
  }
  detail::current_node() = previous;
  for (auto& hook : fn.post_hooks()) {
    variable_list replaced = (*hook)(outputs, inputs);
    if (!replaced.empty()) outputs = std::move(replaced);
  }
  return outputs;
}

/// Marks the nodes from which a capture target can be reached; only those need to run.
void mark_needed(Node* root, GraphTask& tasks, const std::vector<Edge>& capture) {
  for (NodeTask& t : tasks.tasks()) t.needed = false;
  for (const Edge& e : capture)
    if (e.is_valid()) tasks[e.function.get()].needed = true;
  // Post-order walk: a node is needed if one of its children is.
  std::vector<std::pair<Node*, size_t>> stack{{root, 0}};
  tasks[root].visited = true;
  while (!stack.empty()) {
    auto& [fn, next] = stack.back();
    const auto& edges = fn->next_edges();
    if (next < edges.size()) {
      Node* child = edges[next++].function.get();
      if (child != nullptr && !tasks[child].visited) {
        tasks[child].visited = true;
        stack.emplace_back(child, 0);
      }
      continue;
    }
    for (const Edge& e : edges)
      if (e.is_valid() && tasks[e.function.get()].needed) tasks[fn].needed = true;
    stack.pop_back();
  }
}

/// Runs backward from `roots` (with gradients `root_grads`). Leaves accumulate into .grad when
/// `accumulate_grad`; the gradients arriving at the `capture` edges are returned.
variable_list execute(const std::vector<Edge>& roots, variable_list root_grads, bool keep_graph, bool create_graph,
                      bool accumulate_grad, const std::vector<Edge>& capture) {
  // One output starts the walk at its own node; several start from a GraphRoot that feeds them all
  // (one output may feed another, so they cannot simply all start at once).
  std::shared_ptr<Node> graph_root;
  Node* root = roots[0].function.get();
  if (roots.size() > 1) {
    graph_root = std::make_shared<GraphRoot>(roots, std::move(root_grads));
    root = graph_root.get();
  }

  // 1. Dependencies: how many edges lead into each node reachable from the root.
  GraphTask tasks;
  tasks.reserve(16);
  tasks.get(root);
  std::vector<Node*> stack{root};
  while (!stack.empty()) {
    Node* fn = stack.back();
    stack.pop_back();
    for (const Edge& e : fn->next_edges()) {
      if (!e.is_valid()) continue;
      auto [task, first_time] = tasks.get(e.function.get());
      task->dependencies++;
      if (first_time) stack.push_back(e.function.get());
    }
  }
  if (!capture.empty()) mark_needed(root, tasks, capture);
  std::unique_ptr<detail::EngineTracer> trace = detail::make_engine_tracer();  // null unless tracing
  if (trace) trace->start(*root, tasks.nodes());
  if (!graph_root) {
    NodeTask& first = tasks[root];
    first.buffer.resize(root->num_inputs());
    first.buffer[roots[0].input_nr] = std::move(root_grads[0]);
  }

  // 2. and 3. Run ready nodes, latest first, and pass their results along.
  variable_list captured(capture.size());
  SmallVector<Node*, 16> ready;  // a heap ordered by LaterFirst
  ready.push_back(root);
  while (!ready.empty()) {
    std::pop_heap(ready.begin(), ready.end(), LaterFirst());
    Node* fn = ready.back();
    ready.pop_back();
    NodeTask& task = tasks[fn];
    variable_list inputs = std::move(task.buffer);
    inputs.resize(fn->num_inputs());
    for (size_t i = 0; i < capture.size(); ++i)
      if (capture[i].function.get() == fn) captured[i] = inputs[capture[i].input_nr];
    if (!task.needed) {
      if (trace) trace->skipped(*fn, "no requested gradient lies behind it");
      continue;
    }
    if (!accumulate_grad && dynamic_cast<AccumulateGrad*>(fn) != nullptr) {
      if (trace) trace->skipped(*fn, "grad() leaves .grad alone");
      continue;
    }

    if (trace) trace->before(*fn, inputs);
    variable_list outputs = run_node(*fn, std::move(inputs), create_graph);
    if (trace) trace->after(*fn, outputs);
    if (!keep_graph) fn->release_variables();
    if (outputs.size() != fn->num_outputs())
      throw Error(fmt::format("function {} returned an incorrect number of gradients (expected {}, got {})",
                              fn->name(), fn->num_outputs(), outputs.size()));

    const auto& edges = fn->next_edges();
    for (size_t i = 0; i < edges.size(); ++i) {
      const Edge& edge = edges[i];
      if (!edge.is_valid()) continue;
      NodeTask& next = tasks[edge.function.get()];
      if (!next.needed) continue;
      if (outputs[i].defined()) {
        Tensor grad = validate_gradient(*fn, i, std::move(outputs[i]), edge.function->input_metadata(edge.input_nr));
        if (next.buffer.size() < edge.function->num_inputs()) next.buffer.resize(edge.function->num_inputs());
        Tensor& slot = next.buffer[edge.input_nr];
        if (!slot.defined()) {
          slot = std::move(grad);
        } else {  // several paths meet: sum them
          AutoGradMode mode(create_graph);
          slot = slot + grad;
        }
      }
      if (--next.dependencies == 0) {
        ready.push_back(edge.function.get());
        std::push_heap(ready.begin(), ready.end(), LaterFirst());
      }
    }
  }
  return captured;
}

/// The roots of a backward and their starting gradients, with PyTorch's checks.
void collect_roots(const variable_list& outputs, const variable_list& grad_outputs, std::vector<Edge>& roots,
                   variable_list& grads) {
  if (!grad_outputs.empty() && grad_outputs.size() != outputs.size())
    throw Error(fmt::format("grad_tensors should have the same length as tensors: got {} and {}",
                            grad_outputs.size(), outputs.size()));
  for (size_t i = 0; i < outputs.size(); ++i) {
    const Tensor& out = outputs[i];
    if (!out.requires_grad())
      throw Error(fmt::format("element {} of tensors does not require grad and does not have a grad_fn", i));
    Tensor g = i < grad_outputs.size() ? grad_outputs[i] : Tensor();
    if (!g.defined()) {
      if (out.numel() != 1) throw Error("grad can be implicitly created only for scalar outputs");
      g = ones_like(out);
    } else if (!g.sizes().equals(out.sizes())) {
      throw Error(fmt::format("Mismatch in shape: grad_output[{}] has a shape of {} and output[{}] has a shape of {}.",
                              i, format_torch_size(g.sizes()), i, format_torch_size(out.sizes())));
    }
    roots.push_back(gradient_edge(out));
    grads.push_back(std::move(g));
  }
}

std::vector<Edge> capture_edges(const variable_list& inputs) {
  std::vector<Edge> edges;
  for (const Tensor& t : inputs) {
    if (!t.requires_grad()) throw Error("One of the differentiated Tensors does not require grad");
    edges.push_back(gradient_edge(t));
  }
  return edges;
}

}  // namespace

void backward(const variable_list& tensors, const variable_list& grad_tensors, std::optional<bool> retain_graph,
              bool create_graph, const variable_list& inputs) {
  std::vector<Edge> roots;
  variable_list grads;
  collect_roots(tensors, grad_tensors, roots, grads);
  bool keep_graph = retain_graph.value_or(create_graph);
  if (inputs.empty()) {
    execute(roots, std::move(grads), keep_graph, create_graph, /*accumulate_grad=*/true, {});
    return;
  }
  // backward(inputs=...): only these tensors receive gradients, leaves or not.
  variable_list captured = execute(roots, std::move(grads), keep_graph, create_graph, false, capture_edges(inputs));
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!captured[i].defined()) continue;
    AutogradMeta& meta = materialize_autograd_meta(inputs[i]);
    AutoGradMode mode(create_graph);
    meta.grad = meta.grad.defined() ? meta.grad + captured[i] : captured[i].clone();
  }
}

variable_list grad(const variable_list& outputs, const variable_list& inputs, const variable_list& grad_outputs,
                   std::optional<bool> retain_graph, bool create_graph, bool allow_unused) {
  std::vector<Edge> roots;
  variable_list grads;
  collect_roots(outputs, grad_outputs, roots, grads);
  std::vector<Edge> capture = capture_edges(inputs);
  variable_list result =
      execute(roots, std::move(grads), retain_graph.value_or(create_graph), create_graph, false, capture);
  if (!allow_unused)
    for (const Tensor& g : result)
      if (!g.defined())
        throw Error(
            "One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True "
            "if this is the desired behavior.");
  return result;
}

}  // namespace xgrad::autograd
