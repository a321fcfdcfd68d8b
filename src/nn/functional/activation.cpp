// functional/activation.cpp: the F:: activations, forwarding to the ops, and the few Python
// composes itself (softsign, tanhshrink, softmin, gumbel_softmax).
#include "xgrad/nn/functional/activation.hpp"

#include "xgrad/core/factory.hpp"
#include "xgrad/ops/activation.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/indexing.hpp"

namespace xgrad::nn::functional {

Tensor softmax(const Tensor& input, const SoftmaxFuncOptions& options) {
  return xgrad::softmax(input, options.dim(), options.dtype());
}
Tensor log_softmax(const Tensor& input, const LogSoftmaxFuncOptions& options) {
  return xgrad::log_softmax(input, options.dim(), options.dtype());
}
Tensor logsigmoid(const Tensor& input) { return xgrad::log_sigmoid(input); }
Tensor relu(Tensor input, const ReLUFuncOptions& options) {
  return options.inplace() ? input.relu_() : xgrad::relu(input);
}
Tensor sigmoid(const Tensor& input) { return xgrad::sigmoid(input); }
Tensor tanh(const Tensor& input) { return xgrad::tanh(input); }

Tensor elu(Tensor input, const ELUFuncOptions& options) {
  return options.inplace() ? xgrad::elu_(input, options.alpha()) : xgrad::elu(input, options.alpha());
}
Tensor selu(Tensor input, const SELUFuncOptions& options) {
  return options.inplace() ? xgrad::selu_(input) : xgrad::selu(input);
}
Tensor celu(Tensor input, const CELUFuncOptions& options) {
  return options.inplace() ? xgrad::celu_(input, options.alpha()) : xgrad::celu(input, options.alpha());
}
Tensor gelu(const Tensor& input, const GELUFuncOptions& options) { return xgrad::gelu(input, options.approximate()); }
Tensor silu(const Tensor& input) { return xgrad::silu(input); }
Tensor mish(const Tensor& input) { return xgrad::mish(input); }
Tensor hardtanh(Tensor input, const HardtanhFuncOptions& options) {
  return options.inplace() ? xgrad::hardtanh_(input, options.min_val(), options.max_val())
                           : xgrad::hardtanh(input, options.min_val(), options.max_val());
}
Tensor relu6(Tensor input, const ReLU6FuncOptions& options) {
  return options.inplace() ? xgrad::relu6_(input) : xgrad::relu6(input);
}
Tensor leaky_relu(Tensor input, const LeakyReLUFuncOptions& options) {
  return options.inplace() ? xgrad::leaky_relu_(input, options.negative_slope())
                           : xgrad::leaky_relu(input, options.negative_slope());
}
Tensor prelu(const Tensor& input, const Tensor& weight) { return xgrad::prelu(input, weight); }
Tensor rrelu(Tensor input, const RReLUFuncOptions& options) {
  return options.inplace() ? xgrad::rrelu_(input, options.lower(), options.upper(), options.training())
                           : xgrad::rrelu(input, options.lower(), options.upper(), options.training());
}
Tensor softplus(const Tensor& input, const SoftplusFuncOptions& options) {
  return xgrad::softplus(input, options.beta(), options.threshold());
}
Tensor softsign(const Tensor& input) { return input / (input.abs() + 1); }
Tensor softshrink(const Tensor& input, const SoftshrinkFuncOptions& options) {
  return xgrad::softshrink(input, options.lambda());
}
Tensor hardshrink(const Tensor& input, const HardshrinkFuncOptions& options) {
  return xgrad::hardshrink(input, options.lambda());
}
Tensor tanhshrink(const Tensor& input) { return input - input.tanh(); }
Tensor threshold(Tensor input, const ThresholdFuncOptions& options) {
  return options.inplace() ? xgrad::threshold_(input, options.threshold(), options.value())
                           : xgrad::threshold(input, options.threshold(), options.value());
}
Tensor glu(const Tensor& input, const GLUFuncOptions& options) { return xgrad::glu(input, options.dim()); }
Tensor hardsigmoid(Tensor input, const HardsigmoidFuncOptions& options) {
  return options.inplace() ? xgrad::hardsigmoid_(input) : xgrad::hardsigmoid(input);
}
Tensor hardswish(Tensor input, const HardswishFuncOptions& options) {
  return options.inplace() ? xgrad::hardswish_(input) : xgrad::hardswish(input);
}
Tensor softmin(const Tensor& input, const SoftminFuncOptions& options) {
  return xgrad::softmax(-input, options.dim(), options.dtype());
}

/// Python's F.gumbel_softmax: gumbels = -empty_like(logits).exponential_().log(), one draw per
/// element in order; (logits + gumbels) / tau; softmax over dim; hard: the argmax one-hot
/// (scatter of 1 into zeros) minus the detached soft sample plus the soft sample (AddBackward0).
Tensor gumbel_softmax(const Tensor& logits, const GumbelSoftmaxFuncOptions& options) {
  Tensor gumbels = -empty_like(logits).exponential_().log();  // ~Gumbel(0, 1)
  gumbels = (logits + gumbels) / options.tau();               // ~Gumbel(logits, tau)
  Tensor y_soft = gumbels.softmax(options.dim());
  if (!options.hard()) return y_soft;
  // Straight through. scatter_add of ones equals scatter_(dim, index, 1.0): one index per slice.
  Tensor index = std::get<1>(y_soft.max(options.dim(), /*keepdim=*/true));
  Tensor y_hard = zeros_like(logits).scatter_add(options.dim(), index, ones_like(index, logits.options()));
  return y_hard - y_soft.detach() + y_soft;
}

}  // namespace xgrad::nn::functional
