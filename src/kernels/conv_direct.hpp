// conv_direct.hpp: direct (unlowered) kernels for a stride-1 2-d convolution and its two adjoints,
// for the small images and thin channel counts of a typical CNN, where im2col + a BLAS product per
// image is badly shaped (kernels/conv.hpp says when this path is taken, with the measurements).
//   forward:         y[co, oh, ow] = sum over ci, kh, kw of w[co, ci, kh, kw] * xp[ci, oh + kh*dh, ow + kw*dw]
//   input gradient:  gxp[ci, oh + kh*dh, ow + kw*dw] += w[co, ci, kh, kw] * gy[co, oh, ow], summed over co, kh, kw
//   weight gradient: gW[co, ci, kh, kw] = sum over n, oh, ow of gy[n, co, oh, ow] * xp[n, ci, oh + kh*dh, ow + kw*dw]
// (xp: the image with its zero padding). Read Note [Shifted rows] first. Every hot loop loads
// whole vectors (8 floats) and tests no border; a block of channels shares each load (one
// register of accumulators per channel, and per vector or per kw). Each value is summed in a
// fixed order, so the bits do not depend on the thread count. Read next: kernels/conv.hpp.
//
// Note [Shifted rows]
// The forward and the weight gradient read the image through Shifted: one copy of the padded
// image per kw, each cut to the output's width and shifted left by kw*dw, so that
//     xs[ci][kw][r * OW + ow] = xp[ci][r][ow + kw*dw]      (r: a padded row, ow < OW)
// and the window of output position p = oh * OW + ow at (kh, kw) is xs[ci][kw][p + kh*dh*OW]:
// consecutive positions read consecutive values, across rows too. The loops then run over the
// output positions of a whole image as one row of vectors: no vector is cut by a row end (an
// 8-wide map fills each, 14- and 28-wide ones waste none but the image's last), no per-row loop,
// and a block of channels can share two or more vectors of the image, not one. The copies cost
// KW writes per input value, against cout * KH * KW multiply-adds.
//
// Note [Scattered input gradient]
// The input gradient scatters: each output-gradient vector gy[co][oh][ow0..] adds w * gy to KW
// shifted windows of an input row, for every (kh, co) that reaches the row. Gathering instead
// (gx as a forward convolution over gy padded by k - 1) computes the padding's products too:
// twice the work for 12x12 inputs to a 5x5 kernel. The KW sums of one row are kept apart in
// registers and stored whole to rows of a small buffer (Spread), then added into the input
// gradient in a second, short pass: adding each one to the row in memory, one vector overlapping
// the last store by one value, stalled every load on the store before it (measured: 24% of this
// pass for (64, 10, 12, 12) -> 20 channels).
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <vector>

#include <xsimd/xsimd.hpp>

#include "kernels/im2col.hpp"

