// complex.hpp (internal): the arithmetic of elementwise.cpp when the result dtype is complex
// (complex64 or complex128). Defined in complex.cpp. Read next: complex.cpp.
#pragma once

#include "xgrad/core/tensor.hpp"

namespace xgrad::detail {

/// a + alpha * b, a * b, a / b computed in the complex `dtype` (operands converted to it), with
/// broadcasting. alpha is already checked.
Tensor complex_add(const Tensor& a, const Tensor& b, const Scalar& alpha, ScalarType dtype);
Tensor complex_mul(const Tensor& a, const Tensor& b, ScalarType dtype);
Tensor complex_div(const Tensor& a, const Tensor& b, ScalarType dtype);
/// |z| elementwise: float32 for complex64, float64 for complex128.
Tensor complex_abs(const Tensor& x);
/// A number as a 0-d tensor of the complex `dtype` (a wrapped number in an op with a complex result).
Tensor complex_scalar(const Scalar& s, ScalarType dtype);

}  // namespace xgrad::detail
