// modules/loss.hpp: the loss modules (nn::CrossEntropyLoss loss(options); loss(input, target)),
// each holding its Options and calling the F:: function. Read next: modules/activation.hpp.
#pragma once

#include "xgrad/nn/functional/loss.hpp"
#include "xgrad/nn/module.hpp"

namespace xgrad::nn {

/// One loss module per Options type: `Name##Impl` with `options`, `forward(input, target)`, and
/// its weight tensors registered as buffers (so to(dtype) converts them), as libtorch does.
#define XGRAD_LOSS_MODULE(Name, Options, fn)                                            \
  class Name##Impl : public Cloneable<Name##Impl> {                                     \
   public:                                                                              \
    explicit Name##Impl(Options options_ = {}) : options(std::move(options_)) { reset(); } \
    void reset() override;                                                              \
    void pretty_print(std::ostream& stream) const override;                             \
    Tensor forward(const Tensor& input, const Tensor& target);                          \
    Options options;                                                                    \
  };                                                                                    \
  TORCH_MODULE(Name)

XGRAD_LOSS_MODULE(L1Loss, L1LossOptions, l1_loss);
XGRAD_LOSS_MODULE(MSELoss, MSELossOptions, mse_loss);
XGRAD_LOSS_MODULE(KLDivLoss, KLDivLossOptions, kl_div);
XGRAD_LOSS_MODULE(BCELoss, BCELossOptions, binary_cross_entropy);
XGRAD_LOSS_MODULE(BCEWithLogitsLoss, BCEWithLogitsLossOptions, binary_cross_entropy_with_logits);
XGRAD_LOSS_MODULE(NLLLoss, NLLLossOptions, nll_loss);
XGRAD_LOSS_MODULE(CrossEntropyLoss, CrossEntropyLossOptions, cross_entropy);
XGRAD_LOSS_MODULE(MultiLabelMarginLoss, MultiLabelMarginLossOptions, multilabel_margin_loss);
XGRAD_LOSS_MODULE(MultiLabelSoftMarginLoss, MultiLabelSoftMarginLossOptions, multilabel_soft_margin_loss);
XGRAD_LOSS_MODULE(SmoothL1Loss, SmoothL1LossOptions, smooth_l1_loss);
XGRAD_LOSS_MODULE(HuberLoss, HuberLossOptions, huber_loss);
XGRAD_LOSS_MODULE(SoftMarginLoss, SoftMarginLossOptions, soft_margin_loss);
XGRAD_LOSS_MODULE(HingeEmbeddingLoss, HingeEmbeddingLossOptions, hinge_embedding_loss);
XGRAD_LOSS_MODULE(MultiMarginLoss, MultiMarginLossOptions, multi_margin_loss);
XGRAD_LOSS_MODULE(PoissonNLLLoss, PoissonNLLLossOptions, poisson_nll_loss);

/// The losses of two inputs and a target: forward(input1, input2, target).
#define XGRAD_LOSS_MODULE3(Name, Options)                                                \
  class Name##Impl : public Cloneable<Name##Impl> {                                     \
   public:                                                                              \
    explicit Name##Impl(Options options_ = {}) : options(std::move(options_)) {}       \
    void reset() override {}                                                            \
    void pretty_print(std::ostream& stream) const override;                             \
    Tensor forward(const Tensor& input1, const Tensor& input2, const Tensor& target);   \
    Options options;                                                                    \
  };                                                                                    \
  TORCH_MODULE(Name)

XGRAD_LOSS_MODULE3(MarginRankingLoss, MarginRankingLossOptions);
XGRAD_LOSS_MODULE3(CosineEmbeddingLoss, CosineEmbeddingLossOptions);
/// forward(anchor, positive, negative).
XGRAD_LOSS_MODULE3(TripletMarginLoss, TripletMarginLossOptions);
XGRAD_LOSS_MODULE3(TripletMarginWithDistanceLoss, TripletMarginWithDistanceLossOptions);
/// forward(input, target, var); not in libtorch 1.13 (Python's nn.GaussianNLLLoss).
XGRAD_LOSS_MODULE3(GaussianNLLLoss, GaussianNLLLossOptions);

/// forward(log_probs, targets, input_lengths, target_lengths).
class CTCLossImpl : public Cloneable<CTCLossImpl> {
 public:
  explicit CTCLossImpl(CTCLossOptions options_ = {}) : options(std::move(options_)) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& log_probs, const Tensor& targets, const Tensor& input_lengths,
                 const Tensor& target_lengths);
  CTCLossOptions options;
};
TORCH_MODULE(CTCLoss);

#undef XGRAD_LOSS_MODULE3
#undef XGRAD_LOSS_MODULE

}  // namespace xgrad::nn
