// reduce.hpp: reductions over a Loop whose operand 0 (the output) has stride 0 along the reduced
// dims, so "out += x" visits every input element once and lands it in its output slot. A row that
// folds into one slot is summed with several SIMD accumulators (fast, and more accurate than one
// running sum). Read next: src/ops/reduction.cpp.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <utility>
#include <vector>

#include <xsimd/xsimd.hpp>

#include "kernels/elementwise.hpp"

namespace xgrad::kernels {

/// Whether all (any) of n contiguous bools are true: all() and any().
inline bool all_true(const bool* p, int64_t n) { return std::all_of(p, p + n, [](bool v) { return v; }); }
inline bool any_true(const bool* p, int64_t n) { return std::any_of(p, p + n, [](bool v) { return v; }); }

/// Sum of n contiguous values; float sums use 4 SIMD accumulators over blocks, blocks summed pairwise.
template <class T>
T contiguous_sum(const T* x, int64_t n) {
  if constexpr (kVectorizable<T>) {
    using B = xsimd::batch<T>;
    constexpr int64_t W = B::size;
    constexpr int64_t kBlock = 4096;
    if (n > kBlock) {
      int64_t half = (n / 2 + W - 1) / W * W;
      return contiguous_sum(x, half) + contiguous_sum(x + half, n - half);
    }
    B a0(T(0)), a1(T(0)), a2(T(0)), a3(T(0));
    int64_t i = 0;
    for (; i + 4 * W <= n; i += 4 * W) {
      a0 += B::load_unaligned(x + i);
      a1 += B::load_unaligned(x + i + W);
      a2 += B::load_unaligned(x + i + 2 * W);
      a3 += B::load_unaligned(x + i + 3 * W);
    }
    for (; i + W <= n; i += W) a0 += B::load_unaligned(x + i);
    T s = xsimd::hadd((a0 + a1) + (a2 + a3));
    for (; i < n; ++i) s += x[i];
    return s;
  } else {
    T s = T(0);
    for (int64_t i = 0; i < n; ++i) s = static_cast<T>(s + x[i]);
    return s;
  }
}

/// Sum of n contiguous values, with the same bits as contiguous_sum(x, n): the same pairwise
/// tree, its subtrees of at most 2 * kGrainSize values (the leaves) summed as parallel chunks,
/// then joined in the tree's order. The leaves depend on n alone, so the thread count never
/// changes the result (Note [Threads on a busy machine]).
template <class T>
T parallel_contiguous_sum(const T* x, int64_t n) {
  if (n < 4 * kGrainSize) return contiguous_sum(x, n);
  if constexpr (kVectorizable<T>) {
    constexpr int64_t W = xsimd::batch<T>::size;
    constexpr int64_t kLeaf = 2 * kGrainSize;
    auto half_of = [](int64_t len) { return (len / 2 + W - 1) / W * W; };  // contiguous_sum's split
    std::vector<std::pair<int64_t, int64_t>> leaves;                      // (offset, length)
    auto split = [&](auto& self, int64_t offset, int64_t len) -> void {
      if (len <= kLeaf) {
        leaves.emplace_back(offset, len);
        return;
      }
      const int64_t half = half_of(len);
      self(self, offset, half);
      self(self, offset + half, len - half);
    };
    split(split, 0, n);
    std::vector<T> partial(leaves.size());
    parallel_for(static_cast<int64_t>(leaves.size()), 1, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) partial[i] = contiguous_sum(x + leaves[i].first, leaves[i].second);
    });
    size_t next = 0;
    auto join = [&](auto& self, int64_t len) -> T {
      if (len <= kLeaf) return partial[next++];
      const int64_t half = half_of(len);
      const T left = self(self, half);
      return left + self(self, len - half);
    };
    return join(join, n);
  } else {
    return contiguous_sum(x, n);
  }
}

/// out += x over the loop {out, x} (out must start at zero).
template <class T>
void sum_into(const Loop<2>& loop) {
  loop.run([](std::array<char*, 2>& p, const std::array<int64_t, 2>& s, int64_t n) {
    T* out = reinterpret_cast<T*>(p[0]);
    if (s[0] == 0) {
      if (s[1] == sizeof(T)) {
        *out = static_cast<T>(*out + contiguous_sum(reinterpret_cast<const T*>(p[1]), n));
      } else {
        T acc = T(0);
        for (int64_t i = 0; i < n; ++i) acc = static_cast<T>(acc + *reinterpret_cast<const T*>(p[1] + i * s[1]));
        *out = static_cast<T>(*out + acc);
      }
      return;
    }
    for (int64_t i = 0; i < n; ++i) {
      T* o = reinterpret_cast<T*>(p[0] + i * s[0]);
      *o = static_cast<T>(*o + *reinterpret_cast<const T*>(p[1] + i * s[1]));
    }
  });
}

/// out = max (or min) of x over the loop {out, x}; out must start at -inf (or +inf); NaN wins.
template <class T, bool IsMax>
void extreme_into(const Loop<2>& loop) {
  loop.run([](std::array<char*, 2>& p, const std::array<int64_t, 2>& s, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
      T* o = reinterpret_cast<T*>(p[0] + i * s[0]);
      const T v = *reinterpret_cast<const T*>(p[1] + i * s[1]);
      if constexpr (std::is_floating_point<T>::value) {
        if (std::isnan(*o)) continue;
        if (std::isnan(v)) {
          *o = v;
          continue;
        }
      }
      if (IsMax ? v > *o : v < *o) *o = v;
    }
  });
}

/// Index of the max (or min) of each row of a contiguous (rows, n) buffer; the first NaN wins,
/// ties go to the first index, as in PyTorch.
template <class T, bool IsMax>
void arg_extreme_rows(const T* x, int64_t rows, int64_t n, T* values, int64_t* indices) {
  for (int64_t r = 0; r < rows; ++r) {
    const T* row = x + r * n;
    int64_t best = 0;
    T bv = row[0];
    for (int64_t i = 1; i < n; ++i) {
      const T v = row[i];
      if constexpr (std::is_floating_point<T>::value) {
        if (std::isnan(bv)) break;
        if (std::isnan(v)) {
          bv = v;
          best = i;
          break;
        }
      }
      if (IsMax ? v > bv : v < bv) {
        bv = v;
        best = i;
      }
    }
    if (values) values[r] = bv;
    if (indices) indices[r] = best;
  }
}

}  // namespace xgrad::kernels
