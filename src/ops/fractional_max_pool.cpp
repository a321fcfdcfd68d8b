// fractional_max_pool.cpp: torch::fractional_max_pool2d/3d with ATen's checks and messages. The
// forward is kernels/fractional_max_pool.hpp; the gradient and its own gradient are max pooling's
// (a scatter-add at the indices, then a gather), as in PyTorch. Read next: src/nn/functional/fractional_pool.cpp.
#include "xgrad/ops/fractional_max_pool.hpp"

#include "kernels/fractional_max_pool.hpp"
#include "ops/op_utils.hpp"
#include "ops/pooling_common.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"

namespace xgrad {

using autograd::needs_input_grad;
using autograd::record;
using autograd::save;
using autograd::variable_list;

namespace {

struct Names {
  const char* op;         // in the messages: "fractional_max_pool2d()", "fractional_max_pool3d_out()"
  const char* kernel;     // in the dtype message
  const char* forward;    // grad_fn of the output
  const char* backward;   // grad_fn of the gradient
};
const Names& names(int64_t dims) {
  static const Names n2{"fractional_max_pool2d", "fractional_max_pool2d_out_frame", "FractionalMaxPool2DBackward0",
                        "FractionalMaxPool2DBackwardBackward0"};
  static const Names n3{"fractional_max_pool3d_out", "fractional_max_pool3d_out_frame", "FractionalMaxPool3DBackward0",
                        "FractionalMaxPool3DBackwardBackward0"};
  return dims == 2 ? n2 : n3;
}

Tensor fractional_max_pool_backward(const Tensor& grad, const Tensor& self, const Tensor& indices, int64_t dims);

/// ATen's checks of fractional_max_pool{2,3}d, in its order, then the kernel.
std::tuple<Tensor, Tensor> fractional_max_pool_nd(const Tensor& self_, IntArrayRef kernel_size, IntArrayRef output_size,
                                                  const Tensor& samples_, int64_t dims) {
  const Names& n = names(dims);
  const char* count = dims == 2 ? "tuple of Ints" : "tuple of three Ints";
  XGRAD_CHECK(static_cast<int64_t>(kernel_size.size()) == dims,
              "fractional_max_pool{}d: kernel_size must either be a single Int or {}", dims, count);
  XGRAD_CHECK(static_cast<int64_t>(output_size.size()) == dims,
              "fractional_max_pool{}d: output_size must either be a single Int or {}", dims, count);
  const int64_t nd = self_.dim();
  XGRAD_CHECK(nd == dims + 1 || nd == dims + 2, "{}(): Expected {}D or {}D tensor, but got: {}", n.op, dims + 1,
              dims + 2, format_sizes(self_.sizes()));
  for (int64_t i = 1; i < nd; ++i)
    XGRAD_CHECK(self_.size(i) > 0,
                "{}(): Expected input to have non-zero size for non-batch dimensions, but got{} with dimension {} "
                "being empty.",
                n.op, format_sizes(self_.sizes()), i);
  static const char* what[] = {"time", "height", "width"};
  for (int64_t i = 0; i < dims; ++i) {
    const int64_t in = self_.size(nd - dims + i), k = kernel_size[static_cast<size_t>(i)];
    const char* w = what[3 - dims + i];
    XGRAD_CHECK(output_size[static_cast<size_t>(i)] + k - 1 <= in, "{}(): pool {} {} too large relative to input {} {}",
                n.op, w, k, w, in);
  }
  XGRAD_CHECK(samples_.scalar_type() == self_.scalar_type(), "expected scalar type {} but found {}",
              scalar_type_name(self_.scalar_type()), scalar_type_name(samples_.scalar_type()));
  const int64_t planes = detail::planes_of(self_, dims);
  // ATen reads `dims` samples per plane without checking that they are there; xgrad refuses.
  XGRAD_CHECK(samples_.numel() >= planes * dims,
              "{}(): expected _random_samples to hold {} samples per plane ({} in all), but got sizes {}", n.op, dims,
              planes * dims, format_sizes(samples_.sizes()));
  const Tensor self = detail::contiguous_raw(self_);
  const Tensor samples = detail::contiguous_raw(samples_);
  const DimVector out_sizes = detail::with_spatial(self.sizes(), output_size);
  Tensor out = detail::make_empty(out_sizes, self.scalar_type());
  Tensor indices = detail::make_empty(out_sizes, kLong);
  visit_floating(self.scalar_type(), n.kernel, [&](auto tag) {
    using T = decltype(tag);
    kernels::fractional_max_pool_forward<T>(
        self.data_ptr<T>(), out.data_ptr<T>(), indices.data_ptr<int64_t>(), samples.data_ptr<T>(), planes,
        static_cast<int>(dims),
        detail::pool_shape(detail::last_dims(self.sizes(), dims), output_size, kernel_size));
  });
  record(n.forward, out, {self_}, save(self_, indices),
         [dims](const Tensor& g, const Tensor& self, const Tensor& indices) -> variable_list {
           return {fractional_max_pool_backward(g, self, indices, dims)};
         });
  return {out, indices};
}

/// The gradient: grad summed into a zero tensor shaped as self at the indices.
/// d/dgrad = the incoming gradient read at the indices; d/dself = 0      saves: self, indices
Tensor fractional_max_pool_backward(const Tensor& grad_, const Tensor& self, const Tensor& indices, int64_t dims) {
  const Tensor grad = detail::contiguous_raw(grad_);
  Tensor gx = detail::make_empty(self.sizes(), grad.scalar_type());
  const int64_t planes = detail::planes_of(self, dims);
  visit_floating(grad.scalar_type(), dims == 2 ? "fractional_max_pool2d_backward_out_frame"
                                               : "fractional_max_pool3d_backward_out_frame",
                 [&](auto tag) {
                   using T = decltype(tag);
                   kernels::index_scatter_add<T>(grad.data_ptr<T>(), indices.data_ptr<int64_t>(), gx.data_ptr<T>(),
                                                 planes, self.numel() / std::max<int64_t>(1, planes),
                                                 grad.numel() / std::max<int64_t>(1, planes));
                 });
  return record(names(dims).backward, gx, {grad_, self}, save(self, indices),
                [dims](const Tensor& gg, const Tensor& self, const Tensor& indices) -> variable_list {
                  return {needs_input_grad(0) ? detail::max_pool_double_backward(gg, indices, dims) : Tensor(),
                          needs_input_grad(1) ? zeros_like(self) : Tensor()};
                });
}

}  // namespace

std::tuple<Tensor, Tensor> fractional_max_pool2d(const Tensor& self, IntArrayRef kernel_size, IntArrayRef output_size,
                                                 const Tensor& random_samples) {
  return fractional_max_pool_nd(self, kernel_size, output_size, random_samples, 2);
}
std::tuple<Tensor, Tensor> fractional_max_pool3d(const Tensor& self, IntArrayRef kernel_size, IntArrayRef output_size,
                                                 const Tensor& random_samples) {
  return fractional_max_pool_nd(self, kernel_size, output_size, random_samples, 3);
}

}  // namespace xgrad
