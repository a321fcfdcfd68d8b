// graph_view.hpp: pictures of the graph behind a tensor (xgrad additions, for learning).
// to_dot() writes Graphviz DOT: one box per node, named as PyTorch names it (grad_fn.name()),
// the leaves as blue ovals with their shape and dtype, and optionally, in orange, the tensors each
// node saved for backward. Nodes are numbered in the order backward runs them, and each node's
// edges are listed in the order of its inputs (Python's grad_fn.next_functions). Arrows follow
// the gradients, from the output towards the leaves. `dot -Tsvg graph.dot -o graph.svg` draws it.
// to_text() is the same graph as an indented tree, the walk of next_functions one does in Python.
// Read next: autograd/trace.hpp.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "xgrad/core/tensor.hpp"

namespace xgrad::autograd {

struct DotOptions {
  /// Also draw the tensors each node saved for backward (their shapes and dtypes).
  bool show_saved = false;
  DotOptions& saved(bool on) {
    show_saved = on;
    return *this;
  }
  /// Label a leaf with a name (torchviz's params=): DotOptions().name(a, "a").name(b, "b").
  std::vector<std::pair<Tensor, std::string>> names;
  DotOptions& name(const Tensor& leaf, std::string label) {
    names.emplace_back(leaf, std::move(label));
    return *this;
  }
};

/// The graph behind `tensor` in Graphviz DOT.
std::string to_dot(const Tensor& tensor, const DotOptions& options = {});
/// The graph behind `tensor` as an indented tree of node names.
std::string to_text(const Tensor& tensor);

}  // namespace xgrad::autograd
