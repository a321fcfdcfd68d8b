// indexing_masked.cpp: the smaller picking and placing ops built on advanced indexing and views:
// masked_select / masked_scatter (a mask's true positions, in row-major order), take (indices
// into the flattened tensor), index_fill / index_copy (whole slices along a dim). Each pair sends
// the gradient back through the other. Read next: indexing.cpp.
#include "kernels/indexing.hpp"
#include "ops/inplace.hpp"
#include "ops/op_utils.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/ops/indexing.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

using autograd::needs_input_grad;
using autograd::record;
using autograd::variable_list;

namespace {

/// `t` broadcast to `shape`, contiguous, without recording.
Tensor expanded(const Tensor& t, IntArrayRef shape) {
  NoGradGuard no_grad;
  return detail::contiguous_raw(t.sizes().equals(shape) ? t : t.expand(shape));
}

/// The indices of `index` (0-d or 1-d, int64) along a dim of `size`, checked; negative ones wrap.
std::vector<int64_t> slice_indices(const Tensor& index, int64_t size, int64_t dim, const char* op, bool wrap) {
  Tensor idx = detail::contiguous_raw(index);
  std::vector<int64_t> out(idx.data_ptr<int64_t>(), idx.data_ptr<int64_t>() + idx.numel());
  for (int64_t& i : out) {
    const bool ok = wrap ? (i >= -size && i < size) : (i >= 0 && i < size);
    if (!ok) detail::fail<IndexError>("{}index {} is out of bounds for dimension {} with size {}", op, i, dim, size);
    if (i < 0) i += size;
  }
  return out;
}

/// x with every element of `mask` (already of x's shape) set from `source` in order, in place.
void masked_scatter_raw(const Tensor& out, const Tensor& mask, const Tensor& source) {
  Tensor m = detail::contiguous_raw(mask), src = detail::contiguous_raw(source);
  const bool* mp = m.data_ptr<bool>();
  int64_t count = 0;
  for (int64_t i = 0; i < m.numel(); ++i) count += mp[i];
  XGRAD_CHECK(src.numel() >= count, "Number of elements of source < number of ones in mask");
  visit_dtype(out.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    kernels::masked_scatter<T>(out.data_ptr<T>(), mp, m.numel(), src.data_ptr<T>());
  });
}

}  // namespace

/// masked_select(x, mask): x's elements where mask (broadcast with x) holds, as a 1-d tensor.
/// d/dx = zeros with grad scattered back to the mask's positions (summed over broadcast dims)
Tensor masked_select(const Tensor& x, const Tensor& mask) {
  XGRAD_CHECK(mask.scalar_type() == kBool, "masked_select: expected BoolTensor or ByteTensor for mask");
  DimVector shape = infer_size(x.sizes(), mask.sizes());
  Tensor out = detail::index_raw(expanded(x, shape), {expanded(mask, shape)});
  ScalarType dt = x.scalar_type();
  return record("MaskedSelectBackward0", out, {x}, [mask, shape, dt](const Tensor& g) -> variable_list {
    return {masked_scatter(zeros(shape, dt), mask, g)};
  });
}

/// masked_scatter(x, mask, source): x with the elements where mask holds replaced, in row-major
/// order, by source's first elements. d/dx = grad with 0 where mask;
/// d/dsource = grad's masked elements, then zeros, in source's shape
Tensor masked_scatter(const Tensor& x, const Tensor& mask, const Tensor& source) {
  XGRAD_CHECK(mask.scalar_type() == kBool, "masked_scatter_ only supports boolean masks, but got mask with dtype {}",
              dtype_name(mask.scalar_type()));
  XGRAD_CHECK(x.scalar_type() == source.scalar_type(),
              "masked_scatter: expected self and source to have same dtypes but got{} and {}",
              scalar_type_name(x.scalar_type()), scalar_type_name(source.scalar_type()));
  DimVector shape = infer_size(x.sizes(), mask.sizes());
  Tensor out = expanded(x, shape);
  if (out.is_same(x)) out = detail::contiguous_raw(x, /*force=*/true);
  masked_scatter_raw(out, expanded(mask, shape), source);
  DimVector source_sizes(source.sizes());
  return record("MaskedScatterBackward0", out, {x, source}, [mask, source_sizes](const Tensor& g) -> variable_list {
    Tensor grad_source;
    if (needs_input_grad(1)) {
      int64_t numel = 1;
      for (int64_t s : source_sizes) numel *= s;
      Tensor selected = masked_select(g, mask);
      if (selected.numel() < numel) selected = cat({selected, zeros({numel - selected.numel()}, g.scalar_type())});
      grad_source = selected.view(source_sizes);
    }
    return {needs_input_grad(0) ? masked_fill(g, mask, 0) : Tensor(), grad_source};
  });
}

