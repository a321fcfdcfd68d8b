// modules/dropout.hpp: nn::Dropout (PyTorch's draws, active only in training mode), nn::Flatten,
// nn::Identity, and F::dropout and F::one_hot. Read next: nn/serialize.hpp.
#pragma once

#include "xgrad/nn/module.hpp"
#include "xgrad/nn/options/arg.hpp"

namespace xgrad::nn {

struct DropoutOptions {
  DropoutOptions(double p = 0.5) : p_(p) {}  // NOLINT
  XGRAD_ARG(double, p);
  XGRAD_ARG(bool, inplace) = false;
};

struct FlattenOptions {
  XGRAD_ARG(int64_t, start_dim) = 1;
  XGRAD_ARG(int64_t, end_dim) = -1;
};

namespace functional {
struct DropoutFuncOptions {
  XGRAD_ARG(double, p) = 0.5;
  XGRAD_ARG(bool, training) = true;
  XGRAD_ARG(bool, inplace) = false;
};
/// Zeroes each element with probability p and scales the rest by 1/(1-p), when training.
Tensor dropout(Tensor input, const DropoutFuncOptions& options = {});
/// (..., num_classes) of 0 and 1, int64; num_classes = -1 means max(tensor) + 1.
Tensor one_hot(const Tensor& tensor, int64_t num_classes = -1);
}  // namespace functional

class DropoutImpl : public Cloneable<DropoutImpl> {
 public:
  explicit DropoutImpl(const DropoutOptions& options_ = {});
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(Tensor input);
  DropoutOptions options;
};
TORCH_MODULE(Dropout);

class FlattenImpl : public Cloneable<FlattenImpl> {
 public:
  explicit FlattenImpl(const FlattenOptions& options_ = {}) : options(options_) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  FlattenOptions options;
};
TORCH_MODULE(Flatten);

class IdentityImpl : public Cloneable<IdentityImpl> {
 public:
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input) { return input; }
};
TORCH_MODULE(Identity);

}  // namespace xgrad::nn

namespace xgrad {
/// torch::one_hot.
inline Tensor one_hot(const Tensor& tensor, int64_t num_classes = -1) { return nn::functional::one_hot(tensor, num_classes); }
}  // namespace xgrad
