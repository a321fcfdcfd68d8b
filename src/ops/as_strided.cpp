// as_strided.cpp: the views that take their geometry as given (as_strided, _reshape_alias) or
// keep it (alias), and as_strided's derivative, which autograd also uses for a view whose base
// was written in place (See Note [Views and in-place ops]). Read next: indexing_advanced.cpp.
#include <algorithm>
#include <numeric>

#include "kernels/indexing.hpp"
#include "ops/op_utils.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/ops/indexing.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

using autograd::record;
using autograd::variable_list;

namespace {

/// 1 + the largest element offset of a geometry (0 when it has no elements).
int64_t extent(IntArrayRef sizes, IntArrayRef strides) {
  int64_t end = 1;
  for (size_t d = 0; d < sizes.size(); ++d) {
    if (sizes[d] == 0) return 0;
    end += (sizes[d] - 1) * strides[d];
  }
  return end;
}

/// Whether two elements of the geometry may share memory (PyTorch's _maybe_overlapping_memory).
bool maybe_overlapping(IntArrayRef sizes, IntArrayRef strides) {
  std::vector<size_t> order(sizes.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t i, size_t j) { return strides[i] < strides[j]; });
  int64_t max_offset = 0;
  for (size_t d : order) {
    if (sizes[d] == 1) continue;
    if (strides[d] <= max_offset) return true;
    max_offset += strides[d] * (sizes[d] - 1);
  }
  return false;
}

void check_geometry(const Tensor& x, IntArrayRef size, IntArrayRef stride, int64_t offset) {
  XGRAD_CHECK(size.size() == stride.size(), "mismatch in length of strides and shape");
  for (int64_t s : stride)
    XGRAD_CHECK(s >= 0, "as_strided: Negative strides are not supported at the moment, got strides: {}",
                format_sizes(stride));
  XGRAD_CHECK(offset >= 0, "Tensor: invalid storage offset {}", offset);
  const int64_t item = static_cast<int64_t>(x.element_size());
  const int64_t needed = extent(size, stride) == 0 ? 0 : (offset + extent(size, stride)) * item;
  const int64_t available = static_cast<int64_t>(x.unsafeGetTensorImpl()->storage->nbytes());
  XGRAD_CHECK(needed <= available,
              "setStorage: sizes {}, strides {}, storage offset {}, and itemsize {} requiring a storage size of {} are "
              "out of bounds for storage of size {}",
              format_sizes(size), format_sizes(stride), offset, item, needed, available);
}

}  // namespace

/// as_strided(x, size, stride, offset): x's storage seen with the given geometry (offset defaults
/// to x's). d/dx = as_strided_backward: the gradient placed where each element lives in memory
Tensor as_strided(const Tensor& x, IntArrayRef size, IntArrayRef stride, std::optional<int64_t> storage_offset) {
  const int64_t offset = storage_offset.value_or(x.storage_offset());
  check_geometry(x, size, stride, offset);
  DimVector base_sizes(x.sizes()), base_strides(x.strides()), sizes(size), strides(stride);
  const int64_t base_offset = x.storage_offset();
  return record("AsStridedBackward0", detail::view_of(x, sizes, strides, offset), {x},
                [=](const Tensor& g) -> variable_list {
                  return {as_strided_backward(g, base_sizes, base_strides, base_offset, sizes, strides, offset)};
                });
}

/// alias(x): x itself as a new view (Python's x[...]).   d/dx = grad
Tensor alias(const Tensor& x) {
  return record("AliasBackward0", detail::view_of(x, DimVector(x.sizes()), DimVector(x.strides()), x.storage_offset()),
                {x}, [](const Tensor& g) -> variable_list { return {g}; });
}

/// _reshape_alias(x, size, stride): what reshape records when it can view (ReshapeAliasBackward0).
/// d/dx = grad.reshape(x.sizes())
Tensor _reshape_alias(const Tensor& x, IntArrayRef size, IntArrayRef stride) {
  check_geometry(x, size, stride, x.storage_offset());
  DimVector in_sizes(x.sizes());
  return record("ReshapeAliasBackward0", detail::view_of(x, DimVector(size), DimVector(stride), x.storage_offset()),
                {x}, [in_sizes](const Tensor& g) -> variable_list { return {reshape(g, in_sizes)}; });
}

/// The gradient of a tensor of geometry (base_*) from the gradient of a view of its memory with
/// geometry (sizes, strides, offset): each gradient element added where its element lives, then
/// read back with the base's geometry. Made of differentiable ops, so double backward works.
Tensor as_strided_backward(const Tensor& grad, IntArrayRef base_sizes, IntArrayRef base_strides, int64_t base_offset,
                           IntArrayRef sizes, IntArrayRef strides, int64_t offset) {
  // A flat buffer covering the memory of both geometries, starting at `lo`.
  const int64_t base_end = base_offset + extent(base_sizes, base_strides), view_end = offset + extent(sizes, strides);
  const int64_t lo = std::min(base_offset, offset), hi = std::max(base_end, view_end);
  Tensor flat = zeros({std::max<int64_t>(hi - lo, 0)}, grad.scalar_type());
  if (grad.numel() > 0) {
    if (!maybe_overlapping(sizes, strides)) {
      flat.as_strided(sizes, strides, offset - lo).copy_(grad);
    } else {
      // Elements share memory (an expanded view): their gradients add up there.
      Tensor positions = detail::make_empty(sizes, kLong);
      int64_t* p = positions.data_ptr<int64_t>();
      kernels::for_each_position(sizes, [&](const DimVector& pos) {
        int64_t at = offset - lo;
        for (size_t d = 0; d < pos.size(); ++d) at += pos[d] * strides[d];
        *p++ = at;
      });
      flat = index_add(flat, 0, positions.reshape({-1}), grad.reshape({-1}));
    }
  }
  return flat.as_strided(base_sizes, base_strides, base_offset - lo);
}

}  // namespace xgrad
