// simd_math.hpp: small helpers so one generic lambda serves a plain value and an xsimd batch:
// lit(x, s) is the number s in x's type, vselect is `c ? a : b` for both, visnan tests for NaN,
// vfma is x * y + z rounded once (Note [A fused multiply-add that is always fused]).
// Read next: elementwise.hpp.
#pragma once

#include <cmath>
#include <cstddef>
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

// Note [A fused multiply-add that is always fused]
// ATen's vectorised kernels compute a * b + c with one rounding where its AVX2 build has an FMA
// (Vectorized::fmadd: add with alpha, batch norm's transform, layer norm), and the results of
// xgrad's kernels must agree bit for bit. xsimd 8.1's xsimd::fma is an instruction only for its
// fma3<sse>/fma3<avx2> architectures; for AVX-512 (this machine's default architecture with
// -march=native) it is the generic `x * y + z`, which is fused only when the optimiser contracts
// it: a Release build gave ATen's bits and an unoptimised (sanitizer) build landed an ulp away.
// vfma says what it means: the FMA instruction of the batch's width when the build has one, and
// otherwise std::fma lane by lane (correctly rounded, slower: only builds without -march=native).
template <class T, std::enable_if_t<std::is_arithmetic<T>::value, int> = 0>
inline T vfma(T x, T y, T z) {
  if constexpr (std::is_floating_point<T>::value) return std::fma(x, y, z);
  return static_cast<T>(x * y + z);
}
template <class T, class A>
inline xsimd::batch<T, A> vfma(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& y,
                               const xsimd::batch<T, A>& z) {
  using B = xsimd::batch<T, A>;
  constexpr std::size_t bytes = sizeof(typename B::register_type);
  constexpr bool is_float = std::is_same<T, float>::value, is_double = std::is_same<T, double>::value;
  if constexpr (!is_float && !is_double) {
    return x * y + z;  // integers: exact either way
#if defined(__AVX512F__)
  } else if constexpr (bytes == 64 && is_float) {
    return B(_mm512_fmadd_ps(x, y, z));
  } else if constexpr (bytes == 64) {
    return B(_mm512_fmadd_pd(x, y, z));
#endif
#if defined(__FMA__)
  } else if constexpr (bytes == 32 && is_float) {
    return B(_mm256_fmadd_ps(x, y, z));
  } else if constexpr (bytes == 32) {
    return B(_mm256_fmadd_pd(x, y, z));
  } else if constexpr (bytes == 16 && is_float) {
    return B(_mm_fmadd_ps(x, y, z));
  } else if constexpr (bytes == 16) {
    return B(_mm_fmadd_pd(x, y, z));
#endif
  } else {
    alignas(64) T a[B::size], b[B::size], c[B::size];
    x.store_aligned(a);
    y.store_aligned(b);
    z.store_aligned(c);
    for (std::size_t i = 0; i < B::size; ++i) a[i] = std::fma(a[i], b[i], c[i]);
    return B::load_aligned(a);
  }
}

}  // namespace xgrad::kernels
