// blas.hpp: one OpenBLAS gemm call, made safe. How a strided matrix is handed to BLAS (transpose
// flag and leading dimension, decided in one place: blas_operand), every argument checked
// against BLAS's rules before the call, and BLAS's own argument errors (reported through
// xerbla_, which blas.cpp replaces) turned into exceptions instead of a line on stderr.
// Read next: gemm.hpp (products of any size, split across cores), then src/ops/linalg.cpp.
#pragma once

#include <cblas.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace xgrad::kernels {

/// A strided matrix view: element (i, j) is at data[i * rs + j * cs].
template <class T>
struct MatrixRef {
  const T* data;
  int64_t rows, cols, rs, cs;
};

// Note [BLAS layouts]
// Row-major BLAS reads an r x c matrix in one of two ways:
//   as is       (CblasNoTrans): element (i, j) at i * ld + j, which needs ld >= max(1, c);
//   transposed  (CblasTrans):   element (i, j) at j * ld + i (the transpose, stored row-major),
//                               which needs ld >= max(1, r).
// So one stride must be 1 and the other is the leading dimension. A dim of size 1 or 0 is never
// stepped along, so its stride means nothing: PyTorch gives a [4, 1] column strides (1, 1) and
// its transpose [1, 4] strides (1, 1), and a leading dimension read off such a stride is often
// illegal (the bug of issue 9: lda = 1 for a 1 x 4 matrix). blas_operand ignores the stride of a
// size-1 or size-0 dim, choosing the smallest legal leading dimension there. Any other layout
// (stride-0 broadcast rows, slices with a step along both dims) cannot be read in place, and the
// op copies the matrix to a contiguous buffer first (src/ops/linalg.cpp).

/// How BLAS reads a matrix (see the Note above).
struct BlasOperand {
  bool readable;    // false: no transpose flag and leading dimension describe these strides
  bool transposed;  // pass CblasTrans
  int64_t ld;       // the leading dimension
};

/// The largest size or leading dimension OpenBLAS's 32-bit integer interface takes.
constexpr int64_t kBlasIntMax = 2147483647;

template <class T>
BlasOperand blas_operand(const MatrixRef<T>& m) {
  if (m.rows == 0 || m.cols == 0) return {true, false, m.cols > 1 ? m.cols : 1};  // nothing is read
  const bool one_row = m.rows <= 1, one_col = m.cols <= 1;
  if (m.cs == 1 || one_col) {  // rows are contiguous runs, ld apart
    const int64_t need = m.cols > 1 ? m.cols : 1;
    const int64_t ld = one_row ? need : m.rs;
    if (ld >= need && ld <= kBlasIntMax) return {true, false, ld};
  }
  if (m.rs == 1 || one_row) {  // columns are contiguous runs, ld apart
    const int64_t need = m.rows > 1 ? m.rows : 1;
    const int64_t ld = one_col ? need : m.cs;
    if (ld >= need && ld <= kBlasIntMax) return {true, true, ld};
  }
  return {false, false, 0};
}

/// A BLAS argument error: a call xgrad refused to make, or one OpenBLAS rejected.
class BlasError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The arguments of one row-major cblas_?gemm call: C = alpha * op(A) @ op(B) + beta * C, where
/// op(A) is m x k, op(B) is k x n and C is m x n.
template <class T>
struct GemmCall {
  bool trans_a, trans_b;
  int64_t m, n, k;
  T alpha;
  const T* a;
  int64_t lda;
  const T* b;
  int64_t ldb;
  T beta;
  T* c;
  int64_t ldc;
};

