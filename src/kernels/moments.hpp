// moments.hpp: the mean and variance of a row, exactly as PyTorch's CPU layer and group norm
// compute them (ATen's RowwiseMoments, native/cpu/moments_utils.h): Welford's algorithm run on
// L interleaved lanes (L = 8 floats or 4 doubles, ATen's AVX2 vector), in chunks of 16 steps
// combined pairwise (a cascade, for accuracy on long rows), then the lanes and the tail merged.
// Each `a * b + c` that ATen's compiled AVX2 code fuses is an fma here, so results agree bit for
// bit. Read next: kernels/layer_norm.hpp.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace xgrad::kernels {

/// ATen's Vectorized<T>::size() on AVX2 (the width its lane-wise sums use).
template <class T>
constexpr int64_t kAtenLanes = static_cast<int64_t>(32 / sizeof(T));

namespace moments_detail {

template <class T>
using Lanes = std::array<T, kAtenLanes<T>>;

/// ceil(log2(x)), at least 1 (ATen's CeilLog2).
inline int64_t ceil_log2(int64_t x) {
  if (x <= 2) return 1;
  int64_t bits = 0;
  for (uint64_t v = static_cast<uint64_t>(x) - 1; v != 0; v >>= 1) ++bits;
  return bits;
}

/// Merges the moments (m0_add, m1_add, m2_add) of one set into (m0, m1, m2) of another:
///   n = m0 + m0_add,  c = m0_add / n,  delta = m1_add - m1,
///   m1 += c * delta,  m2 += m2_add + delta^2 * c * m0
template <class T>
void add_moments(int64_t m0_add, T m1_add, T m2_add, int64_t& m0, T& m1, T& m2) {
  const int64_t n = m0 + m0_add;
  const T c = n == 0 ? T(0) : static_cast<T>(m0_add) / static_cast<T>(n);
  const T delta = m1_add - m1;
  m1 = std::fma(c, delta, m1);
  m2 = m2 + std::fma(delta * delta * c, static_cast<T>(m0), m2_add);
  m0 = n;
}

/// The same on every lane, with one count for all lanes.
template <class T>
void add_moments(int64_t m0_add, const Lanes<T>& m1_add, const Lanes<T>& m2_add, int64_t& m0, Lanes<T>& m1,
                 Lanes<T>& m2) {
  const int64_t n = m0 + m0_add;
  const T c = n == 0 ? T(0) : static_cast<T>(m0_add) / static_cast<T>(n);
  for (size_t l = 0; l < m1.size(); ++l) {
    const T delta = m1_add[l] - m1[l];
    m1[l] = std::fma(c, delta, m1[l]);
    m2[l] = m2[l] + std::fma(delta * delta * c, static_cast<T>(m0), m2_add[l]);
  }
  m0 = n;
}

}  // namespace moments_detail

/// (mean, variance) of x[0 .. N), the variance divided by N - ddof.
template <class T>
std::pair<T, T> rowwise_moments(const T* X, int64_t N, int64_t ddof = 0) {
  using moments_detail::Lanes;
  constexpr int64_t K = kAtenLanes<T>;
  constexpr int64_t kChunkSize = 16;
  const int64_t n = N / K;                                  // full vectors
  const int64_t m = (n + kChunkSize - 1) / kChunkSize;      // chunks of up to 16 vectors
  const int64_t depth = moments_detail::ceil_log2(m);
  const Lanes<T> zero{};
  std::vector<int64_t> m0_stk(static_cast<size_t>(depth), 0);
  std::vector<Lanes<T>> m1_stk(static_cast<size_t>(depth), zero), m2_stk(static_cast<size_t>(depth), zero);

  for (int64_t i = 0; i < m; ++i) {
    const T* X_ptr = X + i * kChunkSize * K;
    const int64_t m0 = std::min(kChunkSize, n - i * kChunkSize);
    Lanes<T> m1{}, m2{};
    for (int64_t j = 0; j < m0; ++j) {  // Welford within the chunk, lane by lane
      const T c = T(1) / static_cast<T>(j + 1);
      for (int64_t l = 0; l < K; ++l) {
        const T x = X_ptr[j * K + l];
        const T delta = x - m1[l];
        m1[l] = std::fma(delta, c, m1[l]);
        m2[l] = std::fma(delta, x - m1[l], m2[l]);
      }
    }
    moments_detail::add_moments(m0, m1, m2, m0_stk[0], m1_stk[0], m2_stk[0]);
    // The cascade: after 2^j chunks, level j - 1 is merged into level j.
    int64_t mask = i + 1;
    for (int64_t j = 1; j < depth && (mask & 1) == 0; ++j) {
      moments_detail::add_moments(m0_stk[j - 1], m1_stk[j - 1], m2_stk[j - 1], m0_stk[j], m1_stk[j], m2_stk[j]);
      m0_stk[j - 1] = 0;
      m1_stk[j - 1] = zero;
      m2_stk[j - 1] = zero;
      mask >>= 1;
    }
  }
  for (int64_t i = 1; i < depth; ++i)
    moments_detail::add_moments(m0_stk[i], m1_stk[i], m2_stk[i], m0_stk[0], m1_stk[0], m2_stk[0]);

  // The tail (N mod K elements) by plain Welford, then each lane merged in.
  int64_t m0 = 0;
  T m1 = 0, m2 = 0;
  for (int64_t i = n * K; i < N; ++i) {
    const T delta = X[i] - m1;
    ++m0;
    m1 += delta / static_cast<T>(m0);
    m2 = std::fma(delta, X[i] - m1, m2);
  }
  for (int64_t l = 0; l < K; ++l) moments_detail::add_moments(n, m1_stk[0][l], m2_stk[0][l], m0, m1, m2);
  return {m1, m2 / static_cast<T>(N - ddof)};
}

}  // namespace xgrad::kernels
