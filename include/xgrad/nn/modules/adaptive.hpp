// modules/adaptive.hpp: nn::AdaptiveLogSoftmaxWithLoss (Grave et al., "Efficient softmax
// approximation for GPUs"): a head over the shortlist of frequent classes plus one entry per
// cluster, and per cluster a low-rank projection (Sequential of two bias-free Linears) over its
// classes. forward gives each target's log-probability and the mean loss (ASMoutput); log_prob the
// full (N, n_classes) distribution; predict its argmax. Read next: src/nn/modules/adaptive.cpp.
#pragma once

#include <cstdint>
#include <vector>

#include "xgrad/nn/module.hpp"
#include "xgrad/nn/modules/container.hpp"
#include "xgrad/nn/modules/linear.hpp"
#include "xgrad/nn/options/adaptive.hpp"

namespace xgrad::nn {

/// What AdaptiveLogSoftmaxWithLoss::forward returns: each target's log-probability (output, with a
/// graph) and the mean negative log-likelihood as a number (libtorch's loss is a double).
struct ASMoutput {
  ASMoutput(Tensor output_, double loss_) : output(std::move(output_)), loss(loss_) {}
  Tensor output;
  double loss;
};

class AdaptiveLogSoftmaxWithLossImpl : public Cloneable<AdaptiveLogSoftmaxWithLossImpl> {
 public:
  AdaptiveLogSoftmaxWithLossImpl(int64_t in_features, int64_t n_classes, std::vector<int64_t> cutoffs)
      : AdaptiveLogSoftmaxWithLossImpl(AdaptiveLogSoftmaxWithLossOptions(in_features, n_classes, std::move(cutoffs))) {}
  explicit AdaptiveLogSoftmaxWithLossImpl(AdaptiveLogSoftmaxWithLossOptions options_);

  /// input (N, in_features) with target (N), or (in_features) with a 0-d target:
  /// output[n] = log p(target[n] | input[n]), loss = mean(-output).
  ASMoutput forward(const Tensor& input, const Tensor& target);
  /// Checks the cutoffs, then creates head and tail and initialises them (head first, then each
  /// cluster's two Linears in order, as PyTorch draws them).
  void reset() override;
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;
  /// The full log-distribution (N, n_classes) from the input and head(input).
  Tensor _get_full_log_prob(const Tensor& input, const Tensor& head_output);
  /// log p(c | input) for every class c: (N, n_classes).
  Tensor log_prob(const Tensor& input);
  /// The most likely class of each row (log_prob(input).argmax(1), computed only where needed).
  Tensor predict(const Tensor& input);

  AdaptiveLogSoftmaxWithLossOptions options;
  /// options.cutoffs() followed by n_classes.
  std::vector<int64_t> cutoffs;
  int64_t shortlist_size = 0;
  int64_t n_clusters = 0;
  int64_t head_size = 0;
  Linear head = nullptr;
  ModuleList tail;
};
TORCH_MODULE(AdaptiveLogSoftmaxWithLoss);

}  // namespace xgrad::nn
