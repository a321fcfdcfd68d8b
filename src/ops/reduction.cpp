// reduction.cpp: sum, mean, max/min (all and by dim), amax/amin, argmax/argmin, logsumexp,
// var/std (and var_mean/std_mean), and sum_to. The backward of a reduction spreads the gradient back over the reduced dims (sum: the
// same value everywhere; mean: divided by the count; max: to the chosen elements only).
// Read next: indexing.cpp.
#include "xgrad/ops/reduction.hpp"

#include <algorithm>
#include <cmath>

#include "kernels/reduce.hpp"
#include "ops/op_utils.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/indexing.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

using autograd::record;
using autograd::save;
using autograd::variable_list;

namespace {

/// One flag per dim: is it reduced? Inline for up to 8 dims, so a reduction allocates no mask.
using DimMask = SmallVector<bool, 8>;

/// Which dims a reduction folds: all of them when `dims` is empty.
DimMask reduced_mask(const Tensor& x, IntArrayRef dims) {
  DimMask mask(static_cast<size_t>(x.dim()), dims.empty());
  for (int64_t d : dims) {
    int64_t w = maybe_wrap_dim(d, x.dim());
    XGRAD_CHECK(x.dim() == 0 || !mask[w] || dims.empty(), "dim {} appears multiple times in the list of dims", w);
    if (x.dim() > 0) mask[w] = true;
  }
  return mask;
}

DimVector keepdim_shape(const Tensor& x, const DimMask& mask) {
  DimVector shape(x.sizes());
  for (size_t d = 0; d < mask.size(); ++d)
    if (mask[d]) shape[d] = 1;
  return shape;
}

DimVector final_shape(const Tensor& x, const DimMask& mask, bool keepdim) {
  if (keepdim) return keepdim_shape(x, mask);
  DimVector shape;
  for (size_t d = 0; d < mask.size(); ++d)
    if (!mask[d]) shape.push_back(x.size(static_cast<int64_t>(d)));
  return shape;
}

Tensor reshape_raw(const Tensor& t, IntArrayRef shape) {
  return detail::make_view(t, DimVector(shape), contiguous_strides(shape), t.storage_offset());
}

/// The loop {out, x} over x's shape for a reduction into `out` (of final_shape): out's stride is
/// 0 along the reduced dims, so every element of x lands in its output slot.
kernels::Loop<2> reduction_loop(const Tensor& out, const Tensor& x, const DimMask& mask) {
  kernels::Loop<2> loop;
  loop.shape = DimVector(x.sizes());
  loop.data = {static_cast<char*>(out.data_ptr()), static_cast<char*>(x.data_ptr())};
  const int64_t eo = static_cast<int64_t>(out.element_size()), ex = static_cast<int64_t>(x.element_size());
  loop.strides[0].resize(mask.size());
  loop.strides[1].resize(mask.size());
  for (size_t d = 0, od = 0; d < mask.size(); ++d) {
    loop.strides[1][d] = x.strides()[d] * ex;
    // out is contiguous; with keepdim it has a size-1 dim here (any stride works: use 0).
    bool kept_in_out = !mask[d] && od < static_cast<size_t>(out.dim());
    loop.strides[0][d] = mask[d] ? 0 : (kept_in_out ? out.strides()[od] * eo : 0);
    if (kept_in_out || (mask[d] && out.dim() == x.dim())) ++od;
  }
  loop.coalesce();
  return loop;
}

/// The sum in `dtype`. Small integer dtypes sum in int64 and wrap, float16/bfloat16 in float32
/// and round once at the end, as PyTorch accumulates them (see Note [Compute dtypes] in
/// pointwise.hpp).
Tensor sum_raw(const Tensor& x_in, const DimMask& mask, bool keepdim, ScalarType dtype) {
  if (detail::compute_dtype(dtype) != dtype)
    return detail::convert(sum_raw(detail::to_compute(x_in, dtype), mask, keepdim, detail::compute_dtype(dtype)), dtype);
  Tensor x = detail::convert(x_in, dtype);
  Tensor out = detail::make_empty(final_shape(x, mask, keepdim), dtype);
  if (out.numel() == 1 && x.is_contiguous()) {  // everything into one value: split across cores
    detail::visit_compute(dtype, [&](auto tag) {
      using T = decltype(tag);
      *out.data_ptr<T>() = kernels::parallel_contiguous_sum(x.data_ptr<T>(), x.numel());
    });
    return out;
  }
  detail::fill_raw(out, 0);
  auto loop = reduction_loop(out, x, mask);
  detail::visit_compute(dtype, [&](auto tag) { kernels::sum_into<decltype(tag)>(loop); });
  return out;
}

template <bool IsMax>
Tensor extreme_raw(const Tensor& x, const DimMask& mask, bool keepdim) {
  const ScalarType c = detail::compute_dtype(x.scalar_type());
  if (c != x.scalar_type())  // the widened values have the same extremes
    return detail::convert(extreme_raw<IsMax>(detail::convert(x, c), mask, keepdim), x.scalar_type());
  DimVector kshape = keepdim_shape(x, mask);
  Tensor out = detail::make_empty(kshape, x.scalar_type());
  detail::visit_compute(x.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    T init;
    if constexpr (std::is_floating_point<T>::value)
      init = IsMax ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::infinity();
    else
      init = IsMax ? std::numeric_limits<T>::lowest() : std::numeric_limits<T>::max();
    detail::fill_raw(out, init);
    auto loop = detail::make_loop<2>(x.sizes(), {&out, &x});
    kernels::extreme_into<T, IsMax>(loop);
  });
  return reshape_raw(out, final_shape(x, mask, keepdim));
}

