// modules/activation.cpp: the activation modules with options (ReLU, Softmax, ELU, PReLU, ...),
// printing as libtorch prints them; those without options are defined in the header.
// Read next: linear.cpp.
#include "xgrad/nn/modules/activation.hpp"

#include "xgrad/core/factory.hpp"
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

namespace {
/// libtorch's ", inplace=true" (or "inplace=true" as the first option), printed only when set.
void print_inplace(std::ostream& stream, bool inplace, bool first = false) {
  if (inplace) stream << (first ? "" : ", ") << "inplace=true";
}
}  // namespace

void ELUImpl::pretty_print(std::ostream& stream) const {
  stream << "torch::nn::ELU(alpha=" << options.alpha();
  print_inplace(stream, options.inplace());
  stream << ")";
}
Tensor ELUImpl::forward(Tensor input) { return functional::elu(std::move(input), options); }

void SELUImpl::pretty_print(std::ostream& stream) const {
  stream << "torch::nn::SELU(";
  print_inplace(stream, options.inplace(), true);
  stream << ")";
}
Tensor SELUImpl::forward(Tensor input) { return functional::selu(std::move(input), options); }

void CELUImpl::pretty_print(std::ostream& stream) const {
  stream << "torch::nn::CELU(alpha=" << options.alpha();
  print_inplace(stream, options.inplace());
  stream << ")";
}
Tensor CELUImpl::forward(Tensor input) { return functional::celu(std::move(input), options); }

void GLUImpl::pretty_print(std::ostream& stream) const { stream << "torch::nn::GLU(dim=" << options.dim() << ")"; }
Tensor GLUImpl::forward(const Tensor& input) { return functional::glu(input, options); }

// libtorch prints GELU without its approximation.
void GELUImpl::pretty_print(std::ostream& stream) const { stream << "torch::nn::GELU()"; }
Tensor GELUImpl::forward(const Tensor& input) { return functional::gelu(input, options); }

void HardshrinkImpl::pretty_print(std::ostream& stream) const {
  stream << "torch::nn::Hardshrink(" << options.lambda() << ")";
}
Tensor HardshrinkImpl::forward(const Tensor& input) { return functional::hardshrink(input, options); }

void SoftshrinkImpl::pretty_print(std::ostream& stream) const {
  stream << "torch::nn::Softshrink(" << options.lambda() << ")";
}
Tensor SoftshrinkImpl::forward(const Tensor& input) { return functional::softshrink(input, options); }

void LeakyReLUImpl::pretty_print(std::ostream& stream) const {
  stream << "torch::nn::LeakyReLU(negative_slope=" << options.negative_slope();
  print_inplace(stream, options.inplace());
  stream << ")";
}
Tensor LeakyReLUImpl::forward(Tensor input) { return functional::leaky_relu(std::move(input), options); }

void ReLU6Impl::pretty_print(std::ostream& stream) const {
  stream << "torch::nn::ReLU6(";
  print_inplace(stream, options.inplace(), true);
  stream << ")";
}
Tensor ReLU6Impl::forward(Tensor input) { return functional::relu6(std::move(input), options); }

void SoftplusImpl::pretty_print(std::ostream& stream) const {
  stream << "torch::nn::Softplus(beta=" << options.beta() << ", threshold=" << options.threshold() << ")";
}
Tensor SoftplusImpl::forward(const Tensor& input) { return functional::softplus(input, options); }

void HardsigmoidImpl::pretty_print(std::ostream& stream) const {
  stream << "torch::nn::Hardsigmoid(";
  print_inplace(stream, options.inplace(), true);
  stream << ")";
}
Tensor HardsigmoidImpl::forward(Tensor input) { return functional::hardsigmoid(std::move(input), options); }

void HardswishImpl::pretty_print(std::ostream& stream) const {
  stream << "torch::nn::Hardswish(";
  print_inplace(stream, options.inplace(), true);
  stream << ")";
}
Tensor HardswishImpl::forward(Tensor input) { return functional::hardswish(std::move(input), options); }

HardtanhImpl::HardtanhImpl(const HardtanhOptions& options_) : options(options_) { reset(); }
void HardtanhImpl::reset() {
  XGRAD_CHECK(options.max_val() > options.min_val(), "max_val must be greater than min_val");
}
void HardtanhImpl::pretty_print(std::ostream& stream) const {
  stream << "torch::nn::Hardtanh(min_val=" << options.min_val() << ", max_val=" << options.max_val();
  print_inplace(stream, options.inplace());
  stream << ")";
}
Tensor HardtanhImpl::forward(Tensor input) { return functional::hardtanh(std::move(input), options); }

void RReLUImpl::pretty_print(std::ostream& stream) const {
  stream << "torch::nn::RReLU(lower=" << options.lower() << ", upper=" << options.upper();
  print_inplace(stream, options.inplace());
  stream << ")";
}
Tensor RReLUImpl::forward(Tensor input) {
  return functional::rrelu(std::move(input), functional::RReLUFuncOptions()
                                                 .lower(options.lower())
                                                 .upper(options.upper())
                                                 .inplace(options.inplace())
                                                 .training(is_training()));
}

void ThresholdImpl::pretty_print(std::ostream& stream) const {
  stream << "torch::nn::Threshold(threshold=" << options.threshold() << ", value=" << options.value();
  print_inplace(stream, options.inplace());
  stream << ")";
}
Tensor ThresholdImpl::forward(Tensor input) { return functional::threshold(std::move(input), options); }

void SoftminImpl::pretty_print(std::ostream& stream) const { stream << "torch::nn::Softmin(dim=" << options.dim() << ")"; }
Tensor SoftminImpl::forward(const Tensor& input) { return functional::softmin(input, options.dim()); }

void Softmax2dImpl::pretty_print(std::ostream& stream) const { stream << "torch::nn::Softmax2d()"; }
Tensor Softmax2dImpl::forward(const Tensor& input) {
  XGRAD_CHECK(input.dim() == 4 || input.dim() == 3, "Softmax2d requires a 3D or 4D tensor as input");
  return xgrad::softmax(input, -3);
}

PReLUImpl::PReLUImpl(const PReLUOptions& options_) : options(options_) { reset(); }
void PReLUImpl::reset() { weight = register_parameter("weight", full({options.num_parameters()}, options.init())); }
void PReLUImpl::pretty_print(std::ostream& stream) const {
  stream << "torch::nn::PReLU(num_parameters=" << options.num_parameters() << ")";
}
Tensor PReLUImpl::forward(const Tensor& input) { return functional::prelu(input, weight); }

}  // namespace xgrad::nn
