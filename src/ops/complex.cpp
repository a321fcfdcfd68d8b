// complex.cpp: what xgrad computes on complex tensors: conversions to and from the real dtypes,
// fill, the views view_as_real / view_as_complex / real / imag, abs, and a + alpha * b, a * b,
// a / b with a complex result. The maths is c10::complex's (core/complex.hpp), run by the scalar
// loops of kernels/complex.hpp. Read next: ops/elementwise.cpp, whose add/sub/mul/div come here.
//
// Note [Complex autograd]
// xgrad has no autograd on complex values (PyTorch's Wirtinger calculus is not implemented):
// a complex tensor cannot require grad (set_requires_grad refuses it), the ops here refuse inputs
// that require grad while grad mode is on, and set_history refuses any complex output, so a
// gradient through a complex value is an error, never silently wrong or missing.
#include "ops/complex.hpp"

#include "kernels/complex.hpp"
#include "ops/op_utils.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/core/shape.hpp"
#include "xgrad/core/warning.hpp"
#include "xgrad/ops/complex.hpp"

namespace xgrad {

namespace {
/// See Note [Complex autograd].
void check_no_grad(const char* op, std::initializer_list<const Tensor*> inputs) {
  if (!GradMode::is_enabled()) return;
  for (const Tensor* t : inputs)
    XGRAD_CHECK(!t->requires_grad(),
                "{}: xgrad does not support autograd through complex values; call it on a tensor that does not "
                "require grad, or under torch::NoGradGuard",
                op);
}

/// f(tag) with tag a complex<float> or complex<double>, for a complex dtype.
template <class F>
decltype(auto) visit_complex(ScalarType t, F&& f) {
  if (t == kComplexFloat) return f(complex<float>{});
  if (t == kComplexDouble) return f(complex<double>{});
  throw Error(fmt::format("internal error: {} is not a complex dtype", scalar_type_name(t)));
}

/// The complex value type of a complex dtype and its real part's type: complex<float> -> float.
template <class C>
using value_t = typename C::value_type;

/// A view of `self`'s memory with another dtype and geometry (view_as_real / view_as_complex / real / imag).
Tensor retyped_view(const Tensor& self, ScalarType dtype, DimVector sizes, DimVector strides, int64_t offset) {
  Tensor view = detail::view_of(self, std::move(sizes), std::move(strides), offset);
  view.unsafeGetTensorImpl()->dtype = dtype;
  return view;
}
}  // namespace

namespace detail {

void copy_complex(const Tensor& dst, const Tensor& src) {
  const ScalarType to = dst.scalar_type(), from = src.scalar_type();
  if (isComplexType(to) && isComplexType(from)) {
    auto loop = make_loop<2>(dst.sizes(), {&dst, &src});
    visit_complex(to, [&](auto t) {
      using To = decltype(t);
      visit_complex(from, [&](auto f) {
        using From = decltype(f);
        kernels::complex_unary<To, From>(loop, [](From z) {
          return To(static_cast<value_t<To>>(z.real()), static_cast<value_t<To>>(z.imag()));
        });
      });
    });
  } else if (isComplexType(to)) {
    // real -> complex: the value (converted to the part type as Tensor::to converts it) + 0i.
    Tensor re = convert(src, toRealValueType(to));
    auto loop = make_loop<2>(dst.sizes(), {&dst, &re});
    visit_complex(to, [&](auto t) {
      using To = decltype(t);
      using V = value_t<To>;
      kernels::complex_unary<To, V>(loop, [](V v) { return To(v, V(0)); });
    });
  } else {
    // complex -> real: the real part, as PyTorch's copy_, which warns.
    warn("Casting complex values to real discards the imaginary part");
    copy_raw(dst, xgrad::real(src));
  }
}

void fill_complex(const Tensor& t, const Scalar& value) {
  auto loop = make_loop<2>(t.sizes(), {&t, &t});
  visit_complex(t.scalar_type(), [&](auto tag) {
    using C = decltype(tag);
    const C v = scalar_cast<C>(value);
    kernels::complex_unary<C, C>(loop, [v](C) { return v; });
  });
}

Tensor complex_scalar(const Scalar& s, ScalarType dtype) {
  Tensor t = make_empty({}, dtype);
  fill_complex(t, s);
  return t;
}

namespace {
/// f(a, b) elementwise with broadcasting, a and b converted to the complex `dtype`.
template <class F>
Tensor complex_zip(const char* op, const Tensor& a, const Tensor& b, ScalarType dtype, F f) {
  check_no_grad(op, {&a, &b});
  Tensor ac = convert(a, dtype), bc = convert(b, dtype);
  DimVector shape = infer_size(a.sizes(), b.sizes());
  Tensor out = make_empty(shape, dtype);
  auto loop = make_loop<3>(shape, {&out, &ac, &bc});
  visit_complex(dtype, [&](auto tag) { kernels::complex_binary<decltype(tag)>(loop, [&f](auto x, auto y) { return f(x, y); }); });
  return out;
}
}  // namespace

Tensor complex_add(const Tensor& a, const Tensor& b, const Scalar& alpha, ScalarType dtype) {
  const complex<double> al = alpha.to<complex<double>>();
  if (al == complex<double>(1)) return complex_zip("add", a, b, dtype, [](auto x, auto y) { return x + y; });
  return complex_zip("add", a, b, dtype, [al](auto x, auto y) {
    using C = decltype(x);
    return x + C(static_cast<value_t<C>>(al.real()), static_cast<value_t<C>>(al.imag())) * y;
  });
}

Tensor complex_mul(const Tensor& a, const Tensor& b, ScalarType dtype) {
  return complex_zip("mul", a, b, dtype, [](auto x, auto y) { return x * y; });
}

Tensor complex_div(const Tensor& a, const Tensor& b, ScalarType dtype) {
  return complex_zip("div", a, b, dtype, [](auto x, auto y) { return x / y; });
}

Tensor complex_abs(const Tensor& x) {
  check_no_grad("abs", {&x});
  Tensor out = make_empty(x.sizes(), toRealValueType(x.scalar_type()));
  auto loop = make_loop<2>(x.sizes(), {&out, &x});
  visit_complex(x.scalar_type(), [&](auto tag) {
    using C = decltype(tag);
    kernels::complex_unary<value_t<C>, C>(loop, [](C z) { return std::abs(z); });
  });
  return out;
}

}  // namespace detail

// ---- views ----------------------------------------------------------------------------------

/// view_as_real(z): sizes (..., 2), every stride doubled, the parts 1 apart.
Tensor view_as_real(const Tensor& self) {
  XGRAD_CHECK(self.is_complex(), "view_as_real is only supported for complex tensors");
  check_no_grad("view_as_real", {&self});
  DimVector sizes(self.sizes()), strides;
  for (int64_t s : self.strides()) strides.push_back(2 * s);
  sizes.push_back(2);
  strides.push_back(1);
  return retyped_view(self, toRealValueType(self.scalar_type()), sizes, strides, 2 * self.storage_offset());
}

/// view_as_complex(x): x's last dim (size 2, stride 1) becomes one complex value; every other
/// stride and the offset must be whole complex elements.
Tensor view_as_complex(const Tensor& self) {
  const ScalarType t = self.scalar_type();
  XGRAD_CHECK(t == kFloat || t == kDouble || t == kHalf,
              "view_as_complex is only supported for half, float and double tensors, but got a tensor of scalar type: {}",
              scalar_type_name(t));
  XGRAD_CHECK(t != kHalf, "view_as_complex: xgrad has no complex32 (ComplexHalf) dtype");
  XGRAD_CHECK(self.dim() != 0, "Input tensor must have one or more dimensions");
  XGRAD_CHECK(self.sizes().back() == 2, "Tensor must have a last dimension of size 2");
  XGRAD_CHECK(self.strides().back() == 1, "Tensor must have a last dimension with stride 1");
  for (int64_t d = 0; d + 1 < self.dim(); ++d)
    XGRAD_CHECK(self.stride(d) % 2 == 0, "Tensor must have a stride divisible by 2 for all but last dimension");
  XGRAD_CHECK(self.storage_offset() % 2 == 0, "Tensor must have a storage_offset divisible by 2");
  check_no_grad("view_as_complex", {&self});
  DimVector sizes(self.sizes()), strides;
  sizes.pop_back();
  for (int64_t d = 0; d + 1 < self.dim(); ++d) strides.push_back(self.stride(d) / 2);
  return retyped_view(self, toComplexType(t), sizes, strides, self.storage_offset() / 2);
}

/// real(z) = view_as_real(z)[..., 0]; a real tensor is its own real part.
Tensor real(const Tensor& self) {
  if (!self.is_complex()) return self;
  check_no_grad("real", {&self});
  DimVector strides;
  for (int64_t s : self.strides()) strides.push_back(2 * s);
  return retyped_view(self, toRealValueType(self.scalar_type()), DimVector(self.sizes()), strides, 2 * self.storage_offset());
}

/// imag(z) = view_as_real(z)[..., 1].
Tensor imag(const Tensor& self) {
  XGRAD_CHECK(self.is_complex(), "imag is not implemented for tensors with non-complex dtypes.");
  check_no_grad("imag", {&self});
  DimVector strides;
  for (int64_t s : self.strides()) strides.push_back(2 * s);
  return retyped_view(self, toRealValueType(self.scalar_type()), DimVector(self.sizes()), strides, 2 * self.storage_offset() + 1);
}

}  // namespace xgrad
