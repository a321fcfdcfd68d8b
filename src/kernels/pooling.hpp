// pooling.hpp: max, average and adaptive pooling over planes (one image channel each) and their
// gradients, on raw contiguous buffers. One implementation serves 2 and 3 spatial dims: a 2-d
// window is a 3-d one of depth 1. The loops follow ATen's CPU kernels step for step (window
// clipping, the NaN rule of max, averages summed in double), so the results are PyTorch's.
// Planes are independent and shared out between the cores. Read next: src/ops/pooling.cpp.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

#include "kernels/parallel.hpp"

namespace xgrad::kernels {

/// A pooling window over (depth, height, width) planes; missing dims have size 1.
struct PoolShape {
  std::array<int64_t, 3> in{1, 1, 1}, out{1, 1, 1}, kernel{1, 1, 1}, stride{1, 1, 1}, padding{0, 0, 0}, dilation{1, 1, 1};
  int64_t in_plane() const { return in[0] * in[1] * in[2]; }
  int64_t out_plane() const { return out[0] * out[1] * out[2]; }
};

namespace detail {
/// Runs f(plane) for every plane, split between the cores when the planes are big enough.
template <class F>
void for_each_plane(int64_t planes, int64_t work_per_plane, F&& f) {
  parallel_for(planes, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, work_per_plane)),
               [&](int64_t begin, int64_t end) {
                 for (int64_t p = begin; p < end; ++p) f(p);
               });
}
/// The adaptive window [start, end) of output position o (of out) over an input of size in.
inline int64_t adaptive_start(int64_t o, int64_t out, int64_t in) { return (o * in) / out; }
inline int64_t adaptive_end(int64_t o, int64_t out, int64_t in) { return ((o + 1) * in + out - 1) / out; }
}  // namespace detail

