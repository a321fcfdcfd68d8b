// loss_pointwise.cpp: losses that are elementwise before their reduction: mse_loss (one node,
// MseLossBackward0), and l1_loss, kl_div and poisson_nll_loss, which PyTorch composes from ops (so
// their grad_fn chains are those ops': MeanBackward0 <- AbsBackward0 <- SubBackward0 for l1).
// Read next: loss_multilabel.cpp.
#include "ops/pointwise.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/indexing.hpp"
#include "ops/op_utils.hpp"
#include "xgrad/ops/loss.hpp"
#include "xgrad/ops/reduction.hpp"

namespace xgrad {

using autograd::needs_input_grad;
using autograd::record;
using autograd::save;
using autograd::variable_list;

namespace {
int64_t numel_of(IntArrayRef shape) {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  return n;
}

/// mse_loss_backward(g, x, y) = 2 (x - y) g (g / numel for 'mean'), as PyTorch's node of that name,
/// so a create_graph gradient of mse_loss is MseLossBackwardBackward0 as in PyTorch.
/// d/dg = mse_loss_backward(gg, x, y) ('none'), or sum(gg * mse_loss_backward(1, x, y)) (reduced)
/// d/dx = 2 gg g (/ numel), d/dy = -d/dx      saves: g, x, y
Tensor mse_loss_backward(const Tensor& g, const Tensor& x, const Tensor& y, int64_t reduction) {
  DimVector shape = infer_size(x.sizes(), y.sizes());
  Tensor out;
  {
    NoGradGuard no_grad;
    Tensor ge = g;
    if (reduction == Reduction::Mean) ge = g / static_cast<double>(numel_of(shape));
    out = (x - y) * 2 * ge;
  }
  return record("MseLossBackwardBackward0", out, {g, x, y}, save(g, x, y),
                [reduction, shape](const Tensor& gg, const Tensor& g, const Tensor& x, const Tensor& y) -> variable_list {
                  Tensor dg, dx;
                  if (needs_input_grad(0))
                    dg = reduction == Reduction::None ? mse_loss_backward(gg, x, y, reduction)
                                                      : (mse_loss_backward(ones_like(g), x, y, reduction) * gg).sum();
                  if (needs_input_grad(1) || needs_input_grad(2)) {
                    dx = gg * g * 2;
                    if (reduction == Reduction::Mean) dx = dx / static_cast<double>(numel_of(shape));
                  }
                  return {dg, needs_input_grad(1) ? dx : Tensor(), needs_input_grad(2) ? -dx : Tensor()};
                });
}
}  // namespace

/// mse_loss(x, y) = (x - y)^2, then the reduction
/// d/dx = mse_loss_backward(g, x, y) = 2 (x - y) g, d/dy = mse_loss_backward(g, y, x) = -d/dx
/// (g / numel for 'mean')      saves: x, y
Tensor mse_loss(const Tensor& self, const Tensor& target, int64_t reduction) {
  ScalarType dt = result_type(self, target);
  XGRAD_CHECK(is_floating_point(dt), "\"mse_cpu\" not implemented for '{}'", scalar_type_name(dt));
  Tensor loss;
  {
    NoGradGuard no_grad;
    loss = apply_loss_reduction(
        detail::zip_floating(self, target, dt, {"mse_cpu", true, false}, [](auto a, auto b) { return (a - b) * (a - b); }), reduction);
  }
  return record("MseLossBackward0", loss, {self, target}, save(self, target),
                [reduction](const Tensor& g, const Tensor& x, const Tensor& y) -> variable_list {
                  return {needs_input_grad(0) ? mse_loss_backward(g, x, y, reduction) : Tensor(),
                          needs_input_grad(1) ? mse_loss_backward(g, y, x, reduction) : Tensor()};
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

/// poisson_nll_loss(x, y) = exp(x) - y x (log_input), or x - y log(x + eps); with full, the
/// Stirling term y log y - y + 0.5 log(2 pi y) is added where y > 1. Then the reduction.
/// Composite, as ATen: d/dx = exp(x) - y or 1 - y / (x + eps); d/dy = -x or -log(x + eps)
/// (+ log y + 1 / (2 y) where y > 1 with full).
Tensor poisson_nll_loss(const Tensor& input, const Tensor& target, bool log_input, bool full, double eps,
                        int64_t reduction) {
  Tensor loss;
  if (log_input) {
    loss = exp(input) - target * input;
  } else {
    loss = input - target * log(detail::add_scalar_aten(input, eps));
  }
  if (full) {
    constexpr double kPi = 3.14159265358979323846;
    // One statement each, in ATen's order of evaluation, so the nodes are made in PyTorch's order.
    Tensor first = target * log(target) - target;
    Tensor second = detail::mul_scalar_aten(log(detail::mul_scalar_aten(target, 2 * kPi)), 0.5);
    Tensor stirling_term = first + second;
    loss = loss + stirling_term.masked_fill(le(target, 1), 0);  // ATen's loss += (AddBackward0)
  }
  return apply_loss_reduction(loss, reduction);
}

}  // namespace xgrad
