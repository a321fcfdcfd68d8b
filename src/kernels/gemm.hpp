// gemm.hpp: C = alpha * op(A) @ op(B) + beta * C through OpenBLAS for float and double, and a
// plain loop for int64 (which BLAS does not do). A matrix is given by its pointer and strides;
// a transposed view (row stride 1) is passed to BLAS as transposed, so x.t() is never copied.
//
// Threads: OpenBLAS runs single-threaded, and xgrad splits a large product across cores itself,
// with the OpenMP workers every other kernel uses. Two pools on the same cores (OpenBLAS's
// pthreads and OpenMP's) spin and yield against each other between calls: measured on the
// 2-core CI machine, a Fashion-MNIST epoch spent three quarters of its time in that contention.
// Read next: src/ops/linalg.cpp.
#pragma once

#include <cblas.h>

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "kernels/parallel.hpp"

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

/// Multiply-adds below which one core does the whole product (splitting costs a few microseconds).
constexpr int64_t kGemmGrain = int64_t(1) << 20;

/// One BLAS call on the whole of A and B (floating types only).
template <class T>
void blas_gemm(const MatrixRef<T>& a, const MatrixRef<T>& b, T* c, int64_t ldc, T alpha, T beta) {
  static const bool one_thread = [] {  // see the note at the top of this file
    openblas_set_num_threads(1);
    return true;
  }();
  (void)one_thread;
  auto trans = [](const MatrixRef<T>& x) { return x.cs == 1 ? CblasNoTrans : CblasTrans; };
  auto ld = [](const MatrixRef<T>& x) { return static_cast<int>(x.cs == 1 ? x.rs : x.cs); };
  const int m = static_cast<int>(a.rows), n = static_cast<int>(b.cols), k = static_cast<int>(a.cols);
  if constexpr (std::is_same<T, float>::value)
    cblas_sgemm(CblasRowMajor, trans(a), trans(b), m, n, k, alpha, a.data, ld(a), b.data, ld(b), beta, c,
                static_cast<int>(ldc));
  else
    cblas_dgemm(CblasRowMajor, trans(a), trans(b), m, n, k, alpha, a.data, ld(a), b.data, ld(b), beta, c,
                static_cast<int>(ldc));
}

/// C (rows x cols, row-major contiguous, leading dim ldc) = alpha * A @ B + beta * C.
template <class T>
void gemm(const MatrixRef<T>& a, const MatrixRef<T>& b, T* c, int64_t ldc, T alpha, T beta) {
  const int64_t m = a.rows, n = b.cols, k = a.cols;
  if (m == 0 || n == 0) return;
  if constexpr (std::is_same<T, float>::value || std::is_same<T, double>::value) {
    if (k == 0) {  // BLAS would not scale C by beta when k == 0 on every build; do it here
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) c[i * ldc + j] = beta == T(0) ? T(0) : c[i * ldc + j] * beta;
      return;
    }
    // A large product is cut along the longer side of C into one block per core, each block a
    // BLAS call of its own: rows of C take rows of A, columns of C take columns of B.
    const int64_t parts = std::min<int64_t>(max_threads(), m * n * k / kGemmGrain);
    if (parts < 2) return blas_gemm(a, b, c, ldc, alpha, beta);
    const bool by_rows = m >= n;
    const int64_t side = by_rows ? m : n;
    const int64_t block = (side + parts - 1) / parts;
    parallel_for(parts, 1, [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p) {
        const int64_t lo = p * block, len = std::min(side, lo + block) - lo;
        if (len <= 0) continue;
        if (by_rows)
          blas_gemm(MatrixRef<T>{a.data + lo * a.rs, len, a.cols, a.rs, a.cs}, b, c + lo * ldc, ldc, alpha, beta);
        else
          blas_gemm(a, MatrixRef<T>{b.data + lo * b.cs, b.rows, len, b.rs, b.cs}, c + lo, ldc, alpha, beta);
      }
    });
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
