// functional/normalization.cpp: torch::nn::functional's normalisation functions: Python's checks
// (F.batch_norm's batch size, F.instance_norm's spatial size, F.group_norm's groups) in front of the
// ops of src/ops/batch_norm.cpp and layer_norm.cpp, and F::local_response_norm and F::normalize,
// which PyTorch composes of other ops and which are composed the same way here.
// Read next: nn/modules/batchnorm.cpp.
#include "xgrad/nn/functional/normalization.hpp"

#include "xgrad/core/format.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/normalization.hpp"
#include "xgrad/ops/padding.hpp"
#include "xgrad/ops/pooling.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad::nn {

namespace {
/// Python's _verify_batch_size: a training batch needs more than one value per channel.
/// (Python prints the size as torch.Size([1, 3]); C++ prints libtorch's [1, 3].)
void verify_batch_size(IntArrayRef size) {
  int64_t size_prods = size[0];
  for (size_t i = 2; i < size.size(); ++i) size_prods *= size[i];
  XGRAD_CHECK_T(ValueError, size_prods != 1, "Expected more than 1 value per channel when training, got input size {}",
                format_sizes(size));
}
}  // namespace

namespace functional {

Tensor detail::batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var, Tensor weight,
                          Tensor bias, bool training, std::optional<double> momentum, double eps) {
  if (training) {  // Python's _verify_batch_size
    XGRAD_CHECK(input.dim() >= 2, "batch_norm: expected an input with at least 2 dims (N, C, ...), got {}D",
                input.dim());
    verify_batch_size(input.sizes());
  }
  XGRAD_CHECK_T(ValueError, momentum.has_value(), "batch_norm: momentum must be a number, not None");
  return xgrad::batch_norm(input, weight, bias, running_mean, running_var, training, *momentum, eps);
}

Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                  const BatchNormFuncOptions& options) {
  return detail::batch_norm(input, running_mean, running_var, options.weight(), options.bias(), options.training(),
                            options.momentum(), options.eps());
}

Tensor detail::instance_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                             const Tensor& weight, const Tensor& bias, bool use_input_stats, double momentum,
                             double eps) {
  if (use_input_stats) {  // Python's _verify_spatial_size
    int64_t size_prods = 1;
    for (int64_t d = 2; d < input.dim(); ++d) size_prods *= input.size(d);
    XGRAD_CHECK_T(ValueError, size_prods != 1,
                  "Expected more than 1 spatial element when training, got input size {}",
                  format_sizes(input.sizes()));
  }
  return xgrad::instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps);
}

Tensor instance_norm(const Tensor& input, const InstanceNormFuncOptions& options) {
  return detail::instance_norm(input, options.running_mean(), options.running_var(), options.weight(), options.bias(),
                               options.use_input_stats(), options.momentum(), options.eps());
}

Tensor layer_norm(const Tensor& input, const LayerNormFuncOptions& options) {
  return xgrad::layer_norm(input, options.normalized_shape(), options.weight(), options.bias(), options.eps());
}

Tensor group_norm(const Tensor& input, const GroupNormFuncOptions& options) {
  const int64_t num_groups = options.num_groups();
  XGRAD_CHECK(input.dim() >= 2, "group_norm: expected an input with at least 2 dims (N, C, ...), got {}D",
              input.dim());
  XGRAD_CHECK(num_groups > 0, "Expected num groups to be greater than 0, got {}", num_groups);
  // Python's check, on the sizes seen per group: [N * C / G, G, *spatial]
  DimVector size{input.size(0) * input.size(1) / num_groups, num_groups};
  for (int64_t d = 2; d < input.dim(); ++d) size.push_back(input.size(d));
  verify_batch_size(size);
  return xgrad::group_norm(input, num_groups, options.weight(), options.bias(), options.eps());
}

/// local_response_norm, as Python writes it: with the squares' windowed mean over channels
///   div = (k + alpha * avg_pool(pad(x^2)))^beta,   y = x / div
/// (the window covers size channels, size / 2 before and (size - 1) / 2 after, zero padded).
Tensor local_response_norm(const Tensor& input, const LocalResponseNormFuncOptions& options) {
  const int64_t dim = input.dim(), size = options.size();
  // Python's text, with the run of spaces its line continuation leaves inside the string
  XGRAD_CHECK_T(ValueError, dim >= 3,
                "Expected 3D or higher dimensionality                          input (got {} dimensions)", dim);
  if (input.numel() == 0) return input;
  Tensor div = unsqueeze(input.mul(input), 1);
  if (dim == 3) {
    div = pad(div, {0, 0, size / 2, (size - 1) / 2});
    div = squeeze(avg_pool2d(div, {size, 1}, {1}), 1);
  } else {
    const DimVector sizes(input.sizes());
    div = div.view({sizes[0], 1, sizes[1], sizes[2], -1});
    div = pad(div, {0, 0, 0, 0, size / 2, (size - 1) / 2});
    div = squeeze(avg_pool3d(div, {size, 1, 1}, {1}), 1);
    div = div.view(sizes);
  }
  div = div.mul(options.alpha()).add(options.k()).pow(options.beta());
  return input / div;
}

/// normalize: x / max(||x||_p, eps) along dim, Python's composition:
///   input / input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
Tensor normalize(const Tensor& input, NormalizeFuncOptions options) {
  Tensor denom = input.norm(Scalar(options.p()), {options.dim()}, true).clamp_min(options.eps()).expand_as(input);
  if (!options.out()) return input / denom;
  Tensor out = *options.out();  // torch::div_out: the quotient written into out
  XGRAD_CHECK(!GradMode::is_enabled() || !(input.requires_grad() || out.requires_grad()),
              "div(): functions with out=... arguments don't support automatic differentiation, but one of the "
              "arguments requires grad.");
  NoGradGuard no_grad;
  out.copy_(input / denom);
  return out;
}

}  // namespace functional
}  // namespace xgrad::nn
