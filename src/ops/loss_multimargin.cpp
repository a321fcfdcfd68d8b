// loss_multimargin.cpp: multi_margin_loss, the multi-class hinge loss, as one node
// (MultiMarginLossBackward0) over the kernel of src/kernels/multi_margin.hpp. For each sample with
// target y, every other class i adds w[y] max(0, margin - x[y] + x[i])^p / C.
// Read next: loss_multilabel.cpp.
#include "kernels/multi_margin.hpp"
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

namespace {
/// PyTorch's shape checks (multi_margin_loss_shape_check): the sample count and class count.
std::pair<int64_t, int64_t> multi_margin_shape(const Tensor& input, const Tensor& target) {
  const int64_t ndims = input.dim();
  XGRAD_CHECK((ndims == 2 && input.size(1) != 0) || (ndims == 1 && input.size(0) != 0) || ndims == 0,
              "Expected non-empty vector or matrix with optional 0-dim batch size, but got: {}",
              format_sizes(input.sizes()));
  const int64_t nframe = ndims <= 1 ? 1 : input.size(0);
  const int64_t dim = ndims == 0 ? 1 : ndims == 1 ? input.size(0) : input.size(1);
  XGRAD_CHECK(target.dim() <= 1 && target.numel() == nframe, "inconsistent target size, got: {}",
              format_sizes(target.sizes()));
  return {nframe, dim};
}
}  // namespace

/// multi_margin_loss(x, y) = (1/C) sum_{i != y} w[y] max(0, margin - x[y] + x[i])^p per sample,
/// then the reduction ('none' keeps (N), or () for an unbatched input with a 0-d target).
/// d/dx[i] = h, d/dx[y] = -sum_i h for each i with z > 0 (strict), h = w[y] (p == 1 ? 1 : 2 z) g / C
/// (g / N more for 'mean').      saves: x, y, weight
Tensor multi_margin_loss(const Tensor& self, const Tensor& target, int64_t p, double margin,
                         const Tensor& weight, int64_t reduction) {
  XGRAD_CHECK(p == 1 || p == 2, "only p == 1 and p == 2 supported");
  const auto [n, c] = multi_margin_shape(self, target);
  XGRAD_CHECK(target.scalar_type() == kLong, "expected scalar type Long but found {}",
              scalar_type_name(target.scalar_type()));
  if (weight.defined()) {
    XGRAD_CHECK(weight.scalar_type() == self.scalar_type(), "expected scalar type {} but found {}",
                scalar_type_name(self.scalar_type()), scalar_type_name(weight.scalar_type()));
    XGRAD_CHECK(!(GradMode::is_enabled() && weight.requires_grad()),
                "The function 'multi_margin_loss' is not differentiable with respect to argument 'weight'. This "
                "input cannot have requires_grad True.");
  }
  Tensor y = detail::contiguous_raw(target);
  const int64_t* yp = y.data_ptr<int64_t>();
  for (int64_t i = 0; i < n; ++i) {
    XGRAD_CHECK(yp[i] >= 0 && yp[i] < c, "target out of range");
    // PyTorch reads weight[y] unchecked (garbage past its end); xgrad refuses.
    XGRAD_CHECK(!weight.defined() || yp[i] < weight.numel(),
                "multi_margin_loss: weight has {} entries but a target is {}", weight.numel(), yp[i]);
  }
  Tensor x = detail::contiguous_raw(self);
  Tensor w = weight.defined() ? detail::contiguous_raw(weight) : Tensor();
  const bool per_sample = reduction == Reduction::None && target.dim() > 0;
  Tensor out = detail::make_empty(per_sample ? IntArrayRef(n) : IntArrayRef{}, self.scalar_type());
  visit_floating(self.scalar_type(), "multi_margin_loss_cpu_kernel", [&](auto tag) {
    using T = decltype(tag);
    const T* xp = x.data_ptr<T>();
    const T* wp = w.defined() ? w.data_ptr<T>() : nullptr;
    T* op = out.data_ptr<T>();
    if (per_sample) {
      for (int64_t s = 0; s < n; ++s)
        op[s] = kernels::multi_margin_sample<T>(xp + s * c, yp[s], wp, static_cast<int>(p), static_cast<T>(margin), c);
    } else {
      double sum = 0;  // ATen accumulates the samples in acc_type (double)
      for (int64_t s = 0; s < n; ++s)
        sum += kernels::multi_margin_sample<T>(xp + s * c, yp[s], wp, static_cast<int>(p), static_cast<T>(margin), c);
      if (reduction == Reduction::Mean) sum /= static_cast<double>(n);
      op[0] = static_cast<T>(sum);
    }
  });
  return record("MultiMarginLossBackward0", out, {self}, save(self, target, weight),
                [p, margin, reduction, n, c](const Tensor& g, const Tensor& x, const Tensor& y,
                                             const Tensor& w) -> variable_list {
                  Tensor xc = detail::contiguous_raw(x), yc = detail::contiguous_raw(y);
                  Tensor wc = w.defined() ? detail::contiguous_raw(w) : Tensor();
                  Tensor gx = detail::make_empty(x.sizes(), x.scalar_type());
                  Tensor gc = detail::contiguous_raw(g);
                  visit_floating(x.scalar_type(), "multi_margin_loss_backward_cpu_kernel", [&](auto tag) {
                    using T = decltype(tag);
                    const T unit = reduction == Reduction::Mean ? static_cast<T>(1. / static_cast<double>(n * c))
                                                                : static_cast<T>(1. / static_cast<double>(c));
                    T* gp = gx.data_ptr<T>();
                    kernels::multi_margin_grad<T>(xc.data_ptr<T>(), yc.data_ptr<int64_t>(),
                                                  wc.defined() ? wc.data_ptr<T>() : nullptr, static_cast<int>(p),
                                                  static_cast<T>(margin), unit, n, c, gp);
                    const T* go = gc.data_ptr<T>();
                    if (gc.dim() == 0) {
                      for (int64_t k = 0; k < n * c; ++k) gp[k] *= go[0];
                    } else {
                      for (int64_t s = 0; s < n; ++s)
                        for (int64_t d = 0; d < c; ++d) gp[s * c + d] *= go[s];
                    }
                  });
                  // PyTorch has no derivative for multi_margin_loss_backward: under create_graph the
                  // gradient hangs from a node named NotImplemented that throws if differentiated.
                  return {record("NotImplemented", gx, {g, x}, [](const Tensor&) -> variable_list {
                    throw Error("derivative for aten::multi_margin_loss_backward is not implemented");
                  })};
                });
}

}  // namespace xgrad
