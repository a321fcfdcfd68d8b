// functional/pooling.cpp: F::*pool*, unpacking their options into the torch:: ops of
// src/ops/pooling.cpp and pooling_adaptive.cpp; max_unpool's output size and lp_pool, which
// PyTorch writes in Python (torch/nn/functional.py), are written here the same way.
#include "xgrad/nn/functional/pooling.hpp"

#include "xgrad/ops/activation.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad::nn::functional {

namespace {
/// None entries of an adaptive output size take the input's size (libtorch's _list_with_default).
template <size_t D>
std::vector<int64_t> list_with_default(const ExpandingArrayWithOptionalElem<D>& out_size, IntArrayRef defaults) {
  XGRAD_CHECK(defaults.size() > D, "Input dimension should be at least {}", D + 1);
  std::vector<int64_t> result;
  for (size_t i = 0; i < D; ++i) {
    const auto& v = out_size->at(i);
    result.push_back(v.has_value() ? *v : defaults[defaults.size() - D + i]);
  }
  return result;
}
}  // namespace

Tensor avg_pool1d(const Tensor& input, const AvgPool1dFuncOptions& o) {
  return xgrad::avg_pool1d(input, *o.kernel_size(), *o.stride(), *o.padding(), o.ceil_mode(), o.count_include_pad());
}
Tensor avg_pool2d(const Tensor& input, const AvgPool2dFuncOptions& o) {
  return xgrad::avg_pool2d(input, *o.kernel_size(), *o.stride(), *o.padding(), o.ceil_mode(), o.count_include_pad(),
                           o.divisor_override());
}
Tensor avg_pool3d(const Tensor& input, const AvgPool3dFuncOptions& o) {
  return xgrad::avg_pool3d(input, *o.kernel_size(), *o.stride(), *o.padding(), o.ceil_mode(), o.count_include_pad(),
                           o.divisor_override());
}

Tensor max_pool1d(const Tensor& input, const MaxPool1dFuncOptions& o) {
  return xgrad::max_pool1d(input, *o.kernel_size(), *o.stride(), *o.padding(), *o.dilation(), o.ceil_mode());
}
Tensor max_pool2d(const Tensor& input, const MaxPool2dFuncOptions& o) {
  return xgrad::max_pool2d(input, *o.kernel_size(), *o.stride(), *o.padding(), *o.dilation(), o.ceil_mode());
}
Tensor max_pool3d(const Tensor& input, const MaxPool3dFuncOptions& o) {
  return xgrad::max_pool3d(input, *o.kernel_size(), *o.stride(), *o.padding(), *o.dilation(), o.ceil_mode());
}
std::tuple<Tensor, Tensor> max_pool1d_with_indices(const Tensor& input, const MaxPool1dFuncOptions& o) {
  return xgrad::max_pool1d_with_indices(input, *o.kernel_size(), *o.stride(), *o.padding(), *o.dilation(), o.ceil_mode());
}
std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, const MaxPool2dFuncOptions& o) {
  return xgrad::max_pool2d_with_indices(input, *o.kernel_size(), *o.stride(), *o.padding(), *o.dilation(), o.ceil_mode());
}
std::tuple<Tensor, Tensor> max_pool3d_with_indices(const Tensor& input, const MaxPool3dFuncOptions& o) {
  return xgrad::max_pool3d_with_indices(input, *o.kernel_size(), *o.stride(), *o.padding(), *o.dilation(), o.ceil_mode());
}

std::tuple<Tensor, Tensor> adaptive_max_pool1d_with_indices(const Tensor& input, const AdaptiveMaxPool1dFuncOptions& o) {
  return xgrad::adaptive_max_pool1d(input, *o.output_size());
}
std::tuple<Tensor, Tensor> adaptive_max_pool2d_with_indices(const Tensor& input, const AdaptiveMaxPool2dFuncOptions& o) {
  return xgrad::adaptive_max_pool2d(input, list_with_default(o.output_size(), input.sizes()));
}
std::tuple<Tensor, Tensor> adaptive_max_pool3d_with_indices(const Tensor& input, const AdaptiveMaxPool3dFuncOptions& o) {
  return xgrad::adaptive_max_pool3d(input, list_with_default(o.output_size(), input.sizes()));
}
Tensor adaptive_max_pool1d(const Tensor& input, const AdaptiveMaxPool1dFuncOptions& o) {
  return std::get<0>(adaptive_max_pool1d_with_indices(input, o));
}
Tensor adaptive_max_pool2d(const Tensor& input, const AdaptiveMaxPool2dFuncOptions& o) {
  return std::get<0>(adaptive_max_pool2d_with_indices(input, o));
}
Tensor adaptive_max_pool3d(const Tensor& input, const AdaptiveMaxPool3dFuncOptions& o) {
  return std::get<0>(adaptive_max_pool3d_with_indices(input, o));
}

