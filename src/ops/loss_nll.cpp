// loss_nll.cpp: nll_loss (and its 2-d and N-d forms) and cross_entropy_loss.
// Read next: src/optim/sgd.cpp (what is done with the gradients), or loss_binary.cpp.
//
// Note [Fused cross entropy]
// PyTorch computes cross entropy as nll_loss(log_softmax(x)): it writes the whole N x C
// log_softmax matrix, and in backward a one-hot N x C gradient for it, then the logits' gradient.
// For (N, C) and (C) inputs with class-index targets (no label smoothing) xgrad computes the same
// numbers without either matrix: the forward keeps each row's max and log-sum-exp, and backward
// recomputes softmax(x) - onehot(y) straight into the logits' gradient. The graph still reads as
// PyTorch's, NllLossBackward0 -> LogSoftmaxBackward0 -> the logits: the NllLoss node hands its
// partner the logits' gradient directly, and the partner passes it through. Nothing else can see
// the gradient between the two nodes (the log_softmax output never exists as a tensor).
#include <cmath>

#include "kernels/cross_entropy.hpp"
#include "kernels/nll.hpp"
#include "ops/op_utils.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/ops/activation.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/indexing.hpp"
#include "xgrad/ops/loss.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

using autograd::Edge;
using autograd::needs_input_grad;
using autograd::record;
using autograd::save;
using autograd::variable_list;

Tensor apply_loss_reduction(const Tensor& unreduced, int64_t reduction) {
  if (reduction == Reduction::Mean) return unreduced.mean();
  if (reduction == Reduction::Sum) return unreduced.sum();
  return unreduced;
}

