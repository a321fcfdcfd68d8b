// pointwise.hpp (internal): running an elementwise lambda over tensors, for the forward of the
// ops in elementwise.cpp and activation.cpp. These never record; the op records afterwards.
//
// Note [Compute dtypes]
// Kernels are instantiated for four compute types only: bool, int64, float and double. A result
// of another dtype is computed in its compute type and converted back:
//   - uint8, int8, int16, int32 compute in int64. Their wrapping arithmetic (+, -, *, powers) is
//     int64's with the high bits dropped, and comparisons and min/max of the widened values are
//     the same, so the result is PyTorch's bit for bit;
//   - float16 and bfloat16 compute in float32 and round once at the end, which is what PyTorch's
//     CPU kernels do for them (c10::Half arithmetic is float arithmetic).
// Operands are first converted to the result dtype (so a Scalar 1000 added to an int8 tensor is
// -24 before the addition, and 0.1 times a bfloat16 tensor multiplies by bfloat16(0.1)), then
// widened, which is exact. The rare dtypes pay two extra passes over memory; the common ones
// none, and the library compiles each kernel four times rather than ten.
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
  const ScalarType c = compute_dtype(dtype);
  Tensor xc = to_compute(x, dtype);
  Tensor out = make_empty(x.sizes(), c);
  auto loop = make_loop<2>(out.sizes(), {&out, &xc});
  visit_compute(c, [&](auto tag) {
    using T = decltype(tag);
    kernels::unary<T, T>(loop, f);
  });
  return convert(out, dtype);
}

/// The floating dtype a floating op (exp, log, ...) computes and returns for x: x's own dtype
/// when floating or complex (which the kernels then refuse, never dropping the imaginary part),
/// else the default dtype, as in PyTorch.
inline ScalarType floating_result(ScalarType t) { return isFloatingType(t) || isComplexType(t) ? t : default_dtype(); }

/// Which of float16 and bfloat16 a PyTorch 1.13 CPU kernel accepts, and its name for the error
/// ("\"exp_vml_cpu\" not implemented for 'Half'").
struct Kernel {
  const char* name;
  bool half = false;
  bool bfloat16 = false;
};
/// Throws PyTorch's error when `kernel` does not accept `dtype` (float32 and float64 always pass;
/// other dtypes are checked by the caller).
inline void check_kernel(const Kernel& kernel, ScalarType dtype) {
  if ((dtype == kHalf && !kernel.half) || (dtype == kBFloat16 && !kernel.bfloat16))
    throw Error(fmt::format("\"{}\" not implemented for '{}'", kernel.name, scalar_type_name(dtype)));
}

/// f(x) for floating maths (exp, log, ...): an integer or bool input computes in the default dtype,
/// as in PyTorch; float16/bfloat16 where `kernel` accepts them, in float32 (Note [Compute dtypes]).
template <class F>
Tensor map_floating(const Tensor& x, const Kernel& kernel, F&& f) {
  const ScalarType dtype = floating_result(x.scalar_type());
  check_kernel(kernel, dtype);
  const ScalarType c = compute_dtype(dtype);
  Tensor xc = to_compute(x, dtype);
  Tensor out = make_empty(x.sizes(), c);
  auto loop = make_loop<2>(out.sizes(), {&out, &xc});
  visit_floating(c, kernel.name, [&](auto tag) {
    using T = decltype(tag);
    kernels::unary<T, T>(loop, f);
  });
  return convert(out, dtype);
}

/// f(a, b) with broadcasting; Out is void for "the compute dtype" or bool (comparisons); Simd
/// false when f takes plain values only.
template <class Out, bool Simd = true, class F>
Tensor zip_impl(const Tensor& a, const Tensor& b, ScalarType dtype, F&& f) {
  const ScalarType c = compute_dtype(dtype);
  Tensor ac = to_compute(a, dtype), bc = to_compute(b, dtype);
  DimVector shape = a.sizes().equals(b.sizes()) ? DimVector(a.sizes()) : infer_size(a.sizes(), b.sizes());
  Tensor out = make_empty(shape, std::is_same<Out, bool>::value ? kBool : c);
  auto loop = make_loop<3>(shape, {&out, &ac, &bc});
  visit_compute(c, [&](auto tag) {
    using T = decltype(tag);
    kernels::binary<std::conditional_t<std::is_same<Out, bool>::value, bool, T>, T, Simd>(loop, f);
  });
  return std::is_same<Out, bool>::value ? out : convert(out, dtype);
}
/// As zip, for an f written for plain values only (no SIMD batches).
template <class F>
Tensor zip_scalar(const Tensor& a, const Tensor& b, ScalarType dtype, F&& f) {
  return zip_impl<void, false>(a, b, dtype, std::forward<F>(f));
}
/// f(a, b) with broadcasting, computed and returned in `dtype`.
template <class F>
Tensor zip(const Tensor& a, const Tensor& b, ScalarType dtype, F&& f) {
  return zip_impl<void>(a, b, dtype, std::forward<F>(f));
}
/// f(a, b) with broadcasting for floating maths only (`dtype` must be floating; float16/bfloat16
/// where `kernel` accepts them).
template <class F>
Tensor zip_floating(const Tensor& a, const Tensor& b, ScalarType dtype, const Kernel& kernel, F&& f) {
  check_kernel(kernel, dtype);
  const ScalarType c = compute_dtype(dtype);
  Tensor ac = to_compute(a, dtype), bc = to_compute(b, dtype);
  DimVector shape = a.sizes().equals(b.sizes()) ? DimVector(a.sizes()) : infer_size(a.sizes(), b.sizes());
  Tensor out = make_empty(shape, c);
  auto loop = make_loop<3>(shape, {&out, &ac, &bc});
  visit_floating(c, kernel.name, [&](auto tag) {
    using T = decltype(tag);
    kernels::binary<T, T>(loop, f);
  });
  return convert(out, dtype);
}
/// A comparison f(a, b) with broadcasting, computed in `dtype`, returning a bool tensor.
template <class F>
Tensor compare(const Tensor& a, const Tensor& b, ScalarType dtype, F&& f) {
  return zip_impl<bool>(a, b, dtype, std::forward<F>(f));
}

/// f(x) written into x itself (the raw part of an in-place op); x keeps its dtype.
template <class F>
void map_inplace(const Tensor& x, F&& f) {
  const ScalarType dtype = x.scalar_type(), c = compute_dtype(dtype);
  if (c != dtype) {
    copy_raw(x, map_all(x, dtype, std::forward<F>(f)));
    return;
  }
  auto loop = make_loop<2>(x.sizes(), {&x, &x});
  visit_compute(c, [&](auto tag) {
    using T = decltype(tag);
    kernels::unary<T, T>(loop, f);
  });
}

}  // namespace xgrad::detail
