// inplace.cpp: the in-place ops (add_, mul_, zero_, copy_, ...), recorded as Note [In-place ops
// and autograd] in inplace.hpp says. Read next: tensor_methods.cpp.
#include "ops/inplace.hpp"

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
using kernels::vfma;

void detail::check_inplace_result(const Tensor& self, IntArrayRef shape, ScalarType dtype) {
  XGRAD_CHECK(self.sizes().equals(shape), "output with shape {} doesn't match the broadcast shape {}",
              format_sizes(self.sizes()), format_sizes(shape));
  XGRAD_CHECK(canCast(dtype, self.scalar_type()), "result type {} can't be cast to the desired output type {}",
              scalar_type_name(dtype), scalar_type_name(self.scalar_type()));
}

void detail::assert_no_internal_overlap(const Tensor& self) {
  for (int64_t d = 0; d < self.dim(); ++d)
    XGRAD_CHECK(self.sizes()[d] <= 1 || self.strides()[d] != 0,
                "unsupported operation: more than one element of the written-to tensor refers to a single memory "
                "location. Please clone() the tensor before performing the operation.");
}

Tensor detail::alias_for_inplace(const Tensor& operand, const Tensor& self) {
  if (!operand.is_same(self)) return operand;
  Tensor alias = make_view(self, DimVector(self.sizes()), DimVector(self.strides()), self.storage_offset());
  if (const auto& fn = self.grad_fn()) autograd::set_history(alias, fn, self.output_nr());
  return alias;
}

