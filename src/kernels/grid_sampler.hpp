// grid_sampler.hpp: grid sampling (spatial transformer networks) as ATen's CPU kernels compute it.
// For each output point a grid holds a normalised position (x, y[, z]) in [-1, 1]; it is mapped to
// input pixel coordinates (unnormalize), folded back by the padding mode (border clips, reflection
// mirrors) and read by bilinear / trilinear interpolation, the nearest pixel, or (2-d only) Keys'
// bicubic convolution. Gradients flow to the input (a scatter of the same weights) and to the grid
// (the weights' slopes times the chain factor of the coordinate mapping). The loops gather from
// data-dependent positions, so they stay scalar; planes of a batch run in parallel.
// Read next: src/ops/grid_sampler.cpp.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>

#include "kernels/parallel.hpp"
#include "kernels/upsample.hpp"

namespace xgrad::kernels {

enum class GridMode { Bilinear = 0, Nearest = 1, Bicubic = 2 };
enum class GridPadding { Zeros = 0, Border = 1, Reflection = 2 };

/// The geometry of one grid_sampler call. Axis a is the grid's component a: 0 = x (width),
/// 1 = y (height), 2 = z (depth); in[a] and out[a] are the sizes along it (1 for a missing axis).
/// Input (N, C, in[2], in[1], in[0]), grid (N, out[2], out[1], out[0], dims), output
/// (N, C, out[2], out[1], out[0]), all contiguous.
struct GridShape {
  int64_t n = 0, c = 0;
  int dims = 2;
  std::array<int64_t, 3> in{1, 1, 1}, out{1, 1, 1};
  GridMode mode = GridMode::Bilinear;
  GridPadding padding = GridPadding::Zeros;
  bool align_corners = false;
  int64_t in_plane() const { return in[0] * in[1] * in[2]; }
  int64_t out_plane() const { return out[0] * out[1] * out[2]; }
  int64_t stride(int a) const { return a == 0 ? 1 : a == 1 ? in[0] : in[0] * in[1]; }
};

namespace grid {

/// [-1, 1] -> pixel coordinates; *d = d(result)/d(coord).
///   align_corners: -1 and 1 are the centres of the corner pixels: ((c + 1) / 2) * (size - 1)
///   otherwise: -1 and 1 are the outer edges of the corner pixels: ((c + 1) * size - 1) / 2
template <class T>
T unnormalize(T coord, int64_t size, bool align_corners, T* d) {
  if (align_corners) {
    *d = static_cast<T>(size - 1) / 2;
    return ((coord + 1) / 2) * static_cast<T>(size - 1);
  }
  *d = static_cast<T>(size) / 2;
  return ((coord + 1) * static_cast<T>(size) - 1) / 2;
}

/// Clamps to [0, size - 1]; *d = 1 inside, 0 where clamped.
template <class T>
T clip(T in, int64_t size, T* d) {
  if (in <= T(0)) {
    *d = 0;
    return 0;
  }
  const T max = static_cast<T>(size - 1);
  if (in >= max) {
    *d = 0;
    return max;
  }
  *d = 1;
  return in;
}

/// Mirrors `in` into [twice_low / 2, twice_high / 2] (bounds doubled so that half-integers stay
/// exact); *d = +1 or -1, the slope of the folding.
template <class T>
T reflect(T in, int64_t twice_low, int64_t twice_high, T* d) {
  if (twice_low == twice_high) {
    *d = 0;
    return 0;
  }
  const T min = static_cast<T>(twice_low) / 2;
  const T span = static_cast<T>(twice_high - twice_low) / 2;
  T sign = 1;
  in = in - min;
  if (in < T(0)) {
    sign = -1;
    in = -in;
  }
  const T extra = std::fmod(in, span);
  const int64_t flips = static_cast<int64_t>(std::floor(in / span));
  if (flips % 2 == 0) {
    *d = sign;
    return extra + min;
  }
  *d = -sign;
  return span - extra + min;
}

/// ATen's compute_coordinates: the padding mode applied to a pixel coordinate; *d its slope.
template <class T>
T apply_padding(T coord, int64_t size, GridPadding padding, bool align_corners, T* d) {
  *d = 1;
  if (padding == GridPadding::Border) return clip(coord, size, d);
  if (padding == GridPadding::Reflection) {
    T dr = 1, dc = 1;
    coord = align_corners ? reflect(coord, 0, 2 * (size - 1), &dr) : reflect(coord, -1, 2 * size - 1, &dr);
    coord = clip(coord, size, &dc);
    *d = dr * dc;
  }
  return coord;
}

/// ATen's grid_sampler_compute_source_index: grid value -> pixel coordinate after padding.
template <class T>
T source_index(T coord, int64_t size, GridPadding padding, bool align_corners, T* d) {
  T du = 1, dp = 1;
  coord = unnormalize(coord, size, align_corners, &du);
  coord = apply_padding(coord, size, padding, align_corners, &dp);
  *d = du * dp;
  return coord;
}

/// floor(v) or nearbyint(v) as an index; NaN and huge values (far outside any input) become a
/// far-outside index rather than an undefined conversion.
template <class T>
int64_t to_index(T v) {
  constexpr T far = T(1099511627776.0);  // 2^40
  return v >= -far && v <= far ? static_cast<int64_t>(v) : -static_cast<int64_t>(far);
}

/// Bicubic reads taps beyond the edge: each is mapped by the padding mode, then read if inside.
template <class T>
int64_t bounded_offset(int64_t x, int64_t y, const GridShape& s) {
  T d;
  const T fx = apply_padding(static_cast<T>(x), s.in[0], s.padding, s.align_corners, &d);
  const T fy = apply_padding(static_cast<T>(y), s.in[1], s.padding, s.align_corners, &d);
  const int64_t ix = to_index(fx), iy = to_index(fy);
  if (ix < 0 || ix >= s.in[0] || iy < 0 || iy >= s.in[1]) return -1;
  return iy * s.in[0] + ix;
}

/// The flat offset of the input element nearest `pos` (nearbyint: halves to even, as ATen), or
/// -1 when it lies outside the input: what the nearest mode reads, and where its gradient goes.
template <class T>
int64_t nearest_offset(const std::array<T, 3>& pos, const GridShape& s) {
  int64_t off = 0;
  for (int a = 0; a < s.dims; ++a) {
    const int64_t i = to_index(std::nearbyint(pos[a]));
    if (i < 0 || i >= s.in[a]) return -1;
    off += i * s.stride(a);
  }
  return off;
}

/// d/dt of the four cubic weights (ATen's get_cubic_coefficients_grad, which returns their
/// negatives: the gradient code subtracts).
template <class T>
std::array<T, 4> cubic_coefficients_grad(T t) {
  const T A = T(-0.75);
  std::array<T, 4> c;
  T x = -1 - t;
  c[0] = (-3 * A * x - 10 * A) * x - 8 * A;
  x = -t;
  c[1] = (-3 * (A + 2) * x - 2 * (A + 3)) * x;
  x = 1 - t;
  c[2] = (3 * (A + 2) * x - 2 * (A + 3)) * x;
  x = 2 - t;
  c[3] = (3 * A * x - 10 * A) * x + 8 * A;
  return c;
}

/// The linear taps of one output point: 2^dims corners, their flat offsets (-1 when outside the
/// input), weights, and the slopes of the weights along each axis.
template <class T>
struct LinearTaps {
  int count = 0;
  std::array<int64_t, 8> offset{};
  std::array<T, 8> weight{};
  std::array<std::array<T, 3>, 8> slope{};  // d weight / d position along axis a
};

template <class T>
LinearTaps<T> linear_taps(const std::array<T, 3>& pos, const GridShape& s) {
  LinearTaps<T> taps;
  taps.count = 1 << s.dims;
  std::array<int64_t, 3> i0{};
  std::array<std::array<T, 2>, 3> f{};  // f[a][b]: weight factor of side b along axis a
  for (int a = 0; a < s.dims; ++a) {
    const T lo = std::floor(pos[a]);
    i0[a] = to_index(lo);
    f[a][0] = (lo + 1) - pos[a];
    f[a][1] = pos[a] - lo;
  }
  for (int corner = 0; corner < taps.count; ++corner) {
    bool inside = true;
    int64_t off = 0;
    T w = 1;
    for (int a = 0; a < s.dims; ++a) {
      const int b = (corner >> a) & 1;
      const int64_t i = i0[a] + b;
      inside = inside && i >= 0 && i < s.in[a];
      if (inside) off += i * s.stride(a);
      w = a == 0 ? f[a][b] : w * f[a][b];
    }
    taps.offset[corner] = inside ? off : -1;
    taps.weight[corner] = w;
    for (int a = 0; a < s.dims; ++a) {
      T p = (corner >> a) & 1 ? T(1) : T(-1);
      for (int o = 0; o < s.dims; ++o)
        if (o != a) p *= f[o][(corner >> o) & 1];
      taps.slope[corner][a] = p;
    }
  }
  return taps;
}

}  // namespace grid

/// out = input sampled at the grid's points.
template <class T>
void grid_sampler_forward(const T* input, const T* grid_data, T* out, const GridShape& s) {
  const int64_t in_plane = s.in_plane(), out_plane = s.out_plane();
  parallel_for(s.n * out_plane, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, s.c * 8)),
               [&](int64_t begin, int64_t end) {
    for (int64_t q = begin; q < end; ++q) {
      const int64_t n = q / out_plane, p = q % out_plane;
      const T* g = grid_data + q * s.dims;
      const T* in_n = input + n * s.c * in_plane;
      T* out_n = out + n * s.c * out_plane + p;
      std::array<T, 3> pos{};
      T d;
      if (s.mode == GridMode::Bicubic) {
        const T ix = grid::unnormalize(g[0], s.in[0], s.align_corners, &d);
        const T iy = grid::unnormalize(g[1], s.in[1], s.align_corners, &d);
        const T x0 = std::floor(ix), y0 = std::floor(iy);
        const auto cx = cubic_coefficients<T>(ix - x0), cy = cubic_coefficients<T>(iy - y0);
        std::array<int64_t, 16> off{};
        for (int j = 0; j < 4; ++j)
          for (int i = 0; i < 4; ++i)
            off[j * 4 + i] = grid::bounded_offset<T>(grid::to_index(x0) - 1 + i, grid::to_index(y0) - 1 + j, s);
        for (int64_t c = 0; c < s.c; ++c) {
          const T* src = in_n + c * in_plane;
          std::array<T, 4> rows{};
          for (int j = 0; j < 4; ++j) {
            T v[4];
            for (int i = 0; i < 4; ++i) v[i] = off[j * 4 + i] >= 0 ? src[off[j * 4 + i]] : T(0);
            rows[j] = v[0] * cx[0] + v[1] * cx[1] + v[2] * cx[2] + v[3] * cx[3];
          }
          out_n[c * out_plane] = rows[0] * cy[0] + rows[1] * cy[1] + rows[2] * cy[2] + rows[3] * cy[3];
        }
        continue;
      }
      for (int a = 0; a < s.dims; ++a) pos[a] = grid::source_index(g[a], s.in[a], s.padding, s.align_corners, &d);
      if (s.mode == GridMode::Nearest) {
        const int64_t off = grid::nearest_offset(pos, s);
        for (int64_t c = 0; c < s.c; ++c) out_n[c * out_plane] = off >= 0 ? in_n[c * in_plane + off] : T(0);
        continue;
      }
      const auto taps = grid::linear_taps(pos, s);
      for (int64_t c = 0; c < s.c; ++c) {
        const T* src = in_n + c * in_plane;
        T acc = 0;
        for (int k = 0; k < taps.count; ++k)
          if (taps.offset[k] >= 0) acc += src[taps.offset[k]] * taps.weight[k];
        out_n[c * out_plane] = acc;
      }
    }
  });
}