namespace {

void check_target_dtype(const Tensor& target) {
  XGRAD_CHECK(target.scalar_type() == kLong, "expected scalar type Long but found {}", scalar_type_name(target.scalar_type()));
}

void check_weight(const Tensor& weight, int64_t classes, const Tensor& input, const char* prefix = "") {
  if (!weight.defined()) return;
  XGRAD_CHECK(weight.dim() == 1 && weight.numel() == classes,
              "{}weight tensor should be defined either for all {} classes or no classes but got weight tensor of "
              "shape: {}",
              prefix, classes, format_sizes(weight.sizes()));
  XGRAD_CHECK(weight.scalar_type() == input.scalar_type(), "expected scalar type {} but found {}",
              scalar_type_name(input.scalar_type()), scalar_type_name(weight.scalar_type()));
  XGRAD_CHECK(!(GradMode::is_enabled() && weight.requires_grad()),
              "The function 'nll_loss_forward' is not differentiable with respect to argument 'weight'. This input "
              "cannot have requires_grad True.");
}

/// Checks every target against the class count (PyTorch: "Target 5 is out of bounds.").
void check_target_range(const Tensor& target, int64_t classes, int64_t ignore_index) {
  Tensor t = detail::contiguous_raw(target);
  const int64_t* p = t.data_ptr<int64_t>();
  for (int64_t i = 0; i < t.numel(); ++i)
    if (p[i] != ignore_index && (p[i] < 0 || p[i] >= classes))
      detail::fail<IndexError>("Target {} is out of bounds.", p[i]);
}

/// The layout every nll kernel works on: (batch, classes, inner) over a contiguous input.
struct NllGeometry {
  int64_t batch = 1, classes = 1, inner = 1;
  bool unbatched = false;
};

/// Forward of nll_loss over (batch, classes, inner): the unreduced losses (batch * inner of them).
template <class T>
void nll_forward(const T* x, const int64_t* y, const T* w, const NllGeometry& g, int64_t ignore_index, T* losses) {
  for (int64_t b = 0; b < g.batch; ++b)
    for (int64_t j = 0; j < g.inner; ++j) {
      const int64_t pos = b * g.inner + j;
      const int64_t t = y[pos];
      losses[pos] = t == ignore_index ? T(0) : -x[(b * g.classes + t) * g.inner + j] * (w ? w[t] : T(1));
    }
}

/// The gradient of nll_loss with respect to its input: -w(y) * scale at [b, y, j], 0 elsewhere;
/// `scale` is the upstream gradient (one per position for 'none'), already divided by the total
/// weight for 'mean'. As a product of a constant pattern and the upstream gradient it is linear
/// in that gradient, so it is written with ops when a graph must be recorded (double backward).
Tensor nll_backward(const Tensor& grad, IntArrayRef input_sizes, const NllGeometry& geo, const Tensor& target,
                    const Tensor& weight, int64_t reduction, int64_t ignore_index, const Tensor& total_weight) {
  ScalarType dt = grad.scalar_type();
  Tensor coef = zeros(input_sizes, dt);  // -w(y) at each kept target
  Tensor y = detail::contiguous_raw(target);
  Tensor w = weight.defined() ? detail::contiguous_raw(detail::convert(weight, dt)) : Tensor();
  visit_floating(dt, "nll_loss_backward", [&](auto tag) {
    using T = decltype(tag);
    T* c = coef.data_ptr<T>();
    const int64_t* yp = y.data_ptr<int64_t>();
    for (int64_t b = 0; b < geo.batch; ++b)
      for (int64_t j = 0; j < geo.inner; ++j) {
        int64_t t = yp[b * geo.inner + j];
        if (t != ignore_index) c[(b * geo.classes + t) * geo.inner + j] = -(w.defined() ? w.data_ptr<T>()[t] : T(1));
      }
  });
  Tensor g = grad;
  if (reduction == Reduction::None && !geo.unbatched && g.dim() > 0) {
    DimVector shape{geo.batch, 1};
    for (int64_t d = 2; d < static_cast<int64_t>(input_sizes.size()); ++d) shape.push_back(input_sizes[d]);
    g = g.reshape(shape);  // one upstream value per position, broadcast over the classes
  }
  if (reduction == Reduction::Mean) g = g / total_weight;
  return coef * g;
}

/// The node of nll_loss / nll_loss2d. `unreduced_shape`: the shape of the per-position losses
/// (what 'none' returns). Saves: target, weight, total_weight (and the input sizes).
Tensor nll_loss_impl(const char* node_name, const Tensor& self, const Tensor& target, const Tensor& weight,
                     int64_t reduction, int64_t ignore_index, const NllGeometry& geo, DimVector unreduced_shape) {
  check_target_range(target, geo.classes, ignore_index);
  Tensor x = detail::contiguous_raw(self);
  Tensor y = detail::contiguous_raw(target);
  Tensor w = weight.defined() ? detail::contiguous_raw(weight) : Tensor();
  Tensor losses = detail::make_empty(unreduced_shape, self.scalar_type());
  Tensor total_weight = detail::make_empty({}, self.scalar_type());
  Tensor out = reduction == Reduction::None ? losses : detail::make_empty({}, self.scalar_type());
  visit_floating(self.scalar_type(), "nll_loss", [&](auto tag) {
    using T = decltype(tag);
    const T* wp = w.defined() ? w.data_ptr<T>() : nullptr;
    nll_forward<T>(x.data_ptr<T>(), y.data_ptr<int64_t>(), wp, geo, ignore_index, losses.data_ptr<T>());
    const auto totals = kernels::nll_reduce<T>(losses.data_ptr<T>(), y.data_ptr<int64_t>(), losses.numel(), wp, ignore_index);
    *total_weight.data_ptr<T>() = totals.weight;
    if (reduction != Reduction::None)  // 0 / 0 -> nan for 'mean' when nothing is kept, as PyTorch
      *out.data_ptr<T>() = reduction == Reduction::Mean ? totals.loss / totals.weight : totals.loss;
  });
  DimVector in_sizes(self.sizes());
  return record(node_name, out, {self}, save(target, weight, total_weight),
                [in_sizes, geo, reduction, ignore_index](const Tensor& g, const Tensor& target, const Tensor& weight,
                                                         const Tensor& total_weight) -> variable_list {
                  return {nll_backward(g, in_sizes, geo, target, weight, reduction, ignore_index, total_weight)};
                });
}

}  // namespace

