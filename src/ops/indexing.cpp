// indexing.cpp: picking and placing by index. The pairs are each other's derivatives:
// gather <-> scatter_add, index_select <-> index_add, and where/masked_fill send the gradient to
// the side each element came from. Read next: linalg.cpp.
#include "xgrad/ops/indexing.hpp"

#include <cstring>

#include "kernels/elementwise.hpp"
#include "kernels/indexing.hpp"
#include "ops/op_utils.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

using autograd::needs_input_grad;
using autograd::record;
using autograd::save;
using autograd::variable_list;

namespace {

void check_index_dtype(const Tensor& index, const char* op) {
  XGRAD_CHECK(index.scalar_type() == kLong, "{}(): Expected dtype int64 for index", op);
}

/// Splits x (contiguous) around `dim` into (outer, size(dim), inner).
void split_dims(IntArrayRef sizes, int64_t dim, int64_t& outer, int64_t& inner) {
  outer = 1;
  inner = 1;
  for (int64_t d = 0; d < static_cast<int64_t>(sizes.size()); ++d) {
    if (d < dim) outer *= sizes[d];
    if (d > dim) inner *= sizes[d];
  }
}

}  // namespace

/// index_select(x, dim, index): the slices of x at the given indices along dim
/// d/dx = zeros of x's shape with grad added at the indices (index_add)      saves: index
Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index) {
  XGRAD_CHECK(index.scalar_type() == kLong, "index_select(): Expected dtype int32 or int64 for index");
  XGRAD_CHECK_T(IndexError, index.dim() <= 1, "index_select(): Index is supposed to be a vector");
  dim = maybe_wrap_dim(dim, x.dim());
  Tensor xc = detail::contiguous_raw(x), idx = detail::contiguous_raw(index);
  int64_t n = idx.numel(), size = x.dim() == 0 ? 1 : x.size(dim), outer, inner;
  split_dims(x.sizes(), dim, outer, inner);
  DimVector shape(x.sizes());
  if (x.dim() > 0) shape[dim] = n;
  Tensor out = detail::make_empty(shape, x.scalar_type());
  const int64_t* ip = idx.data_ptr<int64_t>();
  for (int64_t k = 0; k < n; ++k)
    XGRAD_CHECK_T(IndexError, ip[k] >= -size && ip[k] < size, "index out of range in self");
  size_t block = static_cast<size_t>(inner) * x.element_size();
  const char* src = static_cast<const char*>(xc.data_ptr());
  char* dst = static_cast<char*>(out.data_ptr());
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t k = 0; k < n; ++k) {
      int64_t i = ip[k] < 0 ? ip[k] + size : ip[k];
      std::memcpy(dst + (o * n + k) * block, src + (o * size + i) * block, block);
    }
  DimVector in_sizes(x.sizes());
  ScalarType dt = x.scalar_type();
  return record("IndexSelectBackward0", out, {x}, save(index),
                [in_sizes, dim, dt](const Tensor& g, const Tensor& index) -> variable_list {
                  return {index_add(zeros(in_sizes, dt), dim, index, g)};
                });
}

/// index_add(x, dim, index, source, alpha): x with alpha * source's slices added at the indices
/// along dim.   d/dx = grad, d/dsource = alpha * grad.index_select(dim, index)      saves: index
Tensor index_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& source, const Scalar& alpha) {
  check_index_dtype(index, "index_add");
  dim = maybe_wrap_dim(dim, x.dim());
  ScalarType dt = x.scalar_type();
  Tensor out = detail::contiguous_raw(x, /*force=*/true);
  Tensor src = detail::contiguous_raw(detail::convert(source, dt)), idx = detail::contiguous_raw(index);
  int64_t n = idx.numel(), size = x.dim() == 0 ? 1 : x.size(dim), outer, inner;
  split_dims(x.sizes(), dim, outer, inner);
  XGRAD_CHECK(src.numel() == outer * n * inner, "index_add_(): Number of indices ({}) should be equal to source.size(dim) ({})",
              n, source.dim() > 0 ? source.size(std::min<int64_t>(dim, source.dim() - 1)) : 1);
  const int64_t* ip = idx.data_ptr<int64_t>();
  for (int64_t k = 0; k < n; ++k) XGRAD_CHECK_T(IndexError, ip[k] >= -size && ip[k] < size, "index out of range in self");
  visit_dtype(dt, [&](auto tag) {
    using T = decltype(tag);
    T* o = out.data_ptr<T>();
    const T* s = src.data_ptr<T>();
    const T a = std::is_same<T, bool>::value ? static_cast<T>(alpha.toBool()) : alpha.to<T>();
    for (int64_t b = 0; b < outer; ++b)
      for (int64_t k = 0; k < n; ++k) {
        int64_t i = ip[k] < 0 ? ip[k] + size : ip[k];
        for (int64_t j = 0; j < inner; ++j) {
          T& d = o[(b * size + i) * inner + j];
          const T v = s[(b * n + k) * inner + j];
          if constexpr (std::is_same<T, bool>::value)
            d = d || (a && v);
          else
            d = static_cast<T>(d + a * v);
        }
      }
  });
  return record("IndexAddBackward0", out, {x, source}, save(index),
                [dim, alpha](const Tensor& g, const Tensor& index) -> variable_list {
                  Tensor grad_source;
                  if (needs_input_grad(1)) {
                    grad_source = index_select(g, dim, index);
                    if (alpha.toDouble() != 1) grad_source = grad_source * alpha;
                  }
                  return {g, grad_source};
                });
}

