// cross_entropy.hpp: the fused cross entropy over rows of logits (N, C): forward keeps only each
// row's max and log-sum-exp (no N x C log_softmax matrix), backward recomputes the softmax from
// the logits and writes the logits' gradient in one pass. Rows are split across cores when the
// work is large. Read next: src/ops/loss_nll.cpp, Note [Fused cross entropy].
#pragma once

#include <cmath>
#include <cstdint>

#include <xsimd/xsimd.hpp>

#include "kernels/parallel.hpp"
#include "kernels/softmax.hpp"

namespace xgrad::kernels {

/// For each row i: m_i = max_c x[i, c], log_s_i = log(sum_c exp(x[i, c] - m_i)), and, for a kept
/// target y_i, loss_i = -w(y_i) * ((x[i, y_i] - m_i) - log_s_i) (the log_softmax value PyTorch
/// computes, times the weight), else 0. `row_weight[i]` gets w(y_i), or 0 for an ignored row.
template <class T>
void cross_entropy_forward(const T* x, int64_t rows, int64_t classes, const int64_t* target, const T* weight,
                           int64_t ignore_index, T* max, T* log_sum, T* loss, T* row_weight) {
  parallel_for(rows, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(classes, 1)), [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const T* row = x + i * classes;
      const T m = row_max(row, classes);
      const T ls = std::log(row_sum_exp(row, classes, m));
      max[i] = m;
      log_sum[i] = ls;
      const int64_t y = target[i];
      if (y == ignore_index) {
        loss[i] = T(0);
        row_weight[i] = T(0);
        continue;
      }
      const T w = weight ? weight[y] : T(1);
      loss[i] = -(((row[y] - m) - ls) * w);
      row_weight[i] = w;
    }
  });
}

/// gx[i, c] = scale_i * w(y_i) * (softmax(x_i)[c] - [c == y_i]), the logits' gradient of the loss
/// above, where scale_i is the upstream gradient of row i (already divided by the total weight for
/// a mean). Ignored rows get 0.
template <class T>
void cross_entropy_backward(const T* x, int64_t rows, int64_t classes, const int64_t* target, int64_t ignore_index,
                            const T* max, const T* log_sum, const T* row_weight, const T* scale, int64_t scale_stride,
                            T* gx) {
  using B = xsimd::batch<T>;
  constexpr int64_t W = B::size;
  parallel_for(rows, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(classes, 1)), [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const T* row = x + i * classes;
      T* out = gx + i * classes;
      const int64_t y = target[i];
      const T k = row_weight[i] * scale[i * scale_stride];
      if (y == ignore_index || k == T(0)) {  // (a zero weight over a zero total weight is NaN, not 0)
        for (int64_t c = 0; c < classes; ++c) out[c] = T(0);
        continue;
      }
      const T m = max[i], ls = log_sum[i];
      int64_t c = 0;
      const B mv(m), lsv(ls), kv(k);
      for (; c + W <= classes; c += W) (xsimd::exp((B::load_unaligned(row + c) - mv) - lsv) * kv).store_unaligned(out + c);
      for (; c < classes; ++c) out[c] = std::exp((row[c] - m) - ls) * k;
      out[y] -= k;
    }
  });
}

}  // namespace xgrad::kernels
