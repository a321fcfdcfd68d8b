// modules/batchnorm.cpp: the parameters, buffers, forward and printing of BatchNorm{1,2,3}d and
// InstanceNorm{1,2,3}d. F::batch_norm and F::instance_norm are in nn/functional/normalization.cpp.
// Read next: modules/normalization.cpp.
#include "xgrad/nn/modules/batchnorm.hpp"

#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/nn/init.hpp"
#include "xgrad/ops/normalization.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad::nn {

template <size_t D, class Derived, class DerivedOptions>
void NormImplBase<D, Derived, DerivedOptions>::reset() {
  if (options.affine()) {
    weight = this->register_parameter("weight", empty({options.num_features()}));
    bias = this->register_parameter("bias", empty({options.num_features()}));
  } else {
    weight = this->register_parameter("weight", Tensor(), /*requires_grad=*/false);
    bias = this->register_parameter("bias", Tensor(), /*requires_grad=*/false);
  }
  if (options.track_running_stats()) {
    running_mean = this->register_buffer("running_mean", zeros({options.num_features()}));
    running_var = this->register_buffer("running_var", ones({options.num_features()}));
    num_batches_tracked = this->register_buffer("num_batches_tracked", tensor(0, kLong));
  } else {
    running_mean = this->register_buffer("running_mean", Tensor());
    running_var = this->register_buffer("running_var", Tensor());
    num_batches_tracked = this->register_buffer("num_batches_tracked", Tensor());
  }
  reset_parameters();
}

template <size_t D, class Derived, class DerivedOptions>
void NormImplBase<D, Derived, DerivedOptions>::reset_running_stats() {
  if (!options.track_running_stats()) return;
  NoGradGuard no_grad;
  running_mean.zero_();
  running_var.fill_(1);
  num_batches_tracked.zero_();
}

template <size_t D, class Derived, class DerivedOptions>
void NormImplBase<D, Derived, DerivedOptions>::reset_parameters() {
  reset_running_stats();
  if (options.affine()) {
    init::ones_(weight);
    init::zeros_(bias);
  }
}

template <size_t D, class Derived>
Tensor BatchNormImplBase<D, Derived>::forward(const Tensor& input) {
  this->_check_input_dim(input);
  const auto& o = this->options;
  double exponential_average_factor = o.momentum().value_or(0.0);
  if (this->is_training() && o.track_running_stats() && this->num_batches_tracked.defined()) {
    {
      NoGradGuard no_grad;
      this->num_batches_tracked.add_(1);
    }
    // momentum None: the cumulative average, each batch weighing 1 / (batches so far)
    if (!o.momentum()) exponential_average_factor = 1.0 / this->num_batches_tracked.template item<double>();
  }
  // The batch's statistics in training, and in evaluation when there are no running ones.
  const bool bn_training = this->is_training() || !this->running_mean.defined();
  return functional::detail::batch_norm(input, this->running_mean, this->running_var, this->weight, this->bias,
                                        bn_training, exponential_average_factor, o.eps());
}

template <size_t D, class Derived>
void BatchNormImplBase<D, Derived>::pretty_print(std::ostream& stream) const {
  const auto& o = this->options;
  stream << std::boolalpha << "torch::nn::BatchNorm" << D << "d(" << o.num_features() << ", eps=" << o.eps()
         << ", momentum=";
  if (o.momentum())
    stream << *o.momentum();
  else
    stream << "None";
  stream << ", affine=" << o.affine() << ", track_running_stats=" << o.track_running_stats() << ")";
}

template <size_t D, class Derived>
Tensor InstanceNormImpl<D, Derived>::forward(const Tensor& input) {
  this->_check_input_dim(input);
  const auto& o = this->options;
  auto apply = [&](const Tensor& x) {
    return functional::detail::instance_norm(x, this->running_mean, this->running_var, this->weight, this->bias,
                                             this->is_training() || !o.track_running_stats(), o.momentum(), o.eps());
  };
  if (input.dim() == static_cast<int64_t>(D) + 1) return squeeze(apply(unsqueeze(input, 0)), 0);  // no batch dim
  return apply(input);
}

template <size_t D, class Derived>
void InstanceNormImpl<D, Derived>::pretty_print(std::ostream& stream) const {
  const auto& o = this->options;
  stream << std::boolalpha << "torch::nn::InstanceNorm" << D << "d(" << o.num_features() << ", eps=" << o.eps()
         << ", momentum=" << o.momentum() << ", affine=" << o.affine()
         << ", track_running_stats=" << o.track_running_stats() << ")";
}

void BatchNorm1dImpl::_check_input_dim(const Tensor& input) {
  XGRAD_CHECK_T(ValueError, input.dim() == 2 || input.dim() == 3, "expected 2D or 3D input (got {}D input)",
                input.dim());
}
void BatchNorm2dImpl::_check_input_dim(const Tensor& input) {
  XGRAD_CHECK_T(ValueError, input.dim() == 4, "expected 4D input (got {}D input)", input.dim());
}
void BatchNorm3dImpl::_check_input_dim(const Tensor& input) {
  XGRAD_CHECK_T(ValueError, input.dim() == 5, "expected 5D input (got {}D input)", input.dim());
}
void InstanceNorm1dImpl::_check_input_dim(const Tensor& input) {
  XGRAD_CHECK_T(ValueError, input.dim() == 2 || input.dim() == 3, "expected 2D or 3D input (got {}D input)",
                input.dim());
}
void InstanceNorm2dImpl::_check_input_dim(const Tensor& input) {
  XGRAD_CHECK_T(ValueError, input.dim() == 3 || input.dim() == 4, "expected 3D or 4D input (got {}D input)",
                input.dim());
}
void InstanceNorm3dImpl::_check_input_dim(const Tensor& input) {
  XGRAD_CHECK_T(ValueError, input.dim() == 4 || input.dim() == 5, "expected 4D or 5D input (got {}D input)",
                input.dim());
}

template class NormImplBase<1, BatchNorm1dImpl, BatchNormOptions>;
template class NormImplBase<2, BatchNorm2dImpl, BatchNormOptions>;
template class NormImplBase<3, BatchNorm3dImpl, BatchNormOptions>;
template class NormImplBase<1, InstanceNorm1dImpl, InstanceNormOptions>;
template class NormImplBase<2, InstanceNorm2dImpl, InstanceNormOptions>;
template class NormImplBase<3, InstanceNorm3dImpl, InstanceNormOptions>;
template class BatchNormImplBase<1, BatchNorm1dImpl>;
template class BatchNormImplBase<2, BatchNorm2dImpl>;
template class BatchNormImplBase<3, BatchNorm3dImpl>;
template class InstanceNormImpl<1, InstanceNorm1dImpl>;
template class InstanceNormImpl<2, InstanceNorm2dImpl>;
template class InstanceNormImpl<3, InstanceNorm3dImpl>;

}  // namespace xgrad::nn
