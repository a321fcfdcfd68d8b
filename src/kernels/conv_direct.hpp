// conv_direct.hpp: direct (unlowered) kernels for a stride-1 2-d convolution and its two adjoints,
// for the small images and thin channel counts of a typical CNN, where im2col + a BLAS product per
// image is badly shaped (kernels/conv.hpp says when this path is taken, with the measurements).
//   forward:         y[co, oh, ow] = sum over ci, kh, kw of w[co, ci, kh, kw] * xp[ci, oh + kh*dh, ow + kw*dw]
//   input gradient:  the same kernel on gy padded by d*(k-1)-p, with w flipped and transposed
//   weight gradient: gW[co, ci, kh, kw] = sum over n, oh, ow of gy[n, co, oh, ow] * xp[n, ci, oh + kh*dh, ow + kw*dw]
// xp is the image copied once into a zero-padded buffer whose rows are wide enough for whole
// vectors, so the inner loops never test a border: every load is a full vector. The vectors run
// along a row of the output (8 floats: the 8 and 24 wide maps of the MNIST net fill them exactly);
// a block of output channels shares each load of the image (a register of accumulators each).
// Each output value is summed in the fixed order (ci, kh, kw), so the bits do not depend on the
// thread count. Read next: kernels/conv.hpp.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "kernels/im2col.hpp"

namespace xgrad::kernels::direct {

/// The vector the direct kernels use: 32 bytes (8 floats) where the CPU has them, else the widest.
template <class T>
using Vec = std::conditional_t<std::is_void<xsimd::make_sized_batch_t<T, 32 / sizeof(T)>>::value, xsimd::batch<T>,
                               xsimd::make_sized_batch_t<T, 32 / sizeof(T)>>;

/// The widest kernel the weight gradient keeps in registers (one accumulator per kw).
constexpr int64_t kMaxKernelWidth = 7;

/// Whether the direct kernels do this geometry: 2-d (or 1-d), stride 1, float or double.
template <class T>
bool supports(const ConvShape& s) {
  return (std::is_same<T, float>::value || std::is_same<T, double>::value) && s.in[0] == 1 && s.out[0] == 1 &&
         s.kernel[0] == 1 && s.padding[0] == 0 && s.stride[1] == 1 && s.stride[2] == 1 && s.kernel[2] <= kMaxKernelWidth;
}

/// A padded copy of one image: `channels` planes of hp rows, each row wp wide (wp >= the padded
/// width, rounded so that the last output vector's widest window stays inside the row).
struct Padded {
  int64_t channels, h, w, hp, wp, ph, pw;
  Padded(const ConvShape& s, int64_t channels_, int64_t ph_, int64_t pw_, int64_t lanes)
      : channels(channels_), h(s.in[1]), w(s.in[2]), ph(ph_), pw(pw_) {
    hp = h + 2 * ph;
    const int64_t out_w = (s.out[2] + lanes - 1) / lanes * lanes;
    wp = std::max(w + 2 * pw, out_w + (s.kernel[2] - 1) * s.dilation[2]);
  }
  int64_t size() const { return channels * hp * wp; }
  /// buf = image (channels x h x w) placed at (ph, pw) of each plane, zeros around.
  template <class T>
  void fill(const T* image, T* buf) const {
    std::fill(buf, buf + size(), T(0));
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t i = 0; i < h; ++i) {
        const T* src = image + (c * h + i) * w;
        T* dst = buf + (c * hp + i + ph) * wp + pw;
        for (int64_t j = 0; j < w; ++j) dst[j] = src[j];
      }
  }
};

/// CB output channels co0.. of one output row: out[c][oh][ow0 .. ow0 + n) for n <= lanes.
/// w: the first channel's weights (cin x kh x kw contiguous per output channel, wstride apart).
template <class T, int CB>
inline void forward_block(const T* xp, const Padded& pad, const ConvShape& s, int64_t cin, const T* w,
                          int64_t wstride, const T* bias, T* out, int64_t out_plane, int64_t ow0, int64_t n) {
  using V = Vec<T>;
  V acc[CB];
  for (int c = 0; c < CB; ++c) acc[c] = V(bias != nullptr ? bias[c] : T(0));
  const int64_t KH = s.kernel[1], KW = s.kernel[2], dh = s.dilation[1], dw = s.dilation[2];
  for (int64_t ci = 0; ci < cin; ++ci)
    for (int64_t kh = 0; kh < KH; ++kh) {
      const T* row = xp + (ci * pad.hp + kh * dh) * pad.wp + ow0;
      const T* wk = w + (ci * KH + kh) * KW;
      for (int64_t kw = 0; kw < KW; ++kw) {
        const V x = V::load_unaligned(row + kw * dw);
        for (int c = 0; c < CB; ++c) acc[c] = xsimd::fma(V(wk[c * wstride + kw]), x, acc[c]);
      }
    }
  if (n == static_cast<int64_t>(V::size)) {
    for (int c = 0; c < CB; ++c) acc[c].store_unaligned(out + c * out_plane);
  } else {
    alignas(64) T tmp[V::size];
    for (int c = 0; c < CB; ++c) {
      acc[c].store_aligned(tmp);
      std::copy(tmp, tmp + n, out + c * out_plane);
    }
  }
}