namespace {

using detail::check_inplace_result;

bool grad_needed(const Tensor& self, TensorList others) {
  return autograd::compute_requires_grad({self}) || autograd::compute_requires_grad(others);
}

/// See Note [In-place ops and autograd] in inplace.hpp.
template <class Op>
Tensor& with_autograd(Tensor& self, Op&& op, std::initializer_list<Tensor> others = {}) {
  detail::assert_no_internal_overlap(self);
  return detail::inplace_with_autograd(self, others, std::forward<Op>(op));
}

Tensor before(const Tensor& operand, const Tensor& self) { return detail::alias_for_inplace(operand, self); }

/// Whether self's dtype is one the kernels compute in, so the raw in-place paths below can write
/// into it directly (Note [Compute dtypes] in pointwise.hpp).
bool computes_in_place(const Tensor& self) { return detail::compute_dtype(self.scalar_type()) == self.scalar_type(); }

/// self = op(self) without autograd for the other dtypes (int8, float16, ...): the out-of-place op
/// (which converts operands as PyTorch does), written back into self.
template <class Op>
Tensor& via_out_of_place(Tensor& self, Op&& op) {
  detail::check_inplace(self);
  Tensor result;
  {
    NoGradGuard no_grad;
    result = op(self);
  }
  detail::check_inplace_result(self, result.sizes(), result.scalar_type());
  detail::copy_raw(self, result);
  self.impl()->storage->bump_version();
  return self;
}

/// self = f(self, other) without autograd; `compute` is the promoted dtype.
template <class F>
Tensor& zip_raw(Tensor& self, const Tensor& other, ScalarType compute, F&& f) {
  detail::check_inplace(self);
  detail::assert_no_internal_overlap(self);
  check_inplace_result(self, infer_size(self.sizes(), other.sizes()), compute);
  if (compute == self.scalar_type()) {
    Tensor o = detail::convert(other, compute);
    auto loop = detail::make_loop<3>(self.sizes(), {&self, &self, &o});
    detail::visit_compute(compute, [&](auto tag) {
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
  detail::assert_no_internal_overlap(self);
  check_inplace_result(self, result.sizes(), result.scalar_type());
  detail::copy_raw(self, result);
  self.impl()->storage->bump_version();
  return self;
}

/// self = f(self) without autograd; `compute` is the dtype the scalar operand promotes to.
template <class F>
Tensor& map_raw(Tensor& self, ScalarType compute, F&& f) {
  detail::check_inplace(self);
  detail::assert_no_internal_overlap(self);
  check_inplace_result(self, self.sizes(), compute);
  detail::map_inplace(self, f);
  self.impl()->storage->bump_version();
  return self;
}

}  // namespace

Tensor& Tensor::add_(const Tensor& other, const Scalar& alpha) const {
  if (grad_needed(mutable_this(), {other})) return with_autograd(mutable_this(), [&](const Tensor& s) { return xgrad::add(s, before(other, mutable_this()), alpha); }, {other});
  if (!computes_in_place(mutable_this()) || !computes_in_place(other) || !this->is_floating_point())
    return via_out_of_place(mutable_this(), [&](const Tensor& s) { return xgrad::add(s, other, alpha); });
  if (alpha.toDouble() == 1) return zip_raw(mutable_this(), other, result_type(mutable_this(), other), [](auto a, auto b) { return a + b; });
  // a + alpha * b as one fused multiply-add, as PyTorch's add kernel.
  return zip_raw(mutable_this(), other, result_type(mutable_this(), other), [alpha](auto a, auto b) { return vfma(b, lit(b, alpha), a); });
}
Tensor& Tensor::add_(const Scalar& other, const Scalar& alpha) const {
  if (grad_needed(mutable_this(), {})) return with_autograd(mutable_this(), [&](const Tensor& s) { return xgrad::add(s, other, alpha); });
  if (!computes_in_place(mutable_this()) || !this->is_floating_point())
    return via_out_of_place(mutable_this(), [&](const Tensor& s) { return xgrad::add(s, other, alpha); });
  double v = other.toDouble() * alpha.toDouble();
  return map_raw(mutable_this(), result_type(mutable_this(), other), [v](auto a) { return a + lit(a, v); });
}
Tensor& Tensor::sub_(const Tensor& other, const Scalar& alpha) const {
  if (grad_needed(mutable_this(), {other})) return with_autograd(mutable_this(), [&](const Tensor& s) { return xgrad::sub(s, before(other, mutable_this()), alpha); }, {other});
  if (!computes_in_place(mutable_this()) || !computes_in_place(other) || !this->is_floating_point())
    return via_out_of_place(mutable_this(), [&](const Tensor& s) { return xgrad::sub(s, other, alpha); });
  Scalar neg_alpha = -alpha;
  return zip_raw(mutable_this(), other, result_type(mutable_this(), other), [neg_alpha](auto a, auto b) { return vfma(b, lit(b, neg_alpha), a); });
}
Tensor& Tensor::sub_(const Scalar& other, const Scalar& alpha) const { return add_(-other, alpha); }
Tensor& Tensor::mul_(const Tensor& other) const {
  if (grad_needed(mutable_this(), {other}))
    return with_autograd(mutable_this(), [&](const Tensor& s) { return xgrad::mul(s, before(other, mutable_this())); }, {other});
  if (!computes_in_place(mutable_this()) || !computes_in_place(other))
    return via_out_of_place(mutable_this(), [&](const Tensor& s) { return xgrad::mul(s, other); });
  return zip_raw(mutable_this(), other, result_type(mutable_this(), other), [](auto a, auto b) { return a * b; });
}
Tensor& Tensor::mul_(const Scalar& other) const {
  if (grad_needed(mutable_this(), {})) return with_autograd(mutable_this(), [&](const Tensor& s) { return xgrad::mul(s, other); });
  if (!computes_in_place(mutable_this())) return via_out_of_place(mutable_this(), [&](const Tensor& s) { return xgrad::mul(s, other); });
  return map_raw(mutable_this(), result_type(mutable_this(), other), [other](auto a) { return a * lit(a, other); });
}
Tensor& Tensor::div_(const Tensor& other) const {
  if (grad_needed(mutable_this(), {other}))
    return with_autograd(mutable_this(), [&](const Tensor& s) { return xgrad::div(s, before(other, mutable_this())); }, {other});
  if (!computes_in_place(mutable_this()) || !computes_in_place(other))
    return via_out_of_place(mutable_this(), [&](const Tensor& s) { return xgrad::div(s, other); });
  ScalarType t = result_type(mutable_this(), other);
  return zip_raw(mutable_this(), other, xgrad::is_floating_point(t) ? t : default_dtype(), [](auto a, auto b) { return a / b; });
}
Tensor& Tensor::div_(const Scalar& other) const {
  if (grad_needed(mutable_this(), {})) return with_autograd(mutable_this(), [&](const Tensor& s) { return xgrad::div(s, other); });
  if (!computes_in_place(mutable_this())) return via_out_of_place(mutable_this(), [&](const Tensor& s) { return xgrad::div(s, other); });
  ScalarType t = result_type(mutable_this(), other);
  return map_raw(mutable_this(), xgrad::is_floating_point(t) ? t : default_dtype(), [other](auto a) { return a / lit(a, other); });
}
Tensor& Tensor::neg_() const { return with_autograd(mutable_this(), [](const Tensor& s) { return xgrad::neg(s); }); }
Tensor& Tensor::exp_() const { return with_autograd(mutable_this(), [](const Tensor& s) { return xgrad::exp(s); }); }
Tensor& Tensor::sqrt_() const { return with_autograd(mutable_this(), [](const Tensor& s) { return xgrad::sqrt(s); }); }
Tensor& Tensor::relu_() const { return with_autograd(mutable_this(), [](const Tensor& s) { return xgrad::relu(s); }); }
Tensor& relu_(Tensor& x) { return x.relu_(); }
Tensor& Tensor::tanh_() const { return with_autograd(mutable_this(), [](const Tensor& s) { return xgrad::tanh(s); }); }
Tensor& Tensor::sigmoid_() const { return with_autograd(mutable_this(), [](const Tensor& s) { return xgrad::sigmoid(s); }); }
Tensor& Tensor::clamp_(const std::optional<Scalar>& min, const std::optional<Scalar>& max) const {
  return with_autograd(mutable_this(), [&](const Tensor& s) { return xgrad::clamp(s, min, max); });
}
Tensor& Tensor::clamp_min_(const Scalar& min) const {
  return with_autograd(mutable_this(), [&](const Tensor& s) { return xgrad::clamp_min(s, min); });
}
Tensor& Tensor::clamp_max_(const Scalar& max) const {
  return with_autograd(mutable_this(), [&](const Tensor& s) { return xgrad::clamp_max(s, max); });
}
Tensor& Tensor::masked_fill_(const Tensor& mask, const Scalar& value) const {
  return with_autograd(mutable_this(), [&](const Tensor& s) { return xgrad::masked_fill(s, mask, value); });
}
Tensor& Tensor::addcmul_(const Tensor& a, const Tensor& b, const Scalar& value) const {
  if (grad_needed(mutable_this(), {a, b}))
    return with_autograd(mutable_this(), [&](const Tensor& s) { return xgrad::addcmul(s, before(a, mutable_this()), before(b, mutable_this()), value); }, {a, b});
  return assign_raw(mutable_this(), xgrad::addcmul(mutable_this(), a, b, value));
}
Tensor& Tensor::addcdiv_(const Tensor& a, const Tensor& b, const Scalar& value) const {
  if (grad_needed(mutable_this(), {a, b}))
    return with_autograd(mutable_this(), [&](const Tensor& s) { return xgrad::addcdiv(s, before(a, mutable_this()), before(b, mutable_this()), value); }, {a, b});
  return assign_raw(mutable_this(), xgrad::addcdiv(mutable_this(), a, b, value));
}
Tensor& Tensor::lerp_(const Tensor& end, const Scalar& weight) const {
  if (grad_needed(mutable_this(), {end}))
    return with_autograd(mutable_this(), [&](const Tensor& s) { return xgrad::lerp(s, before(end, mutable_this()), weight); }, {end});
  return assign_raw(mutable_this(), xgrad::lerp(mutable_this(), end, weight));
}

namespace {
/// self = value everywhere, recorded as `name` (ZeroBackward0 or FillBackward2)      d/dself = 0
Tensor& fill_scalar(Tensor& self, const Scalar& value, const char* name) {
  if (grad_needed(self, {})) {
    return detail::inplace_with_autograd(self, {}, [&](const Tensor& s) {
      return record(name, full_like(s, value), {s}, [](const Tensor& g) -> variable_list { return {zeros_like(g)}; });
    });
  }
  detail::check_inplace(self);
  detail::fill_raw(self, detail::checked_scalar_in(value, self.scalar_type()));  // 1000 into int8 throws, as in PyTorch
  self.unsafeGetTensorImpl()->storage->bump_version();
  return self;
}
}  // namespace

/// zero_(): every element 0      d/dself = 0
Tensor& Tensor::zero_() const { return fill_scalar(mutable_this(), 0, "ZeroBackward0"); }

/// fill_(v): every element v      d/dself = 0
Tensor& Tensor::fill_(const Scalar& value) const { return fill_scalar(mutable_this(), value, "FillBackward2"); }

/// fill_(v) with a 0-d tensor v      d/dself = 0, d/dv = sum(grad)
Tensor& Tensor::fill_(const Tensor& value) const {
  XGRAD_CHECK(value.dim() == 0,
              "fill_ only supports 0-dimension value tensor but got tensor with {} dimensions.", value.dim());
  if (!grad_needed(mutable_this(), {value})) return fill_scalar(mutable_this(), value.item(), "FillBackward2");
  return detail::inplace_with_autograd(mutable_this(), {value}, [&](const Tensor& s) {
    Tensor out = detail::make_empty(s.sizes(), s.scalar_type());
    detail::copy_raw(out, value);
    return record("FillBackward3", out, {s, before(value, mutable_this())},
                  [](const Tensor& g) -> variable_list { return {zeros_like(g), g.sum()}; });
  });
}

/// copy_(src): src's values (broadcast, converted) into self      d/dself = 0, d/dsrc = grad
/// Into an integer or bool tensor nothing is recorded: that result is not differentiable.
Tensor& Tensor::copy_(const Tensor& src, bool /*non_blocking*/) const {
  if (isFloatingType(scalar_type()) && grad_needed(mutable_this(), {src})) {
    return with_autograd(mutable_this(), [&](const Tensor& s) {
      Tensor out = detail::make_empty(s.sizes(), s.scalar_type());
      Tensor from = before(src, mutable_this());
      detail::copy_raw(out, from.expand(s.sizes()).detach());
      ScalarType src_dtype = src.scalar_type();
      return autograd::record("CopyBackwards", out, {s, from}, [src_dtype](const Tensor& g) -> variable_list {
        return {zeros_like(g), g.to(src_dtype)};
      });
    }, {src});
  }
  detail::check_inplace(mutable_this());
  detail::assert_no_internal_overlap(mutable_this());
  check_inplace_result(mutable_this(), infer_size(sizes(), src.sizes()), scalar_type());
  detail::copy_raw(mutable_this(), src);
  impl_->storage->bump_version();
  return mutable_this();
}

}  // namespace xgrad
