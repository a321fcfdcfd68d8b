// pooling.cpp: max and average pooling over 1, 2 or 3 spatial dims, with ATen's checks and
// messages. Each is one node (MaxPool2DWithIndicesBackward0, AvgPool2DBackward0, ...) whose
// gradient is again a node (...BackwardBackward0) as in PyTorch: max pooling's gradient puts
// each output gradient back where the max was; average pooling's shares it over the window.
// 1-d pooling is 2-d pooling of height 1 between an unsqueeze and a squeeze, as in PyTorch.
// Read next: src/ops/pooling_adaptive.cpp.
#include "xgrad/ops/pooling.hpp"

#include "ops/op_utils.hpp"
#include "ops/pooling_common.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/ops/indexing.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

using autograd::needs_input_grad;
using autograd::record;
using autograd::save;
using autograd::variable_list;

namespace detail {

int64_t pooling_output_shape(int64_t input, int64_t kernel, int64_t pad, int64_t stride, int64_t dilation, bool ceil_mode) {
  XGRAD_CHECK(stride != 0, "stride should not be zero");
  XGRAD_CHECK(pad >= 0, "pad must be non-negative, but got pad: {}", pad);
  XGRAD_CHECK(pad <= kernel / 2, "pad should be at most half of kernel size, but got pad={} and kernel_size={}", pad, kernel);
  const int64_t numerator = input + 2 * pad - dilation * (kernel - 1) - 1 + (ceil_mode ? stride - 1 : 0);
  // Division rounding towards negative infinity (ATen's div_rtn).
  int64_t out = numerator / stride - ((numerator % stride != 0) && ((numerator < 0) != (stride < 0)) ? 1 : 0) + 1;
  if (ceil_mode && (out - 1) * stride >= input + pad) --out;  // the last window must start inside the input
  return out;
}

Tensor max_pool_double_backward(const Tensor& grad, const Tensor& indices, int64_t dims) {
  DimVector size(IntArrayRef(indices.sizes().data(), indices.sizes().size() - static_cast<size_t>(dims)));
  size.push_back(-1);
  return grad.contiguous().view(size).gather(-1, indices.view(size)).view(indices.sizes());
}

}  // namespace detail

