// scalar.hpp: Scalar, one number of any kind (libtorch's c10::Scalar). It is how `x + 1`,
// `x.fill_(0.5)` and `torch::full({2}, 3)` take plain C++ numbers. A Scalar remembers whether it
// was a bool, an integer or a floating value, because that decides type promotion.
// Read next: storage.hpp.
#pragma once

#include <cstdint>
#include <type_traits>

#include "xgrad/core/dtype.hpp"

namespace xgrad {

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

  bool isFloatingPoint() const { return kind_ == kDouble; }
  bool isIntegral(bool include_bool) const { return kind_ == kLong || (include_bool && kind_ == kBool); }
  bool isBoolean() const { return kind_ == kBool; }
  /// kDouble for floating values, kLong for integers, kBool for bools.
  ScalarType type() const { return kind_; }

  template <class T>
  T to() const {
    return kind_ == kDouble ? static_cast<T>(d_) : static_cast<T>(i_);
  }
  double toDouble() const { return to<double>(); }
  float toFloat() const { return to<float>(); }
  int64_t toLong() const { return to<int64_t>(); }
  bool toBool() const { return kind_ == kDouble ? d_ != 0 : i_ != 0; }

  Scalar operator-() const { return kind_ == kDouble ? Scalar(-d_) : Scalar(-i_); }

 private:
  ScalarType kind_ = kLong;
  double d_ = 0;
  int64_t i_ = 0;
};

}  // namespace xgrad
