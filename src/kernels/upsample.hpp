// upsample.hpp: the maths of interpolation (nearest, nearest-exact, linear, cubic) as ATen's CPU
// kernels compute it. Every mode is separable: along each spatial axis, each output position reads
// `taps` input positions with weights (an Axis table, built as ATen builds its index and weight
// tables). The forward sums them innermost axis first; the gradient scatters each output's gradient
// back along the same table. Read next: src/ops/upsample.cpp.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <vector>

#include "kernels/parallel.hpp"

namespace xgrad::kernels {

/// LinearAA / CubicAA: the antialiased modes (_upsample_bilinear2d_aa, _upsample_bicubic2d_aa).
enum class UpsampleMode { Nearest, NearestExact, Linear, Cubic, LinearAA, CubicAA };

/// One spatial axis: for output position o, input positions index[o * taps + k] with weights
/// weight[o * taps + k]. The default is an axis of size 1 that reads itself.
template <class T>
struct UpsampleAxis {
  int64_t in = 1, out = 1;
  int taps = 1;
  std::vector<int64_t> index{0};
  std::vector<T> weight{T(1)};
};

/// ATen's compute_scales_value: 1 / scale when a positive scale was given, else in / out.
template <class T>
T upsample_scales_value(std::optional<double> scale, int64_t in, int64_t out) {
  return scale.has_value() && *scale > 0. ? static_cast<T>(1.0 / *scale) : static_cast<T>(in) / static_cast<T>(out);
}

/// ATen's area_pixel_compute_scale: the input distance between two outputs.
template <class T>
T area_pixel_compute_scale(int64_t in, int64_t out, bool align_corners, std::optional<double> scale) {
  if (align_corners) return out > 1 ? static_cast<T>(in - 1) / static_cast<T>(out - 1) : T(0);
  return upsample_scales_value<T>(scale, in, out);
}

/// ATen's area_pixel_compute_source_index: where output `o` sits on the input axis (clamped at 0
/// except for cubic, whose taps reach past the edge and are clamped one by one).
template <class T>
T area_pixel_compute_source_index(T scale, int64_t o, bool align_corners, bool cubic) {
  if (align_corners) return scale * static_cast<T>(o);
  const T src = static_cast<T>(scale * (static_cast<double>(o) + 0.5) - 0.5);
  return (!cubic && src < T(0)) ? T(0) : src;
}

/// Keys' cubic convolution with A = -0.75 (ATen's get_cubic_upsample_coefficients): the weights
/// of the four taps around a point at fraction t past the second.
template <class T>
std::array<T, 4> cubic_coefficients(T t) {
  const T a = T(-0.75);
  auto conv1 = [a](T x) { return ((a + 2) * x - (a + 3)) * x * x + 1; };      // |x| <= 1
  auto conv2 = [a](T x) { return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a; };  // 1 < |x| < 2
  const T x1 = t, x2 = T(1) - t;
  return {conv2(x1 + T(1)), conv1(x1), conv1(x2), conv2(x2 + T(1))};
}

/// The antialiasing filters of PyTorch 1.13 (HelperInterpLinear/Cubic::aa_filter): the triangle,
/// and Keys' cubic with a = -0.5 (Pillow's choice, not the -0.75 of plain bicubic), in double.
template <class T>
T aa_filter(bool cubic, T x_) {
  double x = x_ < T(0) ? -static_cast<double>(x_) : static_cast<double>(x_);
  if (!cubic) return static_cast<T>(x < 1.0 ? 1.0 - x : 0.0);
  const double a = -0.5;
  if (x < 1.0) return static_cast<T>(((a + 2.0) * x - (a + 3.0)) * x * x + 1);
  if (x < 2.0) return static_cast<T>((((x - 5) * x + 8) * x - 4) * a);
  return T(0);
}

/// PyTorch 1.13's _compute_indices_weights_aa / _compute_weights_aa: when shrinking (scale > 1) the
/// filter is stretched by the scale, so each output averages every input its footprint covers.
///   support = interp_size / 2 * max(scale, 1), center = scale * (o + 0.5),
///   taps xmin = max(int(center - support + 0.5), 0) .. min(int(center + support + 0.5), in) - 1,
///   w_j = filter((xmin + j - center + 0.5) / max(scale, 1)), normalised to sum 1.
/// Outputs with fewer taps than the widest are padded with weight 0 at xmin.
template <class T>
UpsampleAxis<T> upsample_axis_aa(bool cubic, int64_t in, int64_t out, bool align_corners, std::optional<double> scale_) {
  UpsampleAxis<T> a;
  a.in = in;
  a.out = out;
  const T scale = area_pixel_compute_scale<T>(in, out, align_corners, scale_);
  const int interp_size = cubic ? 4 : 2;
  const T support = scale >= T(1) ? static_cast<T>(interp_size * 0.5) * scale : static_cast<T>(interp_size * 0.5);
  const T invscale = scale >= T(1) ? static_cast<T>(1.0 / static_cast<double>(scale)) : T(1);
  std::vector<int64_t> xmins(static_cast<size_t>(out)), xsizes(static_cast<size_t>(out));
  int64_t taps = 1;
  for (int64_t o = 0; o < out; ++o) {
    const T center = static_cast<T>(scale * (static_cast<double>(o) + 0.5));
    const int64_t xmin = std::max(static_cast<int64_t>(center - support + 0.5), int64_t{0});
    const int64_t xsize = std::min(static_cast<int64_t>(center + support + 0.5), in) - xmin;
    xmins[static_cast<size_t>(o)] = xmin;
    xsizes[static_cast<size_t>(o)] = xsize;
    taps = std::max(taps, xsize);
  }
  a.taps = static_cast<int>(taps);
  a.index.assign(static_cast<size_t>(out * taps), 0);
  a.weight.assign(static_cast<size_t>(out * taps), T(0));
  for (int64_t o = 0; o < out; ++o) {
    const T center = static_cast<T>(scale * (static_cast<double>(o) + 0.5));
    const int64_t xmin = xmins[static_cast<size_t>(o)], xsize = xsizes[static_cast<size_t>(o)];
    T* w = a.weight.data() + o * taps;
    int64_t* idx = a.index.data() + o * taps;
    T total(0);
    for (int64_t j = 0; j < xsize; ++j) {
      w[j] = aa_filter<T>(cubic, static_cast<T>((static_cast<T>(j + xmin) - center + 0.5) * invscale));
      total += w[j];
    }
    for (int64_t j = 0; j < taps; ++j) {
      if (j < xsize && total != T(0)) w[j] /= total;
      idx[j] = j < xsize ? xmin + j : xmin;
    }
  }
  return a;
}

/// The table of one axis from `in` to `out` positions.
template <class T>
UpsampleAxis<T> upsample_axis(UpsampleMode mode, int64_t in, int64_t out, bool align_corners,
                              std::optional<double> scale) {
  if (mode == UpsampleMode::LinearAA || mode == UpsampleMode::CubicAA) {
    if constexpr (std::is_floating_point<T>::value)
      return upsample_axis_aa<T>(mode == UpsampleMode::CubicAA, in, out, align_corners, scale);
  }
  UpsampleAxis<T> a;
  a.in = in;
  a.out = out;
  a.taps = mode == UpsampleMode::Cubic ? 4 : mode == UpsampleMode::Linear ? 2 : 1;
  a.index.assign(static_cast<size_t>(out * a.taps), 0);
  a.weight.assign(static_cast<size_t>(out * a.taps), T(1));
  auto at = [&](int64_t o, int k) { return static_cast<size_t>(o * a.taps + k); };
  switch (mode) {
    case UpsampleMode::Nearest:
    case UpsampleMode::NearestExact: {
      // ATen's nearest_idx / nearest_exact_idx compute in float whatever the dtype.
      const float s = upsample_scales_value<float>(scale, in, out);
      for (int64_t o = 0; o < out; ++o) {
        int64_t i;
        if (mode == UpsampleMode::Nearest) {
          if (out == in) i = o;
          else if (out == 2 * in) i = o >> 1;
          else i = static_cast<int64_t>(std::floor(static_cast<float>(o) * s));
        } else {
          i = static_cast<int64_t>(std::floor(static_cast<float>((static_cast<double>(o) + 0.5) * s)));
        }
        a.index[at(o, 0)] = std::min(i, in - 1);
      }
      break;
    }
    case UpsampleMode::Linear: {
      if constexpr (std::is_floating_point<T>::value) {  // uint8 has the nearest modes only
        const T s = area_pixel_compute_scale<T>(in, out, align_corners, scale);
        for (int64_t o = 0; o < out; ++o) {
          const T real = area_pixel_compute_source_index<T>(s, o, align_corners, false);
          const int64_t i0 = std::min(static_cast<int64_t>(real), in - 1);
          const T l1 = std::min(std::max(real - static_cast<T>(i0), T(0)), T(1));
          a.index[at(o, 0)] = i0;
          a.index[at(o, 1)] = i0 + (i0 < in - 1 ? 1 : 0);
          a.weight[at(o, 0)] = T(1) - l1;
          a.weight[at(o, 1)] = l1;
        }
      }
      break;
    }
    case UpsampleMode::Cubic: {
      if constexpr (std::is_floating_point<T>::value) {
        const T s = area_pixel_compute_scale<T>(in, out, align_corners, scale);
        for (int64_t o = 0; o < out; ++o) {
          const T real = area_pixel_compute_source_index<T>(s, o, align_corners, true);
          const int64_t i = static_cast<int64_t>(std::floor(real));
          const std::array<T, 4> w = cubic_coefficients<T>(real - static_cast<T>(i));
          for (int k = 0; k < 4; ++k) {
            a.index[at(o, k)] = std::max<int64_t>(std::min<int64_t>(i - 1 + k, in - 1), 0);
            a.weight[at(o, k)] = w[static_cast<size_t>(k)];
          }
        }
      }
      break;
    }
    case UpsampleMode::LinearAA:
    case UpsampleMode::CubicAA: break;  // upsample_axis_aa (floating types only)
  }
  return a;
}

/// Three axes (depth, height, width); missing leading axes keep the default size-1 table.
template <class T>
using UpsampleAxes = std::array<UpsampleAxis<T>, 3>;

/// out[p, od, oh, ow] = sum_kd wd * (sum_kh wh * (sum_kw ww * in[p, id, ih, iw])) for each plane p.
template <class T>
void upsample_forward(const T* in, T* out, int64_t planes, const UpsampleAxes<T>& ax) {
  const auto &D = ax[0], &H = ax[1], &W = ax[2];
  const int64_t ip = D.in * H.in * W.in, op = D.out * H.out * W.out;
  parallel_for(planes, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, op)), [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      const T* src = in + p * ip;
      T* dst = out + p * op;
      for (int64_t od = 0; od < D.out; ++od)
        for (int64_t oh = 0; oh < H.out; ++oh)
          for (int64_t ow = 0; ow < W.out; ++ow) {
            T acc_d(0);
            for (int kd = 0; kd < D.taps; ++kd) {
              const size_t d = static_cast<size_t>(od * D.taps + kd);
              T acc_h(0);
              for (int kh = 0; kh < H.taps; ++kh) {
                const size_t h = static_cast<size_t>(oh * H.taps + kh);
                const T* row = src + (D.index[d] * H.in + H.index[h]) * W.in;
                T acc_w(0);
                for (int kw = 0; kw < W.taps; ++kw) {
                  const size_t w = static_cast<size_t>(ow * W.taps + kw);
                  acc_w += row[W.index[w]] * W.weight[w];
                }
                acc_h += acc_w * H.weight[h];
              }
              acc_d += acc_h * D.weight[d];
            }
            *dst++ = acc_d;
          }
    }
  });
}

