// pooling_adaptive.cpp: adaptive average and max pooling (the window follows from the output size
// asked for) and max_unpool, with ATen's checks and messages. As in PyTorch, an adaptive average
// to size 1 is a mean (MeanBackward1), 1-d pooling is 2-d pooling of height 1, and max_unpool's
// gradient is a gather composed of differentiable ops. Read next: src/ops/pixel_shuffle.cpp.
#include "ops/op_utils.hpp"
#include "ops/pooling_common.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/ops/pooling.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

using autograd::needs_input_grad;
using autograd::record;
using autograd::save;
using autograd::variable_list;

namespace {

/// The checks of _adaptive_avg_pool{2,3}d and adaptive_max_pool{2,3}d on the input.
void check_adaptive_input(const char* name, const char* colon, const Tensor& self, int64_t dims) {
  XGRAD_CHECK(self.dim() == dims + 1 || self.dim() == dims + 2, "{}(): Expected {}D or {}D tensor, but got{} {}", name,
              dims + 1, dims + 2, colon, format_sizes(self.sizes()));
  for (int64_t i = self.dim() - dims - 1; i < self.dim(); ++i)
    XGRAD_CHECK(self.size(i) > 0,
                "{}(): Expected input to have non-zero size for non-batch dimensions, but input has sizes {} with "
                "dimension {} being empty",
                name, format_sizes(self.sizes()), i);
}

Tensor adaptive_avg_backward(const Tensor& grad, const Tensor& self, int64_t dims);

/// adaptive_avg_pool(x): the mean of each adaptive window      d/dx = grad shared out over the
/// windows (adaptive_avg_backward)      saves: x
Tensor adaptive_avg_impl(const Tensor& self_, IntArrayRef output_size, int64_t dims) {
  const Tensor self = detail::contiguous_raw(self_);
  Tensor out = detail::make_empty(detail::with_spatial(self.sizes(), output_size), self.scalar_type());
  visit_floating(self.scalar_type(), dims == 2 ? "adaptive_avg_pool2d" : "adaptive_avg_pool3d_cpu", [&](auto tag) {
    using T = decltype(tag);
    kernels::adaptive_pool_forward<T>(self.data_ptr<T>(), out.data_ptr<T>(), nullptr, detail::planes_of(self, dims),
                                      detail::pool_shape(detail::last_dims(self.sizes(), dims), output_size));
  });
  return record(dims == 2 ? "AdaptiveAvgPool2DBackward0" : "AdaptiveAvgPool3DBackward0", out, {self_}, save(self_),
                [dims](const Tensor& g, const Tensor& self) -> variable_list { return {adaptive_avg_backward(g, self, dims)}; });
}

/// adaptive average pooling's gradient      d/dgrad = adaptive_avg_pool of the incoming gradient;
/// d/dself = 0      saves: self
Tensor adaptive_avg_backward(const Tensor& grad_, const Tensor& self, int64_t dims) {
  const Tensor grad = detail::contiguous_raw(grad_);
  Tensor gx = detail::make_empty(self.sizes(), grad.scalar_type());
  const IntArrayRef out_spatial = detail::last_dims(grad.sizes(), dims);
  visit_floating(grad.scalar_type(), "adaptive_avg_pool2d_backward", [&](auto tag) {
    using T = decltype(tag);
    kernels::adaptive_avg_pool_backward<T>(grad.data_ptr<T>(), gx.data_ptr<T>(), detail::planes_of(self, dims),
                                           detail::pool_shape(detail::last_dims(self.sizes(), dims), out_spatial));
  });
  return record(dims == 2 ? "AdaptiveAvgPool2DBackwardBackward0" : "AdaptiveAvgPool3DBackwardBackward0", gx, {grad_, self},
                save(self), [dims, out = DimVector(out_spatial)](const Tensor& gg, const Tensor& self) -> variable_list {
                  return {needs_input_grad(0) ? adaptive_avg_impl(gg, out, dims) : Tensor(),
                          needs_input_grad(1) ? zeros_like(self) : Tensor()};
                });
}

Tensor adaptive_avg_pool_nd(const char* name, const Tensor& self, IntArrayRef output_size, int64_t dims) {
  XGRAD_CHECK(static_cast<int64_t>(output_size.size()) == dims, "{}: output_size must be {}", name, dims);
  bool all_one = true;
  for (int64_t s : output_size) {
    XGRAD_CHECK(s >= 0, "{}: elements of output_size must be greater than or equal to 0 but received {{{}}}", name,
                fmt::join(output_size.begin(), output_size.end(), ", "));
    all_one = all_one && s == 1;
  }
  if (all_one) {  // PyTorch takes the mean over the spatial dims
    DimVector spatial;
    for (int64_t i = 1; i <= dims; ++i) spatial.push_back(-i);
    return self.mean(spatial, /*keepdim=*/true);
  }
  check_adaptive_input(name, "", self, dims);
  return adaptive_avg_impl(self, output_size, dims);
}

Tensor adaptive_max_backward(const Tensor& grad, const Tensor& self, const Tensor& indices, int64_t dims);

/// adaptive_max_pool(x): the max of each adaptive window, and its index      d/dx = grad put back
/// at the indices (adaptive_max_backward)      saves: x, indices
std::tuple<Tensor, Tensor> adaptive_max_pool_nd(const char* name, const Tensor& self_, IntArrayRef output_size, int64_t dims) {
  check_adaptive_input(name, ":", self_, dims);
  XGRAD_CHECK(static_cast<int64_t>(output_size.size()) == dims, "{}(): internal error: output_size.size() must be {}", name,
              dims);
  const Tensor self = detail::contiguous_raw(self_);
  const DimVector out_sizes = detail::with_spatial(self.sizes(), output_size);
  Tensor out = detail::make_empty(out_sizes, self.scalar_type());
  Tensor indices = detail::make_empty(out_sizes, kLong);
  visit_floating(self.scalar_type(), dims == 2 ? "adaptive_max_pool2d" : "adaptive_max_pool3d_cpu", [&](auto tag) {
    using T = decltype(tag);
    kernels::adaptive_pool_forward<T>(self.data_ptr<T>(), out.data_ptr<T>(), indices.data_ptr<int64_t>(),
                                      detail::planes_of(self, dims),
                                      detail::pool_shape(detail::last_dims(self.sizes(), dims), output_size));
  });
  record(dims == 2 ? "AdaptiveMaxPool2DBackward0" : "AdaptiveMaxPool3DBackward0", out, {self_}, save(self_, indices),
         [dims](const Tensor& g, const Tensor& self, const Tensor& indices) -> variable_list {
           return {adaptive_max_backward(g, self, indices, dims)};
         });
  return {out, indices};
}

/// adaptive max pooling's gradient      d/dgrad = the incoming gradient read at the indices;
/// d/dself = 0      saves: self, indices
Tensor adaptive_max_backward(const Tensor& grad_, const Tensor& self, const Tensor& indices, int64_t dims) {
  const Tensor grad = detail::contiguous_raw(grad_);
  Tensor gx = detail::make_empty(self.sizes(), grad.scalar_type());
  const int64_t planes = detail::planes_of(self, dims);
  visit_floating(grad.scalar_type(), "adaptive_max_pool2d_backward", [&](auto tag) {
    using T = decltype(tag);
    kernels::index_scatter_add<T>(grad.data_ptr<T>(), indices.data_ptr<int64_t>(), gx.data_ptr<T>(), planes,
                                  self.numel() / std::max<int64_t>(1, planes), grad.numel() / std::max<int64_t>(1, planes));
  });
  return record(dims == 2 ? "AdaptiveMaxPool2DBackwardBackward0" : "AdaptiveMaxPool3DBackwardBackward0", gx, {grad_, self},
                save(self, indices), [dims](const Tensor& gg, const Tensor& self, const Tensor& indices) -> variable_list {
                  return {needs_input_grad(0) ? detail::max_pool_double_backward(gg, indices, dims) : Tensor(),
                          needs_input_grad(1) ? zeros_like(self) : Tensor()};
                });
}

/// max_unpool(x, indices): a zero tensor of output_size with x's values at the indices.
/// d/dx = grad read at the indices (detail::max_pool_double_backward)      saves: indices
Tensor max_unpool_nd(const Tensor& self_, const Tensor& indices_, IntArrayRef output_size, int64_t dims) {
  const Tensor self = detail::contiguous_raw(self_), indices = detail::contiguous_raw(indices_);
  Tensor out = detail::make_empty(detail::with_spatial(self.sizes(), output_size), self.scalar_type());
  const int64_t planes = detail::planes_of(self, dims);
  int64_t out_plane = 1;
  for (int64_t s : output_size) out_plane *= s;
  std::optional<int64_t> bad;
  visit_dtype(self.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    bad = kernels::index_scatter<T>(self.data_ptr<T>(), indices.data_ptr<int64_t>(), out.data_ptr<T>(), planes,
                                    self.numel() / std::max<int64_t>(1, planes), out_plane);
  });
  if (bad.has_value()) {
    std::string sizes = fmt::format("{}", fmt::join(output_size.begin(), output_size.end(), "x"));
    throw Error(fmt::format("Found an invalid max index: {} (output volumes are of size {}", *bad, sizes));
  }
  return record(dims == 2 ? "MaxUnpool2DBackward0" : "MaxUnpool3DBackward0", out, {self_}, save(indices_),
                [dims](const Tensor& g, const Tensor& indices) -> variable_list {
                  return {detail::max_pool_double_backward(g, indices, dims)};
                });
}

