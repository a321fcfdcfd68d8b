// loops.hpp: the one loop every elementwise kernel runs on (a small TensorIterator). N operands
// share a shape; operand k starts at data[k] and moves strides[k][d] bytes along dim d (0 for a
// broadcast dim). run() calls `inner(ptrs, inner_strides, n)` once per innermost row, so kernels
// only ever write a 1-d loop, and can use SIMD when that row is contiguous. run_parallel() splits
// a large loop across cores when every output element is written by exactly one iteration.
// Read next: elementwise.hpp.
#pragma once

#include <array>
#include <cstdint>

#include "kernels/parallel.hpp"
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
    if (shape.size() <= 1) {
      run_flat(0, shape.empty() ? 1 : shape[0], inner);
      return;
    }
    run_rows(0, numel() / shape.back(), inner);
  }

  /// As run(), split across cores when large. Only for loops whose iterations write distinct
  /// output elements (elementwise ops), never for reductions into shared slots.
  template <class Inner>
  void run_parallel(Inner&& inner) const {
    const int64_t n = numel();
    if (n < 2 * kGrainSize) return run(inner);
    if (shape.size() <= 1) {
      parallel_for(n, kGrainSize, [&](int64_t b, int64_t e) { run_flat(b, e, inner); });
      return;
    }
    const int64_t row = shape.back();
    parallel_for(n / row, std::max<int64_t>(1, kGrainSize / row),
                 [&](int64_t b, int64_t e) { run_rows(b, e, inner); });
  }

 private:
  /// Elements [begin, end) of a one-dim loop, as one run.
  template <class Inner>
  void run_flat(int64_t begin, int64_t end, Inner& inner) const {
    std::array<char*, N> ptrs = data;
    std::array<int64_t, N> inner_strides{};
    for (size_t k = 0; k < N; ++k) {
      inner_strides[k] = shape.empty() ? 0 : strides[k][0];
      ptrs[k] += begin * inner_strides[k];
    }
    inner(ptrs, inner_strides, end - begin);
  }

  /// Rows [begin, end) of a multi-dim loop (a row is one run of the innermost dim).
  template <class Inner>
  void run_rows(int64_t begin, int64_t end, Inner& inner) const {
    const size_t ndim = shape.size();
    std::array<char*, N> ptrs = data;
    std::array<int64_t, N> inner_strides{};
    for (size_t k = 0; k < N; ++k) inner_strides[k] = strides[k][ndim - 1];
    // The odometer's starting position: row `begin` decomposed over the outer dims.
    DimVector counter(ndim, 0);
    int64_t rest = begin;
    for (size_t d = ndim - 1; d-- > 0;) {
      counter[d] = rest % shape[d];
      rest /= shape[d];
      for (size_t k = 0; k < N; ++k) ptrs[k] += counter[d] * strides[k][d];
    }
    const int64_t row = shape[ndim - 1];
    for (int64_t r = begin; r < end; ++r) {
      inner(ptrs, inner_strides, row);
      // Advance the outer dims like an odometer.
      for (size_t d = ndim - 1; d-- > 0;) {
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