namespace xgrad::kernels::direct {

/// The vector the direct kernels use: 32 bytes (8 floats) where the CPU has them, else the widest.
template <class T>
using Vec = std::conditional_t<std::is_void<xsimd::make_sized_batch_t<T, 32 / sizeof(T)>>::value, xsimd::batch<T>,
                               xsimd::make_sized_batch_t<T, 32 / sizeof(T)>>;

/// Vector registers a kernel may fill with accumulators and operands: AVX-512 has 32 (its 256-bit
/// forms included), AVX2 16.
#if defined(__AVX512VL__)
constexpr int kVectorRegisters = 32;
#else
constexpr int kVectorRegisters = 16;
#endif

/// The widest kernel the weight and input gradients keep in registers (one accumulator per kw).
constexpr int64_t kMaxKernelWidth = 7;

/// Whether the direct kernels do this geometry: 2-d (or 1-d), stride 1, float or double.
template <class T>
bool supports(const ConvShape& s) {
  return (std::is_same<T, float>::value || std::is_same<T, double>::value) && s.in[0] == 1 && s.out[0] == 1 &&
         s.kernel[0] == 1 && s.padding[0] == 0 && s.stride[1] == 1 && s.stride[2] == 1 && s.kernel[2] <= kMaxKernelWidth;
}

inline int64_t round_up(int64_t n, int64_t m) { return (n + m - 1) / m * m; }

/// `count` values in equal blocks of at most `most`: the size of block b of `blocks`.
inline int64_t block_size(int64_t count, int64_t blocks, int64_t b) {
  return count / blocks + (b < count % blocks ? 1 : 0);
}

/// dst[0, n) = src[0, n) for a short row: whole vectors, then the last values one by one, with no
/// call to memcpy (which costs more than such a copy; see Note [Short rows in im2col]).
template <class T>
inline void copy_row(const T* src, T* dst, int64_t n) {
  using V = Vec<T>;
  constexpr int64_t lanes = V::size;
  int64_t j = 0;
  for (; j + lanes <= n; j += lanes) V::load_unaligned(src + j).store_unaligned(dst + j);
  for (int64_t i = 0; i < lanes - 1; ++i)
    if (j + i < n) dst[j + i] = src[j + i];
}

/// Stores lanes [0, n) of v at out (all of them when n is the vector's width).
template <class V, class T>
inline void store_first(const V& v, T* out, int64_t n) {
  if (n == static_cast<int64_t>(V::size)) return v.store_unaligned(out);
  alignas(64) T tmp[V::size];
  v.store_aligned(tmp);
  for (size_t i = 0; i + 1 < V::size; ++i)
    if (static_cast<int64_t>(i) < n) out[i] = tmp[i];
}

/// A mask of the first n lanes.
template <class V>
inline auto first_lanes(int64_t n) {
  using T = typename V::value_type;
  alignas(64) T index[V::size];
  for (size_t i = 0; i < V::size; ++i) index[i] = static_cast<T>(i);
  return V::load_aligned(index) < V(static_cast<T>(n));
}

/// One image (one group's channels) as shifted rows: see Note [Shifted rows]. Plane (ci, kw) has
/// `rows` rows of OW values (every padded row a window reaches), then zeros up to `plane`, enough
/// that a whole vector read at any output position stays inside the plane.
struct Shifted {
  int64_t channels, kw, rows, width, plane;  // width: OW
  int64_t h, w, ph, pw, dw, step;             // step: from one kh to the next, dh * OW
  int64_t line;                               // a padded image row, read by whole vectors at k * dw
  Shifted(const ConvShape& s, int64_t lanes)
      : channels(s.channels), kw(s.kernel[2]), width(s.out[2]), h(s.in[1]), w(s.in[2]), ph(s.padding[1]),
        pw(s.padding[2]), dw(s.dilation[2]), step(s.dilation[1] * s.out[2]) {
    rows = s.out[1] + (s.kernel[1] - 1) * s.dilation[1];
    plane = round_up(rows * width + lanes, lanes);
    line = round_up(std::max(pw + w, (kw - 1) * dw + round_up(width, lanes)), lanes);
  }
  /// The values fill writes: the planes, then room for one padded row.
  int64_t size() const { return channels * kw * plane + line; }
  /// The offset of plane (ci, k).
  int64_t at(int64_t ci, int64_t k) const { return (ci * kw + k) * plane; }
  /// buf = the shifted rows of image (channels x h x w). Each row is written by whole vectors,
  /// the last one running into the next row (written after it) or the plane's zeros (written last).
  template <class T>
  void fill(const T* image, T* buf) const {
    using V = Vec<T>;
    constexpr int64_t lanes = V::size;
    const V zero(T(0));
    T* padded = buf + channels * kw * plane;  // one row of the padded image
    for (int64_t ci = 0; ci < channels; ++ci) {
      for (int64_t r = 0; r < rows; ++r) {
        const int64_t i = r - ph;
        if (i < 0 || i >= h) {
          for (int64_t k = 0; k < kw; ++k)
            for (int64_t j = 0; j < width; j += lanes) zero.store_unaligned(buf + at(ci, k) + r * width + j);
          continue;
        }
        for (int64_t j = 0; j < line; j += lanes) zero.store_unaligned(padded + j);
        copy_row(image + (ci * h + i) * w, padded + pw, w);
        for (int64_t k = 0; k < kw; ++k)
          for (int64_t j = 0; j < width; j += lanes)
            V::load_unaligned(padded + k * dw + j).store_unaligned(buf + at(ci, k) + r * width + j);
      }
      for (int64_t k = 0; k < kw; ++k) {  // the zeros after the rows: between one and two vectors
        zero.store_unaligned(buf + at(ci, k) + rows * width);
        zero.store_unaligned(buf + at(ci, k) + plane - lanes);
      }
    }
  }
};

// ---------------------------------------------------------------------------------------------
// Forward.

/// Accumulators per channel block in the forward: NV vectors of CB channels, with the NV image
/// vectors and a broadcast weight beside them.
template <int CB>
constexpr int forward_vectors() {
  return std::max(1, std::min(4, (kVectorRegisters - 1) / (CB + 1)));
}

/// The most output channels sharing one image load (one accumulator register each).
constexpr int64_t kChannelBlock = 12;

/// CB output channels at NV vectors of positions p0..: out[c][p] = bias[c] + the sum over taps t
/// (ci, kh, kw in that order) of wpack[t * CB + c] * xs[taps[t] + p]. out: channel planes of L.
template <class T, int CB, int NV>
void forward_block(const T* xs, const int64_t* taps, int64_t ntaps, const T* wpack, const T* bias, T* out,
                   int64_t L, int64_t p0) {
  using V = Vec<T>;
  constexpr int64_t lanes = V::size;
  V acc[CB][NV];
  for (int c = 0; c < CB; ++c)
    for (int j = 0; j < NV; ++j) acc[c][j] = V(bias != nullptr ? bias[c] : T(0));
  const T* src = xs + p0;
  for (int64_t t = 0; t < ntaps; ++t, wpack += CB) {
    V x[NV];
    for (int j = 0; j < NV; ++j) x[j] = V::load_unaligned(src + taps[t] + j * lanes);
    for (int c = 0; c < CB; ++c) {
      const V wv(wpack[c]);
      for (int j = 0; j < NV; ++j) acc[c][j] = xsimd::fma(wv, x[j], acc[c][j]);
    }
  }
  for (int c = 0; c < CB; ++c)
    for (int j = 0; j < NV; ++j) {
      const int64_t p = p0 + j * lanes;
      store_first(acc[c][j], out + c * L + p, std::min(lanes, L - p));
    }
}

/// All positions of CB output channels: groups of NV vectors, then single vectors.
template <class T, int CB>
void forward_channels(const T* xs, const int64_t* taps, int64_t ntaps, const T* wpack, const T* bias, T* out,
                      int64_t L) {
  constexpr int NV = forward_vectors<CB>();
  constexpr int64_t lanes = Vec<T>::size;
  int64_t p0 = 0;
  for (; p0 + NV * lanes <= round_up(L, lanes); p0 += NV * lanes)
    forward_block<T, CB, NV>(xs, taps, ntaps, wpack, bias, out, L, p0);
  for (; p0 < L; p0 += lanes) forward_block<T, CB, 1>(xs, taps, ntaps, wpack, bias, out, L, p0);
}

template <class T, int CB = 1>
void forward_dispatch(int cb, const T* xs, const int64_t* taps, int64_t ntaps, const T* wpack, const T* bias, T* out,
                      int64_t L) {
  if constexpr (CB < kChannelBlock) {
    if (cb != CB) return forward_dispatch<T, CB + 1>(cb, xs, taps, ntaps, wpack, bias, out, L);
  }
  forward_channels<T, CB>(xs, taps, ntaps, wpack, bias, out, L);
}

/// What the forward of one group needs besides the image: the output channels in equal blocks of
/// at most kChannelBlock (10 -> 10, 20 -> 10 + 10, 32 -> 11 + 11 + 10), each block's weights
/// packed tap-major (wpack[t * cb + c]), and each tap's offset into the shifted rows.
template <class T>
struct ForwardPlan {
  int64_t cout = 0, blocks = 0, ntaps = 0;
  std::vector<int64_t> taps;
  std::vector<T> wpack;
  /// w: cout x (cin x KH x KW), one group's.
  ForwardPlan(const ConvShape& s, const Shifted& xs, int64_t cout_, const T* w) : cout(cout_) {
    blocks = (cout + kChannelBlock - 1) / kChannelBlock;
    ntaps = s.col_rows();
    const int64_t KH = s.kernel[1], KW = s.kernel[2];
    taps.resize(static_cast<size_t>(ntaps));
    for (int64_t ci = 0, t = 0; ci < s.channels; ++ci)
      for (int64_t kh = 0; kh < KH; ++kh)
        for (int64_t kw = 0; kw < KW; ++kw, ++t) taps[static_cast<size_t>(t)] = xs.at(ci, kw) + kh * xs.step;
    wpack.resize(static_cast<size_t>(cout * ntaps));
    for (int64_t b = 0, co0 = 0; b < blocks; co0 += block_size(cout, blocks, b), ++b) {
      const int64_t cb = block_size(cout, blocks, b);
      T* dst = wpack.data() + co0 * ntaps;
      for (int64_t t = 0; t < ntaps; ++t)
        for (int64_t c = 0; c < cb; ++c) dst[t * cb + c] = w[(co0 + c) * ntaps + t];
    }
  }
};

/// One image of one group: out (cout x OH x OW) = conv + bias, xs its shifted rows (Shifted::fill).
template <class T>
void forward_image(const T* xs, const ForwardPlan<T>& plan, int64_t L, const T* bias, T* out) {
  for (int64_t b = 0, co0 = 0; b < plan.blocks; co0 += block_size(plan.cout, plan.blocks, b), ++b)
    forward_dispatch<T>(static_cast<int>(block_size(plan.cout, plan.blocks, b)), xs, plan.taps.data(), plan.ntaps,
                        plan.wpack.data() + co0 * plan.ntaps, bias != nullptr ? bias + co0 : nullptr, out + co0 * L, L);
}

// ---------------------------------------------------------------------------------------------
// Weight gradient.

/// Output channels sharing the image loads in the weight gradient: CB * KW accumulators, the CB
/// gradient vectors and one image vector.
template <int KW>
constexpr int weight_channel_block() {
  return std::max(1, std::min(6, (kVectorRegisters - 1) / (KW + 1)));
}

/// Adds to gw[c * wstride + k] (c < CB, k < KW) the sum over images n and positions p < L of
/// gy[n][c][p] * xs[n][k][p], for one (ci, kh): xs points at plane (ci, 0) of image 0 advanced by
/// kh's step; planes `plane` apart, images x_image apart. gy: channel planes of L, images gy_image
/// apart; gy_tail, when L is not whole vectors: each image's and channel's last vector, zeros past L.
template <class T, int CB, int KW>
void weight_block(const T* xs, int64_t x_image, int64_t plane, const T* gy, int64_t gy_image, const T* gy_tail,
                  int64_t L, int64_t images, T* gw, int64_t wstride) {
  using V = Vec<T>;
  constexpr int64_t lanes = V::size;
  const int64_t whole = L / lanes * lanes;
  const auto tail = first_lanes<V>(L - whole);
  V acc[CB][KW];
  for (int c = 0; c < CB; ++c)
    for (int k = 0; k < KW; ++k) acc[c][k] = V(T(0));
  for (int64_t n = 0; n < images; ++n) {
    const T* xn = xs + n * x_image;
    const T* gn = gy + n * gy_image;
    for (int64_t p = 0; p < whole; p += lanes) {
      V g[CB];
      for (int c = 0; c < CB; ++c) g[c] = V::load_unaligned(gn + c * L + p);
      for (int k = 0; k < KW; ++k) {
        const V x = V::load_unaligned(xn + k * plane + p);
        for (int c = 0; c < CB; ++c) acc[c][k] = xsimd::fma(g[c], x, acc[c][k]);
      }
    }
    if (whole < L) {  // lanes past L read image values no window uses: masked, so that an inf there adds no NaN
      V g[CB];
      for (int c = 0; c < CB; ++c) g[c] = V::load_unaligned(gy_tail + (n * CB + c) * lanes);
      for (int k = 0; k < KW; ++k) {
        const V x = xsimd::select(tail, V::load_unaligned(xn + k * plane + whole), V(T(0)));
        for (int c = 0; c < CB; ++c) acc[c][k] = xsimd::fma(g[c], x, acc[c][k]);
      }
    }
  }
  for (int c = 0; c < CB; ++c)
    for (int k = 0; k < KW; ++k) gw[c * wstride + k] += xsimd::hadd(acc[c][k]);
}

template <class T, int KW, int CB = 1>
void weight_block_dispatch(int cb, const T* xs, int64_t x_image, int64_t plane, const T* gy, int64_t gy_image,
                           const T* gy_tail, int64_t L, int64_t images, T* gw, int64_t wstride) {
  if constexpr (CB < weight_channel_block<KW>()) {
    if (cb != CB)
      return weight_block_dispatch<T, KW, CB + 1>(cb, xs, x_image, plane, gy, gy_image, gy_tail, L, images, gw, wstride);
  }
  weight_block<T, CB, KW>(xs, x_image, plane, gy, gy_image, gy_tail, L, images, gw, wstride);
}

template <class T, int KW>
void weight_images_kw(const T* xs, int64_t x_image, const Shifted& sh, const ConvShape& s, int64_t cout, const T* gy,
                      int64_t gy_image, int64_t images, T* gw) {
  using V = Vec<T>;
  constexpr int64_t lanes = V::size;
  const int64_t R = s.col_rows(), KH = s.kernel[1], L = s.out_size(), whole = L / lanes * lanes;
  constexpr int64_t most = weight_channel_block<KW>();
  const int64_t blocks = (cout + most - 1) / most;
  // Each image's and block channel's last, partial vector of gy, zeros past L (so no read passes gy's end).
  std::vector<T> tail(static_cast<size_t>(whole < L ? images * most * lanes : 0), T(0));
  for (int64_t b = 0, co0 = 0; b < blocks; co0 += block_size(cout, blocks, b), ++b) {
    const int64_t cb = block_size(cout, blocks, b);
    const T* gb = gy + co0 * L;
    if (whole < L)
      for (int64_t n = 0; n < images; ++n)
        for (int64_t c = 0; c < cb; ++c)
          copy_row(gb + n * gy_image + c * L + whole, tail.data() + (n * cb + c) * lanes, L - whole);
    for (int64_t ci = 0; ci < s.channels; ++ci)
      for (int64_t kh = 0; kh < KH; ++kh)
        weight_block_dispatch<T, KW>(static_cast<int>(cb), xs + sh.at(ci, 0) + kh * sh.step, x_image, sh.plane, gb,
                                     gy_image, tail.data(), L, images, gw + co0 * R + (ci * KH + kh) * KW, R);
  }
}

/// gw (cout x cin x KH x KW, one group) += the weight gradient of `images` images: xs their shifted
/// rows (x_image apart), gy their output gradients (cout planes of OH x OW, gy_image apart).
template <class T>
void weight_images(const T* xs, int64_t x_image, const Shifted& sh, const ConvShape& s, int64_t cout, const T* gy,
                   int64_t gy_image, int64_t images, T* gw) {
  switch (s.kernel[2]) {
    case 1: return weight_images_kw<T, 1>(xs, x_image, sh, s, cout, gy, gy_image, images, gw);
    case 2: return weight_images_kw<T, 2>(xs, x_image, sh, s, cout, gy, gy_image, images, gw);
    case 3: return weight_images_kw<T, 3>(xs, x_image, sh, s, cout, gy, gy_image, images, gw);
    case 4: return weight_images_kw<T, 4>(xs, x_image, sh, s, cout, gy, gy_image, images, gw);
    case 5: return weight_images_kw<T, 5>(xs, x_image, sh, s, cout, gy, gy_image, images, gw);
    case 6: return weight_images_kw<T, 6>(xs, x_image, sh, s, cout, gy, gy_image, images, gw);
    default: return weight_images_kw<T, 7>(xs, x_image, sh, s, cout, gy, gy_image, images, gw);
  }
}

// ---------------------------------------------------------------------------------------------
// Input gradient: see Note [Scattered input gradient].

/// Where the input gradient keeps the KW sums of a band of input rows for a block of input
/// channels: row (c, k, i) of `width` values holds, from column `left` on, the sum for kw = k at
/// output columns 0, 1, .., zeros elsewhere; column left + ow + pw - k*dw then adds into input column ow.
struct Spread {
  int64_t kw, band, left, width, gy_row, h, w, ph, pw, dh, dw;
  Spread(const ConvShape& s, int64_t lanes, int64_t channels)
      : kw(s.kernel[2]), h(s.in[1]), w(s.in[2]), ph(s.padding[1]), pw(s.padding[2]), dh(s.dilation[1]),
        dw(s.dilation[2]) {
    gy_row = round_up(s.out[2], lanes);
    left = round_up(std::max<int64_t>(0, (kw - 1) * dw - pw), lanes);
    width = std::max(left + gy_row, left + pw + round_up(w, lanes));
    // A band of rows whose buffer stays within about 64 KB.
    band = std::max<int64_t>(1, std::min(h, int64_t(16384) / std::max<int64_t>(1, channels * kw * width)));
  }
  int64_t size(int64_t channels) const { return channels * kw * band * width; }
  int64_t row(int64_t c, int64_t k, int64_t i) const { return ((c * kw + k) * band + i) * width; }
};

/// For CB input channels (w: channel c's weights at w + c * KH * KW, output channel co's R apart),
/// output columns ow0.. and input rows [i0, i1): the KW sums of every (co, kh) reaching each row,
/// stored to the Spread rows (row i - i0) at column left + ow0. gy rows are gy_row apart, zeros past OW.
template <class T, int CB, int KW>
void input_block(const T* gy, const ConvShape& s, int64_t cout, const T* w, const Spread& sp, T* buf, int64_t ow0,
                 int64_t i0, int64_t i1) {
  using V = Vec<T>;
  const int64_t OH = s.out[1], KH = s.kernel[1], dh = sp.dh, R = s.col_rows(), plane = OH * sp.gy_row;
  // Lanes past OW hold w * 0 (NaN if w is infinite) for columns no window covers: kept out.
  const auto keep = first_lanes<V>(s.out[2] - ow0);
  for (int64_t i = i0; i < i1; ++i) {
    const int64_t r = i + sp.ph;  // the padded row
    V acc[CB][KW];
    for (int c = 0; c < CB; ++c)
      for (int k = 0; k < KW; ++k) acc[c][k] = V(T(0));
    for (int64_t kh = 0; kh < KH; ++kh) {
      const int64_t oh = r - kh * dh;
      if (oh < 0 || oh >= OH) continue;
      for (int64_t co = 0; co < cout; ++co) {
        const V g = V::load_unaligned(gy + co * plane + oh * sp.gy_row + ow0);
        const T* wk = w + co * R + kh * KW;
        for (int c = 0; c < CB; ++c)
          for (int k = 0; k < KW; ++k) acc[c][k] = xsimd::fma(V(wk[c * KH * KW + k]), g, acc[c][k]);
      }
    }
    for (int c = 0; c < CB; ++c)
      for (int k = 0; k < KW; ++k)
        xsimd::select(keep, acc[c][k], V(T(0))).store_unaligned(buf + sp.row(c, k, i - i0) + sp.left + ow0);
  }
}

/// gx rows [i0, i1) of `channels` channels (planes of h x w) = the sums over k of the Spread rows.
template <class T>
void input_gather(const T* buf, const Spread& sp, int64_t channels, int64_t i0, int64_t i1, T* gx) {
  using V = Vec<T>;
  constexpr int64_t lanes = V::size;
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t i = i0; i < i1; ++i) {
      const T* rows = buf + sp.row(c, 0, i - i0) + sp.left + sp.pw;
      T* out = gx + (c * sp.h + i) * sp.w;
      for (int64_t j = 0; j < sp.w; j += lanes) {
        V sum = V::load_unaligned(rows + j);
        for (int64_t k = 1; k < sp.kw; ++k) sum += V::load_unaligned(rows + k * (sp.band * sp.width - sp.dw) + j);
        store_first(sum, out + j, std::min(lanes, sp.w - j));
      }
    }
}

