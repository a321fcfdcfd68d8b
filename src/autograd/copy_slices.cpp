// copy_slices.cpp: CopySlices, the base's node after an in-place op on one of its views (see
// copy_slices.hpp). Its backward is written with tensor ops, so under create_graph it records
// the graph PyTorch records (CopyBackwards, AsStridedBackward0, CopySlices). Read next: view.cpp.
#include "xgrad/autograd/copy_slices.hpp"

#include "ops/op_utils.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/autograd/saved_tensor.hpp"

namespace xgrad::autograd {

CopySlices::CopySlices(const Tensor& base, TensorGeometry view, std::shared_ptr<Node> fn)
    : base_(base), view_(std::move(view)), fn_(std::move(fn)) {
  add_input_metadata(base);
  reserve_next_edges(fn_->num_outputs());
  add_next_edge(gradient_edge(base));
  for (uint32_t i = 1; i < fn_->num_outputs(); ++i) add_next_edge(fn_->next_edge(i));
}

// fn_ owns a subgraph too (through its edge 0). Handing it to the node's edges lets ~Node take it
// apart iteratively with the rest (See Note [Destroying long graphs] in node.cpp).
CopySlices::~CopySlices() {
  if (fn_) add_next_edge(Edge(std::move(fn_), 0));
}

void CopySlices::release_variables() {
  released_ = true;
  fn_->release_variables();
}

variable_list CopySlices::apply(variable_list&& grads) {
  const Tensor& grad = grads.at(0);
  if (!grad.defined()) return variable_list(num_outputs());
  if (released_) throw Error(kFreedSavedTensorsMessage);

  // The base's gradient, laid out as the base is, and the part of it the view covers.
  Tensor result = xgrad::detail::make_empty_strided(base_.sizes, base_.strides, grad.scalar_type());
  result.copy_(grad);
  Tensor grad_slice = result.as_strided(view_.sizes, view_.strides, view_.storage_offset - base_.storage_offset);

  // The in-place op's backward on that part. It may save what it receives: give it a copy.
  variable_list res;
  {
    Node*& current = detail::current_node();
    Node* previous = current;
    current = fn_.get();  // needs_input_grad() inside fn asks about fn's inputs
    try {
      res = (*fn_)({grad_slice.clone()});
    } catch (...) {
      current = previous;
      throw;
    }
    current = previous;
  }

  variable_list grad_inputs(num_outputs());
  for (size_t i = 0; i < res.size() && i < grad_inputs.size(); ++i) {
    if (!should_compute_output(i)) continue;
    XGRAD_CHECK(res[i].defined(), "CopySlices: {} returned no gradient for its input {}", fn_->name(), i);
    if (i == 0) {
      grad_slice.copy_(res[0]);
      grad_inputs[0] = std::move(result);
    } else {
      grad_inputs[i] = std::move(res[i]);
    }
  }
  return grad_inputs;
}

}  // namespace xgrad::autograd
