// sgd.hpp: stochastic gradient descent with momentum, dampening, Nesterov and weight decay, as
// torch.optim.SGD (1.13). Read next: adam.hpp.
#pragma once

#include "xgrad/optim/optimizer.hpp"

namespace xgrad::optim {

struct SGDOptions : public OptimizerCloneableOptions<SGDOptions> {
  SGDOptions(double lr) : lr_(lr) {}  // NOLINT
  XGRAD_ARG(double, lr);
  XGRAD_ARG(double, momentum) = 0;
  XGRAD_ARG(double, dampening) = 0;
  XGRAD_ARG(double, weight_decay) = 0;
  XGRAD_ARG(bool, nesterov) = false;
};

struct SGDParamState : public OptimizerParamState {
  XGRAD_ARG(Tensor, momentum_buffer);
};

/// For each parameter p with gradient g:
///   d = g + weight_decay * p
///   buf = d (first step), else buf = momentum * buf + (1 - dampening) * d
///   d = d + momentum * buf (Nesterov), else d = buf          (when momentum != 0)
///   p = p - lr * d
class SGD : public Optimizer {
 public:
  SGD(std::vector<OptimizerParamGroup> param_groups, SGDOptions defaults);
  SGD(std::vector<Tensor> params, SGDOptions defaults) : SGD(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, std::move(defaults)) {}
  Tensor step(LossClosure closure = nullptr) override;
};

}  // namespace xgrad::optim
