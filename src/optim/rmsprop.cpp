// rmsprop.cpp: RMSprop's and Adagrad's steps, element by element (the formulas are in rmsprop.hpp).
#include "xgrad/optim/rmsprop.hpp"

#include "optim/update.hpp"

namespace xgrad::optim {

RMSprop::RMSprop(std::vector<OptimizerParamGroup> param_groups, RMSpropOptions defaults)
    : Optimizer(std::move(param_groups), std::make_unique<RMSpropOptions>(defaults)) {
  XGRAD_CHECK(defaults.lr() >= 0, "Invalid learning rate: {}", defaults.lr());
  XGRAD_CHECK(defaults.eps() >= 0, "Invalid epsilon value: {}", defaults.eps());
  XGRAD_CHECK(defaults.momentum() >= 0, "Invalid momentum value: {}", defaults.momentum());
  XGRAD_CHECK(defaults.weight_decay() >= 0, "Invalid weight_decay value: {}", defaults.weight_decay());
  XGRAD_CHECK(defaults.alpha() >= 0, "Invalid alpha value: {}", defaults.alpha());
}

Tensor RMSprop::step(LossClosure closure) {
  Tensor loss = detail::run_closure(closure);
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    const auto& o = static_cast<const RMSpropOptions&>(group.options());
    for (Tensor& p : group.params()) {
      if (!p.grad().defined()) continue;
      auto& state = state_of<RMSpropParamState>(p);
      if (state.step() == 0) {
        state.square_avg(zeros_like(p));
        if (o.momentum() > 0) state.momentum_buffer(zeros_like(p));
        if (o.centered()) state.grad_avg(zeros_like(p));
      }
      state.step(state.step() + 1);
      detail::apply_update(p, p.grad(), {&state.square_avg(), &state.grad_avg(), &state.momentum_buffer()},
                           [&](auto tag, int64_t n, auto arrays) {
        using T = decltype(tag);
        const T alpha = static_cast<T>(o.alpha()), one_minus_alpha = static_cast<T>(1 - o.alpha()),
                eps = static_cast<T>(o.eps()), wd = static_cast<T>(o.weight_decay()),
                momentum = static_cast<T>(o.momentum()), neg_lr = static_cast<T>(-o.lr()), minus_one = T(-1);
        const bool decay = o.weight_decay() != 0, centered = o.centered(), use_momentum = o.momentum() > 0;
        kernels::update_elements<T>(n, arrays, [=](auto& param, auto grad, auto& square_avg, auto& grad_avg, auto& buf) {
          auto g = decay ? grad + param * wd : grad;
          square_avg = square_avg * alpha + (one_minus_alpha * g) * g;
          auto avg = square_avg;
          if (centered) {
            grad_avg = grad_avg * alpha + g * one_minus_alpha;
            avg = xsimd::sqrt(square_avg + (minus_one * grad_avg) * grad_avg);
          } else {
            avg = xsimd::sqrt(square_avg);
          }
          avg = avg + eps;
          if (use_momentum) {
            buf = buf * momentum + g / avg;
            param = param + buf * neg_lr;
          } else {
            param = param + (neg_lr * g) / avg;
          }
        });
      });
    }
  }
  return loss;
}

Adagrad::Adagrad(std::vector<OptimizerParamGroup> param_groups, AdagradOptions defaults)
    : Optimizer(std::move(param_groups), std::make_unique<AdagradOptions>(defaults)) {
  XGRAD_CHECK(defaults.lr() >= 0, "Invalid learning rate: {}", defaults.lr());
  XGRAD_CHECK(defaults.lr_decay() >= 0, "Invalid lr_decay value: {}", defaults.lr_decay());
  XGRAD_CHECK(defaults.weight_decay() >= 0, "Invalid weight_decay value: {}", defaults.weight_decay());
  XGRAD_CHECK(defaults.initial_accumulator_value() >= 0, "Invalid initial_accumulator_value value: {}",
              defaults.initial_accumulator_value());
  XGRAD_CHECK(defaults.eps() >= 0, "Invalid epsilon value: {}", defaults.eps());
}

Tensor Adagrad::step(LossClosure closure) {
  Tensor loss = detail::run_closure(closure);
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    const auto& o = static_cast<const AdagradOptions&>(group.options());
    for (Tensor& p : group.params()) {
      if (!p.grad().defined()) continue;
      auto& state = state_of<AdagradParamState>(p);
      if (!state.sum().defined()) state.sum(full_like(p, o.initial_accumulator_value()));
      state.step(state.step() + 1);
      const double clr = o.lr() / (1 + static_cast<double>(state.step() - 1) * o.lr_decay());
      detail::apply_update(p, p.grad(), {&state.sum(), nullptr, nullptr}, [&](auto tag, int64_t n, auto arrays) {
        using T = decltype(tag);
        const T neg_clr = static_cast<T>(-clr), eps = static_cast<T>(o.eps()), wd = static_cast<T>(o.weight_decay());
        const bool decay = o.weight_decay() != 0;
        kernels::update_elements<T>(n, arrays, [=](auto& param, auto grad, auto& sum, auto&, auto&) {
          auto g = decay ? grad + param * wd : grad;
          sum = sum + g * g;
          const auto std = xsimd::sqrt(sum) + eps;
          param = param + (neg_clr * g) / std;
        });
      });
    }
  }
  return loss;
}

}  // namespace xgrad::optim
