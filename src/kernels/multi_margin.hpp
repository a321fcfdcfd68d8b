// multi_margin.hpp: multi_margin_loss over raw buffers, as ATen's CPU kernel computes it: each
// sample's sum over non-target classes of w[y] max(0, margin - x[y] + x[i])^p / C, and its
// gradient pattern. Read next: src/ops/loss_multimargin.cpp.
#pragma once

#include <cstdint>

namespace xgrad::kernels {

/// The loss of sample s (hinges count where z > 0, strictly), summed in T as ATen does.
template <class T>
T multi_margin_sample(const T* x, int64_t y, const T* weight, int p, T margin, int64_t c) {
  const T x_target = x[y];
  T sum = 0;
  for (int64_t d = 0; d < c; ++d) {
    if (d == y) continue;
    const T z = margin - x_target + x[d];
    if (z > 0) {
      T h = (p == 1) ? z : z * z;
      if (weight != nullptr) h *= weight[y];
      sum += h;
    }
  }
  return sum / static_cast<T>(c);
}

/// d(loss_s)/dx_s times g for every sample: h = g (p == 1) or 2 g z (p == 2), times w[y], is
/// added at each class i != y with z > 0 and subtracted at y.
template <class T>
void multi_margin_grad(const T* x, const int64_t* y, const T* weight, int p, T margin, T g, int64_t n, int64_t c,
                       T* grad) {
  for (int64_t s = 0; s < n; ++s) {
    const T* xs = x + s * c;
    T* gs = grad + s * c;
    const int64_t t = y[s];
    const T x_target = xs[t];
    T grad_target = 0;
    for (int64_t d = 0; d < c; ++d) {
      if (d == t) continue;
      const T z = margin - x_target + xs[d];
      if (z > 0) {
        T h = (p == 1) ? g : 2 * g * z;
        if (weight != nullptr) h *= weight[t];
        grad_target -= h;
        gs[d] = h;
      } else {
        gs[d] = 0;
      }
    }
    gs[t] = grad_target;
  }
}

}  // namespace xgrad::kernels