/// gather(x, dim, index): out[i][j] = x[i][index[i][j]] (for dim 1)
/// d/dx = zeros of x's shape with grad scatter-added at the indices      saves: index
Tensor gather(const Tensor& x, int64_t dim, const Tensor& index) {
  XGRAD_CHECK(index.scalar_type() == kLong, "gather(): Expected dtype int64 for index");
  dim = maybe_wrap_dim(dim, x.dim());
  XGRAD_CHECK(index.dim() == x.dim() || (x.dim() == 0 && index.dim() <= 1),
              "Index tensor must have the same number of dimensions as input tensor");
  for (int64_t d = 0; d < index.dim() && x.dim() > 0; ++d)
    XGRAD_CHECK(d == dim || index.size(d) <= x.size(d),
                "Size does not match at dimension {} expected index {} to be smaller than self {} apart from dimension "
                "{}",
                d, format_sizes(index.sizes()), format_sizes(x.sizes()), dim);
  Tensor out = detail::make_empty(index.sizes(), x.scalar_type());
  DimVector xs(x.sizes().size() ? x.strides() : IntArrayRef{1});
  DimVector is(index.strides());
  if (is.empty()) is.push_back(1);
  DimVector shape(index.sizes());
  if (shape.empty()) shape.push_back(1);
  visit_dtype(x.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    kernels::gather<T>(x.data_ptr<T>(), xs, x.dim() == 0 ? 1 : x.size(dim), index.data_ptr<int64_t>(), is, shape, dim,
                       out.data_ptr<T>());
  });
  DimVector in_sizes(x.sizes());
  ScalarType dt = x.scalar_type();
  return record("GatherBackward0", out, {x}, save(index),
                [in_sizes, dim, dt](const Tensor& g, const Tensor& index) -> variable_list {
                  return {scatter_add(zeros(in_sizes, dt), dim, index, g)};
                });
}

/// scatter_add(x, dim, index, src): x with src[i][j] added at [i][index[i][j]] (for dim 1)
/// d/dx = grad, d/dsrc = grad.gather(dim, index)      saves: index
Tensor scatter_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src) {
  XGRAD_CHECK(index.scalar_type() == kLong, "scatter(): Expected dtype int64 for index");
  dim = maybe_wrap_dim(dim, x.dim());
  XGRAD_CHECK(index.dim() == x.dim() || (x.dim() == 0 && index.dim() <= 1),
              "Index tensor must have the same number of dimensions as self tensor");
  for (int64_t d = 0; d < index.dim() && x.dim() > 0; ++d) {
    XGRAD_CHECK(index.size(d) <= src.size(d), "Expected index {} to be smaller than self {} apart from dimension {} and to be "
                "smaller size than src {}", format_sizes(index.sizes()), format_sizes(x.sizes()), dim, format_sizes(src.sizes()));
    XGRAD_CHECK(d == dim || index.size(d) <= x.size(d), "Expected index {} to be smaller than self {} apart from dimension {} and to be "
                "smaller size than src {}", format_sizes(index.sizes()), format_sizes(x.sizes()), dim, format_sizes(src.sizes()));
  }
  ScalarType dt = x.scalar_type();
  Tensor out = detail::contiguous_raw(x, /*force=*/true);
  Tensor s = detail::convert(src, dt);
  DimVector os(out.strides()), is(index.strides()), ss(s.strides()), shape(index.sizes());
  if (shape.empty()) {
    shape.push_back(1);
    is.push_back(1);
  }
  if (os.empty()) os.push_back(1);
  if (ss.empty()) ss.push_back(1);
  visit_dtype(dt, [&](auto tag) {
    using T = decltype(tag);
    kernels::scatter_add<T>(out.data_ptr<T>(), os, x.dim() == 0 ? 1 : x.size(dim), index.data_ptr<int64_t>(), is,
                            s.data_ptr<T>(), ss, shape, dim);
  });
  return record("ScatterAddBackward0", out, {x, src}, save(index),
                [dim](const Tensor& g, const Tensor& index) -> variable_list {
                  return {g, needs_input_grad(1) ? gather(g, dim, index) : Tensor()};
                });
}

