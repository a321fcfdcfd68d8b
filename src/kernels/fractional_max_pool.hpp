// fractional_max_pool.hpp: fractional max pooling (Graham, 2014) over planes, as ATen's CPU kernel
// computes it: each plane draws, per spatial dim, a pseudo-random sequence of window starts from
// one sample u in [0, 1), and takes the max of a fixed-size window at each start. A 2-d plane is a
// 3-d one of depth 1. The gradient is max pooling's (kernels::index_scatter_add in pooling.hpp).
// Read next: src/ops/fractional_max_pool.cpp.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "kernels/pooling.hpp"

namespace xgrad::kernels {

/// ATen's generate_intervals: the start of window i is
///   int((i + u) * alpha) - int(u * alpha),   alpha = (in - pool) / (out - 1),
/// computed in the input's dtype, and the last window ends at the input's edge (start in - pool).
template <class T>
std::vector<int64_t> fractional_intervals(T sample, int64_t in, int64_t out, int64_t pool) {
  std::vector<int64_t> seq(static_cast<size_t>(out), 0);
  if (out > 1) {
    const T alpha = static_cast<T>(in - pool) / static_cast<T>(out - 1);
    for (int64_t i = 0; i < out - 1; ++i)
      seq[static_cast<size_t>(i)] = static_cast<int>((static_cast<T>(i) + sample) * alpha) - static_cast<int>(sample * alpha);
  }
  if (out > 0) seq[static_cast<size_t>(out - 1)] = in - pool;
  return seq;
}

/// y = the max of each fractional window (a NaN wins, as in ATen), indices = its flat index in
/// the input plane. shape.in/out/kernel are (depth, height, width), depth 1 for 2-d pooling.
/// samples holds `dims` draws per plane, in ATen's order: 2-d (u_w, u_h), 3-d (u_t, u_h, u_w).
template <class T>
void fractional_max_pool_forward(const T* x, T* y, int64_t* indices, const T* samples, int64_t planes, int dims,
                                 const PoolShape& shape) {
  const int64_t in_plane = shape.in_plane(), out_plane = shape.out_plane();
  detail::for_each_plane(planes, out_plane * shape.kernel[0] * shape.kernel[1] * shape.kernel[2], [&](int64_t p) {
    const T* u = samples + p * dims;
    const T ut = dims == 3 ? u[0] : T(0), uh = u[1], uw = dims == 3 ? u[2] : u[0];
    const auto seq_t = dims == 3 ? fractional_intervals<T>(ut, shape.in[0], shape.out[0], shape.kernel[0])
                                 : std::vector<int64_t>(static_cast<size_t>(shape.out[0]), 0);
    const auto seq_h = fractional_intervals<T>(uh, shape.in[1], shape.out[1], shape.kernel[1]);
    const auto seq_w = fractional_intervals<T>(uw, shape.in[2], shape.out[2], shape.kernel[2]);
    const T* xp = x + p * in_plane;
    T* yp = y + p * out_plane;
    int64_t* ip = indices + p * out_plane;
    const int64_t H = shape.in[1], W = shape.in[2];
    for (int64_t t = 0; t < shape.out[0]; ++t) {
      const int64_t t0 = seq_t[static_cast<size_t>(t)];
      for (int64_t h = 0; h < shape.out[1]; ++h) {
        const int64_t h0 = seq_h[static_cast<size_t>(h)];
        for (int64_t w = 0; w < shape.out[2]; ++w) {
          const int64_t w0 = seq_w[static_cast<size_t>(w)];
          T best = -std::numeric_limits<T>::infinity();
          int64_t best_index = (t0 * H + h0) * W + w0;
          for (int64_t t2 = t0; t2 < t0 + shape.kernel[0]; ++t2)
            for (int64_t h2 = h0; h2 < h0 + shape.kernel[1]; ++h2)
              for (int64_t w2 = w0; w2 < w0 + shape.kernel[2]; ++w2) {
                const int64_t at = (t2 * H + h2) * W + w2;
                const T v = xp[at];
                if (v > best || std::isnan(v)) {
                  best = v;
                  best_index = at;
                }
              }
          const int64_t o = (t * shape.out[1] + h) * shape.out[2] + w;
          yp[o] = best;
          ip[o] = best_index;
        }
      }
    }
  });
}

}  // namespace xgrad::kernels
