// node.cpp: Node bookkeeping, AccumulateGrad, and the autograd state of tensors.
#include "xgrad/autograd/node.hpp"

#include <limits>

#include "autograd/graph_task.hpp"

#include "xgrad/autograd/anomaly_mode.hpp"
#include "xgrad/autograd/autograd_meta.hpp"
#include "xgrad/core/grad_mode.hpp"

namespace xgrad::autograd {

uint64_t Node::next_sequence_nr() {
  thread_local uint64_t counter = 0;
  return counter++;
}

// Note [Anomaly parents]
// Under DetectAnomalyGuard a node remembers which node the engine was running when it was made:
// a node of a create_graph backward (PowBackward0 made by PowBackward0's formula) or of a
// backward started inside a custom Function's backward. When backward fails at it, the engine
// names its forward op, then walks these parents, naming each one's forward op too ("Previous
// calculation was induced by PowBackward0"), as PyTorch's AnomalyMetadata::print_stack does. The
// parent is owned, as in PyTorch: it lives as long as what it made, to be described.
Node::Node(uint64_t sequence_nr) : sequence_nr_(sequence_nr) {
  if (!AnomalyMode::is_enabled()) return;
  anomaly_ = std::make_unique<AnomalyMetadata>();
  if (Node* parent = detail::evaluating_node()) anomaly_->parent = parent->weak_from_this().lock();
}

// Note [Destroying long graphs]
// A graph is a chain of shared_ptrs: a node owns the nodes its edges point to. Letting C++
// destroy a chain of 100,000 nodes the natural way recurses 100,000 deep and overflows the stack.
// So a dying node moves its edges' nodes into a flat list, and the list is emptied one node at a
// time: a node nobody else holds any more dies there, its own edges moved into the list first, so
// its destruction has nothing left to recurse into; a node still held elsewhere just loses one
// owner (its last owner, if in the list, comes later). A node's saved inputs also own their
// grad_fns (the node's children), so a dying node releases its saved tensors before its children
// are looked at. A node may own nodes outside its edges too (CopySlices owns the in-place op's
// node and hands it to its edges as it dies): its ~Node runs while the list is being emptied and
// adds to that list instead of starting a second one inside the first, so the depth stays one
// node whatever the graph.
Node::~Node() {
  thread_local std::vector<std::shared_ptr<Node>>* draining = nullptr;  // the list being emptied
  auto adopt = [](std::vector<Edge>& edges, std::vector<std::shared_ptr<Node>>& list) {
    for (Edge& e : edges)
      if (e.function) list.push_back(std::move(e.function));
  };
  if (draining) {
    adopt(next_edges_, *draining);
    return;
  }
  std::vector<std::shared_ptr<Node>> orphans;
  adopt(next_edges_, orphans);
  draining = &orphans;
  while (!orphans.empty()) {
    std::shared_ptr<Node> n = std::move(orphans.back());
    orphans.pop_back();
    if (n.use_count() == 1) {
      n->release_variables();
      adopt(n->next_edges_, orphans);
    }
  }  // n is destroyed here (or loses this owner), with nothing left to recurse into
  draining = nullptr;
}

uint32_t Node::add_input_metadata(const Tensor& output) {
  return add_input_metadata(InputMetadata{DimVector(output.sizes()), output.scalar_type()});
}

uint32_t Node::add_input_metadata(InputMetadata meta) {
  if (num_inputs_ == 0)
    first_input_ = std::move(meta);
  else
    more_inputs_.push_back(std::move(meta));
  return num_inputs_++;
}

uintptr_t Node::add_post_hook(std::unique_ptr<FunctionPostHook>&& hook) {
  post_hooks_.push_back(std::move(hook));
  return reinterpret_cast<uintptr_t>(post_hooks_.back().get());
}

namespace {
struct LambdaPostHook : FunctionPostHook {
  explicit LambdaPostHook(std::function<variable_list(const variable_list&, const variable_list&)> f) : fn(std::move(f)) {}
  variable_list operator()(const variable_list& outputs, const variable_list& inputs) override { return fn(outputs, inputs); }
  std::function<variable_list(const variable_list&, const variable_list&)> fn;
};
struct LambdaPreHook : FunctionPreHook {
  explicit LambdaPreHook(std::function<variable_list(const variable_list&)> f) : fn(std::move(f)) {}
  variable_list operator()(const variable_list& grads) override {
    variable_list replaced = fn(grads);
    return replaced.empty() ? grads : replaced;
  }
  std::function<variable_list(const variable_list&)> fn;
};
}  // namespace

uintptr_t Node::register_hook(std::function<variable_list(const variable_list&, const variable_list&)> hook) {
  return add_post_hook(std::make_unique<LambdaPostHook>(std::move(hook)));
}

uintptr_t Node::register_prehook(std::function<variable_list(const variable_list&)> hook) {
  pre_hooks_.push_back(std::make_unique<LambdaPreHook>(std::move(hook)));
  return reinterpret_cast<uintptr_t>(pre_hooks_.back().get());
}

bool Node::remove_hook(uintptr_t key) {
  if (del_post_hook(key)) return true;
  for (auto it = pre_hooks_.begin(); it != pre_hooks_.end(); ++it) {
    if (reinterpret_cast<uintptr_t>(it->get()) == key) {
      pre_hooks_.erase(it);
      return true;
    }
  }
  return false;
}

const std::string& Node::forward_op() const {
  static const std::string none;
  return anomaly_ ? anomaly_->forward_op : none;
}

void Node::set_forward_op(std::string description) {
  if (!anomaly_) anomaly_ = std::make_unique<AnomalyMetadata>();
  anomaly_->forward_op = std::move(description);
}

const std::shared_ptr<Node>& Node::anomaly_parent() const {
  static const std::shared_ptr<Node> none;
  return anomaly_ ? anomaly_->parent : none;
}

bool Node::del_post_hook(const uintptr_t& key) {
  for (auto it = post_hooks_.begin(); it != post_hooks_.end(); ++it) {
    if (reinterpret_cast<uintptr_t>(it->get()) == key) {
      post_hooks_.erase(it);
      return true;
    }
  }
  return false;
}

// ---- the autograd state of a tensor ----------------------------------------------------------

AutogradMeta& materialize_autograd_meta(const Tensor& t) {
  auto& meta = t.unsafeGetTensorImpl()->autograd;
  if (!meta) meta = std::make_unique<AutogradMeta>();
  return *meta;
}

void set_history(const Tensor& t, const std::shared_ptr<Node>& fn, uint32_t output_nr) {
  // See Note [Complex autograd] in src/ops/complex.cpp.
  XGRAD_CHECK(!t.is_complex(), "{}: xgrad does not support autograd through complex values ({} result of an input "
              "that requires grad); compute it under torch::NoGradGuard", fn->name(), scalar_type_name(t.scalar_type()));
  TensorImpl* impl = t.unsafeGetTensorImpl();
  impl->grad_fn = fn;
  impl->output_nr = output_nr;
  // A view's grad_fn is current as of now (See Note [Views and in-place ops]).
  if (DifferentiableViewMeta* view = get_view_autograd_meta(t)) view->set_attr_version(t._version());
}

std::shared_ptr<Node> grad_accumulator(const Tensor& leaf) {
  AutogradMeta& meta = materialize_autograd_meta(leaf);
  if (auto existing = meta.grad_accumulator.lock()) return existing;
  auto acc = std::make_shared<AccumulateGrad>(leaf);
  meta.grad_accumulator = acc;
  return acc;
}

Edge gradient_edge(const Tensor& t) {
  if (!t.defined()) return Edge();
  const TensorImpl* impl = t.unsafeGetTensorImpl();
  if (const auto& fn = t.grad_fn()) return Edge(fn, impl->output_nr);  // a view's, rebuilt if stale
  if (impl->requires_grad) return Edge(grad_accumulator(t), 0);
  return Edge();
}

// ---- AccumulateGrad --------------------------------------------------------------------------

// Leaves' nodes run as soon as they are ready: the highest sequence number.
AccumulateGrad::AccumulateGrad(Tensor variable)
    : Node(std::numeric_limits<uint64_t>::max()), variable_(std::move(variable)) {
  add_input_metadata(variable_);
}

variable_list AccumulateGrad::apply(variable_list&& grads) {
  Tensor new_grad = std::move(grads.at(0));
  if (!new_grad.defined()) return {};
  AutogradMeta& meta = materialize_autograd_meta(variable_);
  for (auto& [id, hook] : meta.hooks) {
    if (!hook) continue;  // removed
    Tensor replaced = hook(new_grad);
    if (replaced.defined()) new_grad = std::move(replaced);
  }
  Tensor& grad = meta.grad;
  if (!grad.defined()) {
    // Keep the incoming tensor itself when nobody else can see it and it is a plain dense
    // tensor; otherwise store a copy (a broadcast view, or a gradient two leaves share).
    bool unique = new_grad.use_count() == 1 && new_grad.impl()->storage.use_count() == 1;
    if (!GradMode::is_enabled() && unique && new_grad.is_contiguous() && !new_grad.is_view() &&
        new_grad.grad_fn() == nullptr) {
      grad = std::move(new_grad);
    } else {
      grad = new_grad.clone();  // records CloneBackward0 under create_graph, as PyTorch does
    }
  } else if (!GradMode::is_enabled()) {
    grad.add_(new_grad);
  } else {
    grad = grad + new_grad;  // out of place, so a double backward sees both terms
  }
  return {};
}

}  // namespace xgrad::autograd
