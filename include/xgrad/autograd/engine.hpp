// engine.hpp: backward() and grad(), libtorch's torch::autograd functions. The engine walks the
// graph from the outputs to the leaves without recursion; src/autograd/engine.cpp holds the loop,
// on one screen, with notes on ordering and broadcasting. Read next: gradcheck.hpp.
#pragma once

#include <optional>

#include "xgrad/core/tensor.hpp"

namespace xgrad::autograd {

/// Computes the gradients of `tensors` with respect to the graph leaves and accumulates them into
/// the leaves' .grad (or, if `inputs` is given, into those tensors' .grad only).
/// `grad_tensors` defaults to ones for scalar outputs. `retain_graph` defaults to `create_graph`.
void backward(const variable_list& tensors, const variable_list& grad_tensors = {},
              std::optional<bool> retain_graph = std::nullopt, bool create_graph = false,
              const variable_list& inputs = {});

/// Returns d(outputs)/d(inputs) weighted by grad_outputs, without touching any .grad.
variable_list grad(const variable_list& outputs, const variable_list& inputs,
                   const variable_list& grad_outputs = {}, std::optional<bool> retain_graph = std::nullopt,
                   bool create_graph = false, bool allow_unused = false);

}  // namespace xgrad::autograd