// Note [Max pooling a row of windows at once]
// Window by window, max pooling is a chain of dependent compares (each waits for the last
// maximum), which made 2x2 pooling a fifth of a small CNN's training step. When no window is
// clipped (2-d, no padding, every window inside the image: the usual MaxPool2d(2)), a whole
// output row is done at once: the running maxima of all its windows are updated together, one
// window element after another in the same (h, w) order as the window-by-window loop, so the
// compares are independent and the result, NaN rule and first-of-equal-maxima included, is the same.
namespace detail {
inline bool is_unclipped_2d(const PoolShape& s) {
  if (s.in[0] != 1 || s.out[0] != 1 || s.kernel[0] != 1 || s.padding[0] != 0) return false;
  for (int i = 1; i < 3; ++i)
    if (s.padding[i] != 0 || (s.out[i] - 1) * s.stride[i] + (s.kernel[i] - 1) * s.dilation[i] >= s.in[i]) return false;
  return s.out[2] <= 256;
}

template <class T>
void max_pool_2d_unclipped(const T* x, T* y, int64_t* indices, int64_t planes, const PoolShape& s) {
  const int64_t H = s.in[1], W = s.in[2], OH = s.out[1], OW = s.out[2];
  const int64_t sh = s.stride[1], sw = s.stride[2], dh = s.dilation[1], dw = s.dilation[2];
  for_each_plane(planes, OH * OW * s.kernel[1] * s.kernel[2], [&](int64_t p) {
    const T* in = x + p * H * W;
    T best_value[256];
    int64_t best[256];
    for (int64_t oh = 0; oh < OH; ++oh) {
      for (int64_t ow = 0; ow < OW; ++ow) {
        best_value[ow] = -std::numeric_limits<T>::infinity();
        best[ow] = oh * sh * W + ow * sw;
      }
      for (int64_t kh = 0; kh < s.kernel[1]; ++kh)
        for (int64_t kw = 0; kw < s.kernel[2]; ++kw) {
          const int64_t at = (oh * sh + kh * dh) * W + kw * dw;
          for (int64_t ow = 0; ow < OW; ++ow) {
            const int64_t i = at + ow * sw;
            const T v = in[i];
            const bool take = v > best_value[ow] || std::isnan(v);
            best_value[ow] = take ? v : best_value[ow];
            best[ow] = take ? i : best[ow];
          }
        }
      T* out = y + p * OH * OW + oh * OW;
      int64_t* idx = indices + p * OH * OW + oh * OW;
      for (int64_t ow = 0; ow < OW; ++ow) {
        out[ow] = best_value[ow];
        idx[ow] = best[ow];
      }
    }
  });
}

// Note [Max pooling 2x2 windows]
// MaxPool2d(2) (kernel 2, stride 2, no padding or dilation) is the pooling of most small CNNs. In
// samples/fashion_mnist_cnn its rows are 14 and 7 outputs wide, too short for the row-at-once loop
// above to fill a vector, and the two poolings took 1.9 + 1.7 ms of a 64-image step's forward
// (thread CPU time, one thread, busy machine). Written out for its four window elements, each output
// is a chain of three branch-free compare-and-selects on values loaded straight from the two
// input rows, with no scratch arrays: 1.3-1.7 ms instead of 2.4-3.3 ms per pooling of a batch in a
// side-by-side run (build/prof/pool_bench in the cnnepoch13 work). The order is the window loop's
// ((0,0), (0,1), (1,0), (1,1)), so the result is the same: starting from the first element
// instead of -inf changes nothing (a first element of -inf keeps its index either way), a NaN
// wins and then only a later NaN replaces it, and of equal maxima the first one wins.
//
// The row is its own function taking everything by value, with restrict pointers: inside the
// plane lambda, which captures by reference, the compiler reloaded OW after every store (the
// stores might have changed it), could not vectorise, and compiled the selects into branches
// that random data mispredicts: 14 ms for a 64x16x28x28 batch on one thread, busy machine. As a
// function of its own the loop is vectorised (compare-and-select on whole vectors, the lanes
// being outputs), and rows of at most 16 outputs are done in one 16-wide pass
// (max_pool_2x2_short_row): samples/fashion_mnist_cnn's two poolings of a batch of 64 went from
// 2.3 to 0.42 ms (28x28 planes) and from 1.2 to 0.68 ms (14x14), one thread, busy machine, the
// same outputs and indices.

/// The 2x2 window at output column ow of rows r0, r1: its maximum `v` and that element's offset
/// `k` from the window's first (0, 1, W or W + 1), in the window loop's order with selects, not
/// branches (x != x: x is NaN; `|` where `||` would branch). Inlined into both row loops below,
/// which the compiler then vectorises, the lanes being outputs.
template <class T>
__attribute__((always_inline)) inline void max_of_2x2(const T* __restrict r0, const T* __restrict r1, int64_t ow,
                                                      int64_t W, T& v, int64_t& k) {
  v = r0[2 * ow];
  k = 0;
  const T b = r0[2 * ow + 1], c = r1[2 * ow], d = r1[2 * ow + 1];
  bool take = (b > v) | (b != b);
  v = take ? b : v;
  k = take ? 1 : k;
  take = (c > v) | (c != c);
  v = take ? c : v;
  k = take ? W : k;
  take = (d > v) | (d != d);
  v = take ? d : v;
  k = take ? W + 1 : k;
}

template <class T>
void max_pool_2x2_row(const T* __restrict r0, const T* __restrict r1, T* __restrict out, int64_t* __restrict idx,
                      int64_t OW, int64_t W, int64_t row) {
  for (int64_t ow = 0; ow < OW; ++ow) {
    T v;
    int64_t k;
    max_of_2x2(r0, r1, ow, W, v, k);
    out[ow] = v;
    idx[ow] = row + 2 * ow + k;
  }
}

/// The same for a row of at most V outputs, computed V wide (one vector) and the first OW kept:
/// the loop has a fixed length, so it is one vector pass with no scalar remainder. It reads up to
/// 2V elements of each input row, past the row's end into the rows after it: the caller makes sure
/// they are inside the buffer. The extra lanes' values are never kept.
template <class T, int V>
void max_pool_2x2_short_row(const T* __restrict r0, const T* __restrict r1, T* __restrict out, int64_t* __restrict idx,
                            int64_t OW, int64_t W, int64_t row) {
  T best[V];
  int64_t at[V];
  for (int64_t ow = 0; ow < V; ++ow) {
    T v;
    int64_t k;
    max_of_2x2(r0, r1, ow, W, v, k);
    best[ow] = v;
    at[ow] = row + 2 * ow + k;
  }
  for (int64_t ow = 0; ow < OW; ++ow) {
    out[ow] = best[ow];
    idx[ow] = at[ow];
  }
}

template <class T>
void max_pool_2x2(const T* x, T* y, int64_t* indices, int64_t planes, const PoolShape& s) {
  const int64_t H = s.in[1], W = s.in[2], OH = s.out[1], OW = s.out[2], size = planes * H * W;
  for_each_plane(planes, OH * OW * 4, [x, y, indices, H, W, OH, OW, size](int64_t p) {
    const T* in = x + p * H * W;
    for (int64_t oh = 0; oh < OH; ++oh) {
      const T *r0 = in + 2 * oh * W, *r1 = r0 + W;
      T* out = y + (p * OH + oh) * OW;
      int64_t* idx = indices + (p * OH + oh) * OW;
      const int64_t row = 2 * oh * W, left = size - (p * H * W + row + W);  // elements from r1 on
      // samples/fashion_mnist_cnn's rows of 14 and 7 outputs: one 16-wide pass each.
      if (OW <= 16 && left >= 32)
        max_pool_2x2_short_row<T, 16>(r0, r1, out, idx, OW, W, row);
      else
        max_pool_2x2_row(r0, r1, out, idx, OW, W, row);
    }
  });
}
inline bool is_2x2(const PoolShape& s) {
  return is_unclipped_2d(s) && s.kernel[1] == 2 && s.kernel[2] == 2 && s.stride[1] == 2 && s.stride[2] == 2 &&
         s.dilation[1] == 1 && s.dilation[2] == 1;
}
}  // namespace detail

