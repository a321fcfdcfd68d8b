// functional/activation.cpp: the F:: activations, forwarding to the ops.
#include "xgrad/nn/functional/activation.hpp"

#include "xgrad/ops/activation.hpp"

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

}  // namespace xgrad::nn::functional
