// modules/batchnorm.hpp: nn::BatchNorm1d/2d/3d and nn::InstanceNorm1d/2d/3d, as libtorch builds
// them on one base (NormImplBase): a per-channel weight and bias (when affine), the buffers
// running_mean, running_var and num_batches_tracked (when tracking running statistics), and the
// switch between the batch's statistics (training) and the running ones (eval()).
// Read next: modules/normalization.hpp.
#pragma once

#include "xgrad/nn/functional/normalization.hpp"
#include "xgrad/nn/module.hpp"

namespace xgrad::nn {

/// What batch and instance norm share: parameters and buffers registered under PyTorch's names.
template <size_t D, class Derived, class DerivedOptions>
class NormImplBase : public Cloneable<Derived> {
 protected:
  /// Throws PyTorch's error when the input has the wrong number of dims for this layer.
  virtual void _check_input_dim(const Tensor& input) = 0;

 public:
  explicit NormImplBase(const DerivedOptions& options_) : options(options_) {}
  /// weight (ones) and bias (zeros) when affine; running_mean (zeros), running_var (ones) and
  /// num_batches_tracked (0, int64) when track_running_stats; undefined otherwise.
  void reset() override;
  /// running_mean to 0, running_var to 1, num_batches_tracked to 0.
  void reset_running_stats();
  void reset_parameters();

  DerivedOptions options;
  Tensor weight;
  Tensor bias;
  Tensor running_mean;
  Tensor running_var;
  Tensor num_batches_tracked;
};

/// Batch norm: normalises each channel of an (N, C, ...) input over the batch and spatial dims.
template <size_t D, class Derived>
class BatchNormImplBase : public NormImplBase<D, Derived, BatchNormOptions> {
 public:
  using NormImplBase<D, Derived, BatchNormOptions>::NormImplBase;
  /// In training (with tracked statistics) it counts the batch in num_batches_tracked and updates
  /// the running statistics; momentum std::nullopt averages all batches equally (1 / count).
  Tensor forward(const Tensor& input);
  /// `torch::nn::BatchNorm2d(64, eps=1e-05, momentum=0.1, affine=true, track_running_stats=true)`
  void pretty_print(std::ostream& stream) const override;
};

class BatchNorm1dImpl : public BatchNormImplBase<1, BatchNorm1dImpl> {
 protected:
  void _check_input_dim(const Tensor& input) override;  // (N, C) or (N, C, L)

 public:
  explicit BatchNorm1dImpl(const BatchNorm1dOptions& options_) : BatchNormImplBase(options_) { reset(); }
};
TORCH_MODULE(BatchNorm1d);

class BatchNorm2dImpl : public BatchNormImplBase<2, BatchNorm2dImpl> {
 protected:
  void _check_input_dim(const Tensor& input) override;  // (N, C, H, W)

 public:
  explicit BatchNorm2dImpl(const BatchNorm2dOptions& options_) : BatchNormImplBase(options_) { reset(); }
};
TORCH_MODULE(BatchNorm2d);

class BatchNorm3dImpl : public BatchNormImplBase<3, BatchNorm3dImpl> {
 protected:
  void _check_input_dim(const Tensor& input) override;  // (N, C, D, H, W)

 public:
  explicit BatchNorm3dImpl(const BatchNorm3dOptions& options_) : BatchNormImplBase(options_) { reset(); }
};
TORCH_MODULE(BatchNorm3d);

/// Instance norm: normalises each (sample, channel) plane on its own; an input without the batch
/// dim ((C, L) for 1d) is taken as a batch of one.
template <size_t D, class Derived>
class InstanceNormImpl : public NormImplBase<D, Derived, InstanceNormOptions> {
 public:
  using NormImplBase<D, Derived, InstanceNormOptions>::NormImplBase;
  Tensor forward(const Tensor& input);
  /// `torch::nn::InstanceNorm2d(4, eps=1e-05, momentum=0.1, affine=false, track_running_stats=false)`
  void pretty_print(std::ostream& stream) const override;
};

class InstanceNorm1dImpl : public InstanceNormImpl<1, InstanceNorm1dImpl> {
 protected:
  void _check_input_dim(const Tensor& input) override;  // (N, C, L) or (C, L)

 public:
  explicit InstanceNorm1dImpl(const InstanceNorm1dOptions& options_) : InstanceNormImpl(options_) { reset(); }
};
TORCH_MODULE(InstanceNorm1d);

class InstanceNorm2dImpl : public InstanceNormImpl<2, InstanceNorm2dImpl> {
 protected:
  void _check_input_dim(const Tensor& input) override;  // (N, C, H, W) or (C, H, W)

 public:
  explicit InstanceNorm2dImpl(const InstanceNorm2dOptions& options_) : InstanceNormImpl(options_) { reset(); }
};
TORCH_MODULE(InstanceNorm2d);

class InstanceNorm3dImpl : public InstanceNormImpl<3, InstanceNorm3dImpl> {
 protected:
  void _check_input_dim(const Tensor& input) override;  // (N, C, D, H, W) or (C, D, H, W)

 public:
  explicit InstanceNorm3dImpl(const InstanceNorm3dOptions& options_) : InstanceNormImpl(options_) { reset(); }
};
TORCH_MODULE(InstanceNorm3d);

}  // namespace xgrad::nn
