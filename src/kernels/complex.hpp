// complex.hpp (kernels): elementwise loops over complex values on raw buffers: conversions between
// complex and real element types, and the arithmetic of c10::complex (add, sub, mul, div, abs).
// These are plain scalar loops: complex maths is rare in xgrad's users, and c10::complex's own
// operators give PyTorch's values. Read next: ops/complex.cpp, which joins them to tensors.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>

#include "kernels/loops.hpp"
#include "xgrad/core/complex.hpp"

namespace xgrad::kernels {

/// out[i] = f(a[i]) for element types Out and A (loop operands {out, a}).
template <class Out, class A, class F>
void complex_unary(const Loop<2>& loop, F f) {
  loop.run_parallel([&f](const std::array<char*, 2>& p, const std::array<int64_t, 2>& s, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
      A a;
      std::memcpy(&a, p[1] + i * s[1], sizeof(A));
      const Out r = f(a);
      std::memcpy(p[0] + i * s[0], &r, sizeof(Out));
    }
  });
}

/// out[i] = f(a[i], b[i]), all of element type T (loop operands {out, a, b}).
template <class T, class F>
void complex_binary(const Loop<3>& loop, F f) {
  loop.run_parallel([&f](const std::array<char*, 3>& p, const std::array<int64_t, 3>& s, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
      T a, b;
      std::memcpy(&a, p[1] + i * s[1], sizeof(T));
      std::memcpy(&b, p[2] + i * s[2], sizeof(T));
      const T r = f(a, b);
      std::memcpy(p[0] + i * s[0], &r, sizeof(T));
    }
  });
}

}  // namespace xgrad::kernels
