// simd_math.hpp: small helpers so one generic lambda serves a plain value and an xsimd batch:
// lit(x, s) is the number s in x's type, vselect is `c ? a : b` for both, visnan tests for NaN.
// Read next: elementwise.hpp.
#pragma once

#include <cmath>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "xgrad/core/scalar.hpp"

namespace xgrad::kernels {

template <class V>
struct scalar_of {
  using type = V;
};
template <class T, class A>
struct scalar_of<xsimd::batch<T, A>> {
  using type = T;
};
template <class V>
using scalar_of_t = typename scalar_of<V>::type;

/// The Scalar `s` as a value of x's type (a broadcast batch when x is a batch), converted without
/// an overflow check, as PyTorch converts a number wrapped in a tensor.
template <class V>
inline V lit(const V&, const Scalar& s) {
  using T = scalar_of_t<V>;
  return V(detail::scalar_cast<T>(s));
}
template <class V>
inline V lit(const V&, double d) {
  return V(static_cast<scalar_of_t<V>>(d));
}

template <class T, std::enable_if_t<std::is_arithmetic<T>::value, int> = 0>
inline T vselect(bool c, T a, T b) {
  return c ? a : b;
}
template <class T, class A>
inline xsimd::batch<T, A> vselect(const xsimd::batch_bool<T, A>& c, const xsimd::batch<T, A>& a,
                                  const xsimd::batch<T, A>& b) {
  return xsimd::select(c, a, b);
}

template <class T, std::enable_if_t<std::is_arithmetic<T>::value, int> = 0>
inline bool visnan(T x) {
  if constexpr (std::is_floating_point<T>::value) return std::isnan(x);
  return false;
}
template <class T, class A>
inline xsimd::batch_bool<T, A> visnan(const xsimd::batch<T, A>& x) {
  return xsimd::isnan(x);
}

}  // namespace xgrad::kernels
