// modules/activation.cpp: the activation modules, printing as libtorch prints them.
#include "xgrad/nn/modules/activation.hpp"

#include "xgrad/ops/activation.hpp"

namespace xgrad::nn {

void SigmoidImpl::pretty_print(std::ostream& stream) const { stream << "torch::nn::Sigmoid()"; }
Tensor SigmoidImpl::forward(const Tensor& input) { return xgrad::sigmoid(input); }

void TanhImpl::pretty_print(std::ostream& stream) const { stream << "torch::nn::Tanh()"; }
Tensor TanhImpl::forward(const Tensor& input) { return xgrad::tanh(input); }

void LogSigmoidImpl::pretty_print(std::ostream& stream) const { stream << "torch::nn::LogSigmoid()"; }
Tensor LogSigmoidImpl::forward(const Tensor& input) { return xgrad::log_sigmoid(input); }

void ReLUImpl::pretty_print(std::ostream& stream) const {
  stream << "torch::nn::ReLU(" << (options.inplace() ? "inplace=true" : "") << ")";
}
Tensor ReLUImpl::forward(Tensor input) { return functional::relu(std::move(input), options); }

void SoftmaxImpl::pretty_print(std::ostream& stream) const { stream << "torch::nn::Softmax(dim=" << options.dim() << ")"; }
Tensor SoftmaxImpl::forward(const Tensor& input) { return xgrad::softmax(input, options.dim()); }

void LogSoftmaxImpl::pretty_print(std::ostream& stream) const {
  stream << "torch::nn::LogSoftmax(dim=" << options.dim() << ")";
}
Tensor LogSoftmaxImpl::forward(const Tensor& input) { return xgrad::log_softmax(input, options.dim()); }

}  // namespace xgrad::nn
