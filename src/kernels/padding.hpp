// padding.hpp: reflection, replication and circular padding as one gather: along each padded dim
// an index map says which input position each output position reads. The gradient is the
// matching scatter-add. Planes (the leading batch and channel dims) are independent and shared
// out between the cores. Read next: src/ops/padding.cpp.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "kernels/parallel.hpp"

namespace xgrad::kernels {

enum class PadIndex { Reflect, Replicate, Circular };

/// For each of `out` output positions along a dim padded by `left` in front (and out - size - left
/// behind; a negative pad cuts), the input position (of `size`) it reads.
inline std::vector<int64_t> pad_index_map(PadIndex mode, int64_t size, int64_t left, int64_t out) {
  std::vector<int64_t> map(static_cast<size_t>(std::max<int64_t>(out, 0)));
  for (int64_t o = 0; o < out; ++o) {
    int64_t i = o - left;
    switch (mode) {
      case PadIndex::Reflect:
        if (i < 0) i = -i;
        if (i >= size) i = 2 * (size - 1) - i;
        break;
      case PadIndex::Replicate: i = std::min(std::max<int64_t>(i, 0), size - 1); break;
      case PadIndex::Circular: {
        // PyTorch first cuts what negative pads remove, then wraps around what is left.
        const int64_t cut_left = std::max<int64_t>(-left, 0), cut_right = std::max<int64_t>(size + left - out, 0);
        const int64_t kept = size - cut_left - cut_right, o0 = o - std::max<int64_t>(left, 0);
        i = kept > 0 ? cut_left + ((o0 % kept) + kept) % kept : std::min(cut_left, size - 1);
        break;
      }
    }
    map[static_cast<size_t>(o)] = i;
  }
  return map;
}

/// Index maps of up to three trailing dims, (depth, height, width); missing dims have size 1.
struct PadMaps {
  std::array<int64_t, 3> in{1, 1, 1};
  std::array<std::vector<int64_t>, 3> map{std::vector<int64_t>{0}, std::vector<int64_t>{0}, std::vector<int64_t>{0}};
  int64_t in_plane() const { return in[0] * in[1] * in[2]; }
  int64_t out_plane() const {
    return static_cast<int64_t>(map[0].size() * map[1].size() * map[2].size());
  }
};

/// out[p, d, h, w] = in[p, map0[d], map1[h], map2[w]] for each of `planes` planes.
template <class T>
void pad_gather(const T* in, T* out, int64_t planes, const PadMaps& m) {
  const int64_t ip = m.in_plane(), op = m.out_plane();
  parallel_for(planes, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, op)), [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      const T* src = in + p * ip;
      T* dst = out + p * op;
      for (int64_t d : m.map[0])
        for (int64_t h : m.map[1]) {
          const T* row = src + (d * m.in[1] + h) * m.in[2];
          for (int64_t w : m.map[2]) *dst++ = row[w];
        }
    }
  });
}

/// grad_in (zeroed here) += grad_out put back where pad_gather read it from.
template <class T>
void pad_scatter_add(const T* grad_out, T* grad_in, int64_t planes, const PadMaps& m) {
  const int64_t ip = m.in_plane(), op = m.out_plane();
  parallel_for(planes, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, op)), [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      T* dst = grad_in + p * ip;
      std::fill(dst, dst + ip, T(0));
      const T* src = grad_out + p * op;
      for (int64_t d : m.map[0])
        for (int64_t h : m.map[1]) {
          T* row = dst + (d * m.in[1] + h) * m.in[2];
          for (int64_t w : m.map[2]) row[w] += *src++;
        }
    }
  });
}

}  // namespace xgrad::kernels
