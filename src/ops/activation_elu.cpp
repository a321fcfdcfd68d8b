// activation_elu.cpp: the exponential linear units: elu, selu (elu with fixed constants) and celu
// (elu with input_scale 1/alpha), their in-place forms, and elu_backward, the one backward node
// all of them share (EluBackwardBackward0 under create_graph, as in PyTorch).
// Read next: activation_rectifier.cpp.
#include "ops/activation_utils.hpp"
#include "xgrad/ops/activation.hpp"

namespace xgrad {

using autograd::needs_input_grad;
using autograd::record;
using autograd::save;
using autograd::variable_list;

namespace {
// PyTorch's SELU constants (at::native::SELU_ALPHA, SELU_SCALE).
constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluScale = 1.0507009873554804934193349852946;

/// elu's forward values, recorded by the caller.
Tensor elu_raw(const Tensor& x, const Scalar& alpha, const Scalar& scale, const Scalar& input_scale) {
  return detail::map_typed<kernels::Elu>(x, detail::kBf16("elu_cpu"), alpha.toDouble(), scale.toDouble(), input_scale.toDouble());
}
}  // namespace

/// elu_backward(g, b) with b = self (is_result false) or b = elu's result (is_result true):
///   b > 0: g * scale;   b <= 0: g * input_scale * alpha * scale * exp(b * input_scale), or, from the
///   result, g * input_scale * (b + alpha * scale)
/// d/dg = elu_backward(gg, b)
/// d/db = elu_backward(gg * g * input_scale, b) where b < 0 (from self), gg * g * input_scale where b < 0
/// (from the result): PyTorch's elu_double_backward      saves: g, b
Tensor elu_backward(const Tensor& grad_output, const Scalar& alpha, const Scalar& scale, const Scalar& input_scale,
                    bool is_result, const Tensor& self_or_result) {
  XGRAD_CHECK(!is_result || alpha.toDouble() >= 0.0,
              "In-place elu backward calculation is triggered with a negative slope which is not supported. This is "
              "caused by calling in-place forward function with a negative slope, please call out-of-place version "
              "instead.");
  Tensor out = detail::zip_typed<kernels::EluBackward>(grad_output, self_or_result, detail::kBf16("elu_backward_cpu"), alpha.toDouble(), scale.toDouble(),
                                                       input_scale.toDouble(), is_result);
  return record("EluBackwardBackward0", out, {grad_output, self_or_result}, save(grad_output, self_or_result),
                [alpha, scale, input_scale, is_result](const Tensor& gg, const Tensor& g, const Tensor& b) -> variable_list {
                  Tensor dg, db;
                  if (needs_input_grad(0)) dg = elu_backward(gg, alpha, scale, input_scale, is_result, b);
                  if (needs_input_grad(1)) {
                    Tensor negative = (b < 0).to(gg.scalar_type());
                    db = is_result ? gg * g * input_scale * negative
                                   : elu_backward(gg * g * input_scale, alpha, scale, input_scale, false, b) * negative;
                  }
                  return {dg, db};
                });
}

/// elu(x) = scale * x for x > 0, scale * alpha * (exp(input_scale * x) - 1) otherwise
/// d/dx = elu_backward(grad, alpha, scale, input_scale, false, x)      saves: x
Tensor elu(const Tensor& x, const Scalar& alpha, const Scalar& scale, const Scalar& input_scale) {
  return record("EluBackward0", elu_raw(x, alpha, scale, input_scale), {x}, save(x),
                [alpha, scale, input_scale](const Tensor& g, const Tensor& x) -> variable_list {
                  return {elu_backward(g, alpha, scale, input_scale, false, x)};
                });
}

/// elu_(x): elu in place (EluBackward1: its backward reads the result, and refuses a negative alpha)
/// d/dx = elu_backward(grad, alpha, scale, input_scale, true, result)      saves: result
Tensor& elu_(Tensor& x, const Scalar& alpha, const Scalar& scale, const Scalar& input_scale) {
  return detail::activation_inplace(x, [&](const Tensor& s) {
    Tensor y = elu_raw(s, alpha, scale, input_scale);
    return record("EluBackward1", y, {s}, save(y), [alpha, scale, input_scale](const Tensor& g, const Tensor& y) -> variable_list {
      return {elu_backward(g, alpha, scale, input_scale, true, y)};
    });
  });
}

/// selu(x) = elu(x, alpha = 1.6732632..., scale = 1.0507009...) (EluBackward0, as in PyTorch)
Tensor selu(const Tensor& x) { return elu(x, kSeluAlpha, kSeluScale); }
/// selu_(x) = elu_(x, 1.6732632..., 1.0507009...) (EluBackward1)
Tensor& selu_(Tensor& x) { return elu_(x, kSeluAlpha, kSeluScale); }

namespace {
void check_celu_alpha(const Scalar& alpha) {
  XGRAD_CHECK(alpha.toDouble() != 0, "ZeroDivisionError: alpha cannot be 0 for CELU");
}
/// celu's backward uses input_scale 1 / float(alpha), as PyTorch's derivatives.yaml writes it.
double celu_input_scale(const Scalar& alpha) { return 1.0 / static_cast<double>(static_cast<float>(alpha.toDouble())); }
}  // namespace

/// celu(x) = max(0, x) + min(0, alpha * (exp(x / alpha) - 1)) = elu(x, alpha, 1, 1 / alpha)
/// d/dx = elu_backward(grad, alpha, 1, 1 / alpha, false, x)      saves: x
Tensor celu(const Tensor& x, const Scalar& alpha) {
  check_celu_alpha(alpha);
  Tensor y = elu_raw(x, alpha, 1.0, 1.0 / alpha.toDouble());
  return record("CeluBackward0", y, {x}, save(x), [alpha](const Tensor& g, const Tensor& x) -> variable_list {
    return {elu_backward(g, alpha, 1.0, celu_input_scale(alpha), false, x)};
  });
}

/// celu_(x): celu in place (CeluBackward1, reading the result)      saves: result
Tensor& celu_(Tensor& x, const Scalar& alpha) {
  check_celu_alpha(alpha);
  return detail::activation_inplace(x, [&](const Tensor& s) {
    Tensor y = elu_raw(s, alpha, 1.0, 1.0 / alpha.toDouble());
    return record("CeluBackward1", y, {s}, save(y), [alpha](const Tensor& g, const Tensor& y) -> variable_list {
      return {elu_backward(g, alpha, 1.0, celu_input_scale(alpha), true, y)};
    });
  });
}

}  // namespace xgrad
