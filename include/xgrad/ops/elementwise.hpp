// elementwise.hpp: arithmetic, unary maths, comparisons and their in-place forms, with PyTorch's
// broadcasting and type promotion. Each op's forward, derivative and saved tensors are documented
// beside its definition in src/ops/elementwise.cpp. Read next: activation.hpp.
#pragma once

#include <optional>
#include <string_view>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// PyTorch's result_type: the dtype of `a op b` (a 0-d tensor or a Scalar does not lift a
/// dimensioned tensor's floating type: float32 tensor * 2.5 stays float32).
ScalarType result_type(const Tensor& a, const Tensor& b);
ScalarType result_type(const Tensor& a, const Scalar& b);

Tensor add(const Tensor& a, const Tensor& b, const Scalar& alpha = 1);
Tensor add(const Tensor& a, const Scalar& b, const Scalar& alpha = 1);
Tensor sub(const Tensor& a, const Tensor& b, const Scalar& alpha = 1);
Tensor sub(const Tensor& a, const Scalar& b, const Scalar& alpha = 1);
Tensor rsub(const Tensor& a, const Scalar& b, const Scalar& alpha = 1);  // b - alpha * a
Tensor mul(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Scalar& b);
Tensor div(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Scalar& b);
/// a / b rounded toward zero (rounding_mode "trunc") or down ("floor"); integers stay integers.
Tensor div(const Tensor& a, const Tensor& b, std::optional<std::string_view> rounding_mode);
Tensor div(const Tensor& a, const Scalar& b, std::optional<std::string_view> rounding_mode);
/// div(a, b, "floor"); an integer divided by zero throws "ZeroDivisionError".
Tensor floor_divide(const Tensor& a, const Tensor& b);
Tensor floor_divide(const Tensor& a, const Scalar& b);
Tensor neg(const Tensor& x);
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
Tensor log1p(const Tensor& x);
Tensor sqrt(const Tensor& x);
Tensor rsqrt(const Tensor& x);
Tensor abs(const Tensor& x);
Tensor sign(const Tensor& x);
Tensor sgn(const Tensor& x);  // sign, as PyTorch's sgn (SgnBackward0)
Tensor square(const Tensor& x);
Tensor reciprocal(const Tensor& x);
Tensor sin(const Tensor& x);
Tensor cos(const Tensor& x);
/// The error function erf(x) = 2/sqrt(pi) * integral_0^x exp(-t^2) dt, and erfc = 1 - erf
/// (src/ops/erf.cpp).
Tensor erf(const Tensor& x);
Tensor erfc(const Tensor& x);
/// Rounding to an integral value (src/ops/rounding.cpp): round to nearest (halves to even),
/// floor, ceil, trunc (toward zero). Integer tensors come back unchanged (a copy).
Tensor round(const Tensor& x);
Tensor floor(const Tensor& x);
Tensor ceil(const Tensor& x);
Tensor trunc(const Tensor& x);
/// Python's %: a - floor(a / b) * b, with the sign of b (src/ops/division.cpp); an integer
/// remainder by zero throws "ZeroDivisionError".
Tensor remainder(const Tensor& a, const Tensor& b);
Tensor remainder(const Tensor& a, const Scalar& b);
Tensor pow(const Tensor& base, const Scalar& exponent);
Tensor pow(const Tensor& base, const Tensor& exponent);
Tensor pow(const Scalar& base, const Tensor& exponent);
Tensor clamp(const Tensor& x, const std::optional<Scalar>& min, const std::optional<Scalar>& max = std::nullopt);
Tensor clamp_min(const Tensor& x, const Scalar& min);
Tensor clamp_max(const Tensor& x, const Scalar& max);
Tensor maximum(const Tensor& a, const Tensor& b);
Tensor minimum(const Tensor& a, const Tensor& b);
/// torch::max(a, b) and torch::min(a, b) are maximum and minimum (as in PyTorch 1.13).
inline Tensor max(const Tensor& a, const Tensor& b) { return maximum(a, b); }
inline Tensor min(const Tensor& a, const Tensor& b) { return minimum(a, b); }
Tensor xlogy(const Tensor& x, const Tensor& y);
Tensor xlogy(const Tensor& x, const Scalar& y);
Tensor addcmul(const Tensor& self, const Tensor& tensor1, const Tensor& tensor2, const Scalar& value = 1);
Tensor addcdiv(const Tensor& self, const Tensor& tensor1, const Tensor& tensor2, const Scalar& value = 1);
Tensor lerp(const Tensor& self, const Tensor& end, const Scalar& weight);

Tensor eq(const Tensor& a, const Tensor& b);
Tensor eq(const Tensor& a, const Scalar& b);
Tensor ne(const Tensor& a, const Tensor& b);
Tensor ne(const Tensor& a, const Scalar& b);
Tensor lt(const Tensor& a, const Tensor& b);
Tensor lt(const Tensor& a, const Scalar& b);
Tensor le(const Tensor& a, const Tensor& b);
Tensor le(const Tensor& a, const Scalar& b);
Tensor gt(const Tensor& a, const Tensor& b);
Tensor gt(const Tensor& a, const Scalar& b);
Tensor ge(const Tensor& a, const Tensor& b);
Tensor ge(const Tensor& a, const Scalar& b);
Tensor logical_not(const Tensor& x);
Tensor logical_and(const Tensor& a, const Tensor& b);
Tensor logical_or(const Tensor& a, const Tensor& b);
Tensor isnan(const Tensor& x);
Tensor isfinite(const Tensor& x);
Tensor isinf(const Tensor& x);
/// Same sizes and the same values (torch.equal).
bool equal(const Tensor& a, const Tensor& b);
bool allclose(const Tensor& a, const Tensor& b, double rtol = 1e-5, double atol = 1e-8, bool equal_nan = false);
Tensor isclose(const Tensor& a, const Tensor& b, double rtol = 1e-5, double atol = 1e-8, bool equal_nan = false);
/// Python's bool(x): whether the one value of x is not zero (torch.is_nonzero; NaN is nonzero).
/// Throws PyTorch's error for a tensor of no or several values.
bool is_nonzero(const Tensor& x);
namespace native {
using xgrad::is_nonzero;  // at::native::is_nonzero, the name of ATen's kernel, which libtorch's tests call
}  // namespace native

/// The out= forms (src/ops/out.cpp): the result written into `out`, which is resized to the
/// result's shape (with PyTorch's deprecation warning if it had elements) and must be able to
/// hold its dtype. Not differentiable: with grad mode on, no argument may require grad.
Tensor& add_out(Tensor& out, const Tensor& self, const Tensor& other, const Scalar& alpha = 1);
Tensor& sub_out(Tensor& out, const Tensor& self, const Tensor& other, const Scalar& alpha = 1);
Tensor& mul_out(Tensor& out, const Tensor& self, const Tensor& other);
Tensor& div_out(Tensor& out, const Tensor& self, const Tensor& other);

/// The dtype cast behind Tensor::to (ToCopyBackward0).
Tensor to_dtype(const Tensor& x, ScalarType dtype, bool copy = false);
Tensor clone(const Tensor& x);

}  // namespace xgrad
