// loss_multilabel.cpp: multilabel_margin_loss, the multi-class multi-label hinge loss, as one node
// (MultilabelMarginLossBackward0). For each sample, the targets are the class indices before the
// first -1; every (target j, non-target i) pair adds max(0, 1 - (x[j] - x[i])) / C.
// Read next: nn/functional/loss.hpp.
#include "kernels/multilabel.hpp"
#include "ops/op_utils.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/loss.hpp"
#include "xgrad/ops/reduction.hpp"

namespace xgrad {

using autograd::record;
using autograd::save;
using autograd::variable_list;


/// multilabel_margin_loss(x, y): per sample (1/C) sum over targets j and non-targets i of
/// max(0, 1 - (x[y_j] - x[i])); duplicate targets count again.
/// d/dx[y_j] -= g/C and d/dx[i] += g/C for every pair with a positive hinge.      saves: x, y
Tensor multilabel_margin_loss(const Tensor& self, const Tensor& target, int64_t reduction) {
  XGRAD_CHECK(target.scalar_type() == kLong, "expected scalar type Long but found {}", scalar_type_name(target.scalar_type()));
  XGRAD_CHECK((self.dim() <= 1 && self.numel() > 0) || (self.dim() == 2 && self.size(1) != 0),
              "Expected non-empty vector or matrix with optional 0-dim batch size, but got: {}", format_sizes(self.sizes()));
  XGRAD_CHECK(target.sizes().equals(self.sizes()), "inconsistent size {} for argument #2 'target'",
              format_sizes(target.sizes()));
  const int64_t c = self.dim() == 0 ? 1 : self.size(-1), n = self.dim() == 2 ? self.size(0) : 1;
  Tensor y = detail::contiguous_raw(target);
  const int64_t* yp = y.data_ptr<int64_t>();
  for (int64_t i = 0; i < y.numel(); ++i) XGRAD_CHECK(yp[i] >= -1 && yp[i] < c, "argument #2 'target' is out of range");
  Tensor x = detail::contiguous_raw(self);
  Tensor losses = detail::make_empty(self.dim() == 2 ? IntArrayRef(n) : IntArrayRef{}, self.scalar_type());
  visit_floating(self.scalar_type(), "multilabel_margin_loss", [&](auto tag) {
    using T = decltype(tag);
    kernels::multilabel_margin<T>(x.data_ptr<T>(), yp, n, c, losses.data_ptr<T>(), nullptr);
  });
  Tensor out;
  {
    NoGradGuard no_grad;
    out = apply_loss_reduction(losses, reduction);  // an empty batch gives nan (mean) or 0 (sum)
  }
  return record("MultilabelMarginLossBackward0", out, {self}, save(self, target),
                [reduction, n](const Tensor& g, const Tensor& x, const Tensor& y) -> variable_list {
                  // d loss_n / dx_n is a constant pattern of +-1/C: computed here, then scaled by g.
                  Tensor xc = detail::contiguous_raw(x), yc = detail::contiguous_raw(y);
                  Tensor pattern = detail::make_empty(x.sizes(), x.scalar_type());
                  Tensor scratch = detail::make_empty({n}, x.scalar_type());
                  visit_floating(x.scalar_type(), "multilabel_margin_loss_backward", [&](auto tag) {
                    using T = decltype(tag);
                    kernels::multilabel_margin<T>(xc.data_ptr<T>(), yc.data_ptr<int64_t>(), n, x.dim() == 0 ? 1 : x.size(-1),
                                         scratch.data_ptr<T>(), pattern.data_ptr<T>());
                  });
                  Tensor gx;
                  {
                    NoGradGuard no_grad;
                    Tensor ge = g;
                    if (reduction == Reduction::Mean) ge = g / static_cast<double>(n);
                    if (reduction == Reduction::None && x.dim() == 2) ge = g.unsqueeze(1);
                    gx = pattern * ge;
                  }
                  // PyTorch has no derivative for multilabel_margin_loss_backward: under create_graph
                  // its result requires grad through a node named NotImplemented, which throws
                  // when a second derivative is asked of it. So does xgrad's.
                  return {record("NotImplemented", gx, {g, x}, [](const Tensor&) -> variable_list {
                    throw Error("derivative for aten::multilabel_margin_loss_backward is not implemented");
                  })};
                });
}

}  // namespace xgrad