/// y = the max of each window, indices = where it was (flat index in the input plane). A NaN
/// wins over any number, as in PyTorch.
template <class T>
void max_pool_forward(const T* x, T* y, int64_t* indices, int64_t planes, const PoolShape& s) {
  const int64_t ip = s.in_plane(), op = s.out_plane();
  const int64_t kernel = s.kernel[0] * s.kernel[1] * s.kernel[2];
  if (detail::is_2x2(s)) return detail::max_pool_2x2(x, y, indices, planes, s);
  if (detail::is_unclipped_2d(s)) return detail::max_pool_2d_unclipped(x, y, indices, planes, s);
  detail::for_each_plane(planes, op * kernel, [&](int64_t p) {
    const T* in = x + p * ip;
    T* out = y + p * op;
    int64_t* idx = indices + p * op;
    for (int64_t od = 0; od < s.out[0]; ++od)
      for (int64_t oh = 0; oh < s.out[1]; ++oh)
        for (int64_t ow = 0; ow < s.out[2]; ++ow) {
          int64_t d0 = od * s.stride[0] - s.padding[0], h0 = oh * s.stride[1] - s.padding[1],
                  w0 = ow * s.stride[2] - s.padding[2];
          const int64_t d1 = std::min(d0 + (s.kernel[0] - 1) * s.dilation[0] + 1, s.in[0]);
          const int64_t h1 = std::min(h0 + (s.kernel[1] - 1) * s.dilation[1] + 1, s.in[1]);
          const int64_t w1 = std::min(w0 + (s.kernel[2] - 1) * s.dilation[2] + 1, s.in[2]);
          while (d0 < 0) d0 += s.dilation[0];
          while (h0 < 0) h0 += s.dilation[1];
          while (w0 < 0) w0 += s.dilation[2];
          int64_t best = (d0 * s.in[1] + h0) * s.in[2] + w0;
          T best_value = -std::numeric_limits<T>::infinity();
          for (int64_t d = d0; d < d1; d += s.dilation[0])
            for (int64_t h = h0; h < h1; h += s.dilation[1])
              for (int64_t w = w0; w < w1; w += s.dilation[2]) {
                const int64_t i = (d * s.in[1] + h) * s.in[2] + w;
                const T v = in[i];
                if (v > best_value || std::isnan(v)) {
                  best_value = v;
                  best = i;
                }
              }
          const int64_t o = (od * s.out[1] + oh) * s.out[2] + ow;
          out[o] = best_value;
          idx[o] = best;
        }
  });
}

/// gx (zeroed here) += gy put at the indices it came from: max pooling's gradient.
template <class T>
void index_scatter_add(const T* gy, const int64_t* indices, T* gx, int64_t planes, int64_t in_plane, int64_t out_plane) {
  detail::for_each_plane(planes, out_plane, [&](int64_t p) {
    T* g = gx + p * in_plane;
    std::fill(g, g + in_plane, T(0));
    const T* src = gy + p * out_plane;
    const int64_t* idx = indices + p * out_plane;
    for (int64_t o = 0; o < out_plane; ++o) g[idx[o]] += src[o];
  });
}

