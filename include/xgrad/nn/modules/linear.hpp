// modules/linear.hpp: nn::Linear, y = x W^T + b, initialised as PyTorch initialises it (so after
// torch::manual_seed(s) the weights are PyTorch's, bit for bit), and F::linear; nn::Bilinear,
// y = x1^T A x2 + b, and F::bilinear (the op is in ops/distance.hpp).
// Read next: modules/container.hpp.
#pragma once

#include "xgrad/nn/module.hpp"
#include "xgrad/nn/options/linear.hpp"

namespace xgrad::nn {

namespace functional {
/// x W^T + b: one addmm (AddmmBackward0) for a 2-d input with a bias, as PyTorch's at::linear.
Tensor linear(const Tensor& input, const Tensor& weight, const Tensor& bias = {});
/// y[..., o] = sum_ij x1[..., i] A[o, i, j] x2[..., j] + b[o] (torch::bilinear).
Tensor bilinear(const Tensor& input1, const Tensor& input2, const Tensor& weight, const Tensor& bias = {});
}  // namespace functional

class LinearImpl : public Cloneable<LinearImpl> {
 public:
  LinearImpl(int64_t in_features, int64_t out_features) : LinearImpl(LinearOptions(in_features, out_features)) {}
  explicit LinearImpl(const LinearOptions& options_);
  /// Creates weight (out_features x in_features) and bias, and initialises them.
  void reset() override;
  /// kaiming_uniform_(weight, a = sqrt(5)), then bias ~ U(-1/sqrt(in), 1/sqrt(in)).
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);

  LinearOptions options;
  Tensor weight;
  Tensor bias;
};
TORCH_MODULE(Linear);

class BilinearImpl : public Cloneable<BilinearImpl> {
 public:
  BilinearImpl(int64_t in1_features, int64_t in2_features, int64_t out_features)
      : BilinearImpl(BilinearOptions(in1_features, in2_features, out_features)) {}
  explicit BilinearImpl(const BilinearOptions& options_);
  /// Creates weight (out x in1 x in2) and bias (out), and initialises them.
  void reset() override;
  /// weight and bias ~ U(-1/sqrt(in1), 1/sqrt(in1)), weight drawn first (PyTorch's order).
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input1, const Tensor& input2);

  BilinearOptions options;
  Tensor weight;
  Tensor bias;
};
TORCH_MODULE(Bilinear);

}  // namespace xgrad::nn
