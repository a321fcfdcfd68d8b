// basic_ops.hpp: nodes libtorch code builds graphs with by hand (torch/csrc/autograd/functions/
// basic_ops.h). UndefinedGrad is a forward function: UndefinedGrad().apply({x}) gives a copy of x
// whose backward sends no gradient at all (an undefined tensor), which is how libtorch's tests
// make a node receive nothing (Note [Nodes that receive no gradient] in src/autograd/engine.cpp).
// Read next: autograd/custom_function.hpp.
#pragma once

#include <string>

#include "xgrad/autograd/node.hpp"

namespace xgrad::autograd {

/// apply({x, ...}): a copy of each tensor (undefined stays undefined); if any requires grad, the
/// copies share one UndefinedGradBackward grad_fn (with no edges under NoGradGuard, as in libtorch).
struct UndefinedGrad final : Node {
  UndefinedGrad();
  std::string name() const override { return "torch::autograd::UndefinedGrad"; }
  variable_list apply(variable_list&& inputs) override;
};

/// The backward of UndefinedGrad: an undefined gradient for each input, whatever it receives.
struct UndefinedGradBackward final : Node {
  /// Python names it by its C++ type, as every libtorch node without a name of its own.
  std::string name() const override { return "torch::autograd::UndefinedGradBackward"; }
  variable_list apply(variable_list&& grads) override;
};

}  // namespace xgrad::autograd
