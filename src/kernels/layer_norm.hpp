// layer_norm.hpp: layer and group normalisation on contiguous buffers. Layer norm normalises each
// of M rows of N values; group norm each (sample, group) row of D * HxW values, D channels of HxW.
// The statistics come from rowwise_moments (kernels/moments.hpp) and the forward applies them as
// ATen's kernels do (layer_norm_kernel.cpp, group_norm_kernel.cpp), fused multiply-adds included,
// so values agree bit for bit. The backward sums are taken in double (ATen: float lanes), which
// agrees with PyTorch to float32 rounding. Read next: src/ops/layer_norm.cpp.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <xsimd/xsimd.hpp>

#include "kernels/moments.hpp"
#include "kernels/parallel.hpp"
#include "kernels/simd_math.hpp"

namespace xgrad::kernels {

/// y = (x - mean) * rstd * gamma + beta per row of N, rstd = 1 / sqrt(var + eps); gamma, beta may
/// be null. mean and rstd (M values each) are written out.
template <class T>
void layer_norm_forward(const T* x, const T* gamma, const T* beta, int64_t M, int64_t N, T eps, T* y, T* mean,
                        T* rstd) {
  using B = xsimd::batch<T>;
  constexpr int64_t W = B::size;
  parallel_for(M, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(N, 1)), [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const T* xr = x + i * N;
      T* yr = y + i * N;
      auto [m, var] = rowwise_moments(xr, N);
      const T r = T(1) / std::sqrt(var + eps);
      const T scale = r, bias = -r * m;
      // (x * scale + bias) * gamma + beta, two fused multiply-adds
      int64_t j = 0;
      if (gamma && beta) {
        for (; j + W <= N; j += W)
          vfma(vfma(B::load_unaligned(xr + j), B(scale), B(bias)), B::load_unaligned(gamma + j),
                     B::load_unaligned(beta + j))
              .store_unaligned(yr + j);
      }
      for (; j < N; ++j)
        yr[j] = std::fma(std::fma(xr[j], scale, bias), gamma ? gamma[j] : T(1), beta ? beta[j] : T(0));
      mean[i] = m;
      rstd[i] = r;
    }
  });
}

/// Layer norm's gradients, with xhat = (x - mean) * rstd and sums over each row of N:
///   dx = rstd * (dy * gamma) + b * x + c,  b = (sum(dy gamma) mean - sum(dy gamma x)) rstd^3 / N,
///        c = -b mean - sum(dy gamma) rstd / N
///   dgamma = sum over rows of dy * xhat,  dbeta = sum over rows of dy
/// Any of dx, dgamma, dbeta may be null; gamma may be null (1).
template <class T>
void layer_norm_backward(const T* dy, const T* x, const T* mean, const T* rstd, const T* gamma, int64_t M, int64_t N,
                         T* dx, T* dgamma, T* dbeta) {
  if (dgamma) std::fill(dgamma, dgamma + N, T(0));
  if (dbeta) std::fill(dbeta, dbeta + N, T(0));
  for (int64_t i = 0; i < M; ++i) {  // rows in order: dgamma and dbeta add up as ATen's do on one thread
    const T* dyr = dy + i * N;
    const T* xr = x + i * N;
    const T a = rstd[i], b0 = -a * mean[i];
    if (dgamma)
      for (int64_t j = 0; j < N; ++j) dgamma[j] = std::fma(dyr[j], std::fma(a, xr[j], b0), dgamma[j]);
    if (dbeta)
      for (int64_t j = 0; j < N; ++j) dbeta[j] += dyr[j];
    if (!dx) continue;
    double ds = 0, db = 0;
    for (int64_t j = 0; j < N; ++j) {
      const double g = gamma ? static_cast<double>(dyr[j]) * gamma[j] : dyr[j];
      ds += g * xr[j];
      db += g;
    }
    const T scale = T(1) / static_cast<T>(N);
    const T b = (static_cast<T>(db) * mean[i] - static_cast<T>(ds)) * a * a * a * scale;
    const T c = -b * mean[i] - static_cast<T>(db) * a * scale;
    T* dxr = dx + i * N;
    for (int64_t j = 0; j < N; ++j) dxr[j] = a * dyr[j] * (gamma ? gamma[j] : T(1)) + b * xr[j] + c;
  }
}

