// conv.hpp: a convolution and its two adjoints on raw contiguous buffers, either by the direct
// kernels of kernels/conv_direct.hpp (see Note [Direct or lowered] for when) or lowered to matrix
// products through OpenBLAS (kernels/gemm.hpp). For one image and one group, with col = im2col(x)
// (rows: input channel and kernel offset; columns: output position):
//     forward:          y = W @ col (+ bias)                  W: (C_out, C_in * K)
//     input gradient:   gx = col2im(W^T @ gy)
//     weight gradient:  gW += gy @ col^T   (summed over the images)
// A transposed convolution is the same three with the roles swapped (see src/ops/conv.cpp).
// The batch is cut into at most kImageBlocks blocks of images, a fixed number whatever the thread
// count (so the weight gradient, summed per block, has the same bits with 1 or N threads), and the
// blocks are shared out by the pool (kernels/parallel.hpp).
//
// Note [Direct or lowered]
// A stride-1 2-d (or 1-d) convolution in float or double whose column matrix has at most
// kDirectMaxColRows rows (in_channels / groups * kernel size) and whose kernel is at most 7 wide
// takes the direct kernels, for all three passes; anything else (strides, 3-d, int64, wide
// kernels, many input channels) is lowered. Why: the MNIST nets' convolutions lower to products
// too small and thin for BLAS (K = 25 for one input channel; 20 x 250 times 250 x 64 per image
// for the second), and im2col writes 25 to 400 copies of each input. Measured with each pass alone (one thread,
// thread CPU time, lower quartile of 10 to 30 calls, on the 2-vCPU machine at load 4-5 from other
// builds; the lowered passes are OpenBLAS's single-threaded sgemm, 11-15 GMAC/s here, the direct
// ones 28-39 GMAC/s), microseconds for forward / input gradient / weight gradient:
//   (64, 1, 28, 28) -> 16, k5 p2 (the CNN sample's first):    lowered 2065 / 2110 / 2299,  direct 584 / - / 568
//   (64, 16, 14, 14) -> 32, k5 p2 (its second, 400 rows):     lowered 13850 / 14032 / 14159, direct 4241 / 4861 / 4555
//   (64, 10, 12, 12) -> 20, k5 (250 rows):                    lowered 3788 / 2098 / 2226,  direct 579 / 630 / 659
//   (64, 32, 14, 14) -> 64, k5 p2 (800 rows):                 lowered 49667 / 57296 / 49631, direct 17223 / 17764 / 19252
//   (16, 128, 14, 14) -> 128, k3 p1 (1152 rows):              lowered 33076 / 31359 / 34083, direct 12197 / 24424 / 17224
//   (8, 256, 28, 28) -> 256, k3 p1 (2304 rows):               lowered 288505 / 296364 / 265119, direct 130681 / 208057 / 121999
//   (4, 256, 14, 14) -> 512, k3 p1 (2304 rows):               lowered 61459 / 60038 / 93532, direct 23506 / 51801 / 39688
// OpenBLAS 0.3.21 takes this VM's CPU for a Prescott (openblas_get_corename): SSE3 kernels.
// With OPENBLAS_CORETYPE=SkylakeX, its AVX-512 ones, the lowered passes took instead
//   400 rows: 6496 / 5448 / 7460     576 rows (64, 64, 7, 7) -> 64, k3 p1: 6906 / 6351 / 7527 (direct 5103 / 3433 / 5251)
//   800 rows: 18095 / 15248 / 19233 (a tie)   1152 rows: 10520 / 9125 / 12464   2304 rows: 15701 / 15627 / 24114,
//   65307 / 70816 / 76068
// so past 800 rows BLAS's blocking wins wherever OpenBLAS knows the CPU: the bound is 800.
// Read next: kernels/conv_direct.hpp, src/ops/conv.cpp.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/conv_direct.hpp"
#include "kernels/gemm.hpp"
#include "kernels/im2col.hpp"
#include "kernels/parallel.hpp"
#include "kernels/reduce.hpp"

namespace xgrad::kernels {

/// A whole convolution: `batch` images of in_channels x shape.in, giving out_channels x shape.out;
/// shape.channels is one group's input channels (in_channels / groups).
struct ConvProblem {
  int64_t batch = 0, groups = 1, in_channels = 0, out_channels = 0;
  ConvShape shape;