namespace {

/// A pooling's window parameters, each one value per spatial dim.
struct PoolParams {
  int64_t dims = 2;
  DimVector kernel, stride, padding, dilation, out;
  bool ceil_mode = false;
  bool count_include_pad = true;
  std::optional<int64_t> divisor_override;
};

DimVector per_dim(IntArrayRef v, int64_t dims) {
  return v.size() == 1 ? DimVector(static_cast<size_t>(dims), v[0]) : DimVector(v);
}

/// Checks the size lists and the input, computes the output size: ATen's max_pool{2,3}d and
/// avg_pool{2,3}d checks in their order.
PoolParams pool_params(const char* name, bool is_max, const Tensor& self, int64_t dims, IntArrayRef kernel,
                       IntArrayRef stride, IntArrayRef padding, IntArrayRef dilation, bool ceil_mode) {
  const char* count = dims == 2 ? "two" : "three";
  const size_t n = static_cast<size_t>(dims);
  XGRAD_CHECK(kernel.size() == 1 || kernel.size() == n, "{}: kernel_size must either be a single int, or a tuple of {} ints",
              name, count);
  XGRAD_CHECK(stride.empty() || stride.size() == 1 || stride.size() == n,
              "{}: stride must either be omitted, a single int, or a tuple of {} ints", name, count);
  if (is_max)
    XGRAD_CHECK(padding.size() == 1 || padding.size() == n,
                "{}: padding must be either be a single int, or a tuple of {} ints", name, count);
  else
    XGRAD_CHECK(padding.size() == 1 || padding.size() == n, "{}: padding must either be a single int, or a tuple of {} ints",
                name, count);
  XGRAD_CHECK(dilation.size() == 1 || dilation.size() == n,
              "{}: dilation must be either a single int, or a tuple of {} ints", name, count);
  XGRAD_CHECK(self.dim() == dims + 1 || self.dim() == dims + 2, "non-empty {}D or {}D (batch mode) tensor expected for input",
              dims + 1, dims + 2);
  PoolParams p;
  p.dims = dims;
  p.kernel = per_dim(kernel, dims);
  p.stride = stride.empty() ? p.kernel : per_dim(stride, dims);
  p.padding = per_dim(padding, dims);
  p.dilation = per_dim(dilation, dims);
  p.ceil_mode = ceil_mode;
  for (int64_t i = 0; i < dims; ++i)
    p.out.push_back(detail::pooling_output_shape(self.size(self.dim() - dims + i), p.kernel[i], p.padding[i], p.stride[i],
                                                 p.dilation[i], ceil_mode));
  // pool2d_shape_check / pool3d_shape_check
  const DimVector& k = p.kernel;
  const DimVector& s = p.stride;
  const DimVector& d = p.dilation;
  const IntArrayRef in = detail::last_dims(self.sizes(), dims);
  const int64_t planes = self.size(self.dim() - dims - 1);
  if (dims == 2) {
    XGRAD_CHECK(k[0] > 0 && k[1] > 0, "kernel size should be greater than zero, but got kH: {} kW: {}", k[0], k[1]);
    XGRAD_CHECK(s[0] > 0 && s[1] > 0, "stride should be greater than zero, but got dH: {} dW: {}", s[0], s[1]);
    XGRAD_CHECK(d[0] > 0 && d[1] > 0, "dilation should be greater than zero, but got dilationH: {} dilationW: {}", d[0], d[1]);
    const bool valid = self.size(1) != 0 && self.size(2) != 0 && (self.dim() == 3 ? self.size(0) != 0 : self.size(3) != 0);
    XGRAD_CHECK(valid, "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:{}",
                format_sizes(self.sizes()));
    XGRAD_CHECK(p.out[0] >= 1 && p.out[1] >= 1,
                "Given input size: ({}x{}x{}). Calculated output size: ({}x{}x{}). Output size is too small", planes, in[0],
                in[1], planes, p.out[0], p.out[1]);
  } else {
    XGRAD_CHECK(k[0] > 0 && k[1] > 0 && k[2] > 0, "kernel size should be greater than zero, but got kT: {} kH: {} kW: {}",
                k[0], k[1], k[2]);
    XGRAD_CHECK(s[0] > 0 && s[1] > 0 && s[2] > 0, "stride should be greater than zero, but got dT: {} dH: {} dW: {}", s[0],
                s[1], s[2]);
    XGRAD_CHECK(d[0] > 0 && d[1] > 0 && d[2] > 0,
                "dilation should be greater than zero, but got dilationT: {} dilationH: {} dilationW: {}", d[0], d[1], d[2]);
    for (int64_t i = self.dim() == 5 ? 1 : 0; i < self.dim(); ++i)
      XGRAD_CHECK(self.size(i) > 0,
                  "{}: Expected input's non-batch dimensions to have positive length, but input has a shape of {} and "
                  "non-batch dimension {} has length zero!",
                  name, format_sizes(self.sizes()), self.size(i));
    if (!is_max)
      XGRAD_CHECK(in[0] >= k[0] && in[1] >= k[1] && in[2] >= k[2],
                  "input image (T: {} H: {} W: {}) smaller than kernel size (kT: {} kH: {} kW: {})", in[0], in[1], in[2],
                  k[0], k[1], k[2]);
    XGRAD_CHECK(p.out[0] >= 1 && p.out[1] >= 1 && p.out[2] >= 1,
                "Given input size: ({}x{}x{}x{}). Calculated output size: ({}x{}x{}x{}). Output size is too small", planes,
                in[0], in[1], in[2], planes, p.out[0], p.out[1], p.out[2]);
  }
  return p;
}

kernels::PoolShape shape_of(const Tensor& self, const PoolParams& p) {
  return detail::pool_shape(detail::last_dims(self.sizes(), p.dims), p.out, p.kernel, p.stride, p.padding, p.dilation);
}

Tensor max_pool_backward(const Tensor& grad, const Tensor& self, const Tensor& indices, int64_t dims);

/// max_pool(x): the max of each window      d/dx = grad put back at the max's index (max_pool_backward)
/// saves: x, indices
std::tuple<Tensor, Tensor> max_pool_nd(const char* name, const Tensor& self_, int64_t dims, IntArrayRef kernel,
                                       IntArrayRef stride, IntArrayRef padding, IntArrayRef dilation, bool ceil_mode) {
  const PoolParams p = pool_params(name, true, self_, dims, kernel, stride, padding, dilation, ceil_mode);
  const Tensor self = detail::contiguous_raw(self_);
  const DimVector out_sizes = detail::with_spatial(self.sizes(), p.out);
  Tensor out = detail::make_empty(out_sizes, self.scalar_type());
  Tensor indices = detail::make_empty(out_sizes, kLong);
  visit_floating(self.scalar_type(), dims == 2 ? "max_pool2d" : "max_pool3d_cpu", [&](auto tag) {
    using T = decltype(tag);
    kernels::max_pool_forward<T>(self.data_ptr<T>(), out.data_ptr<T>(), indices.data_ptr<int64_t>(),
                                 detail::planes_of(self, dims), shape_of(self, p));
  });
  record(dims == 2 ? "MaxPool2DWithIndicesBackward0" : "MaxPool3DWithIndicesBackward0", out, {self_}, save(self_, indices),
         [dims](const Tensor& g, const Tensor& self, const Tensor& indices) -> variable_list {
           return {max_pool_backward(g, self, indices, dims)};
         });
  return {out, indices};
}

/// max pooling's gradient: grad put back at each max's index, zero elsewhere.
/// d/dgrad = the incoming gradient read at the indices (detail::max_pool_double_backward);
/// d/dself = 0 (an input of this node in PyTorch too)      saves: self, indices
Tensor max_pool_backward(const Tensor& grad_, const Tensor& self, const Tensor& indices, int64_t dims) {
  const Tensor grad = detail::contiguous_raw(grad_);
  Tensor gx = detail::make_empty(self.sizes(), grad.scalar_type());
  const int64_t in_plane = self.numel() / std::max<int64_t>(1, detail::planes_of(self, dims));
  const int64_t planes = detail::planes_of(self, dims);
  visit_floating(grad.scalar_type(), "max_pool2d_backward", [&](auto tag) {
    using T = decltype(tag);
    kernels::index_scatter_add<T>(grad.data_ptr<T>(), indices.data_ptr<int64_t>(), gx.data_ptr<T>(), planes, in_plane,
                                  grad.numel() / std::max<int64_t>(1, planes));
  });
  return record(dims == 2 ? "MaxPool2DWithIndicesBackwardBackward0" : "MaxPool3DWithIndicesBackwardBackward0", gx,
                {grad_, self}, save(self, indices),
                [dims](const Tensor& gg, const Tensor& self, const Tensor& indices) -> variable_list {
                  return {needs_input_grad(0) ? detail::max_pool_double_backward(gg, indices, dims) : Tensor(),
                          needs_input_grad(1) ? zeros_like(self) : Tensor()};
                });
}

Tensor avg_pool_backward(const Tensor& grad, const Tensor& self, const PoolParams& p);

/// avg_pool(x): the mean of each window (divisor: the window's size, with or without the padding,
/// or divisor_override)      d/dx = grad shared out over each window (avg_pool_backward)      saves: x
Tensor avg_pool_impl(const Tensor& self_, const PoolParams& p) {
  const Tensor self = detail::contiguous_raw(self_);
  Tensor out = detail::make_empty(detail::with_spatial(self.sizes(), p.out), self.scalar_type());
  visit_dtype(self.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same<T, bool>::value) {
      throw Error(fmt::format("\"{}\" not implemented for 'Bool'", p.dims == 2 ? "avg_pool2d_out_frame" : "avg_pool3d_out_frame"));
    } else {
      kernels::avg_pool_forward<T>(self.data_ptr<T>(), out.data_ptr<T>(), detail::planes_of(self, p.dims), shape_of(self, p),
                                   p.count_include_pad, p.divisor_override);
    }
  });
  return record(p.dims == 2 ? "AvgPool2DBackward0" : "AvgPool3DBackward0", out, {self_}, save(self_),
                [p](const Tensor& g, const Tensor& self) -> variable_list { return {avg_pool_backward(g, self, p)}; });
}

