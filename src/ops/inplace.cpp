// inplace.cpp: the in-place ops (add_, mul_, zero_, copy_, ...). Read next: tensor_methods.cpp.
//
// Note [In-place ops and autograd]
// Without autograd (the optimizer's updates, or tensors that need no grad) an in-place op just
// writes into the tensor's storage and bumps its version (Note [Version counters]).
// With autograd, x.mul_(y) must behave for backward like x' = x * y followed by x now being x'.
// We compute the out-of-place op on a snapshot of x (a copy that keeps x's place in the graph),
// write the result into x's storage, and make x the output of the new node. The snapshot is what
// the node saves, so the values backward needs survive the overwrite. Writing into a view of a
// tensor that requires grad would also need PyTorch's CopySlices; xgrad refuses it with a clear
// error rather than computing wrong gradients.
#include "ops/pointwise.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/ops/activation.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/indexing.hpp"

namespace xgrad {

using autograd::record;
using autograd::variable_list;
using kernels::lit;

namespace {

bool can_cast(ScalarType from, ScalarType to) {
  if (is_floating_point(from) && !is_floating_point(to)) return false;
  if (from != kBool && to == kBool) return false;
  return true;
}

void check_result(const Tensor& self, IntArrayRef shape, ScalarType dtype) {
  XGRAD_CHECK(self.sizes().equals(shape), "output with shape {} doesn't match the broadcast shape {}",
              format_sizes(self.sizes()), format_sizes(shape));
  XGRAD_CHECK(can_cast(dtype, self.scalar_type()), "result type {} can't be cast to the desired output type {}",
              scalar_type_name(dtype), scalar_type_name(self.scalar_type()));
}

bool grad_needed(const Tensor& self, TensorList others) {
  return autograd::compute_requires_grad({self}) || autograd::compute_requires_grad(others);
}

/// Runs `op` (the out-of-place form) as an in-place op on `self`; see the Note above.
template <class Op>
Tensor& with_autograd(Tensor& self, Op&& op) {
  detail::check_inplace(self);
  XGRAD_CHECK(!self.is_view(),
              "xgrad does not support in-place operations on a view while autograd records them (PyTorch would "
              "record CopySlices); use the out-of-place operation instead");
  Tensor snapshot = detail::contiguous_raw(self, /*force=*/true);
  if (self.grad_fn()) autograd::set_history(snapshot, self.grad_fn(), self.output_nr());
  Tensor result = op(snapshot);
  check_result(self, result.sizes(), result.scalar_type());
  detail::copy_raw(self, result);
  self.impl()->storage->bump_version();
  if (result.grad_fn()) autograd::set_history(self, result.grad_fn(), result.output_nr());
  return self;
}

/// Inside an in-place op with autograd, an operand that is `self` itself (x.mul_(x)) is passed as
/// a second handle on self's storage and history. The node may save it without a cycle (saving
/// self would: self's grad_fn becomes that node), and since the write bumps the shared version,
/// backward refuses it with PyTorch's "modified by an inplace operation", as PyTorch does.
Tensor before(const Tensor& operand, const Tensor& self) {
  if (!operand.is_same(self)) return operand;
  Tensor alias = detail::make_view(self, DimVector(self.sizes()), DimVector(self.strides()), self.storage_offset());
  alias.unsafeGetTensorImpl()->is_view = self.is_view();
  if (self.grad_fn()) autograd::set_history(alias, self.grad_fn(), self.output_nr());
  return alias;
}

/// self = f(self, other) without autograd; `compute` is the promoted dtype.
template <class F>
Tensor& zip_raw(Tensor& self, const Tensor& other, ScalarType compute, F&& f) {
  detail::check_inplace(self);
  check_result(self, infer_size(self.sizes(), other.sizes()), compute);
  if (compute == self.scalar_type()) {
    Tensor o = detail::convert(other, compute);
    auto loop = detail::make_loop<3>(self.sizes(), {&self, &self, &o});
    visit_dtype(compute, [&](auto tag) {
      using T = decltype(tag);
      kernels::binary<T, T>(loop, f);
    });
  } else {
    detail::copy_raw(self, detail::zip(self, other, compute, f));
  }
  self.impl()->storage->bump_version();
  return self;
}

/// self = result's values without autograd (result: the out-of-place op, computed without a graph).
Tensor& assign_raw(Tensor& self, const Tensor& result) {
  detail::check_inplace(self);
  check_result(self, result.sizes(), result.scalar_type());
  detail::copy_raw(self, result);
  self.impl()->storage->bump_version();
  return self;
}

/// self = f(self) without autograd; `compute` is the dtype the scalar operand promotes to.
template <class F>
Tensor& map_raw(Tensor& self, ScalarType compute, F&& f) {
  detail::check_inplace(self);
  check_result(self, self.sizes(), compute);
  detail::map_inplace(self, f);
  self.impl()->storage->bump_version();
  return self;
}

}  // namespace

Tensor& Tensor::add_(const Tensor& other, const Scalar& alpha) {
  if (grad_needed(*this, {other})) return with_autograd(*this, [&](const Tensor& s) { return xgrad::add(s, before(other, *this), alpha); });
  if (alpha.toDouble() == 1) return zip_raw(*this, other, result_type(*this, other), [](auto a, auto b) { return a + b; });
  return zip_raw(*this, other, result_type(*this, other), [alpha](auto a, auto b) { return a + b * lit(b, alpha); });
}
Tensor& Tensor::add_(const Scalar& other, const Scalar& alpha) {
  if (grad_needed(*this, {})) return with_autograd(*this, [&](const Tensor& s) { return xgrad::add(s, other, alpha); });
  double v = other.toDouble() * alpha.toDouble();
  return map_raw(*this, result_type(*this, other), [v](auto a) { return a + lit(a, v); });
}
Tensor& Tensor::sub_(const Tensor& other, const Scalar& alpha) {
  if (grad_needed(*this, {other})) return with_autograd(*this, [&](const Tensor& s) { return xgrad::sub(s, before(other, *this), alpha); });
  return zip_raw(*this, other, result_type(*this, other), [alpha](auto a, auto b) { return a - b * lit(b, alpha); });
}
Tensor& Tensor::sub_(const Scalar& other, const Scalar& alpha) { return add_(-other, alpha); }
Tensor& Tensor::mul_(const Tensor& other) {
  if (grad_needed(*this, {other}))
    return with_autograd(*this, [&](const Tensor& s) { return xgrad::mul(s, before(other, *this)); });
  return zip_raw(*this, other, result_type(*this, other), [](auto a, auto b) { return a * b; });
}
Tensor& Tensor::mul_(const Scalar& other) {
  if (grad_needed(*this, {})) return with_autograd(*this, [&](const Tensor& s) { return xgrad::mul(s, other); });
  return map_raw(*this, result_type(*this, other), [other](auto a) { return a * lit(a, other); });
}
Tensor& Tensor::div_(const Tensor& other) {
  if (grad_needed(*this, {other}))
    return with_autograd(*this, [&](const Tensor& s) { return xgrad::div(s, before(other, *this)); });
  ScalarType t = result_type(*this, other);
  return zip_raw(*this, other, xgrad::is_floating_point(t) ? t : default_dtype(), [](auto a, auto b) { return a / b; });
}
Tensor& Tensor::div_(const Scalar& other) {
  if (grad_needed(*this, {})) return with_autograd(*this, [&](const Tensor& s) { return xgrad::div(s, other); });
  ScalarType t = result_type(*this, other);
  return map_raw(*this, xgrad::is_floating_point(t) ? t : default_dtype(), [other](auto a) { return a / lit(a, other); });
}
Tensor& Tensor::neg_() { return with_autograd(*this, [](const Tensor& s) { return xgrad::neg(s); }); }
Tensor& Tensor::exp_() { return with_autograd(*this, [](const Tensor& s) { return xgrad::exp(s); }); }
Tensor& Tensor::sqrt_() { return with_autograd(*this, [](const Tensor& s) { return xgrad::sqrt(s); }); }
Tensor& Tensor::relu_() { return with_autograd(*this, [](const Tensor& s) { return xgrad::relu(s); }); }
Tensor& relu_(Tensor& x) { return x.relu_(); }
Tensor& Tensor::clamp_(const std::optional<Scalar>& min, const std::optional<Scalar>& max) {
  return with_autograd(*this, [&](const Tensor& s) { return xgrad::clamp(s, min, max); });
}
Tensor& Tensor::clamp_min_(const Scalar& min) {
  return with_autograd(*this, [&](const Tensor& s) { return xgrad::clamp_min(s, min); });
}
Tensor& Tensor::clamp_max_(const Scalar& max) {
  return with_autograd(*this, [&](const Tensor& s) { return xgrad::clamp_max(s, max); });
}
Tensor& Tensor::masked_fill_(const Tensor& mask, const Scalar& value) {
  return with_autograd(*this, [&](const Tensor& s) { return xgrad::masked_fill(s, mask, value); });
}
Tensor& Tensor::addcmul_(const Tensor& a, const Tensor& b, const Scalar& value) {
  if (grad_needed(*this, {a, b}))
    return with_autograd(*this, [&](const Tensor& s) { return xgrad::addcmul(s, before(a, *this), before(b, *this), value); });
  return assign_raw(*this, xgrad::addcmul(*this, a, b, value));
}
Tensor& Tensor::addcdiv_(const Tensor& a, const Tensor& b, const Scalar& value) {
  if (grad_needed(*this, {a, b}))
    return with_autograd(*this, [&](const Tensor& s) { return xgrad::addcdiv(s, before(a, *this), before(b, *this), value); });
  return assign_raw(*this, xgrad::addcdiv(*this, a, b, value));
}
Tensor& Tensor::lerp_(const Tensor& end, const Scalar& weight) {
  if (grad_needed(*this, {end}))
    return with_autograd(*this, [&](const Tensor& s) { return xgrad::lerp(s, before(end, *this), weight); });
  return assign_raw(*this, xgrad::lerp(*this, end, weight));
}

/// zero_(): every element 0      d/dself = 0
Tensor& Tensor::zero_() { return fill_(0); }

/// fill_(v): every element v      d/dself = 0
Tensor& Tensor::fill_(const Scalar& value) {
  if (grad_needed(*this, {})) {
    bool zero = !value.isFloatingPoint() && value.toLong() == 0;
    return with_autograd(*this, [&](const Tensor& s) {
      return record(zero ? "ZeroBackward0" : "FillBackward2", full_like(s, value), {s},
                    [](const Tensor& g) -> variable_list { return {zeros_like(g)}; });
    });
  }
  detail::check_inplace(*this);
  detail::fill_raw(*this, value);
  impl_->storage->bump_version();
  return *this;
}

/// copy_(src): src's values (broadcast, converted) into self      d/dself = 0, d/dsrc = grad
Tensor& Tensor::copy_(const Tensor& src, bool /*non_blocking*/) {
  if (grad_needed(*this, {src})) {
    return with_autograd(*this, [&](const Tensor& s) {
      Tensor out = detail::make_empty(s.sizes(), s.scalar_type());
      Tensor from = before(src, *this);
      detail::copy_raw(out, from.expand(s.sizes()).detach());
      ScalarType src_dtype = src.scalar_type();
      return autograd::record("CopyBackwards", out, {s, from}, [src_dtype](const Tensor& g) -> variable_list {
        return {zeros_like(g), g.to(src_dtype)};
      });
    });
  }
  detail::check_inplace(*this);
  check_result(*this, infer_size(sizes(), src.sizes()), scalar_type());
  detail::copy_raw(*this, src);
  impl_->storage->bump_version();
  return *this;
}

}  // namespace xgrad
