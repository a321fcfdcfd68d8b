// cross_entropy.hpp: the fused cross entropy over rows of logits (N, C): forward keeps only each
// row's max and log-sum-exp (no N x C log_softmax matrix), backward recomputes the softmax from
// the logits and writes the logits' gradient in one pass. Long rows are split across cores when
// the work is large; short rows (C below a few SIMD widths) go a block of rows at a time through
// one vectorised exp. Read next: src/ops/loss_nll.cpp, Note [Fused cross entropy].
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <xsimd/xsimd.hpp>

#include "kernels/parallel.hpp"
#include "kernels/softmax.hpp"

namespace xgrad::kernels {

/// exp of n contiguous values, in place, with SIMD.
template <class T>
void exp_inplace(T* p, int64_t n) {
  using B = xsimd::batch<T>;
  constexpr int64_t W = B::size;
  int64_t i = 0;
  for (; i + W <= n; i += W) xsimd::exp(B::load_unaligned(p + i)).store_unaligned(p + i);
  tail_exp(p + i, n - i, T(0), p + i);
}

/// Rows shorter than this take the block path.
template <class T>
constexpr int64_t kShortRow = 4 * static_cast<int64_t>(xsimd::batch<T>::size);
/// Elements per block of short rows (the scratch stays in the L1 cache).
constexpr int64_t kBlockElements = 4096;

/// For short rows: calls row_fn(i, exps) for every row, where exps holds exp(arg(i, x[i, c])) for
/// the row's C classes, computed a block of rows at a time through one vectorised exp.
template <class T, class Arg, class RowFn>
void for_each_short_exp_row(const T* x, int64_t rows, int64_t classes, Arg&& arg, RowFn&& row_fn) {
  const int64_t block = std::max<int64_t>(1, kBlockElements / std::max<int64_t>(classes, 1));
  std::vector<T> scratch(static_cast<size_t>(std::min(rows, block) * classes));
  for (int64_t r0 = 0; r0 < rows; r0 += block) {
    const int64_t r1 = std::min(rows, r0 + block);
    for (int64_t i = r0; i < r1; ++i)
      for (int64_t c = 0; c < classes; ++c) scratch[(i - r0) * classes + c] = arg(i, x[i * classes + c]);
    exp_inplace(scratch.data(), (r1 - r0) * classes);
    for (int64_t i = r0; i < r1; ++i) row_fn(i, scratch.data() + (i - r0) * classes);
  }
}

/// Rows [begin, end) split across cores when the whole is large.
template <class F>
void for_rows(int64_t rows, int64_t classes, F&& f) {
  parallel_for(rows, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(classes, 1)), f);
}

/// For each row i: m_i = max_c x[i, c], log_s_i = log(sum_c exp(x[i, c] - m_i)), and, for a kept
/// target y_i, loss_i = -w(y_i) * ((x[i, y_i] - m_i) - log_s_i) (the log_softmax value PyTorch
/// computes, times the weight), else 0. `row_weight[i]` gets w(y_i), or 0 for an ignored row.
template <class T>
void cross_entropy_forward(const T* x, int64_t rows, int64_t classes, const int64_t* target, const T* weight,
                           int64_t ignore_index, T* max, T* log_sum, T* loss, T* row_weight) {
  auto finish_row = [&](int64_t i, T sum_exp) {
    const T m = max[i], ls = std::log(sum_exp);
    log_sum[i] = ls;
    const int64_t y = target[i];
    if (y == ignore_index) {
      loss[i] = T(0);
      row_weight[i] = T(0);
      return;
    }
    const T w = weight ? weight[y] : T(1);
    loss[i] = -(((x[i * classes + y] - m) - ls) * w);
    row_weight[i] = w;
  };
  if (classes < kShortRow<T>) {
    for (int64_t i = 0; i < rows; ++i) max[i] = row_max(x + i * classes, classes);
    for_each_short_exp_row(x, rows, classes, [&](int64_t i, T v) { return v - max[i]; }, [&](int64_t i, const T* exps) {
      finish_row(i, row_sum(exps, classes));  // the same sum as log_softmax's row_sum_exp
    });
    return;
  }
  for_rows(rows, classes, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const T* row = x + i * classes;
      max[i] = row_max(row, classes);
      finish_row(i, row_sum_exp(row, classes, max[i]));
    }
  });
}

/// y[i, c] = (x[i, c] - m_i) - log_s_i: log_softmax's output from the row statistics the forward
/// kept, the same values (bit for bit) softmax_forward<T, true> writes. For the fused pair's
/// LogSoftmaxBackward0 when it must take PyTorch's step (Note [Fused cross entropy]).
template <class T>
void log_softmax_from_stats(const T* x, int64_t rows, int64_t classes, const T* max, const T* log_sum, T* y) {
  using B = xsimd::batch<T>;
  constexpr int64_t W = B::size;
  for_rows(rows, classes, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const T* row = x + i * classes;
      T* out = y + i * classes;
      const T m = max[i], ls = log_sum[i];
      int64_t c = 0;
      for (; c + W <= classes; c += W) (B::load_unaligned(row + c) - B(m) - B(ls)).store_unaligned(out + c);
      for (; c < classes; ++c) out[c] = row[c] - m - ls;
    }
  });
}

/// gx[i, c] = scale_i * w(y_i) * (softmax(x_i)[c] - [c == y_i]), the logits' gradient of the loss
/// above, where scale_i is the upstream gradient of row i (already divided by the total weight for
/// a mean). Ignored rows get 0; a zero weight over a zero total weight gives NaN, as in PyTorch.
template <class T>
void cross_entropy_backward(const T* x, int64_t rows, int64_t classes, const int64_t* target, int64_t ignore_index,
                            const T* max, const T* log_sum, const T* row_weight, const T* scale, int64_t scale_stride,
                            T* gx) {
  // softmax = exp((x - m) - log_s), in PyTorch's order: exp of the log_softmax value.
  auto row_scale = [&](int64_t i) { return target[i] == ignore_index ? T(0) : row_weight[i] * scale[i * scale_stride]; };
  if (classes < kShortRow<T>) {
    for_each_short_exp_row(
        x, rows, classes, [&](int64_t i, T v) { return (v - max[i]) - log_sum[i]; },
        [&](int64_t i, const T* exps) {
          T* out = gx + i * classes;
          const T k = row_scale(i);
          if (k == T(0)) {
            std::fill(out, out + classes, T(0));
            return;
          }
          for (int64_t c = 0; c < classes; ++c) out[c] = exps[c] * k;
          out[target[i]] -= k;
        });
    return;
  }
  using B = xsimd::batch<T>;
  constexpr int64_t W = B::size;
  for_rows(rows, classes, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const T* row = x + i * classes;
      T* out = gx + i * classes;
      const T k = row_scale(i);
      if (k == T(0)) {
        std::fill(out, out + classes, T(0));
        continue;
      }
      const T m = max[i], ls = log_sum[i];
      const B mv(m), lsv(ls), kv(k);
      int64_t c = 0;
      for (; c + W <= classes; c += W) (xsimd::exp((B::load_unaligned(row + c) - mv) - lsv) * kv).store_unaligned(out + c);
      for (; c < classes; ++c) out[c] = std::exp((row[c] - m) - ls) * k;
      out[target[i]] -= k;
    }
  });
}

}  // namespace xgrad::kernels
