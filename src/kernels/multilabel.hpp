// multilabel.hpp: multilabel_margin_loss over raw buffers: each sample's hinge sum over (target,
// non-target) pairs, and the constant pattern of +-1/C its gradient is made of. Read next:
// src/ops/loss_multilabel.cpp.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace xgrad::kernels {

/// Loss of each sample and, if `grad` is given, d(loss_n)/dx_n (hinges count where z > 0, strictly).
template <class T>
void multilabel_margin(const T* x, const int64_t* y, int64_t n, int64_t c, T* loss, T* grad) {
  std::vector<char> is_target(static_cast<size_t>(c));
  for (int64_t s = 0; s < n; ++s) {
    const T* xs = x + s * c;
    const int64_t* ys = y + s * c;
    std::fill(is_target.begin(), is_target.end(), 0);
    int64_t count = 0;
    for (; count < c && ys[count] >= 0; ++count) is_target[ys[count]] = 1;
    double sum = 0;
    T* gs = grad ? grad + s * c : nullptr;
    if (gs) std::fill(gs, gs + c, T(0));
    for (int64_t k = 0; k < count; ++k) {
      const int64_t j = ys[k];
      for (int64_t i = 0; i < c; ++i) {
        if (is_target[i]) continue;
        const T z = T(1) - xs[j] + xs[i];
        if (z > 0) {
          sum += z;
          if (gs) {
            gs[j] -= T(1) / static_cast<T>(c);
            gs[i] += T(1) / static_cast<T>(c);
          }
        }
      }
    }
    loss[s] = static_cast<T>(sum / static_cast<double>(c));
  }
}

}  // namespace xgrad::kernels
