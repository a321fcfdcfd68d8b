// loss_binary.cpp: binary_cross_entropy (on probabilities) and binary_cross_entropy_with_logits,
// each one node as in PyTorch, with PyTorch's backward structure: binary_cross_entropy's input
// gradient is a node of its own (BinaryCrossEntropyBackwardBackward0, a fused pass), the other
// gradients are ops in PyTorch's order, so create_graph records PyTorch's graph.
// Read next: loss_pointwise.cpp.
#include <cmath>

#include "ops/pointwise.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/ops/activation.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/loss.hpp"
#include "xgrad/ops/reduction.hpp"

namespace xgrad {

using autograd::needs_input_grad;
using autograd::record;
using autograd::save;
using autograd::variable_list;

namespace {

/// PyTorch's C++ constant `constexpr float EPSILON = 1e-12` (so 9.999999960041972e-13 in double).
constexpr float kEpsilon = 1e-12f;

void check_not_differentiable(const Tensor& t, const char* fn, const char* arg) {
  XGRAD_CHECK(!(t.defined() && GradMode::is_enabled() && t.requires_grad()),
              "The function '{}' is not differentiable with respect to argument '{}'. This input cannot have "
              "requires_grad True.",
              fn, arg);
}

/// `loss` multiplied by a weight that may broadcast over it but not enlarge it (an in-place
/// multiply in PyTorch).
Tensor times_weight(const Tensor& loss, const Tensor& weight) {
  if (!weight.defined()) return loss;
  DimVector shape = infer_size(loss.sizes(), weight.sizes());
  XGRAD_CHECK(shape == DimVector(loss.sizes()), "output with shape {} doesn't match the broadcast shape {}",
              format_sizes(loss.sizes()), format_sizes(shape));
  return loss * weight;
}

/// PyTorch's check: every input value in [0, 1] (a NaN fails it too).
bool all_in_unit_interval(const Tensor& x) {
  Tensor c = detail::contiguous_raw(x);
  return visit_floating(c.scalar_type(), "binary_cross_entropy", [&](auto tag) {
    using T = decltype(tag);
    const T* p = c.data_ptr<T>();
    for (int64_t i = 0; i < c.numel(); ++i)
      if (!(p[i] >= T(0) && p[i] <= T(1))) return false;
    return true;
  });
}

int64_t numel_of(IntArrayRef shape) {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  return n;
}

}  // namespace

namespace {
/// binary_cross_entropy_backward(g, x, y, w) = w g (x - y) / max(x (1 - x), eps) (/ numel for
/// 'mean'), PyTorch's node of that name, so a create_graph gradient of binary_cross_entropy is
/// BinaryCrossEntropyBackwardBackward0 as in PyTorch. Its derivatives (PyTorch's):
///   d/dg = w gg (x - y) / max(x (1 - x), eps) ('none'), or the sum of that (/ numel) when reduced
///   d/dx = w gg g (x^2 - 2 x y + y) / ((x + eps)^2 (1 - x + eps)^2) (/ numel)
///   d/dy = -w gg g / max(x (1 - x), eps) (/ numel)      saves: g, x, y, w
Tensor binary_cross_entropy_backward(const Tensor& g, const Tensor& x, const Tensor& y, const Tensor& w, int64_t reduction) {
  const double n = reduction == Reduction::Mean ? static_cast<double>(x.numel()) : 1.0;
  Tensor gx;
  {
    NoGradGuard no_grad;
    if (reduction != Reduction::None) {
      // One fused pass: g (x - y) / max((1 - x) x, eps) / n, in PyTorch's order.
      const double gv = g.item<double>();
      gx = detail::zip_floating(x, y, x.scalar_type(), {"binary_cross_entropy_backward"}, [gv, n](auto xv, auto yv) {
        using kernels::lit;
        auto denom = (lit(xv, 1.0) - xv) * xv;
        denom = kernels::vselect(denom < lit(xv, kEpsilon), lit(xv, kEpsilon), denom);
        return lit(xv, gv) * (xv - yv) / denom / lit(xv, n);
      });
    } else {
      gx = g * (x - y) / clamp_min((1 - x) * x, static_cast<double>(kEpsilon));
    }
    if (w.defined()) gx = gx * w;
  }
  return record("BinaryCrossEntropyBackwardBackward0", gx, {g, x, y}, save(g, x, y, w),
                [reduction, n](const Tensor& gg, const Tensor& g, const Tensor& x, const Tensor& y,
                               const Tensor& w) -> variable_list {
                  constexpr double eps = 1e-12;
                  auto weighted = [&](Tensor t) { return w.defined() ? t * w : t; };
                  auto scaled = [&](Tensor t) { return reduction == Reduction::Mean ? t / n : t; };
                  Tensor dg, dx, dy;
                  if (needs_input_grad(0)) {
                    Tensor t = weighted(gg * (x - y) / clamp_min((1 - x) * x, static_cast<double>(kEpsilon)));
                    dg = reduction == Reduction::None ? t : scaled(t.sum());
                  }
                  if (needs_input_grad(1))
                    dx = scaled(weighted((x * x - x * y * 2 + y) / ((x + eps).pow(2) * (1 - x + eps).pow(2)) * (gg * g)));
                  if (needs_input_grad(2))
                    dy = scaled(weighted(-(gg * g)) / clamp_min((1 - x) * x, static_cast<double>(kEpsilon)));
                  return {dg, dx, dy};
                });
}
}  // namespace

/// binary_cross_entropy(x, y) = -w * (y * max(log x, -100) + (1 - y) * max(log(1 - x), -100))
/// d/dx = binary_cross_entropy_backward(g, x, y, w) = w * (x - y) / max(x (1 - x), 1e-12f) * g,
/// d/dy = w * (log(1 - x) - log x) * g   (both / numel for 'mean')
/// saves: x, y, weight
Tensor binary_cross_entropy(const Tensor& self, const Tensor& target, const Tensor& weight, int64_t reduction) {
  XGRAD_CHECK(target.scalar_type() == self.scalar_type(), "Found dtype {} but expected {}",
              scalar_type_name(target.scalar_type()), scalar_type_name(self.scalar_type()));
  check_not_differentiable(weight, "binary_cross_entropy", "weight");
  Tensor loss;
  {
    Tensor x = self.detach(), y = target.detach();
    XGRAD_CHECK(all_in_unit_interval(x), "all elements of input should be between 0 and 1");
    loss = detail::zip_floating(x, y, self.scalar_type(), {"binary_cross_entropy"}, [](auto xv, auto yv) {
      using kernels::lit;
      auto log_1mx = xsimd::log1p(-xv), log_x = xsimd::log(xv);  // both clamped at -100
      log_1mx = kernels::vselect(log_1mx < lit(xv, -100.0), lit(xv, -100.0), log_1mx);
      log_x = kernels::vselect(log_x < lit(xv, -100.0), lit(xv, -100.0), log_x);
      return (yv - lit(xv, 1.0)) * log_1mx - yv * log_x;
    });
    NoGradGuard no_grad;
    loss = apply_loss_reduction(times_weight(loss, weight.defined() ? weight.detach() : weight), reduction);
  }
  DimVector shape(self.sizes());
  return record("BinaryCrossEntropyBackward0", loss, {self, target}, save(self, target, weight),
                [reduction, shape](const Tensor& g, const Tensor& x, const Tensor& y, const Tensor& w) -> variable_list {
                  Tensor gx, gy;
                  if (needs_input_grad(0)) gx = binary_cross_entropy_backward(g, x, y, w, reduction);
                  if (needs_input_grad(1)) {
                    // PyTorch's binary_cross_entropy_target_backward: (log(1 - x) - log(x)) g [w]
                    // [/ numel], 1 - x made as ones - x (SubBackward0), as PyTorch's C++ makes it.
                    gy = (log(ones_like(x) - x) - log(x)) * g;
                    if (w.defined()) gy = gy * w;
                    if (reduction == Reduction::Mean) gy = detail::div_scalar_aten(gy, static_cast<double>(numel_of(shape)));
                  }
                  return {gx, gy};
                });
}

/// binary_cross_entropy_with_logits(x, y), with m = max(-x, 0) and lw = 1 + (pw - 1) y:
///   (1 - y) x + lw (log(exp(-m) + exp(-x - m)) + m), times w   (stable for large |x|)
/// d/dx = w ((pw y + 1 - y) sigmoid(x) - pw y) g   (w (sigmoid(x) - y) g without pos_weight)
/// d/dy = w (log_sigmoid(-x) - pw log_sigmoid(x)) g      saves: x, y, weight, pos_weight
Tensor binary_cross_entropy_with_logits(const Tensor& self, const Tensor& target, const Tensor& weight,
                                        const Tensor& pos_weight, int64_t reduction) {
  check_not_differentiable(weight, "binary_cross_entropy_with_logits", "weight");
  check_not_differentiable(pos_weight, "binary_cross_entropy_with_logits", "pos_weight");
  Tensor loss;
  {
    NoGradGuard no_grad;
    Tensor x = self.detach(), y = target.detach();
    Tensor max_val = clamp_min(-x, 0);
    Tensor log_term = log(exp(-max_val) + exp(-x - max_val));
    if (pos_weight.defined()) {
      Tensor log_weight = (pos_weight.detach() - 1) * y + 1;
      loss = (1 - y) * x + log_weight * (log_term + max_val);
    } else {
      loss = (1 - y) * x + max_val + log_term;
    }
    loss = apply_loss_reduction(times_weight(loss, weight.defined() ? weight.detach() : weight), reduction);
  }
  DimVector shape(self.sizes());
  return record("BinaryCrossEntropyWithLogitsBackward0", loss, {self, target}, save(self, target, weight, pos_weight),
                [reduction, shape](const Tensor& g, const Tensor& x, const Tensor& y, const Tensor& w,
                                   const Tensor& pw) -> variable_list {
                  // PyTorch's order of ops (binary_cross_entropy_with_logits_backward and its
                  // target twin), so a create_graph gradient ends in the same node: the division
                  // by numel (DivBackward1) for 'mean', else a product (MulBackward0).
                  const double n = static_cast<double>(numel_of(shape));
                  auto finish = [&](Tensor t) {
                    t = t * g;
                    if (w.defined()) t = t * w;
                    return reduction == Reduction::Mean ? detail::div_scalar_aten(t, n) : t;
                  };
                  Tensor gx, gy;
                  if (needs_input_grad(0)) {
                    if (pw.defined()) {
                      Tensor t = pw * y;
                      gx = finish((detail::add_scalar_aten(t, 1) - y) * sigmoid(x) - t);
                    } else {
                      gx = finish(sigmoid(x) - y);
                    }
                  }
                  if (needs_input_grad(1)) gy = finish(pw.defined() ? log_sigmoid(-x) - log_sigmoid(x) * pw : -x);
                  return {gx, gy};
                });
}

}  // namespace xgrad
