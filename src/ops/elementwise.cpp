// elementwise.cpp: arithmetic and unary maths. Each op: compute the result with a pointwise
// kernel, then record its node; the `///` line above each op gives the forward, the derivative,
// and what backward needs (saves). Gradients are written with these same ops, so they can be
// differentiated again (double backward). Broadcast gradients are reduced by the engine
// (Note [Broadcasting and gradients]). Read next: activation.cpp.
#include "xgrad/ops/elementwise.hpp"

#include <cmath>

#include "ops/complex.hpp"
#include "ops/pointwise.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/ops/indexing.hpp"
#include "xgrad/ops/reduction.hpp"

namespace xgrad {

using autograd::needs_input_grad;
using autograd::record;
using autograd::save;
using autograd::variable_list;
using kernels::lit;
using kernels::vfma;
using kernels::visnan;
using kernels::vselect;

// ---- type promotion ---------------------------------------------------------------------------

namespace {
// PyTorch's rule: a dimensioned tensor's type wins within its category (bool < integer < float <
// complex); 0-d tensors and then Python scalars only raise the category (combine_categories).
// A complex lower over a floating higher keeps the higher's width: float64 + 1j is complex128.
std::optional<ScalarType> combine(std::optional<ScalarType> higher, std::optional<ScalarType> lower) {
  if (!higher) return lower;
  if (!lower || isComplexType(*higher)) return higher;
  if (isComplexType(*lower)) return is_floating_point(*higher) ? toComplexType(*higher) : *lower;
  if (is_floating_point(*higher)) return higher;
  if (*higher == kBool || is_floating_point(*lower)) return promote_types(*higher, *lower);
  return higher;
}
void add_operand(const Tensor& t, std::optional<ScalarType>& dim_result, std::optional<ScalarType>& zero_result) {
  auto& slot = t.dim() == 0 ? zero_result : dim_result;
  slot = slot ? promote_types(*slot, t.scalar_type()) : t.scalar_type();
}
}  // namespace

using detail::floating_result;

ScalarType result_type(const Tensor& a, const Tensor& b) {
  std::optional<ScalarType> dim_result, zero_result;
  add_operand(a, dim_result, zero_result);
  add_operand(b, dim_result, zero_result);
  return *combine(dim_result, zero_result);
}

ScalarType result_type(const Tensor& a, const Scalar& b) {
  std::optional<ScalarType> dim_result, zero_result;
  add_operand(a, dim_result, zero_result);
  return *combine(dim_result, combine(zero_result, detail::wrapped_number_type(b)));
}

// ---- arithmetic -------------------------------------------------------------------------------

namespace {
/// PyTorch's alpha_check, then alpha in the result dtype (c10's checked conversion: an int8 add
/// with alpha=300 throws "value cannot be converted to type int8_t without overflow").
Scalar checked_alpha(ScalarType dtype, const Scalar& alpha) {
  XGRAD_CHECK(!alpha.isBoolean() || dtype == kBool, "Boolean alpha only supported for Boolean results.");
  XGRAD_CHECK(isFloatingType(dtype) || isComplexType(dtype) || alpha.isIntegral(true),
              "For integral input tensors, argument alpha must not be a floating point number.");
  XGRAD_CHECK(isComplexType(dtype) || !alpha.isComplex(),
              "For non-complex input tensors, argument alpha must not be a complex number.");
  return detail::checked_scalar_in(alpha, dtype);
}
bool is_one(const Scalar& alpha) { return !alpha.isFloatingPoint() ? alpha.toLong() == 1 : alpha.toDouble() == 1; }
void check_sub(const Tensor& a, ScalarType other) {
  XGRAD_CHECK(!(a.scalar_type() == kBool && other == kBool),
              "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
              "`logical_xor()` operator instead.");
  XGRAD_CHECK(a.scalar_type() != kBool && other != kBool,
              "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a "
              "mask, use the `~` or `logical_not()` operator instead.");
}
/// x + alpha * y in the compute type: one fused multiply-add for floating types (as PyTorch's
/// vectorised add kernel; exact x + y when alpha is 1), wrapping integer arithmetic otherwise.
template <class V>
V add_scaled(const V& x, const V& y, const Scalar& alpha) {
  if constexpr (std::is_floating_point<kernels::scalar_of_t<V>>::value)
    return vfma(y, lit(y, alpha), x);
  else
    return x + y * lit(y, alpha);
}
// The kernels of add, sub, rsub and mul as named function objects, so each is compiled once and
// shared (a lambda per call site would be a kernel per call site).
struct AddScaled {  // x + alpha * y
  Scalar alpha;
  template <class V> V operator()(const V& x, const V& y) const { return add_scaled(x, y, alpha); }
};
struct AddScaledNumber {  // x + alpha * v
  Scalar v, alpha;
  template <class V> V operator()(const V& x) const { return add_scaled(x, lit(x, v), alpha); }
};
struct NumberAddScaled {  // v + alpha * x
  Scalar v, alpha;
  template <class V> V operator()(const V& x) const { return add_scaled(lit(x, v), x, alpha); }
};
struct MulNumber {  // x * v
  Scalar v;
  template <class V> V operator()(const V& x) const {
    if constexpr (std::is_same<V, bool>::value)
      return x && lit(x, v);
    else
      return x * lit(x, v);
  }
};
/// a + alpha * b in `dtype` (alpha already checked). float16 rounds alpha * b to float16 before the
/// addition, as c10::Half arithmetic does in PyTorch's kernel.
Tensor add_raw(const Tensor& a, const Tensor& b, const Scalar& alpha, ScalarType dtype) {
  if (dtype == kHalf && !is_one(alpha)) return detail::zip(a, detail::map_all(b, dtype, MulNumber{alpha}), dtype, AddScaled{1});
  return detail::zip(a, b, dtype, AddScaled{alpha});
}
/// a + alpha * s for a number s, as PyTorch's add of a wrapped number (s and alpha in `dtype`).
Tensor add_scalar_raw(const Tensor& a, const Scalar& s, const Scalar& alpha, ScalarType dtype) {
  Scalar v = detail::scalar_in(s, dtype);
  if (dtype == kHalf && !is_one(alpha))  // float16: alpha * s rounded first
    return detail::map_all(a, dtype, AddScaledNumber{detail::scalar_in(Scalar(v.toDouble() * alpha.toDouble()), kHalf), 1});
  return detail::map_all(a, dtype, AddScaledNumber{v, alpha});
}
}  // namespace

/// add(a, b, alpha) = a + alpha * b      d/da = grad, d/db = alpha * grad
Tensor add(const Tensor& a, const Tensor& b, const Scalar& alpha) {
  ScalarType dtype = result_type(a, b);
  Scalar al = checked_alpha(dtype, alpha);
  if (isComplexType(dtype)) return detail::complex_add(a, b, al, dtype);
  return record("AddBackward0", add_raw(a, b, al, dtype), {a, b}, [alpha](const Tensor& g) -> variable_list {
    return {g, needs_input_grad(1) ? (alpha.toDouble() == 1 ? g : g * alpha) : Tensor()};
  });
}

Tensor add(const Tensor& a, const Scalar& b, const Scalar& alpha) {
  ScalarType dtype = result_type(a, b);
  if (isComplexType(dtype)) return detail::complex_add(a, detail::complex_scalar(b, dtype), checked_alpha(dtype, alpha), dtype);
  Tensor out = add_scalar_raw(a, b, checked_alpha(dtype, alpha), dtype);
  return record("AddBackward0", out, {a}, [](const Tensor& g) -> variable_list { return {g}; });
}

/// sub(a, b, alpha) = a - alpha * b      d/da = grad, d/db = -alpha * grad
Tensor sub(const Tensor& a, const Tensor& b, const Scalar& alpha) {
  check_sub(a, b.scalar_type());
  ScalarType dtype = result_type(a, b);
  if (isComplexType(dtype)) return detail::complex_add(a, b, checked_alpha(dtype, -alpha), dtype);
  return record("SubBackward0", add_raw(a, b, checked_alpha(dtype, -alpha), dtype), {a, b},
                [alpha](const Tensor& g) -> variable_list {
                  return {g, needs_input_grad(1) ? (alpha.toDouble() == 1 ? -g : g * -alpha) : Tensor()};
                });
}

Tensor sub(const Tensor& a, const Scalar& b, const Scalar& alpha) {
  check_sub(a, detail::wrapped_number_type(b));
  ScalarType dtype = result_type(a, b);
  if (isComplexType(dtype)) return detail::complex_add(a, detail::complex_scalar(b, dtype), checked_alpha(dtype, -alpha), dtype);
  Tensor out = add_scalar_raw(a, -b, checked_alpha(dtype, alpha), dtype);
  return record("SubBackward0", out, {a}, [](const Tensor& g) -> variable_list { return {g}; });
}

/// rsub(a, b, alpha) = b - alpha * a      d/da = -alpha * grad       (Python's `1 - x`)
Tensor rsub(const Tensor& a, const Scalar& b, const Scalar& alpha) {
  check_sub(a, detail::wrapped_number_type(b));
  ScalarType dtype = result_type(a, b);
  if (isComplexType(dtype)) return detail::complex_add(detail::complex_scalar(b, dtype), a, checked_alpha(dtype, -alpha), dtype);
  Scalar bv = detail::scalar_in(b, dtype), av = checked_alpha(dtype, -alpha);
  Tensor out = dtype == kHalf && !is_one(alpha)  // float16: alpha * a rounded first
                   ? detail::map_all(detail::map_all(a, dtype, MulNumber{av}), dtype, NumberAddScaled{bv, 1})
                   : detail::map_all(a, dtype, NumberAddScaled{bv, av});
  Scalar neg_alpha = -alpha;
  return record("RsubBackward1", out, {a}, [neg_alpha](const Tensor& g) -> variable_list { return {g * neg_alpha}; });
}

/// mul(a, b) = a * b      d/da = grad * b, d/db = grad * a      saves: a, b
Tensor mul(const Tensor& a, const Tensor& b) {
  if (isComplexType(result_type(a, b))) return detail::complex_mul(a, b, result_type(a, b));
  Tensor out = detail::zip(a, b, result_type(a, b), [](auto x, auto y) { return x * y; });
  return record("MulBackward0", out, {a, b}, save(a, b), [](const Tensor& g, const Tensor& a, const Tensor& b) {
    return variable_list{needs_input_grad(0) ? g * b : Tensor(), needs_input_grad(1) ? g * a : Tensor()};
  });
}

Tensor mul(const Tensor& a, const Scalar& b) {
  ScalarType dtype = result_type(a, b);
  if (isComplexType(dtype)) return detail::complex_mul(a, detail::complex_scalar(b, dtype), dtype);
  Scalar s = detail::scalar_in(b, dtype);
  Tensor out = detail::map_all(a, dtype, MulNumber{s});
  return record("MulBackward0", out, {a}, [s](const Tensor& g) -> variable_list { return {g * s}; });
}

/// div(a, b) = a / b (true division)      d/da = grad / b, d/db = -grad * ((a / b) / b)      saves: a, b
Tensor div(const Tensor& a, const Tensor& b) {
  if (isComplexType(result_type(a, b))) return detail::complex_div(a, b, result_type(a, b));
  Tensor out = detail::zip(a, b, floating_result(result_type(a, b)), [](auto x, auto y) { return x / y; });
  return record("DivBackward0", out, {a, b}, save(a, b), [](const Tensor& g, const Tensor& a, const Tensor& b) {
    return variable_list{needs_input_grad(0) ? g / b : Tensor(), needs_input_grad(1) ? -g * ((a / b) / b) : Tensor()};
  });
}

Tensor div(const Tensor& a, const Scalar& b) {
  ScalarType dtype = floating_result(result_type(a, b));
  if (isComplexType(dtype)) return detail::complex_div(a, detail::complex_scalar(b, dtype), dtype);
  Scalar s = detail::scalar_in(b, dtype);
  Tensor out = detail::map_all(a, dtype, [s](auto x) { return x / lit(x, s); });
  return record("DivBackward0", out, {a}, [s](const Tensor& g) -> variable_list { return {g / s}; });
}

/// neg(x) = -x      d/dx = -grad
Tensor neg(const Tensor& x) {
  XGRAD_CHECK(x.scalar_type() != kBool,
              "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use "
              "the `~` or `logical_not()` operator instead.");
  Tensor out = detail::map_all(x, x.scalar_type(), [](auto v) { return -v; });
  return record("NegBackward0", out, {x}, [](const Tensor& g) -> variable_list { return {-g}; });
}

// ---- unary maths ------------------------------------------------------------------------------

/// exp(x)      d/dx = grad * exp(x)      saves: result
Tensor exp(const Tensor& x) {
  Tensor y = detail::map_floating(x, {"exp_vml_cpu", false, true}, [](auto v) { return xsimd::exp(v); });
  return record("ExpBackward0", y, {x}, save(y), [](const Tensor& g, const Tensor& y) -> variable_list { return {g * y}; });
}

/// log(x)      d/dx = grad / x      saves: x
Tensor log(const Tensor& x) {
  Tensor y = detail::map_floating(x, {"log_vml_cpu", false, true}, [](auto v) { return xsimd::log(v); });
  return record("LogBackward0", y, {x}, save(x), [](const Tensor& g, const Tensor& x) -> variable_list { return {g / x}; });
}

/// log1p(x) = log(1 + x), accurate near 0      d/dx = grad / (x + 1)      saves: x
Tensor log1p(const Tensor& x) {
  Tensor y = detail::map_floating(x, {"log1p_vml_cpu", false, true}, [](auto v) { return xsimd::log1p(v); });
  return record("Log1PBackward0", y, {x}, save(x),
                [](const Tensor& g, const Tensor& x) -> variable_list { return {g / detail::add_scalar_aten(x, 1)}; });
}

/// sqrt(x)      d/dx = grad / (2 * sqrt(x))      saves: result
Tensor sqrt(const Tensor& x) {
  Tensor y = detail::map_floating(x, {"sqrt_vml_cpu", false, true}, [](auto v) { return xsimd::sqrt(v); });
  return record("SqrtBackward0", y, {x}, save(y),
                [](const Tensor& g, const Tensor& y) -> variable_list { return {g / detail::mul_scalar_aten(y, 2)}; });
}

/// rsqrt(x) = 1 / sqrt(x)      d/dx = -0.5 * grad * rsqrt(x)^3      saves: result
Tensor rsqrt(const Tensor& x) {
  Tensor y = detail::map_floating(x, {"rsqrt_cpu", false, true}, [](auto v) { return lit(v, 1.0) / xsimd::sqrt(v); });
  return record("RsqrtBackward0", y, {x}, save(y), [](const Tensor& g, const Tensor& y) -> variable_list {
    return {detail::mul_scalar_aten(g, -0.5) * pow(y, 3)};
  });
}

/// sgn(x): sign(x) for real dtypes, recorded as PyTorch's SgnBackward0 (abs's and norm's
/// derivatives use sgn, so a create_graph gradient of abs shows it)      d/dx = 0
Tensor sgn(const Tensor& x) {
  Tensor y;
  {
    NoGradGuard no_grad;
    y = sign(x);
  }
  return record("SgnBackward0", y, {x}, [](const Tensor& g) -> variable_list { return {zeros_like(g)}; });
}

/// abs(x) = |x|      d/dx = grad * sgn(x)      saves: x
Tensor abs(const Tensor& x) {
  if (x.is_complex()) return detail::complex_abs(x);
  XGRAD_CHECK(x.scalar_type() != kBool, "\"abs_cpu\" not implemented for 'Bool'");
  Tensor y = detail::map_all(x, x.scalar_type(), [](auto v) { return xsimd::abs(v); });
  return record("AbsBackward0", y, {x}, save(x),
                [](const Tensor& g, const Tensor& x) -> variable_list { return {g * sgn(x)}; });
}

/// sign(x): -1, 0 or 1 (NaN stays NaN)      d/dx = 0
Tensor sign(const Tensor& x) {
  Tensor y = detail::map_all(x, x.scalar_type(), [](auto v) {
    auto zero = lit(v, 0.0);
    return vselect(v > zero, lit(v, 1.0), zero) - vselect(v < zero, lit(v, 1.0), zero) + vselect(visnan(v), v, zero);
  });
  return record("SignBackward0", y, {x}, [](const Tensor& g) -> variable_list { return {zeros_like(g)}; });
}

/// square(x) = x^2, which PyTorch computes as pow(x, 2) (PowBackward0)
Tensor square(const Tensor& x) { return pow(x, 2); }

/// reciprocal(x) = 1 / x      d/dx = -grad / x^2      saves: result
Tensor reciprocal(const Tensor& x) {
  Tensor y = detail::map_floating(x, {"reciprocal_cpu", true, true}, [](auto v) { return lit(v, 1.0) / v; });
  return record("ReciprocalBackward0", y, {x}, save(y),
                [](const Tensor& g, const Tensor& y) -> variable_list { return {-g * (y * y)}; });
}

/// sin(x)      d/dx = grad * cos(x)      saves: x
Tensor sin(const Tensor& x) {
  Tensor y = detail::map_floating(x, {"sin_vml_cpu", false, true}, [](auto v) { return xsimd::sin(v); });
  return record("SinBackward0", y, {x}, save(x), [](const Tensor& g, const Tensor& x) -> variable_list { return {g * cos(x)}; });
}

/// cos(x)      d/dx = -grad * sin(x)      saves: x
Tensor cos(const Tensor& x) {
  Tensor y = detail::map_floating(x, {"cos_vml_cpu", false, true}, [](auto v) { return xsimd::cos(v); });
  return record("CosBackward0", y, {x}, save(x), [](const Tensor& g, const Tensor& x) -> variable_list { return {g * -sin(x)}; });
}

// ---- powers -----------------------------------------------------------------------------------

namespace {
/// base^e for integer (or bool) values, by repeated squaring. A negative e gives what c10's powi
/// gives: 1 for base 1, +-1 for base -1, else 0.
template <class T>
T integer_pow(T base, int64_t e) {
  if constexpr (std::is_same<T, bool>::value) {
    return e == 0 || base;
  } else if constexpr (!std::is_integral<T>::value) {
    return T(0);  // never called: the floating paths use accurate_pow
  } else {
    if (e < 0) return base == 1 ? T(1) : base == -1 ? T((-e) % 2 ? -1 : 1) : T(0);
    // Unsigned arithmetic: integer powers wrap, as in PyTorch, without C++'s signed overflow.
    using U = std::make_unsigned_t<T>;
    U result = 1, b = static_cast<U>(base);
    for (; e > 0; e >>= 1, b = static_cast<U>(b * b))
      if (e & 1) result = static_cast<U>(result * b);
    return static_cast<T>(result);
  }
}

/// b^e: std::pow for float64 (xsimd's double pow is off by several units in the last place; glibc's
/// pow, which PyTorch uses for doubles, is correctly rounded), xsimd's for float32 (within an
/// ulp of PyTorch's Sleef powf).
template <class V>
V accurate_pow(const V& b, const V& e) {
  if constexpr (std::is_same<V, double>::value) {
    return std::pow(b, e);
  } else if constexpr (std::is_same<kernels::scalar_of_t<V>, double>::value) {
    alignas(64) double bb[V::size], ee[V::size];
    b.store_aligned(bb);
    e.store_aligned(ee);
    for (size_t i = 0; i < V::size; ++i) bb[i] = std::pow(bb[i], ee[i]);
    return V::load_aligned(bb);
  } else {
    return xsimd::pow(b, e);
  }
}
}  // namespace

/// pow(x, p)      d/dx = grad * p * x^(p-1)  (0 when p == 0)      saves: x
Tensor pow(const Tensor& x, const Scalar& p) {
  ScalarType dtype = result_type(x, p);
  Tensor y;
  if (!is_floating_point(dtype)) {
    XGRAD_CHECK(p.isBoolean() || p.toLong() >= 0, "Integers to negative integer powers are not allowed.");
    int64_t e = p.toLong();
    y = detail::map_all(x, dtype, [e](auto v) { return integer_pow(v, e); });
  } else {
    double e = p.toDouble();
    // The exponents PyTorch special-cases, so the bits match (x*x rather than pow(x, 2)).
    if (e == 0)
      y = detail::map_all(x, dtype, [](auto v) { return lit(v, 1.0); });
    else if (e == 2)
      y = detail::map_all(x, dtype, [](auto v) { return v * v; });
    else if (e == 3)
      y = detail::map_all(x, dtype, [](auto v) { return v * v * v; });
    else if (e == 0.5)
      y = detail::map_all(x, dtype, [](auto v) { return xsimd::sqrt(v); });
    else if (e == -1)
      y = detail::map_all(x, dtype, [](auto v) { return lit(v, 1.0) / v; });
    else if (e == -2)
      y = detail::map_all(x, dtype, [](auto v) { return lit(v, 1.0) / (v * v); });
    else
      y = detail::map_all(x, dtype, [e](auto v) { return accurate_pow(v, lit(v, e)); });
  }
  return record("PowBackward0", y, {x}, save(x), [p](const Tensor& g, const Tensor& x) -> variable_list {
    if (p.toDouble() == 0) return {zeros_like(x, x.scalar_type())};
    return {g * detail::mul_scalar_aten(pow(x, p.toDouble() - 1), p)};
  });
}

namespace {
/// x - s recorded as ATen's Scalar overload (SubBackward1), as in PyTorch's pow backward.
Tensor sub_scalar_aten(const Tensor& x, const Scalar& s) {
  Tensor out;
  {
    NoGradGuard no_grad;
    out = sub(x, s);
  }
  return record("SubBackward1", out, {x}, [](const Tensor& g) -> variable_list { return {g}; });
}

Tensor pow_raw(const Tensor& base, const Tensor& exponent, ScalarType dtype) {
  return detail::zip(base, exponent, dtype, [](auto b, auto e) {
    if constexpr (std::is_floating_point<kernels::scalar_of_t<decltype(b)>>::value) {
      return accurate_pow(b, e);
    } else {
      return integer_pow(b, static_cast<int64_t>(e));  // a negative exponent gives c10's powi result
    }
  });
}
}  // namespace

/// pow(x, y)      d/dx = grad * y * x^(y-1) (0 where y == 0),
///                d/dy = grad * x^y * log(x) (0 where x == 0 and y >= 0)      saves: x, y, result
Tensor pow(const Tensor& base, const Tensor& exponent) {
  ScalarType dtype = result_type(base, exponent);
  XGRAD_CHECK(dtype != kBool, "\"pow\" not implemented for 'Bool'");
  Tensor y = pow_raw(base, exponent, dtype);
  return record("PowBackward1", y, {base, exponent}, save(base, exponent, y),
                [](const Tensor& g, const Tensor& x, const Tensor& e, const Tensor& r) -> variable_list {
                  Tensor gx, ge;
                  if (needs_input_grad(0))
                    gx = where(e == 0, zeros({}, g.scalar_type()), g * (e * pow(x, sub_scalar_aten(e, 1))));
                  if (needs_input_grad(1))
                    ge = g * where(logical_and(x == 0, e >= 0), zeros({}, r.scalar_type()), r * log(x));
                  return {gx, ge};
                });
}

/// pow(s, y) = s^y for a number s      d/dy = grad * s^y * log(s) (0 where s == 0 and y >= 0)   saves: y, result
Tensor pow(const Scalar& base, const Tensor& exponent) {
  ScalarType dtype = result_type(exponent, base);
  Tensor y = pow_raw(full({}, base, dtype), exponent, dtype);
  double s = base.toDouble();
  return record("PowBackward2", y, {exponent}, save(exponent, y),
                [s](const Tensor& g, const Tensor& e, const Tensor& r) -> variable_list {
                  if (s == 0) return {g * where(e >= 0, zeros({}, r.scalar_type()), detail::mul_scalar_aten(r, std::log(s)))};
                  return {g * detail::mul_scalar_aten(r, std::log(s))};
                });
}

// ---- clamping and extrema -----------------------------------------------------------------------

namespace {
/// The dtype of clamp(x, bounds...): x's with the bounds as wrapped numbers (an int8 tensor stays
/// int8 for integer bounds, becomes float32 for 0.5).
ScalarType clamp_dtype(const Tensor& x, const std::optional<Scalar>& min, const std::optional<Scalar>& max) {
  ScalarType dtype = x.scalar_type();
  if (min) dtype = promote_types(dtype, result_type(x, *min));
  if (max) dtype = promote_types(dtype, result_type(x, *max));
  return dtype;
}
}  // namespace

/// clamp(x, min, max): x limited to [min, max] (NaN stays NaN)
/// d/dx = grad where min <= x <= max, else 0      saves: x
Tensor clamp(const Tensor& x, const std::optional<Scalar>& min, const std::optional<Scalar>& max) {
  XGRAD_CHECK(min || max, "torch.clamp: At least one of 'min' or 'max' must not be None");
  ScalarType dtype = clamp_dtype(x, min, max);
  detail::check_kernel({"clamp_scalar_cpu", false, true}, dtype);
  // The bounds in the result dtype, checked as PyTorch's kernel converts them (min_.to<scalar_t>()).
  std::optional<Scalar> lo_s = min ? std::optional<Scalar>(detail::checked_scalar_in(*min, dtype)) : std::nullopt;
  std::optional<Scalar> hi_s = max ? std::optional<Scalar>(detail::checked_scalar_in(*max, dtype)) : std::nullopt;
  double lo = lo_s ? lo_s->toDouble() : -INFINITY, hi = hi_s ? hi_s->toDouble() : INFINITY;
  Tensor y = detail::map_all(x, dtype, [lo, hi, has_lo = min.has_value(), has_hi = max.has_value()](auto v) {
    auto r = v;
    if (has_lo) r = vselect(r < lit(v, lo), lit(v, lo), r);
    if (has_hi) r = vselect(r > lit(v, hi), lit(v, hi), r);
    return vselect(visnan(v), v, r);
  });
  return record("ClampBackward1", y, {x}, save(x), [min, max](const Tensor& g, const Tensor& x) -> variable_list {
    Tensor keep;
    if (min && max)
      keep = logical_and(x >= *min, x <= *max);
    else if (min)
      keep = x >= *min;
    else
      keep = x <= *max;
    return {where(keep, g, zeros({}, g.scalar_type()))};
  });
}

/// clamp_min(x, min) = max(x, min)      d/dx = grad where x >= min      saves: x
Tensor clamp_min(const Tensor& x, const Scalar& min) {
  ScalarType dtype = result_type(x, min);
  detail::check_kernel({"clamp_min_cpu", false, true}, dtype);
  double lo = detail::checked_scalar_in(min, dtype).toDouble();
  Tensor y = detail::map_all(x, dtype, [lo](auto v) { return vselect(v < lit(v, lo), lit(v, lo), v); });
  return record("ClampMinBackward0", y, {x}, save(x), [min](const Tensor& g, const Tensor& x) -> variable_list {
    return {where(x >= min, g, zeros({}, g.scalar_type()))};
  });
}

/// clamp_max(x, max) = min(x, max)      d/dx = grad where x <= max      saves: x
Tensor clamp_max(const Tensor& x, const Scalar& max) {
  ScalarType dtype = result_type(x, max);
  detail::check_kernel({"clamp_max_scalar_cpu", false, true}, dtype);
  double hi = detail::checked_scalar_in(max, dtype).toDouble();
  Tensor y = detail::map_all(x, dtype, [hi](auto v) { return vselect(v > lit(v, hi), lit(v, hi), v); });
  return record("ClampMaxBackward0", y, {x}, save(x), [max](const Tensor& g, const Tensor& x) -> variable_list {
    return {where(x <= max, g, zeros({}, g.scalar_type()))};
  });
}

/// maximum(a, b), NaN-propagating      d/da = grad where a > b, grad/2 where a == b      saves: a, b
Tensor maximum(const Tensor& a, const Tensor& b) {
  Tensor y = detail::zip(a, b, result_type(a, b), [](auto x, auto z) {
    return vselect(visnan(x), x, vselect(visnan(z), z, vselect(x > z, x, z)));
  });
  return record("MaximumBackward0", y, {a, b}, save(a, b), [](const Tensor& g, const Tensor& a, const Tensor& b) {
    Tensor half = where(a == b, g / 2, g);
    return variable_list{needs_input_grad(0) ? masked_fill(half, a < b, 0) : Tensor(),
                         needs_input_grad(1) ? masked_fill(half, a > b, 0) : Tensor()};
  });
}

/// minimum(a, b), NaN-propagating      d/da = grad where a < b, grad/2 where a == b      saves: a, b
Tensor minimum(const Tensor& a, const Tensor& b) {
  Tensor y = detail::zip(a, b, result_type(a, b), [](auto x, auto z) {
    return vselect(visnan(x), x, vselect(visnan(z), z, vselect(x < z, x, z)));
  });
  return record("MinimumBackward0", y, {a, b}, save(a, b), [](const Tensor& g, const Tensor& a, const Tensor& b) {
    Tensor half = where(a == b, g / 2, g);
    return variable_list{needs_input_grad(0) ? masked_fill(half, a > b, 0) : Tensor(),
                         needs_input_grad(1) ? masked_fill(half, a < b, 0) : Tensor()};
  });
}

/// xlogy(x, y) = x * log(y), and 0 where x == 0 (unless y is NaN)
/// d/dx = xlogy(grad, y), but 0 where x == 0 and y <= 0, d/dy = grad * x / y      saves: x, y
Tensor xlogy(const Tensor& x, const Tensor& y) {
  Tensor out = detail::zip_floating(x, y, floating_result(result_type(x, y)), {"xlogy_cpu", true, true}, [](auto a, auto b) {
    auto zero = lit(a, 0.0);
    return vselect(visnan(b), b, vselect(a == zero, zero, a * xsimd::log(b)));
  });
  return record("XlogyBackward0", out, {x, y}, save(x, y), [](const Tensor& g, const Tensor& x, const Tensor& y) {
    return variable_list{needs_input_grad(0) ? masked_fill(xlogy(g, y), logical_and(x == 0, y <= 0), 0) : Tensor(),
                         needs_input_grad(1) ? g * x / y : Tensor()};
  });
}

Tensor xlogy(const Tensor& x, const Scalar& y) { return xlogy(x, full({}, y, floating_result(x.scalar_type()))); }

Tensor detail::mul_scalar_aten(const Tensor& x, const Scalar& s) {
  Tensor out;
  {
    NoGradGuard no_grad;
    out = mul(x, s);
  }
  return record("MulBackward1", out, {x}, [s](const Tensor& g) -> variable_list { return {g * s}; });
}

Tensor detail::div_scalar_aten(const Tensor& x, const Scalar& s) {
  Tensor out;
  {
    NoGradGuard no_grad;
    out = div(x, s);
  }
  return record("DivBackward1", out, {x}, [s](const Tensor& g) -> variable_list { return {g / s}; });
}

Tensor detail::add_scalar_aten(const Tensor& x, const Scalar& s) {
  Tensor out;
  {
    NoGradGuard no_grad;
    out = add(x, s);
  }
  return record("AddBackward1", out, {x}, [](const Tensor& g) -> variable_list { return {g}; });
}

// ---- comparisons and logic (no gradients) ------------------------------------------------------

#define XGRAD_COMPARISON(NAME, OP)                                                                    \
  Tensor NAME(const Tensor& a, const Tensor& b) {                                                     \
    return detail::compare(a, b, result_type(a, b), [](auto x, auto y) { return x OP y; });           \
  }                                                                                                   \
  Tensor NAME(const Tensor& a, const Scalar& b) {                                                     \
    return detail::compare(a, scalar_tensor(b, detail::wrapped_number_type(b)), result_type(a, b),                    \
                           [](auto x, auto y) { return x OP y; });                                    \
  }
XGRAD_COMPARISON(eq, ==)
XGRAD_COMPARISON(ne, !=)
XGRAD_COMPARISON(lt, <)
XGRAD_COMPARISON(le, <=)
XGRAD_COMPARISON(gt, >)
XGRAD_COMPARISON(ge, >=)
#undef XGRAD_COMPARISON

Tensor logical_not(const Tensor& x) {
  Tensor b = detail::convert(x, kBool);
  return detail::compare(b, b, kBool, [](bool v, bool) { return !v; });
}
Tensor logical_and(const Tensor& a, const Tensor& b) {
  return detail::compare(detail::convert(a, kBool), detail::convert(b, kBool), kBool, [](bool x, bool y) { return x && y; });
}
Tensor logical_or(const Tensor& a, const Tensor& b) {
  return detail::compare(detail::convert(a, kBool), detail::convert(b, kBool), kBool, [](bool x, bool y) { return x || y; });
}
Tensor isnan(const Tensor& x) { return ne(x, x); }
Tensor isfinite(const Tensor& x) {
  if (!is_floating_point(x.scalar_type())) return ones_like(x, kBool);
  return detail::compare(x, x, x.scalar_type(), [](auto v, auto) { return std::isfinite(v); });
}
Tensor isinf(const Tensor& x) {
  if (!is_floating_point(x.scalar_type())) return zeros_like(x, kBool);
  return detail::compare(x, x, x.scalar_type(), [](auto v, auto) { return std::isinf(v); });
}

bool equal(const Tensor& a, const Tensor& b) {
  if (!a.sizes().equals(b.sizes())) return false;
  return all(eq(a, b)).item<bool>();
}

bool is_nonzero(const Tensor& x) {
  const int64_t n = x.numel();
  XGRAD_CHECK(n != 0, "Boolean value of Tensor with no values is ambiguous");
  XGRAD_CHECK(n <= 1, "Boolean value of Tensor with more than one value is ambiguous");
  return x.item<double>() != 0;  // every dtype's value is exactly zero in double iff it is zero
}

/// Both tensors must have one dtype (no promotion here, as in PyTorch). Composed as ATen composes
/// it, so the tolerances are rounded to the tensors' dtype and the error is computed in it:
///   close = a == b  or  (|a - b| finite and |a - b| <= atol + |rtol * b|)
/// (float32 0.1f - 0 is within atol = 0.1, which in double it is not; an integer b makes
/// rtol * b a default-dtype tensor, as in PyTorch).
Tensor isclose(const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan) {
  XGRAD_CHECK(a.scalar_type() == b.scalar_type(), "{} did not match {}", scalar_type_name(a.scalar_type()),
              scalar_type_name(b.scalar_type()));
  XGRAD_CHECK(rtol >= 0, "rtol must be greater than or equal to zero, but got {}", rtol);
  XGRAD_CHECK(atol >= 0, "atol must be greater than or equal to zero, but got {}", atol);
  NoGradGuard no_grad;
  Tensor close = eq(a, b);
  if (equal_nan && is_floating_point(a.scalar_type())) close = logical_or(close, logical_and(isnan(a), isnan(b)));
  if (rtol == 0 && atol == 0) return close;
  const Tensor ca = a.scalar_type() == kBool ? a.to(default_dtype()) : a;
  const Tensor cb = b.scalar_type() == kBool ? b.to(default_dtype()) : b;
  Tensor allowed_error = add(abs(mul(cb, rtol)), atol);
  Tensor actual_error = abs(sub(ca, cb));
  return logical_or(close, logical_and(isfinite(actual_error), le(actual_error, allowed_error)));
}

bool allclose(const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan) {
  return all(isclose(a, b, rtol, atol, equal_nan)).item<bool>();
}

// ---- copies -----------------------------------------------------------------------------------

/// to(x, dtype): the values in another dtype      d/dx = grad.to(x.dtype)
/// An integer or bool result is not differentiable: like PyTorch, it gets no grad_fn.
Tensor to_dtype(const Tensor& x, ScalarType dtype, bool copy) {
  if (x.scalar_type() == dtype && !copy) return x;
  if (x.is_sparse()) return detail::sparse_copy(x, dtype);  // never requires grad (See Note [Sparse COO tensors])
  Tensor y = detail::make_empty(x.sizes(), dtype);
  detail::copy_raw(y, x);
  // A complex result is recorded too, and set_history refuses it (See Note [Complex autograd]).
  if (!isFloatingType(dtype) && !isComplexType(dtype)) return y;
  ScalarType from = x.scalar_type();
  return record("ToCopyBackward0", y, {x}, [from](const Tensor& g) -> variable_list { return {g.to(from)}; });
}

/// clone(x): a contiguous copy      d/dx = grad
Tensor clone(const Tensor& x) {
  if (x.is_sparse()) return detail::sparse_copy(x, std::nullopt);  // never requires grad
  Tensor y = detail::contiguous_raw(x, /*force=*/true);
  return record("CloneBackward0", y, {x}, [](const Tensor& g) -> variable_list { return {g}; });
}

// ---- three operands: what the optimizers' in-place steps are made of ----------------------------

namespace {
/// f(self, a, b) elementwise with broadcasting, in `dtype` (the ternary kernel of kernels/elementwise.hpp).
template <class F>
Tensor zip3(const Tensor& self, const Tensor& a, const Tensor& b, ScalarType dtype, const char* name, F&& f) {
  Tensor sc = detail::convert(self, dtype), ac = detail::convert(a, dtype), bc = detail::convert(b, dtype);
  DimVector shape = infer_size(infer_size(self.sizes(), a.sizes()), b.sizes());
  Tensor out = detail::make_empty(shape, dtype);
  auto loop = detail::make_loop<4>(shape, {&out, &sc, &ac, &bc});
  auto run = [&](auto tag) {
    using T = decltype(tag);
    kernels::ternary<T, T, T, T>(loop, [&f](T x, T y, T z) { return f(x, y, z); });
  };
  if (is_floating_point(dtype)) {
    visit_floating(dtype, name, run);
  } else {
    visit_dtype(dtype, run);
  }
  return out;
}
ScalarType result_type3(const Tensor& a, const Tensor& b, const Tensor& c) {
  return promote_types(result_type(a, b), promote_types(result_type(a, c), result_type(b, c)));
}
/// How PyTorch prints a dtype inside a message (its TypeMeta name): "float", "double", "long int".
const char* type_meta_name(ScalarType t) {
  switch (t) {
    case kFloat: return "float";
    case kDouble: return "double";
    case kLong: return "long int";
    default: return "bool";
  }
}
}  // namespace

/// addcmul(x, t1, t2, v) = x + v * t1 * t2
/// d/dx = grad, d/dt1 = grad * (t2 * v), d/dt2 = grad * (t1 * v)      saves: t1, t2
Tensor addcmul(const Tensor& self, const Tensor& tensor1, const Tensor& tensor2, const Scalar& value) {
  Tensor out = zip3(self, tensor1, tensor2, result_type3(self, tensor1, tensor2), "addcmul_cpu_out",
                    [value](auto x, auto a, auto b) {
                      using T = decltype(x);
                      return static_cast<T>(x + value.to<T>() * a * b);  // PyTorch's order
                    });
  return record("AddcmulBackward0", out, {self, tensor1, tensor2}, save(tensor1, tensor2),
                [value](const Tensor& g, const Tensor& t1, const Tensor& t2) -> variable_list {
                  return {g, needs_input_grad(1) ? g * detail::mul_scalar_aten(t2, value) : Tensor(),
                          needs_input_grad(2) ? g * detail::mul_scalar_aten(t1, value) : Tensor()};
                });
}

/// addcdiv(x, t1, t2, v) = x + v * t1 / t2
/// d/dx = grad, d/dt1 = grad * (v / t2), d/dt2 = -grad * (v * t1 / (t2 * t2))      saves: t1, t2
Tensor addcdiv(const Tensor& self, const Tensor& tensor1, const Tensor& tensor2, const Scalar& value) {
  XGRAD_CHECK(is_floating_point(tensor1.scalar_type()) || is_floating_point(tensor2.scalar_type()),
              "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a "
              "true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + "
              "value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * "
              "tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: "
              "(input + value * tensor1 / tensor2), for all dtypes.");
  Tensor out = zip3(self, tensor1, tensor2, result_type3(self, tensor1, tensor2), "addcdiv_cpu_out",
                    [value](auto x, auto a, auto b) {
                      using T = decltype(x);
                      return static_cast<T>(x + value.to<T>() * a / b);  // PyTorch's order
                    });
  return record("AddcdivBackward0", out, {self, tensor1, tensor2}, save(tensor1, tensor2),
                [value](const Tensor& g, const Tensor& t1, const Tensor& t2) -> variable_list {
                  // value / t2 as ATen divides a wrapped scalar by a tensor (DivBackward0), value * t1
                  // as its Scalar overload (MulBackward1): PyTorch's graph under create_graph.
                  return {g, needs_input_grad(1) ? g * div(scalar_tensor(value, t2.scalar_type()), t2) : Tensor(),
                          needs_input_grad(2) ? -g * (detail::mul_scalar_aten(t1, value) / (t2 * t2)) : Tensor()};
                });
}

/// lerp(x, end, w) = x + w * (end - x), computed as end - (end - x) * (1 - w) when |w| >= 0.5
/// (PyTorch's form, exact at w = 1)      d/dx = grad * (1 - w), d/dend = grad * w      saves: nothing
Tensor lerp(const Tensor& self, const Tensor& end, const Scalar& weight) {
  XGRAD_CHECK(self.scalar_type() == end.scalar_type(), "expected dtype {} for `end` but got dtype {}",
              type_meta_name(self.scalar_type()), type_meta_name(end.scalar_type()));
  XGRAD_CHECK(is_floating_point(self.scalar_type()), "\"lerp_kernel_scalar\" not implemented for '{}'",
              scalar_type_name(self.scalar_type()));
  const double w = weight.toDouble();
  Tensor out = zip3(self, end, end, self.scalar_type(), "lerp_kernel_scalar", [w](auto x, auto e, auto) {
    using T = decltype(x);
    const T wt = static_cast<T>(w);
    return std::abs(wt) < T(0.5) ? x + wt * (e - x) : e - (e - x) * (T(1) - wt);
  });
  return record("LerpBackward0", out, {self, end}, [w](const Tensor& g) -> variable_list {
    return {needs_input_grad(0) ? g * (1 - w) : Tensor(), needs_input_grad(1) ? g * w : Tensor()};
  });
}

}  // namespace xgrad