/// Input channels sharing each output-gradient load in input_block: CB * KW accumulators and it.
template <int KW>
constexpr int input_channel_block() {
  return std::max(1, std::min(6, (kVectorRegisters - 2) / KW));
}

template <class T, int KW, int CB = 1>
void input_block_dispatch(int cb, const T* gy, const ConvShape& s, int64_t cout, const T* w, const Spread& sp, T* buf,
                          int64_t ow0, int64_t i0, int64_t i1) {
  if constexpr (CB < input_channel_block<KW>()) {
    if (cb != CB) return input_block_dispatch<T, KW, CB + 1>(cb, gy, s, cout, w, sp, buf, ow0, i0, i1);
  }
  input_block<T, CB, KW>(gy, s, cout, w, sp, buf, ow0, i0, i1);
}

template <class T, int KW>
void input_image_kw(const T* gy, const ConvShape& s, int64_t cout, const T* w, const Spread& sp, T* buf, T* gx) {
  constexpr int64_t most = input_channel_block<KW>();
  const int64_t lanes = Vec<T>::size, K = s.kernel[1] * s.kernel[2], blocks = (s.channels + most - 1) / most;
  for (int64_t b = 0, ci0 = 0; b < blocks; ci0 += block_size(s.channels, blocks, b), ++b) {
    const int64_t cb = block_size(s.channels, blocks, b);
    for (int64_t i0 = 0; i0 < sp.h; i0 += sp.band) {
      const int64_t i1 = std::min(sp.h, i0 + sp.band);
      for (int64_t ow0 = 0; ow0 < s.out[2]; ow0 += lanes)
        input_block_dispatch<T, KW>(static_cast<int>(cb), gy, s, cout, w + ci0 * K, sp, buf, ow0, i0, i1);
      input_gather(buf, sp, cb, i0, i1, gx + ci0 * sp.h * sp.w);
    }
  }
}