/// Values and indices of the max (or min) along `dim` (moved last and made contiguous first).
template <bool IsMax>
std::tuple<Tensor, Tensor> arg_extreme_raw(const Tensor& x, int64_t dim, bool keepdim) {
  const ScalarType c = detail::compute_dtype(x.scalar_type());
  if (c != x.scalar_type()) {
    auto [values, indices] = arg_extreme_raw<IsMax>(detail::convert(x, c), dim, keepdim);
    return {detail::convert(values, x.scalar_type()), indices};
  }
  DimMask mask(static_cast<size_t>(x.dim()), false);
  if (x.dim() > 0) mask[dim] = true;
  int64_t n = x.dim() == 0 ? 1 : x.size(dim);
  std::vector<int64_t> order;  // the other dims in order, then `dim`
  for (int64_t d = 0; d < x.dim(); ++d)
    if (d != dim) order.push_back(d);
  if (x.dim() > 0) order.push_back(dim);
  Tensor moved = x.dim() == 0 ? x : x.detach().permute(order);
  Tensor xc = detail::contiguous_raw(moved);
  int64_t rows = n == 0 ? 0 : xc.numel() / n;
  Tensor values = detail::make_empty({rows}, x.scalar_type());
  Tensor indices = detail::make_empty({rows}, kLong);
  detail::visit_compute(x.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    kernels::arg_extreme_rows<T, IsMax>(xc.data_ptr<T>(), rows, n, values.data_ptr<T>(), indices.data_ptr<int64_t>());
  });
  DimVector shape = final_shape(x, mask, false);
  values = reshape_raw(values, shape);
  indices = reshape_raw(indices, shape);
  if (keepdim && x.dim() > 0) {
    values = values.unsqueeze(dim);
    indices = indices.unsqueeze(dim);
  }
  return {values, indices};
}

/// The gradient of a reduction, reshaped to keepdim form and broadcast back over x's shape.
/// The reduced dims put back as size 1 (PyTorch's unsqueeze_multiple), when keepdim dropped them.
Tensor unsqueeze_reduced(const Tensor& g, const DimMask& mask, bool keepdim) {
  Tensor r = g;
  if (!keepdim)
    for (size_t d = 0; d < mask.size(); ++d)
      if (mask[d]) r = r.unsqueeze(static_cast<int64_t>(d));
  return r;
}