/// y (zeroed here) with y[indices[o]] = x[o]: max_unpool. Returns the last index outside the
/// plane, if any (the caller reports it; PyTorch's loop goes on and reports the last one too).
template <class T>
std::optional<int64_t> index_scatter(const T* x, const int64_t* indices, T* y, int64_t planes, int64_t in_plane,
                                     int64_t out_plane) {
  std::fill(y, y + planes * out_plane, T(0));
  std::optional<int64_t> bad;
  for (int64_t p = 0; p < planes; ++p)
    for (int64_t i = 0; i < in_plane; ++i) {
      const int64_t at = indices[p * in_plane + i];
      if (at < 0 || at >= out_plane)
        bad = at;
      else
        y[p * out_plane + at] = x[p * in_plane + i];
    }
  return bad;
}

/// The divisor of each average-pooling window, and its clipped bounds.
struct AvgWindow {
  std::array<int64_t, 3> lo, hi;
  int64_t divisor;
};
inline AvgWindow avg_window(const PoolShape& s, const std::array<int64_t, 3>& o, bool count_include_pad,
                            std::optional<int64_t> divisor_override) {
  AvgWindow w{};
  int64_t pool_size = 1, kept = 1;
  for (int i = 0; i < 3; ++i) {
    int64_t lo = o[i] * s.stride[i] - s.padding[i];
    int64_t hi = std::min(lo + s.kernel[i], s.in[i] + s.padding[i]);
    pool_size *= hi - lo;
    w.lo[i] = std::max<int64_t>(lo, 0);
    w.hi[i] = std::min(hi, s.in[i]);
    kept *= std::max<int64_t>(w.hi[i] - w.lo[i], 0);
  }
  w.divisor = divisor_override.has_value() ? *divisor_override : count_include_pad ? pool_size : kept;
  return w;
}

/// y = the average of each window (ATen's rules for padding and divisor_override).
template <class T>
void avg_pool_forward(const T* x, T* y, int64_t planes, const PoolShape& s, bool count_include_pad,
                      std::optional<int64_t> divisor_override) {
  const int64_t ip = s.in_plane(), op = s.out_plane();
  detail::for_each_plane(planes, op * s.kernel[0] * s.kernel[1] * s.kernel[2], [&](int64_t p) {
    const T* in = x + p * ip;
    T* out = y + p * op;
    for (int64_t od = 0; od < s.out[0]; ++od)
      for (int64_t oh = 0; oh < s.out[1]; ++oh)
        for (int64_t ow = 0; ow < s.out[2]; ++ow) {
          const AvgWindow w = avg_window(s, {od, oh, ow}, count_include_pad, divisor_override);
          const int64_t o = (od * s.out[1] + oh) * s.out[2] + ow;
          if (w.lo[0] >= w.hi[0] || w.lo[1] >= w.hi[1] || w.lo[2] >= w.hi[2]) {
            out[o] = T(0);
            continue;
          }
          double sum = 0;
          for (int64_t d = w.lo[0]; d < w.hi[0]; ++d)
            for (int64_t h = w.lo[1]; h < w.hi[1]; ++h)
              for (int64_t i = w.lo[2]; i < w.hi[2]; ++i) sum += static_cast<double>(in[(d * s.in[1] + h) * s.in[2] + i]);
          out[o] = static_cast<T>(sum / static_cast<double>(w.divisor));
        }
  });
}

/// gx (zeroed here) = each output's gradient shared out over its window: average pooling's gradient.
template <class T>
void avg_pool_backward(const T* gy, T* gx, int64_t planes, const PoolShape& s, bool count_include_pad,
                       std::optional<int64_t> divisor_override) {
  const int64_t ip = s.in_plane(), op = s.out_plane();
  detail::for_each_plane(planes, op * s.kernel[0] * s.kernel[1] * s.kernel[2], [&](int64_t p) {
    T* g = gx + p * ip;
    std::fill(g, g + ip, T(0));
    const T* src = gy + p * op;
    for (int64_t od = 0; od < s.out[0]; ++od)
      for (int64_t oh = 0; oh < s.out[1]; ++oh)
        for (int64_t ow = 0; ow < s.out[2]; ++ow) {
          const AvgWindow w = avg_window(s, {od, oh, ow}, count_include_pad, divisor_override);
          const T share = src[(od * s.out[1] + oh) * s.out[2] + ow] / static_cast<T>(w.divisor);
          for (int64_t d = w.lo[0]; d < w.hi[0]; ++d)
            for (int64_t h = w.lo[1]; h < w.hi[1]; ++h)
              for (int64_t i = w.lo[2]; i < w.hi[2]; ++i) g[(d * s.in[1] + h) * s.in[2] + i] += share;
        }
  });
}

