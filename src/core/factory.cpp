// factory.cpp: creating tensors. A factory makes a fresh contiguous tensor, fills it, and marks it
// as a leaf that requires grad if the options say so.
#include "xgrad/core/factory.hpp"

#include <cmath>
#include <cstring>

#include "ops/op_utils.hpp"
#include "xgrad/core/format.hpp"

namespace xgrad {

namespace {
Tensor finish(Tensor t, const TensorOptions& options) {
  if (options.requires_grad()) t.set_requires_grad(true);
  return t;
}
ScalarType type_of(const Scalar& s) {
  return s.isFloatingPoint() ? default_dtype() : (s.isBoolean() ? kBool : kLong);
}
}  // namespace

Tensor empty(IntArrayRef size, TensorOptions options) {
  return finish(detail::make_empty(size, options.dtype()), options);
}

Tensor zeros(IntArrayRef size, TensorOptions options) {
  Tensor t = detail::make_empty(size, options.dtype());
  std::memset(t.data_ptr(), 0, t.nbytes());
  return finish(t, options);
}

Tensor ones(IntArrayRef size, TensorOptions options) { return full(size, 1, options.dtype(options.dtype())); }

Tensor full(IntArrayRef size, const Scalar& fill_value, TensorOptions options) {
  Tensor t = detail::make_empty(size, options.has_dtype() ? options.dtype() : type_of(fill_value));
  detail::fill_raw(t, fill_value);
  return finish(t, options);
}

Tensor scalar_tensor(const Scalar& s, TensorOptions options) {
  return full({}, s, options.has_dtype() ? options : options.dtype(default_dtype()));
}

namespace {
TensorOptions like(const Tensor& t, const std::optional<TensorOptions>& options) {
  if (!options) return TensorOptions(t.scalar_type());
  return options->has_dtype() ? *options : options->dtype(t.scalar_type());
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
        p[i] = static_cast<T>(start.toLong() + i * step.toLong());
      else
        p[i] = static_cast<T>(s + static_cast<double>(i) * st);
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
      p[i] = static_cast<T>(i < half ? a + step * static_cast<double>(i) : b - step * static_cast<double>(steps - i - 1));
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
    for (int64_t i = 0; i < std::min(n, m); ++i) p[i * m + i] = T(1);
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
  auto storage = Storage::wrap(data, static_cast<size_t>(extent) * element_size(options.dtype()), nullptr);
  return finish(Tensor(detail::make_pooled<TensorImpl>(storage, 0, DimVector(sizes), DimVector(strides), options.dtype())),
                options);
}

Tensor from_blob(void* data, IntArrayRef sizes, const std::function<void(void*)>& deleter, TensorOptions options) {
  int64_t n = 1;
  for (int64_t s : sizes) n *= s;
  auto storage = Storage::wrap(data, static_cast<size_t>(n) * element_size(options.dtype()), deleter);
  return finish(Tensor(detail::make_pooled<TensorImpl>(storage, 0, DimVector(sizes), contiguous_strides(sizes), options.dtype())),
                options);
}

// ---- torch::tensor ------------------------------------------------------------------------------

ScalarType TensorDataContainer::inferred_type(const Scalar& s) { return type_of(s); }

TensorDataContainer::TensorDataContainer(std::initializer_list<TensorDataContainer> list) {
  is_scalar_ = false;
  sizes_ = {static_cast<int64_t>(list.size())};
  bool first = true;
  for (const TensorDataContainer& e : list) {
    if (first) {
      sizes_.insert(sizes_.end(), e.sizes_.begin(), e.sizes_.end());
      scalar_type_ = e.scalar_type_;
      first = false;
    } else {
      XGRAD_CHECK(e.sizes_ == std::vector<int64_t>(sizes_.begin() + 1, sizes_.end()),
                  "Expected all sub-lists to have sizes: {} (e.g. {}), but got sub-list {} with sizes: {}",
                  format_sizes(std::vector<int64_t>(sizes_.begin() + 1, sizes_.end())), "...", "...",
                  format_sizes(e.sizes_));
      scalar_type_ = promote_types(scalar_type_, e.scalar_type_);
    }
    values_.insert(values_.end(), e.values_.begin(), e.values_.end());
  }
}

Tensor TensorDataContainer::convert_to_tensor(TensorOptions options) const {
  ScalarType dtype = options.has_dtype() ? options.dtype() : scalar_type_;
  Tensor t = detail::make_empty(is_scalar_ ? IntArrayRef{} : IntArrayRef(sizes_), dtype);
  visit_dtype(dtype, [&](auto tag) {
    using T = decltype(tag);
    T* p = t.data_ptr<T>();
    for (size_t i = 0; i < values_.size(); ++i) {
      if constexpr (std::is_same<T, bool>::value)
        p[i] = values_[i].toBool();
      else
        p[i] = values_[i].to<T>();
    }
  });
  return finish(t, options);
}

Tensor tensor(const TensorDataContainer& data, TensorOptions options) { return data.convert_to_tensor(options); }

}  // namespace xgrad
