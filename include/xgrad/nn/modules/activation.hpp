// modules/activation.hpp: activation modules: Sigmoid, Tanh, ReLU, LogSigmoid, Softmax(dim),
// LogSoftmax(dim), ELU, GELU, PReLU (with its learnt weight), ... every one libtorch has, and
// Python's Hardsigmoid and Hardswish. A module without options is one line
// (XGRAD_FUNCTION_MODULE); those with options are declared by XGRAD_OPTIONS_MODULE and written out
// in src/nn/modules/activation.cpp, printing as libtorch prints them. Read next: modules/linear.hpp.
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
XGRAD_FUNCTION_MODULE(SiLU, functional::silu);
XGRAD_FUNCTION_MODULE(Mish, functional::mish);
XGRAD_FUNCTION_MODULE(Softsign, functional::softsign);
XGRAD_FUNCTION_MODULE(Tanhshrink, functional::tanhshrink);

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

/// A module whose forward is one functional with its options: NameImpl(options), `options`,
/// forward(input) (Input: `Tensor` for the modules that may work in place, as libtorch's), and
/// libtorch's printing (written in activation.cpp).
#define XGRAD_OPTIONS_MODULE(Name, Options, Input)                               \
  class Name##Impl : public Cloneable<Name##Impl> {                              \
   public:                                                                       \
    explicit Name##Impl(const Options& options_ = {}) : options(options_) {}     \
    void reset() override {}                                                     \
    void pretty_print(std::ostream& stream) const override;                      \
    Tensor forward(Input input);                                                 \
    Options options;                                                             \
  };                                                                             \
  TORCH_MODULE(Name)

XGRAD_OPTIONS_MODULE(ELU, ELUOptions, Tensor);
XGRAD_OPTIONS_MODULE(SELU, SELUOptions, Tensor);
XGRAD_OPTIONS_MODULE(CELU, CELUOptions, Tensor);
XGRAD_OPTIONS_MODULE(GLU, GLUOptions, const Tensor&);
XGRAD_OPTIONS_MODULE(GELU, GELUOptions, const Tensor&);
XGRAD_OPTIONS_MODULE(Hardshrink, HardshrinkOptions, const Tensor&);
XGRAD_OPTIONS_MODULE(Softshrink, SoftshrinkOptions, const Tensor&);
XGRAD_OPTIONS_MODULE(LeakyReLU, LeakyReLUOptions, Tensor);
XGRAD_OPTIONS_MODULE(ReLU6, ReLU6Options, Tensor);
XGRAD_OPTIONS_MODULE(Softplus, SoftplusOptions, const Tensor&);
XGRAD_OPTIONS_MODULE(Hardsigmoid, HardsigmoidOptions, Tensor);
XGRAD_OPTIONS_MODULE(Hardswish, HardswishOptions, Tensor);
#undef XGRAD_OPTIONS_MODULE

/// max_val must exceed min_val (checked on construction, as libtorch's reset() does).
class HardtanhImpl : public Cloneable<HardtanhImpl> {
 public:
  explicit HardtanhImpl(const HardtanhOptions& options_ = {});
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(Tensor input);
  HardtanhOptions options;
};
TORCH_MODULE(Hardtanh);

/// Random negative slopes while training (is_training()), their mean in eval mode.
class RReLUImpl : public Cloneable<RReLUImpl> {
 public:
  explicit RReLUImpl(const RReLUOptions& options_ = {}) : options(options_) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(Tensor input);
  RReLUOptions options;
};
TORCH_MODULE(RReLU);

class ThresholdImpl : public Cloneable<ThresholdImpl> {
 public:
  ThresholdImpl(double threshold, double value) : ThresholdImpl(ThresholdOptions(threshold, value)) {}
  explicit ThresholdImpl(const ThresholdOptions& options_) : options(options_) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(Tensor input);
  ThresholdOptions options;
};
TORCH_MODULE(Threshold);

class SoftminImpl : public Cloneable<SoftminImpl> {
 public:
  explicit SoftminImpl(int64_t dim) : options(dim) {}
  explicit SoftminImpl(const SoftminOptions& options_) : options(options_) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  SoftminOptions options;
};
TORCH_MODULE(Softmin);

/// softmax over the channels (dim -3) of a (C, H, W) or (N, C, H, W) input.
class Softmax2dImpl : public Cloneable<Softmax2dImpl> {
 public:
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
};
TORCH_MODULE(Softmax2d);

/// A learnt negative slope: `weight` holds num_parameters slopes (1, or one per channel), all
/// `init` at first.
class PReLUImpl : public Cloneable<PReLUImpl> {
 public:
  explicit PReLUImpl(const PReLUOptions& options_ = {});
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  PReLUOptions options;
  Tensor weight;
};
TORCH_MODULE(PReLU);

}  // namespace xgrad::nn
