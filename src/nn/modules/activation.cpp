// modules/activation.cpp: the activation modules with options (ReLU, Softmax, LogSoftmax), printing
// as libtorch prints them; those without options are defined in the header. Read next: linear.cpp.
#include "xgrad/nn/modules/activation.hpp"

#include "xgrad/ops/activation.hpp"

namespace xgrad::nn {

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
