// out.cpp: the out= forms of the arithmetic ops (add_out, sub_out, mul_out, div_out), which write
// their result into a tensor the caller gives, as ATen's TensorIterator does for `out=`: the
// output is resized to the result's shape when it differs (with PyTorch's deprecation warning if
// it had elements), must be able to hold the result's dtype, and must not partly overlap an
// input. They are not differentiable: with grad mode on, no argument may require grad.
// Read next: inplace.cpp.
#include <cstdint>

#include "ops/inplace.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/core/warning.hpp"
#include "xgrad/ops/elementwise.hpp"

namespace xgrad {

namespace {

/// ATen's overlap check between an output and an input (get_overlap_status): for two contiguous
/// tensors on one storage, the same memory is fine (x.mul_out(x, y) reads each element before
/// writing it), part of it is an error. Other layouts are too hard to tell and pass, as in ATen.
void assert_no_partial_overlap(const Tensor& out, const Tensor& input) {
  if (!out.has_storage() || !input.has_storage() || !out.is_alias_of(input)) return;
  if (!out.is_contiguous() || !input.is_contiguous() || out.numel() == 0 || input.numel() == 0) return;
  const int64_t a = out.storage_offset(), b = input.storage_offset();
  const int64_t a_end = a + out.numel(), b_end = b + input.numel();
  if (a == b && a_end == b_end) return;
  XGRAD_CHECK(a_end <= b || b_end <= a,
              "unsupported operation: some elements of the input tensor and the written-to tensor refer to a single "
              "memory location. Please clone() the tensor before performing the operation.");
}

/// out = op(self, other): PyTorch's checks in its order (autograd, then the iterator's overlap,
/// dtype and shape), then the write and one version bump.
template <class Op>
Tensor& out_impl(const char* name, Tensor& out, const Tensor& self, const Tensor& other, Op&& op) {
  XGRAD_CHECK(!(GradMode::is_enabled() && (self.requires_grad() || other.requires_grad() || out.requires_grad())),
              "{}(): functions with out=... arguments don't support automatic differentiation, but one of the "
              "arguments requires grad.",
              name);
  // An inference tensor written outside InferenceMode: PyTorch's error, before anything changes.
  if (out.is_inference() && !InferenceMode::is_enabled()) out.unsafeGetTensorImpl()->bump_version();
  assert_no_partial_overlap(out, self);
  assert_no_partial_overlap(out, other);
  Tensor result;
  {
    NoGradGuard no_grad;
    result = op(self, other);
  }
  XGRAD_CHECK(canCast(result.scalar_type(), out.scalar_type()), "result type {} can't be cast to the desired output type {}",
              scalar_type_name(result.scalar_type()), scalar_type_name(out.scalar_type()));
  if (!out.sizes().equals(result.sizes())) {
    if (out.numel() != 0)  // ATen's resize_output
      warn(fmt::format(
          "An output with one or more elements was resized since it had shape {}, which does not match the required "
          "output shape {}. This behavior is deprecated, and in a future PyTorch release outputs will not be resized "
          "unless they have zero elements. You can explicitly reuse an out tensor t by resizing it, inplace, to zero "
          "elements with t.resize_(0).",
          format_sizes(out.sizes()), format_sizes(result.sizes())));
    out.resize_(result.sizes());
  } else {
    detail::assert_no_internal_overlap(out);
  }
  detail::copy_raw(out, result);
  out.unsafeGetTensorImpl()->bump_version();
  return out;
}

}  // namespace

Tensor& add_out(Tensor& out, const Tensor& self, const Tensor& other, const Scalar& alpha) {
  return out_impl("add", out, self, other, [&](const Tensor& a, const Tensor& b) { return add(a, b, alpha); });
}
Tensor& sub_out(Tensor& out, const Tensor& self, const Tensor& other, const Scalar& alpha) {
  return out_impl("sub", out, self, other, [&](const Tensor& a, const Tensor& b) { return sub(a, b, alpha); });
}
Tensor& mul_out(Tensor& out, const Tensor& self, const Tensor& other) {
  return out_impl("mul", out, self, other, [](const Tensor& a, const Tensor& b) { return mul(a, b); });
}
Tensor& div_out(Tensor& out, const Tensor& self, const Tensor& other) {
  return out_impl("div", out, self, other, [](const Tensor& a, const Tensor& b) { return div(a, b); });
}

}  // namespace xgrad