/// take(x, index): x's elements at `index` into the flattened x, in index's shape.
/// d/dx = zeros with grad added at those positions (repeats add up)
Tensor take(const Tensor& x, const Tensor& index) {
  XGRAD_CHECK(index.scalar_type() == kLong, "take(): Expected a long tensor for index, but got {}",
              scalar_type_name(index.scalar_type()));
  const int64_t n = x.numel();
  Tensor idx = detail::contiguous_raw(index, /*force=*/true);
  for (int64_t* p = idx.data_ptr<int64_t>(); p != idx.data_ptr<int64_t>() + idx.numel(); ++p) {
    XGRAD_CHECK_T(IndexError, *p >= -n && *p < n, "out of range: tried to access index {} on a tensor of {} elements.",
                  *p, n);
    if (*p < 0) *p += n;
  }
  Tensor out;
  {
    NoGradGuard no_grad;
    out = detail::index_raw(detail::contiguous_raw(x).detach().reshape({-1}), {idx}).view(index.sizes()).detach();
  }
  DimVector sizes(x.sizes());
  ScalarType dt = x.scalar_type();
  return record("TakeBackward0", out, {x}, [idx, sizes, dt, n](const Tensor& g) -> variable_list {
    return {index_put(zeros({n}, dt), {idx.reshape({-1})}, g.reshape({-1}), /*accumulate=*/true).view(sizes)};
  });
}

/// index_fill(x, dim, index, v): x with the slices at `index` along dim set to v.
/// d/dx = grad with those slices 0
Tensor index_fill(const Tensor& x, int64_t dim, const Tensor& index, const Scalar& value) {
  XGRAD_CHECK_T(IndexError, index.scalar_type() == kLong, "index_fill_(): Expected dtype int64 for index.");
  XGRAD_CHECK(index.dim() <= 1, "Index has to be a vector/scalar");
  dim = maybe_wrap_dim(dim, x.dim());
  Tensor out = detail::contiguous_raw(x, /*force=*/true);
  if (x.dim() == 0) {
    slice_indices(index, 1, dim, "", true);
    if (index.numel() > 0) detail::fill_raw(out, value);
  } else {
    NoGradGuard no_grad;  // out records nothing: its slices are plain views
    for (int64_t i : slice_indices(index, x.size(dim), dim, "", true)) detail::fill_raw(out.select(dim, i), value);
  }
  return record("IndexFillBackward0", out, {x}, [dim, index](const Tensor& g) -> variable_list {
    return {index_fill(g, dim, index, 0)};
  });
}

