// gemm.hpp: C = alpha * A @ B + beta * C for strided matrices and batches of them: through
// OpenBLAS for float and double (blas.hpp: one call, checked), and a plain loop for int64 (which
// BLAS does not do). A transposed view is passed to BLAS as transposed, so x.t() is never copied;
// what BLAS cannot read at all the op copies first (src/ops/linalg.cpp).
//
// Threads: OpenBLAS runs single-threaded, and xgrad splits a large product across cores itself,
// with the OpenMP workers every other kernel uses. Two pools on the same cores (OpenBLAS's
// pthreads and OpenMP's) spin and yield against each other between calls: measured on the
// 2-core CI machine, a Fashion-MNIST epoch spent three quarters of its time in that contention.
// Read next: src/ops/linalg.cpp.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <string>
#include <type_traits>

#include "kernels/blas.hpp"
#include "kernels/parallel.hpp"

namespace xgrad::kernels {

/// Multiply-adds below which one core does the whole product (splitting costs a few microseconds).
constexpr int64_t kGemmGrain = int64_t(1) << 20;

/// The first call OpenBLAS rejected among those OpenMP workers made: a worker must not throw, so
/// it records here, and the caller throws after the parallel loop.
template <class T>
class Rejections {
 public:
  void record(const BlasReport& r, const GemmCall<T>& g) {
    int expected = 0;
    if (r.argument != 0 && argument_.compare_exchange_strong(expected, r.argument)) {
      report_ = r;
      call_ = g;
    }
  }
  void throw_if_any() const {
    if (argument_.load() != 0) throw BlasError(blas_rejection(report_, describe(call_)));
  }

 private:
  std::atomic<int> argument_{0};
  BlasReport report_;
  GemmCall<T> call_{};
};

/// The BLAS call for C (m x n, leading dim ldc) = alpha * A @ B + beta * C; both operands must be
/// readable (blas_operand).
template <class T>
GemmCall<T> gemm_call(const MatrixRef<T>& a, const MatrixRef<T>& b, T* c, int64_t ldc, T alpha, T beta) {
  const BlasOperand la = blas_operand(a), lb = blas_operand(b);
  return GemmCall<T>{la.transposed, lb.transposed, a.rows, b.cols, a.cols, alpha, a.data, la.ld,
                     b.data, lb.ld, beta, c, ldc};
}

/// Throws BlasError unless BLAS can take the product of a and b into c as it is: readable
/// operands, matching inner sizes, and every argument of the call within BLAS's rules.
template <class T>
void check_gemm(const MatrixRef<T>& a, const MatrixRef<T>& b, int64_t ldc) {
  if (a.cols != b.rows)
    throw BlasError("inner sizes differ: " + std::to_string(a.cols) + " and " + std::to_string(b.rows));
  if (!blas_operand(a).readable || !blas_operand(b).readable)
    throw BlasError("an operand's strides are not a BLAS layout (copy it first)");
  GemmCall<T> g = gemm_call(a, b, static_cast<T*>(nullptr), ldc, T(1), T(0));
  std::string problem = gemm_call_problem(g);
  if (!problem.empty() && problem != "a null matrix pointer") throw BlasError(problem + " (" + describe(g) + ")");
}

/// C = alpha * A @ B + beta * C with C row-major (leading dim ldc); beta == 0 ignores C's values.
/// Floating types must pass check_gemm (gemm checks, and throws BlasError). Large products are
/// split across cores.
template <class T>
void gemm(const MatrixRef<T>& a, const MatrixRef<T>& b, T* c, int64_t ldc, T alpha, T beta) {
  const int64_t m = a.rows, n = b.cols, k = a.cols;
  if constexpr (std::is_same<T, float>::value || std::is_same<T, double>::value) {
    check_gemm(a, b, ldc);
    if (m == 0 || n == 0) return;
    if (k == 0) {  // C = beta * C, which BLAS does not promise for k == 0 on every build
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) c[i * ldc + j] = beta == T(0) ? T(0) : c[i * ldc + j] * beta;
      return;
    }
    // A large product is cut along the longer side of C into one block per core, each block a
    // BLAS call of its own: rows of C take rows of A, columns of C take columns of B. A block of a
    // readable matrix is readable (blas_operand only relaxes as sizes shrink).
    const int64_t parts = std::min<int64_t>(max_threads(), m * n * k / kGemmGrain);
    if (parts < 2) return blas_gemm(gemm_call(a, b, c, ldc, alpha, beta));
    const bool by_rows = m >= n;
    const int64_t side = by_rows ? m : n;
    const int64_t block = (side + parts - 1) / parts;
    Rejections<T> rejections;
    parallel_for(parts, 1, [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p) {
        const int64_t lo = p * block, len = std::min(side, lo + block) - lo;
        if (len <= 0) continue;
        GemmCall<T> g = by_rows ? gemm_call(MatrixRef<T>{a.data + lo * a.rs, len, a.cols, a.rs, a.cs}, b, c + lo * ldc,
                                            ldc, alpha, beta)
                                : gemm_call(a, MatrixRef<T>{b.data + lo * b.cs, b.rows, len, b.rs, b.cs}, c + lo, ldc,
                                            alpha, beta);
        rejections.record(run_blas_gemm(g), g);
      }
    });
    rejections.throw_if_any();
  } else {
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        T acc = T(0);
        for (int64_t p = 0; p < k; ++p) acc += a.data[i * a.rs + p * a.cs] * b.data[p * b.rs + j * b.cs];
        c[i * ldc + j] = static_cast<T>(alpha * acc + (beta == T(0) ? T(0) : beta * c[i * ldc + j]));
      }
  }
}

/// A batch of strided matrices: matrix i starts at data + i * bs (bs == 0: one matrix, broadcast).
template <class T>
struct BatchRef {
  MatrixRef<T> matrix;  // the first matrix
  int64_t batch, bs;
};

/// C[i] = A[i] @ B[i] for every i, C contiguous (batch x m x n). Many small products are spread
/// across cores a batch per task; a large one is split inside gemm.
template <class T>
void gemm_batched(const BatchRef<T>& a, const BatchRef<T>& b, T* c) {
  const int64_t batch = a.batch, m = a.matrix.rows, n = b.matrix.cols, k = a.matrix.cols;
  auto at = [](const BatchRef<T>& x, int64_t i) {
    MatrixRef<T> r = x.matrix;
    r.data += i * x.bs;
    return r;
  };
  if constexpr (std::is_same<T, float>::value || std::is_same<T, double>::value)
    check_gemm(a.matrix, b.matrix, std::max<int64_t>(n, 1));
  if (batch == 0 || m == 0 || n == 0) return;
  const int64_t work = m * n * std::max<int64_t>(k, 1);
  if (work >= kGemmGrain || batch == 1 || !(std::is_same<T, float>::value || std::is_same<T, double>::value)) {
    for (int64_t i = 0; i < batch; ++i) gemm(at(a, i), at(b, i), c + i * m * n, n, T(1), T(0));
    return;
  }
  if constexpr (std::is_same<T, float>::value || std::is_same<T, double>::value) {
    Rejections<T> rejections;
    parallel_for(batch, std::max<int64_t>(1, kGemmGrain / work), [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        T* ci = c + i * m * n;
        if (k == 0) {
          std::fill(ci, ci + m * n, T(0));
          continue;
        }
        GemmCall<T> g = gemm_call(at(a, i), at(b, i), ci, n, T(1), T(0));
        rejections.record(run_blas_gemm(g), g);
      }
    });
    rejections.throw_if_any();
  }
}

}  // namespace xgrad::kernels