/// nll_loss(x, y): -w[y_i] * x[i, y_i] per sample (0 where y_i == ignore_index), then the reduction;
/// 'mean' divides by the total weight of the kept targets.
/// d/dx[i, c] = -w[y_i] * g_i where c == y_i (g_i / total weight for 'mean'), else 0.
Tensor nll_loss(const Tensor& self, const Tensor& target, const Tensor& weight, int64_t reduction, int64_t ignore_index) {
  XGRAD_CHECK(self.dim() > 0 && self.dim() <= 2, "input tensor should be 1D or 2D");
  XGRAD_CHECK(target.dim() <= 1, "0D or 1D target tensor expected, multi-target not supported");
  check_target_dtype(target);
  const bool unbatched = self.dim() == 1 && target.dim() == 0;
  XGRAD_CHECK(unbatched || self.size(0) == target.size(0), "size mismatch (got input: {}, target: {})",
              format_sizes(self.sizes()), format_sizes(target.sizes()));
  NllGeometry geo;
  geo.classes = self.size(-1);
  geo.batch = self.dim() == 2 ? self.size(0) : 1;
  geo.unbatched = self.dim() == 1;
  check_weight(weight, geo.classes, self);
  DimVector unreduced_shape;
  if (self.dim() == 2) unreduced_shape.push_back(geo.batch);
  return nll_loss_impl("NllLossBackward0", self, target, weight, reduction, ignore_index, geo, unreduced_shape);
}

Tensor nll_loss2d(const Tensor& self, const Tensor& target, const Tensor& weight, int64_t reduction,
                  int64_t ignore_index) {
  check_target_dtype(target);
  XGRAD_CHECK(target.dim() == 3,
              "only batches of spatial targets supported (3D tensors) but got targets of dimension: {}", target.dim());
  XGRAD_CHECK(self.dim() == 4, "only batches of spatial inputs supported (4D tensors), but got input of dimension: {}",
              self.dim());
  XGRAD_CHECK(self.size(0) == target.size(0) && self.size(2) == target.size(1) && self.size(3) == target.size(2),
              "size mismatch (got input: {} , target: {}", format_sizes(self.sizes()), format_sizes(target.sizes()));
  NllGeometry geo;
  geo.batch = self.size(0);
  geo.classes = self.size(1);
  geo.inner = self.size(2) * self.size(3);
  check_weight(weight, geo.classes, self);
  return nll_loss_impl("NllLoss2DBackward0", self, target, weight, reduction, ignore_index, geo, DimVector(target.sizes()));
}

/// PyTorch's dispatch by rank: 1-2 dims nll_loss, 4 dims nll_loss2d, 3 or 5+ dims viewed as
/// (N, C, 1, -1) for nll_loss2d (and the 'none' result viewed back).
Tensor nll_loss_nd(const Tensor& self, const Tensor& target, const Tensor& weight, int64_t reduction,
                   int64_t ignore_index) {
  XGRAD_CHECK_T(ValueError, self.dim() >= 1, "Expected 1 or more dimensions (got {})", self.dim());
  if (self.dim() != 1 && target.dim() > 0 && self.size(0) != target.size(0))
    detail::fail<ValueError>("Expected input batch_size ({}) to match target batch_size ({}).", self.size(0),
                             target.size(0));
  if (self.dim() <= 2) return nll_loss(self, target, weight, reduction, ignore_index);
  if (self.dim() == 4) return nll_loss2d(self, target, weight, reduction, ignore_index);
  const int64_t n = self.size(0), c = self.size(1);
  DimVector out_size{n};
  for (int64_t d = 2; d < self.dim(); ++d) out_size.push_back(self.size(d));
  XGRAD_CHECK(target.sizes().equals(out_size), "Expected target size {}, got {}", format_sizes(out_size),
              format_sizes(target.sizes()));
  Tensor input_ = self.contiguous().view({n, c, 1, -1});
  Tensor target_ = target.contiguous().view({n, 1, -1});
  Tensor out = nll_loss2d(input_, target_, weight, reduction, ignore_index);
  return reduction == Reduction::None ? out.view(out_size) : out;
}

