// engine.cpp: the backward pass. execute() below is the whole algorithm:
//   1. count, for every node reachable from the outputs, how many edges lead into it;
//   2. run nodes whose gradients are complete (count reached zero), latest-created first;
//   3. hand each result along the node's edges, summing where several gradients meet.
// The schedule of 1. and 2. is GraphTask (graph_task.hpp); the loop below is 2. and 3. No
// recursion anywhere, so graph depth is limited by memory only. Read next: one op and its
// derivative, `mul` in src/ops/elementwise.cpp; then gradcheck.cpp, which checks derivatives.
#include "xgrad/autograd/engine.hpp"

#include <exception>
#include <limits>
#include <memory>
#include <thread>

#include "autograd/graph_task.hpp"

#include "xgrad/autograd/anomaly_mode.hpp"
#include "xgrad/autograd/autograd_meta.hpp"
#include "xgrad/autograd/node.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/autograd/trace.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/core/shape.hpp"
#include "xgrad/core/tensor_impl.hpp"
#include "xgrad/core/warning.hpp"

namespace xgrad::autograd {

namespace {

using detail::GraphTask;
using detail::NodeTask;

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

// Note [Broadcasting and gradients]
// `x + y` with x of shape (3) and y of shape (2, 3) gives a (2, 3) result, and the backward
// formula of add simply passes that (2, 3) gradient to both inputs. The gradient for x must have
// x's shape: summing over the broadcast dimensions is what undoes the broadcast. Instead of every
// op doing this, the engine does it here, once, for every gradient a node returns, comparing with
// the shape the receiving node recorded for that input (its InputMetadata), before the node's
// post-hooks see the gradients (as PyTorch's validate_outputs does).
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

// Note [Shortcuts nobody can see]
// A learner can watch the gradients at every node of PyTorch's graph: hooks (grad_fn->register_hook
// and register_prehook, retain_grad), the engine trace, anomaly detection (which checks each node's
// results), and create_graph (which makes every gradient a tensor with a grad_fn of its own). Where
// xgrad computes something in fewer steps than PyTorch, what these show must not change. The
// shortcuts there are, and why nobody sees them:
// - Cross entropy of (N, C) or (C) logits with class indices (src/ops/loss_nll.cpp, Note [Fused
//   cross entropy]). PyTorch's two nodes, NllLossBackward0 -> LogSoftmaxBackward0, are two nodes
//   here too, but the first may compute the logits' gradient itself and the second pass it on.
//   It does so only when neither node has a hook and no trace, anomaly detection or create_graph
//   is on; otherwise each takes PyTorch's step and delivers PyTorch's gradient. Left visible: the
//   pair saves the logits where PyTorch saves log_softmax's output, so changing the logits in
//   place before backward is refused where PyTorch would go on.
// - Backward formulas computed in one pass inside one node: SigmoidBackward0, TanhBackward0
//   (src/ops/activation.cpp), SoftmaxBackward0 and LogSoftmaxBackward0 (src/ops/softmax.cpp) call a
//   fused kernel where PyTorch calls one op as well (sigmoid_backward, tanh_backward,
//   _softmax_backward_data, _log_softmax_backward_data), recorded under create_graph as the same
//   node PyTorch records (SigmoidBackwardBackward0, ...). So do relu, softplus, log_sigmoid,
//   mse_loss and binary_cross_entropy (ThresholdBackwardBackward0, SoftplusBackwardBackward0,
//   ..., BinaryCrossEntropyBackwardBackward0). What happens inside a node's apply() is nobody's to
//   see: hooks see what goes in and what comes out.
// - Ops whose forward is computed with other ops under NoGradGuard and recorded as one node
//   (mean, logsumexp, mv, dot, unbind, stack, the losses of loss_binary.cpp, loss_pointwise.cpp
//   and loss_multilabel.cpp): one node in PyTorch as well, with PyTorch's name.
// Not shortcuts but still different, under create_graph only (the values, second derivatives,
// grad_fn names and requires_grad of every first gradient are PyTorch's; what differs is deeper
// in the gradient's graph): in-place ops save self's old value without PyTorch's extra clone, and
// cross entropy with label smoothing is composed of other ops than PyTorch's.
// tests/autograd/test_double_backward.cpp compares every op's create_graph graphs with PyTorch's
// and lists these cases.
// tests/autograd/test_hooks_reference.cpp hooks every node of these graphs and compares what
// each hook sees with what PyTorch's hooks saw.

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

/// One backward: what it was asked for, and what it collects on the way.
struct Backward {
  bool keep_graph = false;       // keep what nodes saved (retain_graph)
  bool create_graph = false;     // record the backward formulas, for double backward
  bool accumulate_grad = true;   // false for grad(): leaves' .grad stay as they are
  std::vector<Edge> capture;     // grad(), backward(inputs=): the edges whose gradients are returned
  variable_list captured;        // the gradients that arrived there
  std::unique_ptr<detail::EngineTracer> trace;  // null unless tracing (autograd/trace.hpp)
};

// Note [Nodes that receive no gradient]
// A node becomes ready when every edge into it has delivered, whether or not a gradient came
// along: an output nobody used, a custom Function whose backward returned none, UndefinedGrad.
// PyTorch's engine then calls the node even if all it received is undefined, and what happens is
// the node's business:
// - the nodes PyTorch generates for its ops check `any_grad_defined` and return undefined
//   gradients without computing anything. xgrad's op nodes (record.hpp's LambdaNode, the fused loss
//   pair, CopySlices) follow that rule, and the engine applies it for them, here, instead of in
//   each: their apply() is not called;
// - a custom Function (CppNode) is called: it hands zeros of each output's shape to the user's
//   backward in place of the missing gradients, or the undefined tensors themselves after
//   ctx->set_materialize_grads(false) (libtorch's CustomAutogradTest.MaterializeGrads). A node says
//   so with called_without_gradients().
// Either way the node's hooks run as PyTorch runs them: pre-hooks before, post-hooks after (with
// the undefined gradients), so a hook cannot tell the shortcut from a call.

/// PyTorch's current_evaluating_node: the node running on this thread, for Note [Anomaly parents].
Node*& evaluating_node_slot() {
  thread_local Node* node = nullptr;
  return node;
}

/// Under DetectAnomalyGuard, when backward fails at `fn`: PyTorch's two warnings, the forward op
/// that made `fn`, then the one that made each node whose backward made the previous (Note
/// [Anomaly parents] in node.cpp). PyTorch prints Python tracebacks; xgrad names the forward ops.
void warn_anomaly_origin(const Node& fn) {
  if (fn.forward_op().empty()) return;
  warn(fmt::format("Error detected in {}. Traceback of forward call that caused the error:\n  {}", fn.name(),
                   fn.forward_op()));
  for (const Node* parent = fn.anomaly_parent().get(); parent != nullptr; parent = parent->anomaly_parent().get())
    warn(fmt::format("\n\nPrevious calculation was induced by {}. Traceback of forward call that induced the previous "
                     "calculation:\n  {}",
                     parent->name(), parent->forward_op()));
}

/// Runs one node as PyTorch's engine does: its pre-hooks (and retain_grad's), apply() (unless no
/// gradient reached it: Note [Nodes that receive no gradient]), its results shaped to the inputs
/// they are for (validate_gradient), its post-hooks, then anomaly mode's check.
variable_list run_node(Node& fn, variable_list&& inputs, const Backward& bw) {
  AutoGradMode mode(bw.create_graph);
  struct Evaluating {  // restored on the way out, by an error too
    Node* previous = evaluating_node_slot();
    explicit Evaluating(Node* now) { if (AnomalyMode::is_enabled()) evaluating_node_slot() = now; }
    ~Evaluating() { evaluating_node_slot() = previous; }
  } evaluating(&fn);
  if (bw.trace) bw.trace->before(fn, inputs);
  variable_list outputs;
  Node* previous = detail::current_node();
  try {
    for (auto& hook : fn.pre_hooks()) inputs = (*hook)(inputs);
    for (auto& hook : fn.retains_grad_hooks()) inputs = (*hook)(inputs);
    bool any = inputs.empty();  // the root has no inputs but always runs
    for (const Tensor& g : inputs) any = any || g.defined();
    if (any || fn.called_without_gradients()) {
      detail::current_node() = &fn;  // what needs_input_grad() reads
      outputs = fn.post_hooks().empty() ? fn.apply(std::move(inputs)) : fn.apply(variable_list(inputs));
      if (outputs.size() != fn.num_outputs())
        throw Error(fmt::format("function {} returned an incorrect number of gradients (expected {}, got {})",
                                fn.name(), fn.num_outputs(), outputs.size()));
      const auto& edges = fn.next_edges();
      for (size_t i = 0; i < outputs.size(); ++i)
        if (edges[i].is_valid() && outputs[i].defined())
          outputs[i] = validate_gradient(fn, i, std::move(outputs[i]),
                                         edges[i].function->input_metadata(edges[i].input_nr));
      detail::current_node() = previous;
    } else {
      outputs.resize(fn.num_outputs());  // nothing flows through this node
    }
    for (auto& hook : fn.post_hooks()) {
      variable_list replaced = (*hook)(outputs, inputs);
      if (!replaced.empty()) outputs = std::move(replaced);
    }
    if (AnomalyMode::is_enabled()) check_anomaly(fn, outputs);
  } catch (...) {
    detail::current_node() = previous;
    if (AnomalyMode::is_enabled()) warn_anomaly_origin(fn);
    throw;
  }
  if (bw.trace) bw.trace->after(fn, outputs);
  return outputs;
}

/// Marks the nodes from which a capture target can be reached; only those need to run.
void mark_needed(Node* root, GraphTask& graph, const std::vector<Edge>& capture) {
  for (NodeTask& t : graph.tasks()) t.needed = false;
  for (const Edge& e : capture)
    if (e.is_valid()) graph[e.function.get()].needed = true;
  // Post-order walk: a node is needed if one of its children is.
  std::vector<std::pair<Node*, size_t>> stack{{root, 0}};
  graph[root].visited = true;
  while (!stack.empty()) {
    auto& [fn, next] = stack.back();
    const auto& edges = fn->next_edges();
    if (next < edges.size()) {
      Node* child = edges[next++].function.get();
      if (child != nullptr && !graph[child].visited) {
        graph[child].visited = true;
        stack.emplace_back(child, 0);
      }
      continue;
    }
    for (const Edge& e : edges)
      if (e.is_valid() && graph[e.function.get()].needed) graph[fn].needed = true;
    stack.pop_back();
  }
}

/// grad() and backward(inputs=...): keeps the gradients arriving at a captured edge, and says
/// whether the node must run at all (a requested gradient lies behind it; an AccumulateGrad only
/// when leaves' .grad are to be written).
bool should_run(Node& fn, const variable_list& inputs, bool needed, Backward& bw) {
  for (size_t i = 0; i < bw.capture.size(); ++i)
    if (bw.capture[i].function.get() == &fn) bw.captured[i] = inputs[bw.capture[i].input_nr];
  if (!needed) {
    if (bw.trace) bw.trace->skipped(fn, "no requested gradient lies behind it");
    return false;
  }
  if (!bw.accumulate_grad && dynamic_cast<AccumulateGrad*>(&fn) != nullptr) {
    if (bw.trace) bw.trace->skipped(fn, "grad() leaves .grad alone");
    return false;
  }
  return true;
}

// Note [Summing gradients in place]
// Where two paths meet (an LSTM's weights collect one gradient per time step), PyTorch's
// InputBuffer::accumulate adds the new gradient into the one already there, in place, when
// nothing else can see it: grad mode is off (no create_graph), and the engine holds the last
// reference to a plain dense tensor and to its storage. Otherwise it adds out of place. The sum is
// the same either way (a + b and b + a round alike); in place saves an allocation and a pass over
// fresh memory per meeting. So does this engine, with the same conditions.

/// Whether the engine holds the only reference to t and its storage, and t is a plain dense tensor
/// whose elements may be overwritten (PyTorch's can_accumulate_inplace).
bool can_accumulate_inplace(const Tensor& t, const Tensor& other) {
  const TensorImpl& impl = *t.impl();
  const TensorImpl& o = *other.impl();
  return t.use_count() == 1 && impl.storage != nullptr && impl.storage.use_count() == 1 && impl.sparse == nullptr &&
         o.sparse == nullptr && impl.is_contiguous && !impl.is_inference && !impl.requires_grad &&
         impl.grad_fn == nullptr && impl.dtype == o.dtype && impl.sizes == o.sizes;
}

/// Two gradients for the same input, from two paths: their sum (recorded under create_graph; in
/// place into one of them when nothing else sees it, Note [Summing gradients in place], which
/// then moves out of its argument: the engine replaces a and drops b right after).
Tensor sum_gradients(Tensor& a, Tensor& b, bool create_graph) {
  AutoGradMode mode(create_graph);
  if (!create_graph) {
    if (can_accumulate_inplace(a, b)) {
      a.add_(b);
      return std::move(a);
    }
    if (can_accumulate_inplace(b, a)) {
      b.add_(a);
      return std::move(b);
    }
  }
  return a + b;
}

/// The trimmed graph of the grad() or backward(inputs=...) running on this thread (null: none,
/// or a backward that computes every gradient).
const GraphTask*& current_trimmed_graph() {
  thread_local const GraphTask* graph = nullptr;
  return graph;
}

/// Runs backward from `roots` (with gradients `root_grads`); returns the gradients that arrived
/// at bw.capture's edges.
variable_list execute(const std::vector<Edge>& roots, variable_list root_grads, Backward& bw) {
  // One output starts the walk at its own node; several start from a GraphRoot that feeds them all
  // (one output may feed another, so they cannot simply all start at once).
  std::shared_ptr<Node> graph_root;
  Node* root = roots[0].function.get();
  if (roots.size() > 1) {
    graph_root = std::make_shared<GraphRoot>(roots, std::move(root_grads));
    root = graph_root.get();
  }

  // 1. Dependencies: how many edges lead into each node reachable from the root.
  GraphTask graph(root);
  if (!bw.capture.empty()) mark_needed(root, graph, bw.capture);
  struct Trimmed {  // what task_should_compute_output reads, for this backward (reentrant ones nest)
    const GraphTask* previous = current_trimmed_graph();
    explicit Trimmed(const GraphTask* now) { current_trimmed_graph() = now; }
    ~Trimmed() { current_trimmed_graph() = previous; }
  } trimmed(bw.capture.empty() ? nullptr : &graph);
  bw.captured.assign(bw.capture.size(), Tensor());
  if (!bw.trace) bw.trace = detail::make_engine_tracer();  // made by the caller's thread if offloaded
  if (bw.trace) bw.trace->start(*root, graph.nodes());
  if (roots.size() == 1) graph[root].input(roots[0].input_nr, root->num_inputs()) = std::move(root_grads[0]);

  // 2. and 3. Run ready nodes, latest first, and pass their results along.
  // ---- the engine's loop (README.md quotes it; tests/autograd/test_engine.cpp checks the quote) ----
  while (graph.has_ready()) {
    Node* fn = graph.pop_ready();                          // the latest-created ready node
    NodeTask& task = graph[fn];
    variable_list inputs = std::move(task.buffer);         // its gradients, all arrived
    inputs.resize(fn->num_inputs());
    if (!should_run(*fn, inputs, task.needed, bw)) continue;  // grad(): capture; skip what is not asked
    variable_list outputs = run_node(*fn, std::move(inputs), bw);  // hooks and apply()
    if (!bw.keep_graph) fn->release_variables();           // free what it saved for backward

    const auto& edges = fn->next_edges();                  // one per input of the forward op
    for (size_t i = 0; i < edges.size(); ++i) {
      const Edge& edge = edges[i];
      if (!edge.is_valid()) continue;                      // that input needs no gradient
      NodeTask& next = graph[edge.function.get()];
      if (!next.needed) continue;                          // grad(): nothing asked for lies behind it
      if (outputs[i].defined()) {  // shaped to its input already (Note [Broadcasting and gradients])
        Tensor& slot = next.input(edge.input_nr, edge.function->num_inputs());
        if (slot.defined()) slot = sum_gradients(slot, outputs[i], bw.create_graph);  // several paths meet: sum
        else slot = std::move(outputs[i]);
      }
      graph.delivered(next);                               // the last delivery makes it ready
    }
  }
  // ---- end of the engine's loop ----
  return std::move(bw.captured);
}

// Note [Reentrant backward]
// A custom Function's backward may itself call backward() (libtorch's CustomAutogradTest.Reentrant):
// the inner backward runs to its end, on the same thread, before the outer one goes on. Every
// level costs stack, and a chain of 8193 levels (CustomAutogradTest.DeepReentrant) would overflow
// it. PyTorch's engine moves a backward started more than 60 levels deep to another thread, with a
// stack of its own, and waits for it; so does this one. Grad mode and the engine trace go along
// (PyTorch's ThreadLocalState); on that thread the depth counts from zero again.
constexpr int kMaxReentrantDepth = 60;

/// How many backward passes are running on this thread, one inside another.
int& reentrant_depth() {
  thread_local int depth = 0;
  return depth;
}

/// execute(), on this thread or, deep inside reentrant backwards, on a fresh one.
variable_list run_backward(const std::vector<Edge>& roots, variable_list root_grads, Backward& bw) {
  int& depth = reentrant_depth();
  if (depth < kMaxReentrantDepth) {
    struct Level {
      int& depth;
      explicit Level(int& d) : depth(d) { ++depth; }
      ~Level() { --depth; }
    } level(depth);
    return execute(roots, std::move(root_grads), bw);
  }
  if (!bw.trace) bw.trace = detail::make_engine_tracer();
  const bool grad_mode = GradMode::is_enabled();
  variable_list result;
  std::exception_ptr error;
  std::thread worker([&] {
    GradMode::set_enabled(grad_mode);
    try {
      result = run_backward(roots, std::move(root_grads), bw);
    } catch (...) {
      error = std::current_exception();
    }
  });
  worker.join();
  if (error) std::rethrow_exception(error);
  return result;
}

}  // namespace

Node*& detail::evaluating_node() { return evaluating_node_slot(); }

bool detail::task_should_compute_output(Node& fn, size_t i) {
  if (!fn.should_compute_output(i)) return false;
  const GraphTask* graph = current_trimmed_graph();
  if (graph == nullptr) return true;
  const detail::NodeTask* next = graph->find_existing(fn.next_edges()[i].function.get());
  return next == nullptr || next->needed;
}

namespace {

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
  if (create_graph)  // libtorch's Engine::execute, TORCH_WARN_ONCE (warn() shows each message once)
    warn("Using backward() with create_graph=True will create a reference cycle between the parameter and its "
         "gradient which can cause a memory leak. We recommend using autograd.grad when creating the graph to avoid "
         "this. If you have to use this function, make sure to reset the .grad fields of your parameters to None "
         "after use to break the cycle and avoid the leak.");
  std::vector<Edge> roots;
  variable_list grads;
  collect_roots(tensors, grad_tensors, roots, grads);
  Backward bw;
  bw.keep_graph = retain_graph.value_or(create_graph);
  bw.create_graph = create_graph;
  if (inputs.empty()) {
    run_backward(roots, std::move(grads), bw);
    return;
  }
  // backward(inputs=...): only these tensors receive gradients, leaves or not.
  bw.accumulate_grad = false;
  bw.capture = capture_edges(inputs);
  variable_list captured = run_backward(roots, std::move(grads), bw);
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!captured[i].defined()) continue;
    AutogradMeta& meta = materialize_autograd_meta(inputs[i]);
    AutoGradMode mode(create_graph);
    meta.grad = meta.grad.defined() ? meta.grad + captured[i] : captured[i].clone();
  }
}

variable_list grad(const variable_list& outputs, const variable_list& inputs, const variable_list& grad_outputs,
                   std::optional<bool> retain_graph, bool create_graph, bool allow_unused) {
  XGRAD_CHECK_T(ValueError, !inputs.empty(), "grad requires non-empty inputs.");
  std::vector<Edge> roots;
  variable_list grads;
  collect_roots(outputs, grad_outputs, roots, grads);
  Backward bw;
  bw.keep_graph = retain_graph.value_or(create_graph);
  bw.create_graph = create_graph;
  bw.accumulate_grad = false;
  bw.capture = capture_edges(inputs);
  variable_list result = run_backward(roots, std::move(grads), bw);
  if (!allow_unused)
    for (const Tensor& g : result)
      if (!g.defined())
        throw Error(
            "One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True "
            "if this is the desired behavior.");
  return result;
}

}  // namespace xgrad::autograd