namespace {
Tensor where_raw(const Tensor& cond, const Tensor& a, const Tensor& b) {
  XGRAD_CHECK(cond.scalar_type() == kBool, "where expected condition to be a boolean tensor, but got a tensor with dtype {}",
              scalar_type_name(cond.scalar_type()));
  ScalarType dt = result_type(a, b);
  Tensor ac = detail::convert(a, dt), bc = detail::convert(b, dt);
  DimVector shape = infer_size(infer_size(cond.sizes(), a.sizes()), b.sizes());
  Tensor out = detail::make_empty(shape, dt);
  auto loop = detail::make_loop<4>(shape, {&out, &cond, &ac, &bc});
  visit_dtype(dt, [&](auto tag) {
    using T = decltype(tag);
    kernels::ternary<T, bool, T, T>(loop, [](bool c, T x, T y) { return c ? x : y; });
  });
  return out;
}
}  // namespace

/// where(cond, a, b): a where cond holds, else b
/// d/da = grad where cond (else 0), d/db = grad where not cond      saves: cond
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  return record("WhereBackward0", where_raw(cond, a, b), {a, b}, save(cond),
                [](const Tensor& g, const Tensor& cond) -> variable_list {
                  Tensor zero = zeros({}, g.scalar_type());
                  return {needs_input_grad(0) ? where(cond, g, zero) : Tensor(),
                          needs_input_grad(1) ? where(cond, zero, g) : Tensor()};
                });
}
Tensor where(const Tensor& cond, const Tensor& a, const Scalar& b) {
  return where(cond, a, scalar_tensor(b, is_floating_point(a.scalar_type()) && b.isFloatingPoint() ? a.scalar_type() : result_type(a, b)));
}
Tensor where(const Tensor& cond, const Scalar& a, const Tensor& b) {
  return where(cond, scalar_tensor(a, is_floating_point(b.scalar_type()) && a.isFloatingPoint() ? b.scalar_type() : result_type(b, a)), b);
}

/// masked_fill(x, mask, v): x with v where mask holds      d/dx = grad with 0 where mask      saves: mask
Tensor masked_fill(const Tensor& x, const Tensor& mask, const Scalar& value) {
  XGRAD_CHECK(mask.scalar_type() == kBool, "masked_fill_ only supports boolean masks, but got mask with dtype {}",
              dtype_name(mask.scalar_type()));
  Tensor v = detail::make_empty({}, x.scalar_type());
  detail::fill_raw(v, detail::checked_scalar_in(value, v.scalar_type()));  // as PyTorch: 1000 into int8 throws
  Tensor out = where_raw(mask, v, x);
  return record("MaskedFillBackward0", out, {x}, save(mask), [](const Tensor& g, const Tensor& mask) -> variable_list {
    return {masked_fill(g, mask, 0)};
  });
}

/// masked_fill(x, mask, value) with a 0-d tensor value      d/dvalue = sum of grad where mask
Tensor masked_fill(const Tensor& x, const Tensor& mask, const Tensor& value) {
  XGRAD_CHECK(value.dim() == 0,
              "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with {} dimension(s).",
              value.dim());
  XGRAD_CHECK(mask.scalar_type() == kBool, "masked_fill_ only supports boolean masks, but got mask with dtype {}",
              dtype_name(mask.scalar_type()));
  Tensor out = where_raw(mask, detail::convert(value, x.scalar_type()), x);
  return record("MaskedFillBackward1", out, {x, value}, save(mask), [](const Tensor& g, const Tensor& mask) -> variable_list {
    return {needs_input_grad(0) ? masked_fill(g, mask, 0) : Tensor(),
            needs_input_grad(1) ? sum(where(mask, g, zeros({}, g.scalar_type()))) : Tensor()};
  });
}

}  // namespace xgrad
