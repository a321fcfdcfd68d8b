// functional/normalization.hpp: torch::nn::functional's normalisation functions, with libtorch's
// signatures and Python's checks: F::batch_norm(x, running_mean, running_var, options),
// F::instance_norm, F::layer_norm, F::group_norm, F::local_response_norm and F::normalize.
// Read next: modules/batchnorm.hpp, modules/normalization.hpp.
#pragma once

#include "xgrad/nn/options/normalization.hpp"

namespace xgrad::nn::functional {

/// Batch normalisation (torch::batch_norm). When training, an input with one value per channel
/// is refused, as Python's F.batch_norm refuses it.
Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                  const BatchNormFuncOptions& options = {});
/// Instance normalisation (torch::instance_norm); with use_input_stats, each plane needs more
/// than one element.
Tensor instance_norm(const Tensor& input, const InstanceNormFuncOptions& options = {});
/// Layer normalisation over the last dims (torch::layer_norm).
Tensor layer_norm(const Tensor& input, const LayerNormFuncOptions& options);
/// Group normalisation (torch::group_norm).
Tensor group_norm(const Tensor& input, const GroupNormFuncOptions& options);
/// x / (k + alpha / size * sum of x^2 over `size` neighbouring channels)^beta, composed of ops as
/// Python composes it (pad, avg_pool2d or avg_pool3d, pow, div); input (N, C, ...) of 3 or more dims.
Tensor local_response_norm(const Tensor& input, const LocalResponseNormFuncOptions& options);
/// x / max(||x||_p along dim, eps); with options.out(), written there (then not differentiable).
Tensor normalize(const Tensor& input, NormalizeFuncOptions options = {});

namespace detail {
/// The forms libtorch's modules call, with plain arguments.
Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var, Tensor weight,
                  Tensor bias, bool training, std::optional<double> momentum, double eps);
Tensor instance_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var, const Tensor& weight,
                     const Tensor& bias, bool use_input_stats, double momentum, double eps);
}  // namespace detail

}  // namespace xgrad::nn::functional
