// factory.cpp: creating tensors. A factory makes a fresh contiguous tensor, fills it, and marks it
// as a leaf that requires grad if the options say so.
#include "xgrad/core/factory.hpp"

#include <cmath>
#include <cstring>
#include <sstream>

#include "ops/op_utils.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/ops/sparse.hpp"

namespace xgrad {

void detail::check_tensor_options(const TensorOptions& options) {
  const Device device = options.device();
  if (device.is_cuda()) throw Error("Torch not compiled with CUDA enabled");
  XGRAD_CHECK(device.is_cpu(), "xgrad computes on the CPU only: tensors on device '{}' are not supported",
              device.str());
  if (options.layout() == kSparse)  // empty and zeros make sparse tensors before they get here
    throw Error(
        "xgrad makes sparse tensors with empty, zeros, sparse_coo_tensor and to_sparse only (xgrad/ops/sparse.hpp): "
        "this factory does not take layout Sparse");
  if (options.layout() != kStrided) {
    std::ostringstream layout;
    layout << options.layout();
    throw Error("xgrad's tensors are strided or sparse COO only: layout " + layout.str() + " is not supported");
  }
}

namespace {
Tensor finish(Tensor t, const TensorOptions& options) {
  detail::check_tensor_options(options);
  if (options.requires_grad()) t.set_requires_grad(true);
  return t;
}
ScalarType type_of(const Scalar& s) {
  if (s.isComplex()) return default_complex_dtype();
  return s.isFloatingPoint() ? default_dtype() : (s.isBoolean() ? kBool : kLong);
}
}  // namespace

Tensor empty(IntArrayRef size, TensorOptions options) {
  if (options.layout() == kSparse) return detail::sparse_empty(size, options);
  return finish(detail::make_empty(size, options.dtype()), options);
}

Tensor zeros(IntArrayRef size, TensorOptions options) {
  if (options.layout() == kSparse) return detail::sparse_empty(size, options);
  Tensor t = detail::make_empty(size, options.dtype());
  std::memset(t.data_ptr(), 0, t.nbytes());
  return finish(t, options);
}

Tensor ones(IntArrayRef size, TensorOptions options) { return full(size, 1, options.dtype(options.dtype())); }

Tensor full(IntArrayRef size, const Scalar& fill_value, TensorOptions options) {
  XGRAD_CHECK(options.layout() != kSparse, "full(...) is not implemented for sparse layout");
  Tensor t = detail::make_empty(size, options.has_dtype() ? options.dtype() : type_of(fill_value));
  detail::fill_raw(t, detail::checked_scalar_in(fill_value, t.scalar_type()));  // as fill_: 1000 into int8 throws
  return finish(t, options);
}

Tensor scalar_tensor(const Scalar& s, TensorOptions options) {
  return full({}, s, options.has_dtype() ? options : options.dtype(default_dtype()));
}

namespace {
TensorOptions like(const Tensor& t, const std::optional<TensorOptions>& options) {
  // A sparse tensor's likes are sparse, as PyTorch's (empty_like, zeros_like).
  TensorOptions o = options ? *options : TensorOptions();
  if (!o.has_layout()) o = o.layout(t.layout());
  return o.has_dtype() ? o : o.dtype(t.scalar_type());
}
}  // namespace

Tensor empty_like(const Tensor& t, std::optional<TensorOptions> options) { return empty(t.sizes(), like(t, options)); }
Tensor zeros_like(const Tensor& t, std::optional<TensorOptions> options) { return zeros(t.sizes(), like(t, options)); }
Tensor ones_like(const Tensor& t, std::optional<TensorOptions> options) { return ones(t.sizes(), like(t, options)); }
Tensor full_like(const Tensor& t, const Scalar& v, std::optional<TensorOptions> options) {
  return full(t.sizes(), v, like(t, options));
}

Tensor arange(const Scalar& end, TensorOptions options) { return arange(0, end, 1, options); }
Tensor arange(const Scalar& start, const Scalar& end, TensorOptions options) { return arange(start, end, 1, options); }

Tensor arange(const Scalar& start, const Scalar& end, const Scalar& step, TensorOptions options) {
  bool integral = !start.isFloatingPoint() && !end.isFloatingPoint() && !step.isFloatingPoint();
  ScalarType dtype = options.has_dtype() ? options.dtype() : (integral ? kLong : default_dtype());
  double s = start.toDouble(), e = end.toDouble(), st = step.toDouble();
  XGRAD_CHECK(st != 0, "step must be nonzero");
  XGRAD_CHECK(std::isfinite(s) && std::isfinite(e), "unsupported range: {} -> {}", s, e);
  XGRAD_CHECK((st > 0 && e >= s) || (st < 0 && e <= s), "upper bound and larger bound inconsistent with step sign");
  int64_t n = integral ? (end.toLong() - start.toLong() + step.toLong() - (step.toLong() > 0 ? 1 : -1)) / step.toLong()
                       : static_cast<int64_t>(std::ceil((e - s) / st));
  Tensor t = detail::make_empty({std::max<int64_t>(n, 0)}, dtype);
  visit_dtype(dtype, [&](auto tag) {
    using T = decltype(tag);
    T* p = t.data_ptr<T>();
    for (int64_t i = 0; i < n; ++i) {
      if (integral)
        p[i] = detail::convert<T>(start.toLong() + i * step.toLong());
      else
        p[i] = detail::convert<T>(s + static_cast<double>(i) * st);
    }
  });
  return finish(t, options);
}

Tensor linspace(const Scalar& start, const Scalar& end, int64_t steps, TensorOptions options) {
  XGRAD_CHECK(steps >= 0, "number of steps must be non-negative");
  Tensor t = detail::make_empty({steps}, options.dtype());
  double a = start.toDouble(), b = end.toDouble();
  double step = steps > 1 ? (b - a) / static_cast<double>(steps - 1) : 0;
  int64_t half = steps / 2;
  visit_dtype(options.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* p = t.data_ptr<T>();
    // As PyTorch: the first half counts up from start, the second half down from end.
    for (int64_t i = 0; i < steps; ++i)
      p[i] = detail::convert<T>(i < half ? a + step * static_cast<double>(i) : b - step * static_cast<double>(steps - i - 1));
  });
  return finish(t, options);
}

