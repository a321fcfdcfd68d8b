// activation.cpp: relu, sigmoid, tanh, softplus, log_sigmoid. Each backward is a fused kernel
// recorded as a node of its own, as PyTorch's (threshold_backward, sigmoid_backward, ...), so
// double backward works and a create_graph gradient has PyTorch's grad_fn and requires_grad.
// Read next: softmax.cpp.
#include "xgrad/ops/activation.hpp"

#include "ops/activation_utils.hpp"
#include "ops/pointwise.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/indexing.hpp"

namespace xgrad {

using autograd::needs_input_grad;
using autograd::record;
using autograd::save;
using autograd::variable_list;
using kernels::lit;
using kernels::visnan;
using kernels::vselect;

/// threshold_backward(g, y, t) = g where y > t, else 0 (NaN in y lets g through): relu's
/// derivative with y = relu(x), t = 0, and threshold's, as a node of its own (PyTorch's), so that
/// a create_graph gradient of relu requires grad as PyTorch's does.
/// d/dg = threshold_backward(gg, y, t), d/dy = 0      saves: y
Tensor threshold_backward(const Tensor& g, const Tensor& y, const Scalar& threshold) {
  // ATen's threshold kernel compares in the tensor's own type: a bfloat16 threshold is rounded first
  const double t = detail::round_to(result_type(g, y), threshold.toDouble());
  Tensor out = detail::zip(g, y, result_type(g, y), [t](auto a, auto b) { return vselect(b <= lit(b, t), lit(a, 0.0), a); });
  return record("ThresholdBackwardBackward0", out, {g, y}, save(y),
                [threshold](const Tensor& gg, const Tensor& y) -> variable_list {
                  return {needs_input_grad(0) ? threshold_backward(gg, y, threshold) : Tensor(),
                          needs_input_grad(1) ? zeros_like(gg) : Tensor()};
                });
}

/// relu(x) = max(x, 0) (NaN stays NaN)      d/dx = threshold_backward(grad, result, 0)      saves: result
Tensor relu(const Tensor& x) {
  XGRAD_CHECK(x.scalar_type() != kBool, "Boolean inputs not supported for relu");
  detail::check_kernel({"clamp_min_cpu", false, true}, x.scalar_type());
  Tensor y = detail::map_all(x, x.scalar_type(), [](auto v) { return vselect(v < lit(v, 0.0), lit(v, 0.0), v); });
  return record("ReluBackward0", y, {x}, save(y),
                [](const Tensor& g, const Tensor& y) -> variable_list { return {threshold_backward(g, y, 0)}; });
}

namespace {
/// sigmoid_backward(g, y) = g * y * (1 - y), fused.
/// d/dg = gg * y * (1 - y), d/dy = gg * g * (1 - 2y)      saves: g, y
Tensor sigmoid_backward(const Tensor& g, const Tensor& y) {
  Tensor out = detail::zip(g, y, result_type(g, y), [](auto a, auto b) { return a * b * (lit(b, 1.0) - b); });
  return record("SigmoidBackwardBackward0", out, {g, y}, save(g, y),
                [](const Tensor& gg, const Tensor& g, const Tensor& y) -> variable_list {
                  return {needs_input_grad(0) ? sigmoid_backward(gg, y) : Tensor(),
                          needs_input_grad(1) ? gg * g * (1 - y * 2) : Tensor()};
                });
}

/// tanh_backward(g, y) = g * (1 - y^2), fused.
/// d/dg = gg * (1 - y^2), d/dy = -2 * gg * g * y      saves: g, y
Tensor tanh_backward(const Tensor& g, const Tensor& y) {
  Tensor out = detail::zip(g, y, result_type(g, y), [](auto a, auto b) { return a * (lit(b, 1.0) - b * b); });
  return record("TanhBackwardBackward0", out, {g, y}, save(g, y),
                [](const Tensor& gg, const Tensor& g, const Tensor& y) -> variable_list {
                  return {needs_input_grad(0) ? tanh_backward(gg, y) : Tensor(),
                          needs_input_grad(1) ? gg * g * y * -2 : Tensor()};
                });
}
}  // namespace

/// sigmoid(x) = 1 / (1 + exp(-x))      d/dx = grad * y * (1 - y), y = sigmoid(x)      saves: result
Tensor sigmoid(const Tensor& x) {
  Tensor y = detail::map_floating(x, {"sigmoid_cpu", false, true}, [](auto v) { return lit(v, 1.0) / (lit(v, 1.0) + xsimd::exp(-v)); });
  return record("SigmoidBackward0", y, {x}, save(y),
                [](const Tensor& g, const Tensor& y) -> variable_list { return {sigmoid_backward(g, y)}; });
}

/// tanh(x)      d/dx = grad * (1 - y^2), y = tanh(x)      saves: result
Tensor tanh(const Tensor& x) {
  Tensor y = detail::map_floating(x, {"tanh_vml_cpu", false, true}, [](auto v) { return xsimd::tanh(v); });
  return record("TanhBackward0", y, {x}, save(y),
                [](const Tensor& g, const Tensor& y) -> variable_list { return {tanh_backward(g, y)}; });
}

namespace {
/// softplus_backward(g, x) = g * sigmoid(beta x), or g where beta x > threshold, fused
/// d/dg = softplus_backward(gg, x), d/dx = gg * g * beta * s (1 - s) where beta x <= threshold
/// (s = sigmoid(beta x); PyTorch's softplus_double_backward)      saves: g, x
Tensor softplus_backward(const Tensor& g, const Tensor& x, const Scalar& beta, const Scalar& threshold) {
  const double b = beta.toDouble(), th = threshold.toDouble();
  Tensor out = detail::zip_floating(g, x, result_type(g, x), {"softplus_backward_cpu", false, true}, [b, th](auto gv, auto xv) {
    auto bx = xv * lit(xv, b);
    auto z = xsimd::exp(bx);
    return vselect(bx > lit(xv, th), gv, gv * z / (z + lit(xv, 1.0)));
  });
  return record("SoftplusBackwardBackward0", out, {g, x}, save(g, x),
                [beta, threshold](const Tensor& gg, const Tensor& g, const Tensor& x) -> variable_list {
                  Tensor gx;
                  if (needs_input_grad(1)) {
                    Tensor bx = x * beta, s = sigmoid(bx);
                    gx = (gg * g) * s * (1 - s) * (bx < threshold).to(gg.scalar_type()) * beta;
                  }
                  return {needs_input_grad(0) ? softplus_backward(gg, x, beta, threshold) : Tensor(), gx};
                });
}

/// log_sigmoid_backward(g, x) = g * sigmoid(-x), fused
/// d/dg = log_sigmoid_backward(gg, x), d/dx = gg * g * (s - 1) * s, s = sigmoid(x)      saves: g, x
Tensor log_sigmoid_backward(const Tensor& g, const Tensor& x) {
  // ATen's formula, from the buffer b = exp(-|x|) its forward keeps (in x's type, so bfloat16's is
  // rounded): g * (1 - b / (1 + b)) for x < 0, g * b / (1 + b) otherwise (both sigmoid(-x))
  const bool bf16 = result_type(g, x) == kBFloat16;
  Tensor out = detail::zip_floating(g, x, result_type(g, x), {"log_sigmoid_backward_cpu", false, true}, [bf16](auto gv, auto xv) {
    auto b = xsimd::exp(-xsimd::abs(xv));
    if (bf16) b = kernels::round_bf16(b);
    auto q = b / (lit(xv, 1.0) + b);
    return vselect(xv < lit(xv, 0.0), lit(xv, 1.0) - q, q) * gv;
  });
  return record("LogSigmoidBackwardBackward0", out, {g, x}, save(g, x),
                [](const Tensor& gg, const Tensor& g, const Tensor& x) -> variable_list {
                  Tensor gx;
                  if (needs_input_grad(1)) {
                    Tensor s = sigmoid(x);
                    gx = (gg * g) * (s - 1) * s;
                  }
                  return {needs_input_grad(0) ? log_sigmoid_backward(gg, x) : Tensor(), gx};
                });
}
}  // namespace

/// softplus(x, beta, threshold) = log(1 + exp(beta * x)) / beta, or x where beta * x > threshold
/// d/dx = softplus_backward(grad, x): grad * sigmoid(beta * x), or grad where beta * x > threshold
/// saves: x
Tensor softplus(const Tensor& x, const Scalar& beta, const Scalar& threshold) {
  XGRAD_CHECK(isFloatingType(x.scalar_type()), "\"softplus_cpu\" not implemented for '{}'", scalar_type_name(x.scalar_type()));
  double b = beta.toDouble(), th = threshold.toDouble();
  Tensor y = detail::map_floating(x, {"softplus_cpu", false, true}, [b, th](auto v) {
    auto bx = v * lit(v, b);
    return vselect(bx > lit(v, th), v, xsimd::log1p(xsimd::exp(bx)) / lit(v, b));
  });
  return record("SoftplusBackward0", y, {x}, save(x), [beta, threshold](const Tensor& g, const Tensor& x) -> variable_list {
    return {softplus_backward(g, x, beta, threshold)};
  });
}

/// log_sigmoid(x) = min(x, 0) - log1p(exp(-|x|)), stable for large |x|
/// d/dx = log_sigmoid_backward(grad, x) = grad * sigmoid(-x)      saves: x
Tensor log_sigmoid(const Tensor& x) {
  XGRAD_CHECK(isFloatingType(x.scalar_type()), "\"log_sigmoid_cpu\" not implemented for '{}'",
              scalar_type_name(x.scalar_type()));
  Tensor y = detail::map_floating(x, {"log_sigmoid_cpu", false, true}, [](auto v) {
    auto zero = lit(v, 0.0);
    return vselect(v < zero, v, zero) - xsimd::log1p(xsimd::exp(-xsimd::abs(v)));
  });
  return record("LogSigmoidBackward0", y, {x}, save(x),
                [](const Tensor& g, const Tensor& x) -> variable_list { return {log_sigmoid_backward(g, x)}; });
}

}  // namespace xgrad
