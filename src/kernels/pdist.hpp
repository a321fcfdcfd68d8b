// pdist.hpp: the loops of torch::pdist over a raw (n x m) row-major buffer: the p-norm distance
// of every pair of rows i < j (in the order (0,1), (0,2), ..., (1,2), ...), and its gradient.
// The op (ops/distance.cpp) checks the input and records PdistBackward0. Read next: ops/distance.cpp.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace xgrad::kernels {

/// out[k] = ||x_i - x_j||_p for the k-th pair; p = 0 counts the differing entries, p = inf takes
/// the largest |difference| (ATen's zdist, odist, tdist, idist and the general pdist).
template <class T>
void pdist_forward(const T* x, int64_t n, int64_t m, double p_, T* out) {
  const T p = static_cast<T>(p_);
  int64_t k = 0;
  for (int64_t i = 0; i < n; ++i) {
    const T* a = x + i * m;
    for (int64_t j = i + 1; j < n; ++j, ++k) {
      const T* b = x + j * m;
      T acc = 0;
      if (p_ == 0) {
        for (int64_t c = 0; c < m; ++c) acc += a[c] != b[c] ? T(1) : T(0);
      } else if (p_ == 1) {
        for (int64_t c = 0; c < m; ++c) acc += std::abs(a[c] - b[c]);
      } else if (p_ == 2) {
        for (int64_t c = 0; c < m; ++c) acc += (a[c] - b[c]) * (a[c] - b[c]);
        acc = std::sqrt(acc);
      } else if (std::isinf(p_)) {
        for (int64_t c = 0; c < m; ++c) acc = std::max(acc, std::abs(a[c] - b[c]));
      } else {
        for (int64_t c = 0; c < m; ++c) acc += std::pow(std::abs(a[c] - b[c]), p);
        acc = std::pow(acc, T(1) / p);
      }
      out[k] = acc;
    }
  }
}

/// d dist_k / d x_i = f(x_i - x_j), d dist_k / d x_j = -f(x_i - x_j), with diff = x_i - x_j, d = dist_k:
///   p = 0: 0;  p = 1: sign(diff);  p = 2: diff / d;  p = inf: sign(diff) [|diff| == d];
///   p < 2: sign(diff) |diff|^(p-1) / d^(p-1);  otherwise diff |diff|^(p-2) / d^(p-1);
/// each 0 where d == 0 (and, for p < 1, where diff == 0), as ATen's Dist<>::backward.
/// grad_x (n x m) is overwritten.
template <class T>
void pdist_backward(const T* grad, const T* x, int64_t n, int64_t m, double p_, const T* dist, T* grad_x) {
  for (int64_t e = 0; e < n * m; ++e) grad_x[e] = T(0);
  if (p_ == 0) return;
  const T p = static_cast<T>(p_);
  auto sign = [](T v) { return static_cast<T>((T(0) < v) - (v < T(0))); };
  int64_t k = 0;
  for (int64_t i = 0; i < n; ++i) {
    const T* a = x + i * m;
    for (int64_t j = i + 1; j < n; ++j, ++k) {
      const T* b = x + j * m;
      const T g = grad[k], d = dist[k];
      for (int64_t c = 0; c < m; ++c) {
        const T diff = a[c] - b[c];
        T v;
        if (p_ == 1) {
          v = sign(diff) * g;
        } else if (p_ == 2) {
          v = d == 0 ? T(0) : g * diff / d;
        } else if (std::isinf(p_)) {
          v = sign(diff) * (std::abs(diff) == d ? T(1) : T(0)) * g;
        } else if (p_ < 2) {
          v = (d == 0 || (diff == 0 && p_ < 1)) ? T(0)
                                                : sign(diff) * std::pow(std::abs(diff), p - 1) * g / std::pow(d, p - 1);
        } else {
          v = d == 0 ? T(0) : diff * std::pow(std::abs(diff), p - 2) * g / std::pow(d, p - 1);
        }
        grad_x[i * m + c] += v;
        grad_x[j * m + c] -= v;
      }
    }
  }
}

}  // namespace xgrad::kernels