Tensor restore_reduced(const Tensor& g, IntArrayRef in_sizes, const DimMask& mask, bool keepdim) {
  return unsqueeze_reduced(g, mask, keepdim).expand(in_sizes);
}

ScalarType sum_dtype(const Tensor& x, std::optional<ScalarType> dtype) {
  if (dtype) return *dtype;
  return is_floating_point(x.scalar_type()) || x.is_complex() ? x.scalar_type() : kLong;
}

int64_t count_reduced(const Tensor& x, const DimMask& mask) {
  int64_t n = 1;
  for (size_t d = 0; d < mask.size(); ++d)
    if (mask[d]) n *= x.size(static_cast<int64_t>(d));
  return n;
}

}  // namespace

/// sum(x): the sum of all elements      d/dx = grad expanded to x's shape
Tensor sum(const Tensor& x, std::optional<ScalarType> dtype) {
  DimMask mask(static_cast<size_t>(x.dim()), true);
  DimVector in_sizes(x.sizes());
  return record("SumBackward0", sum_raw(x, mask, false, sum_dtype(x, dtype)), {x},
                [in_sizes](const Tensor& g) -> variable_list { return {g.expand(in_sizes)}; });
}

/// sum(x, dims, keepdim)      d/dx = grad with the reduced dims restored, expanded to x's shape
Tensor sum(const Tensor& x, IntArrayRef dim, bool keepdim, std::optional<ScalarType> dtype) {
  DimMask mask = reduced_mask(x, dim);
  DimVector in_sizes(x.sizes());
  return record("SumBackward1", sum_raw(x, mask, keepdim, sum_dtype(x, dtype)), {x},
                [in_sizes, mask, keepdim](const Tensor& g) -> variable_list {
                  return {restore_reduced(g, in_sizes, mask, keepdim)};
                });
}

namespace {
void check_mean_dtype(const Tensor& x, std::optional<ScalarType> dtype) {
  ScalarType t = dtype.value_or(x.scalar_type());
  XGRAD_CHECK(is_floating_point(t),
              "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. "
              "Got: {}",
              scalar_type_name(t));
}
}  // namespace

/// mean(x) = sum(x) / numel      d/dx = grad / numel, expanded      (an empty tensor gives nan)
Tensor mean(const Tensor& x, std::optional<ScalarType> dtype) {
  check_mean_dtype(x, dtype);
  DimMask mask(static_cast<size_t>(x.dim()), true);
  ScalarType t = dtype.value_or(x.scalar_type());
  int64_t n = x.numel();
  // float16/bfloat16: sum and divide in float32, round once (PyTorch's mean for them).
  const ScalarType c = detail::compute_dtype(t);
  Tensor s = sum_raw(detail::convert(x, t), mask, false, c);
  Tensor out = detail::make_empty({}, c);
  visit_floating(c, "mean", [&](auto tag) {
    using T = decltype(tag);
    *out.data_ptr<T>() = *s.data_ptr<T>() / static_cast<T>(n);
  });
  out = detail::convert(out, t);
  DimVector in_sizes(x.sizes());
  return record("MeanBackward0", out, {x},
                [in_sizes, n](const Tensor& g) -> variable_list { return {g.expand(in_sizes) / static_cast<double>(n)}; });
}

/// mean(x, dims, keepdim)      d/dx = grad / count, with the reduced dims restored
Tensor mean(const Tensor& x, IntArrayRef dim, bool keepdim, std::optional<ScalarType> dtype) {
  check_mean_dtype(x, dtype);
  DimMask mask = reduced_mask(x, dim);
  int64_t n = count_reduced(x, mask);
  const ScalarType t = dtype.value_or(x.scalar_type()), c = detail::compute_dtype(t);
  Tensor s = sum_raw(detail::convert(x, t), mask, keepdim, c);
  Tensor out = detail::make_empty(s.sizes(), s.scalar_type());
  detail::copy_raw(out, s);
  {
    NoGradGuard no_grad;
    out.div_(static_cast<double>(n));
  }
  out = detail::convert(out, t);
  DimVector in_sizes(x.sizes());
  return record("MeanBackward1", out, {x}, [in_sizes, mask, keepdim, n](const Tensor& g) -> variable_list {
    return {restore_reduced(g, in_sizes, mask, keepdim) / static_cast<double>(n)};
  });
}