void check_unpool_input(const char* fn, const Tensor& self, const Tensor& indices) {
  XGRAD_CHECK(self.sizes().equals(indices.sizes()),
              "Expected shape of indices to be same as that of the input tensor ({}) but got indices tensor with shape: {}",
              format_sizes(self.sizes()), format_sizes(indices.sizes()));
  for (int64_t i = 1; i < self.dim(); ++i)
    XGRAD_CHECK(self.size(i) > 0,
                "{}: Expected input to have non-zero size for non-batch dimensions, but got {} with dimension {} being "
                "empty.",
                fn, format_sizes(self.sizes()), i);
}

void check_1d(const char* name, const Tensor& self, IntArrayRef output_size) {
  XGRAD_CHECK(self.dim() == 2 || self.dim() == 3,
              "Expected 2 to 3 dimensions, but got {}-dimensional tensor for argument #1 'self' (while checking "
              "arguments for {})",
              self.dim(), name);
  XGRAD_CHECK(output_size.size() == 1, "{}() argument 'output_size' should contain one int (got {})", name,
              output_size.size());
}

}  // namespace

Tensor adaptive_avg_pool1d(const Tensor& self, IntArrayRef output_size) {
  check_1d("adaptive_avg_pool1d", self, output_size);
  return adaptive_avg_pool2d(self.unsqueeze(-2), {1, output_size[0]}).squeeze(-2);
}
Tensor adaptive_avg_pool2d(const Tensor& self, IntArrayRef output_size) {
  return adaptive_avg_pool_nd("adaptive_avg_pool2d", self, output_size, 2);
}
Tensor adaptive_avg_pool3d(const Tensor& self, IntArrayRef output_size) {
  return adaptive_avg_pool_nd("adaptive_avg_pool3d", self, output_size, 3);
}

