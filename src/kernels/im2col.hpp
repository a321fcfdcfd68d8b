// im2col.hpp: the lowering that turns a convolution into one matrix product. im2col copies every
// kernel-sized window of an image into a column of a matrix (rows: channel and kernel offset,
// columns: output position); col2im is its adjoint, adding each column back where it came from.
// One implementation serves 1, 2 and 3 spatial dims: a 2-d problem is a 3-d one of depth 1.
// Read next: kernels/conv.hpp.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

namespace xgrad::kernels {

/// The geometry of one image of a convolution, over (depth, height, width); fewer spatial dims
/// are given size 1, stride 1, padding 0, dilation 1 in front.
struct ConvShape {
  int64_t channels = 1;                 // channels of the image (one group's)
  std::array<int64_t, 3> in{1, 1, 1};   // image size
  std::array<int64_t, 3> out{1, 1, 1};  // number of windows along each dim
  std::array<int64_t, 3> kernel{1, 1, 1};
  std::array<int64_t, 3> stride{1, 1, 1};
  std::array<int64_t, 3> padding{0, 0, 0};
  std::array<int64_t, 3> dilation{1, 1, 1};

  int64_t in_size() const { return in[0] * in[1] * in[2]; }
  int64_t out_size() const { return out[0] * out[1] * out[2]; }
  int64_t kernel_size() const { return kernel[0] * kernel[1] * kernel[2]; }
  /// Rows of the column matrix: channels * kernel_size.
  int64_t col_rows() const { return channels * kernel_size(); }
  /// Whether the column matrix is the image itself (1x1 kernel, stride 1, no padding).
  bool is_pointwise() const {
    for (int i = 0; i < 3; ++i)
      if (kernel[i] != 1 || stride[i] != 1 || padding[i] != 0) return false;
    return true;
  }
};

namespace detail {
/// The output positions o in [0, out) whose input position o * stride + offset lies in [0, size).
inline void valid_range(int64_t offset, int64_t stride, int64_t size, int64_t out, int64_t& lo, int64_t& hi) {
  lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  hi = size - offset <= 0 ? 0 : (size - offset + stride - 1) / stride;
  lo = std::min(lo, out);
  hi = std::max(lo, std::min(hi, out));
}

/// Calls row(c, kd, kh, kw, od, oh, src_or_null, lo, hi, iw0): one row of output positions of
/// the column matrix, with the image row it reads (null when the row lies in the padding).
template <class T, class Row>
void for_each_row(const ConvShape& s, T* image, Row&& row) {
  const int64_t plane = s.in[1] * s.in[2];
  for (int64_t c = 0; c < s.channels; ++c)
    for (int64_t kd = 0; kd < s.kernel[0]; ++kd)
      for (int64_t kh = 0; kh < s.kernel[1]; ++kh)
        for (int64_t kw = 0; kw < s.kernel[2]; ++kw) {
          const int64_t iw0 = kw * s.dilation[2] - s.padding[2];
          int64_t lo, hi;
          valid_range(iw0, s.stride[2], s.in[2], s.out[2], lo, hi);
          for (int64_t od = 0; od < s.out[0]; ++od) {
            const int64_t id = od * s.stride[0] - s.padding[0] + kd * s.dilation[0];
            for (int64_t oh = 0; oh < s.out[1]; ++oh) {
              const int64_t ih = oh * s.stride[1] - s.padding[1] + kh * s.dilation[1];
              const bool inside = id >= 0 && id < s.in[0] && ih >= 0 && ih < s.in[1];
              T* src = inside ? image + (c * s.in[0] + id) * plane + ih * s.in[2] : nullptr;
              row(((c * s.kernel[0] + kd) * s.kernel[1] + kh) * s.kernel[2] + kw, od, oh, src, lo, hi, iw0);
            }
          }
        }
}
}  // namespace detail

// Note [Short rows in im2col]
// A row of the column matrix is filled one output row (ow) at a time, and for the small images
// of a typical CNN such a run is short: 8 floats for a 12x12 image and a 5x5 kernel. Calls to
// memcpy/memset per run cost more than the copy itself (measured: im2col and col2im took 30% of
// a (64, 10, 12, 12) convolution's backward that way), so the runs are plain loops the compiler
// unrolls and vectorises in place.

namespace detail {
/// Whether a problem is a plain 2-d one with unit strides along the width, which im2col and
/// col2im run through the tight loops of for_each_plane_row instead of for_each_row.
inline bool is_flat_unit_stride(const ConvShape& s) {
  return s.in[0] == 1 && s.out[0] == 1 && s.kernel[0] == 1 && s.padding[0] == 0 && s.stride[2] == 1;
}

/// For a flat (2-d) problem with stride 1 along the width: calls run(r, dst_row_offset, src, lo,
/// hi) for each output row oh of each column-matrix row r whose window row lies in the image
/// (src: the image row's first element inside the window row, lo: the first output column that
/// reads the image, hi: one past the last), and pad(r, oh * OW) for the others.
template <class T, class Run, class Pad>
void for_each_plane_row(const ConvShape& s, T* image, Run&& run, Pad&& pad) {
  const int64_t H = s.in[1], W = s.in[2], OH = s.out[1], OW = s.out[2];
  for (int64_t c = 0; c < s.channels; ++c)
    for (int64_t kh = 0; kh < s.kernel[1]; ++kh)
      for (int64_t kw = 0; kw < s.kernel[2]; ++kw) {
        const int64_t r = (c * s.kernel[1] + kh) * s.kernel[2] + kw;
        const int64_t iw0 = kw * s.dilation[2] - s.padding[2];
        int64_t lo, hi;
        valid_range(iw0, 1, W, OW, lo, hi);
        for (int64_t oh = 0; oh < OH; ++oh) {
          const int64_t ih = oh * s.stride[1] - s.padding[1] + kh * s.dilation[1];
          if (ih < 0 || ih >= H || hi <= lo)
            pad(r, oh * OW);
          else
            run(r, oh * OW, image + (c * H + ih) * W + (iw0 + lo), lo, hi);
        }
      }
}
}  // namespace detail

/// col (col_rows x out_size, row r at col + r * ld; ld >= out_size) = the windows of image
/// (channels x in_size). ld > out_size lays several images' columns side by side.
/// See Note [Short rows in im2col].
template <class T>
void im2col(const T* image, const ConvShape& s, T* col, int64_t ld) {
  const int64_t ow_n = s.out[2], sw = s.stride[2];
  if (detail::is_flat_unit_stride(s)) {
    detail::for_each_plane_row(
        s, const_cast<T*>(image),
        [&](int64_t r, int64_t at, const T* src, int64_t lo, int64_t hi) {
          T* __restrict dst = col + r * ld + at;
          const T* __restrict from = src;
          for (int64_t ow = 0; ow < lo; ++ow) dst[ow] = T(0);
          for (int64_t i = 0; i < hi - lo; ++i) dst[lo + i] = from[i];
          for (int64_t ow = hi; ow < ow_n; ++ow) dst[ow] = T(0);
        },
        [&](int64_t r, int64_t at) {
          T* dst = col + r * ld + at;
          for (int64_t ow = 0; ow < ow_n; ++ow) dst[ow] = T(0);
        });
    return;
  }
  detail::for_each_row(s, const_cast<T*>(image), [&](int64_t r, int64_t od, int64_t oh, const T* src, int64_t lo,
                                                     int64_t hi, int64_t iw0) {
    T* dst = col + r * ld + (od * s.out[1] + oh) * ow_n;
    if (src == nullptr) {
      for (int64_t ow = 0; ow < ow_n; ++ow) dst[ow] = T(0);
      return;
    }
    for (int64_t ow = 0; ow < lo; ++ow) dst[ow] = T(0);
    if (sw == 1) {
      const T* from = src + iw0;
      for (int64_t ow = lo; ow < hi; ++ow) dst[ow] = from[ow];
    } else {
      for (int64_t ow = lo; ow < hi; ++ow) dst[ow] = src[iw0 + ow * sw];
    }
    for (int64_t ow = hi; ow < ow_n; ++ow) dst[ow] = T(0);
  });
}
template <class T>
void im2col(const T* image, const ConvShape& s, T* col) { im2col(image, s, col, s.out_size()); }

/// image (channels x in_size) += each column of col (row r at col + r * ld) put back where
/// im2col took it from.
template <class T>
void col2im(const T* col, const ConvShape& s, T* image, int64_t ld) {
  const int64_t ow_n = s.out[2], sw = s.stride[2];
  if (detail::is_flat_unit_stride(s)) {
    detail::for_each_plane_row(
        s, image,
        [&](int64_t r, int64_t at, T* dst, int64_t lo, int64_t hi) {
          const T* __restrict src = col + r * ld + at + lo;
          T* __restrict to = dst;
          for (int64_t i = 0; i < hi - lo; ++i) to[i] += src[i];
        },
        [](int64_t, int64_t) {});
    return;
  }
  detail::for_each_row(s, image, [&](int64_t r, int64_t od, int64_t oh, T* dst, int64_t lo, int64_t hi, int64_t iw0) {
    if (dst == nullptr) return;
    const T* src = col + r * ld + (od * s.out[1] + oh) * ow_n;
    if (sw == 1) {
      T* to = dst + iw0;
      for (int64_t ow = lo; ow < hi; ++ow) to[ow] += src[ow];
    } else {
      for (int64_t ow = lo; ow < hi; ++ow) dst[iw0 + ow * sw] += src[ow];
    }
  });
}
template <class T>
void col2im(const T* col, const ConvShape& s, T* image) { col2im(col, s, image, s.out_size()); }

}  // namespace xgrad::kernels
