// complex.hpp: the complex dtypes' own ops: view_as_real / view_as_complex (the same memory seen
// as pairs of reals or as complex numbers) and real / imag (views of one part). With abs and
// the arithmetic of elementwise.hpp these are what xgrad computes on complex tensors; other ops
// refuse them with PyTorch's "not implemented for 'ComplexFloat'". xgrad has no autograd on complex
// values: these ops refuse inputs that require grad. Read next: src/ops/complex.cpp.
#pragma once

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// A complex tensor of shape (..., ) seen as a real tensor of shape (..., 2): [..., 0] the real
/// parts, [..., 1] the imaginary parts. A view: writes go through.
Tensor view_as_real(const Tensor& self);
/// A float32/float64 tensor of shape (..., 2) with last stride 1 seen as complex64/complex128 of
/// shape (...). A view.
Tensor view_as_complex(const Tensor& self);
/// The real parts of a complex tensor as a view (self itself for a real tensor, as PyTorch).
Tensor real(const Tensor& self);
/// The imaginary parts of a complex tensor as a view; a real tensor throws PyTorch's error.
Tensor imag(const Tensor& self);

}  // namespace xgrad
