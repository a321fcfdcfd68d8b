// fold.cpp: im2col and col2im (F::unfold and F::fold) with ATen's shape checks and messages, on the
// convolution's lowering in kernels/im2col.hpp: a 2-d image is a 3-d one of depth 1. Each is the
// other's adjoint, so each one's gradient is the other on the incoming gradient.
// Read next: src/nn/modules/fold.cpp.
#include "xgrad/ops/fold.hpp"

#include "kernels/im2col.hpp"
#include "ops/op_utils.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"

namespace xgrad {

using autograd::record;
using autograd::variable_list;

namespace {

void check_pair(IntArrayRef v, const char* what) {
  XGRAD_CHECK(v.size() == 2, "It is expected {} equals to 2, but got size {}", what, v.size());
}

/// ATen's checks of kernel_size, stride, dilation and padding, shared by im2col and col2im.
void check_geometry(IntArrayRef k, IntArrayRef d, IntArrayRef p, IntArrayRef s) {
  check_pair(k, "kernel_size");
  check_pair(d, "dilation");
  check_pair(p, "padding");
  check_pair(s, "stride");
  XGRAD_CHECK(k[0] > 0 && k[1] > 0, "kernel size should be greater than zero, but got kernel_height: {} kernel_width: {}",
              k[0], k[1]);
  XGRAD_CHECK(s[0] > 0 && s[1] > 0, "stride should be greater than zero, but got stride_height: {} stride_width: {}",
              s[0], s[1]);
  XGRAD_CHECK(d[0] > 0 && d[1] > 0,
              "dilation should be greater than zero, but got dilation_height: {} dilation_width: {}", d[0], d[1]);
  XGRAD_CHECK(p[0] >= 0 && p[1] >= 0, "padding should be non-negative, but got pad_height: {} pad_width: {}", p[0],
              p[1]);
}

/// Blocks along one dim: (size + 2 pad - dilation (kernel - 1) - 1) / stride + 1.
int64_t blocks(int64_t size, int64_t k, int64_t d, int64_t p, int64_t s) {
  return (size + 2 * p - (d * (k - 1) + 1)) / s + 1;  // C's division, as ATen (so -1 can show)
}

kernels::ConvShape shape_of(int64_t channels, int64_t h, int64_t w, int64_t oh, int64_t ow, IntArrayRef k,
                            IntArrayRef d, IntArrayRef p, IntArrayRef s) {
  kernels::ConvShape cs;
  cs.channels = channels;
  cs.in = {1, h, w};
  cs.out = {1, oh, ow};
  cs.kernel = {1, k[0], k[1]};
  cs.stride = {1, s[0], s[1]};
  cs.padding = {0, p[0], p[1]};
  cs.dilation = {1, d[0], d[1]};
  return cs;
}

}  // namespace

/// im2col(x)[n, (c kh + i) kw + j, l] = x[n, c, oh(l) s0 - p0 + i d0, ow(l) s1 - p1 + j d1] (0 outside)
/// d/dx = col2im(grad, (H, W), the same geometry)      saves: nothing
Tensor im2col(const Tensor& self, IntArrayRef kernel_size, IntArrayRef dilation, IntArrayRef padding,
              IntArrayRef stride) {
  check_geometry(kernel_size, dilation, padding, stride);
  const int64_t nd = self.dim();
  // ATen reads size(2) of a 2-d input before its own check.
  XGRAD_CHECK_T(IndexError, nd != 2, "Dimension out of range (expected to be in range of [-2, 1], but got 2)");
  bool valid = nd == 3 || nd == 4;
  for (int64_t i = nd == 4 ? 1 : 0; valid && i < nd; ++i) valid = self.size(i) > 0;
  XGRAD_CHECK(valid,
              "Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for "
              "input, but got: {}",
              format_sizes(self.sizes()));
  const bool batched = nd == 4;
  const int64_t n = batched ? self.size(0) : 1, c = self.size(-3), h = self.size(-2), w = self.size(-1);
  const int64_t oh = blocks(h, kernel_size[0], dilation[0], padding[0], stride[0]);
  const int64_t ow = blocks(w, kernel_size[1], dilation[1], padding[1], stride[1]);
  XGRAD_CHECK(oh >= 1 && ow >= 1,
              "Given input with spatial size ({}, {}), kernel_size=({}, {}), dilation=({}, {}), padding=({}, {}), "
              "calculated shape of the array of sliding blocks as ({}, {}), but its components must be at least one.",
              h, w, kernel_size[0], kernel_size[1], dilation[0], dilation[1], padding[0], padding[1], oh, ow);
  const kernels::ConvShape cs = shape_of(c, h, w, oh, ow, kernel_size, dilation, padding, stride);
  Tensor x = detail::contiguous_raw(self);
  Tensor out = batched ? detail::make_empty({n, cs.col_rows(), cs.out_size()}, self.scalar_type())
                       : detail::make_empty({cs.col_rows(), cs.out_size()}, self.scalar_type());
  visit_floating(self.scalar_type(), "im2col_out_cpu", [&](auto tag) {
    using T = decltype(tag);
    for (int64_t b = 0; b < n; ++b)
      kernels::im2col<T>(x.data_ptr<T>() + b * c * h * w, cs, out.data_ptr<T>() + b * cs.col_rows() * cs.out_size());
  });
  DimVector k(kernel_size), d(dilation), p(padding), s(stride);
  const DimVector size{h, w};
  return record("Im2ColBackward0", out, {self}, [size, k, d, p, s](const Tensor& g) -> variable_list {
    return {col2im(g, size, k, d, p, s)};
  });
}

/// col2im(y)[n, c, h, w] = sum of y[n, (c kh + i) kw + j, l] over the blocks l and offsets (i, j)
/// that im2col would have read (h, w) from.
/// d/dy = im2col(grad, the same geometry)      saves: nothing
Tensor col2im(const Tensor& self, IntArrayRef output_size, IntArrayRef kernel_size, IntArrayRef dilation,
              IntArrayRef padding, IntArrayRef stride) {
  check_pair(output_size, "output_size");
  check_geometry(kernel_size, dilation, padding, stride);
  const int64_t nd = self.dim();
  bool valid = nd == 2 || nd == 3;
  for (int64_t i = nd == 3 ? 1 : 0; valid && i < nd; ++i) valid = self.size(i) > 0;
  XGRAD_CHECK(valid,
              "Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for "
              "input, but got: {}",
              format_sizes(self.sizes()));
  const bool batched = nd == 3;
  const int64_t kk = kernel_size[0] * kernel_size[1];
  const int64_t rows = self.size(-2), L = self.size(-1), n = batched ? self.size(0) : 1;
  XGRAD_CHECK(rows % kk == 0,
              "Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got "
              "input.size(1)={} and kernel_size=({}, {}).",
              rows, kernel_size[0], kernel_size[1]);
  const int64_t h = output_size[0], w = output_size[1];
  const int64_t oh = blocks(h, kernel_size[0], dilation[0], padding[0], stride[0]);
  const int64_t ow = blocks(w, kernel_size[1], dilation[1], padding[1], stride[1]);
  XGRAD_CHECK(L == oh * ow,
              "Given output_size=({}, {}), kernel_size=({}, {}), dilation=({}, {}), padding=({}, {}), stride=({}, {}), "
              "expected size of input's dimension 2 to match the calculated number of sliding blocks {} * {} = {}, but "
              "got input.size(2)={}.",
              h, w, kernel_size[0], kernel_size[1], dilation[0], dilation[1], padding[0], padding[1], stride[0],
              stride[1], oh, ow, oh * ow, L);
  XGRAD_CHECK(oh >= 1 && ow >= 1,
              "Given output_size=({}, {}), kernel_size=({}, {}), dilation=({}, {}), padding=({}, {}), stride=({}, {}), "
              "calculated shape of the array of sliding blocks as ({}, {}), which is too small (non-positive)",
              h, w, kernel_size[0], kernel_size[1], dilation[0], dilation[1], padding[0], padding[1], stride[0],
              stride[1], oh, ow);
  const int64_t c = rows / kk;
  const kernels::ConvShape cs = shape_of(c, h, w, oh, ow, kernel_size, dilation, padding, stride);
  Tensor y = detail::contiguous_raw(self);
  Tensor out = batched ? zeros({n, c, h, w}, self.scalar_type()) : zeros({c, h, w}, self.scalar_type());
  visit_floating(self.scalar_type(), "col2im_out_cpu", [&](auto tag) {
    using T = decltype(tag);
    for (int64_t b = 0; b < n; ++b)
      kernels::col2im<T>(y.data_ptr<T>() + b * rows * L, cs, out.data_ptr<T>() + b * c * h * w);
  });
  DimVector k(kernel_size), d(dilation), p(padding), s(stride);
  return record("Col2ImBackward0", out, {self},
                [k, d, p, s](const Tensor& g) -> variable_list { return {im2col(g, k, d, p, s)}; });
}

}  // namespace xgrad