// ---- cross entropy ------------------------------------------------------------------------------

namespace {

/// The fused pair of Note [Fused cross entropy] for (N, C) or (C) logits and class indices.
Tensor fused_cross_entropy(const Tensor& self, const Tensor& target, const Tensor& weight, int64_t reduction,
                           int64_t ignore_index) {
  XGRAD_CHECK(target.dim() <= 1, "0D or 1D target tensor expected, multi-target not supported");
  check_target_dtype(target);
  const bool unbatched = self.dim() == 1;
  XGRAD_CHECK((unbatched && target.dim() == 0) || (!unbatched && self.size(0) == target.size(0)),
              "size mismatch (got input: {}, target: {})", format_sizes(self.sizes()), format_sizes(target.sizes()));
  const int64_t rows = unbatched ? 1 : self.size(0), classes = self.size(-1);
  check_weight(weight, classes, self);
  check_target_range(target, classes, ignore_index);
  ScalarType dt = self.scalar_type();
  Tensor x = detail::contiguous_raw(self), y = detail::contiguous_raw(target);
  Tensor w = weight.defined() ? detail::contiguous_raw(weight) : Tensor();
  Tensor max = detail::make_empty({rows}, dt), log_sum = detail::make_empty({rows}, dt);
  Tensor losses = detail::make_empty(unbatched ? IntArrayRef{} : IntArrayRef(rows), dt);
  Tensor row_weight = detail::make_empty({rows}, dt);
  visit_floating(dt, "log_softmax_lastdim_kernel_impl", [&](auto tag) {
    using T = decltype(tag);
    kernels::cross_entropy_forward<T>(x.data_ptr<T>(), rows, classes, y.data_ptr<int64_t>(),
                                      w.defined() ? w.data_ptr<T>() : nullptr, ignore_index, max.data_ptr<T>(),
                                      log_sum.data_ptr<T>(), losses.data_ptr<T>(), row_weight.data_ptr<T>());
  });
  Tensor out = losses, total_weight;
  if (reduction != Reduction::None) {
    // The sum (or mean) of the losses, and the total weight, without further ops.
    out = detail::make_empty({}, dt);
    total_weight = detail::make_empty({}, dt);
    visit_floating(dt, "nll_loss", [&](auto tag) {
      using T = decltype(tag);
      const auto totals = kernels::nll_reduce<T>(losses.data_ptr<T>(), y.data_ptr<int64_t>(), rows,
                                                 w.defined() ? w.data_ptr<T>() : nullptr, ignore_index);
      *total_weight.data_ptr<T>() = totals.weight;
      *out.data_ptr<T>() = reduction == Reduction::Mean ? totals.loss / totals.weight : totals.loss;  // 0 / 0 -> nan
    });
  }
  if (!autograd::compute_requires_grad({self})) return out;

  // LogSoftmaxBackward0: receives the logits' gradient from its partner and passes it on.
  auto log_softmax_node = autograd::make_node("LogSoftmaxBackward0", autograd::save(),
                                              [](const Tensor& g) -> variable_list { return {g}; });
  autograd::detail::connect_inputs(*log_softmax_node, {self});
  log_softmax_node->add_input_metadata(self);
  // NllLossBackward0: computes softmax(x) - onehot(y), scaled, for the logits.
  auto nll_node = autograd::make_node(
      "NllLossBackward0", autograd::save(self, target, max, log_sum, row_weight),
      [reduction, ignore_index, total_weight, rows, classes, unbatched](
          const Tensor& g, const Tensor& x, const Tensor& y, const Tensor& m, const Tensor& ls,
          const Tensor& rw) -> variable_list {
        if (GradMode::is_enabled()) {
          Tensor scale = reduction == Reduction::Mean ? g / total_weight : g;
          // create_graph: the same formula with differentiable ops, for double backward.
          Tensor x2 = unbatched ? x.unsqueeze(0) : x;
          Tensor onehot = zeros({rows, classes}, x.scalar_type());
          Tensor y2 = (unbatched ? y.unsqueeze(0) : y).clone();
          Tensor keep = y2 != ignore_index;
          y2.masked_fill_(y2 == ignore_index, 0);
          onehot = scatter_add(onehot, 1, y2.unsqueeze(1), ones({rows, 1}, x.scalar_type()));
          Tensor k = where(keep, rw * scale, zeros({}, x.scalar_type())).unsqueeze(1);  // ignored rows: 0, even for NaN
          Tensor gx = (softmax(x2, 1) - onehot) * k;
          return {unbatched ? gx.squeeze(0) : gx};
        }
        Tensor gx = detail::make_empty(x.sizes(), x.scalar_type());
        Tensor xc = detail::contiguous_raw(x), yc = detail::contiguous_raw(y);
        visit_floating(x.scalar_type(), "nll_loss_backward", [&](auto tag) {
          using T = decltype(tag);
          // One upstream value for a reduced loss (divided by the total weight for a mean), one
          // per row for 'none'.
          Tensor per_row = reduction == Reduction::None ? detail::contiguous_raw(detail::convert(g, x.scalar_type())) : Tensor();
          T one = T(0);
          if (reduction != Reduction::None) {
            one = static_cast<T>(g.item<double>());
            if (reduction == Reduction::Mean) one = one / total_weight.item<T>();
          }
          kernels::cross_entropy_backward<T>(xc.data_ptr<T>(), rows, classes, yc.data_ptr<int64_t>(), ignore_index,
                                             m.data_ptr<T>(), ls.data_ptr<T>(), rw.data_ptr<T>(),
                                             per_row.defined() ? per_row.data_ptr<T>() : &one, per_row.defined() ? 1 : 0,
                                             gx.data_ptr<T>());
        });
        return {gx};
      });
  nll_node->add_next_edge(Edge(log_softmax_node, 0));
  autograd::detail::note_forward_op(*nll_node, {self});
  autograd::set_history(out, nll_node, 0);
  nll_node->add_input_metadata(out);
  return out;
}

/// Cross entropy with class probabilities (target shaped like the input), composed as PyTorch
/// composes it: -(log_softmax(x) * t [* w]).sum() / (numel / C) for 'mean'.
Tensor cross_entropy_prob_target(const Tensor& self, const Tensor& target_, const Tensor& weight, int64_t reduction,
                                 double label_smoothing) {
  const int64_t class_dim = self.dim() == 1 ? 0 : 1;
  const int64_t n_classes = self.size(class_dim);
  XGRAD_CHECK(is_floating_point(target_.scalar_type()),
              "Expected floating point type for target with class probabilities, got {}",
              scalar_type_name(target_.scalar_type()));
  XGRAD_CHECK(!weight.defined() || (weight.dim() == 1 && weight.numel() == n_classes),
              "cross_entropy: weight tensor should be defined either for all {} classes or no classes but got weight "
              "tensor of shape: {}",
              n_classes, format_sizes(weight.sizes()));
  Tensor input = log_softmax(self, class_dim);
  Tensor target = target_;
  if (label_smoothing > 0.0) target = detail::add_scalar_aten(detail::mul_scalar_aten(target_, 1 - label_smoothing),
                                                               label_smoothing / static_cast<double>(n_classes));
  Tensor prod = input * target;
  if (weight.defined()) {
    DimVector shape(static_cast<size_t>(input.dim()), 1);
    if (input.dim() > 1) shape[1] = weight.size(0);
    prod = prod * (input.dim() > 1 ? weight.view(shape) : weight);
  }
  switch (reduction) {
    case Reduction::Mean:
      if (input.numel() == 0) return -prod.sum() * std::nan("");
      return detail::div_scalar_aten(-prod.sum(), static_cast<double>(input.numel() / n_classes));
    case Reduction::Sum: return -prod.sum();
    default: return -prod.sum({class_dim});
  }
}

/// Label smoothing with class indices, composed as PyTorch composes it:
/// (1 - eps) * nll_loss + (eps / C) * smooth_loss, smooth_loss = -sum_c w_c * log_softmax(x)_c.
Tensor cross_entropy_label_smoothing(const Tensor& self, const Tensor& target, const Tensor& weight, int64_t reduction,
                                     int64_t ignore_index, double label_smoothing) {
  const int64_t class_dim = self.dim() == 1 ? 0 : 1;
  Tensor input = log_softmax(self, class_dim);
  Tensor nll = nll_loss_nd(input, target, weight, reduction, ignore_index);
  const int64_t n_classes = input.size(class_dim);
  Tensor ignore_mask = target == ignore_index;
  Tensor smooth_loss;
  if (weight.defined()) {
    DimVector shape(static_cast<size_t>(input.dim()), 1);
    shape[class_dim] = weight.size(0);
    smooth_loss = -(input * weight.view(shape)).sum({class_dim});
  } else {
    smooth_loss = -input.sum({class_dim});
  }
  smooth_loss.masked_fill_(ignore_mask, 0.0);
  Tensor ret;
  switch (reduction) {
    case Reduction::Mean: {
      Tensor denom;  // the weights (or the count) of the kept targets; no gradient flows here
      {
        NoGradGuard no_grad;
        Tensor keep = logical_not(ignore_mask);
        if (weight.defined()) {
          Tensor safe = target.masked_fill(ignore_mask, 0).reshape({-1});
          denom = where(keep.reshape({-1}), weight.index_select(0, safe), zeros({}, weight.scalar_type())).sum();
        } else {
          denom = keep.sum();
        }
      }
      ret = smooth_loss.sum() / denom;
      break;
    }
    case Reduction::Sum: ret = smooth_loss.sum(); break;
    default: ret = smooth_loss; break;
  }
  return detail::mul_scalar_aten(nll, 1 - label_smoothing) +
         detail::mul_scalar_aten(ret, label_smoothing / static_cast<double>(n_classes));
}

}  // namespace