/// average pooling's gradient.      d/dgrad = avg_pool of the incoming gradient; d/dself = 0
/// saves: self
Tensor avg_pool_backward(const Tensor& grad_, const Tensor& self, const PoolParams& p) {
  const Tensor grad = detail::contiguous_raw(grad_);
  Tensor gx = detail::make_empty(self.sizes(), grad.scalar_type());
  visit_floating(grad.scalar_type(), "avg_pool2d_backward", [&](auto tag) {
    using T = decltype(tag);
    kernels::avg_pool_backward<T>(grad.data_ptr<T>(), gx.data_ptr<T>(), detail::planes_of(self, p.dims), shape_of(self, p),
                                  p.count_include_pad, p.divisor_override);
  });
  return record(p.dims == 2 ? "AvgPool2DBackwardBackward0" : "AvgPool3DBackwardBackward0", gx, {grad_, self}, save(self),
                [p](const Tensor& gg, const Tensor& self) -> variable_list {
                  return {needs_input_grad(0) ? avg_pool_impl(gg, p) : Tensor(),
                          needs_input_grad(1) ? zeros_like(self) : Tensor()};
                });
}

Tensor avg_pool_nd(const char* name, const Tensor& self, int64_t dims, IntArrayRef kernel, IntArrayRef stride,
                   IntArrayRef padding, bool ceil_mode, bool count_include_pad, std::optional<int64_t> divisor_override) {
  XGRAD_CHECK(!divisor_override.has_value() || *divisor_override != 0, "divisor must be not zero");
  const int64_t one = 1;
  PoolParams p = pool_params(name, false, self, dims, kernel, stride, padding, one, ceil_mode);
  p.count_include_pad = count_include_pad;
  p.divisor_override = divisor_override;
  return avg_pool_impl(self, p);
}

}  // namespace

