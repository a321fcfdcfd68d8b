// scalar.hpp: Scalar, one number of any kind (libtorch's c10::Scalar). It is how `x + 1`,
// `x.fill_(0.5)` and `torch::full({2}, 3)` take plain C++ numbers. A Scalar remembers whether it
// was a bool, an integer, a floating or a complex value, because that decides type promotion.
// to<T>() checks, as c10 does, that the value fits T ("value cannot be converted to type int8_t
// without overflow"); kernels that must wrap as PyTorch's tensor arithmetic does use
// detail::scalar_cast<T>. Read next: storage.hpp.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "xgrad/core/convert.hpp"
#include "xgrad/core/dtype.hpp"

namespace xgrad {

namespace detail {
/// c10's name for T in overflow messages.
template <class T> constexpr const char* checked_type_name() { return "scalar"; }
template <> constexpr const char* checked_type_name<uint8_t>() { return "uint8_t"; }
template <> constexpr const char* checked_type_name<int8_t>() { return "int8_t"; }
template <> constexpr const char* checked_type_name<int16_t>() { return "int16_t"; }
template <> constexpr const char* checked_type_name<int32_t>() { return "int"; }
template <> constexpr const char* checked_type_name<int64_t>() { return "int64_t"; }
template <> constexpr const char* checked_type_name<Half>() { return "at::Half"; }
template <> constexpr const char* checked_type_name<float>() { return "float"; }
template <> constexpr const char* checked_type_name<double>() { return "double"; }
template <> constexpr const char* checked_type_name<bool>() { return "bool"; }
template <> constexpr const char* checked_type_name<BFloat16>() { return "at::BFloat16"; }
template <> constexpr const char* checked_type_name<complex<float>>() { return "c10::complex<float>"; }
template <> constexpr const char* checked_type_name<complex<double>>() { return "c10::complex<double>"; }
}  // namespace detail

class Scalar {
 public:
  Scalar() : Scalar(int64_t{0}) {}
  template <class T, std::enable_if_t<std::is_arithmetic<T>::value, int> = 0>
  Scalar(T v) {  // NOLINT(google-explicit-constructor): numbers convert implicitly, as in libtorch
    if (std::is_same<T, bool>::value) {
      kind_ = kBool;
      i_ = v ? 1 : 0;
    } else if (std::is_integral<T>::value) {
      kind_ = kLong;
      i_ = static_cast<int64_t>(v);
    } else {
      kind_ = kDouble;
      d_ = static_cast<double>(v);
    }
  }
  Scalar(Half v) : kind_(kDouble), d_(static_cast<float>(v)) {}      // NOLINT(google-explicit-constructor)
  Scalar(BFloat16 v) : kind_(kDouble), d_(static_cast<float>(v)) {}  // NOLINT(google-explicit-constructor)
  template <class T, std::enable_if_t<std::is_floating_point<T>::value, int> = 0>
  Scalar(complex<T> v)  // NOLINT(google-explicit-constructor)
      : kind_(kComplexDouble), d_(static_cast<double>(v.real())), im_(static_cast<double>(v.imag())) {}
  template <class T, std::enable_if_t<std::is_floating_point<T>::value, int> = 0>
  Scalar(std::complex<T> v) : Scalar(complex<T>(v)) {}  // NOLINT(google-explicit-constructor)

  bool isFloatingPoint() const { return kind_ == kDouble; }
  bool isIntegral(bool include_bool) const { return kind_ == kLong || (include_bool && kind_ == kBool); }
  bool isBoolean() const { return kind_ == kBool; }
  bool isComplex() const { return kind_ == kComplexDouble; }
  /// kDouble for floating values, kLong for integers, kBool for bools, kComplexDouble for complex.
  ScalarType type() const { return kind_; }

  /// The value as a T; throws c10's "value cannot be converted to type T without overflow" when it
  /// does not fit (integers may wrap into uint8 from -255 on, as in c10).
  template <class T>
  T to() const {
    if constexpr (is_complex_v<T>) {
      using V = typename T::value_type;
      if (kind_ == kComplexDouble) {
        if (Scalar(d_).overflows<V>() || Scalar(im_).overflows<V>()) throw overflow_error<T>();
        return T(static_cast<V>(d_), static_cast<V>(im_));
      }
      if (kind_ != kBool && overflows<V>()) throw overflow_error<T>();
      return T(kind_ == kDouble ? static_cast<V>(d_) : detail::convert<V>(i_));
    } else {
      // As c10: a complex value with an imaginary part overflows every real type.
      if (kind_ == kComplexDouble) {
        if (std::is_same<T, bool>::value) return static_cast<T>(d_ != 0 || im_ != 0);
        if (im_ != 0) throw overflow_error<T>();
        return Scalar(d_).to<T>();
      }
      return to_real<T>();
    }
  }
  complex<double> toComplexDouble() const { return to<complex<double>>(); }
  complex<float> toComplexFloat() const { return to<complex<float>>(); }

