// modules/pooling.cpp: the pooling modules' forward, each the functional form with the module's
// options (src/nn/functional/pooling.cpp).
#include "xgrad/nn/modules/pooling.hpp"

namespace xgrad::nn {

namespace F = functional;

Tensor AvgPool1dImpl::forward(const Tensor& input) { return F::avg_pool1d(input, options); }
Tensor AvgPool2dImpl::forward(const Tensor& input) { return F::avg_pool2d(input, options); }
Tensor AvgPool3dImpl::forward(const Tensor& input) { return F::avg_pool3d(input, options); }

Tensor MaxPool1dImpl::forward(const Tensor& input) { return F::max_pool1d(input, options); }
Tensor MaxPool2dImpl::forward(const Tensor& input) { return F::max_pool2d(input, options); }
Tensor MaxPool3dImpl::forward(const Tensor& input) { return F::max_pool3d(input, options); }
std::tuple<Tensor, Tensor> MaxPool1dImpl::forward_with_indices(const Tensor& input) {
  return F::max_pool1d_with_indices(input, options);
}
std::tuple<Tensor, Tensor> MaxPool2dImpl::forward_with_indices(const Tensor& input) {
  return F::max_pool2d_with_indices(input, options);
}
std::tuple<Tensor, Tensor> MaxPool3dImpl::forward_with_indices(const Tensor& input) {
  return F::max_pool3d_with_indices(input, options);
}

Tensor AdaptiveMaxPool1dImpl::forward(const Tensor& input) { return F::adaptive_max_pool1d(input, options); }
Tensor AdaptiveMaxPool2dImpl::forward(const Tensor& input) { return F::adaptive_max_pool2d(input, options); }
Tensor AdaptiveMaxPool3dImpl::forward(const Tensor& input) { return F::adaptive_max_pool3d(input, options); }
std::tuple<Tensor, Tensor> AdaptiveMaxPool1dImpl::forward_with_indices(const Tensor& input) {
  return F::adaptive_max_pool1d_with_indices(input, options);
}
std::tuple<Tensor, Tensor> AdaptiveMaxPool2dImpl::forward_with_indices(const Tensor& input) {
  return F::adaptive_max_pool2d_with_indices(input, options);
}
std::tuple<Tensor, Tensor> AdaptiveMaxPool3dImpl::forward_with_indices(const Tensor& input) {
  return F::adaptive_max_pool3d_with_indices(input, options);
}

Tensor AdaptiveAvgPool1dImpl::forward(const Tensor& input) { return F::adaptive_avg_pool1d(input, options); }
Tensor AdaptiveAvgPool2dImpl::forward(const Tensor& input) { return F::adaptive_avg_pool2d(input, options); }
Tensor AdaptiveAvgPool3dImpl::forward(const Tensor& input) { return F::adaptive_avg_pool3d(input, options); }

namespace {
template <size_t D>
F::MaxUnpoolFuncOptions<D> unpool_options(const MaxUnpoolOptions<D>& o, const std::optional<std::vector<int64_t>>& size) {
  return F::MaxUnpoolFuncOptions<D>(o.kernel_size()).stride(o.stride()).padding(o.padding()).output_size(size);
}
}  // namespace

Tensor MaxUnpool1dImpl::forward(const Tensor& input, const Tensor& indices,
                                const std::optional<std::vector<int64_t>>& output_size) {
  return F::max_unpool1d(input, indices, unpool_options(options, output_size));
}
Tensor MaxUnpool2dImpl::forward(const Tensor& input, const Tensor& indices,
                                const std::optional<std::vector<int64_t>>& output_size) {
  return F::max_unpool2d(input, indices, unpool_options(options, output_size));
}
Tensor MaxUnpool3dImpl::forward(const Tensor& input, const Tensor& indices,
                                const std::optional<std::vector<int64_t>>& output_size) {
  return F::max_unpool3d(input, indices, unpool_options(options, output_size));
}

Tensor LPPool1dImpl::forward(const Tensor& input) { return F::lp_pool1d(input, options); }
Tensor LPPool2dImpl::forward(const Tensor& input) { return F::lp_pool2d(input, options); }

}  // namespace xgrad::nn
