// conv.hpp: a convolution and its two adjoints on raw contiguous buffers, each lowered to matrix
// products through OpenBLAS (kernels/gemm.hpp). For one image and one group, with col = im2col(x)
// (rows: input channel and kernel offset; columns: output position):
//     forward:          y = W @ col (+ bias)                  W: (C_out, C_in * K)
//     input gradient:   gx = col2im(W^T @ gy)
//     weight gradient:  gW += gy @ col^T   (summed over the images)
// A transposed convolution is the same three with the roles swapped (see src/ops/conv.cpp).
// The batch is cut into at most kImageBlocks blocks of images, a fixed number whatever the thread
// count (so the weight gradient, summed per block, has the same bits with 1 or N threads), and the
// blocks are shared out by the pool (kernels/parallel.hpp).
// Read next: src/ops/conv.cpp.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

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

/// output (batch x out_channels x out) = conv(input, weight) + bias (bias may be null).
template <class T>
void conv_forward(const T* input, const T* weight, const T* bias, T* output, const ConvProblem& p) {
  const ConvShape& s = p.shape;
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
  std::fill(grad_weight, grad_weight + size, T(0));
  std::vector<std::vector<T>> partial(static_cast<size_t>(detail::image_blocks(p) - 1));
  const int64_t parts = detail::for_each_image_block(p, [&](int64_t part, int64_t begin, int64_t end) {
    T* acc = grad_weight;
    if (part > 0) {
      partial[static_cast<size_t>(part - 1)].assign(static_cast<size_t>(size), T(0));
      acc = partial[static_cast<size_t>(part - 1)].data();
    }
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