  int64_t group_out() const { return out_channels / groups; }
  int64_t in_image() const { return in_channels * shape.in_size(); }    // elements of one input image
  int64_t out_image() const { return out_channels * shape.out_size(); }  // of one output image
  int64_t group_weight() const { return group_out() * shape.col_rows(); }
  /// Multiply-adds for one image (what decides whether to split the batch).
  int64_t work_per_image() const { return out_channels * shape.col_rows() * shape.out_size(); }
};

/// The most blocks a batch is cut into: enough to keep a few cores busy, few enough that each
/// block's own weight-gradient buffer stays cheap.
constexpr int64_t kImageBlocks = 8;

/// The largest column-matrix height (in_channels / groups * kernel size) the direct kernels take.
constexpr int64_t kDirectMaxColRows = 800;

namespace detail {
/// The number of blocks of images: one per kGemmGrain multiply-adds, at most kImageBlocks and at
/// most one per image. It depends on the problem alone, never on the thread count.
inline int64_t image_blocks(const ConvProblem& p) {
  const int64_t by_work = p.batch * std::max<int64_t>(1, p.work_per_image()) / kGemmGrain;
  return std::max<int64_t>(1, std::min({kImageBlocks, p.batch, by_work}));
}

/// Calls f(part, begin, end) on the blocks of images (see image_blocks), on the pool's threads
/// and the caller's; returns the number of blocks. Inside a block, BLAS runs on one thread (a
/// nested parallel loop runs inline).
template <class F>
int64_t for_each_image_block(const ConvProblem& p, F&& f) {
  const int64_t parts = image_blocks(p);
  if (parts < 2) {
    if (p.batch > 0) f(int64_t{0}, int64_t{0}, p.batch);
    return 1;
  }
  const int64_t block = (p.batch + parts - 1) / parts;
  parallel_for(parts, 1, [&](int64_t begin, int64_t end) {
    for (int64_t part = begin; part < end; ++part) {
      const int64_t lo = part * block, hi = std::min(p.batch, lo + block);
      if (lo < hi) f(part, lo, hi);
    }
  });
  return parts;
}

/// An uninitialised buffer of n values, for a column matrix that im2col or a product overwrites
/// whole (std::vector would first zero it: 4% of a small CNN's training step).
template <class T>
std::unique_ptr<T[]> scratch(int64_t n) {
  return std::unique_ptr<T[]>(new T[static_cast<size_t>(std::max<int64_t>(n, 1))]);
}

template <class T>
MatrixRef<T> rows(const T* data, int64_t r, int64_t c) { return {data, r, c, c, 1}; }  // row-major r x c
template <class T>
MatrixRef<T> transposed(const T* data, int64_t r, int64_t c) { return {data, c, r, 1, c}; }  // (r x c)^T
}  // namespace detail


/// Whether conv_forward and its adjoints take the direct kernels (kernels/conv_direct.hpp) rather
/// than im2col + BLAS. See Note [Direct or lowered].
template <class T>
bool use_direct(const ConvProblem& p) {
  return direct::supports<T>(p.shape) && p.shape.col_rows() <= kDirectMaxColRows;
}
/// Only float and double have direct kernels; for the others this is false at compile time.
template <class T>
constexpr bool has_direct() {
  return std::is_same<T, float>::value || std::is_same<T, double>::value;
}

namespace detail {
template <class T>
void forward_direct(const T* input, const T* weight, const T* bias, T* output, const ConvProblem& p) {
  const ConvShape& s = p.shape;
  const direct::Shifted shifted(s, direct::Vec<T>::size);
  const int64_t cg = p.group_out(), L = s.out_size();
  std::vector<direct::ForwardPlan<T>> plans;  // one per group, shared by the threads
  for (int64_t g = 0; g < p.groups; ++g) plans.emplace_back(s, shifted, cg, weight + g * p.group_weight());
  for_each_image_block(p, [&](int64_t, int64_t begin, int64_t end) {
    auto xs = scratch<T>(shifted.size());
    for (int64_t n = begin; n < end; ++n)
      for (int64_t g = 0; g < p.groups; ++g) {
        shifted.fill(input + n * p.in_image() + g * s.channels * s.in_size(), xs.get());
        direct::forward_image(xs.get(), plans[static_cast<size_t>(g)], L, bias != nullptr ? bias + g * cg : nullptr,
                              output + n * p.out_image() + g * cg * L);
      }
  });
}

/// Copies the output gradient of one image and group (cg planes of OH x OW) into rows of gy_row
/// (a multiple of the vector width), zeros past OW, unless OW is already one: then returns gy.
template <class T>
const T* vector_rows(const T* gy, const ConvShape& s, int64_t cg, int64_t gy_row, T* buf) {
  const int64_t OW = s.out[2];
  if (gy_row == OW) return gy;
  using V = direct::Vec<T>;
  for (int64_t r = 0; r < cg * s.out[1]; ++r) {
    for (int64_t j = OW / V::size * V::size; j < gy_row; j += V::size) V(T(0)).store_unaligned(buf + r * gy_row + j);
    direct::copy_row(gy + r * OW, buf + r * gy_row, OW);
  }
  return buf;
}

template <class T>
void input_grad_direct(const T* grad_output, const T* weight, T* grad_input, const ConvProblem& p) {
  const ConvShape& s = p.shape;
  const int64_t lanes = direct::Vec<T>::size, cg = p.group_out();
  const int64_t most = std::min(s.channels, direct::input_block_most(s.kernel[2]));
  const direct::Spread spread(s, lanes, most);
  for_each_image_block(p, [&](int64_t, int64_t begin, int64_t end) {
    std::vector<T> buf(static_cast<size_t>(spread.size(most)), T(0));  // its margins stay zero
    auto rows = scratch<T>(spread.gy_row == s.out[2] ? 0 : cg * s.out[1] * spread.gy_row);
    for (int64_t n = begin; n < end; ++n)
      for (int64_t g = 0; g < p.groups; ++g) {
        const T* gy = vector_rows(grad_output + n * p.out_image() + g * cg * s.out_size(), s, cg, spread.gy_row, rows.get());
        direct::input_image(gy, s, cg, weight + g * p.group_weight(), spread, buf.data(),
                            grad_input + n * p.in_image() + g * s.channels * s.in_size());
      }
  });
}

/// The most values the weight gradient's shifted images take at once (4 MB of floats): a block of
/// images is cut into runs this size allows, the gradient summed run by run.
constexpr int64_t kShiftedBudget = int64_t(1) << 20;

/// acc (groups x cg x channels x kernel) += the weight gradient of images [begin, end).
template <class T>
void weight_grad_direct(const T* input, const T* grad_output, T* acc, const ConvProblem& p, int64_t begin, int64_t end) {
  const ConvShape& s = p.shape;
  const direct::Shifted shifted(s, direct::Vec<T>::size);
  const int64_t run = std::max<int64_t>(1, std::min(end - begin, kShiftedBudget / shifted.size()));
  auto xs = scratch<T>(run * shifted.size());
  for (int64_t g = 0; g < p.groups; ++g)
    for (int64_t first = begin; first < end; first += run) {
      const int64_t images = std::min(run, end - first);
      for (int64_t n = 0; n < images; ++n)
        shifted.fill(input + (first + n) * p.in_image() + g * s.channels * s.in_size(), xs.get() + n * shifted.size());
      direct::weight_images(xs.get(), shifted.size(), shifted, s, p.group_out(),
                            grad_output + first * p.out_image() + g * p.group_out() * s.out_size(), p.out_image(), images,
                            acc + g * p.group_weight());
    }
}
}  // namespace detail

/// output (batch x out_channels x out) = conv(input, weight) + bias (bias may be null).
template <class T>
void conv_forward(const T* input, const T* weight, const T* bias, T* output, const ConvProblem& p) {
  const ConvShape& s = p.shape;
  if constexpr (has_direct<T>())
    if (use_direct<T>(p)) return detail::forward_direct(input, weight, bias, output, p);
  const int64_t L = s.out_size(), R = s.col_rows(), cg = p.group_out();
  detail::for_each_image_block(p, [&](int64_t, int64_t begin, int64_t end) {
    auto col = detail::scratch<T>(s.is_pointwise() ? 0 : R * L);
    for (int64_t n = begin; n < end; ++n)
      for (int64_t g = 0; g < p.groups; ++g) {
        const T* x = input + n * p.in_image() + g * s.channels * s.in_size();
        T* y = output + n * p.out_image() + g * cg * L;
        if (bias != nullptr)
          for (int64_t c = 0; c < cg; ++c) std::fill(y + c * L, y + (c + 1) * L, bias[g * cg + c]);
        const T* cols = x;
        if (!s.is_pointwise()) {
          im2col(x, s, col.get());
          cols = col.get();
        }
        gemm<T>(detail::rows(weight + g * p.group_weight(), cg, R), detail::rows(cols, R, L), y, L, T(1),
                bias != nullptr ? T(1) : T(0));
      }
  });
}

/// grad_input (batch x in_channels x in) = the adjoint of conv_forward applied to grad_output.
template <class T>
void conv_backward_input(const T* grad_output, const T* weight, T* grad_input, const ConvProblem& p) {
  const ConvShape& s = p.shape;
  if constexpr (has_direct<T>())
    if (use_direct<T>(p)) return detail::input_grad_direct(grad_output, weight, grad_input, p);
  const int64_t L = s.out_size(), R = s.col_rows(), cg = p.group_out();
  detail::for_each_image_block(p, [&](int64_t, int64_t begin, int64_t end) {
    auto col = detail::scratch<T>(s.is_pointwise() ? 0 : R * L);
    for (int64_t n = begin; n < end; ++n)
      for (int64_t g = 0; g < p.groups; ++g) {
        const T* gy = grad_output + n * p.out_image() + g * cg * L;
        T* gx = grad_input + n * p.in_image() + g * s.channels * s.in_size();
        const auto wt = detail::transposed(weight + g * p.group_weight(), cg, R);
        if (s.is_pointwise()) {
          gemm<T>(wt, detail::rows(gy, cg, L), gx, L, T(1), T(0));
          continue;
        }
        gemm<T>(wt, detail::rows(gy, cg, L), col.get(), L, T(1), T(0));
        std::fill(gx, gx + s.channels * s.in_size(), T(0));
        col2im(col.get(), s, gx);
      }
  });
}

/// grad_weight (out_channels x in_channels / groups x kernel) = sum over the images of
/// grad_output @ im2col(input)^T. Each block of images sums into its own buffer; the buffers are
/// added at the end.
template <class T>
void conv_backward_weight(const T* input, const T* grad_output, T* grad_weight, const ConvProblem& p) {
  const ConvShape& s = p.shape;
  const int64_t L = s.out_size(), R = s.col_rows(), cg = p.group_out();
  const int64_t size = p.groups * p.group_weight();
  bool direct = false;
  if constexpr (has_direct<T>()) direct = use_direct<T>(p);
  std::fill(grad_weight, grad_weight + size, T(0));
  std::vector<std::vector<T>> partial(static_cast<size_t>(detail::image_blocks(p) - 1));
  const int64_t parts = detail::for_each_image_block(p, [&](int64_t part, int64_t begin, int64_t end) {
    T* acc = grad_weight;
    if (part > 0) {
      partial[static_cast<size_t>(part - 1)].assign(static_cast<size_t>(size), T(0));
      acc = partial[static_cast<size_t>(part - 1)].data();
    }
    if constexpr (has_direct<T>())
      if (direct) return detail::weight_grad_direct(input, grad_output, acc, p, begin, end);
    auto col = detail::scratch<T>(s.is_pointwise() ? 0 : R * L);
    for (int64_t n = begin; n < end; ++n)
      for (int64_t g = 0; g < p.groups; ++g) {
        const T* x = input + n * p.in_image() + g * s.channels * s.in_size();
        const T* gy = grad_output + n * p.out_image() + g * cg * L;
        const T* cols = x;
        if (!s.is_pointwise()) {
          im2col(x, s, col.get());
          cols = col.get();
        }
        gemm<T>(detail::rows(gy, cg, L), detail::transposed(cols, R, L), acc + g * p.group_weight(), R, T(1), T(1));
      }
  });
  for (int64_t part = 1; part < parts; ++part) {
    const auto& buf = partial[static_cast<size_t>(part - 1)];
    if (buf.empty()) continue;
    for (int64_t i = 0; i < size; ++i) grad_weight[i] += buf[static_cast<size_t>(i)];
  }
}

/// y[n, c, :] += bias[c] (a transposed convolution's bias).
template <class T>
void add_channel_bias(T* y, const T* bias, int64_t batch, int64_t channels, int64_t positions) {
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t c = 0; c < channels; ++c) {
      T* row = y + (n * channels + c) * positions;
      for (int64_t i = 0; i < positions; ++i) row[i] += bias[c];
    }
}

/// grad_bias (channels) = grad_output summed over the images and positions.
template <class T>
void conv_backward_bias(const T* grad_output, T* grad_bias, int64_t batch, int64_t channels, int64_t positions) {
  for (int64_t c = 0; c < channels; ++c) {
    T acc = T(0);
    for (int64_t n = 0; n < batch; ++n) acc += contiguous_sum(grad_output + (n * channels + c) * positions, positions);
    grad_bias[c] = acc;
  }
}

}  // namespace xgrad::kernels
