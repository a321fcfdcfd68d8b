// activation_smooth.cpp: the smooth gated activations gelu (exact and tanh-approximated), silu and
// mish, and their piecewise "hard" cousins hardsigmoid and hardswish, with in-place forms.
// silu's and mish's backward, like PyTorch's, is one fused kernel without a graph and composed of
// ops under create_graph (so the first gradient's graph is PyTorch's); the others have backward
// nodes of their own. Read next: activation_shrink.cpp.
#include "ops/activation_utils.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/ops/activation.hpp"
#include "xgrad/ops/indexing.hpp"

namespace xgrad {

using autograd::needs_input_grad;
using autograd::record;
using autograd::save;
using autograd::variable_list;

// ---- gelu ----------------------------------------------------------------------------------------

namespace {
bool gelu_is_tanh(const std::string& approximate) {
  XGRAD_CHECK(approximate == "none" || approximate == "tanh", "approximate argument must be either none or tanh.");
  return approximate == "tanh";
}

/// d/dx of gelu_backward(g, x) times gg: PyTorch's gelu_double_backward.
///   exact: gg g (2 phi(x) - x^2 phi(x)), phi(x) = exp(-x^2 / 2) / sqrt(2 pi)
///   tanh:  with f = x / 2, u = tanh(inner), G = 1 - u^2, h = beta (1 + 3 kappa x^2), the first
///          derivative is (1 + u) / 2 + f G h, and its derivative G h / 2 + G h / 2 + f h G' + f G h',
///          G' = -2 u G h, h' = 6 kappa beta x
Tensor gelu_double_backward(const Tensor& gg, const Tensor& g, const Tensor& x, bool tanh_approx) {
  if (tanh_approx) {
    const double beta = M_SQRT2 * M_2_SQRTPI * 0.5, kappa = 0.044715;
    Tensor inner = (x + x.pow(3) * kappa) * beta;
    Tensor u = tanh(inner);
    Tensor f = x * 0.5;
    Tensor gp = 1 - u * u;  // G
    Tensor h = (x * x * (3 * kappa) + 1) * beta;
    Tensor f_prime_gh = gp * h * 0.5;
    Tensor g_prime_fh = f * h * (u * gp * h * -2);
    Tensor h_prime_fg = f * gp * (x * (6 * kappa * beta));
    return gg * g * (f_prime_gh + f_prime_gh + g_prime_fh + h_prime_fg);
  }
  const double k = M_2_SQRTPI * M_SQRT1_2 * 0.5;
  Tensor x_sq = x * x;
  Tensor pdf = exp(x_sq * -0.5) * k;
  return gg * g * (pdf * 2 - x_sq * pdf);
}
}  // namespace

/// gelu_backward(g, x) = g * (Phi(x) + x phi(x)) (or the tanh form's derivative)
/// d/dg = gelu_backward(gg, x), d/dx = gelu_double_backward(gg, g, x)      saves: g, x
Tensor gelu_backward(const Tensor& grad_output, const Tensor& self, const std::string& approximate) {
  const bool tanh_approx = gelu_is_tanh(approximate);
  const detail::Kernel kernel = detail::kBf16("GeluBackwardKernelImpl");
  // bfloat16: the exact form computes in float, the tanh form rounds every step (activation_utils.hpp)
  Tensor out = tanh_approx && result_type(grad_output, self) == kBFloat16
                   ? detail::zip_with(grad_output, self, kernel, kernels::GeluTanhBackwardBf16{})
                   : detail::zip_typed<kernels::GeluBackward>(grad_output, self, kernel, tanh_approx);
  return record("GeluBackwardBackward0", out, {grad_output, self}, save(grad_output, self),
                [approximate, tanh_approx](const Tensor& gg, const Tensor& g, const Tensor& x) -> variable_list {
                  return {needs_input_grad(0) ? gelu_backward(gg, x, approximate) : Tensor(),
                          needs_input_grad(1) ? gelu_double_backward(gg, g, x, tanh_approx) : Tensor()};
                });
}

/// gelu(x) = x * Phi(x) = x/2 (1 + erf(x / sqrt 2)); approximate "tanh":
/// x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
/// d/dx = gelu_backward(grad, x)      saves: x
Tensor gelu(const Tensor& x, const std::string& approximate) {
  const bool tanh_approx = gelu_is_tanh(approximate);
  const detail::Kernel kernel = detail::kBf16("GeluKernelImpl");
  Tensor y = tanh_approx && x.scalar_type() == kBFloat16 ? detail::map_with(x, kernel, kernels::GeluTanhBf16{})
                                                         : detail::map_typed<kernels::Gelu>(x, kernel, tanh_approx);
  return record("GeluBackward0", y, {x}, save(x), [approximate](const Tensor& g, const Tensor& x) -> variable_list {
    return {gelu_backward(g, x, approximate)};
  });
}

// ---- silu, mish ----------------------------------------------------------------------------------

namespace {
/// 1 - t as ATen's C++ writes it (a tensor of ones, minus t: SubBackward0 with one edge).
Tensor one_minus(const Tensor& t) { return full_like(t, 1.0) - t; }

/// silu's fused backward; bfloat16 rounds every step (Note [Reduced-precision activations]).
Tensor silu_backward_fused(const Tensor& g, const Tensor& x) {
  const detail::Kernel kernel = detail::kBf16("silu_backward_cpu");
  return result_type(g, x) == kBFloat16 ? detail::zip_with(g, x, kernel, kernels::SiluBackwardBf16{})
                                        : detail::zip_with(g, x, kernel, kernels::SiluBackward{});
}

Tensor silu_node(const Tensor& x) {
  const detail::Kernel kernel = detail::kBf16("silu_cpu");
  Tensor y = x.scalar_type() == kBFloat16 ? detail::map_with(x, kernel, kernels::SiluBf16{}) : detail::map_with(x, kernel, kernels::Silu{});
  return record("SiluBackward0", y, {x}, save(x),
                [](const Tensor& g, const Tensor& x) -> variable_list {
                  if (!GradMode::is_enabled()) return {silu_backward_fused(g, x)};
                  // create_graph: PyTorch's infinitely_differentiable_silu_backward
                  Tensor s = sigmoid(x);
                  return {g * s * detail::add_scalar_aten(x * one_minus(s), 1.0)};
                });
}

Tensor mish_node(const Tensor& x) {
  return record("MishBackward0", detail::map_with(x, detail::kFloatOnly("mish_cpu"), kernels::Mish{}), {x}, save(x),
                [](const Tensor& g, const Tensor& x) -> variable_list {
                  if (!GradMode::is_enabled()) return {detail::zip_with(g, x, detail::kFloatOnly("mish_backward_cpu"), kernels::MishBackward{})};
                  // create_graph: PyTorch's infinitely_differentiable_mish_backward
                  Tensor s = sigmoid(x);
                  Tensor t = tanh(log1p(exp(x)));
                  return {g * (t + x * s * one_minus(t * t))};
                });
}
}  // namespace

/// silu(x) = x * sigmoid(x)
/// d/dx = grad * s * (1 + x (1 - s)), s = sigmoid(x) (fused; composed under create_graph)      saves: x
Tensor silu(const Tensor& x) { return silu_node(x); }
Tensor& silu_(Tensor& x) { return detail::activation_inplace(x, [](const Tensor& s) { return silu_node(s); }); }

/// mish(x) = x * tanh(softplus(x))
/// d/dx = grad * (t + x s (1 - t^2)), t = tanh(softplus(x)), s = sigmoid(x) (fused; composed under
/// create_graph)      saves: x
Tensor mish(const Tensor& x) { return mish_node(x); }
Tensor& mish_(Tensor& x) { return detail::activation_inplace(x, [](const Tensor& s) { return mish_node(s); }); }

// ---- hardsigmoid, hardswish ----------------------------------------------------------------------

namespace {
/// hardsigmoid_backward(g, x) = g / 6 for -3 < x < 3, else 0. PyTorch has no derivative for it: under
/// create_graph its result requires grad through a node named NotImplemented, which throws when
/// a second derivative is asked of it. So does xgrad's.
Tensor hardsigmoid_backward(const Tensor& g, const Tensor& x) {
  Tensor out = detail::zip_with(g, x, detail::kBf16("hardsigmoid_backward_cpu"), kernels::HardsigmoidBackward{});
  return record("NotImplemented", out, {g, x}, [](const Tensor&) -> variable_list {
    throw Error("derivative for aten::hardsigmoid_backward is not implemented");
  });
}

Tensor hardsigmoid_node(const Tensor& x) {
  return record("HardsigmoidBackward0", detail::map_with(x, detail::kBf16("hardsigmoid_cpu"), kernels::Hardsigmoid{}), {x}, save(x),
                [](const Tensor& g, const Tensor& x) -> variable_list { return {hardsigmoid_backward(g, x)}; });
}

/// hardswish_backward(g, x) = 0 for x < -3, g (x / 3 + 1/2) for x <= 3, else g
/// d/dg = hardswish_backward(gg, x), d/dx = gg g / 3 for -3 < x < 3, else 0      saves: g, x
Tensor hardswish_backward(const Tensor& g, const Tensor& x) {
  Tensor out = detail::zip_with(g, x, detail::kBf16("hardswish_backward_cpu"), kernels::HardswishBackward{});
  return record("HardswishBackwardBackward0", out, {g, x}, save(g, x),
                [](const Tensor& gg, const Tensor& g, const Tensor& x) -> variable_list {
                  Tensor dx;
                  if (needs_input_grad(1))
                    dx = where(logical_and(x > -3.0, x < 3.0), gg * g / 3.0, zeros({}, x.scalar_type()));
                  return {needs_input_grad(0) ? hardswish_backward(gg, x) : Tensor(), dx};
                });
}

Tensor hardswish_node(const Tensor& x) {
  return record("HardswishBackward0", detail::map_with(x, detail::kBf16("hardswish_cpu"), kernels::Hardswish{}), {x}, save(x),
                [](const Tensor& g, const Tensor& x) -> variable_list { return {hardswish_backward(g, x)}; });
}
}  // namespace

/// hardsigmoid(x) = min(max(x + 3, 0), 6) / 6
/// d/dx = grad / 6 for -3 < x < 3, else 0 (no second derivative, as in PyTorch)      saves: x
Tensor hardsigmoid(const Tensor& x) { return hardsigmoid_node(x); }
Tensor& hardsigmoid_(Tensor& x) { return detail::activation_inplace(x, [](const Tensor& s) { return hardsigmoid_node(s); }); }

/// hardswish(x) = x * min(max(x + 3, 0), 6) / 6
/// d/dx = hardswish_backward(grad, x)      saves: x
Tensor hardswish(const Tensor& x) { return hardswish_node(x); }
Tensor& hardswish_(Tensor& x) { return detail::activation_inplace(x, [](const Tensor& s) { return hardswish_node(s); }); }

}  // namespace xgrad
