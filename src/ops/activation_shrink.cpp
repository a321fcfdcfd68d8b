// activation_shrink.cpp: the shrinkage functions softshrink and hardshrink, which zero a band
// around 0, and glu, the gated linear unit that halves a dim. Each is one node with a backward
// node of its own (SoftshrinkBackwardBackward0, ..., GluBackwardBackward0), as in PyTorch.
// Read next: nn/functional/activation.cpp.
#include "ops/activation_utils.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/ops/activation.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

using autograd::needs_input_grad;
using autograd::record;
using autograd::save;
using autograd::variable_list;

namespace {
/// The backward of both shrinks: g outside [-lambda, lambda], else 0. Recorded as `name`
/// (SoftshrinkBackwardBackward0 or HardshrinkBackwardBackward0).
/// d/dg = shrink_backward(gg, x), d/dx = 0      saves: x
Tensor shrink_backward(const char* name, const Tensor& g, const Tensor& x, const Scalar& lambd) {
  Tensor out = detail::zip_with(g, x, detail::kBf16("shrink_backward_cpu"), kernels::ShrinkBackward{detail::round_to(result_type(g, x), lambd.toDouble())});
  return record(name, out, {g, x}, save(x), [name, lambd](const Tensor& gg, const Tensor& x) -> variable_list {
    return {needs_input_grad(0) ? shrink_backward(name, gg, x, lambd) : Tensor(),
            needs_input_grad(1) ? zeros_like(gg) : Tensor()};
  });
}
}  // namespace

/// softshrink(x) = x - lambda for x > lambda, x + lambda for x < -lambda, else 0
/// d/dx = grad outside [-lambda, lambda], else 0      saves: x
Tensor softshrink(const Tensor& x, const Scalar& lambd) {
  XGRAD_CHECK(lambd.toDouble() >= 0, "lambda must be greater or equal to 0, but found to be {}.", lambd.toDouble());
  Tensor y = detail::map_with(x, detail::kBf16("softshrink_cpu"), kernels::Softshrink{lambd.toDouble()});
  return record("SoftshrinkBackward0", y, {x}, save(x), [lambd](const Tensor& g, const Tensor& x) -> variable_list {
    return {shrink_backward("SoftshrinkBackwardBackward0", g, x, lambd)};
  });
}

/// hardshrink(x) = 0 for -lambda <= x <= lambda, else x
/// d/dx = grad outside [-lambda, lambda], else 0      saves: x
Tensor hardshrink(const Tensor& x, const Scalar& lambd) {
  Tensor y = detail::map_with(x, detail::kBf16("hardshrink_cpu"), kernels::Hardshrink{detail::round_to(x.scalar_type(), lambd.toDouble())});
  return record("HardshrinkBackward0", y, {x}, save(x), [lambd](const Tensor& g, const Tensor& x) -> variable_list {
    return {shrink_backward("HardshrinkBackwardBackward0", g, x, lambd)};
  });
}

// ---- glu -----------------------------------------------------------------------------------------

namespace {
/// The two halves of x along dim: (a, b).
std::pair<Tensor, Tensor> halves(const Tensor& x, int64_t dim) {
  const int64_t n = x.size(dim) / 2;
  return {x.narrow(dim, 0, n), x.narrow(dim, n, n)};
}

/// d/dx of glu_backward(g, x) times gg (PyTorch's glu_double_backward): with s = sigmoid(b),
/// ggA, ggB the halves of gg:
///   d/da = ggB g s (1 - s)
///   d/db = ggB a g (s (1 - s)(1 - s) - s s (1 - s)) + ggA g s (1 - s)
Tensor glu_double_backward(const Tensor& gg, const Tensor& g, const Tensor& x, int64_t dim) {
  auto [a, b] = halves(x, dim);
  auto [gg_a, gg_b] = halves(gg, dim);
  Tensor s = sigmoid(b);
  Tensor one_minus_s = 1 - s;
  Tensor s_one_minus_s = s * one_minus_s;
  Tensor ga = gg_b * g * s_one_minus_s;
  Tensor second_order = s_one_minus_s * one_minus_s - s * s_one_minus_s;
  Tensor gb = gg_b * a * g * second_order + gg_a * g * s_one_minus_s;
  return cat({ga, gb}, dim);
}

/// d/dg of glu_backward(g, x) times gg: the two halves of gg * glu_backward(1, x), added.
Tensor glu_double_backward_grad_output(const Tensor& gg, const Tensor& x, int64_t dim) {
  DimVector sizes(x.sizes());
  sizes[static_cast<size_t>(dim)] /= 2;
  Tensor tmp = gg * glu_backward(ones(sizes, x.scalar_type()), x, dim);
  auto [first, second] = halves(tmp, dim);
  return first + second;
}
}  // namespace

/// glu_backward(g, x) = cat(g * s, g * a * s * (1 - s)) along dim, s = sigmoid(b)
/// d/dg = glu_double_backward_grad_output(gg, x), d/dx = glu_double_backward(gg, g, x)      saves: g, x
Tensor glu_backward(const Tensor& grad_output, const Tensor& self, int64_t dim) {
  dim = maybe_wrap_dim(dim, self.dim());
  Tensor out;
  {
    NoGradGuard no_grad;
    auto [a, b] = halves(self, dim);
    Tensor s = sigmoid(b);
    if (result_type(grad_output, self) == kBFloat16) {
      // ATen's bfloat16 kernel: s rounded to bfloat16, then (1 - s) s a g in float, rounded once
      Tensor sf = s.to(kFloat);
      out = cat({grad_output * s, ((1 - sf) * sf * a.to(kFloat) * grad_output.to(kFloat)).to(kBFloat16)}, dim);
    } else {
      out = cat({grad_output * s, grad_output * a * s * (1 - s)}, dim);
    }
  }
  return record("GluBackwardBackward0", out, {grad_output, self}, save(grad_output, self),
                [dim](const Tensor& gg, const Tensor& g, const Tensor& x) -> variable_list {
                  return {needs_input_grad(0) ? glu_double_backward_grad_output(gg, x, dim) : Tensor(),
                          needs_input_grad(1) ? glu_double_backward(gg, g, x, dim) : Tensor()};
                });
}

/// glu(x, dim) = a * sigmoid(b), where a and b are the first and second halves of x along dim
/// d/dx = glu_backward(grad, x, dim)      saves: x
Tensor glu(const Tensor& self, int64_t dim) {
  XGRAD_CHECK(self.dim() > 0, "glu does not support scalars because halving size must be even");
  dim = maybe_wrap_dim(dim, self.dim());
  XGRAD_CHECK(self.size(dim) % 2 == 0, "Halving dimension must be even, but dimension {} is size {}", dim, self.size(dim));
  XGRAD_CHECK(is_floating_point(self.scalar_type()) && self.scalar_type() != kHalf, "\"glu_cpu\" not implemented for '{}'",
              scalar_type_name(self.scalar_type()));
  Tensor y;
  {
    NoGradGuard no_grad;
    auto [a, b] = halves(self, dim);
    // bfloat16 computes in float and rounds once (Note [Reduced-precision activations])
    y = self.scalar_type() == kBFloat16 ? (a.to(kFloat) * sigmoid(b.to(kFloat))).to(kBFloat16) : a * sigmoid(b);
  }
  return record("GluBackward0", y, {self}, save(self),
                [dim](const Tensor& g, const Tensor& x) -> variable_list { return {glu_backward(g, x, dim)}; });
}

}  // namespace xgrad
