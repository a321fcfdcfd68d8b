// loss_embedding.cpp: the losses that compare pairs of inputs, composed of ops exactly as ATen
// composes them (so their grad_fn chains read as PyTorch's): margin_ranking_loss,
// hinge_embedding_loss, cosine_embedding_loss and triplet_margin_loss. Read next: loss_smooth.cpp.
#include "ops/op_utils.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/ops/distance.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/indexing.hpp"
#include "xgrad/ops/loss.hpp"
#include "xgrad/ops/reduction.hpp"

namespace xgrad {

using autograd::record;
using autograd::variable_list;

namespace {
/// x - s recorded as ATen's Scalar overload (SubBackward1).
Tensor sub_scalar(const Tensor& x, double s) {
  Tensor out;
  {
    NoGradGuard no_grad;
    out = sub(x, s);
  }
  return record("SubBackward1", out, {x}, [](const Tensor& g) -> variable_list { return {g}; });
}

/// s - x as ATen's C++ writes it (a tensor full of s, minus x: SubBackward0 with one edge).
Tensor scalar_minus(double s, const Tensor& x) { return full_like(x, s) - x; }
}  // namespace

/// margin_ranking_loss(x1, x2, y) = max(0, -y (x1 - x2) + margin), then the reduction.
/// Composite: SubBackward0, MulBackward0, AddBackward1, ClampMinBackward0, as ATen.
Tensor margin_ranking_loss(const Tensor& input1, const Tensor& input2, const Tensor& target, double margin,
                           int64_t reduction) {
  Tensor output = clamp_min(detail::add_scalar_aten(-target * (input1 - input2), margin), 0);
  return apply_loss_reduction(output, reduction);
}

/// hinge_embedding_loss(x, y) = x where y == 1, max(0, margin - x) where y == -1 (both terms
/// where y is neither), then the reduction. Composite: two WhereBackward0 added, as ATen.
Tensor hinge_embedding_loss(const Tensor& self, const Tensor& target, double margin, int64_t reduction) {
  Tensor zeros = zeros_like(self);
  Tensor margin_clamp = clamp_min(scalar_minus(margin, self), 0);
  Tensor output_margin = where(ne(target, 1), margin_clamp, zeros);
  Tensor output_self = where(ne(target, -1), self, zeros);
  return apply_loss_reduction(output_margin + output_self, reduction);
}

/// cosine_embedding_loss(x1, x2, y) = 1 - cos(x1, x2) where y == 1, max(0, cos(x1, x2) - margin)
/// where y == -1, with cos = <x1, x2> / sqrt((|x1|^2 + 1e-12)(|x2|^2 + 1e-12)) over the last dim;
/// then the reduction. Composite, as ATen.
Tensor cosine_embedding_loss(const Tensor& input1, const Tensor& input2, const Tensor& target, double margin,
                             int64_t reduction) {
  const int64_t targ_dim = target.dim();
  XGRAD_CHECK(targ_dim == 1 || targ_dim == 0, "0D or 1D target tensor expected, multi-target not supported");
  if (targ_dim == 1)
    XGRAD_CHECK(input1.dim() == 2 && input2.dim() == 2,
                "1D target tensor expects 2D input tensors, but found inputs with sizes {} and {}.",
                format_sizes(input1.sizes()), format_sizes(input2.sizes()));
  else
    XGRAD_CHECK(input1.dim() == 1 && input2.dim() == 1,
                "0D target tensor expects 1D input tensors, but found inputs with sizes {} and {}.",
                format_sizes(input1.sizes()), format_sizes(input2.sizes()));
  constexpr double kEpsilon = 1e-12;
  Tensor prod_sum = (input1 * input2).sum({targ_dim});
  Tensor mag_square1 = detail::add_scalar_aten((input1 * input1).sum({targ_dim}), kEpsilon);
  Tensor mag_square2 = detail::add_scalar_aten((input2 * input2).sum({targ_dim}), kEpsilon);
  Tensor denom = sqrt(mag_square1 * mag_square2);
  Tensor cos = prod_sum / denom;
  Tensor zeros = zeros_like(cos);
  Tensor pos = scalar_minus(1.0, cos);
  Tensor neg = clamp_min(sub_scalar(cos, margin), 0);
  Tensor output_pos = where(eq(target, 1), pos, zeros);
  Tensor output_neg = where(eq(target, -1), neg, zeros);
  return apply_loss_reduction(output_pos + output_neg, reduction);
}

/// triplet_margin_loss(a, p, n) = max(0, margin + d(a, p) - d(a, n)), d(u, v) = ||u - v + eps||_p
/// over the last dim; with swap, d(a, n) becomes min(d(a, n), d(p, n)). Then the reduction.
/// Composite, as ATen: NormBackward1 <- AddBackward1 <- SubBackward0 for each distance,
/// MinimumBackward0, AddBackward1, SubBackward0, ClampMinBackward0 (gradient passes at 0).
Tensor triplet_margin_loss(const Tensor& anchor, const Tensor& positive, const Tensor& negative, double margin,
                           double p, double eps, bool swap, int64_t reduction) {
  const int64_t a_dim = anchor.dim(), p_dim = positive.dim(), n_dim = negative.dim();
  XGRAD_CHECK(a_dim == p_dim && p_dim == n_dim, "All inputs should have same dimension but got {}D, {}D and {}D inputs.",
              a_dim, p_dim, n_dim);
  Tensor dist_pos = pairwise_distance(anchor, positive, p, eps);
  Tensor dist_neg = pairwise_distance(anchor, negative, p, eps);
  if (swap) {
    Tensor dist_swap = pairwise_distance(positive, negative, p, eps);
    dist_neg = minimum(dist_neg, dist_swap);
  }
  Tensor output = clamp_min(detail::add_scalar_aten(dist_pos, margin) - dist_neg, 0);
  return apply_loss_reduction(output, reduction);
}

}  // namespace xgrad
