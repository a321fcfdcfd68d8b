// options/loss.hpp: the Options of the loss functions and modules, with libtorch's names and
// defaults (`CrossEntropyLossOptions().ignore_index(-100)`, reduction torch::kMean, ...). xgrad
// adds the legacy pair the documents describe, `.size_average(bool)` and `.reduce(bool)`: when
// either is set it overrides `reduction`, by PyTorch's rule (see effective_reduction).
// Read next: functional/loss.hpp.
#pragma once

#include <functional>
#include <optional>

#include "xgrad/core/tensor.hpp"
#include "xgrad/nn/options/arg.hpp"

namespace xgrad {

/// How a loss reduces its per-element values (libtorch: torch::kNone, kMean, kSum, kBatchMean).
enum class LossReduction { None, Mean, Sum, BatchMean };
constexpr LossReduction kNone = LossReduction::None;
constexpr LossReduction kMean = LossReduction::Mean;
constexpr LossReduction kSum = LossReduction::Sum;
constexpr LossReduction kBatchMean = LossReduction::BatchMean;

namespace nn {

/// The deprecated size_average / reduce flags (None when not given).
#define XGRAD_LEGACY_REDUCTION_ARGS                                                        \
 public:                                                                                   \
  auto size_average(bool v)->decltype(*this) {                                             \
    size_average_ = v;                                                                     \
    return *this;                                                                          \
  }                                                                                        \
  auto reduce(bool v)->decltype(*this) {                                                   \
    reduce_ = v;                                                                           \
    return *this;                                                                          \
  }                                                                                        \
  const std::optional<bool>& size_average() const noexcept { return size_average_; }       \
  const std::optional<bool>& reduce() const noexcept { return reduce_; }                   \
                                                                                           \
 private:                                                                                  \
  std::optional<bool> size_average_;                                                       \
  std::optional<bool> reduce_

struct L1LossOptions {
  using reduction_t = LossReduction;
  L1LossOptions(reduction_t reduction = kMean) : reduction_(reduction) {}  // NOLINT
  XGRAD_ARG(reduction_t, reduction);
  XGRAD_LEGACY_REDUCTION_ARGS;
};

struct MSELossOptions {
  using reduction_t = LossReduction;
  MSELossOptions(reduction_t reduction = kMean) : reduction_(reduction) {}  // NOLINT
  XGRAD_ARG(reduction_t, reduction);
  XGRAD_LEGACY_REDUCTION_ARGS;
};

struct KLDivLossOptions {
  using reduction_t = LossReduction;  // kNone, kBatchMean, kSum, kMean
  KLDivLossOptions(reduction_t reduction = kMean) : reduction_(reduction) {}  // NOLINT
  XGRAD_ARG(reduction_t, reduction);
  /// Whether the target is given as log-probabilities too.
  XGRAD_ARG(bool, log_target) = false;
  XGRAD_LEGACY_REDUCTION_ARGS;
};

struct BCELossOptions {
  using reduction_t = LossReduction;
  /// A weight per element, broadcast to the target's shape.
  XGRAD_ARG(Tensor, weight) = {};
  XGRAD_ARG(reduction_t, reduction) = kMean;
  XGRAD_LEGACY_REDUCTION_ARGS;
};

struct BCEWithLogitsLossOptions {
  using reduction_t = LossReduction;
  XGRAD_ARG(Tensor, weight) = {};
  XGRAD_ARG(reduction_t, reduction) = kMean;
  /// A weight for the positive examples, broadcast over the last dim (one per class).
  XGRAD_ARG(Tensor, pos_weight) = {};
  XGRAD_LEGACY_REDUCTION_ARGS;
};

struct NLLLossOptions {
  using reduction_t = LossReduction;
  /// A weight per class (length C).
  XGRAD_ARG(Tensor, weight) = {};
  /// A target value that is ignored: no loss, no gradient, and not counted by 'mean'.
  XGRAD_ARG(int64_t, ignore_index) = -100;
  XGRAD_ARG(reduction_t, reduction) = kMean;
  XGRAD_LEGACY_REDUCTION_ARGS;
};

struct CrossEntropyLossOptions {
  using reduction_t = LossReduction;
  XGRAD_ARG(Tensor, weight) = {};
  XGRAD_ARG(int64_t, ignore_index) = -100;
  XGRAD_ARG(reduction_t, reduction) = kMean;
  /// In [0, 1]: the target becomes (1 - s) * target + s / C.
  XGRAD_ARG(double, label_smoothing) = 0.0;
  XGRAD_LEGACY_REDUCTION_ARGS;
};

struct MultiLabelMarginLossOptions {
  using reduction_t = LossReduction;
  MultiLabelMarginLossOptions(reduction_t reduction = kMean) : reduction_(reduction) {}  // NOLINT
  XGRAD_ARG(reduction_t, reduction);
  XGRAD_LEGACY_REDUCTION_ARGS;
};

struct MultiLabelSoftMarginLossOptions {
  using reduction_t = LossReduction;
  /// A weight per class.
  XGRAD_ARG(Tensor, weight) = {};
  XGRAD_ARG(reduction_t, reduction) = kMean;
  XGRAD_LEGACY_REDUCTION_ARGS;
};

struct SmoothL1LossOptions {
  using reduction_t = LossReduction;
  SmoothL1LossOptions(reduction_t reduction = kMean) : reduction_(reduction) {}  // NOLINT
  XGRAD_ARG(reduction_t, reduction);
  /// Where the loss turns from quadratic to linear (0: the l1 loss).
  XGRAD_ARG(double, beta) = 1.0;
  XGRAD_LEGACY_REDUCTION_ARGS;
};

struct HuberLossOptions {
  using reduction_t = LossReduction;
  HuberLossOptions(reduction_t reduction = kMean) : reduction_(reduction) {}  // NOLINT
  XGRAD_ARG(reduction_t, reduction);
  /// Where the loss turns from quadratic to linear (> 0).
  XGRAD_ARG(double, delta) = 1.0;
  /// Python's huber_loss has no legacy flags; they are here only so the options are alike.
  XGRAD_LEGACY_REDUCTION_ARGS;
};

struct SoftMarginLossOptions {
  using reduction_t = LossReduction;
  SoftMarginLossOptions(reduction_t reduction = kMean) : reduction_(reduction) {}  // NOLINT
  XGRAD_ARG(reduction_t, reduction);
  XGRAD_LEGACY_REDUCTION_ARGS;
};

struct MarginRankingLossOptions {
  using reduction_t = LossReduction;
  XGRAD_ARG(double, margin) = 0;
  XGRAD_ARG(reduction_t, reduction) = kMean;
  XGRAD_LEGACY_REDUCTION_ARGS;
};

struct HingeEmbeddingLossOptions {
  using reduction_t = LossReduction;
  XGRAD_ARG(double, margin) = 1.0;
  XGRAD_ARG(reduction_t, reduction) = kMean;
  XGRAD_LEGACY_REDUCTION_ARGS;
};

struct CosineEmbeddingLossOptions {
  using reduction_t = LossReduction;
  XGRAD_ARG(double, margin) = 0.0;
  XGRAD_ARG(reduction_t, reduction) = kMean;
  XGRAD_LEGACY_REDUCTION_ARGS;
};

struct MultiMarginLossOptions {
  using reduction_t = LossReduction;
  /// 1 or 2: the power of each hinge.
  XGRAD_ARG(int64_t, p) = 1;
  XGRAD_ARG(double, margin) = 1.0;
  /// A weight per class (indexed by each sample's target).
  XGRAD_ARG(Tensor, weight) = {};
  XGRAD_ARG(reduction_t, reduction) = kMean;
  XGRAD_LEGACY_REDUCTION_ARGS;
};

struct TripletMarginLossOptions {
  using reduction_t = LossReduction;
  XGRAD_ARG(double, margin) = 1.0;
  /// The norm of pairwise_distance.
  XGRAD_ARG(double, p) = 2.0;
  /// Added to each difference before its norm.
  XGRAD_ARG(double, eps) = 1e-6;
  /// Use min(d(a, n), d(p, n)) as the negative distance.
  XGRAD_ARG(bool, swap) = false;
  XGRAD_ARG(reduction_t, reduction) = kMean;
  XGRAD_LEGACY_REDUCTION_ARGS;
};

struct TripletMarginWithDistanceLossOptions {
  using reduction_t = LossReduction;
  using distance_function_t = std::function<Tensor(const Tensor&, const Tensor&)>;
  /// Default (nullopt): pairwise_distance with p = 2, eps = 1e-6.
  XGRAD_ARG(std::optional<distance_function_t>, distance_function) = std::nullopt;
  XGRAD_ARG(double, margin) = 1.0;
  XGRAD_ARG(bool, swap) = false;
  XGRAD_ARG(reduction_t, reduction) = kMean;
};

struct CTCLossOptions {
  using reduction_t = LossReduction;
  /// The blank label.
  XGRAD_ARG(int64_t, blank) = 0;
  /// 'mean' divides each sample's loss by its target length before averaging.
  XGRAD_ARG(reduction_t, reduction) = kMean;
  /// Infinite losses (no alignment exists) and their gradients become 0.
  XGRAD_ARG(bool, zero_infinity) = false;
};

struct PoissonNLLLossOptions {
  using reduction_t = LossReduction;
  /// The input is log(rate) (else the rate itself).
  XGRAD_ARG(bool, log_input) = true;
  /// Add Stirling's approximation of log(y!) where y > 1.
  XGRAD_ARG(bool, full) = false;
  /// Keeps log(x + eps) finite when log_input is false.
  XGRAD_ARG(double, eps) = 1e-8;
  XGRAD_ARG(reduction_t, reduction) = kMean;
  XGRAD_LEGACY_REDUCTION_ARGS;
};

/// libtorch 1.13 has no GaussianNLLLoss; xgrad offers Python's (torch.nn.GaussianNLLLoss).
struct GaussianNLLLossOptions {
  using reduction_t = LossReduction;
  /// Add 0.5 log(2 pi).
  XGRAD_ARG(bool, full) = false;
  /// The variance is clamped at eps (the gradient passes as if it were not).
  XGRAD_ARG(double, eps) = 1e-6;
  XGRAD_ARG(reduction_t, reduction) = kMean;
};

/// The reduction a loss applies: `reduction`, unless size_average or reduce was given; then
/// PyTorch's legacy rule (an unset flag counts as true): reduce=false -> none, else
/// size_average=false -> sum, else mean.
template <class Options>
LossReduction effective_reduction(const Options& options) {
  if (!options.size_average() && !options.reduce()) return options.reduction();
  if (!options.reduce().value_or(true)) return kNone;
  return options.size_average().value_or(true) ? kMean : kSum;
}

namespace functional {
using L1LossFuncOptions = L1LossOptions;
using MSELossFuncOptions = MSELossOptions;
using KLDivFuncOptions = KLDivLossOptions;
using BinaryCrossEntropyFuncOptions = BCELossOptions;
using BinaryCrossEntropyWithLogitsFuncOptions = BCEWithLogitsLossOptions;
using NLLLossFuncOptions = NLLLossOptions;
using CrossEntropyFuncOptions = CrossEntropyLossOptions;
using MultilabelMarginLossFuncOptions = MultiLabelMarginLossOptions;
using MultilabelSoftMarginLossFuncOptions = MultiLabelSoftMarginLossOptions;
using SmoothL1LossFuncOptions = SmoothL1LossOptions;
using HuberLossFuncOptions = HuberLossOptions;
using SoftMarginLossFuncOptions = SoftMarginLossOptions;
using MarginRankingLossFuncOptions = MarginRankingLossOptions;
using HingeEmbeddingLossFuncOptions = HingeEmbeddingLossOptions;
using CosineEmbeddingLossFuncOptions = CosineEmbeddingLossOptions;
using MultiMarginLossFuncOptions = MultiMarginLossOptions;
using TripletMarginLossFuncOptions = TripletMarginLossOptions;
using TripletMarginWithDistanceLossFuncOptions = TripletMarginWithDistanceLossOptions;
using CTCLossFuncOptions = CTCLossOptions;
using PoissonNLLLossFuncOptions = PoissonNLLLossOptions;
using GaussianNLLLossFuncOptions = GaussianNLLLossOptions;
}  // namespace functional

}  // namespace nn
}  // namespace xgrad