namespace {
/// The gradient of a max/min over everything: shared evenly among the elements equal to it.
variable_list evenly_distribute(const Tensor& g, const Tensor& x, const Tensor& result) {
  Tensor mask = std::isnan(result.item<double>()) ? isnan(x) : eq(x, result);
  return {where(mask, g / sum(mask), zeros({}, g.scalar_type()))};
}
}  // namespace

/// max(x): the largest element (NaN if any)      d/dx = grad shared among the maximal elements
Tensor max(const Tensor& x) {
  XGRAD_CHECK(x.numel() > 0,
              "max(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with "
              "the 'dim' argument.");
  Tensor y = extreme_raw<true>(x, DimMask(static_cast<size_t>(x.dim()), true), false);
  return record("MaxBackward1", y, {x}, save(x, y), [](const Tensor& g, const Tensor& x, const Tensor& y) {
    return evenly_distribute(g, x, y);
  });
}

/// min(x): the smallest element (NaN if any)      d/dx = grad shared among the minimal elements
Tensor min(const Tensor& x) {
  XGRAD_CHECK(x.numel() > 0,
              "min(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with "
              "the 'dim' argument.");
  Tensor y = extreme_raw<false>(x, DimMask(static_cast<size_t>(x.dim()), true), false);
  return record("MinBackward1", y, {x}, save(x, y), [](const Tensor& g, const Tensor& x, const Tensor& y) {
    return evenly_distribute(g, x, y);
  });
}

namespace {
template <bool IsMax>
std::tuple<Tensor, Tensor> extreme_dim(const Tensor& x, int64_t dim, bool keepdim, const char* name, const char* node) {
  dim = maybe_wrap_dim(dim, x.dim());
  XGRAD_CHECK_T(IndexError, x.dim() == 0 || x.size(dim) > 0,
                "{}(): Expected reduction dim {} to have non-zero size.", name, dim);
  auto [values, indices] = arg_extreme_raw<IsMax>(x, dim, keepdim);
  DimVector in_sizes(x.sizes());
  ScalarType dt = x.scalar_type();
  values = record(node, values, {x}, save(indices), [in_sizes, dim, keepdim, dt](const Tensor& g, const Tensor& idx) {
    // The gradient goes to the chosen element of each slice (value_selecting_reduction_backward).
    Tensor gk = g, ik = idx;
    if (!keepdim && !in_sizes.empty()) {
      gk = g.unsqueeze(dim);
      ik = idx.unsqueeze(dim);
    }
    if (in_sizes.empty()) return variable_list{g};
    return variable_list{scatter_add(zeros(in_sizes, dt), dim, ik, gk)};
  });
  return {values, indices};
}
}  // namespace

/// max(x, dim, keepdim) -> (values, indices)      d/dx = grad placed at the indices      saves: indices
std::tuple<Tensor, Tensor> max(const Tensor& x, int64_t dim, bool keepdim) {
  return extreme_dim<true>(x, dim, keepdim, "max", "MaxBackward0");
}
/// min(x, dim, keepdim) -> (values, indices)      d/dx = grad placed at the indices      saves: indices
std::tuple<Tensor, Tensor> min(const Tensor& x, int64_t dim, bool keepdim) {
  return extreme_dim<false>(x, dim, keepdim, "min", "MinBackward0");
}

