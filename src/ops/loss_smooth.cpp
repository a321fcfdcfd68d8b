// loss_smooth.cpp: the elementwise losses PyTorch computes as one node each, with a backward that
// is a node too (so a create_graph gradient reads <Name>BackwardBackward0, as in PyTorch):
// smooth_l1_loss (beta), huber_loss (delta) and soft_margin_loss. Each is described by its
// elementwise value, first and second derivative in x; see Note [Pointwise loss nodes].
// Read next: nn/functional/loss.cpp.
#include <cmath>

#include "kernels/simd_math.hpp"
#include "ops/pointwise.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/loss.hpp"
#include "xgrad/ops/reduction.hpp"

namespace xgrad {

using autograd::needs_input_grad;
using autograd::record;
using autograd::save;
using autograd::variable_list;
using kernels::lit;
using kernels::vselect;

// Note [Pointwise loss nodes]
// loss(x, y) = reduce(l(x, y)) is recorded as one node <Name>Backward0 saving x and y. Its
// backward, g * l'(x, y) (g / numel for 'mean'), is the node <Name>BackwardBackward0 (ATen's
// <name>_backward), whose own derivatives are PyTorch's double-backward formulas:
//   d/dg = <name>_backward(gg, x, y) for 'none', else sum(gg * <name>_backward(1, x, y))
//   d/dx = gg * g * l''(x, y) (/ numel), d/dy = -d/dx where the loss depends on x - y.
// l' and l'' are computed without a graph: they are constants of the formulas above.

namespace {

struct PointwiseLoss {
  const char* node;           // "SmoothL1LossBackward0" (node names are string literals)
  const char* backward_node;  // "SmoothL1LossBackwardBackward0"
  bool target_differentiable;  // false: PyTorch refuses a target that requires grad
  std::function<Tensor(const Tensor&, const Tensor&)> value, first, second;
};

int64_t numel_of(IntArrayRef shape) {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  return n;
}

/// ATen's <name>_backward(g, x, y): g * l'(x, y), / numel for 'mean'. See Note [Pointwise loss nodes].
Tensor pointwise_loss_backward(const PointwiseLoss& loss, const Tensor& g, const Tensor& x, const Tensor& y,
                               int64_t reduction) {
  Tensor out;
  {
    NoGradGuard no_grad;
    Tensor scaled = reduction == Reduction::Mean ? g / static_cast<double>(numel_of(x.sizes())) : g;
    out = loss.first(x, y) * scaled;
  }
  return record(loss.backward_node, out, {g, x, y}, save(g, x, y),
                [loss, reduction](const Tensor& gg, const Tensor& g, const Tensor& x, const Tensor& y) -> variable_list {
                  Tensor dg, dx;
                  if (needs_input_grad(0))
                    dg = reduction == Reduction::None
                             ? pointwise_loss_backward(loss, gg, x, y, reduction)
                             : (pointwise_loss_backward(loss, ones_like(g), x, y, reduction) * gg).sum();
                  if (needs_input_grad(1) || (needs_input_grad(2) && loss.target_differentiable)) {
                    Tensor second;
                    {
                      NoGradGuard no_grad;
                      second = loss.second(x, y);
                    }
                    dx = gg * g * second;
                    if (reduction == Reduction::Mean) dx = dx / static_cast<double>(numel_of(x.sizes()));
                  }
                  return {dg, needs_input_grad(1) ? dx : Tensor(),
                          needs_input_grad(2) && loss.target_differentiable ? -dx : Tensor()};
                });
}

/// reduce(l(x, y)) as the node <Name>Backward0. See Note [Pointwise loss nodes].
Tensor pointwise_loss(const PointwiseLoss& loss, const char* fn, const Tensor& self, const Tensor& target,
                      int64_t reduction) {
  ScalarType dt = result_type(self, target);
  XGRAD_CHECK(is_floating_point(dt), "\"{}\" not implemented for '{}'", fn, scalar_type_name(dt));
  if (!loss.target_differentiable && target.requires_grad() && GradMode::is_enabled())
    throw Error(fmt::format("The function '{}' is not differentiable with respect to argument 'target'. This input "
                            "cannot have requires_grad True.", fn));
  Tensor out;
  {
    NoGradGuard no_grad;
    out = apply_loss_reduction(loss.value(self.to(dt), target.to(dt)), reduction);
  }
  return record(loss.node, out, {self, target}, save(self, target),
                [loss, reduction](const Tensor& g, const Tensor& x, const Tensor& y) -> variable_list {
                  return {needs_input_grad(0) ? pointwise_loss_backward(loss, g, x, y, reduction) : Tensor(),
                          needs_input_grad(1) ? pointwise_loss_backward(loss, g, y, x, reduction) : Tensor()};
                });
}

template <class V>
V vabs(const V& v) {
  return vselect(v < lit(v, 0.0), -v, v);
}

}  // namespace

/// smooth_l1_loss(x, y) = 0.5 d^2 / beta where |d| < beta, |d| - 0.5 beta elsewhere (d = x - y);
/// beta = 0 is the l1 loss.
/// d/dx = g * (d <= -beta ? -1 : d >= beta ? 1 : d / beta), d/dy = -d/dx (g / numel for 'mean')
/// saves: x, y      (one node, SmoothL1LossBackward0; see Note [Pointwise loss nodes])
Tensor smooth_l1_loss(const Tensor& self, const Tensor& target, int64_t reduction, double beta) {
  XGRAD_CHECK(beta >= 0, "smooth_l1_loss does not support negative values for beta.");
  PointwiseLoss loss{
      "SmoothL1LossBackward0", "SmoothL1LossBackwardBackward0", true,
      [beta](const Tensor& x, const Tensor& y) {
        return detail::zip_floating(x, y, x.scalar_type(), {"smooth_l1_cpu"}, [beta](auto a, auto b) {
          auto z = vabs(a - b);
          return vselect(z < lit(z, beta), lit(z, 0.5) * z * z / lit(z, beta), z - lit(z, 0.5) * lit(z, beta));
        });
      },
      [beta](const Tensor& x, const Tensor& y) {
        return detail::zip_floating(x, y, x.scalar_type(), {"smooth_l1_backward_cpu_out"}, [beta](auto a, auto b) {
          auto d = a - b;
          return vselect(d <= lit(d, -beta), lit(d, -1.0), vselect(d >= lit(d, beta), lit(d, 1.0), d / lit(d, beta)));
        });
      },
      [beta](const Tensor& x, const Tensor& y) {
        return detail::zip_floating(x, y, x.scalar_type(), {"smooth_l1_backward_cpu_out"}, [beta](auto a, auto b) {
          auto z = vabs(a - b);
          return vselect(z < lit(z, beta), lit(z, 1.0) / lit(z, beta), lit(z, 0.0));
        });
      }};
  return pointwise_loss(loss, "smooth_l1_cpu", self, target, reduction);
}

/// huber_loss(x, y) = 0.5 d^2 where |d| < delta, delta (|d| - 0.5 delta) elsewhere (d = x - y).
/// d/dx = g * (d <= -delta ? -delta : d >= delta ? delta : d), d/dy = -d/dx (g / numel for 'mean')
/// saves: x, y      (one node, HuberLossBackward0; see Note [Pointwise loss nodes])
Tensor huber_loss(const Tensor& self, const Tensor& target, int64_t reduction, double delta) {
  XGRAD_CHECK(delta > 0, "huber_loss does not support non-positive values for delta.");
  PointwiseLoss loss{
      "HuberLossBackward0", "HuberLossBackwardBackward0", true,
      [delta](const Tensor& x, const Tensor& y) {
        return detail::zip_floating(x, y, x.scalar_type(), {"huber_cpu"}, [delta](auto a, auto b) {
          auto z = vabs(a - b);
          return vselect(z < lit(z, delta), lit(z, 0.5) * z * z, lit(z, delta) * (z - lit(z, 0.5) * lit(z, delta)));
        });
      },
      [delta](const Tensor& x, const Tensor& y) {
        return detail::zip_floating(x, y, x.scalar_type(), {"huber_backward_cpu_out"}, [delta](auto a, auto b) {
          auto d = a - b;
          return vselect(d <= lit(d, -delta), lit(d, -delta), vselect(d >= lit(d, delta), lit(d, delta), d));
        });
      },
      [delta](const Tensor& x, const Tensor& y) {
        return detail::zip_floating(x, y, x.scalar_type(), {"huber_backward_cpu_out"}, [delta](auto a, auto b) {
          auto z = vabs(a - b);
          return vselect(z <= lit(z, delta), lit(z, 1.0), lit(z, 0.0));
        });
      }};
  return pointwise_loss(loss, "huber_cpu", self, target, reduction);
}

/// soft_margin_loss(x, y) = log(1 + exp(-y x))
/// d/dx = g * -y z / (1 + z), z = exp(-y x) (g / numel for 'mean'); the target gets no gradient
/// (PyTorch refuses one that requires grad)      saves: x, y
Tensor soft_margin_loss(const Tensor& self, const Tensor& target, int64_t reduction) {
  PointwiseLoss loss{
      "SoftMarginLossBackward0", "SoftMarginLossBackwardBackward0", false,
      [](const Tensor& x, const Tensor& y) { return log1p(exp(-x * y)); },
      [](const Tensor& x, const Tensor& y) {
        Tensor z = exp(-y * x);
        return -y * z / (z + 1);
      },
      [](const Tensor& x, const Tensor& y) {
        Tensor z = exp(-y * x);
        Tensor zplus1 = z + 1;
        return y * y * z / (zplus1 * zplus1);
      }};
  // ATen writes the loss into a tensor of the input's dtype.
  XGRAD_CHECK(is_floating_point(self.scalar_type()), "result type {} can't be cast to the desired output type {}",
              scalar_type_name(is_floating_point(target.scalar_type()) ? target.scalar_type() : default_dtype()),
              scalar_type_name(self.scalar_type()));
  const bool same = target.scalar_type() == self.scalar_type() || target.requires_grad();
  return pointwise_loss(loss, "soft_margin_loss", self, same ? target : target.to(self.scalar_type()), reduction);
}

}  // namespace xgrad
