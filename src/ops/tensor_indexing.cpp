// tensor_indexing.cpp: x.index({...}) and x.index_put_({...}, v), Python's x[...] and x[...] = v,
// as libtorch's ATen/TensorIndexing.h does them: each integer, slice, None, Ellipsis or bool is
// applied in turn as a view op (select, slice, unsqueeze; alias for a bare `...`), and the index
// tensors left over go to advanced indexing (indexing_advanced.cpp) on the view so far.
// Read next: indexing_advanced.cpp.
#include "xgrad/ops/tensor_indexing.hpp"

#include <cstring>

#include "ops/op_utils.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/ops/indexing.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {
namespace indexing {

std::ostream& operator<<(std::ostream& stream, const Slice& slice) {
  return stream << slice.start() << ":" << slice.stop() << ":" << slice.step();
}

std::ostream& operator<<(std::ostream& stream, const TensorIndex& index) {
  if (index.is_none()) {
    stream << "None";
  } else if (index.is_ellipsis()) {
    stream << "...";
  } else if (index.is_integer()) {
    stream << index.integer();
  } else if (index.is_boolean()) {
    stream << (index.boolean() ? "true" : "false");
  } else if (index.is_slice()) {
    stream << index.slice();
  } else if (index.is_tensor()) {
    stream << index.tensor();
  }
  return stream;
}

std::ostream& operator<<(std::ostream& stream, const std::vector<TensorIndex>& indices) {
  stream << "(";
  for (size_t i = 0; i < indices.size(); ++i) stream << (i ? ", " : "") << indices[i];
  return stream << ")";
}

namespace {

/// x[start:stop:step] along dim. A slice covering the whole dim returns x itself unless
/// `disable_slice_optimization` (the single-index case x[:], which must give a new view).
Tensor apply_slice(const Tensor& self, int64_t dim, int64_t start, int64_t stop, int64_t step,
                   bool disable_slice_optimization) {
  XGRAD_CHECK_T(ValueError, step > 0, "step must be greater than zero");
  if (!disable_slice_optimization && self.dim() > dim && start == 0 && stop == self.size(dim) && step == 1) return self;
  return self.slice(dim, start, stop, step);
}

/// x[index] along dim; `real_dim` is the position in the index list, for the message.
Tensor apply_select(const Tensor& self, int64_t dim, int64_t index, int64_t real_dim) {
  XGRAD_CHECK_T(IndexError, !(index == 0 && dim == 0 && self.dim() == 0),
                "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to "
                "convert a 0-dim tensor to a number");
  const int64_t size = dim < self.dim() ? self.size(dim) : 0;
  XGRAD_CHECK_T(IndexError, index >= -size && index < size, "index {} is out of bounds for dimension {} with size {}",
                index, real_dim, size);
  return self.select(dim, index);
}

/// A bool index adds a dim of size 1; true takes it (index [0]), false takes none of it (index []).
Tensor bool_to_indexing_tensor(bool value) {
  if (value) return zeros({1}, kLong);
  return detail::make_empty({0}, kLong);
}

void record_tensor_index(const Tensor& tensor, std::vector<Tensor>& out, int64_t& dim) {
  out.resize(static_cast<size_t>(dim) + 1);
  out[static_cast<size_t>(dim)] = tensor;
  ++dim;
}

/// How many dims of x the indices consume (everything but None, Ellipsis and bools).
int64_t count_specified_dimensions(ArrayRef<TensorIndex> indices) {
  int64_t count = 0;
  for (const TensorIndex& obj : indices) {
    if (obj.is_tensor()) {
      const Tensor& t = obj.tensor();
      count += t.scalar_type() == kBool || t.scalar_type() == kByte ? t.dim() : 1;  // masks use their dims
    } else if (!obj.is_none() && !obj.is_ellipsis() && !obj.is_boolean()) {
      ++count;
    }
  }
  return count;
}

/// Applies one index to the result so far; `dim` is where the next index applies.
Tensor handle_dim(const Tensor& prev, const Tensor& original, const TensorIndex& index, int64_t& dim,
                  int64_t specified_dims, int64_t real_dim, std::vector<Tensor>& out_indices,
                  bool disable_slice_optimization) {
  if (index.is_integer()) return apply_select(prev, dim, index.integer(), real_dim);
  if (index.is_slice()) {
    Tensor result = apply_slice(prev, dim, index.slice().start(), index.slice().stop(), index.slice().step(),
                                disable_slice_optimization);
    ++dim;
    return result;
  }
  if (index.is_ellipsis()) {
    dim += original.dim() - specified_dims;
    return prev;
  }
  if (index.is_none()) {
    Tensor result = prev.unsqueeze(dim);
    ++dim;
    return result;
  }
  if (index.is_boolean()) {
    Tensor result = prev.unsqueeze(dim);
    record_tensor_index(bool_to_indexing_tensor(index.boolean()), out_indices, dim);
    return result;
  }
  const Tensor& tensor = index.tensor();
  const ScalarType type = tensor.scalar_type();
  if (tensor.dim() == 0 && !is_floating_point(type)) {
    if (type != kBool && type != kByte) return apply_select(prev, dim, tensor.item<int64_t>(), real_dim);
    Tensor result = prev.unsqueeze(dim);  // a 0-d bool or uint8 tensor indexes as True/False
    record_tensor_index(bool_to_indexing_tensor(tensor.item<int64_t>() != 0), out_indices, dim);
    return result;
  }
  record_tensor_index(tensor, out_indices, dim);
  return prev;
}

/// The basic indices applied as views; the tensor indices left for advanced indexing.
Tensor apply_slicing(const Tensor& self, ArrayRef<TensorIndex> indices, std::vector<Tensor>& out_indices,
                     bool disable_slice_optimization) {
  const int64_t specified_dims = count_specified_dimensions(indices);
  XGRAD_CHECK_T(IndexError, specified_dims <= self.dim(), "too many indices for tensor of dimension {}", self.dim());
  Tensor result = self;
  int64_t dim = 0;
  for (size_t i = 0; i < indices.size(); ++i)
    result = handle_dim(result, self, indices[i], dim, specified_dims, static_cast<int64_t>(i), out_indices,
                        disable_slice_optimization);
  return result;
}

/// NumPy drops leading 1s of an assigned value: x[0] = v of shape (1, 1, 3) works for x[0] of (3).
IntArrayRef slice_prefix_1s_size(IntArrayRef sizes) {
  size_t first = sizes.size();
  for (size_t i = 0; i < sizes.size(); ++i)
    if (sizes[i] != 1) {
      first = i;
      break;
    }
  return IntArrayRef(sizes.data() + first, sizes.size() - first);
}

/// dst = src, broadcasting src (less its leading 1s) to dst's shape.
void copy_to(const Tensor& dst, const Tensor& src) {
  Tensor d = dst;
  if (dst.sizes().equals(src.sizes())) {
    d.copy_(src);
  } else if (src.dim() == 0) {
    d.fill_(src);
  } else {
    Tensor src_view = src.view(slice_prefix_1s_size(src.sizes()));
    d.copy_(src_view.sizes().equals(dst.sizes()) ? src_view : src_view.expand(dst.sizes()));
  }
}

}  // namespace

Tensor get_item(const Tensor& self, ArrayRef<TensorIndex> indices, bool disable_slice_optimization) {
  if (indices.size() == 1) {  // the simple cases, as Python's x[i], x[a:b], x[None], x[...], x[True]
    const TensorIndex& index = indices[0];
    if (index.is_integer()) return apply_select(self, 0, index.integer(), 0);
    if (index.is_slice())
      return apply_slice(self, 0, index.slice().start(), index.slice().stop(), index.slice().step(), true);
    if (index.is_none()) return self.unsqueeze(0);
    if (index.is_ellipsis()) return alias(self);
    if (index.is_boolean()) return detail::index(self.unsqueeze(0), {bool_to_indexing_tensor(index.boolean())});
  }
  std::vector<Tensor> tensor_indices;
  Tensor sliced = apply_slicing(self, indices, tensor_indices, disable_slice_optimization);
  if (tensor_indices.empty()) return sliced.is_same(self) ? alias(sliced) : sliced;  // x[...] is a new view
  return detail::index(sliced, tensor_indices);
}

void set_item(const Tensor& self, ArrayRef<TensorIndex> indices, const Tensor& value, bool disable_slice_optimization) {
  if (indices.size() == 1) {
    const TensorIndex& index = indices[0];
    if (index.is_boolean() && !index.boolean()) return;  // x[False] = v writes nothing
    if (index.is_ellipsis()) return copy_to(self, value);
    if (index.is_none() || (index.is_boolean() && index.boolean())) return copy_to(self.unsqueeze(0), value);
    if (index.is_integer()) return copy_to(apply_select(self, 0, index.integer(), 0), value);
    if (index.is_slice())
      return copy_to(apply_slice(self, 0, index.slice().start(), index.slice().stop(), index.slice().step(),
                                 disable_slice_optimization),
                     value);
  }
  std::vector<Tensor> tensor_indices;
  Tensor sliced = apply_slicing(self, indices, tensor_indices, disable_slice_optimization);
  if (tensor_indices.empty()) return copy_to(sliced, value);
  IntArrayRef value_sizes = value.sizes(), sliced_value_sizes = slice_prefix_1s_size(value_sizes);
  Tensor values = value_sizes.equals(sliced_value_sizes) ? value : value.view(sliced_value_sizes);
  detail::index_put_(sliced, tensor_indices, values, /*accumulate=*/false);
}

}  // namespace indexing