/// The most output channels sharing one image load (one accumulator register each).
constexpr int64_t kChannelBlock = 12;

template <class T, int CB = 1>
void forward_block_dispatch(int cb, const T* xp, const Padded& pad, const ConvShape& s, int64_t cin, const T* w,
                            int64_t wstride, const T* bias, T* out, int64_t out_plane, int64_t ow0, int64_t n) {
  if constexpr (CB < kChannelBlock) {
    if (cb != CB) return forward_block_dispatch<T, CB + 1>(cb, xp, pad, s, cin, w, wstride, bias, out, out_plane, ow0, n);
  }
  forward_block<T, CB>(xp, pad, s, cin, w, wstride, bias, out, out_plane, ow0, n);
}

/// One image of one group: out (cout x OH x OW) = conv(xp, w) + bias, xp padded (pad.fill).
/// w: cout x cin x KH x KW.
template <class T>
void forward_image(const T* xp, const Padded& pad, const ConvShape& s, int64_t cout, const T* w, const T* bias,
                   T* out) {
  using V = Vec<T>;
  const int64_t lanes = V::size, OH = s.out[1], OW = s.out[2], L = OH * OW, R = s.col_rows();
  // Output channels in equal blocks of at most kChannelBlock (10 -> 10, 20 -> 10 + 10, 32 -> 11 + 11 + 10).
  const int64_t blocks = (cout + kChannelBlock - 1) / kChannelBlock;
  for (int64_t b = 0, co0 = 0; b < blocks; ++b) {
    const int64_t cb = (cout - co0 + (blocks - b) - 1) / (blocks - b);
    for (int64_t oh = 0; oh < OH; ++oh)
      for (int64_t ow0 = 0; ow0 < OW; ow0 += lanes)
        forward_block_dispatch<T>(static_cast<int>(cb), xp + oh * pad.wp, pad, s, s.channels, w + co0 * R, R,
                                  bias != nullptr ? bias + co0 : nullptr, out + co0 * L + oh * OW + ow0, L, ow0,
                                  std::min(lanes, OW - ow0));
    co0 += cb;
  }
}

/// Weight gradient of one image block, one group, CB output channels and one (ci, kh): adds
/// sum over images, oh, ow of gy[co][oh][ow] * xp[ci][oh + kh*dh][ow + kw*dw] to gw[c * wstride + kw].
/// gyp: the images' output gradients, rows gy_row apart (gy_row >= OW, rounded up to whole vectors
/// when OW is not: then a copy, zeros past OW), images gy_image apart.
template <class T, int CB, int KW>
void weight_block(const T* xp, int64_t x_image, const Padded& pad, const ConvShape& s, const T* gyp, int64_t gy_image,
                  int64_t gy_row, int64_t images, T* gw, int64_t wstride) {
  using V = Vec<T>;
  const int64_t lanes = V::size, OH = s.out[1], OW = s.out[2], dw = s.dilation[2];
  alignas(64) T index[V::size];
  for (int64_t i = 0; i < lanes; ++i) index[i] = static_cast<T>(i);
  const auto tail = V::load_aligned(index) < V(static_cast<T>(OW % lanes));
  V acc[CB][KW];
  for (int c = 0; c < CB; ++c)
    for (int k = 0; k < KW; ++k) acc[c][k] = V(T(0));
  for (int64_t n = 0; n < images; ++n)
    for (int64_t oh = 0; oh < OH; ++oh) {
      const T* xrow = xp + n * x_image + oh * pad.wp;
      const T* grow = gyp + n * gy_image + oh * gy_row;
      int64_t ow0 = 0;
      for (; ow0 + lanes <= OW; ow0 += lanes) {
        V g[CB];
        for (int c = 0; c < CB; ++c) g[c] = V::load_unaligned(grow + c * OH * gy_row + ow0);
        for (int k = 0; k < KW; ++k) {
          const V x = V::load_unaligned(xrow + ow0 + k * dw);
          for (int c = 0; c < CB; ++c) acc[c][k] = xsimd::fma(g[c], x, acc[c][k]);
        }
      }
      if (ow0 < OW) {  // the last, partial vector: lanes past OW read x values no window uses
        V g[CB];
        for (int c = 0; c < CB; ++c) g[c] = V::load_unaligned(grow + c * OH * gy_row + ow0);
        for (int k = 0; k < KW; ++k) {
          const V x = xsimd::select(tail, V::load_unaligned(xrow + ow0 + k * dw), V(T(0)));
          for (int c = 0; c < CB; ++c) acc[c][k] = xsimd::fma(g[c], x, acc[c][k]);
        }
      }
    }
  for (int c = 0; c < CB; ++c)
    for (int k = 0; k < KW; ++k) gw[c * wstride + k] += xsimd::hadd(acc[c][k]);
}

