// update.hpp (internal): the two steps every optimizer's step() shares around its per-element
// formula: running the closure, and apply_update, which hands the formula contiguous buffers of a
// parameter, its gradient and up to three state tensors, dispatches on the dtype, and writes the
// parameter back. Each optimizer walks its groups and parameters itself. Read next: sgd.cpp.
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

/// Calls `update(tag, n, arrays)` once, with `tag` a value of the parameter's C++ type T, n its
/// element count and arrays the T* buffers {param, grad, state 1, state 2, state 3} (null for a
/// state that is absent or undefined): usually a kernels::update_elements call. The states are
/// tensors shaped like `param`, updated in place; `param` is written back and its version bumped.
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
