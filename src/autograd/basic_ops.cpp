// basic_ops.cpp: UndefinedGrad and its backward (see basic_ops.hpp), as libtorch's
// functions/basic_ops.cpp and functions/utils.cpp's wrap_outputs build them.
#include "xgrad/autograd/basic_ops.hpp"

#include <memory>

#include "xgrad/autograd/autograd_meta.hpp"
#include "xgrad/core/grad_mode.hpp"

namespace xgrad::autograd {

UndefinedGrad::UndefinedGrad() { add_input_metadata(InputMetadata{}); }

variable_list UndefinedGrad::apply(variable_list&& inputs) {
  variable_list outputs;
  bool any_requires_grad = false;
  {
    NoGradGuard no_grad;
    for (const Tensor& t : inputs) {
      outputs.push_back(t.defined() ? t.detach().clone() : Tensor());
      any_requires_grad = any_requires_grad || (t.defined() && t.requires_grad());
    }
  }
  if (!any_requires_grad) return outputs;
  // libtorch's wrap_outputs asks whether an input requires grad, not whether grad mode is on: under
  // NoGradGuard the copies still get this grad_fn, with no edges, so nothing flows back from it.
  auto node = std::make_shared<UndefinedGradBackward>();
  for (const Tensor& t : inputs) node->add_next_edge(GradMode::is_enabled() ? gradient_edge(t) : Edge());
  for (Tensor& out : outputs) {
    if (!out.defined()) {
      node->add_input_metadata(InputMetadata{});  // no tensor carries this edge: nothing arrives there
      continue;
    }
    set_history(out, node, node->add_input_metadata(out));
  }
  return outputs;
}

variable_list UndefinedGradBackward::apply(variable_list&&) { return variable_list(num_outputs()); }

}  // namespace xgrad::autograd
