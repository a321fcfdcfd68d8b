// activation_utils.hpp (internal): what the activation files share: the in-place form of an
// activation (elu_, leaky_relu_, hardtanh_, ...), and the elementwise forward and backward maths
// run over tensors with a functor of kernels/activation.hpp. Read next: activation_elu.cpp.
#pragma once

#include "kernels/activation.hpp"
#include "ops/inplace.hpp"
#include "ops/pointwise.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/ops/activation.hpp"
#include "xgrad/ops/elementwise.hpp"

namespace xgrad::detail {

/// Runs `op` (the out-of-place form) as an in-place op on `self`. Without autograd the result is
/// simply written into self (no snapshot: the optimizer's and inference's path stays one pass).
/// With it, the op is recorded as every in-place op is, by inplace.hpp's inplace_with_autograd
/// (Note [In-place ops and autograd]): op runs on a snapshot of self, and when self is a view its
/// base's history becomes a CopySlices around op's node, as in PyTorch. An op that saves its
/// result for backward (elu_ saves it as EluBackward1 does) saves op's own output, which holds the
/// same values.
template <class Op>
Tensor& activation_inplace(Tensor& self, Op&& op) {
  if (autograd::compute_requires_grad({self})) return inplace_with_autograd(self, {}, std::forward<Op>(op));
  check_inplace(self);
  Tensor result;
  {
    NoGradGuard no_grad;
    result = op(self);
  }
  copy_raw(self, result);
  self.unsafeGetTensorImpl()->storage->bump_version();
  return self;
}

/// f(x) elementwise in x's floating type, with a functor templated on the scalar type T:
/// map_typed<kernels::Elu>(x, kernel, args...) runs kernels::Elu<T>(args...). `kernel` names
/// PyTorch's kernel and says which of float16 / bfloat16 it takes (see Note [Reduced-precision
/// activations]); integer input is refused with its name.
template <template <class> class Functor, class... Args>
Tensor map_typed(const Tensor& x, const Kernel& kernel, Args... args) {
  XGRAD_CHECK(is_floating_point(x.scalar_type()), "\"{}\" not implemented for '{}'", kernel.name,
              scalar_type_name(x.scalar_type()));
  return map_floating(x, kernel, [=](auto v) {
    using T = kernels::scalar_of_t<decltype(v)>;
    return Functor<T>{args...}(v);
  });
}
/// f(g, x) elementwise with broadcasting, in g and x's promoted floating type.
template <template <class> class Functor, class... Args>
Tensor zip_typed(const Tensor& g, const Tensor& x, const Kernel& kernel, Args... args) {
  return zip_floating(g, x, result_type(g, x), kernel, [=](auto a, auto b) {
    using T = kernels::scalar_of_t<decltype(a)>;
    return Functor<T>{args...}(a, b);
  });
}
/// The same for functors that are not templates (kernels::Silu, kernels::Hardtanh{lo, hi}, ...).
template <class F>
Tensor map_with(const Tensor& x, const Kernel& kernel, F f) {
  XGRAD_CHECK(is_floating_point(x.scalar_type()), "\"{}\" not implemented for '{}'", kernel.name,
              scalar_type_name(x.scalar_type()));
  return map_floating(x, kernel, f);
}
template <class F>
Tensor zip_with(const Tensor& g, const Tensor& x, const Kernel& kernel, F f) {
  return zip_floating(g, x, result_type(g, x), kernel, f);
}

// Note [Reduced-precision activations]
// PyTorch 1.13's CPU activation kernels take bfloat16 but (softsign aside, which is composed of
// ops) never float16. Most compute a bfloat16 element in float, coefficients in float too, and
// round once (elu, leaky_relu, hardsigmoid, ...): Note [Compute dtypes]'s way, so `kBf16` below.
// A few run in bfloat16 itself, rounding the scalar arguments to bfloat16 first (threshold,
// hardshrink) or after every arithmetic step (gelu, silu): those say so where they are defined.
// hardtanh_backward (whose kernel PyTorch names "hardshrink_backward_cpu") and mish take no
// bfloat16 at all. tests/ops/test_activation_reduced_precision.cpp holds xgrad to PyTorch's bits.
inline Kernel kBf16(const char* name) { return Kernel{name, false, true}; }
inline Kernel kFloatOnly(const char* name) { return Kernel{name, false, false}; }

/// `v` rounded to a floating dtype, as ATen's `scalar.to<scalar_t>()` rounds the scalar arguments of
/// the kernels that compute in the tensor's own type (threshold, hardshrink, shrink_backward).
inline double round_to(ScalarType dtype, double v) {
  switch (dtype) {
    case kFloat: return static_cast<float>(v);
    case kBFloat16: return static_cast<float>(BFloat16(static_cast<float>(v)));
    case kHalf: return static_cast<float>(Half(static_cast<float>(v)));
    default: return v;
  }
}

}  // namespace xgrad::detail
