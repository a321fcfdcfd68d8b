// nll.hpp: nll_loss's loops over raw buffers laid out as (batch, classes, inner): the per-sample
// losses, their gradient, the target check, and how the losses add into one number exactly as
// PyTorch's CPU kernel adds them: in the input's dtype, through 8 cascading partial sums (level 0
// takes every loss; every 2^p kept samples it is folded into level 1, and so on), which keeps the
// rounding error of a long float sum small without a wider type. Both nll_loss and the fused
// cross entropy reduce through here, so cross_entropy(x, y) == nll_loss(log_softmax(x), y) bit
// for bit, as in PyTorch. Read next: src/ops/loss_nll.cpp.
#pragma once

#include <algorithm>
#include <cstdint>

namespace xgrad::kernels {

/// The layout every nll kernel works on: (batch, classes, inner) over a contiguous input; (N, C)
/// has inner 1, (C) is one sample, (N, C, H, W) has inner H * W.
struct NllGeometry {
  int64_t batch = 1, classes = 1, inner = 1;
  bool unbatched = false;  // a (C) input with a 0-d target
};

/// The first target that is neither ignore_index nor in [0, classes), or nullptr.
inline const int64_t* find_bad_target(const int64_t* target, int64_t n, int64_t classes, int64_t ignore_index) {
  for (int64_t i = 0; i < n; ++i)
    if (target[i] != ignore_index && (target[i] < 0 || target[i] >= classes)) return target + i;
  return nullptr;
}

/// losses[b, j] = -w[y] * x[b, y, j] with y = target[b, j] (0 where y is ignore_index); `weight`
/// is the per-class weight or null.
template <class T>
void nll_forward(const T* x, const int64_t* target, const T* weight, const NllGeometry& g, int64_t ignore_index,
                 T* losses) {
  for (int64_t b = 0; b < g.batch; ++b)
    for (int64_t j = 0; j < g.inner; ++j) {
      const int64_t pos = b * g.inner + j;
      const int64_t t = target[pos];
      losses[pos] = t == ignore_index ? T(0) : -x[(b * g.classes + t) * g.inner + j] * (weight ? weight[t] : T(1));
    }
}

/// nll_loss's gradient for its input, written into a zero-filled `gx`: at [b, y, j] (y the kept
/// target of position (b, j)) it is w[y] * -(scale), with scale the upstream gradient of that
/// position (`scale_stride` 0: one value for all, already divided by the total weight for a
/// mean), in PyTorch's order of operations.
template <class T>
void nll_backward(const int64_t* target, const T* weight, const NllGeometry& g, int64_t ignore_index, const T* scale,
                  int64_t scale_stride, T* gx) {
  for (int64_t b = 0; b < g.batch; ++b)
    for (int64_t j = 0; j < g.inner; ++j) {
      const int64_t pos = b * g.inner + j;
      const int64_t t = target[pos];
      if (t == ignore_index) continue;
      const T grad = -scale[pos * scale_stride];
      gx[(b * g.classes + t) * g.inner + j] = weight ? weight[t] * grad : grad;
    }
}

template <class T>
struct NllTotals {
  T loss;    // the sum of the kept losses
  T weight;  // the sum of their weights (their count when there is no weight)
};

/// ceil(log2(n)), 0 for n <= 1.
inline int64_t ceil_log2(int64_t n) {
  int64_t bits = 0;
  while ((int64_t(1) << bits) < n) ++bits;
  return bits;
}

/// Sums losses[i] (already -w(y_i) * x[i, y_i]) and w(y_i) over the n samples whose target is not
/// ignore_index; `weight` is the per-class weight or null.
template <class T>
NllTotals<T> nll_reduce(const T* losses, const int64_t* target, int64_t n, const T* weight, int64_t ignore_index) {
  constexpr int64_t kLevels = 8;
  const int64_t level_power = std::max<int64_t>(4, ceil_log2(n) / kLevels);
  const int64_t level_mask = (int64_t(1) << level_power) - 1;
  T loss_sums[kLevels] = {}, weight_sums[kLevels] = {};
  int64_t ignored = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (target[i] == ignore_index) {
      ++ignored;
      continue;
    }
    loss_sums[0] += losses[i];
    if (weight) weight_sums[0] += weight[target[i]];
    for (int64_t j = 0; j + 1 < kLevels; ++j) {  // fold level j into j + 1 at its boundaries
      if ((i & (level_mask << (j * level_power))) != 0) break;
      loss_sums[j + 1] += loss_sums[j];
      weight_sums[j + 1] += weight_sums[j];
      loss_sums[j] = T(0);
      weight_sums[j] = T(0);
    }
  }
  NllTotals<T> totals{T(0), T(0)};
  for (int64_t j = 0; j < kLevels; ++j) totals.loss += loss_sums[j];
  if (weight) {
    for (int64_t j = 0; j < kLevels; ++j) totals.weight += weight_sums[j];
  } else {
    totals.weight = static_cast<T>(n - ignored);
  }
  return totals;
}

}  // namespace xgrad::kernels