/// grad_input (zeroed here; may be null) += the output gradient scattered back with the forward's
/// weights; grad_grid (may be null) = d out / d grid, summed over the channels.
template <class T>
void grid_sampler_backward(const T* grad_out, const T* input, const T* grid_data, T* grad_input, T* grad_grid,
                           const GridShape& s) {
  const int64_t in_plane = s.in_plane(), out_plane = s.out_plane();
  if (grad_input) std::fill(grad_input, grad_input + s.n * s.c * in_plane, T(0));
  // Each batch element scatters into its own slice of grad_input: batches run in parallel.
  parallel_for(s.n, 1, [&](int64_t nb, int64_t ne) {
    for (int64_t n = nb; n < ne; ++n)
      for (int64_t p = 0; p < out_plane; ++p) {
        const int64_t q = n * out_plane + p;
        const T* g = grid_data + q * s.dims;
        const T* in_n = input + n * s.c * in_plane;
        T* gin_n = grad_input ? grad_input + n * s.c * in_plane : nullptr;
        const T* go = grad_out + n * s.c * out_plane + p;
        T* gg = grad_grid ? grad_grid + q * s.dims : nullptr;
        std::array<T, 3> pos{}, mult{1, 1, 1}, acc{};
        if (s.mode == GridMode::Bicubic) {
          const T ix = grid::unnormalize(g[0], s.in[0], s.align_corners, &mult[0]);
          const T iy = grid::unnormalize(g[1], s.in[1], s.align_corners, &mult[1]);
          const T x0 = std::floor(ix), y0 = std::floor(iy);
          const T tx = ix - x0, ty = iy - y0;
          const auto cx = cubic_coefficients<T>(tx), cy = cubic_coefficients<T>(ty);
          const auto dx = grid::cubic_coefficients_grad<T>(tx), dy = grid::cubic_coefficients_grad<T>(ty);
          for (int64_t c = 0; c < s.c; ++c) {
            const T gout = go[c * out_plane];
            for (int i = 0; i < 4; ++i)
              for (int j = 0; j < 4; ++j) {
                const int64_t off =
                    grid::bounded_offset<T>(grid::to_index(x0) - 1 + i, grid::to_index(y0) - 1 + j, s);
                if (off < 0) continue;
                if (gin_n) gin_n[c * in_plane + off] += gout * cx[i] * cy[j];
                const T v = in_n[c * in_plane + off];
                acc[0] -= v * dx[i] * cy[j] * gout;
                acc[1] -= v * dy[j] * cx[i] * gout;
              }
          }
        } else {
          for (int a = 0; a < s.dims; ++a)
            pos[a] = grid::source_index(g[a], s.in[a], s.padding, s.align_corners, &mult[a]);
          if (s.mode == GridMode::Nearest) {
            const int64_t off = grid::nearest_offset(pos, s);
            if (off >= 0 && gin_n)
              for (int64_t c = 0; c < s.c; ++c) gin_n[c * in_plane + off] += go[c * out_plane];
          } else {
            const auto taps = grid::linear_taps(pos, s);
            for (int64_t c = 0; c < s.c; ++c) {
              const T gout = go[c * out_plane];
              for (int k = 0; k < taps.count; ++k) {
                if (taps.offset[k] < 0) continue;
                if (gin_n) gin_n[c * in_plane + taps.offset[k]] += taps.weight[k] * gout;
                const T v = in_n[c * in_plane + taps.offset[k]];
                for (int a = 0; a < s.dims; ++a) acc[a] += v * taps.slope[k][a] * gout;
              }
            }
          }
        }
        if (gg)
          for (int a = 0; a < s.dims; ++a) gg[a] = mult[a] * acc[a];
      }
  });
}

}  // namespace xgrad::kernels
