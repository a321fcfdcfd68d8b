// loops.hpp: the one loop every elementwise kernel runs on (a small TensorIterator). N operands
// share a shape; operand k starts at data[k] and moves strides[k][d] bytes along dim d (0 for a
// broadcast dim). run() calls `inner(ptrs, inner_strides, n)` once per innermost row, so kernels
// only ever write a 1-d loop, and can use SIMD when that row is contiguous.
// Read next: elementwise.hpp.
#pragma once

#include <array>
#include <cstdint>

#include "xgrad/core/small_vector.hpp"

namespace xgrad::kernels {

template <size_t N>
struct Loop {
  DimVector shape;
  std::array<char*, N> data{};
  std::array<DimVector, N> strides;  // bytes, one entry per dim of `shape`

  /// Merges neighbouring dims that every operand walks contiguously, and drops size-1 dims, so
  /// a contiguous (2, 3, 4) tensor becomes one row of 24.
  void coalesce() {
    DimVector new_shape;
    std::array<DimVector, N> new_strides;
    for (size_t d = 0; d < shape.size(); ++d) {
      if (shape[d] == 1) continue;
      if (!new_shape.empty()) {
        bool mergeable = true;
        for (size_t k = 0; k < N; ++k)
          mergeable = mergeable && new_strides[k].back() == strides[k][d] * shape[d];
        if (mergeable) {
          new_shape.back() *= shape[d];
          for (size_t k = 0; k < N; ++k) new_strides[k].back() = strides[k][d];
          continue;
        }
      }
      new_shape.push_back(shape[d]);
      for (size_t k = 0; k < N; ++k) new_strides[k].push_back(strides[k][d]);
    }
    shape = std::move(new_shape);
    strides = std::move(new_strides);
  }

  int64_t numel() const {
    int64_t n = 1;
    for (int64_t s : shape) n *= s;
    return n;
  }

  template <class Inner>
  void run(Inner&& inner) const {
    if (numel() == 0) return;
    std::array<char*, N> ptrs = data;
    std::array<int64_t, N> inner_strides{};
    const size_t ndim = shape.size();
    if (ndim == 0) {  // a single element
      inner(ptrs, inner_strides, int64_t{1});
      return;
    }
    for (size_t k = 0; k < N; ++k) inner_strides[k] = strides[k][ndim - 1];
    const int64_t row = shape[ndim - 1];
    DimVector counter(ndim, 0);
    while (true) {
      inner(ptrs, inner_strides, row);
      // Advance the outer dims like an odometer.
      size_t d = ndim - 1;
      while (true) {
        if (d == 0) return;
        --d;
        ++counter[d];
        for (size_t k = 0; k < N; ++k) ptrs[k] += strides[k][d];
        if (counter[d] < shape[d]) break;
        for (size_t k = 0; k < N; ++k) ptrs[k] -= strides[k][d] * shape[d];
        counter[d] = 0;
      }
    }
  }
};

}  // namespace xgrad::kernels
