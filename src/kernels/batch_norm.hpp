// batch_norm.hpp: batch normalisation's maths on a contiguous buffer viewed as (N, C, S), S the
// product of the spatial sizes: each channel's statistics, the affine transform, the running-stat
// update and the backward sums. The forward follows PyTorch's CPU kernels step by step (ATen's
// batch_norm_kernel.cpp and Normalization.cpp): the same accumulation order and precision, and a
// fused multiply-add wherever ATen's compiled AVX2 code has one (kernels::vfma, std::fma) and no
// other (the file that includes this is compiled with -ffp-contract=off), so the values agree bit
// for bit, in optimised and unoptimised builds alike.
// Read next: src/ops/batch_norm.cpp.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

#include <xsimd/xsimd.hpp>

#include "kernels/parallel.hpp"
#include "kernels/simd_math.hpp"

namespace xgrad::kernels {

/// The type ATen accumulates T's sums in (at::acc_type<T, false>): double for float and double.
using BatchNormAcc = double;

/// mean[c] and var_sum[c] = sum over n, s of (x - mean[c])^2, for x of shape (N, C, S).
/// S > 1 (ATen's contiguous path): each channel is summed in double, element after element; the
/// mean is rounded to T before the squared deviations (computed in T) are summed in double.
/// S == 1, an (N, C) input (ATen's channels-last path, one thread): the rows are added in T into
/// one accumulator per channel, the deviations likewise, each square added with a fused multiply-add.
template <class T>
void batch_norm_collect_stats(const T* x, int64_t N, int64_t C, int64_t S, T* mean, T* var_sum) {
  const int64_t count = N * S;
  if (S == 1) {
    using B = xsimd::batch<T>;
    constexpr int64_t W = B::size;
    // Channel c's sum is x[0, c] + x[1, c] + ... in that order; SIMD lanes hold different channels.
    std::vector<T> acc(static_cast<size_t>(C), T(0));
    T* a = acc.data();
    for (int64_t n = 0; n < N; ++n) {
      const T* row = x + n * C;
      int64_t c = 0;
      for (; c + W <= C; c += W) (B::load_unaligned(a + c) + B::load_unaligned(row + c)).store_unaligned(a + c);
      for (; c < C; ++c) a[c] += row[c];
    }
    for (int64_t c = 0; c < C; ++c) {
      mean[c] = static_cast<T>(static_cast<BatchNormAcc>(a[c]) / static_cast<BatchNormAcc>(count));
      a[c] = T(0);
    }
    for (int64_t n = 0; n < N; ++n) {
      const T* row = x + n * C;
      int64_t c = 0;
      for (; c + W <= C; c += W) {
        B d = B::load_unaligned(row + c) - B::load_unaligned(mean + c);
        vfma(d, d, B::load_unaligned(a + c)).store_unaligned(a + c);
      }
      for (; c < C; ++c) a[c] = std::fma(row[c] - mean[c], row[c] - mean[c], a[c]);
    }
    for (int64_t c = 0; c < C; ++c) var_sum[c] = a[c];
    return;
  }
  parallel_for(C, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(count, 1)), [&](int64_t begin, int64_t end) {
    for (int64_t c = begin; c < end; ++c) {
      BatchNormAcc sum = 0;
      for (int64_t n = 0; n < N; ++n) {
        const T* p = x + (n * C + c) * S;
        for (int64_t s = 0; s < S; ++s) sum += p[s];
      }
      const T m = static_cast<T>(sum / static_cast<BatchNormAcc>(count));
      BatchNormAcc vs = 0;
      for (int64_t n = 0; n < N; ++n) {
        const T* p = x + (n * C + c) * S;
        for (int64_t s = 0; s < S; ++s) {
          const T d = p[s] - m;
          if constexpr (std::is_same<T, float>::value)
            vs += static_cast<BatchNormAcc>(d * d);  // the square rounded to float, then widened
          else
            vs = std::fma(d, d, vs);
        }
      }
      mean[c] = m;
      var_sum[c] = static_cast<T>(vs);
    }
  });
}

/// From the statistics: invstd[c] = 1 / sqrt(var_sum[c] / count + eps) (0 when both are 0), and
/// the running averages updated in place (each may be null):
///   running_mean = momentum * mean + (1 - momentum) * running_mean
///   running_var  = momentum * var_sum / (count - 1) + (1 - momentum) * running_var   (unbiased)
/// in ATen's mixture of precisions (batch_norm_cpu_update_stats_template): momentum rounded to T,
/// the variances divided in T and widened, running_var's first product in double. ATen's
/// Normalization.cpp is built for baseline x86-64, so its products are rounded before the add:
/// ops/batch_norm.cpp is compiled with -ffp-contract=off, so the compiler does not fuse them here.
template <class T>
void batch_norm_update_stats(const T* mean, const T* var_sum, int64_t C, int64_t count, double momentum, double eps,
                             T* invstd, T* running_mean, T* running_var) {
  const T m = static_cast<T>(momentum);
  for (int64_t c = 0; c < C; ++c) {
    const BatchNormAcc var = static_cast<BatchNormAcc>(var_sum[c] / static_cast<T>(count));
    invstd[c] = (var != 0 || eps != 0) ? static_cast<T>(1 / std::sqrt(var + eps)) : T(0);
    if (running_mean) {
      running_mean[c] = m * mean[c] + (1 - m) * running_mean[c];
    }
    if (running_var) {
      const BatchNormAcc unbiased = static_cast<BatchNormAcc>(var_sum[c] / static_cast<T>(count - 1));
      running_var[c] = static_cast<T>(static_cast<BatchNormAcc>(m) * unbiased +
                                      static_cast<BatchNormAcc>((1 - m) * running_var[c]));
    }
  }
}

