// tensor_methods.cpp: Tensor's methods, each forwarding to the free function of the same name
// (x.exp() is exp(x)); the maths lives in src/ops/. Also the operators and element access.
#include "xgrad/core/tensor.hpp"

#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/ops/activation.hpp"
#include "xgrad/ops/complex.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/indexing.hpp"
#include "xgrad/ops/linalg.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/shape_ops.hpp"
#include "ops/op_utils.hpp"

namespace xgrad {

int64_t Tensor::size(int64_t dim) const {
  XGRAD_CHECK_T(IndexError, this->dim() > 0, "dimension specified as {} but tensor has no dimensions", dim);
  return impl_->sizes[maybe_wrap_dim(dim, this->dim())];
}
int64_t Tensor::stride(int64_t dim) const {
  XGRAD_CHECK_T(IndexError, this->dim() > 0, "dimension specified as {} but tensor has no dimensions", dim);
  return impl_->strides[maybe_wrap_dim(dim, this->dim())];
}

template <class T>
T* Tensor::data_ptr() const {
  XGRAD_CHECK(CppTypeToScalarType<T>::value == dtype(), "expected scalar type {} but found {}",
              scalar_type_name(CppTypeToScalarType<T>::value), scalar_type_name(dtype()));
  return impl_->data_as<T>();
}

Scalar Tensor::item() const {
  XGRAD_CHECK_T(ValueError, numel() == 1, "only one element tensors can be converted to Python scalars");
  if (dtype() == kComplexFloat) return Scalar(*impl_->data_as<complex<float>>());
  if (dtype() == kComplexDouble) return Scalar(*impl_->data_as<complex<double>>());
  return visit_dtype(dtype(), [&](auto tag) { return Scalar(*impl_->data_as<decltype(tag)>()); });
}
/// item<T>() is item().to<T>(), so a value that does not fit T throws, as in libtorch.
template <class T>
T Tensor::item() const {
  return item().to<T>();
}

#define XGRAD_INSTANTIATE_ELEMENT_ACCESS(T) \
  template T* Tensor::data_ptr<T>() const;  \
  template T Tensor::item<T>() const;
XGRAD_INSTANTIATE_ELEMENT_ACCESS(uint8_t)
XGRAD_INSTANTIATE_ELEMENT_ACCESS(int8_t)
XGRAD_INSTANTIATE_ELEMENT_ACCESS(int16_t)
XGRAD_INSTANTIATE_ELEMENT_ACCESS(int32_t)
XGRAD_INSTANTIATE_ELEMENT_ACCESS(int64_t)
XGRAD_INSTANTIATE_ELEMENT_ACCESS(Half)
XGRAD_INSTANTIATE_ELEMENT_ACCESS(float)
XGRAD_INSTANTIATE_ELEMENT_ACCESS(double)
XGRAD_INSTANTIATE_ELEMENT_ACCESS(bool)
XGRAD_INSTANTIATE_ELEMENT_ACCESS(BFloat16)
XGRAD_INSTANTIATE_ELEMENT_ACCESS(complex<float>)
XGRAD_INSTANTIATE_ELEMENT_ACCESS(complex<double>)
#undef XGRAD_INSTANTIATE_ELEMENT_ACCESS

Tensor Tensor::to(ScalarType dtype, bool, bool copy) const { return to_dtype(*this, dtype, copy); }
Tensor Tensor::to(TensorOptions options, bool, bool copy) const {
  XGRAD_CHECK(!options.requires_grad(),  // libtorch's generated wrapper of to(options)
              "Operators taking TensorOptions cannot take a TensorOptions with options.requires_grad set as true. "
              "This isn't implemented yet.");
  detail::check_tensor_options(options);
  return options.has_dtype() ? to_dtype(*this, options.dtype(), copy) : (copy ? clone() : *this);
}
Tensor Tensor::to(Device device, ScalarType dtype, bool, bool copy) const {
  detail::check_tensor_options(TensorOptions(device));
  return to_dtype(*this, dtype, copy);
}
Tensor Tensor::to(const Tensor& other, bool non_blocking, bool copy) const {
  return to(other.device(), other.scalar_type(), non_blocking, copy);
}
Tensor Tensor::contiguous() const { return xgrad::contiguous(*this); }
Tensor Tensor::clone() const { return xgrad::clone(*this); }

Tensor Tensor::view(IntArrayRef size) const { return xgrad::view(*this, size); }
Tensor Tensor::view_as(const Tensor& o) const { return xgrad::view(*this, o.sizes()); }
Tensor Tensor::reshape(IntArrayRef shape) const { return xgrad::reshape(*this, shape); }
Tensor Tensor::reshape_as(const Tensor& o) const { return xgrad::reshape(*this, o.sizes()); }
Tensor Tensor::flatten(int64_t s, int64_t e) const { return xgrad::flatten(*this, s, e); }
Tensor Tensor::t() const { return xgrad::t(*this); }
Tensor Tensor::transpose(int64_t a, int64_t b) const { return xgrad::transpose(*this, a, b); }
Tensor Tensor::real() const { return xgrad::real(*this); }
Tensor Tensor::imag() const { return xgrad::imag(*this); }
Tensor Tensor::mT() const {
  XGRAD_CHECK(dim() >= 2, "tensor.mT is only supported on matrices or batches of matrices. Got {}-D tensor.", dim());
  return xgrad::transpose(*this, -2, -1);
}
Tensor Tensor::mH() const {
  if (is_complex()) throw_not_implemented_for(dtype(), "mH (conjugation)");
  XGRAD_CHECK(dim() >= 2, "tensor.mH is only supported on matrices or batches of matrices. Got {}-D tensor.", dim());
  return xgrad::transpose(*this, -2, -1);
}
Tensor Tensor::adjoint() const { return xgrad::adjoint(*this); }
Tensor Tensor::permute(IntArrayRef dims) const { return xgrad::permute(*this, dims); }
Tensor Tensor::slice(int64_t dim, std::optional<int64_t> s, std::optional<int64_t> e, int64_t step) const {
  return xgrad::slice(*this, dim, s, e, step);
}
Tensor Tensor::narrow(int64_t dim, int64_t start, int64_t length) const { return xgrad::narrow(*this, dim, start, length); }
Tensor Tensor::select(int64_t dim, int64_t index) const { return xgrad::select(*this, dim, index); }
Tensor Tensor::squeeze() const { return xgrad::squeeze(*this); }
Tensor Tensor::squeeze(int64_t dim) const { return xgrad::squeeze(*this, dim); }
Tensor Tensor::unsqueeze(int64_t dim) const { return xgrad::unsqueeze(*this, dim); }
Tensor Tensor::expand(IntArrayRef size, bool) const { return xgrad::expand(*this, size); }
Tensor Tensor::expand_as(const Tensor& o) const { return xgrad::expand(*this, o.sizes()); }
Tensor Tensor::repeat(IntArrayRef repeats) const { return xgrad::repeat(*this, repeats); }
std::vector<Tensor> Tensor::unbind(int64_t dim) const { return xgrad::unbind(*this, dim); }
std::vector<Tensor> Tensor::split(int64_t size, int64_t dim) const { return xgrad::split(*this, size, dim); }
std::vector<Tensor> Tensor::split_with_sizes(IntArrayRef sizes, int64_t dim) const {
  return xgrad::split_with_sizes(*this, sizes, dim);
}
std::vector<Tensor> Tensor::chunk(int64_t chunks, int64_t dim) const { return xgrad::chunk(*this, chunks, dim); }

Tensor Tensor::index_select(int64_t dim, const Tensor& index) const { return xgrad::index_select(*this, dim, index); }
Tensor Tensor::gather(int64_t dim, const Tensor& index) const { return xgrad::gather(*this, dim, index); }
Tensor Tensor::scatter_add(int64_t dim, const Tensor& index, const Tensor& src) const {
  return xgrad::scatter_add(*this, dim, index, src);
}
Tensor Tensor::masked_fill(const Tensor& mask, const Scalar& v) const { return xgrad::masked_fill(*this, mask, v); }
Tensor Tensor::masked_fill(const Tensor& mask, const Tensor& v) const { return xgrad::masked_fill(*this, mask, v); }
Tensor Tensor::where(const Tensor& condition, const Tensor& other) const { return xgrad::where(condition, *this, other); }

Tensor Tensor::add(const Tensor& o, const Scalar& alpha) const { return xgrad::add(*this, o, alpha); }
Tensor Tensor::add(const Scalar& o, const Scalar& alpha) const { return xgrad::add(*this, o, alpha); }
Tensor Tensor::sub(const Tensor& o, const Scalar& alpha) const { return xgrad::sub(*this, o, alpha); }
Tensor Tensor::sub(const Scalar& o, const Scalar& alpha) const { return xgrad::sub(*this, o, alpha); }
Tensor Tensor::mul(const Tensor& o) const { return xgrad::mul(*this, o); }
Tensor Tensor::mul(const Scalar& o) const { return xgrad::mul(*this, o); }
Tensor Tensor::div(const Tensor& o) const { return xgrad::div(*this, o); }
Tensor Tensor::div(const Scalar& o) const { return xgrad::div(*this, o); }
Tensor Tensor::div(const Tensor& o, std::optional<std::string_view> mode) const { return xgrad::div(*this, o, mode); }
Tensor Tensor::div(const Scalar& o, std::optional<std::string_view> mode) const { return xgrad::div(*this, o, mode); }
Tensor Tensor::floor_divide(const Tensor& o) const { return xgrad::floor_divide(*this, o); }
Tensor Tensor::floor_divide(const Scalar& o) const { return xgrad::floor_divide(*this, o); }
Tensor Tensor::neg() const { return xgrad::neg(*this); }
Tensor Tensor::exp() const { return xgrad::exp(*this); }
Tensor Tensor::log() const { return xgrad::log(*this); }
Tensor Tensor::log1p() const { return xgrad::log1p(*this); }
Tensor Tensor::sqrt() const { return xgrad::sqrt(*this); }
Tensor Tensor::rsqrt() const { return xgrad::rsqrt(*this); }
Tensor Tensor::abs() const { return xgrad::abs(*this); }
Tensor Tensor::sign() const { return xgrad::sign(*this); }
Tensor Tensor::square() const { return xgrad::square(*this); }
Tensor Tensor::reciprocal() const { return xgrad::reciprocal(*this); }
Tensor Tensor::sin() const { return xgrad::sin(*this); }
Tensor Tensor::cos() const { return xgrad::cos(*this); }
Tensor Tensor::erf() const { return xgrad::erf(*this); }
Tensor Tensor::erfc() const { return xgrad::erfc(*this); }
Tensor Tensor::round() const { return xgrad::round(*this); }
Tensor Tensor::floor() const { return xgrad::floor(*this); }
Tensor Tensor::ceil() const { return xgrad::ceil(*this); }
Tensor Tensor::trunc() const { return xgrad::trunc(*this); }
Tensor Tensor::remainder(const Tensor& o) const { return xgrad::remainder(*this, o); }
Tensor Tensor::remainder(const Scalar& o) const { return xgrad::remainder(*this, o); }
Tensor Tensor::pow(const Scalar& e) const { return xgrad::pow(*this, e); }
Tensor Tensor::pow(const Tensor& e) const { return xgrad::pow(*this, e); }
Tensor Tensor::clamp(const std::optional<Scalar>& min, const std::optional<Scalar>& max) const {
  return xgrad::clamp(*this, min, max);
}
Tensor Tensor::clamp_min(const Scalar& min) const { return xgrad::clamp_min(*this, min); }
Tensor Tensor::clamp_max(const Scalar& max) const { return xgrad::clamp_max(*this, max); }
Tensor Tensor::maximum(const Tensor& o) const { return xgrad::maximum(*this, o); }
Tensor Tensor::minimum(const Tensor& o) const { return xgrad::minimum(*this, o); }
Tensor Tensor::xlogy(const Tensor& o) const { return xgrad::xlogy(*this, o); }
Tensor Tensor::relu() const { return xgrad::relu(*this); }
Tensor Tensor::sigmoid() const { return xgrad::sigmoid(*this); }
Tensor Tensor::tanh() const { return xgrad::tanh(*this); }
Tensor Tensor::eq(const Tensor& o) const { return xgrad::eq(*this, o); }
Tensor Tensor::eq(const Scalar& o) const { return xgrad::eq(*this, o); }
Tensor Tensor::ne(const Tensor& o) const { return xgrad::ne(*this, o); }
Tensor Tensor::ne(const Scalar& o) const { return xgrad::ne(*this, o); }
Tensor Tensor::lt(const Tensor& o) const { return xgrad::lt(*this, o); }
Tensor Tensor::lt(const Scalar& o) const { return xgrad::lt(*this, o); }
Tensor Tensor::le(const Tensor& o) const { return xgrad::le(*this, o); }
Tensor Tensor::le(const Scalar& o) const { return xgrad::le(*this, o); }
Tensor Tensor::gt(const Tensor& o) const { return xgrad::gt(*this, o); }
Tensor Tensor::gt(const Scalar& o) const { return xgrad::gt(*this, o); }
Tensor Tensor::ge(const Tensor& o) const { return xgrad::ge(*this, o); }
Tensor Tensor::ge(const Scalar& o) const { return xgrad::ge(*this, o); }
Tensor Tensor::logical_not() const { return xgrad::logical_not(*this); }
Tensor Tensor::isnan() const { return xgrad::isnan(*this); }
Tensor Tensor::isinf() const { return xgrad::isinf(*this); }
Tensor Tensor::isfinite() const { return xgrad::isfinite(*this); }
bool Tensor::equal(const Tensor& o) const { return xgrad::equal(*this, o); }
bool Tensor::allclose(const Tensor& o, double rtol, double atol, bool equal_nan) const {
  return xgrad::allclose(*this, o, rtol, atol, equal_nan);
}

Tensor Tensor::sum(std::optional<ScalarType> dtype) const { return xgrad::sum(*this, dtype); }
Tensor Tensor::sum(IntArrayRef dim, bool keepdim, std::optional<ScalarType> dtype) const {
  return xgrad::sum(*this, dim, keepdim, dtype);
}
Tensor Tensor::mean(std::optional<ScalarType> dtype) const { return xgrad::mean(*this, dtype); }
Tensor Tensor::mean(IntArrayRef dim, bool keepdim, std::optional<ScalarType> dtype) const {
  return xgrad::mean(*this, dim, keepdim, dtype);
}
Tensor Tensor::max() const { return xgrad::max(*this); }
std::tuple<Tensor, Tensor> Tensor::max(int64_t dim, bool keepdim) const { return xgrad::max(*this, dim, keepdim); }
Tensor Tensor::min() const { return xgrad::min(*this); }
std::tuple<Tensor, Tensor> Tensor::min(int64_t dim, bool keepdim) const { return xgrad::min(*this, dim, keepdim); }
Tensor Tensor::amax(IntArrayRef dim, bool keepdim) const { return xgrad::amax(*this, dim, keepdim); }
Tensor Tensor::amin(IntArrayRef dim, bool keepdim) const { return xgrad::amin(*this, dim, keepdim); }
Tensor Tensor::argmax(std::optional<int64_t> dim, bool keepdim) const { return xgrad::argmax(*this, dim, keepdim); }
Tensor Tensor::argmin(std::optional<int64_t> dim, bool keepdim) const { return xgrad::argmin(*this, dim, keepdim); }
Tensor Tensor::logsumexp(IntArrayRef dim, bool keepdim) const { return xgrad::logsumexp(*this, dim, keepdim); }
Tensor Tensor::var(bool unbiased) const { return xgrad::var(*this, unbiased); }
Tensor Tensor::var(OptionalIntArrayRef dim, bool unbiased, bool keepdim) const {
  return xgrad::var(*this, dim, unbiased, keepdim);
}
Tensor Tensor::var(OptionalIntArrayRef dim, std::optional<int64_t> correction, bool keepdim) const {
  return xgrad::var(*this, dim, correction, keepdim);
}
Tensor Tensor::std(bool unbiased) const { return xgrad::std(*this, unbiased); }
Tensor Tensor::std(OptionalIntArrayRef dim, bool unbiased, bool keepdim) const {
  return xgrad::std(*this, dim, unbiased, keepdim);
}
Tensor Tensor::std(OptionalIntArrayRef dim, std::optional<int64_t> correction, bool keepdim) const {
  return xgrad::std(*this, dim, correction, keepdim);
}
Tensor Tensor::norm(const Scalar& p) const { return xgrad::norm(*this, p); }
Tensor Tensor::norm(const std::optional<Scalar>& p, IntArrayRef dim, bool keepdim) const {
  return xgrad::norm(*this, p, dim, keepdim);
}
Tensor Tensor::softmax(int64_t dim, std::optional<ScalarType> dtype) const { return xgrad::softmax(*this, dim, dtype); }
Tensor Tensor::log_softmax(int64_t dim, std::optional<ScalarType> dtype) const {
  return xgrad::log_softmax(*this, dim, dtype);
}
Tensor Tensor::all() const { return xgrad::all(*this); }
Tensor Tensor::any() const { return xgrad::any(*this); }
Tensor Tensor::sum_to_size(IntArrayRef size) const { return xgrad::sum_to(*this, size); }

Tensor Tensor::matmul(const Tensor& o) const { return xgrad::matmul(*this, o); }
Tensor Tensor::mm(const Tensor& o) const { return xgrad::mm(*this, o); }
Tensor Tensor::bmm(const Tensor& o) const { return xgrad::bmm(*this, o); }
Tensor Tensor::baddbmm(const Tensor& b1, const Tensor& b2, const Scalar& beta, const Scalar& alpha) const {
  return xgrad::baddbmm(*this, b1, b2, beta, alpha);
}
Tensor Tensor::addbmm(const Tensor& b1, const Tensor& b2, const Scalar& beta, const Scalar& alpha) const {
  return xgrad::addbmm(*this, b1, b2, beta, alpha);
}
Tensor Tensor::mv(const Tensor& v) const { return xgrad::mv(*this, v); }
Tensor Tensor::dot(const Tensor& o) const { return xgrad::dot(*this, o); }

Tensor operator-(const Tensor& x) { return neg(x); }
Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
Tensor operator+(const Tensor& a, const Scalar& b) { return add(a, b); }
Tensor operator+(const Scalar& a, const Tensor& b) { return add(b, a); }
Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
Tensor operator-(const Tensor& a, const Scalar& b) { return sub(a, b); }
Tensor operator-(const Scalar& a, const Tensor& b) { return rsub(b, a); }
Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
Tensor operator*(const Tensor& a, const Scalar& b) { return mul(a, b); }
Tensor operator*(const Scalar& a, const Tensor& b) { return mul(b, a); }
Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
Tensor operator/(const Tensor& a, const Scalar& b) { return div(a, b); }
Tensor operator/(const Scalar& a, const Tensor& b) { return mul(reciprocal(b), a); }
Tensor operator%(const Tensor& a, const Tensor& b) { return remainder(a, b); }
Tensor operator%(const Tensor& a, const Scalar& b) { return remainder(a, b); }
Tensor operator%(const Scalar& a, const Tensor& b) { return remainder(full_like(b, a), b); }
Tensor operator==(const Tensor& a, const Tensor& b) { return eq(a, b); }
Tensor operator==(const Tensor& a, const Scalar& b) { return eq(a, b); }
Tensor operator!=(const Tensor& a, const Tensor& b) { return ne(a, b); }
Tensor operator!=(const Tensor& a, const Scalar& b) { return ne(a, b); }
Tensor operator<(const Tensor& a, const Tensor& b) { return lt(a, b); }
Tensor operator<(const Tensor& a, const Scalar& b) { return lt(a, b); }
Tensor operator<=(const Tensor& a, const Tensor& b) { return le(a, b); }
Tensor operator<=(const Tensor& a, const Scalar& b) { return le(a, b); }
Tensor operator>(const Tensor& a, const Tensor& b) { return gt(a, b); }
Tensor operator>(const Tensor& a, const Scalar& b) { return gt(a, b); }
Tensor operator>=(const Tensor& a, const Tensor& b) { return ge(a, b); }
Tensor operator>=(const Tensor& a, const Scalar& b) { return ge(a, b); }
Tensor operator~(const Tensor& a) {
  XGRAD_CHECK(a.scalar_type() == kBool, "bitwise_not is only implemented here for bool tensors");
  return logical_not(a);
}

}  // namespace xgrad