// ---- the Tensor methods ---------------------------------------------------------------------------

Tensor Tensor::index(ArrayRef<indexing::TensorIndex> indices) const {
  XGRAD_CHECK(!indices.empty(), "Passing an empty index list to Tensor::index() is not valid syntax");
  return indexing::get_item(*this, indices);
}
Tensor Tensor::index(std::initializer_list<indexing::TensorIndex> indices) const {
  return index(ArrayRef<indexing::TensorIndex>(indices));
}
Tensor Tensor::index(const std::vector<std::optional<Tensor>>& indices) const { return xgrad::index(*this, indices); }

Tensor& Tensor::index_put_(ArrayRef<indexing::TensorIndex> indices, const Tensor& rhs) const {
  XGRAD_CHECK(!indices.empty(), "Passing an empty index list to Tensor::index_put_() is not valid syntax");
  indexing::set_item(mutable_this(), indices, rhs);
  return mutable_this();
}
Tensor& Tensor::index_put_(ArrayRef<indexing::TensorIndex> indices, const Scalar& v) const {
  XGRAD_CHECK(!indices.empty(), "Passing an empty index list to Tensor::index_put_() is not valid syntax");
  return index_put_(indices, scalar_tensor(v, scalar_type()));
}
Tensor& Tensor::index_put_(std::initializer_list<indexing::TensorIndex> indices, const Tensor& rhs) const {
  return index_put_(ArrayRef<indexing::TensorIndex>(indices), rhs);
}
Tensor& Tensor::index_put_(std::initializer_list<indexing::TensorIndex> indices, const Scalar& v) const {
  return index_put_(ArrayRef<indexing::TensorIndex>(indices), v);
}
Tensor& Tensor::index_put_(const std::vector<std::optional<Tensor>>& indices, const Tensor& values, bool accumulate) const {
  return xgrad::index_put_(mutable_this(), indices, values, accumulate);
}
Tensor Tensor::index_put(const std::vector<std::optional<Tensor>>& indices, const Tensor& values,
                         bool accumulate) const {
  return xgrad::index_put(*this, indices, values, accumulate);
}
Tensor Tensor::nonzero() const { return xgrad::nonzero(*this); }

Tensor Tensor::operator[](const Scalar& index) const {
  XGRAD_CHECK_T(IndexError, index.isIntegral(false), "Can only index tensors with integral scalars");
  return select(0, index.toLong());
}
Tensor Tensor::operator[](const Tensor& index) const {
  XGRAD_CHECK_T(IndexError, index.defined(), "Can only index with tensors that are defined");
  XGRAD_CHECK_T(IndexError, index.dim() == 0, "Can only index with tensors that are scalars (zero-dim)");
  return (*this)[index.item()];
}
Tensor Tensor::alias() const { return xgrad::alias(*this); }
Tensor Tensor::as_strided(IntArrayRef size, IntArrayRef stride, std::optional<int64_t> storage_offset) const {
  return xgrad::as_strided(*this, size, stride, storage_offset);
}

}  // namespace xgrad
