// record.cpp: the parts of op recording that need no template (see record.hpp).
#include "xgrad/autograd/record.hpp"

namespace xgrad::autograd {

bool compute_requires_grad(TensorList inputs) {
  if (!GradMode::is_enabled()) return false;
  for (const Tensor& t : inputs)
    if (t.defined() && t.requires_grad()) return true;
  return false;
}

namespace detail {
Node*& current_node() {
  thread_local Node* node = nullptr;
  return node;
}

void connect_inputs(Node& node, TensorList inputs) {
  node.reserve_next_edges(inputs.size());
  for (const Tensor& t : inputs) node.add_next_edge(gradient_edge(t));
}
}  // namespace detail

bool needs_input_grad(size_t i) {
  Node* node = detail::current_node();
  return node == nullptr || node->should_compute_output(i);
}

}  // namespace xgrad::autograd