/// cross_entropy(x, y) = nll_loss(log_softmax(x, class dim), y) for class indices; the composed
/// forms for probabilities and label smoothing. See Note [Fused cross entropy].
Tensor cross_entropy_loss(const Tensor& self, const Tensor& target, const Tensor& weight, int64_t reduction,
                          int64_t ignore_index, double label_smoothing) {
  XGRAD_CHECK(label_smoothing <= 1.0, "label_smoothing must be between 0.0 and 1.0. Got: {}", label_smoothing);
  if (self.sizes().equals(target.sizes())) {
    XGRAD_CHECK(ignore_index < 0, "ignore_index is not supported for floating point target");
    return cross_entropy_prob_target(self, target, weight, reduction, label_smoothing);
  }
  if (label_smoothing > 0.0) return cross_entropy_label_smoothing(self, target, weight, reduction, ignore_index, label_smoothing);
  XGRAD_CHECK_T(ValueError, self.dim() >= 1, "Expected 1 or more dimensions (got {})", self.dim());
  if (self.dim() != 1 && target.dim() > 0 && self.size(0) != target.size(0))
    detail::fail<ValueError>("Expected input batch_size ({}) to match target batch_size ({}).", self.size(0),
                             target.size(0));
  if (self.dim() <= 2 && is_floating_point(self.scalar_type()))
    return fused_cross_entropy(self, target, weight, reduction, ignore_index);
  return nll_loss_nd(log_softmax(self, self.dim() == 1 ? 0 : 1), target, weight, reduction, ignore_index);
}

}  // namespace xgrad
