// softmax.cpp: softmax and log_softmax over a dim, as single graph nodes with fused kernels
// (kernels/softmax.hpp). Their backward is a fused op too, recorded so double backward works.
// Read next: loss_nll.cpp (cross entropy, built on log_softmax), or reduction.cpp.
#include "ops/op_utils.hpp"
#include "kernels/softmax.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/ops/activation.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

using autograd::needs_input_grad;
using autograd::record;
using autograd::save;
using autograd::variable_list;

namespace {

struct Geometry {
  int64_t outer = 1, n = 1, inner = 1;
};
Geometry geometry(const Tensor& x, int64_t dim) {
  Geometry g;
  for (int64_t d = 0; d < x.dim(); ++d) {
    if (d < dim) g.outer *= x.size(d);
    if (d == dim) g.n = x.size(d);
    if (d > dim) g.inner *= x.size(d);
  }
  return g;
}

const char* kernel_name(bool log, const Tensor& x, int64_t dim) {
  bool last = x.dim() == 0 || dim == x.dim() - 1;
  if (log) return last ? "log_softmax_lastdim_kernel_impl" : "log_softmax_kernel_impl";
  return last ? "softmax_lastdim_kernel_impl" : "softmax_kernel_impl";
}

template <bool Log>
Tensor softmax_raw(const Tensor& x_in, int64_t dim) {
  if (x_in.scalar_type() == kBFloat16)  // PyTorch's bfloat16 kernel computes in float32, rounding once
    return detail::convert(softmax_raw<Log>(detail::convert(x_in, kFloat), dim), kBFloat16);
  Tensor x = detail::contiguous_raw(x_in);
  Tensor y = detail::make_empty(x.sizes(), x.scalar_type());
  Geometry geo = geometry(x, dim);
  visit_floating(x.scalar_type(), kernel_name(Log, x, dim), [&](auto tag) {
    using T = decltype(tag);
    kernels::softmax_forward<T, Log>(x.data_ptr<T>(), y.data_ptr<T>(), geo.outer, geo.n, geo.inner);
  });
  return y;
}

template <bool Log>
Tensor softmax_backward_raw(const Tensor& g_in, const Tensor& y_in, int64_t dim) {
  ScalarType dtype = y_in.scalar_type();
  if (dtype == kBFloat16)
    return detail::convert(softmax_backward_raw<Log>(detail::convert(g_in, kFloat), detail::convert(y_in, kFloat), dim),
                           kBFloat16);
  Tensor g = detail::contiguous_raw(detail::convert(g_in, dtype)), y = detail::contiguous_raw(y_in);
  Tensor gx = detail::make_empty(y.sizes(), dtype);
  Geometry geo = geometry(y, dim);
  visit_floating(dtype, "softmax_backward_data", [&](auto tag) {
    using T = decltype(tag);
    kernels::softmax_backward<T, Log>(g.data_ptr<T>(), y.data_ptr<T>(), gx.data_ptr<T>(), geo.outer, geo.n, geo.inner);
  });
  return gx;
}

}  // namespace

/// log_softmax_backward(g, y) = g - exp(y) * sum(g, dim)
/// d/dg = gg - sum(gg * exp(y), dim), d/dy = -gg * exp(y) * sum(g, dim)      saves: g, y
Tensor detail::log_softmax_backward_data(const Tensor& g, const Tensor& y, int64_t dim) {
  return record("LogSoftmaxBackwardDataBackward0", softmax_backward_raw<true>(g, y, dim), {g, y}, save(g, y),
                [dim](const Tensor& gg, const Tensor& g, const Tensor& y) -> variable_list {
                  Tensor e = exp(y);
                  return {needs_input_grad(0) ? gg - sum(gg * e, {dim}, true) : Tensor(),
                          needs_input_grad(1) ? -gg * e * sum(g, {dim}, true) : Tensor()};
                });
}

namespace {

/// softmax_backward(g, y) = y * (g - sum(g * y, dim))
/// d/dg = y * (gg - sum(gg * y)), d/dy = gg * (g - sum(g * y)) - g * sum(gg * y)      saves: g, y
Tensor softmax_backward(const Tensor& g, const Tensor& y, int64_t dim) {
  return record("SoftmaxBackwardDataBackward0", softmax_backward_raw<false>(g, y, dim), {g, y}, save(g, y),
                [dim](const Tensor& gg, const Tensor& g, const Tensor& y) -> variable_list {
                  Tensor ggy = sum(gg * y, {dim}, true);
                  return {needs_input_grad(0) ? y * (gg - ggy) : Tensor(),
                          needs_input_grad(1) ? gg * (g - sum(g * y, {dim}, true)) - g * ggy : Tensor()};
                });
}

}  // namespace

/// log_softmax(x, dim) = x - max - log(sum(exp(x - max)))
/// d/dx = grad - exp(y) * sum(grad, dim), y = log_softmax(x)      saves: result
Tensor log_softmax(const Tensor& x_in, int64_t dim, std::optional<ScalarType> dtype) {
  Tensor x = dtype ? x_in.to(*dtype) : x_in;
  dim = maybe_wrap_dim(dim, x.dim());
  Tensor y = softmax_raw<true>(x, dim);
  return record("LogSoftmaxBackward0", y, {x}, save(y), [dim](const Tensor& g, const Tensor& y) -> variable_list {
    return {detail::log_softmax_backward_data(g, y, dim)};
  });
}

/// softmax(x, dim) = exp(x - max) / sum(exp(x - max))
/// d/dx = y * (grad - sum(grad * y, dim)), y = softmax(x)      saves: result
Tensor softmax(const Tensor& x_in, int64_t dim, std::optional<ScalarType> dtype) {
  Tensor x = dtype ? x_in.to(*dtype) : x_in;
  dim = maybe_wrap_dim(dim, x.dim());
  Tensor y = softmax_raw<false>(x, dim);
  return record("SoftmaxBackward0", y, {x}, save(y), [dim](const Tensor& g, const Tensor& y) -> variable_list {
    return {softmax_backward(g, y, dim)};
  });
}

}  // namespace xgrad
