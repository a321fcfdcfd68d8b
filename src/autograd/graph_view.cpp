// graph_view.cpp: to_dot and to_text. to_dot numbers the nodes reachable from the tensor's
// grad_fn in the order the engine would run them, replaying the engine's schedule (graph_task.hpp).
// Read next: trace.hpp.
#include "xgrad/autograd/graph_view.hpp"

#include "autograd/graph_task.hpp"

#include <map>
#include <vector>

#include "xgrad/autograd/node.hpp"
#include "xgrad/autograd/saved_tensor.hpp"
#include "xgrad/core/format.hpp"

namespace xgrad::autograd {

namespace {

/// Every node reachable from `root`, in the order backward runs them, and each one's number.
struct Walk {
  std::vector<Node*> nodes;
  std::map<const Node*, size_t> number;  // 1-based
};

Walk walk_from(Node* root) {
  // The engine's own schedule (graph_task.hpp), run without running any node.
  detail::GraphTask graph(root);
  Walk w;
  while (graph.has_ready()) {
    Node* fn = graph.pop_ready();
    w.nodes.push_back(fn);
    w.number[fn] = w.nodes.size();
    for (const Edge& e : fn->next_edges())
      if (e.is_valid()) graph.delivered(graph[e.function.get()]);
  }
  return w;
}

std::string shape_and_dtype(const Tensor& t) {
  return fmt::format("{} {}", format_sizes(t.sizes()), dtype_name(t.scalar_type()));
}

}  // namespace

std::string to_dot(const Tensor& tensor, const DotOptions& options) {
  std::string out = "digraph autograd {\n  node [shape=box, fontname=\"Helvetica\", fontsize=11]\n";
  out += fmt::format("  output [label=\"output\\n{}\", shape=ellipse, style=filled, fillcolor=darkolivegreen1]\n",
                     shape_and_dtype(tensor));
  Node* root = tensor.grad_fn().get();
  if (root == nullptr) {
    if (tensor.requires_grad()) out += "  output_leaf [label=\"a leaf: no grad_fn\", shape=plaintext]\n";
    return out + "}\n";
  }
  const Walk w = walk_from(root);
  out += "  output -> n1\n";
  for (Node* fn : w.nodes) {
    const size_t k = w.number.at(fn);
    out += fmt::format("  n{} [label=\"{}\"]\n", k, fn->name());
    const auto& edges = fn->next_edges();
    for (size_t i = 0; i < edges.size(); ++i) {
      if (!edges[i].is_valid()) continue;
      const std::string label = edges.size() > 1 ? fmt::format(" [label=\"{}\"]", i) : "";
      out += fmt::format("  n{} -> n{}{}\n", k, w.number.at(edges[i].function.get()), label);
    }
    if (const auto* acc = dynamic_cast<const AccumulateGrad*>(fn)) {
      std::string label = "leaf";
      for (const auto& [leaf, name] : options.names)
        if (leaf.is_same(acc->variable())) label = name;
      out += fmt::format("  leaf{} [label=\"{}\\n{}\", shape=ellipse, style=filled, fillcolor=lightblue]\n", k,
                         label, shape_and_dtype(acc->variable()));
      out += fmt::format("  n{} -> leaf{} [label=\".grad\"]\n", k, k);
    }
    if (options.show_saved) {
      const auto saved = fn->saved_tensors();
      for (size_t i = 0; i < saved.size(); ++i) {
        const std::string what = saved[i]->released() ? "freed" : shape_and_dtype(saved[i]->peek());
        out += fmt::format("  saved{}_{} [label=\"saved\\n{}\", style=\"filled,dashed\", fillcolor=orange]\n", k, i, what);
        out += fmt::format("  n{} -> saved{}_{} [style=dashed, arrowhead=none]\n", k, k, i);
      }
    }
  }
  return out + "}\n";
}

std::string to_text(const Tensor& tensor) {
  Node* root = tensor.grad_fn().get();
  if (root == nullptr) return tensor.requires_grad() ? "a leaf (no grad_fn)\n" : "None (no graph)\n";
  const Walk w = walk_from(root);
  std::string out;
  std::map<const Node*, bool> printed;
  // Depth first, children in next_functions order; a node met again is named, not expanded.
  struct Item {
    const Node* fn;  // null: an input that needs no gradient (Python's None)
    std::string prefix, branch;
  };
  std::vector<Item> stack{{root, "", ""}};
  while (!stack.empty()) {
    Item item = stack.back();
    stack.pop_back();
    if (item.fn == nullptr) {
      out += item.prefix + item.branch + "None\n";
      continue;
    }
    std::string line = item.prefix + item.branch + item.fn->name();
    if (const auto* acc = dynamic_cast<const AccumulateGrad*>(item.fn))
      line += " (leaf " + shape_and_dtype(acc->variable()) + ")";
    if (printed[item.fn]) {
      out += line + " (shown above)\n";
      continue;
    }
    printed[item.fn] = true;
    out += line + "\n";
    const std::string child_prefix = item.prefix + (item.branch.empty() ? "" : item.branch == "├── " ? "│   " : "    ");
    const auto& edges = item.fn->next_edges();
    for (size_t i = edges.size(); i-- > 0;)
      stack.push_back({edges[i].function.get(), child_prefix, i + 1 == edges.size() ? "└── " : "├── "});
  }
  return out;
}

}  // namespace xgrad::autograd
