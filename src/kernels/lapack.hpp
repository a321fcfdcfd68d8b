// lapack.hpp: the QR factorisation xgrad takes from LAPACK (OpenBLAS ships it, the same library
// python3-torch's linalg.qr calls on Debian, so the factors match PyTorch's bit for bit). LAPACK is
// column-major Fortran: qr_reduced hands it a column-major copy and returns row-major factors.
// Argument errors reach xerbla_ (blas.cpp) and come back as BlasError, never as a line on stderr.
// Read next: src/nn/init.cpp (orthogonal_), its one user.
#pragma once

#include <cstdint>
#include <vector>

namespace xgrad::kernels {

/// The reduced QR factorisation of the row-major m x n matrix `a`: with k = min(m, n),
/// `q` (m x k, orthonormal columns) and `r` (k x n, upper triangular), both row-major, a = q @ r.
/// As torch.linalg.qr(a, mode='reduced'): Householder reflections (geqrf), Q formed by orgqr.
template <class T>
void qr_reduced(const T* a, int64_t m, int64_t n, std::vector<T>& q, std::vector<T>& r);

}  // namespace xgrad::kernels
