// modules/padding.hpp: the padding layers, each F::pad with a fixed mode, as libtorch has them:
// nn::ReflectionPad{1,2,3}d, nn::ReplicationPad{1,2,3}d, nn::ZeroPad2d and nn::ConstantPad{1,2,3}d.
// The padding list runs from the last dim backwards ({left, right, top, bottom, front, back}).
// Read next: src/ops/padding.cpp (the ops and their gradients).
#pragma once

#include "xgrad/nn/functional/padding.hpp"
#include "xgrad/nn/module.hpp"
#include "xgrad/nn/options/padding.hpp"

namespace xgrad::nn {

/// F::pad(input, padding, mode) for a layer whose mode is fixed; Name prints as libtorch prints it.
template <size_t D, class Derived>
class ReflectionPadImpl : public Cloneable<Derived> {
 public:
  ReflectionPadImpl(ExpandingArray<D * 2> padding) : ReflectionPadImpl(ReflectionPadOptions<D>(padding)) {}  // NOLINT
  explicit ReflectionPadImpl(const ReflectionPadOptions<D>& options_) : options(options_) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override {
    stream << "torch::nn::ReflectionPad" << D << "d(padding=" << options.padding() << ")";
  }
  Tensor forward(const Tensor& input) {
    const auto& p = *options.padding();
    return functional::pad(input, functional::PadFuncOptions(std::vector<int64_t>(p.begin(), p.end())).mode(kReflect));
  }
  ReflectionPadOptions<D> options;
};

class ReflectionPad1dImpl : public ReflectionPadImpl<1, ReflectionPad1dImpl> {
 public:
  using ReflectionPadImpl<1, ReflectionPad1dImpl>::ReflectionPadImpl;
};
class ReflectionPad2dImpl : public ReflectionPadImpl<2, ReflectionPad2dImpl> {
 public:
  using ReflectionPadImpl<2, ReflectionPad2dImpl>::ReflectionPadImpl;
};
class ReflectionPad3dImpl : public ReflectionPadImpl<3, ReflectionPad3dImpl> {
 public:
  using ReflectionPadImpl<3, ReflectionPad3dImpl>::ReflectionPadImpl;
};
TORCH_MODULE(ReflectionPad1d);
TORCH_MODULE(ReflectionPad2d);
TORCH_MODULE(ReflectionPad3d);

template <size_t D, class Derived>
class ReplicationPadImpl : public Cloneable<Derived> {
 public:
  ReplicationPadImpl(ExpandingArray<D * 2> padding) : ReplicationPadImpl(ReplicationPadOptions<D>(padding)) {}  // NOLINT
  explicit ReplicationPadImpl(const ReplicationPadOptions<D>& options_) : options(options_) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override {
    stream << "torch::nn::ReplicationPad" << D << "d(padding=" << options.padding() << ")";
  }
  Tensor forward(const Tensor& input) {
    const auto& p = *options.padding();
    return functional::pad(input,
                           functional::PadFuncOptions(std::vector<int64_t>(p.begin(), p.end())).mode(kReplicate));
  }
  ReplicationPadOptions<D> options;
};

class ReplicationPad1dImpl : public ReplicationPadImpl<1, ReplicationPad1dImpl> {
 public:
  using ReplicationPadImpl<1, ReplicationPad1dImpl>::ReplicationPadImpl;
};
class ReplicationPad2dImpl : public ReplicationPadImpl<2, ReplicationPad2dImpl> {
 public:
  using ReplicationPadImpl<2, ReplicationPad2dImpl>::ReplicationPadImpl;
};
class ReplicationPad3dImpl : public ReplicationPadImpl<3, ReplicationPad3dImpl> {
 public:
  using ReplicationPadImpl<3, ReplicationPad3dImpl>::ReplicationPadImpl;
};
TORCH_MODULE(ReplicationPad1d);
TORCH_MODULE(ReplicationPad2d);
TORCH_MODULE(ReplicationPad3d);

class ZeroPad2dImpl : public Cloneable<ZeroPad2dImpl> {
 public:
  ZeroPad2dImpl(ExpandingArray<4> padding) : ZeroPad2dImpl(ZeroPad2dOptions(padding)) {}  // NOLINT
  explicit ZeroPad2dImpl(const ZeroPad2dOptions& options_) : options(options_) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override {
    stream << "torch::nn::ZeroPad2d(padding=" << options.padding() << ")";
  }
  Tensor forward(const Tensor& input) {
    const auto& p = *options.padding();
    return functional::pad(input, functional::PadFuncOptions(std::vector<int64_t>(p.begin(), p.end())));
  }
  ZeroPad2dOptions options;
};
TORCH_MODULE(ZeroPad2d);

template <size_t D, class Derived>
class ConstantPadImpl : public Cloneable<Derived> {
 public:
  ConstantPadImpl(ExpandingArray<D * 2> padding, double value) : ConstantPadImpl(ConstantPadOptions<D>(padding, value)) {}
  explicit ConstantPadImpl(const ConstantPadOptions<D>& options_) : options(options_) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override {
    stream << "torch::nn::ConstantPad" << D << "d(padding=" << options.padding() << ", value=" << options.value()
           << ")";
  }
  Tensor forward(const Tensor& input) {
    const auto& p = *options.padding();
    return functional::pad(
        input, functional::PadFuncOptions(std::vector<int64_t>(p.begin(), p.end())).mode(kConstant).value(options.value()));
  }
  ConstantPadOptions<D> options;
};

class ConstantPad1dImpl : public ConstantPadImpl<1, ConstantPad1dImpl> {
 public:
  using ConstantPadImpl<1, ConstantPad1dImpl>::ConstantPadImpl;
};
class ConstantPad2dImpl : public ConstantPadImpl<2, ConstantPad2dImpl> {
 public:
  using ConstantPadImpl<2, ConstantPad2dImpl>::ConstantPadImpl;
};
class ConstantPad3dImpl : public ConstantPadImpl<3, ConstantPad3dImpl> {
 public:
  using ConstantPadImpl<3, ConstantPad3dImpl>::ConstantPadImpl;
};
TORCH_MODULE(ConstantPad1d);
TORCH_MODULE(ConstantPad2d);
TORCH_MODULE(ConstantPad3d);

}  // namespace xgrad::nn
