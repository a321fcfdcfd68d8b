// loss_nll.cpp: nll_loss (and its 2-d and N-d forms) and cross_entropy_loss.
// Read next: src/optim/sgd.cpp (what is done with the gradients), or loss_binary.cpp.
//
// Note [Fused cross entropy]
// PyTorch computes cross entropy as nll_loss(log_softmax(x)): it writes the whole N x C
// log_softmax matrix, and in backward NllLossBackward0 hands LogSoftmaxBackward0 an N x C
// gradient for it (-w[y] * g / total weight at each target, 0 elsewhere), from which
// LogSoftmaxBackward0 computes the logits' gradient. For (N, C) and (C) inputs with class-index
// targets (no label smoothing) xgrad's forward writes neither matrix: it keeps each row's max and
// log-sum-exp, and the graph reads as PyTorch's, NllLossBackward0 -> LogSoftmaxBackward0 -> the
// logits, with the two nodes defined below.
// In backward, NllLossBackward0 looks at what can see the gradient between the two nodes: a hook
// on either node (pre-hook, post-hook, retain_grad), anomaly detection, the engine trace, or
// create_graph (which records the gradients as tensors of a new graph). If anything can, both
// nodes take PyTorch's steps: NllLossBackward0 returns PyTorch's N x C gradient, and
// LogSoftmaxBackward0 recomputes log_softmax's output from the saved row statistics and applies
// log_softmax's backward to it (under create_graph, with PyTorch's NllLossBackwardBackward0 and
// LogSoftmaxBackwardDataBackward0 nodes, that output attached to LogSoftmaxBackward0 as PyTorch's
// saved result is). If nothing can, NllLossBackward0 computes softmax(x) - onehot(y), scaled,
// straight into the logits' gradient in one pass, and tells its partner, which passes it on:
// the same numbers, with no N x C intermediate. What stays visible, and differs: the partner saves
// the logits rather than log_softmax's output, so an in-place change to the logits between
// forward and backward is refused ("modified by an inplace operation") where PyTorch, which needs
// only its saved output, would go on. See also Note [Shortcuts nobody can see] in engine.cpp.
#include <cmath>

#include "kernels/cross_entropy.hpp"
#include "kernels/nll.hpp"
#include "ops/op_utils.hpp"
#include "xgrad/autograd/anomaly_mode.hpp"
#include "xgrad/autograd/autograd_meta.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/autograd/trace.hpp"
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
using autograd::SavedTensor;
using autograd::variable_list;
using kernels::NllGeometry;

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
  if (const int64_t* bad = kernels::find_bad_target(t.data_ptr<int64_t>(), t.numel(), classes, ignore_index))
    detail::fail<IndexError>("Target {} is out of bounds.", *bad);
}

/// Which nll_loss a node belongs to: the forward ops its double backward calls again.
struct NllKind {
  const char* backward_name;  // "NllLossBackwardBackward0" or "NllLoss2DBackwardBackward0"
  Tensor (*forward)(const Tensor&, const Tensor&, const Tensor&, int64_t, int64_t);
};
constexpr NllKind kNll1d{"NllLossBackwardBackward0", nll_loss};
constexpr NllKind kNll2d{"NllLoss2DBackwardBackward0", nll_loss2d};

