// sparse.cpp: sparse COO tensors (See Note [Sparse COO tensors] in xgrad/ops/sparse.hpp): making
// them, with PyTorch's checks and messages (aten/src/ATen/native/sparse/SparseTensor.cpp in
// PyTorch 1.13), coalesce, to_dense and to_sparse, and the guard that keeps every other op off
// them. Printing is in core/format.cpp.
#include "xgrad/ops/sparse.hpp"

#include <algorithm>
#include <numeric>
#include <sstream>
#include <vector>

#include "ops/op_utils.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/ops/indexing.hpp"

namespace xgrad {

namespace {

const char* const kSparseOpsList =
    "xgrad's sparse COO tensors support sparse_coo_tensor, empty/zeros with layout kSparse, _indices, _values, "
    "indices, values, _nnz, sparse_dim, dense_dim, coalesce, is_coalesced, to_dense, clone, detach, to(dtype) and "
    "printing (xgrad/ops/sparse.hpp); call to_dense() first";

/// xgrad has no sparse gradients: refuse rather than give a wrong one.
void check_no_grad(const Tensor& t, const char* op) {
  XGRAD_CHECK(!(t.requires_grad() && GradMode::is_enabled()),
              "{}: xgrad does not support autograd through sparse tensors (no sparse gradients); pass a tensor "
              "that does not require grad, or compute with dense tensors",
              op);
}

void check_sparse(const Tensor& t, const char* op) {
  if (!t.is_sparse())
    throw NotImplementedError(fmt::format(
        "Could not run 'aten::{}' with arguments from the 'CPU' backend. It takes a sparse COO tensor.", op));
}

/// The tensor a SparseCoo part holds, as a handle.
Tensor part(const std::shared_ptr<TensorImpl>& impl) { return Tensor(impl); }

/// A sparse tensor of `sizes` over `indices` and `values`, unchecked (the callers checked).
Tensor make_sparse(IntArrayRef sizes, const Tensor& indices, const Tensor& values, bool coalesced) {
  auto coo = std::make_shared<SparseCoo>();
  coo->indices = indices.impl();
  coo->values = values.impl();
  coo->sparse_dim = indices.size(0);
  coo->dense_dim = values.dim() - 1;
  coo->coalesced = coalesced || indices.size(1) < 2;  // as PyTorch: no two entries, nothing to sum or sort
  auto impl = detail::make_pooled<TensorImpl>(StorageImpl::allocate(0), 0, DimVector(sizes), contiguous_strides(sizes),
                                              values.scalar_type());
  impl->sparse = std::move(coo);
  return Tensor(std::move(impl));
}

/// A 0-d values tensor stands for one entry (PyTorch's expand_values_if_needed).
Tensor expand_values_if_needed(const Tensor& values) { return values.dim() == 0 ? values.reshape({1}) : values; }

/// Each column of indices (sparse_dim x nnz) as one row-major number over the sparse sizes.
std::vector<int64_t> linear_indices(const Tensor& indices, IntArrayRef sparse_sizes) {
  const int64_t k = indices.size(0), nnz = indices.size(1);
  Tensor c = indices.contiguous();
  const int64_t* p = c.data_ptr<int64_t>();
  std::vector<int64_t> linear(static_cast<size_t>(nnz), 0);
  for (int64_t d = 0; d < k; ++d)
    for (int64_t j = 0; j < nnz; ++j) linear[j] = linear[j] * sparse_sizes[d] + p[d * nnz + j];
  return linear;
}

Tensor long_tensor(const std::vector<int64_t>& v, IntArrayRef sizes) {
  Tensor t = detail::make_empty(sizes, kLong);
  std::copy(v.begin(), v.end(), t.data_ptr<int64_t>());
  return t;
}

/// The indices (sparse_dim x n) of row-major numbers `linear` over `sparse_sizes`.
Tensor unravel(const std::vector<int64_t>& linear, IntArrayRef sparse_sizes) {
  const auto k = static_cast<int64_t>(sparse_sizes.size()), n = static_cast<int64_t>(linear.size());
  std::vector<int64_t> out(static_cast<size_t>(k * n));
  for (int64_t j = 0; j < n; ++j) {
    int64_t rest = linear[j];
    for (int64_t d = k; d-- > 0;) {
      out[d * n + j] = rest % sparse_sizes[d];
      rest /= sparse_sizes[d];
    }
  }
  return long_tensor(out, {k, n});
}

/// `values` (nnz x dense) summed into the n rows of `out` (zeros, n x dense, viewed as such): row
/// r gets every values[j] with target[j] == r.
void sum_rows(const Tensor& out, const Tensor& values, const std::vector<int64_t>& target, int64_t n) {
  DimVector sizes(values.sizes());
  sizes[0] = n;
  NoGradGuard no_grad;
  if (!target.empty())
    out.view(sizes.ref()).index_add_(0, long_tensor(target, {static_cast<int64_t>(target.size())}), values);
}

}  // namespace

void throw_sparse_has_no_data() {
  throw NotImplementedError(std::string("Could not run this operator with arguments from the 'SparseCPU' backend. It "
                                        "reads a tensor's strided data, which a sparse tensor does not have: ") +
                            kSparseOpsList);
}

namespace detail {
void throw_if_sparse_view(const Tensor& base) {
  if (base.is_sparse())
    throw NotImplementedError(
        std::string("Could not run 'aten::as_strided' with arguments from the 'SparseCPU' backend. A sparse tensor "
                    "has no strided data to view: ") +
        kSparseOpsList);
}

Tensor sparse_empty(IntArrayRef size, const TensorOptions& options) {
  check_tensor_options(options.layout(kStrided));  // the device
  XGRAD_CHECK(!options.requires_grad(),
              "xgrad does not support autograd through sparse tensors (no sparse gradients): a sparse tensor cannot "
              "require grad");
  for (int64_t s : size)
    XGRAD_CHECK(s >= 0, "Trying to create tensor with negative dimension {}: {}", s, format_sizes(size));
  Tensor indices = make_empty({static_cast<int64_t>(size.size()), 0}, kLong);
  Tensor values = make_empty({0}, options.dtype());
  return make_sparse(size, indices, values, /*coalesced=*/true);
}
}  // namespace detail

// ---- construction -------------------------------------------------------------------------------

namespace {
/// The checks both sparse_coo_tensor overloads share (PyTorch's arg checking), and the values in
/// the dtype asked for.
Tensor checked_values(const Tensor& indices, const Tensor& values, const TensorOptions& options) {
  if (options.has_layout() && options.layout() != kSparse) {
    std::ostringstream os;
    os << options.layout();
    throw Error("expected sparse layout, but got layout " + os.str());
  }
  XGRAD_CHECK(!options.requires_grad(),
              "sparse_coo_tensor: xgrad does not support autograd through sparse tensors (no sparse gradients)");
  detail::check_tensor_options(options.layout(kStrided));
  if (indices.is_sparse()) {
    std::ostringstream os;
    os << indices.layout();
    throw Error("expected indices to be a dense tensor, but got indices of layout " + os.str());
  }
  if (values.is_sparse()) {
    std::ostringstream os;
    os << values.layout();
    throw Error("expected values to be a dense tensor, but got values of layout " + os.str());
  }
  XGRAD_CHECK(indices.dim() == 2, "indices must be sparse_dim x nnz, but got: {}", format_sizes(indices.sizes()));
  XGRAD_CHECK(indices.scalar_type() == kLong, "indices must be an int64 tensor");
  check_no_grad(values, "sparse_coo_tensor");
  Tensor v = expand_values_if_needed(values);
  XGRAD_CHECK(indices.size(1) == v.size(0),
              "indices and values must have same nnz, but got nnz from indices: {}, nnz from values: {}",
              indices.size(1), v.size(0));
  // The sparse tensor owns its parts: copies, so writing into the caller's tensors cannot change it.
  NoGradGuard no_grad;
  return options.has_dtype() ? v.to(options.dtype(), false, true) : v.clone();
}

/// Each sparse dim's smallest and largest index (the columns of a sparse_dim x nnz tensor).
void index_bounds(const Tensor& indices, std::vector<int64_t>& lo, std::vector<int64_t>& hi) {
  const int64_t k = indices.size(0), nnz = indices.size(1);
  Tensor c = indices.contiguous();
  const int64_t* p = c.data_ptr<int64_t>();
  lo.assign(static_cast<size_t>(k), 0);
  hi.assign(static_cast<size_t>(k), -1);
  for (int64_t d = 0; d < k && nnz > 0; ++d) {
    lo[d] = *std::min_element(p + d * nnz, p + (d + 1) * nnz);
    hi[d] = *std::max_element(p + d * nnz, p + (d + 1) * nnz);
  }
}
}  // namespace

Tensor sparse_coo_tensor(const Tensor& indices, const Tensor& values, TensorOptions options) {
  Tensor v = checked_values(indices, values, options);
  std::vector<int64_t> lo, hi;
  index_bounds(indices, lo, hi);
  DimVector sizes;
  for (size_t d = 0; d < lo.size(); ++d) {
    XGRAD_CHECK(lo[d] >= 0, "found negative index {} for dim {}", lo[d], d);
    sizes.push_back(hi[d] + 1);  // 0 when there are no entries
  }
  for (int64_t d = 1; d < v.dim(); ++d) sizes.push_back(v.size(d));
  return make_sparse(sizes, indices.clone(), v, /*coalesced=*/false);
}

Tensor sparse_coo_tensor(const Tensor& indices, const Tensor& values, IntArrayRef size, TensorOptions options) {
  Tensor v = checked_values(indices, values, options);
  const int64_t sparse_dim = indices.size(0), dense_dim = v.dim() - 1;
  XGRAD_CHECK(static_cast<int64_t>(size.size()) == sparse_dim + dense_dim,
              "number of dimensions must be sparse_dim ({}) + dense_dim ({}), but got {}", sparse_dim, dense_dim,
              size.size());
  std::vector<int64_t> lo, hi;
  index_bounds(indices, lo, hi);
  if (indices.size(1) > 0) {
    for (int64_t d = 0; d < sparse_dim; ++d) {
      XGRAD_CHECK(lo[d] >= 0, "found negative index {} for dim {}", lo[d], d);
      XGRAD_CHECK(hi[d] < size[d], "size is inconsistent with indices: for dim {}, size is {} but found index {}", d,
                  size[d], hi[d]);
    }
  }
  for (int64_t s : size)
    XGRAD_CHECK(s >= 0, "Trying to create tensor with negative dimension {}: {}", s, format_sizes(size));
  DimVector expected{v.size(0)};
  for (int64_t d = sparse_dim; d < static_cast<int64_t>(size.size()); ++d) expected.push_back(size[d]);
  XGRAD_CHECK(v.sizes().equals(expected.ref()), "values has incorrect size, expected {}, got {}",
              format_sizes(expected.ref()), format_sizes(v.sizes()));
  return make_sparse(size, indices.clone(), v, /*coalesced=*/false);
}

// ---- reading a sparse tensor ----------------------------------------------------------------------

int64_t Tensor::_nnz() const {
  check_sparse(*this, "_nnz");
  return impl_->sparse->indices->sizes[1];
}
int64_t Tensor::sparse_dim() const {
  check_sparse(*this, "sparse_dim");
  return impl_->sparse->sparse_dim;
}
int64_t Tensor::dense_dim() const {
  check_sparse(*this, "dense_dim");
  return impl_->sparse->dense_dim;
}
bool Tensor::is_coalesced() const {
  check_sparse(*this, "is_coalesced");
  return impl_->sparse->coalesced;
}
// As PyTorch's: aliases of the parts (writing into them writes into the sparse tensor).
Tensor Tensor::_indices() const {
  check_sparse(*this, "_indices");
  return part(impl_->sparse->indices).alias();
}
Tensor Tensor::_values() const {
  check_sparse(*this, "_values");
  return part(impl_->sparse->values).alias();
}
Tensor Tensor::indices() const {
  check_sparse(*this, "indices");
  XGRAD_CHECK(is_coalesced(), "Cannot get indices on an uncoalesced tensor, please call .coalesce() first");
  return _indices();
}
Tensor Tensor::values() const {
  check_sparse(*this, "values");
  XGRAD_CHECK(is_coalesced(), "Cannot get values on an uncoalesced tensor, please call .coalesce() first");
  return _values();
}

Storage Tensor::storage() const {
  if (is_sparse()) throw NotImplementedError("Cannot access storage of SparseTensorImpl");
  return Storage(impl_->storage);
}

// ---- coalesce, to_dense, to_sparse ----------------------------------------------------------------

/// coalesce(x): columns sorted row-major over the sparse dims, duplicates' values summed.
Tensor Tensor::coalesce() const {
  check_sparse(*this, "is_coalesced");  // PyTorch's coalesce asks is_coalesced first
  if (is_coalesced()) return *this;
  const SparseCoo& coo = *impl_->sparse;
  const IntArrayRef sparse_sizes(sizes().data(), static_cast<size_t>(coo.sparse_dim));
  const std::vector<int64_t> linear = linear_indices(part(coo.indices), sparse_sizes);
  std::vector<int64_t> order(linear.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return linear[a] < linear[b]; });
  std::vector<int64_t> unique, target(linear.size());  // target: the output column of each input column
  for (int64_t j : order) {
    if (unique.empty() || unique.back() != linear[j]) unique.push_back(linear[j]);
    target[j] = static_cast<int64_t>(unique.size()) - 1;
  }
  DimVector value_sizes(part(coo.values).sizes());
  value_sizes[0] = static_cast<int64_t>(unique.size());
  Tensor values = zeros(value_sizes.ref(), scalar_type());
  sum_rows(values, part(coo.values), target, value_sizes[0]);
  return make_sparse(sizes(), unravel(unique, sparse_sizes), values, /*coalesced=*/true);
}

