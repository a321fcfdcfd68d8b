// modules/loss.cpp: the loss modules: registering their weights, printing, and forward.
#include "xgrad/nn/modules/loss.hpp"

namespace xgrad::nn {

namespace {
template <class Options>
auto weight_of(Options& o, int) -> decltype(o.weight()) {
  return o.weight();
}
template <class Options>
Tensor& weight_of(Options&, long) {
  static Tensor none;
  return none;
}
template <class Options>
auto pos_weight_of(Options& o, int) -> decltype(o.pos_weight()) {
  return o.pos_weight();
}
template <class Options>
Tensor& pos_weight_of(Options&, long) {
  static Tensor none;
  return none;
}
}  // namespace

#define XGRAD_LOSS_MODULE_DEFINE(Name, fn)                                                   \
  void Name##Impl::reset() {                                                                 \
    /* libtorch registers the loss's weights as buffers: they follow to(dtype) */           \
    Tensor& w = weight_of(options, 0);                                                       \
    if (w.defined() && !buffers_.contains("weight")) w = register_buffer("weight", w);       \
    Tensor& pw = pos_weight_of(options, 0);                                                  \
    if (pw.defined() && !buffers_.contains("pos_weight")) pw = register_buffer("pos_weight", pw); \
  }                                                                                          \
  void Name##Impl::pretty_print(std::ostream& stream) const { stream << "torch::nn::" #Name "()"; } \
  Tensor Name##Impl::forward(const Tensor& input, const Tensor& target) {                   \
    if (buffers_.contains("weight")) weight_of(options, 0) = buffers_["weight"];             \
    if (buffers_.contains("pos_weight")) pos_weight_of(options, 0) = buffers_["pos_weight"]; \
    return functional::fn(input, target, options);                                           \
  }

XGRAD_LOSS_MODULE_DEFINE(L1Loss, l1_loss)
XGRAD_LOSS_MODULE_DEFINE(MSELoss, mse_loss)
XGRAD_LOSS_MODULE_DEFINE(KLDivLoss, kl_div)
XGRAD_LOSS_MODULE_DEFINE(BCELoss, binary_cross_entropy)
XGRAD_LOSS_MODULE_DEFINE(BCEWithLogitsLoss, binary_cross_entropy_with_logits)
XGRAD_LOSS_MODULE_DEFINE(NLLLoss, nll_loss)
XGRAD_LOSS_MODULE_DEFINE(CrossEntropyLoss, cross_entropy)
XGRAD_LOSS_MODULE_DEFINE(MultiLabelMarginLoss, multilabel_margin_loss)
XGRAD_LOSS_MODULE_DEFINE(MultiLabelSoftMarginLoss, multilabel_soft_margin_loss)
XGRAD_LOSS_MODULE_DEFINE(SmoothL1Loss, smooth_l1_loss)
XGRAD_LOSS_MODULE_DEFINE(HuberLoss, huber_loss)
XGRAD_LOSS_MODULE_DEFINE(SoftMarginLoss, soft_margin_loss)
XGRAD_LOSS_MODULE_DEFINE(PoissonNLLLoss, poisson_nll_loss)

// MultiMarginLoss checks p in its constructor and registers its weight (libtorch's loss.cpp).
void MultiMarginLossImpl::reset() {
  if (options.p() != 1 && options.p() != 2) throw ValueError("only p == 1 and p == 2 supported");
  XGRAD_CHECK(!options.weight().defined() || options.weight().dim() == 1, "weight must be one-dimensional");
  if (options.weight().defined() && !buffers_.contains("weight"))
    options.weight() = register_buffer("weight", options.weight());
}
/// libtorch prints p, margin, weight and reduction; an undefined weight as libtorch prints one (a
/// defined one in xgrad's Python-style printing, which differs from libtorch's).
void MultiMarginLossImpl::pretty_print(std::ostream& stream) const {
  const LossReduction r = options.reduction();
  stream << "torch::nn::MultiMarginLoss(p=" << options.p() << ", margin=" << options.margin() << ", weight=";
  if (options.weight().defined())
    stream << options.weight();
  else
    stream << "[ Tensor (undefined) ]";
  stream << ", reduction=" << (r == kNone ? "kNone" : r == kSum ? "kSum" : r == kMean ? "kMean" : "kBatchMean") << ")";
}
Tensor MultiMarginLossImpl::forward(const Tensor& input, const Tensor& target) {
  if (buffers_.contains("weight")) options.weight() = buffers_["weight"];
  return functional::multi_margin_loss(input, target, options);
}

// HingeEmbeddingLoss prints its margin (libtorch's loss.cpp), so it is defined by hand.
void HingeEmbeddingLossImpl::reset() {}
void HingeEmbeddingLossImpl::pretty_print(std::ostream& stream) const {
  stream << "torch::nn::HingeEmbeddingLoss(margin=" << options.margin() << ")";
}
Tensor HingeEmbeddingLossImpl::forward(const Tensor& input, const Tensor& target) {
  return functional::hinge_embedding_loss(input, target, options);
}

void MarginRankingLossImpl::pretty_print(std::ostream& stream) const { stream << "torch::nn::MarginRankingLoss()"; }
Tensor MarginRankingLossImpl::forward(const Tensor& input1, const Tensor& input2, const Tensor& target) {
  return functional::margin_ranking_loss(input1, input2, target, options);
}

void CosineEmbeddingLossImpl::pretty_print(std::ostream& stream) const {
  stream << "torch::nn::CosineEmbeddingLoss(margin=" << options.margin() << ")";
}
Tensor CosineEmbeddingLossImpl::forward(const Tensor& input1, const Tensor& input2, const Tensor& target) {
  return functional::cosine_embedding_loss(input1, input2, target, options);
}

void TripletMarginLossImpl::pretty_print(std::ostream& stream) const {
  stream << std::boolalpha << "torch::nn::TripletMarginLoss(margin=" << options.margin() << ", p=" << options.p()
         << ", eps=" << options.eps() << ", swap=" << options.swap() << ")";
}
Tensor TripletMarginLossImpl::forward(const Tensor& anchor, const Tensor& positive, const Tensor& negative) {
  return functional::triplet_margin_loss(anchor, positive, negative, options);
}

void TripletMarginWithDistanceLossImpl::pretty_print(std::ostream& stream) const {
  stream << std::boolalpha << "torch::nn::TripletMarginWithDistanceLoss(margin=" << options.margin()
         << ", swap=" << options.swap() << ")";
}
Tensor TripletMarginWithDistanceLossImpl::forward(const Tensor& anchor, const Tensor& positive, const Tensor& negative) {
  return functional::triplet_margin_with_distance_loss(anchor, positive, negative, options);
}

void GaussianNLLLossImpl::pretty_print(std::ostream& stream) const { stream << "torch::nn::GaussianNLLLoss()"; }
Tensor GaussianNLLLossImpl::forward(const Tensor& input, const Tensor& target, const Tensor& var) {
  return functional::gaussian_nll_loss(input, target, var, options);
}

void CTCLossImpl::pretty_print(std::ostream& stream) const { stream << "torch::nn::CTCLoss()"; }
Tensor CTCLossImpl::forward(const Tensor& log_probs, const Tensor& targets, const Tensor& input_lengths,
                            const Tensor& target_lengths) {
  return functional::ctc_loss(log_probs, targets, input_lengths, target_lengths, options);
}

}  // namespace xgrad::nn