/// Output channels sharing the image loads in the weight gradient: CB * KW accumulators.
template <int KW>
constexpr int weight_channel_block() { return KW <= 3 ? 6 : (KW <= 5 ? 4 : 3); }

template <class T, int KW, int CB = 1>
void weight_block_dispatch(int cb, const T* xp, int64_t x_image, const Padded& pad, const ConvShape& s, const T* gyp,
                           int64_t gy_image, int64_t gy_row, int64_t images, T* gw, int64_t wstride) {
  if constexpr (CB < weight_channel_block<KW>()) {
    if (cb != CB)
      return weight_block_dispatch<T, KW, CB + 1>(cb, xp, x_image, pad, s, gyp, gy_image, gy_row, images, gw, wstride);
  }
  weight_block<T, CB, KW>(xp, x_image, pad, s, gyp, gy_image, gy_row, images, gw, wstride);
}

template <class T, int KW>
void weight_images_kw(const T* xp, int64_t x_image, const Padded& pad, const ConvShape& s, int64_t cout, const T* gyp,
                      int64_t gy_image, int64_t gy_row, int64_t images, T* gw) {
  const int64_t R = s.col_rows(), KH = s.kernel[1], OH = s.out[1], dh = s.dilation[1];
  constexpr int64_t block = weight_channel_block<KW>();
  for (int64_t co0 = 0; co0 < cout; co0 += block) {
    const int cb = static_cast<int>(std::min(block, cout - co0));
    for (int64_t ci = 0; ci < s.channels; ++ci)
      for (int64_t kh = 0; kh < KH; ++kh)
        weight_block_dispatch<T, KW>(cb, xp + (ci * pad.hp + kh * dh) * pad.wp, x_image, pad, s,
                                     gyp + co0 * OH * gy_row, gy_image, gy_row, images,
                                     gw + co0 * R + (ci * KH + kh) * KW, R);
  }
}

/// gw (cout x cin x KH x KW, one group) += the weight gradient of `images` images: xp their padded
/// inputs (x_image apart), gyp their output gradients in rows of gy_row (gy_image apart).
template <class T>
void weight_images(const T* xp, int64_t x_image, const Padded& pad, const ConvShape& s, int64_t cout, const T* gyp,
                   int64_t gy_image, int64_t gy_row, int64_t images, T* gw) {
  switch (s.kernel[2]) {
    case 1: return weight_images_kw<T, 1>(xp, x_image, pad, s, cout, gyp, gy_image, gy_row, images, gw);
    case 2: return weight_images_kw<T, 2>(xp, x_image, pad, s, cout, gyp, gy_image, gy_row, images, gw);
    case 3: return weight_images_kw<T, 3>(xp, x_image, pad, s, cout, gyp, gy_image, gy_row, images, gw);
    case 4: return weight_images_kw<T, 4>(xp, x_image, pad, s, cout, gyp, gy_image, gy_row, images, gw);
    case 5: return weight_images_kw<T, 5>(xp, x_image, pad, s, cout, gyp, gy_image, gy_row, images, gw);
    case 6: return weight_images_kw<T, 6>(xp, x_image, pad, s, cout, gyp, gy_image, gy_row, images, gw);
    default: return weight_images_kw<T, 7>(xp, x_image, pad, s, cout, gyp, gy_image, gy_row, images, gw);
  }
}

