// gemm_simd.hpp: xgrad's own float and double products for the two layouts a Linear layer's step
// makes (forward x @ W^T, backward g @ W and g^T @ x), in registers with xsimd, instead of
// OpenBLAS. gemm.hpp chooses between the two. Read next: gemm.hpp.
//
// Note [Why not always OpenBLAS]
// Debian's OpenBLAS (0.3.21, DYNAMIC_ARCH) picks its kernels from the CPU it finds; it does not
// know this machine's (family 6, model 207: "Intel(R) Xeon(R) Processor" under a hypervisor, with
// AVX-512) and falls back to its Prescott (SSE3) kernels: OPENBLAS_VERBOSE=2 prints "Core:
// Prescott". A 256^3 product then takes 1.70 ms; with OPENBLAS_CORETYPE=SkylakeX, 0.19 ms.
// Nothing a library does after it is loaded changes OpenBLAS's choice, so the products a small
// network makes (samples/fashion_mnist_cnn's Linear(1568, 128) on batches of 64: three products
// of 12.8M multiply-adds a step) run here, a register block of C at a time with the vector width
// this build was compiled for:
//   rows_kernel  B's rows contiguous (A any strides): C[i, j..j+V*NV] += A(i, p) * B[p, j..] for
//                p in order, an accumulator per (row, vector) (g @ W, g^T @ x);
//   dots_kernel  A's rows and B's columns contiguous (B = W^T, stored as W): C(i, j) = the dot
//                product of A's row i and W's row j, each lane summing every V-th term, the lanes
//                added up at the end (x @ W^T).
// Each element of C is summed in an order that depends on k alone, never on the block it falls
// in, so splitting C between threads (gemm_grid) gives the same bits on one thread or many. The
// order is not OpenBLAS's (which differs between its own kernels too): results agree with it to
// float rounding, as PyTorch's own agree between CPUs.
#pragma once

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "kernels/blas.hpp"

