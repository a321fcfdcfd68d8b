// elementwise.hpp: elementwise kernels over a Loop. Each op is a generic lambda that works on
// a plain value and on an xsimd batch alike (`[](auto x) { return x * x; }`), so one definition
// gives both the SIMD body of a contiguous row and its scalar tail. Read next: reduce.hpp.
#pragma once

#include <algorithm>
#include <cstring>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "kernels/loops.hpp"
#include "xgrad/core/convert.hpp"

namespace xgrad::kernels {

template <class T>
constexpr bool kVectorizable = std::is_same<T, float>::value || std::is_same<T, double>::value;

/// out = f(a): operands {out, a}.
template <class To, class Ta, class F>
void unary(const Loop<2>& loop, F&& f) {
  loop.run_parallel([&](std::array<char*, 2>& p, const std::array<int64_t, 2>& s, int64_t n) {
    To* out = reinterpret_cast<To*>(p[0]);
    const Ta* a = reinterpret_cast<const Ta*>(p[1]);
    int64_t i = 0;
    if constexpr (std::is_same<To, Ta>::value && kVectorizable<To>) {
      if (s[0] == sizeof(To) && s[1] == sizeof(Ta)) {
        using B = xsimd::batch<To>;
        constexpr int64_t W = B::size;
        for (; i + W <= n; i += W) f(B::load_unaligned(a + i)).store_unaligned(out + i);
      }
    }
    for (; i < n; ++i)
      *reinterpret_cast<To*>(p[0] + i * s[0]) = static_cast<To>(f(*reinterpret_cast<const Ta*>(p[1] + i * s[1])));
  });
}

/// out = f(a, b): operands {out, a, b}; a and b have type T. Rows where a or b is a broadcast
/// scalar (stride 0) are vectorised too, unless Simd is false (f takes plain values only).
template <class To, class T, bool Simd = true, class F>
void binary(const Loop<3>& loop, F&& f) {
  loop.run_parallel([&](std::array<char*, 3>& p, const std::array<int64_t, 3>& s, int64_t n) {
    int64_t i = 0;
    if constexpr (Simd && std::is_same<To, T>::value && kVectorizable<T>) {
      using B = xsimd::batch<T>;
      constexpr int64_t W = B::size;
      T* out = reinterpret_cast<T*>(p[0]);
      const T* a = reinterpret_cast<const T*>(p[1]);
      const T* b = reinterpret_cast<const T*>(p[2]);
      constexpr int64_t e = sizeof(T);
      if (s[0] == e && s[1] == e && s[2] == e) {
        for (; i + W <= n; i += W) f(B::load_unaligned(a + i), B::load_unaligned(b + i)).store_unaligned(out + i);
      } else if (s[0] == e && s[1] == e && s[2] == 0) {
        B bv(*b);
        for (; i + W <= n; i += W) f(B::load_unaligned(a + i), bv).store_unaligned(out + i);
      } else if (s[0] == e && s[1] == 0 && s[2] == e) {
        B av(*a);
        for (; i + W <= n; i += W) f(av, B::load_unaligned(b + i)).store_unaligned(out + i);
      }
    }
    for (; i < n; ++i) {
      const T a = *reinterpret_cast<const T*>(p[1] + i * s[1]);
      const T b = *reinterpret_cast<const T*>(p[2] + i * s[2]);
      *reinterpret_cast<To*>(p[0] + i * s[0]) = static_cast<To>(f(a, b));
    }
  });
}

/// out = f(a, b, c): operands {out, a, b, c}, all of type T (no SIMD: used by where and friends).
template <class To, class Ta, class Tb, class Tc, class F>
void ternary(const Loop<4>& loop, F&& f) {
  loop.run_parallel([&](std::array<char*, 4>& p, const std::array<int64_t, 4>& s, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
      *reinterpret_cast<To*>(p[0] + i * s[0]) = static_cast<To>(f(*reinterpret_cast<const Ta*>(p[1] + i * s[1]),
                                                                  *reinterpret_cast<const Tb*>(p[2] + i * s[2]),
                                                                  *reinterpret_cast<const Tc*>(p[3] + i * s[3])));
    }
  });
}

/// Converts one row of n elements (strides in bytes), with PyTorch's conversion of each element
/// (core/convert.hpp).
template <class To, class Ta>
void convert_row(char* out, const char* a, int64_t out_stride, int64_t a_stride, int64_t n) {
  if (std::is_same<To, Ta>::value && out_stride == sizeof(To) && a_stride == sizeof(Ta)) {
    std::memcpy(out, a, static_cast<size_t>(n) * sizeof(To));
    return;
  }
  if (out_stride == sizeof(To) && a_stride == sizeof(Ta)) {  // contiguous: a loop the compiler can vectorise
    To* o = reinterpret_cast<To*>(out);
    const Ta* x = reinterpret_cast<const Ta*>(a);
    for (int64_t i = 0; i < n; ++i) o[i] = xgrad::detail::convert<To>(x[i]);
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    Ta v;
    std::memcpy(&v, a + i * a_stride, sizeof(Ta));
    const To r = xgrad::detail::convert<To>(v);
    std::memcpy(out + i * out_stride, &r, sizeof(To));
  }
}
using ConvertRow = void (*)(char*, const char*, int64_t, int64_t, int64_t);

/// Copies with conversion: operands {out, a}, each row converted by `row`. The loop is compiled
/// once; only the small row function exists per pair of types.
inline void convert(const Loop<2>& loop, ConvertRow row) {
  loop.run_parallel([row](std::array<char*, 2>& p, const std::array<int64_t, 2>& s, int64_t n) {
    row(p[0], p[1], s[0], s[1], n);
  });
}
template <class To, class Ta>
void convert(const Loop<2>& loop) {
  convert(loop, &convert_row<To, Ta>);
}

/// out = value everywhere: operands {out}.
template <class T>
void fill(const Loop<1>& loop, T value) {
  loop.run_parallel([&](std::array<char*, 1>& p, const std::array<int64_t, 1>& s, int64_t n) {
    if (s[0] == static_cast<int64_t>(sizeof(T))) {  // contiguous: the library's vectorised fill
      std::fill_n(reinterpret_cast<T*>(p[0]), n, value);
      return;
    }
    for (int64_t i = 0; i < n; ++i) *reinterpret_cast<T*>(p[0] + i * s[0]) = value;
  });
}

}  // namespace xgrad::kernels
