// complex.hpp: complex<T>, the element type of the complex dtypes (torch.complex64 holds
// complex<float>, torch.complex128 complex<double>), as libtorch's c10::complex: two T's, real part
// first (the layout of std::complex and of view_as_real), converting to and from std::complex, with
// the arithmetic and the std::abs/std::arg/std::conj/std::real/std::imag that c10 provides.
// Read next: dtype.hpp.
#pragma once

#include <cmath>
#include <complex>
#include <ostream>
#include <type_traits>

namespace xgrad {

template <class T>
struct alignas(sizeof(T) * 2) complex {
  using value_type = T;
  T real_ = T(0);
  T imag_ = T(0);

  constexpr complex() = default;
  constexpr complex(const T& re, const T& im = T()) : real_(re), imag_(im) {}  // NOLINT(google-explicit-constructor)
  template <class U>
  constexpr complex(const std::complex<U>& other)  // NOLINT(google-explicit-constructor)
      : real_(static_cast<T>(other.real())), imag_(static_cast<T>(other.imag())) {}
  /// complex<float> -> complex<double> implicitly; the narrowing way explicitly, as in c10.
  template <class U, std::enable_if_t<!std::is_same<U, T>::value && (sizeof(U) < sizeof(T)), int> = 0>
  constexpr complex(const complex<U>& other)  // NOLINT(google-explicit-constructor)
      : real_(other.real()), imag_(other.imag()) {}
  template <class U, std::enable_if_t<!std::is_same<U, T>::value && (sizeof(U) > sizeof(T)), int> = 0>
  constexpr explicit complex(const complex<U>& other)
      : real_(static_cast<T>(other.real())), imag_(static_cast<T>(other.imag())) {}

  template <class U>
  explicit operator std::complex<U>() const {
    return std::complex<U>(static_cast<U>(real_), static_cast<U>(imag_));
  }
  /// Only a zero value is false.
  explicit operator bool() const { return real_ != T(0) || imag_ != T(0); }

  constexpr T real() const { return real_; }
  constexpr void real(T value) { real_ = value; }
  constexpr T imag() const { return imag_; }
  constexpr void imag(T value) { imag_ = value; }

