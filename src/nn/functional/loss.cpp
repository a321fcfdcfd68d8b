// functional/loss.cpp: what torch/nn/functional.py does before calling the loss ops: the
// legacy size_average/reduce rule, shape checks and their messages, broadcasting with a warning,
// and the losses Python composes itself (kl_div's batchmean, multilabel_soft_margin_loss).
#include "xgrad/nn/functional/loss.hpp"

#include "xgrad/core/format.hpp"
#include "xgrad/core/warning.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/ops/activation.hpp"
#include "xgrad/ops/distance.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/loss.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad::nn::functional {

namespace {

/// The ATen reduction code; 'batchmean' exists only for kl_div.
int64_t to_aten(LossReduction r, const char* message = "batchmean is not a valid value for reduction") {
  switch (r) {
    case kNone: return Reduction::None;
    case kMean: return Reduction::Mean;
    case kSum: return Reduction::Sum;
    case kBatchMean: break;
  }
  throw ValueError(message);
}

/// l1_loss and mse_loss broadcast a differently shaped target, with Python's warning.
std::vector<Tensor> broadcast_with_warning(const Tensor& input, const Tensor& target) {
  if (!target.sizes().equals(input.sizes()))
    warn(fmt::format("Using a target size ({}) that is different to the input size ({}). This will likely lead to "
                     "incorrect results due to broadcasting. Please ensure they have the same size.",
                     format_torch_size(target.sizes()), format_torch_size(input.sizes())));
  return broadcast_tensors({input, target});
}

}  // namespace

Tensor l1_loss(const Tensor& input, const Tensor& target, const L1LossFuncOptions& options) {
  auto t = broadcast_with_warning(input, target);
  return xgrad::l1_loss(t[0], t[1], to_aten(effective_reduction(options)));
}

Tensor mse_loss(const Tensor& input, const Tensor& target, const MSELossFuncOptions& options) {
  auto t = broadcast_with_warning(input, target);
  return xgrad::mse_loss(t[0], t[1], to_aten(effective_reduction(options)));
}

/// kl_div: 'batchmean' is the sum divided by the batch size (input.size(0)); 'mean' divides by
/// every element and warns, as Python does, that it is not the KL divergence's definition.
Tensor kl_div(const Tensor& input, const Tensor& target, const KLDivFuncOptions& options) {
  LossReduction r = effective_reduction(options);
  if (r == kMean)
    warn("reduction: 'mean' divides the total loss by both the batch size and the support size.'batchmean' divides "
         "only by the batch size, and aligns with the KL div math definition.'mean' will be changed to behave the "
         "same as 'batchmean' in the next major release.");
  Tensor reduced = xgrad::kl_div(input, target, r == kBatchMean ? static_cast<int64_t>(Reduction::Sum) : to_aten(r), options.log_target());
  if (r == kBatchMean && input.dim() != 0) reduced = reduced / input.size(0);
  return reduced;
}

Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const BinaryCrossEntropyFuncOptions& options) {
  int64_t reduction = to_aten(effective_reduction(options));
  if (!target.sizes().equals(input.sizes()))
    detail::fail<ValueError>(
        "Using a target size ({}) that is different to the input size ({}) is deprecated. Please ensure they have "
        "the same size.",
        format_torch_size(target.sizes()), format_torch_size(input.sizes()));
  Tensor weight = options.weight();
  if (weight.defined()) weight = weight.expand(infer_size(target.sizes(), weight.sizes()));
  return xgrad::binary_cross_entropy(input, target, weight, reduction);
}

Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        const BinaryCrossEntropyWithLogitsFuncOptions& options) {
  int64_t reduction = to_aten(effective_reduction(options));
  if (!target.sizes().equals(input.sizes()))
    detail::fail<ValueError>("Target size ({}) must be the same as input size ({})", format_torch_size(target.sizes()),
                             format_torch_size(input.sizes()));
  return xgrad::binary_cross_entropy_with_logits(input, target, options.weight(), options.pos_weight(), reduction);
}

Tensor nll_loss(const Tensor& input, const Tensor& target, const NLLLossFuncOptions& options) {
  return xgrad::nll_loss_nd(input, target, options.weight(), to_aten(effective_reduction(options)),
                            options.ignore_index());
}