/// Adaptive pooling: output position o of out covers [floor(o * in / out), ceil((o + 1) * in / out)).
/// y = the window averages (when indices is null) or maxima with their indices.
template <class T>
void adaptive_pool_forward(const T* x, T* y, int64_t* indices, int64_t planes, const PoolShape& s) {
  const int64_t ip = s.in_plane(), op = s.out_plane();
  detail::for_each_plane(planes, ip, [&](int64_t p) {
    const T* in = x + p * ip;
    for (int64_t od = 0; od < s.out[0]; ++od)
      for (int64_t oh = 0; oh < s.out[1]; ++oh)
        for (int64_t ow = 0; ow < s.out[2]; ++ow) {
          const std::array<int64_t, 3> o{od, oh, ow};
          std::array<int64_t, 3> lo{}, hi{};
          for (int i = 0; i < 3; ++i) {
            lo[i] = detail::adaptive_start(o[i], s.out[i], s.in[i]);
            hi[i] = detail::adaptive_end(o[i], s.out[i], s.in[i]);
          }
          const int64_t at = p * op + (od * s.out[1] + oh) * s.out[2] + ow;
          if (indices == nullptr) {
            double sum = 0;
            for (int64_t d = lo[0]; d < hi[0]; ++d)
              for (int64_t h = lo[1]; h < hi[1]; ++h)
                for (int64_t w = lo[2]; w < hi[2]; ++w) sum += static_cast<double>(in[(d * s.in[1] + h) * s.in[2] + w]);
            y[at] = static_cast<T>(sum / static_cast<double>((hi[0] - lo[0]) * (hi[1] - lo[1]) * (hi[2] - lo[2])));
            continue;
          }
          int64_t best = (lo[0] * s.in[1] + lo[1]) * s.in[2] + lo[2];
          T best_value = -std::numeric_limits<T>::infinity();
          for (int64_t d = lo[0]; d < hi[0]; ++d)
            for (int64_t h = lo[1]; h < hi[1]; ++h)
              for (int64_t w = lo[2]; w < hi[2]; ++w) {
                const int64_t i = (d * s.in[1] + h) * s.in[2] + w;
                if (in[i] > best_value || std::isnan(in[i])) {
                  best_value = in[i];
                  best = i;
                }
              }
          y[at] = best_value;
          indices[at] = best;
        }
  });
}

/// gx (zeroed here) = each output's gradient shared out evenly over its adaptive window.
template <class T>
void adaptive_avg_pool_backward(const T* gy, T* gx, int64_t planes, const PoolShape& s) {
  const int64_t ip = s.in_plane(), op = s.out_plane();
  detail::for_each_plane(planes, ip, [&](int64_t p) {
    T* g = gx + p * ip;
    std::fill(g, g + ip, T(0));
    for (int64_t od = 0; od < s.out[0]; ++od)
      for (int64_t oh = 0; oh < s.out[1]; ++oh)
        for (int64_t ow = 0; ow < s.out[2]; ++ow) {
          const std::array<int64_t, 3> o{od, oh, ow};
          std::array<int64_t, 3> lo{}, hi{};
          for (int i = 0; i < 3; ++i) {
            lo[i] = detail::adaptive_start(o[i], s.out[i], s.in[i]);
            hi[i] = detail::adaptive_end(o[i], s.out[i], s.in[i]);
          }
          const T share = gy[p * op + (od * s.out[1] + oh) * s.out[2] + ow] /
                          static_cast<T>((hi[0] - lo[0]) * (hi[1] - lo[1]) * (hi[2] - lo[2]));
          for (int64_t d = lo[0]; d < hi[0]; ++d)
            for (int64_t h = lo[1]; h < hi[1]; ++h)
              for (int64_t w = lo[2]; w < hi[2]; ++w) g[(d * s.in[1] + h) * s.in[2] + w] += share;
        }
  });
}

}  // namespace xgrad::kernels
