// functional/pooling.hpp: torch::nn::functional's pooling, each a call of the torch:: op with its
// options unpacked: F::max_pool2d(x, F::MaxPool2dFuncOptions(2)), F::avg_pool2d,
// F::adaptive_avg_pool2d(x, F::AdaptiveAvgPool2dFuncOptions({7, std::nullopt})), F::lp_pool2d
// (composed of avg_pool, as PyTorch composes it), F::max_unpool2d, F::fractional_max_pool2d/3d
// (src/nn/functional/fractional_pool.cpp). Read next: modules/pooling.hpp.
#pragma once

#include <tuple>

#include "xgrad/nn/options/pooling.hpp"
#include "xgrad/ops/fractional_max_pool.hpp"
#include "xgrad/ops/pooling.hpp"

namespace xgrad::nn::functional {

Tensor avg_pool1d(const Tensor& input, const AvgPool1dFuncOptions& options);
Tensor avg_pool2d(const Tensor& input, const AvgPool2dFuncOptions& options);
Tensor avg_pool3d(const Tensor& input, const AvgPool3dFuncOptions& options);

Tensor max_pool1d(const Tensor& input, const MaxPool1dFuncOptions& options);
Tensor max_pool2d(const Tensor& input, const MaxPool2dFuncOptions& options);
Tensor max_pool3d(const Tensor& input, const MaxPool3dFuncOptions& options);
std::tuple<Tensor, Tensor> max_pool1d_with_indices(const Tensor& input, const MaxPool1dFuncOptions& options);
std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, const MaxPool2dFuncOptions& options);
std::tuple<Tensor, Tensor> max_pool3d_with_indices(const Tensor& input, const MaxPool3dFuncOptions& options);

Tensor adaptive_max_pool1d(const Tensor& input, const AdaptiveMaxPool1dFuncOptions& options);
Tensor adaptive_max_pool2d(const Tensor& input, const AdaptiveMaxPool2dFuncOptions& options);
Tensor adaptive_max_pool3d(const Tensor& input, const AdaptiveMaxPool3dFuncOptions& options);
std::tuple<Tensor, Tensor> adaptive_max_pool1d_with_indices(const Tensor& input, const AdaptiveMaxPool1dFuncOptions& options);
std::tuple<Tensor, Tensor> adaptive_max_pool2d_with_indices(const Tensor& input, const AdaptiveMaxPool2dFuncOptions& options);
std::tuple<Tensor, Tensor> adaptive_max_pool3d_with_indices(const Tensor& input, const AdaptiveMaxPool3dFuncOptions& options);

Tensor adaptive_avg_pool1d(const Tensor& input, const AdaptiveAvgPool1dFuncOptions& options);
Tensor adaptive_avg_pool2d(const Tensor& input, const AdaptiveAvgPool2dFuncOptions& options);
Tensor adaptive_avg_pool3d(const Tensor& input, const AdaptiveAvgPool3dFuncOptions& options);

/// The output size max_unpool gives for these options (Python's _unpool_output_size, with its checks).
std::vector<int64_t> _unpool_output_size(const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride,
                                         IntArrayRef padding, const std::optional<std::vector<int64_t>>& output_size);
Tensor max_unpool1d(const Tensor& input, const Tensor& indices, const MaxUnpool1dFuncOptions& options);
Tensor max_unpool2d(const Tensor& input, const Tensor& indices, const MaxUnpool2dFuncOptions& options);
Tensor max_unpool3d(const Tensor& input, const Tensor& indices, const MaxUnpool3dFuncOptions& options);

/// torch::fractional_max_pool2d/3d with the output size given or computed as
/// int(in * output_ratio), and, when options._random_samples() is undefined, samples drawn as
/// PyTorch draws them: torch::rand({N, C, 2 or 3}) in the input's dtype, N = 1 without a batch dim.
std::tuple<Tensor, Tensor> fractional_max_pool2d_with_indices(const Tensor& input,
                                                              const FractionalMaxPool2dFuncOptions& options);
std::tuple<Tensor, Tensor> fractional_max_pool3d_with_indices(const Tensor& input,
                                                              const FractionalMaxPool3dFuncOptions& options);
Tensor fractional_max_pool2d(const Tensor& input, const FractionalMaxPool2dFuncOptions& options);
Tensor fractional_max_pool3d(const Tensor& input, const FractionalMaxPool3dFuncOptions& options);

/// (sum over the window of x^p)^(1/p): avg_pool(x^p) * window size, then the 1/p power.
Tensor lp_pool1d(const Tensor& input, const LPPool1dFuncOptions& options);
Tensor lp_pool2d(const Tensor& input, const LPPool2dFuncOptions& options);

}  // namespace xgrad::nn::functional