/// to_dense(x): zeros of x's size with each entry's values added at its indices.
Tensor Tensor::to_dense(std::optional<ScalarType> dtype) const {
  if (!is_sparse()) return dtype ? to(*dtype) : *this;
  const SparseCoo& coo = *impl_->sparse;
  const IntArrayRef sparse_sizes(sizes().data(), static_cast<size_t>(coo.sparse_dim));
  int64_t rows = 1;
  for (int64_t s : sparse_sizes) rows *= s;
  Tensor dense = zeros(sizes(), scalar_type());  // a new tensor, no view
  sum_rows(dense, part(coo.values), linear_indices(part(coo.indices), sparse_sizes), rows);
  return dtype ? dense.to(*dtype) : dense;
}

Tensor Tensor::to_sparse() const {
  if (is_sparse()) throw NotImplementedError("Could not run 'aten::to_sparse' with arguments from the 'SparseCPU' backend.");
  return to_sparse(dim());
}

/// to_sparse(x, k): the first k dims sparse; an entry for each index whose block has a non-zero.
Tensor Tensor::to_sparse(int64_t sparse_dim) const {
  if (is_sparse())
    throw NotImplementedError("Could not run 'aten::to_sparse.sparse_dim' with arguments from the 'SparseCPU' backend.");
  XGRAD_CHECK(sparse_dim <= dim(), "sparse_dim must be less than or equal to self.dim()");
  XGRAD_CHECK(sparse_dim >= 0, "sparse_dim must be non-negative");  // an int64 in C++, never negative in Python
  check_no_grad(*this, "to_sparse");
  const IntArrayRef sparse_sizes(sizes().data(), static_cast<size_t>(sparse_dim));
  int64_t rows = 1;
  for (int64_t s : sparse_sizes) rows *= s;
  const int64_t block = rows == 0 ? 0 : numel() / rows;
  Tensor nonzero_mask = ne(0).contiguous();
  const bool* nz = nonzero_mask.data_ptr<bool>();
  std::vector<int64_t> kept;
  for (int64_t r = 0; r < rows; ++r)
    if (std::any_of(nz + r * block, nz + (r + 1) * block, [](bool b) { return b; })) kept.push_back(r);
  DimVector flat_sizes{rows}, value_sizes{static_cast<int64_t>(kept.size())};
  for (int64_t d = sparse_dim; d < dim(); ++d) {
    flat_sizes.push_back(size(d));
    value_sizes.push_back(size(d));
  }
  Tensor values = contiguous().reshape(flat_sizes.ref()).index_select(0, long_tensor(kept, {static_cast<int64_t>(kept.size())}));
  return make_sparse(sizes(), unravel(kept, sparse_sizes), values.reshape(value_sizes.ref()), /*coalesced=*/true);
}

// ---- copies ---------------------------------------------------------------------------------------

namespace detail {
/// clone and to(dtype) of a sparse tensor: the parts copied (values converted), same coalescing.
Tensor sparse_copy(const Tensor& x, std::optional<ScalarType> dtype) {
  const SparseCoo& coo = *x.impl()->sparse;
  NoGradGuard no_grad;
  Tensor values = dtype ? part(coo.values).to(*dtype, false, true) : part(coo.values).clone();
  return make_sparse(x.sizes(), part(coo.indices).clone(), values, coo.coalesced);
}
}  // namespace detail

}  // namespace xgrad
