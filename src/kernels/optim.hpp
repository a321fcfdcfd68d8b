// optim.hpp: the element loop every optimizer update runs on. `update` is written once, as the
// formula for one element; it is called on xsimd batches for the bulk and on plain values for the
// tail, with references to the parameter, its gradient and up to three state values, so each
// update is a single pass over memory. Read next: src/optim/sgd.cpp.
#pragma once

#include <array>
#include <cstdint>

#include <xsimd/xsimd.hpp>

#include "kernels/parallel.hpp"

namespace xgrad::kernels {

/// arrays = {param, grad, state1, state2, state3}; a null state is given as 0 and not stored.
template <class T, class F>
void update_elements(int64_t n, const std::array<T*, 5>& arrays, F&& update) {
  using B = xsimd::batch<T>;
  constexpr int64_t W = B::size;
  auto run = [&](int64_t begin, int64_t end) {
    int64_t i = begin;
    for (; i + W <= end; i += W) {
      std::array<B, 5> v;
      for (size_t k = 0; k < 5; ++k) v[k] = arrays[k] ? B::load_unaligned(arrays[k] + i) : B(T(0));
      update(v[0], v[1], v[2], v[3], v[4]);
      for (size_t k = 0; k < 5; ++k)
        if (arrays[k] && k != 1) v[k].store_unaligned(arrays[k] + i);
    }
    for (; i < end; ++i) {
      std::array<T, 5> v;
      for (size_t k = 0; k < 5; ++k) v[k] = arrays[k] ? arrays[k][i] : T(0);
      update(v[0], v[1], v[2], v[3], v[4]);
      for (size_t k = 0; k < 5; ++k)
        if (arrays[k] && k != 1) arrays[k][i] = v[k];
    }
  };
  parallel_for(n, kGrainSize, run);
}

}  // namespace xgrad::kernels
