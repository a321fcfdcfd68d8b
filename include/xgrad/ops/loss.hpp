// loss.hpp: the loss functions as graph nodes, in ATen's form (torch::nll_loss, ...): tensors and
// a Reduction code, no Options. Most users call the torch::nn::functional forms (nn/functional/
// loss.hpp) or the modules (nn/modules/loss.hpp), which check arguments as Python does and come
// here. Each loss's formula, derivative and saved tensors are beside it in src/ops/loss_*.cpp.
// Read next: src/ops/loss_nll.cpp.
#pragma once

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// ATen's reduction codes (at::Reduction::Mean, ...).
namespace Reduction {
enum Reduction { None = 0, Mean = 1, Sum = 2, END };
}

/// Negative log likelihood for (C) or (N, C) log-probabilities (NllLossBackward0).
Tensor nll_loss(const Tensor& self, const Tensor& target, const Tensor& weight = {},
                int64_t reduction = Reduction::Mean, int64_t ignore_index = -100);
/// The same for (N, C, H, W) inputs and (N, H, W) targets (NllLoss2DBackward0).
Tensor nll_loss2d(const Tensor& self, const Tensor& target, const Tensor& weight = {},
                  int64_t reduction = Reduction::Mean, int64_t ignore_index = -100);
/// Any rank: (C), (N, C), (N, C, d1, ..., dK), dispatched as PyTorch's nll_loss_nd does.
Tensor nll_loss_nd(const Tensor& self, const Tensor& target, const Tensor& weight = {},
                   int64_t reduction = Reduction::Mean, int64_t ignore_index = -100);
/// log_softmax over dim 1 (dim 0 for a 1-d input) followed by nll_loss_nd, or, when the target has
/// the input's shape, the cross entropy with class probabilities. Fused when it can be (see
/// Note [Fused cross entropy] in src/ops/loss_nll.cpp).
Tensor cross_entropy_loss(const Tensor& self, const Tensor& target, const Tensor& weight = {},
                          int64_t reduction = Reduction::Mean, int64_t ignore_index = -100,
                          double label_smoothing = 0.0);
Tensor binary_cross_entropy(const Tensor& self, const Tensor& target, const Tensor& weight = {},
                            int64_t reduction = Reduction::Mean);
Tensor binary_cross_entropy_with_logits(const Tensor& self, const Tensor& target, const Tensor& weight = {},
                                        const Tensor& pos_weight = {}, int64_t reduction = Reduction::Mean);
Tensor mse_loss(const Tensor& self, const Tensor& target, int64_t reduction = Reduction::Mean);
Tensor l1_loss(const Tensor& self, const Tensor& target, int64_t reduction = Reduction::Mean);
Tensor kl_div(const Tensor& self, const Tensor& target, int64_t reduction = Reduction::Mean, bool log_target = false);
Tensor multilabel_margin_loss(const Tensor& self, const Tensor& target, int64_t reduction = Reduction::Mean);
/// 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (SmoothL1LossBackward0). src/ops/loss_smooth.cpp.
Tensor smooth_l1_loss(const Tensor& self, const Tensor& target, int64_t reduction = Reduction::Mean, double beta = 1.0);
/// 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta) (HuberLossBackward0).
Tensor huber_loss(const Tensor& self, const Tensor& target, int64_t reduction = Reduction::Mean, double delta = 1.0);
/// log(1 + exp(-y x)) (SoftMarginLossBackward0).
Tensor soft_margin_loss(const Tensor& self, const Tensor& target, int64_t reduction = Reduction::Mean);

/// max(0, -y (x1 - x2) + margin), composite as ATen. src/ops/loss_embedding.cpp.
Tensor margin_ranking_loss(const Tensor& input1, const Tensor& input2, const Tensor& target, double margin = 0.0,
                           int64_t reduction = Reduction::Mean);
/// x where y == 1, max(0, margin - x) where y == -1, composite as ATen.
Tensor hinge_embedding_loss(const Tensor& self, const Tensor& target, double margin = 1.0,
                            int64_t reduction = Reduction::Mean);
/// 1 - cos(x1, x2) where y == 1, max(0, cos(x1, x2) - margin) where y == -1, composite as ATen.
Tensor cosine_embedding_loss(const Tensor& input1, const Tensor& input2, const Tensor& target, double margin = 0.0,
                             int64_t reduction = Reduction::Mean);

/// (1/C) sum_{i != y} w[y] max(0, margin - x[y] + x[i])^p per sample (MultiMarginLossBackward0).
/// src/ops/loss_multimargin.cpp.
Tensor multi_margin_loss(const Tensor& self, const Tensor& target, int64_t p = 1, double margin = 1.0,
                         const Tensor& weight = {}, int64_t reduction = Reduction::Mean);
/// max(0, margin + d(a, p) - d(a, n)), d = pairwise_distance, composite as ATen. src/ops/loss_embedding.cpp.
Tensor triplet_margin_loss(const Tensor& anchor, const Tensor& positive, const Tensor& negative, double margin = 1.0,
                           double p = 2, double eps = 1e-6, bool swap = false, int64_t reduction = Reduction::Mean);
/// exp(x) - y x (log_input) or x - y log(x + eps), + Stirling's term where y > 1 if full; composite
/// as ATen. src/ops/loss_pointwise.cpp.
Tensor poisson_nll_loss(const Tensor& input, const Tensor& target, bool log_input = true, bool full = false,
                        double eps = 1e-8, int64_t reduction = Reduction::Mean);
/// The connectionist temporal classification loss of (T, N, C) or (T, C) log-probabilities
/// (CtcLossBackward0, then zero_infinity and the reduction). src/ops/loss_ctc.cpp.
Tensor ctc_loss(const Tensor& log_probs, const Tensor& targets, IntArrayRef input_lengths, IntArrayRef target_lengths,
                int64_t blank = 0, int64_t reduction = Reduction::Mean, bool zero_infinity = false);
Tensor ctc_loss(const Tensor& log_probs, const Tensor& targets, const Tensor& input_lengths,
                const Tensor& target_lengths, int64_t blank = 0, int64_t reduction = Reduction::Mean,
                bool zero_infinity = false);

/// Applies a Reduction code to an unreduced loss: as is, mean, or sum.
Tensor apply_loss_reduction(const Tensor& unreduced, int64_t reduction);

}  // namespace xgrad