/// The adjoint: grad_in (zeroed here) += each output's gradient times its taps' weights, at the
/// taps' positions.
template <class T>
void upsample_backward(const T* grad_out, T* grad_in, int64_t planes, const UpsampleAxes<T>& ax) {
  const auto &D = ax[0], &H = ax[1], &W = ax[2];
  const int64_t ip = D.in * H.in * W.in, op = D.out * H.out * W.out;
  parallel_for(planes, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, op)), [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      T* dst = grad_in + p * ip;
      std::fill(dst, dst + ip, T(0));
      const T* src = grad_out + p * op;
      for (int64_t od = 0; od < D.out; ++od)
        for (int64_t oh = 0; oh < H.out; ++oh)
          for (int64_t ow = 0; ow < W.out; ++ow) {
            const T g = *src++;
            for (int kd = 0; kd < D.taps; ++kd) {
              const size_t d = static_cast<size_t>(od * D.taps + kd);
              for (int kh = 0; kh < H.taps; ++kh) {
                const size_t h = static_cast<size_t>(oh * H.taps + kh);
                T* row = dst + (D.index[d] * H.in + H.index[h]) * W.in;
                const T wdh = D.weight[d] * H.weight[h];
                for (int kw = 0; kw < W.taps; ++kw) {
                  const size_t w = static_cast<size_t>(ow * W.taps + kw);
                  row[W.index[w]] += wdh * W.weight[w] * g;
                }
              }
            }
          }
    }
  });
}

}  // namespace xgrad::kernels
