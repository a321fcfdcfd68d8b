// record.cpp: the parts of op recording that need no template (see record.hpp).
#include "xgrad/autograd/record.hpp"

#include "autograd/graph_task.hpp"

#include "xgrad/autograd/anomaly_mode.hpp"
#include "xgrad/core/format.hpp"

namespace xgrad::autograd {

bool compute_requires_grad(TensorList inputs) {
  if (!GradMode::is_enabled()) return false;
  // Inference tensors alone never record: one normal input must take part (See Note [Inference
  // tensors] in grad_mode.hpp).
  bool requires_grad = false, any_normal = false;
  for (const Tensor& t : inputs) {
    if (!t.defined()) continue;
    requires_grad = requires_grad || t.requires_grad();
    any_normal = any_normal || !t.is_inference();
  }
  return requires_grad && any_normal;
}

namespace detail {
Node*& current_node() {
  thread_local Node* node = nullptr;
  return node;
}

void note_forward_op(Node& node, TensorList inputs) {
  if (!AnomalyMode::is_enabled()) return;
  // "div with inputs of shape [2] and [2]": what anomaly detection says made the node.
  std::vector<std::string> shapes;
  for (const Tensor& t : inputs) shapes.push_back(t.defined() ? format_sizes(t.sizes()) : "None");
  std::string list;
  for (size_t i = 0; i < shapes.size(); ++i)
    list += (i == 0 ? "" : i + 1 == shapes.size() ? " and " : ", ") + shapes[i];
  node.set_forward_op(fmt::format("{} with {} of shape {}", forward_op_name(node.name()),
                                  shapes.size() == 1 ? "an input" : "inputs", list));
}

void connect_inputs(Node& node, TensorList inputs) {
  node.reserve_next_edges(inputs.size());
  for (const Tensor& t : inputs) node.add_next_edge(gradient_edge(t));
  note_forward_op(node, inputs);
}
}  // namespace detail

bool needs_input_grad(size_t i) {
  Node* node = detail::current_node();
  return node == nullptr || detail::task_should_compute_output(*node, i);
}

}  // namespace xgrad::autograd