 private:
  template <class T>
  static Error overflow_error() {
    return Error(fmt::format("value cannot be converted to type {} without overflow", detail::checked_type_name<T>()));
  }
  template <class T>
  T to_real() const {
    if (!std::is_same<T, bool>::value && overflows<T>())
      throw Error(fmt::format("value cannot be converted to type {} without overflow", detail::checked_type_name<T>()));
    return kind_ == kDouble ? detail::convert<T>(d_) : detail::convert<T>(i_);
  }

 public:
  double toDouble() const { return to<double>(); }
  float toFloat() const { return to<float>(); }
  int64_t toLong() const { return to<int64_t>(); }
  int32_t toInt() const { return to<int32_t>(); }
  int16_t toShort() const { return to<int16_t>(); }
  int8_t toChar() const { return to<int8_t>(); }
  uint8_t toByte() const { return to<uint8_t>(); }
  Half toHalf() const { return to<Half>(); }
  BFloat16 toBFloat16() const { return to<BFloat16>(); }
  bool toBool() const { return kind_ == kComplexDouble ? (d_ != 0 || im_ != 0) : kind_ == kDouble ? d_ != 0 : i_ != 0; }

  Scalar operator-() const {
    if (kind_ == kComplexDouble) return Scalar(complex<double>(-d_, -im_));
    return kind_ == kDouble ? Scalar(-d_) : Scalar(-i_);
  }
  bool equal(const Scalar& o) const {
    if (isComplex() || o.isComplex()) return to<complex<double>>() == o.to<complex<double>>();
    if (isFloatingPoint() || o.isFloatingPoint()) return toDouble() == o.toDouble();
    return i_ == o.i_;
  }

  /// The value converted without a check, as PyTorch converts a number wrapped in a tensor:
  /// integers wrap, floats truncate (see convert.hpp), a complex value loses its imaginary part.
  template <class T>
  T unchecked_to() const {
    if constexpr (is_complex_v<T>) {
      using V = typename T::value_type;
      return T(unchecked_to<V>(), kind_ == kComplexDouble ? static_cast<V>(im_) : V(0));
    } else {
      return kind_ == kDouble || kind_ == kComplexDouble ? detail::convert<T>(d_) : detail::convert<T>(i_);
    }
  }

 private:
  template <class T>
  bool overflows() const {
    using L = std::numeric_limits<T>;
    if (kind_ == kBool) return false;
    if (kind_ == kDouble) {
      if (L::has_infinity && std::isinf(d_)) return false;
      if (!L::has_quiet_NaN && d_ != d_) return true;
      return d_ < static_cast<double>(L::lowest()) || d_ > static_cast<double>(L::max());
    }
    if constexpr (!std::is_integral<T>::value) {
      // An integer overflows only float16 (beyond +-65504), as in c10.
      return static_cast<double>(i_) < static_cast<double>(L::lowest()) ||
             static_cast<double>(i_) > static_cast<double>(L::max());
    } else if constexpr (!L::is_signed) {
      return (i_ > 0 && static_cast<uint64_t>(i_) > static_cast<uint64_t>(L::max())) ||
             (i_ < 0 && -static_cast<uint64_t>(i_) > static_cast<uint64_t>(L::max()));
    } else {
      return i_ < static_cast<int64_t>(L::lowest()) || i_ > static_cast<int64_t>(L::max());
    }
  }

  ScalarType kind_ = kLong;
  double d_ = 0;   // a floating value, or a complex value's real part
  double im_ = 0;  // a complex value's imaginary part
  int64_t i_ = 0;
};

namespace detail {
/// `s` as a T the way a number wrapped in a tensor converts (no overflow check).
template <class T>
inline T scalar_cast(const Scalar& s) {
  return s.unchecked_to<T>();
}
}  // namespace detail

}  // namespace xgrad