std::tuple<Tensor, Tensor> adaptive_max_pool1d(const Tensor& self, IntArrayRef output_size) {
  check_1d("adaptive_max_pool1d", self, output_size);
  auto [out, indices] = adaptive_max_pool2d(self.unsqueeze(-2), {1, output_size[0]});
  return {out.squeeze(-2), indices.squeeze(-2)};
}
std::tuple<Tensor, Tensor> adaptive_max_pool2d(const Tensor& self, IntArrayRef output_size) {
  return adaptive_max_pool_nd("adaptive_max_pool2d", self, output_size, 2);
}
std::tuple<Tensor, Tensor> adaptive_max_pool3d(const Tensor& self, IntArrayRef output_size) {
  return adaptive_max_pool_nd("adaptive_max_pool3d", self, output_size, 3);
}

Tensor max_unpool2d(const Tensor& self, const Tensor& indices, IntArrayRef output_size) {
  XGRAD_CHECK(indices.scalar_type() == kLong, "elements in indices should be type int64 but got: {}",
              scalar_type_name(indices.scalar_type()));
  XGRAD_CHECK(output_size.size() == 2,
              "There should be exactly two elements (height, width) in output_size, but got {} elements.", output_size.size());
  XGRAD_CHECK(self.dim() == 3 || self.dim() == 4,
              "Input to max_unpooling2d should be a 3d or 4d Tensor, but got a tensor with {} dimensions.", self.dim());
  check_unpool_input("max_unpooling2d_forward_out_cpu()", self, indices);
  return max_unpool_nd(self, indices, output_size, 2);
}

Tensor max_unpool3d(const Tensor& self, const Tensor& indices, IntArrayRef output_size, IntArrayRef stride,
                    IntArrayRef padding) {
  XGRAD_CHECK(indices.scalar_type() == kLong, "elements in indices should be type int64");
  XGRAD_CHECK(self.dim() == 4 || self.dim() == 5,
              "Input to max_unpooling3d should be a 4d or 5d Tensor, but got a tensor with {} dimensions.", self.dim());
  XGRAD_CHECK(output_size.size() == 3,
              "There should be exactly three elements (depth, height, width) in output_size, but got {} elements.",
              output_size.size());
  XGRAD_CHECK(stride.size() == 3, "There should be exactly three elements (depth, height, width) in stride, but got: {} elements.",
              stride.size());
  XGRAD_CHECK(padding.size() == 3,
              "There should be exactly three elements (depth, height, width) in padding, but got: {} elements.",
              padding.size());
  check_unpool_input("max_unpooling3d_forward_out_cpu()", self, indices);
  XGRAD_CHECK(stride[0] > 0 && stride[1] > 0 && stride[2] > 0, "strides should be greater than zero, but got stride: {}",
              format_sizes(stride));
  return max_unpool_nd(self, indices, output_size, 3);
}

}  // namespace xgrad
