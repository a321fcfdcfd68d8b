// division.cpp: division with a rounding mode, div(a, b, "trunc" | "floor"), floor_divide (which
// is div(a, b, "floor") since PyTorch 1.13), and remainder (Python's %, what is left after floor
// division). True division, div(a, b), is in elementwise.cpp.
// Integer division keeps the integer dtype; dividing an integer by zero is PyTorch's error
// "ZeroDivisionError". Read next: activation.cpp.
#include <cmath>

#include "ops/inplace.hpp"
#include "ops/pointwise.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/ops/elementwise.hpp"

namespace xgrad {

using autograd::record;
using autograd::save;
using autograd::variable_list;

namespace {

enum class Rounding { Trunc, Floor };

/// a / b rounded toward zero, or down; for integers, INT64_MIN / -1 wraps instead of trapping.
template <class T>
T divide(T a, T b, Rounding mode) {
  if constexpr (std::is_same<T, bool>::value) {
    return a;  // never called: bool is refused before
  } else if constexpr (std::is_integral<T>::value) {
    if (b == 0) throw Error("ZeroDivisionError");
    if (b == -1) return static_cast<T>(-static_cast<uint64_t>(a));  // the one quotient that overflows
    const T quot = a / b;
    if (mode == Rounding::Floor && (a < 0) != (b < 0) && quot * b != a) return quot - 1;
    return quot;
  } else if (mode == Rounding::Trunc) {
    return std::trunc(a / b);
  } else {
    // PyTorch's div_floor_floating: the floor of the exact quotient, rounded, sign kept for zero.
    if (b == 0) return a / b;
    T mod = std::fmod(a, b);
    T div = (a - mod) / b;
    if (mod != 0 && (b < 0) != (mod < 0)) div -= T(1);
    if (div == 0) return std::copysign(T(0), a / b);
    T floordiv = std::floor(div);
    if (div - floordiv > T(0.5)) floordiv += T(1);
    return floordiv;
  }
}

Rounding parse(std::string_view mode) {
  if (mode == "trunc") return Rounding::Trunc;
  if (mode == "floor") return Rounding::Floor;
  throw Error(fmt::format("div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{}'", mode));
}

Tensor divide_raw(const Tensor& a, const Tensor& b, ScalarType dtype, Rounding mode) {
  XGRAD_CHECK(dtype != kBool, "\"div_{}_cpu\" not implemented for 'Bool'", mode == Rounding::Trunc ? "trunc" : "floor");
  return detail::zip_scalar(a, b, dtype, [mode](auto x, auto y) { return divide(x, y, mode); });
}

/// Python's a % b: the remainder with the sign of b (ATen's remainder kernels): fmod, moved by b
/// when its sign differs from b's (-0.0 stays -0.0). For integers, INT64_MIN % -1 is 0 instead of
/// trapping.
template <class T>
T python_remainder(T a, T b) {
  if constexpr (std::is_same<T, bool>::value) {
    return a;  // never called: bool is refused before
  } else if constexpr (std::is_integral<T>::value) {
    if (b == 0) throw Error("ZeroDivisionError");
    if (b == -1) return 0;
    T r = a % b;
    if (r != 0 && (r < 0) != (b < 0)) r += b;
    return r;
  } else {
    T mod = std::fmod(a, b);
    if (mod != 0 && (b < 0) != (mod < 0)) mod += b;
    return mod;
  }
}

Tensor remainder_raw(const Tensor& a, const Tensor& b, ScalarType dtype) {
  XGRAD_CHECK(dtype != kBool, "\"remainder_cpu\" not implemented for 'Bool'");
  return detail::zip_scalar(a, b, dtype, [](auto x, auto y) { return python_remainder(x, y); });
}

}  // namespace

/// remainder(a, b) = a - floor(a / b) * b, in a and b's promoted dtype
///   d/da = grad      d/db = -grad * floor(a / b)      saves: a, b
Tensor remainder(const Tensor& a, const Tensor& b) {
  Tensor out = remainder_raw(a, b, result_type(a, b));
  return record("RemainderBackward1", out, {a, b}, save(a, b), [](const Tensor& g, const Tensor& a, const Tensor& b) {
    return variable_list{g, autograd::needs_input_grad(1) ? -g * div(a, b, "floor") : Tensor()};
  });
}

/// remainder(a, b) for a number b      d/da = grad
Tensor remainder(const Tensor& a, const Scalar& b) {
  Tensor out = remainder_raw(a, scalar_tensor(b, detail::wrapped_number_type(b)), result_type(a, b));
  return record("RemainderBackward0", out, {a}, [](const Tensor& g) -> variable_list { return {g}; });
}

Tensor& Tensor::remainder_(const Tensor& other) const {
  Tensor& self = mutable_this();
  detail::assert_no_internal_overlap(self);
  return detail::inplace_with_autograd(
      self, {other}, [&](const Tensor& s) { return xgrad::remainder(s, detail::alias_for_inplace(other, self)); });
}
Tensor& Tensor::remainder_(const Scalar& other) const {
  detail::assert_no_internal_overlap(*this);
  return detail::inplace_with_autograd(mutable_this(), {}, [&](const Tensor& s) { return xgrad::remainder(s, other); });
}

/// div(a, b, rounding_mode): a / b rounded toward zero ("trunc") or down ("floor"), in a and b's
/// promoted dtype (integers stay integers)      d/da = d/db = 0 (a step function)
Tensor div(const Tensor& a, const Tensor& b, std::optional<std::string_view> rounding_mode) {
  if (!rounding_mode) return div(a, b);
  Rounding mode = parse(*rounding_mode);
  Tensor out = divide_raw(a, b, result_type(a, b), mode);
  return record("DivBackward2", out, {a, b},
                [](const Tensor& g) -> variable_list { return {zeros_like(g), zeros_like(g)}; });
}

Tensor div(const Tensor& a, const Scalar& b, std::optional<std::string_view> rounding_mode) {
  if (!rounding_mode) return div(a, b);
  Rounding mode = parse(*rounding_mode);
  ScalarType dtype = result_type(a, b);
  Tensor out = divide_raw(a, scalar_tensor(b, detail::wrapped_number_type(b)), dtype, mode);
  // Python's name: it divides by the number wrapped in a tensor.
  return record("DivBackward2", out, {a}, [](const Tensor& g) -> variable_list { return {zeros_like(g)}; });
}

/// floor_divide(a, b) = div(a, b, "floor"). PyTorch gives it no derivative: its node is
/// torch::autograd::NotImplemented, whose backward throws.
Tensor floor_divide(const Tensor& a, const Tensor& b) {
  Tensor out = divide_raw(a, b, result_type(a, b), Rounding::Floor);
  return record("torch::autograd::NotImplemented", out, {a, b}, [](const Tensor&) -> variable_list {
    throw Error("derivative for aten::floor_divide is not implemented");
  });
}

Tensor floor_divide(const Tensor& a, const Scalar& b) {
  return floor_divide(a, scalar_tensor(b, detail::wrapped_number_type(b)));
}

}  // namespace xgrad