Tensor cross_entropy(const Tensor& input, const Tensor& target, const CrossEntropyFuncOptions& options) {
  return xgrad::cross_entropy_loss(input, target, options.weight(), to_aten(effective_reduction(options)),
                                   options.ignore_index(), options.label_smoothing());
}

Tensor multilabel_margin_loss(const Tensor& input, const Tensor& target, const MultilabelMarginLossFuncOptions& options) {
  return xgrad::multilabel_margin_loss(input, target, to_aten(effective_reduction(options)));
}

/// Python's composition: -(y * logsigmoid(x) + (1 - y) * logsigmoid(-x)) [* w], summed over the
/// last dim and divided by its size C, then the reduction over samples.
Tensor multilabel_soft_margin_loss(const Tensor& input, const Tensor& target,
                                   const MultilabelSoftMarginLossFuncOptions& options) {
  LossReduction r = effective_reduction(options);
  if (r == kBatchMean) throw ValueError("batchmean is not valid");
  XGRAD_CHECK_T(IndexError, input.dim() > 0, "Dimension specified as -1 but tensor has no dimensions");
  // One statement each, so the nodes are made in Python's order (C++ leaves the order of a +'s
  // operands open), and backward sums the two gradients of `input` in PyTorch's order.
  Tensor positive = target * log_sigmoid(input);
  Tensor negative = (1 - target) * log_sigmoid(-input);
  Tensor loss = -(positive + negative);
  if (options.weight().defined()) loss = loss * options.weight();
  const int64_t class_dim = input.dim() - 1;
  const int64_t C = input.size(class_dim);
  loss = loss.sum({class_dim}) / C;
  if (r == kMean) return loss.mean();
  if (r == kSum) return loss.sum();
  return loss;
}

/// Python's smooth_l1_loss: the target broadcast (with a warning), the legacy flags, then the op.
/// libtorch 1.13 passes its beta argument and drops options.beta(); see the header.
Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, const SmoothL1LossFuncOptions& options,
                      std::optional<double> beta) {
  auto t = broadcast_with_warning(input, target);
  return xgrad::smooth_l1_loss(t[0], t[1], to_aten(effective_reduction(options)), beta.value_or(options.beta()));
}

Tensor huber_loss(const Tensor& input, const Tensor& target, const HuberLossFuncOptions& options) {
  auto t = broadcast_with_warning(input, target);
  return xgrad::huber_loss(t[0], t[1], to_aten(effective_reduction(options)), options.delta());
}

/// Python's soft_margin_loss neither broadcasts nor warns: the op broadcasts.
Tensor soft_margin_loss(const Tensor& input, const Tensor& target, const SoftMarginLossFuncOptions& options) {
  return xgrad::soft_margin_loss(input, target, to_aten(effective_reduction(options)));
}

/// Python checks the three ranks before ATen's composite.
Tensor margin_ranking_loss(const Tensor& input1, const Tensor& input2, const Tensor& target,
                           const MarginRankingLossFuncOptions& options) {
  int64_t reduction = to_aten(effective_reduction(options));
  if (input1.dim() != input2.dim() || input1.dim() != target.dim())
    detail::fail<Error>(
        "margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: {}, input2: {}, "
        "target: {} ",
        format_torch_size(input1.sizes()), format_torch_size(input2.sizes()), format_torch_size(target.sizes()));
  return xgrad::margin_ranking_loss(input1, input2, target, options.margin(), reduction);
}

Tensor hinge_embedding_loss(const Tensor& input, const Tensor& target, const HingeEmbeddingLossFuncOptions& options) {
  return xgrad::hinge_embedding_loss(input, target, options.margin(), to_aten(effective_reduction(options)));
}

Tensor cosine_embedding_loss(const Tensor& input1, const Tensor& input2, const Tensor& target,
                             const CosineEmbeddingLossFuncOptions& options) {
  return xgrad::cosine_embedding_loss(input1, input2, target, options.margin(), to_aten(effective_reduction(options)));
}

/// Python checks p and the weight's rank before the op (ValueError).
Tensor multi_margin_loss(const Tensor& input, const Tensor& target, const MultiMarginLossFuncOptions& options) {
  int64_t reduction = to_aten(effective_reduction(options));
  if (options.p() != 1 && options.p() != 2) throw ValueError("only p == 1 and p == 2 supported");
  if (options.weight().defined() && options.weight().dim() != 1) throw ValueError("weight must be one-dimensional");
  return xgrad::multi_margin_loss(input, target, options.p(), options.margin(), options.weight(), reduction);
}