/// gx (one image of one group: cin planes of h x w) = the adjoint of the forward for gy (cout
/// planes of OH rows, gy_row apart, zeros past OW); w: cout x cin x KH x KW. buf: Spread::size
/// values for the largest channel block, zero (only its columns from `left` to left + gy_row are written).
template <class T>
void input_image(const T* gy, const ConvShape& s, int64_t cout, const T* w, const Spread& sp, T* buf, T* gx) {
  switch (s.kernel[2]) {
    case 1: return input_image_kw<T, 1>(gy, s, cout, w, sp, buf, gx);
    case 2: return input_image_kw<T, 2>(gy, s, cout, w, sp, buf, gx);
    case 3: return input_image_kw<T, 3>(gy, s, cout, w, sp, buf, gx);
    case 4: return input_image_kw<T, 4>(gy, s, cout, w, sp, buf, gx);
    case 5: return input_image_kw<T, 5>(gy, s, cout, w, sp, buf, gx);
    case 6: return input_image_kw<T, 6>(gy, s, cout, w, sp, buf, gx);
    default: return input_image_kw<T, 7>(gy, s, cout, w, sp, buf, gx);
  }
}

/// The largest channel block input_image uses for this kernel width (to size its buffer).
inline int64_t input_block_most(int64_t kw) {
  switch (kw) {
    case 1: return input_channel_block<1>();
    case 2: return input_channel_block<2>();
    case 3: return input_channel_block<3>();
    case 4: return input_channel_block<4>();
    case 5: return input_channel_block<5>();
    case 6: return input_channel_block<6>();
    default: return input_channel_block<7>();
  }
}

}  // namespace xgrad::kernels::direct