Tensor eye(int64_t n, TensorOptions options) { return eye(n, n, options); }

Tensor eye(int64_t n, int64_t m, TensorOptions options) {
  XGRAD_CHECK(n >= 0, "n must be greater or equal to 0, got {}", n);
  XGRAD_CHECK(m >= 0, "m must be greater or equal to 0, got {}", m);
  Tensor t = zeros({n, m}, options.dtype());
  visit_dtype(options.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* p = t.data_ptr<T>();
    for (int64_t i = 0; i < std::min(n, m); ++i) p[i * m + i] = detail::convert<T>(1);
  });
  return finish(t, options);
}

Tensor from_blob(void* data, IntArrayRef sizes, TensorOptions options) {
  return from_blob(data, sizes, contiguous_strides(sizes), options);
}

Tensor from_blob(void* data, IntArrayRef sizes, IntArrayRef strides, TensorOptions options) {
  XGRAD_CHECK(sizes.size() == strides.size(), "from_blob: sizes and strides must have the same length");
  int64_t extent = 1;
  for (size_t i = 0; i < sizes.size(); ++i) extent += (sizes[i] - 1) * strides[i];
  auto storage = StorageImpl::wrap(data, static_cast<size_t>(extent) * element_size(options.dtype()), nullptr);
  return finish(Tensor(detail::make_pooled<TensorImpl>(storage, 0, DimVector(sizes), DimVector(strides), options.dtype())),
                options);
}

Tensor from_blob(void* data, IntArrayRef sizes, const std::function<void(void*)>& deleter, TensorOptions options) {
  int64_t n = 1;
  for (int64_t s : sizes) n *= s;
  auto storage = StorageImpl::wrap(data, static_cast<size_t>(n) * element_size(options.dtype()), deleter);
  return finish(Tensor(detail::make_pooled<TensorImpl>(storage, 0, DimVector(sizes), contiguous_strides(sizes), options.dtype())),
                options);
}

// ---- torch::tensor ------------------------------------------------------------------------------

namespace {
/// c10's PrintSequence: sizes in messages read "2 3".
std::string sizes_text(const std::vector<int64_t>& sizes) {
  std::string s;
  for (size_t i = 0; i < sizes.size(); ++i) s += (i ? " " : "") + std::to_string(sizes[i]);
  return s;
}
std::string text_of(const TensorDataContainer& c) {
  std::ostringstream os;
  c.pretty_print_recursive(os);
  return os.str();
}
/// The dtype torch::tensor gives data of C++ type `t` when the options name none.
ScalarType desired_dtype(ScalarType t) {
  if (t == kInt || t == kLong) return kLong;
  if (t == kFloat || t == kDouble) return default_dtype();
  return t;
}
/// Prints one value as libtorch does (`stream << value.to<scalar_t>()`): uint8/int8 as characters,
/// bools as 1/0, float16/bfloat16 as float.
void print_value(std::ostream& os, const Scalar& v, ScalarType t) {
  if (isComplexType(t)) {
    os << v.to<complex<double>>();
    return;
  }
  visit_dtype(t, [&](auto tag) { os << v.to<decltype(tag)>(); });
}
}  // namespace

TensorDataContainer::TensorDataContainer() : sizes_{0}, scalar_type_(default_dtype()), type_(Type::InitList) {}

TensorDataContainer::TensorDataContainer(std::initializer_list<TensorDataContainer> list)
    : scalar_type_(list.begin()->scalar_type()), type_(Type::InitList), init_list_(list) {
  const TensorDataContainer& first = *list.begin();
  for (const TensorDataContainer& e : list) {
    XGRAD_CHECK(e.sizes_ == first.sizes_, "Expected all sub-lists to have sizes: {} (e.g. {}), but got sub-list {} with sizes: {}",
                sizes_text(first.sizes_), text_of(first), text_of(e), sizes_text(e.sizes_));
    XGRAD_CHECK(e.scalar_type_ == first.scalar_type_,
                "Expected all elements of the tensor to have the same scalar type: {}, but got element of scalar type: {}",
                scalar_type_name(first.scalar_type_), scalar_type_name(e.scalar_type_));
  }
  sizes_.push_back(static_cast<int64_t>(list.size()));
  sizes_.insert(sizes_.end(), first.sizes_.begin(), first.sizes_.end());
  for (const TensorDataContainer& e : list) {
    if (e.is_tensor()) {  // a vector inside a braced list: its values, as numbers
      Tensor t = e.tensor_;
      for (int64_t i = 0; i < t.numel(); ++i) values_.push_back(t[i].item());
    } else {
      values_.insert(values_.end(), e.values_.begin(), e.values_.end());
    }
  }
}

