// embedding.hpp: the loops of embedding_bag's forward over raw buffers: each bag's rows of the
// weight summed (optionally weighted), averaged or maxed. The op (ops/embedding.cpp) validates
// the indices and records the node. Read next: ops/embedding.cpp.
#pragma once

#include <cstdint>

namespace xgrad::kernels {

/// out (bags x dim) from weight (rows x dim); bag b spans [start[b], end[b]) of idx. Entries with
/// idx == padding_idx are skipped. mode 0: sum (times psw[k] when psw is not null), 1: mean over
/// the kept entries, 2: max (max_idx (bags x dim) gets the winning row; the
/// first of equal values wins). bag_size[b] = number of kept entries.
template <class T>
void embedding_bag_forward(const T* weight, int64_t dim, const int64_t* idx, const int64_t* start, const int64_t* end,
                           int64_t bags, int64_t mode, const T* psw, int64_t padding_idx, T* out, int64_t* bag_size,
                           int64_t* max_idx) {
  for (int64_t b = 0; b < bags; ++b) {
    T* o = out + b * dim;
    for (int64_t j = 0; j < dim; ++j) o[j] = T(0);
    if (mode == 2)
      for (int64_t j = 0; j < dim; ++j) max_idx[b * dim + j] = 0;
    int64_t count = 0;
    for (int64_t k = start[b]; k < end[b]; ++k) {
      const int64_t r = idx[k];
      if (r == padding_idx) continue;
      const T* w = weight + r * dim;
      if (mode == 2) {
        for (int64_t j = 0; j < dim; ++j)
          if (count == 0 || w[j] > o[j]) {
            o[j] = w[j];
            max_idx[b * dim + j] = r;
          }
      } else {
        const T s = psw != nullptr ? psw[k] : T(1);
        for (int64_t j = 0; j < dim; ++j) o[j] += psw != nullptr ? w[j] * s : w[j];
      }
      ++count;
    }
    if (mode == 1 && count > 0)
      for (int64_t j = 0; j < dim; ++j) o[j] /= static_cast<T>(count);
    bag_size[b] = count;
  }
}

}  // namespace xgrad::kernels