std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride,
                                                   IntArrayRef padding, IntArrayRef dilation, bool ceil_mode) {
  return max_pool_nd("max_pool2d", self, 2, kernel_size, stride, padding, dilation, ceil_mode);
}
std::tuple<Tensor, Tensor> max_pool3d_with_indices(const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride,
                                                   IntArrayRef padding, IntArrayRef dilation, bool ceil_mode) {
  return max_pool_nd("max_pool3d", self, 3, kernel_size, stride, padding, dilation, ceil_mode);
}
std::tuple<Tensor, Tensor> max_pool1d_with_indices(const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride,
                                                   IntArrayRef padding, IntArrayRef dilation, bool ceil_mode) {
  XGRAD_CHECK(self.dim() == 2 || self.dim() == 3,
              "max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:{}",
              format_sizes(self.sizes()));
  auto check1d = [](IntArrayRef v, const char* what) {
    XGRAD_CHECK(v.size() == 1, "max_pool1d() argument '{}' should contain one int (got {})", what, v.size());
  };
  check1d(kernel_size, "kernel_size");
  if (!stride.empty()) check1d(stride, "stride");
  check1d(padding, "padding");
  check1d(dilation, "dilation");
  const int64_t s = stride.empty() ? kernel_size[0] : stride[0];
  auto [out, indices] = max_pool2d_with_indices(self.unsqueeze(-2), {1, kernel_size[0]}, {1, s}, {0, padding[0]},
                                                {1, dilation[0]}, ceil_mode);
  return {out.squeeze(-2), indices.squeeze(-2)};
}

Tensor max_pool1d(const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding,
                  IntArrayRef dilation, bool ceil_mode) {
  return std::get<0>(max_pool1d_with_indices(self, kernel_size, stride, padding, dilation, ceil_mode));
}
Tensor max_pool2d(const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding,
                  IntArrayRef dilation, bool ceil_mode) {
  return std::get<0>(max_pool2d_with_indices(self, kernel_size, stride, padding, dilation, ceil_mode));
}
Tensor max_pool3d(const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding,
                  IntArrayRef dilation, bool ceil_mode) {
  return std::get<0>(max_pool3d_with_indices(self, kernel_size, stride, padding, dilation, ceil_mode));
}

Tensor avg_pool1d(const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding, bool ceil_mode,
                  bool count_include_pad) {
  XGRAD_CHECK(self.dim() == 2 || self.dim() == 3,
              "Expected 2 to 3 dimensions, but got {}-dimensional tensor for argument #1 'self' (while checking "
              "arguments for avg_pool1d)",
              self.dim());
  auto check1d = [](IntArrayRef v, const char* what) {
    XGRAD_CHECK(v.size() == 1, "avg_pool1d() argument '{}' should contain one int (got {})", what, v.size());
  };
  check1d(kernel_size, "kernel_size");
  if (!stride.empty()) check1d(stride, "stride");
  check1d(padding, "padding");
  const int64_t s = stride.empty() ? kernel_size[0] : stride[0];
  return avg_pool2d(self.unsqueeze(-2), {1, kernel_size[0]}, {1, s}, {0, padding[0]}, ceil_mode, count_include_pad)
      .squeeze(-2);
}
Tensor avg_pool2d(const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding, bool ceil_mode,
                  bool count_include_pad, std::optional<int64_t> divisor_override) {
  return avg_pool_nd("avg_pool2d", self, 2, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override);
}
Tensor avg_pool3d(const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding, bool ceil_mode,
                  bool count_include_pad, std::optional<int64_t> divisor_override) {
  return avg_pool_nd("avg_pool3d", self, 3, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override);
}

}  // namespace xgrad
