// update.hpp (internal): what every optimizer's step does around its per-element formula:
// run the closure, walk the groups and the parameters that have a gradient, give each a
// contiguous view of its parameter, gradient and state, and dispatch on the dtype.
#pragma once

#include <array>

#include "kernels/optim.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/optim/optimizer.hpp"

namespace xgrad::optim::detail {

/// Runs `closure` (if any) with grad mode on and returns its loss.
inline Tensor run_closure(const Optimizer::LossClosure& closure) {
  if (!closure) return Tensor();
  AutoGradMode enable(true);
  return closure();
}

/// Applies `update(T tag, p, g, s1, s2, s3)` (a kernels::update_elements call) to `param` in place,
/// with `states` (up to three tensors shaped like it; undefined ones are skipped).
template <class F>
void apply_update(Tensor& param, const Tensor& grad, std::array<Tensor*, 3> states, F&& update) {
  XGRAD_CHECK(grad.sizes().equals(param.sizes()), "a gradient's shape differs from its parameter's");
  Tensor p = param.is_contiguous() ? param : param.contiguous();
  Tensor g = grad.contiguous().to(param.scalar_type());
  visit_floating(param.scalar_type(), "optimizer step", [&](auto tag) {
    using T = decltype(tag);
    std::array<T*, 5> arrays{p.data_ptr<T>(), g.data_ptr<T>(), nullptr, nullptr, nullptr};
    for (size_t k = 0; k < 3; ++k)
      if (states[k] && states[k]->defined()) arrays[k + 2] = states[k]->data_ptr<T>();
    update(tag, p.numel(), arrays);
  });
  if (!p.is_same(param)) {
    NoGradGuard no_grad;
    param.copy_(p);
  } else {
    param.impl()->storage->bump_version();
  }
}

}  // namespace xgrad::optim::detail