/// nll_loss_backward(g, self): the gradient for nll_loss's input, -w[y] * g at [b, y, j] (g over
/// the total weight for 'mean', one g per position for 'none'), 0 elsewhere: what PyTorch's
/// NllLossBackward0 returns. It is linear in g, so under create_graph it is recorded as PyTorch's
/// NllLossBackwardBackward0: d/dg = nll_loss(gg, target, weight), d/dself = zeros
/// saves: target, weight. `self` only gives the second edge; `input_sizes` its shape.
Tensor nll_loss_backward(const NllKind& kind, const Tensor& g, const Tensor& self, IntArrayRef input_sizes,
                         const NllGeometry& geo, const Tensor& target, const Tensor& weight, int64_t reduction,
                         int64_t ignore_index, const Tensor& total_weight) {
  const ScalarType dt = g.scalar_type();
  Tensor gx = zeros(input_sizes, dt);
  Tensor y = detail::contiguous_raw(target), gc = detail::contiguous_raw(g);
  Tensor w = weight.defined() ? detail::contiguous_raw(detail::convert(weight, dt)) : Tensor();
  visit_floating(dt, "nll_loss_backward", [&](auto tag) {
    using T = decltype(tag);
    const T* scale = gc.data_ptr<T>();  // one upstream value, or one per position for 'none'
    T mean_scale = T(0);
    if (reduction == Reduction::Mean) {
      mean_scale = *scale / total_weight.item<T>();
      scale = &mean_scale;
    }
    const bool per_position = reduction == Reduction::None && g.dim() > 0;
    kernels::nll_backward<T>(y.data_ptr<int64_t>(), w.defined() ? w.data_ptr<T>() : nullptr, geo, ignore_index, scale,
                             per_position ? 1 : 0, gx.data_ptr<T>());
  });
  const int64_t r = reduction, ignore = ignore_index;
  return record(kind.backward_name, gx, {g, self}, save(target, weight),
                [kind, r, ignore](const Tensor& gg, const Tensor& target, const Tensor& weight) -> variable_list {
                  return {needs_input_grad(0) ? kind.forward(gg, target, weight, r, ignore) : Tensor(),
                          needs_input_grad(1) ? zeros_like(gg) : Tensor()};
                });
}

/// The node of nll_loss / nll_loss2d. `unreduced_shape`: the shape of the per-position losses
/// (what 'none' returns). Saves: self, target, weight, total_weight (and the input sizes).
Tensor nll_loss_impl(const char* node_name, const NllKind& kind, const Tensor& self, const Tensor& target,
                     const Tensor& weight, int64_t reduction, int64_t ignore_index, const NllGeometry& geo,
                     DimVector unreduced_shape) {
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
    kernels::nll_forward<T>(x.data_ptr<T>(), y.data_ptr<int64_t>(), wp, geo, ignore_index, losses.data_ptr<T>());
    const auto totals = kernels::nll_reduce<T>(losses.data_ptr<T>(), y.data_ptr<int64_t>(), losses.numel(), wp, ignore_index);
    *total_weight.data_ptr<T>() = totals.weight;
    if (reduction != Reduction::None)  // 0 / 0 -> nan for 'mean' when nothing is kept, as PyTorch
      *out.data_ptr<T>() = reduction == Reduction::Mean ? totals.loss / totals.weight : totals.loss;
  });
  DimVector in_sizes(self.sizes());
  return record(node_name, out, {self}, save(self, target, weight, total_weight),
                [kind, in_sizes, geo, reduction, ignore_index](const Tensor& g, const Tensor& self, const Tensor& target,
                                                               const Tensor& weight,
                                                               const Tensor& total_weight) -> variable_list {
                  return {nll_loss_backward(kind, g, self, in_sizes, geo, target, weight, reduction, ignore_index,
                                            total_weight)};
                });
}

}  // namespace

/// nll_loss(x, y): -w[y_i] * x[i, y_i] per sample (0 where y_i == ignore_index), then the reduction;
/// 'mean' divides by the total weight of the kept targets.
/// d/dx[i, c] = -w[y_i] * g_i where c == y_i (g_i / total weight for 'mean'), else 0.
/// saves: x (for double backward's edge), target, weight, total weight
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
  return nll_loss_impl("NllLossBackward0", kNll1d, self, target, weight, reduction, ignore_index, geo, unreduced_shape);
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
  return nll_loss_impl("NllLoss2DBackward0", kNll2d, self, target, weight, reduction, ignore_index, geo,
                       DimVector(target.sizes()));
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