/// y = x * alpha[c] + beta[c], with alpha = invstd * weight and beta = bias - mean * alpha (each a
/// fused multiply-add, as ATen's kernel compiles). In evaluation mode invstd = 1 / sqrt(running_var
/// + eps) in T. weight and bias may be null (1 and 0).
template <class T>
void batch_norm_transform(const T* x, T* y, int64_t N, int64_t C, int64_t S, const T* mean, const T* invstd,
                          const T* weight, const T* bias) {
  std::vector<T> alpha(static_cast<size_t>(C)), beta(static_cast<size_t>(C));
  for (int64_t c = 0; c < C; ++c) {
    alpha[c] = invstd[c] * (weight ? weight[c] : T(1));
    beta[c] = std::fma(-mean[c], alpha[c], bias ? bias[c] : T(0));
  }
  using B = xsimd::batch<T>;
  constexpr int64_t W = B::size;
  if (S == 1) {  // rows of C channels: SIMD across channels
    parallel_for(N, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(C, 1)), [&](int64_t begin, int64_t end) {
      for (int64_t n = begin; n < end; ++n) {
        const T* xr = x + n * C;
        T* yr = y + n * C;
        int64_t c = 0;
        for (; c + W <= C; c += W)
          vfma(B::load_unaligned(xr + c), B::load_unaligned(alpha.data() + c), B::load_unaligned(beta.data() + c))
              .store_unaligned(yr + c);
        for (; c < C; ++c) yr[c] = std::fma(xr[c], alpha[c], beta[c]);
      }
    });
    return;
  }
  parallel_for(N * C, std::max<int64_t>(1, kGrainSize / S), [&](int64_t begin, int64_t end) {
    for (int64_t plane = begin; plane < end; ++plane) {
      const int64_t c = plane % C;
      const T* xp = x + plane * S;
      T* yp = y + plane * S;
      const B a(alpha[c]), b(beta[c]);
      int64_t s = 0;
      for (; s + W <= S; s += W) vfma(B::load_unaligned(xp + s), a, b).store_unaligned(yp + s);
      for (; s < S; ++s) yp[s] = std::fma(xp[s], alpha[c], beta[c]);
    }
  });
}

/// The gradients of batch norm for x of shape (N, C, S), given dy:
///   training:   dx = (dy - sum(dy)/M - (x - mean) * k) * invstd * w,   k = sum(dy * (x - mean)) * invstd^2 / M
///   evaluation: dx = dy * invstd * w
///   dweight = sum(dy * (x - mean)) * invstd,   dbias = sum(dy)       (M = N * S, sums over n and s)
/// mean and invstd are the saved statistics in training, the running ones in evaluation (invstd
/// then 1 / sqrt(running_var + eps) in double, as ATen's backward takes it). The sums are taken in
/// double: at least as accurate as ATen's, and equal to its results to float32 rounding. Any of
/// dx, dweight, dbias may be null (not needed); weight may be null (1).
template <class T>
void batch_norm_backward(const T* dy, const T* x, int64_t N, int64_t C, int64_t S, const T* mean, const T* invstd,
                         const T* weight, bool train, T* dx, T* dweight, T* dbias) {
  const int64_t M = N * S;
  parallel_for(C, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(M, 1)), [&](int64_t begin, int64_t end) {
    for (int64_t c = begin; c < end; ++c) {
      const T m = mean[c], is = invstd[c], w = weight ? weight[c] : T(1);
      BatchNormAcc sum = 0, dotp = 0;
      for (int64_t n = 0; n < N; ++n) {
        const int64_t off = S == 1 ? n * C + c : (n * C + c) * S;
        for (int64_t s = 0; s < S; ++s) {
          const T g = dy[off + s];
          sum += g;
          dotp += static_cast<BatchNormAcc>(x[off + s] - m) * g;
        }
      }
      if (dx) {
        const T k = train ? static_cast<T>(dotp) * is * is / static_cast<T>(M) : T(0);
        const T grad_mean = train ? static_cast<T>(sum / static_cast<BatchNormAcc>(M)) : T(0);
        for (int64_t n = 0; n < N; ++n) {
          const int64_t off = S == 1 ? n * C + c : (n * C + c) * S;
          for (int64_t s = 0; s < S; ++s) {
            const T g = dy[off + s];
            dx[off + s] = train ? std::fma(-(x[off + s] - m), k, g - grad_mean) * is * w : g * is * w;
          }
        }
      }
      if (dweight) dweight[c] = static_cast<T>(dotp * is);
      if (dbias) dbias[c] = static_cast<T>(sum);
    }
  });
}

}  // namespace xgrad::kernels
