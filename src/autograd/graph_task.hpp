// graph_task.hpp (internal): the schedule of one backward, the one place that decides in which
// order nodes run. The engine (engine.cpp) runs it; the pictures of the graph (graph_view.cpp)
// replay it to number the nodes, so a picture cannot disagree with the engine. Every node
// reachable from the root is found first and the edges into it counted (its dependencies); a node
// is ready once every edge into it has delivered, and of the ready nodes the one created last runs
// first: a node created after another may feed it, never the reverse. Read next: engine.cpp.
#pragma once

#include <algorithm>
#include <unordered_map>
#include <utility>
#include <vector>

#include "xgrad/autograd/node.hpp"
#include "xgrad/core/small_vector.hpp"

namespace xgrad::autograd::detail {

/// What one backward tracks per node.
struct NodeTask {
  Node* fn = nullptr;
  int dependencies = 0;   // edges into this node that have not delivered yet
  variable_list buffer;   // the gradients received so far, one slot per forward output
  bool needed = true;     // false: no requested gradient lies behind this node (grad() only)
  bool visited = false;   // for walks over the graph (engine.cpp's mark_needed)

  /// The slot for gradient number `nr` of a node that receives `count` gradients.
  Tensor& input(uint32_t nr, uint32_t count) {
    if (buffer.size() < count) buffer.resize(count);
    return buffer[nr];
  }
};

class GraphTask {
 public:
  /// Finds every node reachable from `root`, counts the edges into each, and makes root ready.
  explicit GraphTask(Node* root) {
    nodes_.reserve(16);
    tasks_.reserve(16);
    find(root);
    std::vector<Node*> stack{root};
    while (!stack.empty()) {
      Node* fn = stack.back();
      stack.pop_back();
      for (const Edge& e : fn->next_edges()) {
        if (!e.is_valid()) continue;
        auto [task, first_time] = find(e.function.get());
        task->dependencies++;
        if (first_time) stack.push_back(e.function.get());
      }
    }
    make_ready(root);
  }
  GraphTask(const GraphTask&) = delete;
  GraphTask& operator=(const GraphTask&) = delete;

  /// The task of a node (one the constructor did not find gets a new task: a node grad() asks
  /// about that the outputs do not reach).
  NodeTask& operator[](Node* fn) { return *find(fn).first; }
  /// The task of a node this backward found, or nullptr (never adds one).
  const NodeTask* find_existing(Node* fn) const {
    if (index_.empty()) {
      for (size_t i = 0; i < nodes_.size(); ++i)
        if (nodes_[i] == fn) return &tasks_[i];
      return nullptr;
    }
    auto it = index_.find(fn);
    return it == index_.end() ? nullptr : &tasks_[it->second];
  }
  /// Every node found, in the order they were found.
  const std::vector<Node*>& nodes() const { return nodes_; }
  std::vector<NodeTask>& tasks() { return tasks_; }

  bool has_ready() const { return !ready_.empty(); }
  /// The ready node created last, taken off the ready list.
  Node* pop_ready() {
    std::pop_heap(ready_.begin(), ready_.end(), LaterFirst());
    Node* fn = ready_.back();
    ready_.pop_back();
    return fn;
  }
  /// One edge into `next` has delivered (a gradient or nothing); the last delivery makes it ready.
  void delivered(NodeTask& next) {
    if (--next.dependencies == 0) make_ready(next.fn);
  }

 private:
  /// Later nodes first: a node created after another may feed it, never the reverse.
  struct LaterFirst {
    bool operator()(const Node* a, const Node* b) const { return a->sequence_nr() < b->sequence_nr(); }
  };
  void make_ready(Node* fn) {
    ready_.push_back(fn);
    std::push_heap(ready_.begin(), ready_.end(), LaterFirst());
  }
  /// The task of `fn`, and whether it was just created. Small graphs (the common case) are
  /// searched linearly, which is faster than hashing; larger ones get a hash index.
  std::pair<NodeTask*, bool> find(Node* fn) {
    if (index_.empty()) {
      for (size_t i = 0; i < nodes_.size(); ++i)
        if (nodes_[i] == fn) return {&tasks_[i], false};
    } else if (auto it = index_.find(fn); it != index_.end()) {
      return {&tasks_[it->second], false};
    }
    nodes_.push_back(fn);
    tasks_.emplace_back().fn = fn;
    if (!index_.empty() || nodes_.size() > kLinear) {
      if (index_.empty())
        for (size_t i = 0; i < nodes_.size(); ++i) index_[nodes_[i]] = i;
      index_[fn] = nodes_.size() - 1;
    }
    return {&tasks_.back(), true};
  }

  static constexpr size_t kLinear = 32;
  std::vector<Node*> nodes_;
  std::vector<NodeTask> tasks_;  // references to its tasks are held only while no task is added
  std::unordered_map<Node*, size_t> index_;
  SmallVector<Node*, 16> ready_;  // a heap ordered by LaterFirst
};

/// PyTorch's task_should_compute_output: edge `i` of `fn` is valid and, if a grad() or
/// backward(inputs=...) runs on this thread, a requested gradient lies behind it (the engine
/// trims the others). In engine.cpp.
bool task_should_compute_output(Node& fn, size_t i);

/// The node whose apply() the engine is running on this thread, set only under anomaly
/// detection (a node made meanwhile takes it as its parent: Note [Anomaly parents] in node.cpp).
/// Unlike current_node() (record.hpp), CopySlices does not move it to the node it wraps. In engine.cpp.
Node*& evaluating_node();

}  // namespace xgrad::autograd::detail
