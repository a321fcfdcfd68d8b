// indexing.hpp: gather and scatter_add over strided buffers. Both walk the index tensor's shape;
// along `dim` the position comes from the index, elsewhere it is the walk's own position.
// Advanced indexing (x[idx]) walks three lists of element offsets instead: the dims before the
// indexed ones, the indexed positions, the dims after (src/ops/indexing_advanced.cpp makes them).
// Read next: src/ops/indexing.cpp.
#pragma once

#include <cstdint>
#include <type_traits>
#include <vector>

#include "xgrad/core/exception.hpp"
#include "xgrad/core/small_vector.hpp"

namespace xgrad::kernels {

/// Calls f(counter) for every position of `shape`, in row-major order.
template <class F>
void for_each_position(IntArrayRef shape, F&& f) {
  int64_t total = 1;
  for (int64_t s : shape) total *= s;
  if (total == 0) return;
  DimVector counter(shape.size(), 0);
  for (int64_t n = 0; n < total; ++n) {
    f(counter);
    for (size_t d = shape.size(); d-- > 0;) {
      if (++counter[d] < shape[d]) break;
      counter[d] = 0;
    }
  }
}

inline int64_t offset_of(const DimVector& pos, IntArrayRef strides, size_t skip, int64_t at) {
  int64_t off = 0;
  for (size_t d = 0; d < pos.size(); ++d) off += (d == skip ? at : pos[d]) * strides[d];
  return off;
}

inline int64_t checked_index(int64_t i, int64_t size, int64_t dim) {
  if (i < -size || i >= size)
    detail::fail<IndexError>("index {} is out of bounds for dimension {} with size {}", i, dim, size);
  return i < 0 ? i + size : i;
}

/// out[pos] = x[pos with pos[dim] = index[pos]], over index's shape (out contiguous).
template <class T>
void gather(const T* x, IntArrayRef x_strides, int64_t x_dim_size, const int64_t* index, IntArrayRef index_strides,
            IntArrayRef shape, int64_t dim, T* out) {
  int64_t n = 0;
  for_each_position(shape, [&](const DimVector& pos) {
    int64_t i = checked_index(index[offset_of(pos, index_strides, SIZE_MAX, 0)], x_dim_size, dim);
    out[n++] = x[offset_of(pos, x_strides, static_cast<size_t>(dim), i)];
  });
}

/// out[pos with pos[dim] = index[pos]] += src[pos], over index's shape.
template <class T>
void scatter_add(T* out, IntArrayRef out_strides, int64_t out_dim_size, const int64_t* index,
                 IntArrayRef index_strides, const T* src, IntArrayRef src_strides, IntArrayRef shape, int64_t dim) {
  for_each_position(shape, [&](const DimVector& pos) {
    int64_t i = checked_index(index[offset_of(pos, index_strides, SIZE_MAX, 0)], out_dim_size, dim);
    out[offset_of(pos, out_strides, static_cast<size_t>(dim), i)] += src[offset_of(pos, src_strides, SIZE_MAX, 0)];
  });
}

/// The element offset of every position of a (sizes, strides) walk, in row-major order.
inline std::vector<int64_t> offsets_of(IntArrayRef sizes, IntArrayRef strides) {
  std::vector<int64_t> out;
  for_each_position(sizes, [&](const DimVector& pos) {
    int64_t off = 0;
    for (size_t d = 0; d < pos.size(); ++d) off += pos[d] * strides[d];
    out.push_back(off);
  });
  return out;
}

/// out[p][k][q] = src[pre[p] + idx[k] + post[q]], out contiguous (advanced indexing).
template <class T>
void index_gather(const T* src, const std::vector<int64_t>& pre, const std::vector<int64_t>& idx,
                  const std::vector<int64_t>& post, T* out) {
  for (int64_t p : pre)
    for (int64_t k : idx)
      for (int64_t q : post) *out++ = src[p + k + q];
}

/// dst[pre[p] + idx[k] + post[q]] = (or +=) values[p][k][q], values contiguous (index_put_).
/// Repeated positions: the last value wins, or all add up with Accumulate.
template <class T, bool Accumulate>
void index_scatter(T* dst, const std::vector<int64_t>& pre, const std::vector<int64_t>& idx,
                   const std::vector<int64_t>& post, const T* values) {
  for (int64_t p : pre)
    for (int64_t k : idx)
      for (int64_t q : post) {
        T& d = dst[p + k + q];
        if constexpr (Accumulate) {
          if constexpr (std::is_same<T, bool>::value)
            d = d || *values;
          else
            d = static_cast<T>(d + *values);
        } else {
          d = *values;
        }
        ++values;
      }
}

/// Appends the position (one index per dim) of every nonzero element, in row-major order.
template <class T>
void nonzero(const T* data, IntArrayRef sizes, IntArrayRef strides, std::vector<int64_t>& found) {
  for_each_position(sizes, [&](const DimVector& pos) {
    int64_t off = 0;
    for (size_t d = 0; d < pos.size(); ++d) off += pos[d] * strides[d];
    if (data[off] != T(0)) found.insert(found.end(), pos.begin(), pos.end());
  });
}

/// out[i] = the next element of src, for each i (in order) where mask[i] holds; all contiguous.
template <class T>
void masked_scatter(T* out, const bool* mask, int64_t n, const T* src) {
  for (int64_t i = 0; i < n; ++i)
    if (mask[i]) out[i] = *src++;
}

}  // namespace xgrad::kernels