/// Input gradient of one image of one group, CB input channels ci0.. and one vector of columns
/// ow0..: for every padded input row r, adds sum over co, kh of w[co][c][kh][kw] * gy[co][oh][ow0..]
/// (oh = r - kh*dh) to gxp[c][r][ow0 + kw*dw ..] for each kw: the forward's windows scattered back.
/// gy rows are gy_row apart with zeros past OW; gxp is the padded gradient (pad), zeroed first.
template <class T, int CB, int KW>
void input_block(const T* gy, int64_t gy_row, const ConvShape& s, int64_t cout, const T* w, const Padded& pad,
                 T* gxp, int64_t ow0) {
  using V = Vec<T>;
  const int64_t OH = s.out[1], OW = s.out[2], KH = s.kernel[1], dh = s.dilation[1], dw = s.dilation[2];
  const int64_t R = s.col_rows(), plane = OH * gy_row, lanes = V::size;
  // Lanes past OW hold w * 0 (NaN if w is infinite) for columns no window of that kw covers.
  alignas(64) T index[V::size];
  for (int64_t i = 0; i < lanes; ++i) index[i] = static_cast<T>(i);
  const auto keep = V::load_aligned(index) < V(static_cast<T>(OW - ow0));
  for (int64_t r = 0; r < pad.hp; ++r) {
    V acc[CB][KW];
    for (int c = 0; c < CB; ++c)
      for (int k = 0; k < KW; ++k) acc[c][k] = V(T(0));
    bool any = false;
    for (int64_t kh = 0; kh < KH; ++kh) {
      const int64_t oh = r - kh * dh;
      if (oh < 0 || oh >= OH) continue;
      any = true;
      for (int64_t co = 0; co < cout; ++co) {
        const V g = V::load_unaligned(gy + co * plane + oh * gy_row + ow0);
        const T* wk = w + co * R + kh * KW;
        for (int c = 0; c < CB; ++c)
          for (int k = 0; k < KW; ++k) acc[c][k] = xsimd::fma(V(wk[c * KH * KW + k]), g, acc[c][k]);
      }
    }
    if (!any) continue;
    for (int c = 0; c < CB; ++c)
      for (int k = 0; k < KW; ++k) {
        T* dst = gxp + (c * pad.hp + r) * pad.wp + ow0 + k * dw;
        (V::load_unaligned(dst) + xsimd::select(keep, acc[c][k], V(T(0)))).store_unaligned(dst);
      }
  }
}

/// Input channels sharing each output-gradient load in input_block: CB * KW accumulators.
template <int KW>
constexpr int input_channel_block() { return KW <= 3 ? 6 : (KW <= 5 ? 4 : 3); }

template <class T, int KW, int CB = 1>
void input_block_dispatch(int cb, const T* gy, int64_t gy_row, const ConvShape& s, int64_t cout, const T* w,
                          const Padded& pad, T* gxp, int64_t ow0) {
  if constexpr (CB < input_channel_block<KW>()) {
    if (cb != CB) return input_block_dispatch<T, KW, CB + 1>(cb, gy, gy_row, s, cout, w, pad, gxp, ow0);
  }
  input_block<T, CB, KW>(gy, gy_row, s, cout, w, pad, gxp, ow0);
}

template <class T, int KW>
void input_image_kw(const T* gy, int64_t gy_row, const ConvShape& s, int64_t cout, const T* w, const Padded& pad,
                    T* gxp) {
  constexpr int64_t block = input_channel_block<KW>();
  const int64_t lanes = Vec<T>::size, K = s.kernel[1] * s.kernel[2];
  for (int64_t ci0 = 0; ci0 < s.channels; ci0 += block) {
    const int cb = static_cast<int>(std::min(block, s.channels - ci0));
    for (int64_t ow0 = 0; ow0 < s.out[2]; ow0 += lanes)
      input_block_dispatch<T, KW>(cb, gy, gy_row, s, cout, w + ci0 * K, pad, gxp + ci0 * pad.hp * pad.wp, ow0);
  }
}

/// gxp (the padded input gradient of one image, one group; zeroed by the caller) += the adjoint
/// of the forward for gy (cout planes of OH rows, gy_row apart, zeros past OW); w: cout x cin x KH x KW.
template <class T>
void input_image(const T* gy, int64_t gy_row, const ConvShape& s, int64_t cout, const T* w, const Padded& pad,
                 T* gxp) {
  switch (s.kernel[2]) {
    case 1: return input_image_kw<T, 1>(gy, gy_row, s, cout, w, pad, gxp);
    case 2: return input_image_kw<T, 2>(gy, gy_row, s, cout, w, pad, gxp);
    case 3: return input_image_kw<T, 3>(gy, gy_row, s, cout, w, pad, gxp);
    case 4: return input_image_kw<T, 4>(gy, gy_row, s, cout, w, pad, gxp);
    case 5: return input_image_kw<T, 5>(gy, gy_row, s, cout, w, pad, gxp);
    case 6: return input_image_kw<T, 6>(gy, gy_row, s, cout, w, pad, gxp);
    default: return input_image_kw<T, 7>(gy, gy_row, s, cout, w, pad, gxp);
  }
}

}  // namespace xgrad::kernels::direct