Tensor triplet_margin_loss(const Tensor& anchor, const Tensor& positive, const Tensor& negative,
                           const TripletMarginLossFuncOptions& options) {
  return xgrad::triplet_margin_loss(anchor, positive, negative, options.margin(), options.p(), options.eps(),
                                    options.swap(), to_aten(effective_reduction(options)));
}

/// Python's composition (libtorch 1.13 writes clamp_min and a C++ scalar add; Python's graph is
/// SubBackward0, AddBackward0, ClampBackward1, and that is the one followed here).
Tensor triplet_margin_with_distance_loss(const Tensor& anchor, const Tensor& positive, const Tensor& negative,
                                         const TripletMarginWithDistanceLossFuncOptions& options) {
  int64_t reduction = to_aten(options.reduction());
  auto distance = [&](const Tensor& a, const Tensor& b) {
    return options.distance_function() ? (*options.distance_function())(a, b) : pairwise_distance(a, b);
  };
  Tensor positive_dist = distance(anchor, positive);
  Tensor negative_dist = distance(anchor, negative);
  if (options.swap()) {
    Tensor swap_dist = distance(positive, negative);
    negative_dist = minimum(negative_dist, swap_dist);
  }
  Tensor output = clamp(positive_dist - negative_dist + options.margin(), 0.0);
  if (reduction == Reduction::Mean) return output.mean();
  if (reduction == Reduction::Sum) return output.sum();
  return output;
}

Tensor ctc_loss(const Tensor& log_probs, const Tensor& targets, const Tensor& input_lengths,
                const Tensor& target_lengths, const CTCLossFuncOptions& options) {
  return xgrad::ctc_loss(log_probs, targets, input_lengths, target_lengths, options.blank(),
                         to_aten(options.reduction()), options.zero_infinity());
}

Tensor poisson_nll_loss(const Tensor& input, const Tensor& target, const PoissonNLLLossFuncOptions& options) {
  LossReduction r = effective_reduction(options);
  if (r == kBatchMean) throw ValueError("batchmean is not valid");
  return xgrad::poisson_nll_loss(input, target, options.log_input(), options.full(), options.eps(), to_aten(r));
}

/// Python's gaussian_nll_loss (libtorch 1.13 has none): var broadcast over the last dim when it has
/// one dim less or a last dim of 1, clamped at eps on a clone without a graph (so the gradient
/// reaches var as if unclamped), then 0.5 (log v + (x - y)^2 / v) [+ 0.5 log(2 pi)].
Tensor gaussian_nll_loss(const Tensor& input, const Tensor& target, const Tensor& var_in,
                         const GaussianNLLLossFuncOptions& options) {
  Tensor var = var_in;
  if (!var.sizes().equals(input.sizes())) {
    // Python compares input.size()[:-1] with var.size() and with var.size()[:-1].
    auto drop_last = [](IntArrayRef s) { return std::vector<int64_t>(s.begin(), s.end() - (s.empty() ? 0 : 1)); };
    const std::vector<int64_t> leading = drop_last(input.sizes());
    const std::vector<int64_t> var_sizes(var.sizes().begin(), var.sizes().end());
    if (leading == var_sizes) {
      var = var.unsqueeze(-1);
    } else if (var.dim() > 0 && leading == drop_last(var.sizes()) && var.size(-1) == 1) {
      // homoscedastic: var broadcasts over the last dim
    } else {
      throw ValueError("var is of incorrect size");
    }
  }
  LossReduction r = options.reduction();
  if (r == kBatchMean) throw ValueError("batchmean is not valid");
  if (lt(var, 0).any().item<bool>()) throw ValueError("var has negative entry/entries");
  var = var.clone();
  {
    NoGradGuard no_grad;
    var.clamp_min_(options.eps());
  }
  Tensor loss = 0.5 * (log(var) + pow(input - target, 2) / var);
  if (options.full()) loss = loss + 0.5 * std::log(2 * 3.14159265358979323846);
  if (r == kMean) return loss.mean();
  if (r == kSum) return loss.sum();
  return loss;
}

}  // namespace xgrad::nn::functional