namespace {
template <bool IsMax>
Tensor amax_impl(const Tensor& x, IntArrayRef dim, bool keepdim, const char* name, const char* node) {
  DimMask mask = reduced_mask(x, dim);
  for (size_t d = 0; d < mask.size(); ++d)
    XGRAD_CHECK_T(IndexError, !mask[d] || x.size(static_cast<int64_t>(d)) > 0,
                  "{}(): Expected reduction dim {} to have non-zero size.", name, d);
  Tensor y = extreme_raw<IsMax>(x, mask, keepdim);
  DimVector in_sizes(x.sizes());
  return record(node, y, {x}, save(x, y), [in_sizes, mask, keepdim](const Tensor& g, const Tensor& x, const Tensor& y) {
    // Shared evenly among the elements equal to the extreme of their slice.
    Tensor yk = restore_reduced(y, in_sizes, mask, keepdim);
    Tensor m = eq(x, yk).to(g.scalar_type());
    std::vector<int64_t> dims;
    for (size_t d = 0; d < mask.size(); ++d)
      if (mask[d]) dims.push_back(static_cast<int64_t>(d));
    return variable_list{restore_reduced(g, in_sizes, mask, keepdim) * m / sum(m, dims, true)};
  });
}
}  // namespace

/// amax(x, dims, keepdim): the largest value over dims      d/dx = grad shared among the maxima
Tensor amax(const Tensor& x, IntArrayRef dim, bool keepdim) { return amax_impl<true>(x, dim, keepdim, "amax", "AmaxBackward0"); }
/// amin(x, dims, keepdim): the smallest value over dims      d/dx = grad shared among the minima
Tensor amin(const Tensor& x, IntArrayRef dim, bool keepdim) { return amax_impl<false>(x, dim, keepdim, "amin", "AminBackward0"); }

namespace {
template <bool IsMax>
Tensor arg_impl(const Tensor& x, std::optional<int64_t> dim, bool keepdim, const char* name) {
  XGRAD_CHECK(x.scalar_type() != kBool, "\"{}_cpu\" not implemented for 'Bool'", name);
  if (!dim) {
    XGRAD_CHECK(x.numel() > 0, "{}(): Expected reduction dim to be specified for input.numel() == 0.", name);
    Tensor idx = std::get<1>(arg_extreme_raw<IsMax>(detail::contiguous_raw(x).detach().reshape({-1}), 0, false));
    return keepdim ? idx.reshape(DimVector(static_cast<size_t>(x.dim()), 1)) : idx;
  }
  int64_t d = maybe_wrap_dim(*dim, x.dim());
  XGRAD_CHECK_T(IndexError, x.dim() == 0 || x.size(d) > 0, "{}(): Expected reduction dim {} to have non-zero size.",
                name, d);
  return std::get<1>(arg_extreme_raw<IsMax>(x, d, keepdim));
}
}  // namespace

Tensor argmax(const Tensor& x, std::optional<int64_t> dim, bool keepdim) { return arg_impl<true>(x, dim, keepdim, "argmax"); }
Tensor argmin(const Tensor& x, std::optional<int64_t> dim, bool keepdim) { return arg_impl<false>(x, dim, keepdim, "argmin"); }

/// logsumexp(x, dims) = m + log(sum(exp(x - m))), m = amax(x, dims) (0 where m is infinite)
/// d/dx = grad * exp(x - result)      saves: x, result
Tensor logsumexp(const Tensor& x_in, IntArrayRef dim, bool keepdim) {
  Tensor x = is_floating_point(x_in.scalar_type()) ? x_in : x_in.to(default_dtype());
  DimMask mask = reduced_mask(x, dim);
  std::vector<int64_t> dims;
  for (size_t d = 0; d < mask.size(); ++d)
    if (mask[d]) dims.push_back(static_cast<int64_t>(d));
  Tensor y;
  {
    NoGradGuard no_grad;
    Tensor xd = x.detach();
    Tensor m = x.numel() == 0 ? zeros(keepdim_shape(x, mask), x.scalar_type()) : amax(xd, dims, true);
    m = where(isfinite(m), m, zeros({}, m.scalar_type()));
    y = log(sum(exp(xd - m), dims, true)) + m;
    if (!keepdim) y = reshape(y, final_shape(x, mask, false)).clone();
  }
  return record("LogsumexpBackward0", y, {x}, save(x, y),
                [mask, keepdim](const Tensor& g, const Tensor& x, const Tensor& y) -> variable_list {
                  const bool keep = keepdim || x.dim() == 0;
                  return {unsqueeze_reduced(g, mask, keep) * exp(x - unsqueeze_reduced(y, mask, keep))};
                });
}

