// pointwise.hpp (internal): running an elementwise lambda over tensors, for the forward of the
// ops in elementwise.cpp and activation.cpp. These never record; the op records afterwards.
// Read next: elementwise.cpp.
#pragma once

#include "kernels/elementwise.hpp"
#include "kernels/simd_math.hpp"
#include "ops/op_utils.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad::detail {

/// f(x) elementwise for any dtype, computed and returned in `dtype`.
template <class F>
Tensor map_all(const Tensor& x, ScalarType dtype, F&& f) {
  Tensor xc = convert(x, dtype);
  Tensor out = make_empty(x.sizes(), dtype);
  auto loop = make_loop<2>(out.sizes(), {&out, &xc});
  visit_dtype(dtype, [&](auto tag) {
    using T = decltype(tag);
    kernels::unary<T, T>(loop, f);
  });
  return out;
}

/// f(x) for floating maths (exp, log, ...): an integer or bool input computes in float32, as in
/// PyTorch.
template <class F>
Tensor map_floating(const Tensor& x, F&& f) {
  ScalarType dtype = is_floating_point(x.scalar_type()) ? x.scalar_type() : default_dtype();
  Tensor xc = convert(x, dtype);
  Tensor out = make_empty(x.sizes(), dtype);
  auto loop = make_loop<2>(out.sizes(), {&out, &xc});
  visit_floating(dtype, "map", [&](auto tag) {
    using T = decltype(tag);
    kernels::unary<T, T>(loop, f);
  });
  return out;
}

/// f(a, b) with broadcasting; Out is void for "the compute dtype" or bool (comparisons).
template <class Out, class F>
Tensor zip_impl(const Tensor& a, const Tensor& b, ScalarType compute, F&& f) {
  Tensor ac = convert(a, compute), bc = convert(b, compute);
  DimVector shape = a.sizes().equals(b.sizes()) ? DimVector(a.sizes()) : infer_size(a.sizes(), b.sizes());
  Tensor out = make_empty(shape, std::is_same<Out, bool>::value ? kBool : compute);
  auto loop = make_loop<3>(shape, {&out, &ac, &bc});
  visit_dtype(compute, [&](auto tag) {
    using T = decltype(tag);
    kernels::binary<std::conditional_t<std::is_same<Out, bool>::value, bool, T>, T>(loop, f);
  });
  return out;
}
/// f(a, b) with broadcasting, computed and returned in `compute`.
template <class F>
Tensor zip(const Tensor& a, const Tensor& b, ScalarType compute, F&& f) {
  return zip_impl<void>(a, b, compute, std::forward<F>(f));
}
/// f(a, b) with broadcasting for floating maths only (`compute` must be float or double).
template <class F>
Tensor zip_floating(const Tensor& a, const Tensor& b, ScalarType compute, F&& f) {
  Tensor ac = convert(a, compute), bc = convert(b, compute);
  DimVector shape = a.sizes().equals(b.sizes()) ? DimVector(a.sizes()) : infer_size(a.sizes(), b.sizes());
  Tensor out = make_empty(shape, compute);
  auto loop = make_loop<3>(shape, {&out, &ac, &bc});
  visit_floating(compute, "zip", [&](auto tag) {
    using T = decltype(tag);
    kernels::binary<T, T>(loop, f);
  });
  return out;
}
/// A comparison f(a, b) with broadcasting, computed in `compute`, returning a bool tensor.
template <class F>
Tensor compare(const Tensor& a, const Tensor& b, ScalarType compute, F&& f) {
  return zip_impl<bool>(a, b, compute, std::forward<F>(f));
}

/// f(x) written into x itself (the raw part of an in-place op); x keeps its dtype.
template <class F>
void map_inplace(const Tensor& x, F&& f) {
  auto loop = make_loop<2>(x.sizes(), {&x, &x});
  visit_dtype(x.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    kernels::unary<T, T>(loop, f);
  });
}

}  // namespace xgrad::detail