TensorDataContainer::TensorDataContainer(const void* data, size_t n, ScalarType type, size_t element_bytes)
    : sizes_{static_cast<int64_t>(n)}, scalar_type_(type), type_(Type::Tensor) {
  // The values as a tensor of their own type (a copy: the vector need not outlive the container).
  tensor_ = detail::make_empty({static_cast<int64_t>(n)}, type);
  XGRAD_CHECK(element_bytes == element_size(type), "TensorDataContainer: unsupported C++ element type");
  if (n > 0) std::memcpy(tensor_.data_ptr(), data, n * element_bytes);
}

const Scalar& TensorDataContainer::scalar() const {
  XGRAD_CHECK(is_scalar(), "Can only call `scalar()` on a TensorDataContainer that has `is_scalar() == true`");
  return scalar_;
}
const std::initializer_list<TensorDataContainer>& TensorDataContainer::init_list() const {
  XGRAD_CHECK(is_init_list(), "Can only call `init_list()` on a TensorDataContainer that has `is_init_list() == true`");
  return init_list_;
}
const Tensor& TensorDataContainer::tensor() const {
  XGRAD_CHECK(is_tensor(), "Can only call `tensor()` on a TensorDataContainer that has `is_tensor() == true`");
  return tensor_;
}

Tensor TensorDataContainer::convert_to_tensor(TensorOptions options) const {
  if (!options.has_dtype()) options = options.dtype(desired_dtype(scalar_type_));
  const ScalarType dtype = options.dtype();
  Tensor t;
  if (is_tensor()) {
    XGRAD_CHECK(!isComplexType(scalar_type_) || isComplexType(dtype),
                "can not do torch::tensor(complex, dtype=non-complex) because complex can not be casted to real number "
                "without loss of information");
    t = detail::convert(tensor_, dtype);  // Tensor::to: no overflow check, integers wrap
    if (t.is_same(tensor_)) t = detail::contiguous_raw(tensor_, /*force=*/true);
  } else {
    // A number or a braced list fills element by element, each checked as fill_ checks it.
    t = detail::make_empty(is_scalar() ? IntArrayRef{} : IntArrayRef(sizes_), dtype);
    auto fill = [&](auto tag) {
      using T = decltype(tag);
      T* p = t.data_ptr<T>();
      for (size_t i = 0; i < values_.size(); ++i) p[i] = values_[i].to<T>();
    };
    if (dtype == kComplexFloat) fill(complex<float>{});
    else if (dtype == kComplexDouble) fill(complex<double>{});
    else visit_dtype(dtype, fill);
  }
  return finish(t, options);
}

void TensorDataContainer::pretty_print_recursive(std::ostream& stream) const {
  if (is_scalar()) {
    print_value(stream, scalar_, scalar_type_);
  } else if (is_init_list()) {
    stream << "{";
    for (auto it = init_list_.begin(); it != init_list_.end(); ++it) {
      if (it != init_list_.begin()) stream << ", ";
      it->pretty_print_recursive(stream);
    }
    stream << "}";
  } else {
    stream << "{";
    for (int64_t i = 0; i < tensor_.numel(); ++i) {
      if (i) stream << ", ";
      print_value(stream, tensor_[i].item(), scalar_type_);
    }
    stream << "}";
  }
}

std::ostream& operator<<(std::ostream& stream, const TensorDataContainer& data) {
  data.pretty_print_recursive(stream);
  return stream;
}

Tensor tensor(const TensorDataContainer& data, TensorOptions options) { return data.convert_to_tensor(options); }

Tensor aten::tensor_from_values(const void* data, size_t n, ScalarType type, const TensorOptions& options) {
  const ScalarType dtype = options.dtype();
  // ATen copies with AT_DISPATCH_ALL_TYPES_AND_COMPLEX over the result dtype (AT_DISPATCH_COMPLEX_TYPES
  // for complex values): bool, float16 and bfloat16 results are not among them.
  const bool taken = isComplexType(type) ? isComplexType(dtype)
                                         : (dtype != kBool && dtype != kHalf && dtype != kBFloat16);
  XGRAD_CHECK(taken, "\"tensor_cpu\" not implemented for '{}'", scalar_type_name(dtype));
  Tensor values = detail::make_empty({static_cast<int64_t>(n)}, type);
  if (n > 0) std::memcpy(values.data_ptr(), data, n * element_size(type));
  Tensor t = detail::convert(values, dtype);
  return finish(t, options);
}

}  // namespace xgrad
