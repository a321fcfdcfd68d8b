// loss_pointwise.cpp: losses that are elementwise before their reduction: mse_loss (one node,
// MseLossBackward0), and l1_loss and kl_div, which PyTorch composes from ops (so their grad_fn
// chains are those ops': MeanBackward0 <- AbsBackward0 <- SubBackward0 for l1). Read next:
// loss_multilabel.cpp.
#include "ops/pointwise.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/loss.hpp"
#include "xgrad/ops/reduction.hpp"

namespace xgrad {

using autograd::needs_input_grad;
using autograd::record;
using autograd::save;
using autograd::variable_list;

/// mse_loss(x, y) = (x - y)^2, then the reduction
/// d/dx = 2 (x - y) g, d/dy = -2 (x - y) g   (g / numel for 'mean')      saves: x, y
Tensor mse_loss(const Tensor& self, const Tensor& target, int64_t reduction) {
  ScalarType dt = result_type(self, target);
  XGRAD_CHECK(is_floating_point(dt), "\"mse_cpu\" not implemented for '{}'", scalar_type_name(dt));
  Tensor loss;
  {
    NoGradGuard no_grad;
    loss = apply_loss_reduction(
        detail::zip_floating(self, target, dt, [](auto a, auto b) { return (a - b) * (a - b); }), reduction);
  }
  DimVector shape = infer_size(self.sizes(), target.sizes());
  return record("MseLossBackward0", loss, {self, target}, save(self, target),
                [reduction, shape](const Tensor& g, const Tensor& x, const Tensor& y) -> variable_list {
                  Tensor ge = g;
                  if (reduction != Reduction::None) {
                    int64_t n = 1;
                    for (int64_t s : shape) n *= s;
                    ge = g.expand(shape);
                    if (reduction == Reduction::Mean) ge = ge / static_cast<double>(n);
                  }
                  Tensor gx = (x - y) * 2 * ge;
                  return {needs_input_grad(0) ? gx : Tensor(), needs_input_grad(1) ? -gx : Tensor()};
                });
}

/// l1_loss(x, y) = |x - y|, then the reduction (composite: sub, abs, mean or sum).
Tensor l1_loss(const Tensor& self, const Tensor& target, int64_t reduction) {
  return apply_loss_reduction((self - target).abs(), reduction);
}

/// kl_div(x, y) for log-probabilities x: xlogy(y, y) - y * x, or exp(y) * (y - x) when the target is
/// a log-probability too; then the reduction (composite, as in PyTorch).
Tensor kl_div(const Tensor& self, const Tensor& target, int64_t reduction, bool log_target) {
  XGRAD_CHECK(is_floating_point(self.scalar_type()) && is_floating_point(target.scalar_type()),
              "kl_div: Integral inputs not supported.");
  Tensor out = log_target ? exp(target) * (target - self) : xlogy(target, target) - target * self;
  return apply_loss_reduction(out, reduction);
}

}  // namespace xgrad