namespace xgrad::kernels::simd_gemm {

template <class T>
using Vec = xsimd::batch<T>;

/// rows_kernel on an MR x (NV vectors) block of C at (i0, j0).
template <class T, int MR, int NV>
inline void rows_block(const GemmCall<T>& g, int64_t ars, int64_t acs, int64_t i0, int64_t j0) {
  constexpr int64_t L = Vec<T>::size;
  Vec<T> acc[MR][NV];
  for (int r = 0; r < MR; ++r)
    for (int v = 0; v < NV; ++v) acc[r][v] = Vec<T>(T(0));
  const T* a = g.a + i0 * ars;
  const T* b = g.b + j0;
  for (int64_t p = 0; p < g.k; ++p) {
    Vec<T> bv[NV];
    for (int v = 0; v < NV; ++v) bv[v] = Vec<T>::load_unaligned(b + p * g.ldb + v * L);
    for (int r = 0; r < MR; ++r) {
      const Vec<T> av(a[r * ars + p * acs]);
      for (int v = 0; v < NV; ++v) acc[r][v] = xsimd::fma(av, bv[v], acc[r][v]);
    }
  }
  const Vec<T> alpha(g.alpha), beta(g.beta);
  for (int r = 0; r < MR; ++r)
    for (int v = 0; v < NV; ++v) {
      T* c = g.c + (i0 + r) * g.ldc + j0 + v * L;
      Vec<T> out = alpha * acc[r][v];
      if (g.beta != T(0)) out = xsimd::fma(beta, Vec<T>::load_unaligned(c), out);
      out.store_unaligned(c);
    }
}

/// One element of C the way rows_block sums it (p in order), for the columns past the last vector.
template <class T>
inline void rows_scalar(const GemmCall<T>& g, int64_t ars, int64_t acs, int64_t i, int64_t j) {
  T acc = T(0);
  for (int64_t p = 0; p < g.k; ++p) acc = std::fma(g.a[i * ars + p * acs], g.b[p * g.ldb + j], acc);
  T& c = g.c[i * g.ldc + j];
  c = g.beta != T(0) ? std::fma(g.beta, c, g.alpha * acc) : g.alpha * acc;
}

/// All rows of C for the NV-vector column block at j0.
template <class T, int NV>
inline void rows_column(const GemmCall<T>& g, int64_t ars, int64_t acs, int64_t j0) {
  int64_t i = 0;
  for (; i + 4 <= g.m; i += 4) rows_block<T, 4, NV>(g, ars, acs, i, j0);
  for (; i < g.m; ++i) rows_block<T, 1, NV>(g, ars, acs, i, j0);
}

/// C = alpha * A @ B + beta * C with B's rows contiguous (not transposed).
template <class T>
void rows_kernel(const GemmCall<T>& g) {
  const int64_t ars = g.trans_a ? 1 : g.lda, acs = g.trans_a ? g.lda : 1;
  // Column blocks outside, row blocks inside: a block of B's columns (k x 4 vectors) stays in
  // the cache while every row of A passes over it.
  constexpr int64_t L = Vec<T>::size;
  int64_t j = 0;
  for (; j + 4 * L <= g.n; j += 4 * L) rows_column<T, 4>(g, ars, acs, j);
  for (; j + L <= g.n; j += L) rows_column<T, 1>(g, ars, acs, j);
  for (; j < g.n; ++j)
    for (int64_t i = 0; i < g.m; ++i) rows_scalar(g, ars, acs, i, j);
}

/// dots_kernel on an MR x NR block of C at (i0, j0).
template <class T, int MR, int NR>
inline void dots_block(const GemmCall<T>& g, int64_t i0, int64_t j0) {
  constexpr int64_t L = Vec<T>::size;
  Vec<T> acc[MR][NR];
  for (int r = 0; r < MR; ++r)
    for (int c = 0; c < NR; ++c) acc[r][c] = Vec<T>(T(0));
  const T* a = g.a + i0 * g.lda;
  const T* b = g.b + j0 * g.ldb;
  const int64_t kv = g.k / L * L;
  for (int64_t p = 0; p < kv; p += L) {
    Vec<T> bv[NR];
    for (int c = 0; c < NR; ++c) bv[c] = Vec<T>::load_unaligned(b + c * g.ldb + p);
    for (int r = 0; r < MR; ++r) {
      const Vec<T> av = Vec<T>::load_unaligned(a + r * g.lda + p);
      for (int c = 0; c < NR; ++c) acc[r][c] = xsimd::fma(av, bv[c], acc[r][c]);
    }
  }
  for (int r = 0; r < MR; ++r)
    for (int c = 0; c < NR; ++c) {
      T sum = xsimd::hadd(acc[r][c]);
      for (int64_t p = kv; p < g.k; ++p) sum = std::fma(a[r * g.lda + p], b[c * g.ldb + p], sum);
      T& out = g.c[(i0 + r) * g.ldc + j0 + c];
      out = g.beta != T(0) ? std::fma(g.beta, out, g.alpha * sum) : g.alpha * sum;
    }
}

/// C = alpha * A @ B + beta * C with A's rows contiguous and B transposed (B^T's rows contiguous).
template <class T>
void dots_kernel(const GemmCall<T>& g) {
  int64_t i = 0;
  for (; i + 4 <= g.m; i += 4) {
    int64_t j = 0;
    for (; j + 4 <= g.n; j += 4) dots_block<T, 4, 4>(g, i, j);
    for (; j < g.n; ++j) dots_block<T, 4, 1>(g, i, j);
  }
  for (; i < g.m; ++i) {
    int64_t j = 0;
    for (; j + 4 <= g.n; j += 4) dots_block<T, 1, 4>(g, i, j);
    for (; j < g.n; ++j) dots_block<T, 1, 1>(g, i, j);
  }
}

/// The most bytes of the operand each kernel reads again for every block (A in rows_kernel, once per
/// column block; B in dots_kernel, once per row strip) may take: these kernels do not block k for
/// the caches, so that operand must stay in the core's L2 (2 MiB here). A small network's layers
/// fit (a Linear(1568, 128)'s weight is 784 KiB); larger products go to BLAS.
constexpr int64_t kSimdGemmRereadBytes = int64_t(1) << 20;

/// Computes the call here if one of the two kernels takes its layout; false: BLAS must.
template <class T>
bool try_gemm(const GemmCall<T>& g) {
  if constexpr (!(std::is_same<T, float>::value || std::is_same<T, double>::value)) {
    return false;
  } else {
    // alpha == 0: BLAS does not read A and B (a NaN there stays out of C); leave that to it.
    if (g.alpha == T(0) || g.k <= 0 || g.m <= 0 || g.n <= 0) return false;
    const int64_t reread = (g.trans_b ? g.n : g.m) * g.k * static_cast<int64_t>(sizeof(T));
    if (reread > kSimdGemmRereadBytes) return false;
    if (!g.trans_b) {
      rows_kernel(g);
      return true;
    }
    if (!g.trans_a) {
      dots_kernel(g);
      return true;
    }
    return false;
  }
}

}  // namespace xgrad::kernels::simd_gemm