/// index_copy(x, dim, index, source): x with slice index[k] along dim replaced by source's slice k.
/// d/dx = grad with those slices 0, d/dsource = grad.index_select(dim, index)
Tensor index_copy(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& source) {
  XGRAD_CHECK(index.scalar_type() == kLong, "index_copy_(): Expected a long tensor for index, but got {}",
              scalar_type_name(index.scalar_type()));
  XGRAD_CHECK_T(IndexError, index.dim() <= 1, "index_copy_(): Index should have dimension 1 or 0 (got {})", index.dim());
  dim = maybe_wrap_dim(dim, x.dim());
  XGRAD_CHECK_T(IndexError, x.dim() == source.dim() || x.dim() == 0 || source.dim() == 0,
                "index_copy_(): When source and destination are not scalars, their dimensionality must match. Source "
                "dimensionality ({}), destination dimensionality ({})",
                source.dim(), x.dim());
  for (int64_t d = 0; d < x.dim() && source.dim() > 0; ++d)
    XGRAD_CHECK(d == dim || x.size(d) == source.size(d),
                "index_copy_(): Source/destination tensor must have same slice shapes. Destination slice shape: {} at "
                "dimension {} and source slice shape: {} at dimension 0.",
                x.size(d), d, source.size(d));
  const int64_t n = index.numel(), source_n = source.dim() == 0 ? 1 : source.size(dim);
  XGRAD_CHECK_T(IndexError, n == source_n,
                "index_copy_(): Number of indices ({}) should be equal to source.size(dim) ({})", n, source_n);
  XGRAD_CHECK(x.scalar_type() == source.scalar_type(),
              "index_copy_(): self and source expected to have the same dtype, but got (self) {} and (source) {}",
              scalar_type_name(x.scalar_type()), scalar_type_name(source.scalar_type()));
  Tensor out = detail::contiguous_raw(x, /*force=*/true);
  std::vector<int64_t> at = slice_indices(index, x.dim() == 0 ? 1 : x.size(dim), dim, "index_copy_(): ", false);
  {
    NoGradGuard no_grad;
    Tensor o = out.detach(), s = source.detach();
    for (size_t k = 0; k < at.size(); ++k) {
      if (x.dim() == 0) {
        detail::copy_raw(o, s.reshape({}));
      } else {
        detail::copy_raw(o.select(dim, at[k]), s.dim() == 0 ? s : s.select(dim, static_cast<int64_t>(k)));
      }
    }
  }
  return record("IndexCopyBackward0", out, {x, source}, [dim, index](const Tensor& g) -> variable_list {
    return {needs_input_grad(0) ? index_fill(g, dim, index, 0) : Tensor(),
            needs_input_grad(1) ? index_select(g, dim, index) : Tensor()};
  });
}

// ---- the Tensor methods, and the in-place forms ----------------------------------------------------

Tensor Tensor::masked_select(const Tensor& mask) const { return xgrad::masked_select(*this, mask); }
Tensor Tensor::masked_scatter(const Tensor& mask, const Tensor& source) const {
  return xgrad::masked_scatter(*this, mask, source);
}
Tensor& Tensor::masked_scatter_(const Tensor& mask, const Tensor& source) const {
  return detail::inplace_with_autograd(mutable_this(), {source}, [&](const Tensor& s) {
    return xgrad::masked_scatter(s, mask, detail::alias_for_inplace(source, mutable_this()));
  });
}
Tensor Tensor::take(const Tensor& index) const { return xgrad::take(*this, index); }
Tensor Tensor::index_add(int64_t dim, const Tensor& index, const Tensor& source, const Scalar& alpha) const {
  return xgrad::index_add(*this, dim, index, source, alpha);
}
Tensor& Tensor::index_add_(int64_t dim, const Tensor& index, const Tensor& source, const Scalar& alpha) const {
  return detail::inplace_with_autograd(mutable_this(), {source}, [&](const Tensor& s) {
    return xgrad::index_add(s, dim, index, detail::alias_for_inplace(source, mutable_this()), alpha);
  });
}
Tensor Tensor::index_copy(int64_t dim, const Tensor& index, const Tensor& source) const {
  return xgrad::index_copy(*this, dim, index, source);
}
Tensor& Tensor::index_copy_(int64_t dim, const Tensor& index, const Tensor& source) const {
  return detail::inplace_with_autograd(mutable_this(), {source}, [&](const Tensor& s) {
    return xgrad::index_copy(s, dim, index, detail::alias_for_inplace(source, mutable_this()));
  });
}
Tensor Tensor::index_fill(int64_t dim, const Tensor& index, const Scalar& value) const {
  return xgrad::index_fill(*this, dim, index, value);
}
Tensor& Tensor::index_fill_(int64_t dim, const Tensor& index, const Scalar& value) const {
  return detail::inplace_with_autograd(mutable_this(), {}, [&](const Tensor& s) { return xgrad::index_fill(s, dim, index, value); });
}

}  // namespace xgrad
