// gemm.hpp: C = alpha * A @ B + beta * C for strided matrices and batches of them: for float and
// double in xgrad's own vector kernels where they take the layout (gemm_simd.hpp, Note [Why not
// always OpenBLAS]), else through OpenBLAS (blas.hpp: one call, checked), and a plain loop for
// int64 (which BLAS does not do). A transposed view is passed to BLAS as transposed, so x.t() is never copied;
// what BLAS cannot read at all the op copies first (src/ops/linalg.cpp).
//
// Note [Splitting a product]
// OpenBLAS runs single-threaded; xgrad cuts a large product into blocks of C (gemm_grid) and
// hands them to its own pool like any other chunks (Note [Threads on a busy machine] in
// src/core/parallel.cpp). OpenBLAS's threads would pay on large products only as much as these
// blocks do (measured on the 2-vCPU machine: 1024^3 in 13.2 ms on OpenBLAS's two threads,
// 12.9 ms in xgrad's blocks, 22 ms on one thread; 2048^3: 115, 112 and 180 ms), but they split a
// product statically and spin while they wait, the faults that note is about, and a second pool
// on the same cores contends with xgrad's. So they stay off whatever the size.
// Read next: src/ops/linalg.cpp.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <string>
#include <type_traits>

#include "kernels/blas.hpp"
#include "kernels/gemm_simd.hpp"
#include "kernels/parallel.hpp"

namespace xgrad::kernels {

/// A block of a split product keeps at least kGemmGrain multiply-adds; it is halved along its
/// longer side while that side keeps at least kGemmSide. See Note [Splitting a product].
constexpr int64_t kGemmGrain = int64_t(1) << 21;
constexpr int64_t kGemmSide = 256;

/// The grid of blocks a product C (m x n, inner size k) is cut into. BLAS packs a block's rows of
/// A and columns of B anew for each block, and runs thin blocks slowly: measured here on one
/// thread, 2 blocks cost 0-4% more than one call, 8 blocks of 128 rows 15-30%, blocks of 256 x
/// 256 or more under 8%. So blocks stay at least kGemmSide on a side, except that a product of
/// at least kGemmGrain too thin for that is cut once, in two, along its longer side: an LSTM
/// step's 20x200 @ 200x800 (3.2M multiply-adds, 70 such products forward and 140 backward in the
/// issue-13 benchmark) is one, and OpenBLAS's own threads would take it on two cores (it splits
/// above 262144 multiply-adds per thread).
inline void gemm_grid(int64_t m, int64_t n, int64_t k, int64_t& grid_rows, int64_t& grid_cols) {
  grid_rows = grid_cols = 1;
  const double work = static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  for (;;) {
    const int64_t rows = m / grid_rows, cols = n / grid_cols;
    const bool split_rows = rows >= cols;
    const double block_work = work / static_cast<double>(grid_rows * grid_cols);
    if ((split_rows ? rows : cols) < 2 * kGemmSide || block_work < 2 * kGemmGrain) break;
    (split_rows ? grid_rows : grid_cols) *= 2;
  }
  if (grid_rows * grid_cols == 1 && work >= kGemmGrain && std::max(m, n) >= 64) (m >= n ? grid_rows : grid_cols) = 2;
}

/// The first call OpenBLAS rejected among those the pool's threads made, thrown by the caller
/// after the parallel loop (one error, the first, whichever thread met it).
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

/// Makes one checked call: in xgrad's own kernels where they take it (Note [Why not always
/// OpenBLAS] in gemm_simd.hpp), else through OpenBLAS. Returns what OpenBLAS reported.
template <class T>
BlasReport run_gemm(const GemmCall<T>& g) noexcept {
  if (simd_gemm::try_gemm(g)) return BlasReport{};
  return run_blas_gemm(g);
}

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
    // A large product is cut into a grid of blocks of C, each a BLAS call of its own on the
    // rows of A and columns of B it needs; the grid depends on the shape alone (one thread or
    // many: the same blocks, the same bits). A block of a readable matrix is readable
    // (blas_operand only relaxes as sizes shrink). See Note [Splitting a product].
    int64_t grid_rows = 1, grid_cols = 1;
    gemm_grid(m, n, k, grid_rows, grid_cols);
    if (grid_rows * grid_cols == 1) {
      const GemmCall<T> g = gemm_call(a, b, c, ldc, alpha, beta);
      const BlasReport report = run_gemm(g);
      if (report.argument != 0) throw BlasError(blas_rejection(report, describe(g)));
      return;
    }
    Rejections<T> rejections;
    parallel_for(grid_rows * grid_cols, 1, [&](int64_t begin, int64_t end) {
      for (int64_t block = begin; block < end; ++block) {
        const int64_t i = block / grid_cols, j = block % grid_cols;
        const int64_t r0 = i * m / grid_rows, r1 = (i + 1) * m / grid_rows;
        const int64_t c0 = j * n / grid_cols, c1 = (j + 1) * n / grid_cols;
        GemmCall<T> g = gemm_call(MatrixRef<T>{a.data + r0 * a.rs, r1 - r0, a.cols, a.rs, a.cs},
                                  MatrixRef<T>{b.data + c0 * b.cs, b.rows, c1 - c0, b.rs, b.cs}, c + r0 * ldc + c0, ldc,
                                  alpha, beta);
        rejections.record(run_gemm(g), g);
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

/// C[i] = alpha * A[i] @ B[i] + beta * C[i] for every i, C contiguous (batch x m x n; beta == 0
/// ignores C's values). Many small products are spread across cores a batch per task; a large one
/// is split inside gemm.
template <class T>
void gemm_batched(const BatchRef<T>& a, const BatchRef<T>& b, T* c, T alpha = T(1), T beta = T(0)) {
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
    for (int64_t i = 0; i < batch; ++i) gemm(at(a, i), at(b, i), c + i * m * n, n, alpha, beta);
    return;
  }
  if constexpr (std::is_same<T, float>::value || std::is_same<T, double>::value) {
    Rejections<T> rejections;
    parallel_for(batch, std::max<int64_t>(1, kGemmGrain / work), [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        T* ci = c + i * m * n;
        if (k == 0) {  // C = beta * C, as in gemm
          for (int64_t j = 0; j < m * n; ++j) ci[j] = beta == T(0) ? T(0) : ci[j] * beta;
          continue;
        }
        GemmCall<T> g = gemm_call(at(a, i), at(b, i), ci, n, alpha, beta);
        rejections.record(run_gemm(g), g);
      }
    });
    rejections.throw_if_any();
  }
}

}  // namespace xgrad::kernels
