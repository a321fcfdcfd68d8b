// rounding.cpp: rounding to an integral value, elementwise: round (to nearest, halves to even),
// floor, ceil and trunc. Each is a step function, so its derivative is zero wherever it exists
// (PyTorch gives zeros). Integer tensors are already integral and come back as a copy, bool and
// float16 are PyTorch's "not implemented" errors. Read next: division.cpp.
#include "ops/pointwise.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/ops/elementwise.hpp"

namespace xgrad {

using autograd::record;
using autograd::variable_list;

namespace {

/// f(x) for a floating x (float16 refused, bfloat16 computed in float32), a copy of an integer x;
/// recorded as `node` with a zero gradient.
template <class F>
Tensor rounding(const char* node, const char* kernel, const Tensor& x, F&& f) {
  const ScalarType dtype = x.scalar_type();
  XGRAD_CHECK(dtype != kBool && dtype != kHalf, "\"{}\" not implemented for '{}'", kernel, scalar_type_name(dtype));
  if (isIntegralType(dtype, false)) return detail::contiguous_raw(x, /*force=*/true);
  Tensor y = detail::map_floating(x, {kernel, false, true}, std::forward<F>(f));
  return record(node, y, {x}, [](const Tensor& g) -> variable_list { return {zeros_like(g)}; });
}

}  // namespace

/// round(x): the nearest integer, halves to even (round(2.5) = 2)      d/dx = 0
Tensor round(const Tensor& x) {
  return rounding("RoundBackward0", "round_vml_cpu", x, [](auto v) { return xsimd::nearbyint(v); });
}

/// floor(x): the largest integer <= x      d/dx = 0
Tensor floor(const Tensor& x) {
  return rounding("FloorBackward0", "floor_vml_cpu", x, [](auto v) { return xsimd::floor(v); });
}

/// ceil(x): the smallest integer >= x      d/dx = 0
Tensor ceil(const Tensor& x) {
  return rounding("CeilBackward0", "ceil_vml_cpu", x, [](auto v) { return xsimd::ceil(v); });
}

/// trunc(x): x rounded toward zero      d/dx = 0
Tensor trunc(const Tensor& x) {
  return rounding("TruncBackward0", "trunc_vml_cpu", x, [](auto v) { return xsimd::trunc(v); });
}

}  // namespace xgrad