  constexpr complex& operator+=(const complex& o) { real_ += o.real_; imag_ += o.imag_; return *this; }
  constexpr complex& operator-=(const complex& o) { real_ -= o.real_; imag_ -= o.imag_; return *this; }
  constexpr complex& operator*=(const complex& o) {
    const T re = real_ * o.real_ - imag_ * o.imag_;
    imag_ = real_ * o.imag_ + imag_ * o.real_;
    real_ = re;
    return *this;
  }
  /// Division as c10::complex divides (numpy's scaled formula; note the double `1.0 /`, as in c10).
  complex& operator/=(const complex& o) {
    const T a = real_, b = imag_, c = o.real_, d = o.imag_;
    const T abs_c = std::abs(c), abs_d = std::abs(d);
    if (abs_c >= abs_d) {
      if (abs_c == 0 && abs_d == 0) {  // a complex inf or nan
        real_ = a / abs_c;
        imag_ = b / abs_d;
      } else {
        const T rat = d / c;
        const auto scl = 1.0 / (c + d * rat);
        real_ = static_cast<T>((a + b * rat) * scl);
        imag_ = static_cast<T>((b - a * rat) * scl);
      }
    } else {
      const T rat = c / d;
      const auto scl = 1.0 / (d + c * rat);
      real_ = static_cast<T>((a * rat + b) * scl);
      imag_ = static_cast<T>((b * rat - a) * scl);
    }
    return *this;
  }
  constexpr complex& operator+=(const T& v) { real_ += v; return *this; }
  constexpr complex& operator-=(const T& v) { real_ -= v; return *this; }
  constexpr complex& operator*=(const T& v) { real_ *= v; imag_ *= v; return *this; }
  constexpr complex& operator/=(const T& v) { real_ /= v; imag_ /= v; return *this; }
};

template <class T> constexpr complex<T> operator+(const complex<T>& a) { return a; }
template <class T> constexpr complex<T> operator-(const complex<T>& a) { return complex<T>(-a.real(), -a.imag()); }
template <class T> constexpr complex<T> operator+(complex<T> a, const complex<T>& b) { return a += b; }
template <class T> constexpr complex<T> operator-(complex<T> a, const complex<T>& b) { return a -= b; }
template <class T> constexpr complex<T> operator*(complex<T> a, const complex<T>& b) { return a *= b; }
template <class T> complex<T> operator/(complex<T> a, const complex<T>& b) { return a /= b; }
template <class T> constexpr complex<T> operator+(complex<T> a, const T& b) { return a += b; }
template <class T> constexpr complex<T> operator-(complex<T> a, const T& b) { return a -= b; }
template <class T> constexpr complex<T> operator*(complex<T> a, const T& b) { return a *= b; }
template <class T> constexpr complex<T> operator/(complex<T> a, const T& b) { return a /= b; }
template <class T> constexpr complex<T> operator+(const T& a, const complex<T>& b) { return complex<T>(a) + b; }
template <class T> constexpr complex<T> operator-(const T& a, const complex<T>& b) { return complex<T>(a) - b; }
template <class T> constexpr complex<T> operator*(const T& a, const complex<T>& b) { return b * a; }
template <class T> complex<T> operator/(const T& a, const complex<T>& b) { return complex<T>(a) / b; }

template <class T> constexpr bool operator==(const complex<T>& a, const complex<T>& b) {
  return a.real() == b.real() && a.imag() == b.imag();
}
template <class T> constexpr bool operator==(const complex<T>& a, const T& b) { return a.real() == b && a.imag() == T(); }
template <class T> constexpr bool operator==(const T& a, const complex<T>& b) { return b == a; }
template <class T> constexpr bool operator!=(const complex<T>& a, const complex<T>& b) { return !(a == b); }
template <class T> constexpr bool operator!=(const complex<T>& a, const T& b) { return !(a == b); }
template <class T> constexpr bool operator!=(const T& a, const complex<T>& b) { return !(a == b); }

/// As c10: `(1.5,2)`, std::complex's format.
template <class T>
std::ostream& operator<<(std::ostream& os, const complex<T>& z) {
  return os << static_cast<std::complex<T>>(z);
}

/// The maths of c10/util/complex_math.h that ported code calls; in their own namespace so that the
/// using-declarations below bring only these (not xgrad's Tensor functions of the same names) into std.
namespace complex_math {
template <class T> constexpr T real(const complex<T>& z) { return z.real(); }
template <class T> constexpr T imag(const complex<T>& z) { return z.imag(); }
template <class T> T abs(const complex<T>& z) { return std::abs(static_cast<std::complex<T>>(z)); }
template <class T> T arg(const complex<T>& z) { return std::arg(static_cast<std::complex<T>>(z)); }
template <class T> constexpr T norm(const complex<T>& z) { return z.real() * z.real() + z.imag() * z.imag(); }
template <class T> constexpr complex<T> conj(const complex<T>& z) { return complex<T>(z.real(), -z.imag()); }
}  // namespace complex_math
using complex_math::abs;
using complex_math::arg;
using complex_math::conj;
using complex_math::imag;
using complex_math::norm;
using complex_math::real;

template <class T> struct is_complex : std::false_type {};
template <class T> struct is_complex<complex<T>> : std::true_type {};
template <class T> struct is_complex<std::complex<T>> : std::true_type {};
template <class T> constexpr bool is_complex_v = is_complex<T>::value;

}  // namespace xgrad

// c10 puts these into std (c10/util/complex_math.h), so libtorch code writes std::abs(z) for a
// c10::complex z; code ported from libtorch does, so they are here too.
namespace std {
using xgrad::complex_math::abs;
using xgrad::complex_math::arg;
using xgrad::complex_math::conj;
using xgrad::complex_math::imag;
using xgrad::complex_math::norm;
using xgrad::complex_math::real;
}  // namespace std