// ---- variance and standard deviation ------------------------------------------------------------

namespace {

/// The dims var/std fold: all of them for nullopt or an empty list (PyTorch 1.13's reading).
DimMask var_mask(const Tensor& x, const OptionalIntArrayRef& dim) {
  return dim.has_value() ? reduced_mask(x, *dim) : DimMask(static_cast<size_t>(x.dim()), true);
}

/// (var, mean) of x over mask, in x's dtype: sum (x - mean)^2 / max(0, N - correction), where N
/// counts the reduced elements (N - correction <= 0 gives inf, or NaN for no spread, as PyTorch).
/// Both passes accumulate in double, as ATen's Welford kernel does, so float32 results are
/// correctly rounded; std takes the square root before rounding to x's dtype.
std::tuple<Tensor, Tensor> var_mean_raw(const Tensor& x, const DimMask& mask, int64_t correction, bool keepdim,
                                        bool take_sqrt) {
  NoGradGuard no_grad;
  const int64_t n = count_reduced(x, mask);
  Tensor xd = detail::convert(x.detach(), kDouble);
  Tensor mean = sum_raw(xd, mask, /*keepdim=*/true, kDouble).div_(static_cast<double>(n));
  Tensor dev = xd - mean;
  Tensor var = sum_raw(dev * dev, mask, keepdim, kDouble).div_(static_cast<double>(std::max<int64_t>(0, n - correction)));
  if (take_sqrt) var = sqrt(var);
  if (!keepdim) mean = reshape_raw(mean, final_shape(x, mask, false));
  return {detail::convert(var, x.scalar_type()), detail::convert(mean, x.scalar_type())};
}

void check_var_dtype(const Tensor& x, const char* what) {
  XGRAD_CHECK(is_floating_point(x.scalar_type()), "{} only support floating point and complex dtypes", what);
}

/// PyTorch's var_backward: (2 / (N - correction)) * grad * (x - mean), grad with the reduced dims
/// put back; the mean over everything (MeanBackward0) when no dims were given. The scalar factor
/// is ATen's Scalar overload (MulBackward1), as in PyTorch's graph of a derivative of order 3.
Tensor var_backward(const Tensor& g, const Tensor& x, const DimMask& mask, bool all_dims, int64_t correction,
                    bool keepdim) {
  const int64_t dof = count_reduced(x, mask) - correction;
  std::vector<int64_t> dims;
  for (size_t d = 0; d < mask.size(); ++d)
    if (mask[d]) dims.push_back(static_cast<int64_t>(d));
  Tensor m = all_dims ? mean(x) : mean(x, dims, /*keepdim=*/true);
  // As ATen: a reduced grad is unsqueezed back only for named dims of an input of 2 or more dims
  // (a 0-d grad broadcasts as it is), which a second derivative's graph shows.
  const bool unsqueezed = keepdim || all_dims || x.dim() <= 1;
  return detail::mul_scalar_aten(unsqueeze_reduced(g, mask, unsqueezed), 2.0 / static_cast<double>(dof)) * (x - m);
}

/// PyTorch's std_backward: var_backward of grad / (2 std), taken as 0 where std is 0.
Tensor std_backward(const Tensor& g, const Tensor& x, const Tensor& result, const DimMask& mask, bool all_dims,
                    int64_t correction, bool keepdim) {
  Tensor gvar = masked_fill(g / detail::mul_scalar_aten(result, 2), result == 0, 0);  // MulBackward1 as ATen
  return var_backward(gvar, x, mask, all_dims, correction, keepdim);
}

/// PyTorch's mean_backward, the mean output's part of var_mean's gradient: grad spread evenly over
/// the reduced elements (the division recorded as ATen's DivBackward1).
Tensor mean_backward(const Tensor& g, const Tensor& x, const DimMask& mask, bool keepdim) {
  return detail::div_scalar_aten(restore_reduced(g, x.sizes(), mask, keepdim || x.dim() == 0),
                                 static_cast<double>(count_reduced(x, mask)));
}

/// PyTorch's var_mean_backward: var_backward of gvar plus mean_backward of gmean (either may be
/// undefined).
Tensor var_mean_backward(const Tensor& gvar, const Tensor& gmean, const Tensor& x, const DimMask& mask, bool all_dims,
                         int64_t correction, bool keepdim) {
  Tensor gx;
  if (gvar.defined()) gx = var_backward(gvar, x, mask, all_dims, correction, keepdim);
  if (gmean.defined()) {
    Tensor gm = mean_backward(gmean, x, mask, keepdim);
    gx = gx.defined() ? gx + gm : gm;
  }
  return gx;
}

std::tuple<Tensor, Tensor> var_mean_impl(const Tensor& x, const OptionalIntArrayRef& dim,
                                         std::optional<int64_t> correction_opt, bool keepdim, bool take_sqrt,
                                         const char* name, const char* node) {
  check_var_dtype(x, name);
  const DimMask mask = var_mask(x, dim);
  const bool all_dims = !dim.has_value();
  const int64_t correction = correction_opt.value_or(1);
  auto [y, m] = var_mean_raw(x, mask, correction, keepdim, take_sqrt);
  auto out = autograd::record_multi(
      node, {y, m}, {x}, save(x, y),
      [mask, all_dims, correction, keepdim, take_sqrt](const variable_list& grads, const Tensor& x, const Tensor& y) {
        if (!take_sqrt) return variable_list{var_mean_backward(grads[0], grads[1], x, mask, all_dims, correction, keepdim)};
        // PyTorch's std_mean_backward: std_backward plus mean_backward.
        Tensor gx;
        if (grads[0].defined()) gx = std_backward(grads[0], x, y, mask, all_dims, correction, keepdim);
        if (grads[1].defined()) {
          Tensor gm = mean_backward(grads[1], x, mask, keepdim);
          gx = gx.defined() ? gx + gm : gm;
        }
        return variable_list{gx};
      });
  return {out[0], out[1]};
}

Tensor var_impl(const Tensor& x, const OptionalIntArrayRef& dim, std::optional<int64_t> correction_opt, bool keepdim,
                bool take_sqrt) {
  check_var_dtype(x, "std and var");
  const DimMask mask = var_mask(x, dim);
  const bool all_dims = !dim.has_value();
  const int64_t correction = correction_opt.value_or(1);
  Tensor y = std::get<0>(var_mean_raw(x, mask, correction, keepdim, take_sqrt));
  if (take_sqrt)
    return record("StdBackward0", y, {x}, save(x, y),
                  [mask, all_dims, correction, keepdim](const Tensor& g, const Tensor& x, const Tensor& y) {
                    return variable_list{std_backward(g, x, y, mask, all_dims, correction, keepdim)};
                  });
  return record("VarBackward0", y, {x}, save(x), [mask, all_dims, correction, keepdim](const Tensor& g, const Tensor& x) {
    return variable_list{var_backward(g, x, mask, all_dims, correction, keepdim)};
  });
}

}  // namespace

