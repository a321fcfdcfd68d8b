// normalization.hpp: the normalisation ops of ATen (torch::batch_norm, instance_norm, layer_norm,
// group_norm and their native_* forms, which also return the saved statistics), each a graph node
// named as in PyTorch (NativeBatchNormBackward0, NativeLayerNormBackward0, NativeGroupNormBackward0).
// Undefined tensors stand for PyTorch's None. The maths is documented in src/ops/batch_norm.cpp and
// src/ops/layer_norm.cpp. Read next: nn/functional/normalization.hpp.
#pragma once

#include <array>
#include <tuple>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// (output, save_mean, save_invstd). In training, the statistics of the batch (per channel, over
/// every dim but 1) normalise the input and update running_mean/running_var in place when they are
/// defined; in evaluation the running statistics normalise it (save_* are then empty).
std::tuple<Tensor, Tensor, Tensor> native_batch_norm(const Tensor& input, const Tensor& weight, const Tensor& bias,
                                                     const Tensor& running_mean, const Tensor& running_var,
                                                     bool training, double momentum, double eps);
/// The gradients (input, weight, bias) of native_batch_norm; output_mask says which to compute.
std::tuple<Tensor, Tensor, Tensor> native_batch_norm_backward(const Tensor& grad_out, const Tensor& input,
                                                              const Tensor& weight, const Tensor& running_mean,
                                                              const Tensor& running_var, const Tensor& save_mean,
                                                              const Tensor& save_invstd, bool train, double eps,
                                                              std::array<bool, 3> output_mask);
/// torch::batch_norm: native_batch_norm's output, after PyTorch's checks of the shapes.
Tensor batch_norm(const Tensor& input, const Tensor& weight, const Tensor& bias, const Tensor& running_mean,
                  const Tensor& running_var, bool training, double momentum, double eps, bool cudnn_enabled = true);
/// torch::instance_norm: batch norm of each (sample, channel) plane on its own, as ATen computes
/// it (the input viewed as one sample of N * C channels; the running statistics averaged over N).
Tensor instance_norm(const Tensor& input, const Tensor& weight, const Tensor& bias, const Tensor& running_mean,
                     const Tensor& running_var, bool use_input_stats, double momentum, double eps,
                     bool cudnn_enabled = true);

/// (output, mean, rstd): each sample normalised over its last dims (normalized_shape), then
/// scaled by weight and shifted by bias elementwise; mean and rstd are shaped for broadcasting.
std::tuple<Tensor, Tensor, Tensor> native_layer_norm(const Tensor& input, IntArrayRef normalized_shape,
                                                     const Tensor& weight, const Tensor& bias, double eps);
Tensor layer_norm(const Tensor& input, IntArrayRef normalized_shape, const Tensor& weight = {},
                  const Tensor& bias = {}, double eps = 1e-5, bool cudnn_enable = true);

/// (output, mean, rstd): the channels split into `group` groups, each (sample, group) normalised,
/// then scaled and shifted per channel; mean and rstd have shape (N, group).
std::tuple<Tensor, Tensor, Tensor> native_group_norm(const Tensor& input, const Tensor& weight, const Tensor& bias,
                                                     int64_t N, int64_t C, int64_t HxW, int64_t group, double eps);
Tensor group_norm(const Tensor& input, int64_t num_groups, const Tensor& weight = {}, const Tensor& bias = {},
                  double eps = 1e-5, bool cudnn_enabled = true);

}  // namespace xgrad
