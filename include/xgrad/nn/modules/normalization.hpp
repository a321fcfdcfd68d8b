// modules/normalization.hpp: nn::LayerNorm, nn::GroupNorm, nn::LocalResponseNorm and
// nn::CrossMapLRN2d as libtorch declares them (options, parameters, printing). Their functional
// forms are in functional/normalization.hpp, the ops in ops/normalization.hpp.
// Read next: src/nn/modules/normalization.cpp.
#pragma once

#include "xgrad/nn/functional/normalization.hpp"
#include "xgrad/nn/module.hpp"

namespace xgrad::nn {

/// Normalises each sample over its last dims (options.normalized_shape()); with
/// elementwise_affine, a weight (ones) and a bias (zeros) of that shape scale and shift it.
class LayerNormImpl : public Cloneable<LayerNormImpl> {
 public:
  LayerNormImpl(std::vector<int64_t> normalized_shape)  // NOLINT(google-explicit-constructor)
      : LayerNormImpl(LayerNormOptions(std::move(normalized_shape))) {}
  explicit LayerNormImpl(LayerNormOptions options_);
  void reset() override;
  /// weight to ones, bias to zeros.
  void reset_parameters();
  /// `torch::nn::LayerNorm([2, 2], eps=1e-05, elementwise_affine=true)`
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);

  LayerNormOptions options;
  Tensor weight;
  Tensor bias;
};
TORCH_MODULE(LayerNorm);

/// Splits the C channels of an (N, C, ...) input into num_groups groups and normalises each
/// (sample, group); with affine, a per-channel weight (ones) and bias (zeros).
class GroupNormImpl : public Cloneable<GroupNormImpl> {
 public:
  GroupNormImpl(int64_t num_groups, int64_t num_channels)
      : GroupNormImpl(GroupNormOptions(num_groups, num_channels)) {}
  explicit GroupNormImpl(const GroupNormOptions& options_);
  void reset() override;
  void reset_parameters();
  /// `torch::nn::GroupNorm(2, 2, eps=1e-05, affine=true)`
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);

  GroupNormOptions options;
  Tensor weight;
  Tensor bias;
};
TORCH_MODULE(GroupNorm);

/// F::local_response_norm as a module (no parameters).
class LocalResponseNormImpl : public Cloneable<LocalResponseNormImpl> {
 public:
  LocalResponseNormImpl(int64_t size)  // NOLINT(google-explicit-constructor)
      : LocalResponseNormImpl(LocalResponseNormOptions(size)) {}
  explicit LocalResponseNormImpl(const LocalResponseNormOptions& options_) : options(options_) {}
  void reset() override {}
  /// `torch::nn::LocalResponseNorm(2, alpha=0.0001, beta=0.75, k=1)`
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);

  LocalResponseNormOptions options;
};
TORCH_MODULE(LocalResponseNorm);

/// Lua Torch's cross-map LRN over the channels of an (N, C, H, W) input, as PyTorch's
/// torch.nn._functions.CrossMapLRN2d computes it (one custom node, CrossMapLRN2dBackward, whose
/// backward is that function's hand-written loop, not the exact derivative of its forward).
class CrossMapLRN2dImpl : public Cloneable<CrossMapLRN2dImpl> {
 public:
  CrossMapLRN2dImpl(int64_t size)  // NOLINT(google-explicit-constructor)
      : CrossMapLRN2dImpl(CrossMapLRN2dOptions(size)) {}
  explicit CrossMapLRN2dImpl(const CrossMapLRN2dOptions& options_) : options(options_) {}
  void reset() override {}
  /// `torch::nn::CrossMapLRN2d(4, alpha=0.0001, beta=0.75, k=1)`
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);

  CrossMapLRN2dOptions options;
};
TORCH_MODULE(CrossMapLRN2d);

}  // namespace xgrad::nn
