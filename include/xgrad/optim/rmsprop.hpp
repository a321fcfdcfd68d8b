// rmsprop.hpp: RMSprop and Adagrad, as torch.optim.RMSprop / Adagrad (1.13).
// Read next: schedulers.hpp.
#pragma once

#include "xgrad/optim/optimizer.hpp"

namespace xgrad::optim {

struct RMSpropOptions : public OptimizerCloneableOptions<RMSpropOptions> {
  RMSpropOptions(double lr = 1e-2) : lr_(lr) {}  // NOLINT
  XGRAD_ARG(double, lr);
  XGRAD_ARG(double, alpha) = 0.99;
  XGRAD_ARG(double, eps) = 1e-8;
  XGRAD_ARG(double, weight_decay) = 0;
  XGRAD_ARG(double, momentum) = 0;
  XGRAD_ARG(bool, centered) = false;
};

struct RMSpropParamState : public OptimizerParamState {
  XGRAD_ARG(int64_t, step) = 0;
  XGRAD_ARG(Tensor, square_avg);
  XGRAD_ARG(Tensor, momentum_buffer) = {};
  XGRAD_ARG(Tensor, grad_avg) = {};
};

/// For each parameter p with gradient g:
///   g = g + weight_decay * p;   s = alpha * s + (1 - alpha) * g * g
///   avg = sqrt(s - a * a) with a = alpha * a + (1 - alpha) * g (centered), else sqrt(s); avg += eps
///   buf = momentum * buf + g / avg;  p = p - lr * buf     (momentum > 0), else p = p - lr * g / avg
class RMSprop : public Optimizer {
 public:
  RMSprop(std::vector<OptimizerParamGroup> param_groups, RMSpropOptions defaults = {});
  RMSprop(std::vector<Tensor> params, RMSpropOptions defaults = {}) : RMSprop(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, std::move(defaults)) {}
  Tensor step(LossClosure closure = nullptr) override;
};

struct AdagradOptions : public OptimizerCloneableOptions<AdagradOptions> {
  AdagradOptions(double lr = 1e-2) : lr_(lr) {}  // NOLINT
  XGRAD_ARG(double, lr);
  XGRAD_ARG(double, lr_decay) = 0;
  XGRAD_ARG(double, weight_decay) = 0;
  XGRAD_ARG(double, initial_accumulator_value) = 0;
  XGRAD_ARG(double, eps) = 1e-10;
};

struct AdagradParamState : public OptimizerParamState {
  XGRAD_ARG(Tensor, sum);
  XGRAD_ARG(int64_t, step) = 0;
};

/// For each parameter p with gradient g, at step t:
///   g = g + weight_decay * p;   sum = sum + g * g
///   p = p - lr / (1 + (t - 1) * lr_decay) * g / (sqrt(sum) + eps)
class Adagrad : public Optimizer {
 public:
  Adagrad(std::vector<OptimizerParamGroup> param_groups, AdagradOptions defaults = {});
  Adagrad(std::vector<Tensor> params, AdagradOptions defaults = {}) : Adagrad(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, std::move(defaults)) {}
  Tensor step(LossClosure closure = nullptr) override;
};

}  // namespace xgrad::optim
