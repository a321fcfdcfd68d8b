// activation_utils.hpp (internal): what the activation files share: the in-place form of an
// activation (elu_, leaky_relu_, hardtanh_, ...), and the elementwise forward and backward maths
// run over tensors with a functor of kernels/activation.hpp. Read next: activation_elu.cpp.
#pragma once

#include "kernels/activation.hpp"
#include "ops/pointwise.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/ops/activation.hpp"
#include "xgrad/ops/elementwise.hpp"

namespace xgrad::detail {

/// Runs `op` (the out-of-place form) as an in-place op on `self`, the way inplace.cpp's in-place
/// ops are recorded (Note [In-place ops and autograd]): without autograd the result is written
/// into self; with it, op runs on a snapshot of self that keeps self's place in the graph, the
/// result is written into self's storage, and self becomes the output of op's node. An op that
/// saves its result for backward (elu_ saves it as EluBackward1 does) saves op's own output, which
/// holds the same values.
template <class Op>
Tensor& activation_inplace(Tensor& self, Op&& op) {
  check_inplace(self);
  if (!autograd::compute_requires_grad({self})) {
    Tensor result;
    {
      NoGradGuard no_grad;
      result = op(self);
    }
    copy_raw(self, result);
    self.unsafeGetTensorImpl()->storage->bump_version();
    return self;
  }
  XGRAD_CHECK(!self.is_view(),
              "xgrad does not support in-place operations on a view while autograd records them (PyTorch would "
              "record CopySlices); use the out-of-place operation instead");
  Tensor snapshot = contiguous_raw(self, /*force=*/true);
  if (self.grad_fn()) autograd::set_history(snapshot, self.grad_fn(), self.output_nr());
  Tensor result = op(snapshot);
  copy_raw(self, result);
  self.unsafeGetTensorImpl()->storage->bump_version();
  if (result.grad_fn()) autograd::set_history(self, result.grad_fn(), result.output_nr());
  return self;
}

/// f(x) elementwise in x's floating type, with a functor templated on the scalar type T:
/// map_typed<kernels::Elu>(x, args...) runs kernels::Elu<T>(args...) (refuses integer input with
/// `name`, PyTorch's kernel name).
template <template <class> class Functor, class... Args>
Tensor map_typed(const Tensor& x, const char* name, Args... args) {
  XGRAD_CHECK(is_floating_point(x.scalar_type()), "\"{}\" not implemented for '{}'", name,
              scalar_type_name(x.scalar_type()));
  return map_floating(x, Kernel{name}, [=](auto v) {
    using T = kernels::scalar_of_t<decltype(v)>;
    return Functor<T>{args...}(v);
  });
}
/// f(g, x) elementwise with broadcasting, in g and x's promoted floating type.
template <template <class> class Functor, class... Args>
Tensor zip_typed(const Tensor& g, const Tensor& x, const char* name, Args... args) {
  return zip_floating(g, x, result_type(g, x), Kernel{name}, [=](auto a, auto b) {
    using T = kernels::scalar_of_t<decltype(a)>;
    return Functor<T>{args...}(a, b);
  });
}
/// The same for functors that are not templates (kernels::Silu, kernels::Hardtanh{lo, hi}, ...).
template <class F>
Tensor map_with(const Tensor& x, const char* name, F f) {
  XGRAD_CHECK(is_floating_point(x.scalar_type()), "\"{}\" not implemented for '{}'", name,
              scalar_type_name(x.scalar_type()));
  return map_floating(x, Kernel{name}, f);
}
template <class F>
Tensor zip_with(const Tensor& g, const Tensor& x, const char* name, F f) {
  return zip_floating(g, x, result_type(g, x), Kernel{name}, f);
}

}  // namespace xgrad::detail
