// softmax.hpp: softmax and log_softmax over one dim of a contiguous buffer viewed as
// (outer, n, inner), forward and backward. The common case, the last dim (inner == 1), runs on
// contiguous rows with xsimd; the max is subtracted first so exp never overflows.
// Read next: src/ops/softmax.cpp.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include <xsimd/xsimd.hpp>

namespace xgrad::kernels {

/// max of a row, NaN if the row holds a NaN (so the whole row becomes NaN, as in PyTorch).
template <class T>
T row_max(const T* x, int64_t n) {
  using B = xsimd::batch<T>;
  constexpr int64_t W = B::size;
  T m = -std::numeric_limits<T>::infinity();
  bool nan = false;
  int64_t i = 0;
  if (n >= W) {
    B mv(m);
    auto nanv = xsimd::batch_bool<T>(false);
    for (; i + W <= n; i += W) {
      B v = B::load_unaligned(x + i);
      mv = xsimd::max(mv, v);
      nanv = nanv | xsimd::isnan(v);
    }
    alignas(64) T lanes[W];
    mv.store_aligned(lanes);
    for (int64_t l = 0; l < W; ++l) m = lanes[l] > m ? lanes[l] : m;
    nan = xsimd::any(nanv);
  }
  for (; i < n; ++i) {
    m = x[i] > m ? x[i] : m;
    nan = nan || std::isnan(x[i]);
  }
  return nan ? std::numeric_limits<T>::quiet_NaN() : m;
}

/// exp(x[k] - m) for the n < W values of a row's tail, through one padded SIMD batch: every
/// element of a row, tail or not, gets the same exp, so a value does not depend on where in the
/// row it sits (the fused cross entropy relies on this to equal log_softmax + nll_loss exactly).
template <class T>
void tail_exp(const T* x, int64_t n, T m, T* out) {
  using B = xsimd::batch<T>;
  alignas(64) T lanes[B::size] = {};
  for (int64_t k = 0; k < n; ++k) lanes[k] = x[k] - m;
  xsimd::exp(B::load_aligned(lanes)).store_aligned(lanes);
  for (int64_t k = 0; k < n; ++k) out[k] = lanes[k];
}

/// sum of exp(x - m) over a row; if `out` is given, exp(x - m) is stored there too. Full SIMD
/// chunks add lane-wise, then the lanes, then the tail one by one (row_sum adds in this order).
template <class T>
T row_sum_exp(const T* x, int64_t n, T m, T* out = nullptr) {
  using B = xsimd::batch<T>;
  constexpr int64_t W = B::size;
  int64_t i = 0;
  B acc(T(0));
  B mv(m);
  for (; i + W <= n; i += W) {
    B e = xsimd::exp(B::load_unaligned(x + i) - mv);
    if (out) e.store_unaligned(out + i);
    acc += e;
  }
  T s = xsimd::hadd(acc);
  alignas(64) T tail[W];
  tail_exp(x + i, n - i, m, tail);
  for (int64_t k = 0; i + k < n; ++k) {
    if (out) out[i + k] = tail[k];
    s += tail[k];
  }
  return s;
}

/// sum of a row, in exactly row_sum_exp's order: row_sum(exps) == row_sum_exp(x) bit for bit.
template <class T>
T row_sum(const T* x, int64_t n) {
  using B = xsimd::batch<T>;
  constexpr int64_t W = B::size;
  int64_t i = 0;
  B acc(T(0));
  for (; i + W <= n; i += W) acc += B::load_unaligned(x + i);
  T s = xsimd::hadd(acc);
  for (; i < n; ++i) s += x[i];
  return s;
}

/// y = log_softmax(x) or softmax(x) along the middle dim of (outer, n, inner).
template <class T, bool Log>
void softmax_forward(const T* x, T* y, int64_t outer, int64_t n, int64_t inner) {
  using B = xsimd::batch<T>;
  constexpr int64_t W = B::size;
  if (inner == 1) {
    for (int64_t o = 0; o < outer; ++o) {
      const T* xr = x + o * n;
      T* yr = y + o * n;
      T m = row_max(xr, n);
      if constexpr (Log) {
        T log_sum = std::log(row_sum_exp(xr, n, m));  // y = x - max - log(sum(exp(x - max)))
        int64_t i = 0;
        for (; i + W <= n; i += W) (B::load_unaligned(xr + i) - B(m) - B(log_sum)).store_unaligned(yr + i);
        for (; i < n; ++i) yr[i] = xr[i] - m - log_sum;
      } else {
        T inv = T(1) / row_sum_exp(xr, n, m, yr);
        int64_t i = 0;
        for (; i + W <= n; i += W) (B::load_unaligned(yr + i) * B(inv)).store_unaligned(yr + i);
        for (; i < n; ++i) yr[i] *= inv;
      }
    }
    return;
  }
  // A dim that is not last: walk the n entries of each of the `inner` columns together.
  std::vector<T> m(inner), s(inner);
  for (int64_t o = 0; o < outer; ++o) {
    const T* xb = x + o * n * inner;
    T* yb = y + o * n * inner;
    std::fill(m.begin(), m.end(), -std::numeric_limits<T>::infinity());
    std::vector<bool> nan(inner, false);
    for (int64_t k = 0; k < n; ++k)
      for (int64_t j = 0; j < inner; ++j) {
        T v = xb[k * inner + j];
        m[j] = v > m[j] ? v : m[j];
        if (std::isnan(v)) nan[j] = true;
      }
    for (int64_t j = 0; j < inner; ++j)
      if (nan[j]) m[j] = std::numeric_limits<T>::quiet_NaN();
    std::fill(s.begin(), s.end(), T(0));
    for (int64_t k = 0; k < n; ++k)
      for (int64_t j = 0; j < inner; ++j) s[j] += std::exp(xb[k * inner + j] - m[j]);
    for (int64_t k = 0; k < n; ++k)
      for (int64_t j = 0; j < inner; ++j) {
        T v = xb[k * inner + j] - m[j];
        yb[k * inner + j] = Log ? v - std::log(s[j]) : std::exp(v) / s[j];
      }
  }
}

/// Backward along the middle dim of (outer, n, inner), given the forward output y:
///   log_softmax: gx = g - exp(y) * sum(g)        softmax: gx = y * (g - sum(g * y))
template <class T, bool Log>
void softmax_backward(const T* g, const T* y, T* gx, int64_t outer, int64_t n, int64_t inner) {
  std::vector<T> acc(inner);
  for (int64_t o = 0; o < outer; ++o) {
    const int64_t base = o * n * inner;
    std::fill(acc.begin(), acc.end(), T(0));
    for (int64_t k = 0; k < n; ++k)
      for (int64_t j = 0; j < inner; ++j) {
        int64_t i = base + k * inner + j;
        acc[j] += Log ? g[i] : g[i] * y[i];
      }
    if (inner == 1) {
      using B = xsimd::batch<T>;
      constexpr int64_t W = B::size;
      const T a = acc[0];
      int64_t k = 0;
      for (; k + W <= n; k += W) {
        B gv = B::load_unaligned(g + base + k), yv = B::load_unaligned(y + base + k);
        B r = Log ? gv - xsimd::exp(yv) * B(a) : yv * (gv - B(a));
        r.store_unaligned(gx + base + k);
      }
      for (; k < n; ++k) gx[base + k] = Log ? g[base + k] - std::exp(y[base + k]) * a : y[base + k] * (g[base + k] - a);
      continue;
    }
    for (int64_t k = 0; k < n; ++k)
      for (int64_t j = 0; j < inner; ++j) {
        int64_t i = base + k * inner + j;
        gx[i] = Log ? g[i] - std::exp(y[i]) * acc[j] : y[i] * (g[i] - acc[j]);
      }
  }
}

}  // namespace xgrad::kernels
