// functional/activation.hpp: torch::nn::functional's activations:
// F::log_softmax(x, F::LogSoftmaxFuncOptions(1)), F::softmax, F::logsigmoid, F::relu.
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

}  // namespace xgrad::nn::functional