/// What is wrong with a call's arguments by BLAS's rules, or "" when nothing is.
template <class T>
std::string gemm_call_problem(const GemmCall<T>& g) {
  auto at_least_one = [](int64_t v) { return v > 1 ? v : int64_t{1}; };
  auto str = [](int64_t v) { return std::to_string(v); };
  if (g.m < 0 || g.n < 0 || g.k < 0 || g.m > kBlasIntMax || g.n > kBlasIntMax || g.k > kBlasIntMax)
    return "sizes m = " + str(g.m) + ", n = " + str(g.n) + ", k = " + str(g.k) + " out of BLAS's range";
  const int64_t need_a = at_least_one(g.trans_a ? g.m : g.k), need_b = at_least_one(g.trans_b ? g.k : g.n);
  const int64_t need_c = at_least_one(g.n);
  if (g.lda < need_a || g.lda > kBlasIntMax) return "lda = " + str(g.lda) + " but it must be >= " + str(need_a);
  if (g.ldb < need_b || g.ldb > kBlasIntMax) return "ldb = " + str(g.ldb) + " but it must be >= " + str(need_b);
  if (g.ldc < need_c || g.ldc > kBlasIntMax) return "ldc = " + str(g.ldc) + " but it must be >= " + str(need_c);
  if ((g.m > 0 && g.n > 0 && g.c == nullptr) || (g.m > 0 && g.k > 0 && g.a == nullptr) ||
      (g.n > 0 && g.k > 0 && g.b == nullptr))
    return "a null matrix pointer";
  return "";
}

/// What OpenBLAS reported through xerbla_: the number of the argument it rejected (0: none)
/// and the routine's name ("SGEMM ").
struct BlasReport {
  int argument = 0;
  char routine[8] = {};
};

/// The report of the last BLAS call on this thread; reading it clears it. Defined in blas.cpp,
/// with the xerbla_ handler that writes it.
BlasReport take_blas_report() noexcept;

/// Makes the call through OpenBLAS (single-threaded; see gemm.hpp) and returns what OpenBLAS
/// reported (argument 0: it accepted the call). Never throws: it also runs on the pool's workers.
template <class T>
BlasReport run_blas_gemm(const GemmCall<T>& g) noexcept {
  static const bool one_thread = [] {  // see the note at the top of gemm.hpp
    openblas_set_num_threads(1);
    return true;
  }();
  (void)one_thread;
  take_blas_report();  // start clean
  const auto ta = g.trans_a ? CblasTrans : CblasNoTrans, tb = g.trans_b ? CblasTrans : CblasNoTrans;
  const int m = static_cast<int>(g.m), n = static_cast<int>(g.n), k = static_cast<int>(g.k);
  const int lda = static_cast<int>(g.lda), ldb = static_cast<int>(g.ldb), ldc = static_cast<int>(g.ldc);
  if constexpr (std::is_same<T, float>::value)
    cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, g.alpha, g.a, lda, g.b, ldb, g.beta, g.c, ldc);
  else
    cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, g.alpha, g.a, lda, g.b, ldb, g.beta, g.c, ldc);
  return take_blas_report();
}

/// "OpenBLAS rejected argument 10 of SGEMM (...)": the message for a rejected call.
std::string blas_rejection(const BlasReport& report, const std::string& call);

/// A call's arguments, for messages: "m = 1, n = 1, k = 4, lda = 1, ldb = 1, ldc = 1".
template <class T>
std::string describe(const GemmCall<T>& g) {
  auto str = [](int64_t v) { return std::to_string(v); };
  return std::string(g.trans_a ? "A transposed, " : "") + (g.trans_b ? "B transposed, " : "") + "m = " + str(g.m) +
         ", n = " + str(g.n) + ", k = " + str(g.k) + ", lda = " + str(g.lda) + ", ldb = " + str(g.ldb) +
         ", ldc = " + str(g.ldc);
}

/// Makes the call and throws BlasError if OpenBLAS rejected an argument (after the call has
/// returned: nothing is thrown through BLAS's C frames). The arguments are not checked first:
/// gemm() does that; this is the last line of defence, and what the test of the handler calls.
template <class T>
void blas_gemm(const GemmCall<T>& g) {
  BlasReport report = run_blas_gemm(g);
  if (report.argument != 0) throw BlasError(blas_rejection(report, describe(g)));
}

}  // namespace xgrad::kernels
