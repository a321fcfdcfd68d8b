// modules/activation.hpp: activation modules: Sigmoid, Tanh, ReLU, LogSigmoid, Softmax(dim),
// LogSoftmax(dim). A module without options is one line (XGRAD_FUNCTION_MODULE); those with
// options are written out. Read next: modules/linear.hpp.
#pragma once

#include "xgrad/nn/functional/activation.hpp"
#include "xgrad/nn/module.hpp"

/// A module with no options whose forward is one functional: NameImpl with libtorch's printing
/// (`torch::nn::Sigmoid()`), and the holder Name.
#define XGRAD_FUNCTION_MODULE(Name, function)                                                        \
  class Name##Impl : public Cloneable<Name##Impl> {                                                 \
   public:                                                                                          \
    void reset() override {}                                                                        \
    void pretty_print(std::ostream& stream) const override { stream << "torch::nn::" #Name "()"; } \
    Tensor forward(const Tensor& input) { return function(input); }                                \
  };                                                                                                \
  TORCH_MODULE(Name)

namespace xgrad::nn {

XGRAD_FUNCTION_MODULE(Sigmoid, functional::sigmoid);
XGRAD_FUNCTION_MODULE(Tanh, functional::tanh);
XGRAD_FUNCTION_MODULE(LogSigmoid, functional::logsigmoid);

class ReLUImpl : public Cloneable<ReLUImpl> {
 public:
  explicit ReLUImpl(const ReLUOptions& options_ = {}) : options(options_) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(Tensor input);
  ReLUOptions options;
};
TORCH_MODULE(ReLU);

class SoftmaxImpl : public Cloneable<SoftmaxImpl> {
 public:
  explicit SoftmaxImpl(int64_t dim) : options(dim) {}
  explicit SoftmaxImpl(const SoftmaxOptions& options_) : options(options_) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  SoftmaxOptions options;
};
TORCH_MODULE(Softmax);

class LogSoftmaxImpl : public Cloneable<LogSoftmaxImpl> {
 public:
  explicit LogSoftmaxImpl(int64_t dim) : options(dim) {}
  explicit LogSoftmaxImpl(const LogSoftmaxOptions& options_) : options(options_) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  LogSoftmaxOptions options;
};
TORCH_MODULE(LogSoftmax);

}  // namespace xgrad::nn
