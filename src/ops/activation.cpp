// activation.cpp: relu, sigmoid, tanh, softplus, log_sigmoid. sigmoid and tanh get a fused
// backward kernel (one pass instead of three ops, as PyTorch's sigmoid_backward), which is itself
// recorded so double backward works. Read next: softmax.cpp.
#include "xgrad/ops/activation.hpp"

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

/// relu(x) = max(x, 0) (NaN stays NaN)      d/dx = grad where result > 0      saves: result
Tensor relu(const Tensor& x) {
  XGRAD_CHECK(x.scalar_type() != kBool, "\"clamp_min_scalar_cpu\" not implemented for 'Bool'");
  Tensor y = detail::map_all(x, x.scalar_type(), [](auto v) { return vselect(v < lit(v, 0.0), lit(v, 0.0), v); });
  return record("ReluBackward0", y, {x}, save(y), [](const Tensor& g, const Tensor& y) -> variable_list {
    return {where(y > 0, g, zeros({}, g.scalar_type()))};
  });
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
  Tensor y = detail::map_floating(x, [](auto v) { return lit(v, 1.0) / (lit(v, 1.0) + xsimd::exp(-v)); });
  return record("SigmoidBackward0", y, {x}, save(y),
                [](const Tensor& g, const Tensor& y) -> variable_list { return {sigmoid_backward(g, y)}; });
}

/// tanh(x)      d/dx = grad * (1 - y^2), y = tanh(x)      saves: result
Tensor tanh(const Tensor& x) {
  Tensor y = detail::map_floating(x, [](auto v) { return xsimd::tanh(v); });
  return record("TanhBackward0", y, {x}, save(y),
                [](const Tensor& g, const Tensor& y) -> variable_list { return {tanh_backward(g, y)}; });
}

/// softplus(x, beta, threshold) = log(1 + exp(beta * x)) / beta, or x where beta * x > threshold
/// d/dx = grad * sigmoid(beta * x), or grad where beta * x > threshold      saves: x
Tensor softplus(const Tensor& x, const Scalar& beta, const Scalar& threshold) {
  double b = beta.toDouble(), th = threshold.toDouble();
  Tensor y = detail::map_floating(x, [b, th](auto v) {
    auto bx = v * lit(v, b);
    return vselect(bx > lit(v, th), v, xsimd::log1p(xsimd::exp(bx)) / lit(v, b));
  });
  return record("SoftplusBackward0", y, {x}, save(x), [b, th](const Tensor& g, const Tensor& x) -> variable_list {
    Tensor bx = x * b;
    return {where(bx > th, g, g * sigmoid(bx))};
  });
}

/// log_sigmoid(x) = min(x, 0) - log1p(exp(-|x|)), stable for large |x|
/// d/dx = grad * sigmoid(-x)      saves: x
Tensor log_sigmoid(const Tensor& x) {
  Tensor y = detail::map_floating(x, [](auto v) {
    auto zero = lit(v, 0.0);
    return vselect(v < zero, v, zero) - xsimd::log1p(xsimd::exp(-xsimd::abs(v)));
  });
  return record("LogSigmoidBackward0", y, {x}, save(x),
                [](const Tensor& g, const Tensor& x) -> variable_list { return {g * sigmoid(-x)}; });
}

}  // namespace xgrad