/// LogSoftmaxBackward0 of the fused pair (Note [Fused cross entropy]). It saves the logits and each
/// row's max and log-sum-exp, from which log_softmax's output can be recomputed.
/// d/dx = g - exp(y) * sum(g, dim), y = log_softmax(x): PyTorch's step, unless its partner
/// already computed the logits' gradient.
class FusedLogSoftmaxBackward final : public autograd::Node {
 public:
  FusedLogSoftmaxBackward(const Tensor& x, const Tensor& max, const Tensor& log_sum)
      : x_(x, false), max_(max, false), log_sum_(log_sum, false) {}
  std::string name() const override { return "LogSoftmaxBackward0"; }
  variable_list apply(variable_list&& grads) override {
    if (handed_logits_grad_) {  // the partner took the shortcut: this is the logits' gradient already
      handed_logits_grad_ = false;
      return {std::move(grads[0])};
    }
    const Tensor x = x_.unpack();
    return {detail::log_softmax_backward_data(grads[0], output(), x.dim() - 1)};
  }
  void release_variables() override {
    x_.reset();
    max_.reset();
    log_sum_.reset();
  }
  std::vector<const SavedTensor*> saved_tensors() const override { return {&x_, &max_, &log_sum_}; }

  /// log_softmax's output y = (x - max) - log_sum. Under create_graph it is attached to this node,
  /// as PyTorch's saved result is, so double backward flows through here.
  Tensor output() {
    Tensor x = detail::contiguous_raw(x_.unpack()), m = max_.unpack(), ls = log_sum_.unpack();
    Tensor y = detail::make_empty(x.sizes(), x.scalar_type());
    visit_floating(x.scalar_type(), "log_softmax", [&](auto tag) {
      using T = decltype(tag);
      kernels::log_softmax_from_stats<T>(x.data_ptr<T>(), m.numel(), x.dim() == 0 ? 1 : x.size(-1), m.data_ptr<T>(),
                                         ls.data_ptr<T>(), y.data_ptr<T>());
    });
    if (GradMode::is_enabled()) {
      autograd::set_history(y, shared_from_this(), 0);
      edges_handed_out_ = true;
    }
    return y;
  }
  /// May the partner hand over the logits' gradient? Only if nothing sees this node's gradients
  /// and no graph of an earlier create_graph can send gradients here too.
  bool shortcut_allowed() const { return !has_hooks() && !edges_handed_out_; }
  const SavedTensor& x() const { return x_; }
  const SavedTensor& max() const { return max_; }
  const SavedTensor& log_sum() const { return log_sum_; }

  bool handed_logits_grad_ = false;  // set by the partner for one run: grads[0] is the logits' gradient

 private:
  SavedTensor x_, max_, log_sum_;
  bool edges_handed_out_ = false;  // a create_graph backward attached tensors to this node
};

/// NllLossBackward0 of the fused pair. PyTorch's step (nll_loss_backward), or, when nothing can
/// see the difference, the logits' gradient softmax(x) - onehot(y), scaled, in one pass.
/// saves: target, weight, total weight, each row's w[y]; the partner's logits and row statistics
class FusedNllLossBackward final : public autograd::Node {
 public:
  FusedNllLossBackward(const Tensor& target, const Tensor& weight, const Tensor& total_weight,
                       const Tensor& row_weight, int64_t reduction, int64_t ignore_index, NllGeometry geo)
      : target_(target, false), weight_(weight, false), total_weight_(total_weight, false),
        row_weight_(row_weight, false), reduction_(reduction), ignore_index_(ignore_index), geo_(geo) {}
  std::string name() const override { return "NllLossBackward0"; }
  void release_variables() override {
    target_.reset();
    weight_.reset();
    total_weight_.reset();
    row_weight_.reset();
  }
  std::vector<const SavedTensor*> saved_tensors() const override {
    std::vector<const SavedTensor*> out{&target_};
    if (weight_.defined()) out.push_back(&weight_);
    if (total_weight_.defined()) out.push_back(&total_weight_);
    out.push_back(&row_weight_);
    return out;
  }