/// Group norm's forward on x of shape (N, C, HxW), C = G * D: each (n, g) row of D * HxW values
/// normalised by its mean and rstd = 1 / sqrt(max(var, 0) + eps), then per channel c
/// y = x * scale + bias, scale = rstd * gamma_c, bias = beta_c - scale * mean (plain
/// (x - mean) * rstd without gamma and beta). mean and rstd hold N * G values.
template <class T>
void group_norm_forward(const T* x, const T* gamma, const T* beta, int64_t N, int64_t C, int64_t HxW, int64_t G, T eps,
                        T* y, T* mean, T* rstd) {
  const int64_t D = C / G, inner = D * HxW;
  parallel_for(N * G, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(inner, 1)), [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const T* xr = x + i * inner;
      T* yr = y + i * inner;
      auto [m, var] = rowwise_moments(xr, inner);
      const T r = T(1) / std::sqrt(std::max(var, T(0)) + eps);
      if (!gamma && !beta) {
        for (int64_t j = 0; j < inner; ++j) yr[j] = (xr[j] - m) * r;
      } else {
        const int64_t g = i % G;
        for (int64_t d = 0; d < D; ++d) {
          const int64_t c = g * D + d;
          const T scale = r * (gamma ? gamma[c] : T(1));
          const T bias = std::fma(-scale, m, beta ? beta[c] : T(0));
          for (int64_t k = 0; k < HxW; ++k) yr[d * HxW + k] = std::fma(scale, xr[d * HxW + k], bias);
        }
      }
      mean[i] = m;
      rstd[i] = r;
    }
  });
}

/// Group norm's gradients (ATen's GroupNormBackward), with ds = sum_hw dy * x and db = sum_hw dy
/// per (n, c), s = 1 / (D * HxW), and per (n, g) the sums over its channels of ds * gamma, db * gamma:
///   dx = rstd gamma_c dy + c2 x + c3,  c2 = (db_g mean - ds_g) rstd^3 s,  c3 = -c2 mean - db_g rstd s
///   dgamma_c = sum_n (ds - db mean) rstd,  dbeta_c = sum_n db
template <class T>
void group_norm_backward(const T* dy, const T* x, const T* mean, const T* rstd, const T* gamma, int64_t N, int64_t C,
                         int64_t HxW, int64_t G, T* dx, T* dgamma, T* dbeta) {
  const int64_t D = C / G;
  std::vector<T> ds(static_cast<size_t>(N * C)), db(static_cast<size_t>(N * C));
  for (int64_t i = 0; i < N * C; ++i) {
    double s1 = 0, s2 = 0;
    for (int64_t k = 0; k < HxW; ++k) {
      s1 += static_cast<double>(dy[i * HxW + k]) * x[i * HxW + k];
      s2 += dy[i * HxW + k];
    }
    ds[i] = static_cast<T>(s1);
    db[i] = static_cast<T>(s2);
  }
  const T s = T(1) / static_cast<T>(D * HxW);
  if (dx) {
    for (int64_t i = 0; i < N * G; ++i) {
      const int64_t g = i % G;
      double ds_g = 0, db_g = 0;
      for (int64_t d = 0; d < D; ++d) {
        const double gv = gamma ? gamma[g * D + d] : 1.0;
        ds_g += static_cast<double>(ds[i * D + d]) * gv;
        db_g += static_cast<double>(db[i * D + d]) * gv;
      }
      const T r = rstd[i];
      const T c2 = (static_cast<T>(db_g) * mean[i] - static_cast<T>(ds_g)) * r * r * r * s;
      const T c3 = -c2 * mean[i] - static_cast<T>(db_g) * r * s;
      for (int64_t d = 0; d < D; ++d) {
        const T c1 = r * (gamma ? gamma[g * D + d] : T(1));
        const int64_t off = (i * D + d) * HxW;
        for (int64_t k = 0; k < HxW; ++k) dx[off + k] = c1 * dy[off + k] + c2 * x[off + k] + c3;
      }
    }
  }
  if (dgamma) {
    std::fill(dgamma, dgamma + C, T(0));
    for (int64_t i = 0; i < N * G; ++i)
      for (int64_t d = 0; d < D; ++d) {
        const int64_t c = (i % G) * D + d;
        dgamma[c] += (ds[i * D + d] - db[i * D + d] * mean[i]) * rstd[i];
      }
  }
  if (dbeta) {
    std::fill(dbeta, dbeta + C, T(0));
    for (int64_t n = 0; n < N; ++n)
      for (int64_t c = 0; c < C; ++c) dbeta[c] += db[n * C + c];
  }
}

}  // namespace xgrad::kernels