Tensor adaptive_avg_pool1d(const Tensor& input, const AdaptiveAvgPool1dFuncOptions& o) {
  return xgrad::adaptive_avg_pool1d(input, *o.output_size());
}
Tensor adaptive_avg_pool2d(const Tensor& input, const AdaptiveAvgPool2dFuncOptions& o) {
  return xgrad::adaptive_avg_pool2d(input, list_with_default(o.output_size(), input.sizes()));
}
Tensor adaptive_avg_pool3d(const Tensor& input, const AdaptiveAvgPool3dFuncOptions& o) {
  return xgrad::adaptive_avg_pool3d(input, list_with_default(o.output_size(), input.sizes()));
}

std::vector<int64_t> _unpool_output_size(const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride,
                                         IntArrayRef padding, const std::optional<std::vector<int64_t>>& output_size) {
  const size_t k = kernel_size.size();
  std::vector<int64_t> default_size;
  for (size_t d = 0; d < k; ++d)
    default_size.push_back((input.size(static_cast<int64_t>(d) - static_cast<int64_t>(k)) - 1) * stride[d] +
                           kernel_size[d] - 2 * padding[d]);
  if (!output_size.has_value()) return default_size;
  std::vector<int64_t> size = *output_size;
  if (size.size() == k + 2) size.erase(size.begin(), size.begin() + 2);
  XGRAD_CHECK_T(ValueError, size.size() == k,
                "output_size should be a sequence containing {} or {} elements, but it has a length of '{}'", k, k + 2,
                size.size());
  for (size_t d = 0; d < k; ++d) {
    const int64_t min_size = default_size[d] - stride[d], max_size = default_size[d] + stride[d];
    XGRAD_CHECK_T(ValueError, min_size < size[d] && size[d] < max_size,
                  "invalid output_size \"[{}]\" (dim {} must be between {} and {})",
                  fmt::join(output_size->begin(), output_size->end(), ", "), d, min_size, max_size);
  }
  return size;
}

Tensor max_unpool1d(const Tensor& input, const Tensor& indices, const MaxUnpool1dFuncOptions& o) {
  std::vector<int64_t> size = _unpool_output_size(input, *o.kernel_size(), *o.stride(), *o.padding(), o.output_size());
  size.push_back(1);
  return xgrad::max_unpool2d(input.unsqueeze(-1), indices.unsqueeze(-1), size).squeeze(-1);
}
Tensor max_unpool2d(const Tensor& input, const Tensor& indices, const MaxUnpool2dFuncOptions& o) {
  return xgrad::max_unpool2d(input, indices,
                             _unpool_output_size(input, *o.kernel_size(), *o.stride(), *o.padding(), o.output_size()));
}
Tensor max_unpool3d(const Tensor& input, const Tensor& indices, const MaxUnpool3dFuncOptions& o) {
  return xgrad::max_unpool3d(input, indices,
                             _unpool_output_size(input, *o.kernel_size(), *o.stride(), *o.padding(), o.output_size()),
                             *o.stride(), *o.padding());
}

Tensor lp_pool1d(const Tensor& input, const LPPool1dFuncOptions& o) {
  const int64_t zero = 0;
  Tensor out = xgrad::avg_pool1d(input.pow(o.norm_type()), *o.kernel_size(), *o.stride(), zero, o.ceil_mode());
  return (xgrad::sign(out) * xgrad::relu(xgrad::abs(out))).mul(o.kernel_size()->at(0)).pow(1.0 / o.norm_type());
}
Tensor lp_pool2d(const Tensor& input, const LPPool2dFuncOptions& o) {
  const int64_t zero = 0;
  const int64_t kw = o.kernel_size()->at(0), kh = o.kernel_size()->at(1);
  Tensor out = xgrad::avg_pool2d(input.pow(o.norm_type()), *o.kernel_size(), *o.stride(), zero, o.ceil_mode());
  return (xgrad::sign(out) * xgrad::relu(xgrad::abs(out))).mul(kw * kh).pow(1.0 / o.norm_type());
}

}  // namespace xgrad::nn::functional