  variable_list apply(variable_list&& grads) override {
    auto& partner = static_cast<FusedLogSoftmaxBackward&>(*next_edge(0).function);
    const Tensor& g = grads[0];
    const Tensor target = target_.unpack(), weight = weight_.unpack(), total_weight = total_weight_.unpack();
    const bool watched = GradMode::is_enabled() || autograd::AnomalyMode::is_enabled() ||
                         autograd::detail::tracing() || !post_hooks().empty() || !partner.shortcut_allowed();
    partner.handed_logits_grad_ = !watched;
    if (watched) {  // PyTorch's step: the gradient for log_softmax's output
      const Tensor self = GradMode::is_enabled() ? partner.output() : Tensor();
      return {nll_loss_backward(kNll1d, g, self, partner.x().peek().sizes(), geo_, target, weight, reduction_,
                                ignore_index_, total_weight)};
    }
    const Tensor x = detail::contiguous_raw(partner.x().unpack());
    const Tensor m = partner.max().unpack(), ls = partner.log_sum().unpack(), rw = row_weight_.unpack();
    const Tensor y = detail::contiguous_raw(target);
    Tensor gx = detail::make_empty(x.sizes(), x.scalar_type());
    visit_floating(x.scalar_type(), "nll_loss_backward", [&](auto tag) {
      using T = decltype(tag);
      // One upstream value for a reduced loss (divided by the total weight for a mean), one per
      // row for 'none'.
      Tensor per_row = reduction_ == Reduction::None ? detail::contiguous_raw(detail::convert(g, x.scalar_type())) : Tensor();
      T one = T(0);
      if (reduction_ != Reduction::None) {
        one = static_cast<T>(g.item<double>());
        if (reduction_ == Reduction::Mean) one = one / total_weight.item<T>();
      }
      kernels::cross_entropy_backward<T>(x.data_ptr<T>(), geo_.batch, geo_.classes, y.data_ptr<int64_t>(),
                                         ignore_index_, m.data_ptr<T>(), ls.data_ptr<T>(), rw.data_ptr<T>(),
                                         per_row.defined() ? per_row.data_ptr<T>() : &one, per_row.defined() ? 1 : 0,
                                         gx.data_ptr<T>());
    });
    return {gx};
  }

 private:
  SavedTensor target_, weight_, total_weight_, row_weight_;
  int64_t reduction_, ignore_index_;
  NllGeometry geo_;
};

/// The fused pair of Note [Fused cross entropy] for (N, C) or (C) logits and class indices.
Tensor fused_cross_entropy(const Tensor& self, const Tensor& target, const Tensor& weight, int64_t reduction,
                           int64_t ignore_index) {
  XGRAD_CHECK(target.dim() <= 1, "0D or 1D target tensor expected, multi-target not supported");
  check_target_dtype(target);
  const bool unbatched = self.dim() == 1;
  XGRAD_CHECK((unbatched && target.dim() == 0) || (!unbatched && self.size(0) == target.size(0)),
              "size mismatch (got input: {}, target: {})", format_sizes(self.sizes()), format_sizes(target.sizes()));
  NllGeometry geo;
  geo.batch = unbatched ? 1 : self.size(0);
  geo.classes = self.size(-1);
  geo.unbatched = unbatched;
  const int64_t rows = geo.batch, classes = geo.classes;
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

  auto log_softmax_node = xgrad::detail::make_pooled<FusedLogSoftmaxBackward>(self, max, log_sum);
  autograd::detail::connect_inputs(*log_softmax_node, {self});
  log_softmax_node->add_input_metadata(self);  // its "output" (log_softmax's) has the logits' shape
  auto nll_node = xgrad::detail::make_pooled<FusedNllLossBackward>(target, weight, total_weight, row_weight, reduction,
                                                                   ignore_index, geo);
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