Tensor detail::var_mean_backward(const Tensor& gvar, const Tensor& gmean, const Tensor& x, IntArrayRef dims,
                                 int64_t correction, bool keepdim) {
  return xgrad::var_mean_backward(gvar, gmean, x, reduced_mask(x, dims), /*all_dims=*/false, correction, keepdim);
}

/// var(x, dims, correction, keepdim) = sum (x - mean)^2 / (N - correction), N the count of reduced
/// elements      d/dx = 2 / (N - correction) * grad * (x - mean)      saves: x
Tensor var(const Tensor& x, OptionalIntArrayRef dim, std::optional<int64_t> correction, bool keepdim) {
  return var_impl(x, dim, correction, keepdim, false);
}
Tensor var(const Tensor& x, OptionalIntArrayRef dim, bool unbiased, bool keepdim) {
  return var_impl(x, dim, unbiased ? 1 : 0, keepdim, false);
}
Tensor var(const Tensor& x, bool unbiased) { return var_impl(x, std::nullopt, unbiased ? 1 : 0, false, false); }

/// std(x, ...) = sqrt(var(x, ...))      d/dx = var's gradient of grad / (2 std) (0 where std = 0)
/// saves: x, result
Tensor std(const Tensor& x, OptionalIntArrayRef dim, std::optional<int64_t> correction, bool keepdim) {
  return var_impl(x, dim, correction, keepdim, true);
}
Tensor std(const Tensor& x, OptionalIntArrayRef dim, bool unbiased, bool keepdim) {
  return var_impl(x, dim, unbiased ? 1 : 0, keepdim, true);
}
Tensor std(const Tensor& x, bool unbiased) { return var_impl(x, std::nullopt, unbiased ? 1 : 0, false, true); }

