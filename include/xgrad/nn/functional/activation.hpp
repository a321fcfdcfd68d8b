// functional/activation.hpp: torch::nn::functional's activations:
// F::log_softmax(x, F::LogSoftmaxFuncOptions(1)), F::softmax, F::relu, F::elu(x, F::ELUFuncOptions()
// .alpha(0.5)), F::gelu, F::prelu(x, weight), ...
// Read next: modules/activation.hpp.
#pragma once

#include "xgrad/nn/options/activation.hpp"

namespace xgrad::nn::functional {

Tensor softmax(const Tensor& input, const SoftmaxFuncOptions& options);
Tensor log_softmax(const Tensor& input, const LogSoftmaxFuncOptions& options);
Tensor logsigmoid(const Tensor& input);
Tensor relu(Tensor input, const ReLUFuncOptions& options = {});
Tensor sigmoid(const Tensor& input);
Tensor tanh(const Tensor& input);

// The others libtorch has (their maths is documented beside the ops, src/ops/activation_*.cpp).
// Those with an `inplace` option take the input by value, as libtorch's: in place, it is the
// tensor returned.
Tensor elu(Tensor input, const ELUFuncOptions& options = {});
Tensor selu(Tensor input, const SELUFuncOptions& options = {});
Tensor celu(Tensor input, const CELUFuncOptions& options = {});
Tensor gelu(const Tensor& input, const GELUFuncOptions& options = {});
Tensor silu(const Tensor& input);
Tensor mish(const Tensor& input);
Tensor hardtanh(Tensor input, const HardtanhFuncOptions& options = {});
Tensor relu6(Tensor input, const ReLU6FuncOptions& options = {});
Tensor leaky_relu(Tensor input, const LeakyReLUFuncOptions& options = {});
Tensor prelu(const Tensor& input, const Tensor& weight);
/// Random slopes in [lower, upper] for the negative inputs in training, their mean otherwise.
Tensor rrelu(Tensor input, const RReLUFuncOptions& options = {});
Tensor softplus(const Tensor& input, const SoftplusFuncOptions& options = {});
/// x / (1 + |x|), composed as Python composes it.
Tensor softsign(const Tensor& input);
Tensor softshrink(const Tensor& input, const SoftshrinkFuncOptions& options = {});
Tensor hardshrink(const Tensor& input, const HardshrinkFuncOptions& options = {});
/// x - tanh(x), composed as Python composes it.
Tensor tanhshrink(const Tensor& input);
Tensor threshold(Tensor input, const ThresholdFuncOptions& options);
Tensor glu(const Tensor& input, const GLUFuncOptions& options = {});
Tensor hardsigmoid(Tensor input, const HardsigmoidFuncOptions& options = {});
Tensor hardswish(Tensor input, const HardswishFuncOptions& options = {});
/// softmax(-x, dim), composed as Python composes it.
Tensor softmin(const Tensor& input, const SoftminFuncOptions& options);
/// softmax((logits + g) / tau, dim) with g ~ Gumbel(0, 1) drawn as -log(Exponential(1)) (PyTorch's
/// draws); hard: the one-hot of its argmax in forward, the soft sample's gradient in backward
/// (y_hard - y_soft.detach() + y_soft), composed as Python composes it.
Tensor gumbel_softmax(const Tensor& logits, const GumbelSoftmaxFuncOptions& options = {});

}  // namespace xgrad::nn::functional
