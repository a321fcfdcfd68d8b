// linalg.hpp: matrix products through OpenBLAS (float32 and float64). Read next: the nn/ folder.
#pragma once

#include "xgrad/core/tensor.hpp"

namespace xgrad {

Tensor mm(const Tensor& a, const Tensor& b);
Tensor bmm(const Tensor& a, const Tensor& b);
Tensor mv(const Tensor& a, const Tensor& v);
Tensor dot(const Tensor& a, const Tensor& b);
/// numpy/PyTorch matmul: dot, mv, mm, or a batched mm with broadcast batch dims.
Tensor matmul(const Tensor& a, const Tensor& b);
/// The conjugate transpose of the last two dims: x.transpose(-2, -1) for real dtypes.
Tensor adjoint(const Tensor& x);
/// beta * self + alpha * (a @ b), as nn::Linear uses it.
Tensor addmm(const Tensor& self, const Tensor& a, const Tensor& b, const Scalar& beta = 1, const Scalar& alpha = 1);
/// beta * self + alpha * bmm(batch1, batch2), self broadcast to the (B, n, p) result.
Tensor baddbmm(const Tensor& self, const Tensor& batch1, const Tensor& batch2, const Scalar& beta = 1,
               const Scalar& alpha = 1);
/// beta * self + alpha * sum_i batch1[i] @ batch2[i], self broadcast to the (n, p) result.
Tensor addbmm(const Tensor& self, const Tensor& batch1, const Tensor& batch2, const Scalar& beta = 1,
              const Scalar& alpha = 1);

}  // namespace xgrad
