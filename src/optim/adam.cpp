// adam.cpp: Adam's and AdamW's steps, element by element (the formulas are in adam.hpp), with the
// scalars computed in double as torch/optim/adam.py computes them, then rounded to the dtype.
#include "xgrad/optim/adam.hpp"

#include <cmath>

#include "optim/update.hpp"

namespace xgrad::optim {

namespace {

template <class Options>
void check_adam(const Options& o) {
  XGRAD_CHECK(o.lr() >= 0, "Invalid learning rate: {}", o.lr());
  XGRAD_CHECK(o.eps() >= 0, "Invalid epsilon value: {}", o.eps());
  const double b1 = std::get<0>(o.betas()), b2 = std::get<1>(o.betas());
  XGRAD_CHECK(b1 >= 0 && b1 < 1, "Invalid beta parameter at index 0: {}", b1);
  XGRAD_CHECK(b2 >= 0 && b2 < 1, "Invalid beta parameter at index 1: {}", b2);
  XGRAD_CHECK(o.weight_decay() >= 0, "Invalid weight_decay value: {}", o.weight_decay());
}

/// One Adam step for every parameter of every group; `decoupled`: AdamW's weight decay.
template <class Options>
void adam_step(std::vector<OptimizerParamGroup>& groups, bool decoupled,
               const std::function<AdamParamState&(const Tensor&)>& state_of) {
  for (auto& group : groups) {
    const auto& o = static_cast<const Options&>(group.options());
    for (Tensor& p : group.params()) {
      if (!p.grad().defined()) continue;
      AdamParamState& state = state_of(p);
      if (state.step() == 0) {
        state.exp_avg(zeros_like(p));
        state.exp_avg_sq(zeros_like(p));
        if (o.amsgrad()) state.max_exp_avg_sq(zeros_like(p));
      }
      state.step(state.step() + 1);
      const double b1 = std::get<0>(o.betas()), b2 = std::get<1>(o.betas());
      const double bias_correction1 = 1 - std::pow(b1, static_cast<double>(state.step()));
      const double bias_correction2 = 1 - std::pow(b2, static_cast<double>(state.step()));
      const double step_size = o.lr() / bias_correction1;
      const double bias_correction2_sqrt = std::sqrt(bias_correction2);
      detail::apply_update(p, p.grad(), {&state.exp_avg(), &state.exp_avg_sq(), &state.max_exp_avg_sq()},
                           [&](auto tag, int64_t n, auto arrays) {
        using T = decltype(tag);
        const T beta1 = static_cast<T>(b1), beta2 = static_cast<T>(b2), one_minus_b1 = static_cast<T>(1 - b1),
                one_minus_b2 = static_cast<T>(1 - b2), neg_step = static_cast<T>(-step_size),
                bc2_sqrt = static_cast<T>(bias_correction2_sqrt), eps = static_cast<T>(o.eps()),
                wd = static_cast<T>(o.weight_decay()), decay_factor = static_cast<T>(1 - o.lr() * o.weight_decay());
        const bool decay = o.weight_decay() != 0, amsgrad = o.amsgrad();
        kernels::update_elements<T>(n, arrays, [=](auto& param, auto grad, auto& m, auto& v, auto& v_max) {
          if (decoupled) param = param * decay_factor;          // AdamW: p *= 1 - lr * wd
          auto g = (decay && !decoupled) ? grad + param * wd : grad;  // Adam: g += wd * p
          m = m * beta1 + g * one_minus_b1;
          v = v * beta2 + (one_minus_b2 * g) * g;
          auto second = v;
          if (amsgrad) {
            v_max = xsimd::max(v_max, v);
            second = v_max;
          }
          const auto denom = xsimd::sqrt(second) / bc2_sqrt + eps;
          param = param + (neg_step * m) / denom;
        });
      });
    }
  }
}

}  // namespace

Adam::Adam(std::vector<OptimizerParamGroup> param_groups, AdamOptions defaults)
    : Optimizer(std::move(param_groups), std::make_unique<AdamOptions>(defaults)) {
  check_adam(defaults);
}

Tensor Adam::step(LossClosure closure) {
  Tensor loss = detail::run_closure(closure);
  NoGradGuard no_grad;
  adam_step<AdamOptions>(param_groups_, false, [this](const Tensor& p) -> AdamParamState& { return state_of<AdamParamState>(p); });
  return loss;
}

AdamW::AdamW(std::vector<OptimizerParamGroup> param_groups, AdamWOptions defaults)
    : Optimizer(std::move(param_groups), std::make_unique<AdamWOptions>(defaults)) {
  check_adam(defaults);
}

Tensor AdamW::step(LossClosure closure) {
  Tensor loss = detail::run_closure(closure);
  NoGradGuard no_grad;
  adam_step<AdamWOptions>(param_groups_, true, [this](const Tensor& p) -> AdamParamState& { return state_of<AdamParamState>(p); });
  return loss;
}

}  // namespace xgrad::optim
