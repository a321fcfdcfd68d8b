// gemm.hpp: C = alpha * op(A) @ op(B) + beta * C through OpenBLAS for float and double, and a
// plain loop for int64 (which BLAS does not do). A matrix is given by its pointer and strides;
// a transposed view (row stride 1) is passed to BLAS as transposed, so x.t() is never copied.
// Read next: src/ops/linalg.cpp.
#pragma once

#include <cblas.h>

#include <cstdint>
#include <type_traits>

namespace xgrad::kernels {

/// A strided matrix view: element (i, j) is at data[i * rs + j * cs].
template <class T>
struct MatrixRef {
  const T* data;
  int64_t rows, cols, rs, cs;
};

/// Whether BLAS can read m in place: one of its strides must be 1 and the other a valid leading dimension.
template <class T>
bool blas_compatible(const MatrixRef<T>& m) {
  if (m.cs == 1 && m.rs >= std::max<int64_t>(1, m.cols)) return true;
  if (m.rs == 1 && m.cs >= std::max<int64_t>(1, m.rows)) return true;
  return false;
}

/// C (rows x cols, row-major contiguous, leading dim ldc) = alpha * A @ B + beta * C.
template <class T>
void gemm(const MatrixRef<T>& a, const MatrixRef<T>& b, T* c, int64_t ldc, T alpha, T beta) {
  const int64_t m = a.rows, n = b.cols, k = a.cols;
  if (m == 0 || n == 0) return;
  if constexpr (std::is_same<T, float>::value || std::is_same<T, double>::value) {
    auto trans = [](const MatrixRef<T>& x) { return x.cs == 1 ? CblasNoTrans : CblasTrans; };
    auto ld = [](const MatrixRef<T>& x) { return static_cast<int>(x.cs == 1 ? x.rs : x.cs); };
    if (k == 0) {  // BLAS would not scale C by beta when k == 0 on every build; do it here
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) c[i * ldc + j] = beta == T(0) ? T(0) : c[i * ldc + j] * beta;
      return;
    }
    if constexpr (std::is_same<T, float>::value)
      cblas_sgemm(CblasRowMajor, trans(a), trans(b), static_cast<int>(m), static_cast<int>(n), static_cast<int>(k),
                  alpha, a.data, ld(a), b.data, ld(b), beta, c, static_cast<int>(ldc));
    else
      cblas_dgemm(CblasRowMajor, trans(a), trans(b), static_cast<int>(m), static_cast<int>(n), static_cast<int>(k),
                  alpha, a.data, ld(a), b.data, ld(b), beta, c, static_cast<int>(ldc));
  } else {
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        T acc = T(0);
        for (int64_t p = 0; p < k; ++p) acc += a.data[i * a.rs + p * a.cs] * b.data[p * b.rs + j * b.cs];
        c[i * ldc + j] = static_cast<T>(alpha * acc + (beta == T(0) ? T(0) : beta * c[i * ldc + j]));
      }
  }
}

}  // namespace xgrad::kernels