/// var_mean(x, ...) = (var(x, ...), mean(x, dims)) from one node      d/dx = var's gradient +
/// grad_mean / N      saves: x, var
std::tuple<Tensor, Tensor> var_mean(const Tensor& x, OptionalIntArrayRef dim, std::optional<int64_t> correction,
                                    bool keepdim) {
  return var_mean_impl(x, dim, correction, keepdim, false, "var_mean", "VarMeanBackward0");
}
std::tuple<Tensor, Tensor> var_mean(const Tensor& x, OptionalIntArrayRef dim, bool unbiased, bool keepdim) {
  return var_mean_impl(x, dim, unbiased ? 1 : 0, keepdim, false, "var_mean", "VarMeanBackward0");
}
std::tuple<Tensor, Tensor> var_mean(const Tensor& x, bool unbiased) {
  return var_mean_impl(x, std::nullopt, unbiased ? 1 : 0, false, false, "var_mean", "VarMeanBackward0");
}

/// std_mean(x, ...) = (std(x, ...), mean(x, dims)) from one node      saves: x, std
std::tuple<Tensor, Tensor> std_mean(const Tensor& x, OptionalIntArrayRef dim, std::optional<int64_t> correction,
                                    bool keepdim) {
  return var_mean_impl(x, dim, correction, keepdim, true, "std_mean", "StdMeanBackward0");
}
std::tuple<Tensor, Tensor> std_mean(const Tensor& x, OptionalIntArrayRef dim, bool unbiased, bool keepdim) {
  return var_mean_impl(x, dim, unbiased ? 1 : 0, keepdim, true, "std_mean", "StdMeanBackward0");
}
std::tuple<Tensor, Tensor> std_mean(const Tensor& x, bool unbiased) {
  return var_mean_impl(x, std::nullopt, unbiased ? 1 : 0, false, true, "std_mean", "StdMeanBackward0");
}

// all/any give bool, except for uint8 input, which gives uint8 (PyTorch keeps this legacy rule).
Tensor all(const Tensor& x) {
  Tensor b = detail::contiguous_raw(detail::convert(x, kBool));
  return scalar_tensor(kernels::all_true(b.data_ptr<bool>(), b.numel()), x.scalar_type() == kByte ? kByte : kBool);
}

Tensor any(const Tensor& x) {
  Tensor b = detail::contiguous_raw(detail::convert(x, kBool));
  return scalar_tensor(kernels::any_true(b.data_ptr<bool>(), b.numel()), x.scalar_type() == kByte ? kByte : kBool);
}

}  // namespace xgrad
