// adam.hpp: Adam and AdamW (decoupled weight decay), as torch.optim.Adam / AdamW (1.13).
// Read next: rmsprop.hpp.
#pragma once

#include <tuple>

#include "xgrad/optim/optimizer.hpp"

namespace xgrad::optim {

struct AdamOptions : public OptimizerCloneableOptions<AdamOptions> {
  using betas_t = std::tuple<double, double>;
  AdamOptions(double lr = 1e-3) : lr_(lr) {}  // NOLINT
  XGRAD_ARG(double, lr);
  XGRAD_ARG(betas_t, betas) = std::make_tuple(0.9, 0.999);
  XGRAD_ARG(double, eps) = 1e-8;
  XGRAD_ARG(double, weight_decay) = 0;
  XGRAD_ARG(bool, amsgrad) = false;
};

struct AdamWOptions : public OptimizerCloneableOptions<AdamWOptions> {
  using betas_t = std::tuple<double, double>;
  AdamWOptions(double lr = 1e-3) : lr_(lr) {}  // NOLINT
  XGRAD_ARG(double, lr);
  XGRAD_ARG(betas_t, betas) = std::make_tuple(0.9, 0.999);
  XGRAD_ARG(double, eps) = 1e-8;
  XGRAD_ARG(double, weight_decay) = 1e-2;
  XGRAD_ARG(bool, amsgrad) = false;
};

struct AdamParamState : public OptimizerParamState {
  XGRAD_ARG(int64_t, step) = 0;
  XGRAD_ARG(Tensor, exp_avg);
  XGRAD_ARG(Tensor, exp_avg_sq);
  XGRAD_ARG(Tensor, max_exp_avg_sq) = {};
};
using AdamWParamState = AdamParamState;

/// For each parameter p with gradient g, at step t:
///   g = g + weight_decay * p                      (Adam; AdamW instead scales p by 1 - lr * wd)
///   m = beta1 * m + (1 - beta1) * g,   v = beta2 * v + (1 - beta2) * g * g
///   p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
///   (amsgrad: the running max of v in place of v)
class Adam : public Optimizer {
 public:
  Adam(std::vector<OptimizerParamGroup> param_groups, AdamOptions defaults = {});
  Adam(std::vector<Tensor> params, AdamOptions defaults = {}) : Adam(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, std::move(defaults)) {}
  Tensor step(LossClosure closure = nullptr) override;
};

class AdamW : public Optimizer {
 public:
  AdamW(std::vector<OptimizerParamGroup> param_groups, AdamWOptions defaults = {});
  AdamW(std::vector<Tensor> params, AdamWOptions defaults = {}) : AdamW(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, std::move(defaults)) {}
  Tensor step(LossClosure closure = nullptr) override;
};

}  // namespace xgrad::optim
