// modules/alpha_dropout.cpp: alpha dropout (for SELU networks: dropped values go to SELU's negative
// saturation and an affine map restores mean and variance), element- and channel-wise, drawn as
// ATen's _dropout_impl draws it, and the AlphaDropout / FeatureAlphaDropout layers.
// Read next: src/nn/modules/dropout.cpp.
#include <cmath>

#include "xgrad/core/factory.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/nn/modules/dropout.hpp"
#include "xgrad/ops/elementwise.hpp"

namespace xgrad {

namespace {

/// ATen's _dropout_impl<feature, alpha=true>: noise ~ Bernoulli(1 - p) (one value per element, or
/// per (sample, channel) for feature dropout), then x * (noise a) + b.
Tensor alpha_dropout_impl(Tensor input, double p, bool train, bool feature, bool inplace) {
  XGRAD_CHECK(p >= 0 && p <= 1, "dropout probability has to be between 0 and 1, but got {}", p);
  if (p == 0 || !train || input.numel() == 0) return input;
  if (p == 1) return inplace ? input.mul_(zeros({}, input.scalar_type())) : input * zeros({}, input.scalar_type());
  Tensor noise;
  if (feature) {
    XGRAD_CHECK(input.dim() >= 2, "Feature dropout requires at least 2 dimensions in the input");
    DimVector sizes{input.size(0), input.size(1)};
    for (int64_t i = 2; i < input.dim(); ++i) sizes.push_back(1);
    noise = empty(sizes, input.scalar_type());
  } else {
    noise = empty(input.sizes(), input.scalar_type());
  }
  noise.bernoulli_(1 - p);
  constexpr double alpha = 1.7580993408473766;
  const double a = 1. / std::sqrt((alpha * alpha * p + 1) * (1 - p));
  Tensor b;
  {
    NoGradGuard no_grad;
    b = noise.add(-1).mul_(alpha * a).add_(alpha * a * p);
    noise.mul_(a);
  }
  if (inplace) return input.mul_(noise).add_(b);
  return (input * noise).add_(b);
}

}  // namespace

Tensor alpha_dropout(const Tensor& input, double p, bool train) { return alpha_dropout_impl(input, p, train, false, false); }
Tensor& alpha_dropout_(Tensor& input, double p, bool train) {
  alpha_dropout_impl(input, p, train, false, true);
  return input;
}
Tensor feature_alpha_dropout(const Tensor& input, double p, bool train) {
  return alpha_dropout_impl(input, p, train, true, false);
}
Tensor& feature_alpha_dropout_(Tensor& input, double p, bool train) {
  alpha_dropout_impl(input, p, train, true, true);
  return input;
}

namespace nn {

Tensor functional::detail::alpha_dropout(Tensor input, double p, bool training, bool inplace) {
  XGRAD_CHECK_T(ValueError, p >= 0 && p <= 1, "dropout probability has to be between 0 and 1, but got {}", p);
  if (inplace) return xgrad::alpha_dropout_(input, p, training);
  return xgrad::alpha_dropout(input, p, training);
}

Tensor functional::detail::feature_alpha_dropout(Tensor input, double p, bool training, bool inplace) {
  XGRAD_CHECK_T(ValueError, p >= 0 && p <= 1, "dropout probability has to be between 0 and 1, but got {}", p);
  if (inplace) return xgrad::feature_alpha_dropout_(input, p, training);
  return xgrad::feature_alpha_dropout(input, p, training);
}

Tensor functional::alpha_dropout(Tensor input, const AlphaDropoutFuncOptions& options) {
  return detail::alpha_dropout(std::move(input), options.p(), options.training(), options.inplace());
}

Tensor functional::feature_alpha_dropout(Tensor input, const FeatureAlphaDropoutFuncOptions& options) {
  return detail::feature_alpha_dropout(std::move(input), options.p(), options.training(), options.inplace());
}

AlphaDropoutImpl::AlphaDropoutImpl(const AlphaDropoutOptions& options_) : options(options_) { reset(); }
void AlphaDropoutImpl::reset() {
  XGRAD_CHECK_T(ValueError, options.p() >= 0 && options.p() <= 1, "dropout probability has to be between 0 and 1, but got {}",
              options.p());
}
void AlphaDropoutImpl::pretty_print(std::ostream& stream) const {
  stream << std::boolalpha << "torch::nn::AlphaDropout(p=" << options.p() << ", inplace=" << options.inplace() << ")";
}
Tensor AlphaDropoutImpl::forward(const Tensor& input) {
  return functional::detail::alpha_dropout(input, options.p(), is_training(), options.inplace());
}

FeatureAlphaDropoutImpl::FeatureAlphaDropoutImpl(const FeatureAlphaDropoutOptions& options_) : options(options_) {
  reset();
}
void FeatureAlphaDropoutImpl::reset() {
  XGRAD_CHECK_T(ValueError, options.p() >= 0 && options.p() <= 1, "dropout probability has to be between 0 and 1, but got {}",
              options.p());
}
void FeatureAlphaDropoutImpl::pretty_print(std::ostream& stream) const {
  stream << std::boolalpha << "torch::nn::FeatureAlphaDropout(p=" << options.p() << ", inplace=" << options.inplace()
         << ")";
}
Tensor FeatureAlphaDropoutImpl::forward(const Tensor& input) {
  return functional::detail::feature_alpha_dropout(input, options.p(), is_training(), options.inplace());
}

}  // namespace nn
}  // namespace xgrad
