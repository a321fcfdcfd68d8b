// op_utils.cpp: see op_utils.hpp.
#include "ops/op_utils.hpp"

#include "kernels/elementwise.hpp"
#include "xgrad/autograd/autograd_meta.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad::detail {

Tensor make_empty(IntArrayRef sizes, ScalarType dtype) {
  int64_t n = 1;
  for (int64_t s : sizes) {
    XGRAD_CHECK(s >= 0, "Trying to create tensor with negative dimension {}: {}", s, format_sizes(sizes));
    n *= s;
  }
  auto storage = StorageImpl::allocate(static_cast<size_t>(n) * element_size(dtype));
  return Tensor(detail::make_pooled<TensorImpl>(std::move(storage), 0, DimVector(sizes), contiguous_strides(sizes), dtype));
}

Tensor make_empty_strided(IntArrayRef sizes, IntArrayRef strides, ScalarType dtype) {
  XGRAD_CHECK(sizes.size() == strides.size(), "mismatch in length of strides and shape");
  int64_t extent = 1;  // 1 + the largest offset any element has
  for (size_t d = 0; d < sizes.size(); ++d) {
    XGRAD_CHECK(sizes[d] >= 0, "Trying to create tensor with negative dimension {}: {}", sizes[d], format_sizes(sizes));
    if (sizes[d] == 0) extent = 0;
  }
  if (extent != 0)
    for (size_t d = 0; d < sizes.size(); ++d) extent += (sizes[d] - 1) * strides[d];
  auto storage = StorageImpl::allocate(static_cast<size_t>(extent) * element_size(dtype));
  return Tensor(detail::make_pooled<TensorImpl>(std::move(storage), 0, DimVector(sizes), DimVector(strides), dtype));
}

Tensor make_view(const Tensor& base, DimVector sizes, DimVector strides, int64_t storage_offset) {
  const TensorImpl& b = *base.unsafeGetTensorImpl();
  if (b.sparse) throw_if_sparse_view(base);
  auto impl = detail::make_pooled<TensorImpl>(b.storage, storage_offset, std::move(sizes), std::move(strides), b.dtype);
  impl->is_inference = b.is_inference;  // a view of an inference tensor is one; of a normal tensor, not
  return Tensor(std::move(impl));
}

Tensor view_of(const Tensor& base, DimVector sizes, DimVector strides, int64_t storage_offset) {
  Tensor view = make_view(base, std::move(sizes), std::move(strides), storage_offset);
  // A view of an inference tensor is no view for autograd (See Note [Inference tensors]).
  if (!base.is_inference()) autograd::make_view_of(base, view, autograd::current_creation_meta());
  return view;
}

Tensor convert(const Tensor& t, ScalarType dtype) {
  if (t.scalar_type() == dtype) return t;
  // An op's operands never lose an imaginary part on the way to its compute dtype: an op without
  // a complex kernel refuses complex input here (Tensor::to and copy_ take copy_raw, which keeps
  // the real part as PyTorch does).
  if (t.is_complex() && !isComplexType(dtype)) throw_not_implemented_for(t.scalar_type());
  Tensor out = make_empty(t.sizes(), dtype);
  copy_raw(out, t);
  return out;
}

Tensor contiguous_raw(const Tensor& t, bool force) {
  if (t.is_contiguous() && !force) return t;
  Tensor out = make_empty(t.sizes(), t.scalar_type());
  copy_raw(out, t);
  return out;
}

// Converting kernels exist for 52 of the 100 (to, from) pairs (a kernel per pair cost the library a
// fifth of its compile time): from each compute dtype (bool, int64, float, double) to every dtype,
// and from each other dtype to itself and to its compute dtype. Any other pair goes through the
// source's compute dtype, which gives the same values: int8 -> int64 and float16 -> float32 are
// exact, and PyTorch's conversions from int8 or float16 equal those from the widened value (a
// float16 converts through float32 in c10 too).
void copy_raw(const Tensor& dst, const Tensor& src) {
  const ScalarType to = dst.scalar_type(), from = src.scalar_type(), wide = compute_dtype(from);
  if (isComplexType(to) || isComplexType(from)) return copy_complex(dst, src);
  if (wide == from) {
    auto loop = make_loop<2>(dst.sizes(), {&dst, &src});
    visit_dtype(to, [&](auto t) {
      visit_compute(from, [&](auto f) { kernels::convert<decltype(t), decltype(f)>(loop); });
    });
    return;
  }
  if (to != from && to != wide) {
    copy_raw(dst, convert(src, wide));
    return;
  }
  auto loop = make_loop<2>(dst.sizes(), {&dst, &src});
  visit_dtype(from, [&](auto f) {
    using From = decltype(f);
    if constexpr (std::is_integral<From>::value && !std::is_same<From, bool>::value && !std::is_same<From, int64_t>::value) {
      if (to == from) kernels::convert<From, From>(loop);
      else kernels::convert<int64_t, From>(loop);
    } else if constexpr (detail::is_reduced_float_v<From>) {
      if (to == from) kernels::convert<From, From>(loop);
      else kernels::convert<float, From>(loop);
    }
  });
}

void fill_raw(const Tensor& t, const Scalar& value) {
  if (isComplexType(t.scalar_type())) return fill_complex(t, value);
  auto loop = make_loop<1>(t.sizes(), {&t});
  visit_dtype(t.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    kernels::fill<T>(loop, detail::scalar_cast<T>(value));
  });
}

DimVector broadcast_strides_bytes(const Tensor& t, IntArrayRef shape) {
  DimVector strides(shape.size(), 0);
  const int64_t offset = static_cast<int64_t>(shape.size()) - t.dim();
  const int64_t esize = static_cast<int64_t>(t.element_size());
  for (int64_t d = 0; d < t.dim(); ++d) {
    int64_t size = t.sizes()[d];
    strides[d + offset] = (size == 1 && shape[d + offset] != 1) ? 0 : t.strides()[d] * esize;
  }
  return strides;
}

void check_inplace(const Tensor& self) { autograd::check_inplace(self, self.requires_grad()); }

}  // namespace xgrad::detail
