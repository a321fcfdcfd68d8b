// op_utils.hpp (internal): the raw helpers every op's forward uses, none of which records a node:
// making empty tensors and views, raw dtype conversion and copies, laying tensors over a Loop
// (kernels/loops.hpp). At the end, the few recording ops that one file defines and others call
// (unsafe_view, the ATen scalar overloads, log_softmax's backward). Read next: shape_ops.cpp.
#pragma once

#include <algorithm>
#include <array>

#include "kernels/loops.hpp"
#include "xgrad/core/tensor.hpp"

namespace xgrad::detail {

/// A new contiguous tensor with uninitialised values; no autograd state.
Tensor make_empty(IntArrayRef sizes, ScalarType dtype);
/// A new tensor with uninitialised values laid out with the given strides (empty_strided).
Tensor make_empty_strided(IntArrayRef sizes, IntArrayRef strides, ScalarType dtype);
/// An alias of `base`'s storage with the given geometry, for use inside ops: autograd does not
/// see it as a view (no base, no CreationMeta). View ops use view_of.
Tensor make_view(const Tensor& base, DimVector sizes, DimVector strides, int64_t storage_offset);
/// A sparse tensor has no strided data to view: every view (as_strided) of one throws (ops/sparse.cpp).
void throw_if_sparse_view(const Tensor& base);
/// clone (no dtype) or to(dtype) of a sparse tensor: its indices and values copied (ops/sparse.cpp).
Tensor sparse_copy(const Tensor& x, std::optional<ScalarType> dtype);
/// make_view, registered as a view of `base` (See Note [Views and in-place ops]): what view ops
/// return.
Tensor view_of(const Tensor& base, DimVector sizes, DimVector strides, int64_t storage_offset);
/// `t` converted to `dtype` (t itself when it already has it). Never records.
Tensor convert(const Tensor& t, ScalarType dtype);
/// A contiguous copy of `t`'s values (t itself when already contiguous and `force` is false).
Tensor contiguous_raw(const Tensor& t, bool force = false);
/// dst[...] = src broadcast to dst's shape, converting dtype. Never records, bumps no version.
void copy_raw(const Tensor& dst, const Tensor& src);
/// Fills every element of `t` with `value`.
void fill_raw(const Tensor& t, const Scalar& value);
/// copy_raw and fill_raw where a complex dtype is involved (src/ops/complex.cpp): complex to real
/// keeps the real part, as PyTorch's copy_ does.
void copy_complex(const Tensor& dst, const Tensor& src);
void fill_complex(const Tensor& t, const Scalar& value);

/// The dtype a result of dtype `t` is computed in: int64 for the small integers, float32 for
/// float16/bfloat16 (see Note [Compute dtypes] in ops/pointwise.hpp).
constexpr ScalarType compute_dtype(ScalarType t) {
  if (isIntegralType(t, false)) return kLong;
  if (isReducedFloatingType(t)) return kFloat;
  return t;
}

/// visit_dtype for the compute dtypes only: f(T{}) with T bool, int64_t, float or double.
template <class F>
decltype(auto) visit_compute(ScalarType t, F&& f) {
  switch (t) {
    case kBool: return f(bool{});
    case kLong: return f(int64_t{});
    case kFloat: return f(float{});
    case kDouble: return f(double{});
    default: break;
  }
  if (isComplexType(t)) throw_not_implemented_for(t);
  throw Error(fmt::format("internal error: {} is not a compute dtype", scalar_type_name(t)));
}

/// `t` converted to `dtype` and then widened to its compute dtype.
inline Tensor to_compute(const Tensor& t, ScalarType dtype) {
  return convert(convert(t, dtype), compute_dtype(dtype));
}

/// `s` as it would be after conversion to `dtype` (a Scalar wrapped in a tensor of that dtype):
/// integers wrap, floats round to float32/float16/bfloat16.
inline Scalar scalar_in(const Scalar& s, ScalarType dtype) {
  if (dtype == kComplexFloat) return Scalar(scalar_cast<complex<float>>(s));
  if (dtype == kComplexDouble) return Scalar(scalar_cast<complex<double>>(s));
  if (dtype == kDouble || (dtype == kLong && !s.isFloatingPoint())) return s;
  return visit_dtype(dtype, [&](auto tag) { return Scalar(scalar_cast<decltype(tag)>(s)); });
}

/// `s` converted to `dtype` with c10's overflow check (Scalar::to<T>()), as PyTorch's kernels
/// convert alpha and clamp's bounds: 1000 into int8 throws.
inline Scalar checked_scalar_in(const Scalar& s, ScalarType dtype) {
  if (dtype == kComplexFloat) return Scalar(s.to<complex<float>>());
  if (dtype == kComplexDouble) return Scalar(s.to<complex<double>>());
  return visit_dtype(dtype, [&](auto tag) { return Scalar(s.to<decltype(tag)>()); });
}

/// The dtype of a number wrapped in a tensor: the default dtype for a floating value, the default
/// complex dtype for a complex one, else int64 or bool.
inline ScalarType wrapped_number_type(const Scalar& s) {
  if (s.isComplex()) return default_complex_dtype();
  return s.isFloatingPoint() ? default_dtype() : (s.isBoolean() ? kBool : kLong);
}

/// The strides (in bytes) of `t` laid over `shape`, with 0 on broadcast dims.
DimVector broadcast_strides_bytes(const Tensor& t, IntArrayRef shape);

/// A coalesced loop over `shape` for the given operands (operand 0 is usually the output).
template <size_t N>
kernels::Loop<N> make_loop(IntArrayRef shape, const std::array<const Tensor*, N>& operands) {
  kernels::Loop<N> loop;
  // The common case first: every operand contiguous over the whole shape, or one value broadcast
  // everywhere (a single element, or a scalar expanded: all strides 0, as the gradient of a sum
  // is). That is one flat row, with no per-dim work.
  int64_t numel = 1;
  for (int64_t s : shape) numel *= s;
  std::array<bool, N> scalar{};
  bool flat = true;
  for (size_t k = 0; k < N && flat; ++k) {
    const Tensor& t = *operands[k];
    scalar[k] = t.numel() == 1 || std::all_of(t.strides().begin(), t.strides().end(), [](int64_t s) { return s == 0; });
    flat = scalar[k] || (t.is_contiguous() && t.sizes().equals(shape));
  }
  if (flat) {
    loop.shape = {numel};
    for (size_t k = 0; k < N; ++k) {
      loop.data[k] = static_cast<char*>(operands[k]->data_ptr());
      loop.strides[k] = {scalar[k] && numel != 1 ? 0 : static_cast<int64_t>(operands[k]->element_size())};
    }
    return loop;
  }
  loop.shape = DimVector(shape);
  for (size_t k = 0; k < N; ++k) {
    loop.data[k] = static_cast<char*>(operands[k]->data_ptr());
    loop.strides[k] = broadcast_strides_bytes(*operands[k], shape);
  }
  loop.coalesce();
  return loop;
}

/// A reshape of a freshly computed tensor, recorded as UnsafeViewBackward0 (what PyTorch records
/// for the view at the end of matmul and of a copying reshape). Defined in shape_ops.cpp.
Tensor unsafe_view(const Tensor& x, IntArrayRef shape);

/// x * s, x / s and x + s recorded as ATen's Scalar overloads (MulBackward1, DivBackward1,
/// AddBackward1): what PyTorch's C++ internals record, where Python's `x * 2` gives MulBackward0.
/// Used where a composite loss must show PyTorch's grad_fn chain. Defined in elementwise.cpp.
Tensor mul_scalar_aten(const Tensor& x, const Scalar& s);
Tensor div_scalar_aten(const Tensor& x, const Scalar& s);
Tensor add_scalar_aten(const Tensor& x, const Scalar& s);

/// PyTorch's var_mean_backward: the gradient of x given those of var(x, dims, correction,
/// keepdim) and mean(x, dims, keepdim) (either may be undefined): 2 / (N - correction) * gvar *
/// (x - mean) + gmean / N. Defined in reduction.cpp; group norm's composed backward takes it too.
Tensor var_mean_backward(const Tensor& gvar, const Tensor& gmean, const Tensor& x, IntArrayRef dims,
                         int64_t correction, bool keepdim);

/// log_softmax's backward, g - exp(y) * sum(g, dim) for its output y, recorded as PyTorch's
/// LogSoftmaxBackwardDataBackward0 (ATen's _log_softmax_backward_data). Defined in softmax.cpp;
/// the fused cross entropy takes this step too when it is watched (Note [Fused cross entropy]).
Tensor log_softmax_backward_data(const Tensor& g, const Tensor& y, int64_t dim);

/// Advanced indexing with the indices as a list of tensors, an undefined one taking its dim whole
/// (src/ops/indexing_advanced.cpp; the public forms take optionals).
Tensor index(const Tensor& self, const std::vector<Tensor>& indices);
/// The same, unrecorded: self[indices] as a new tensor; dst[indices] = values (+= with accumulate).
Tensor index_raw(const Tensor& self, const std::vector<Tensor>& indices);
void index_put_raw(const Tensor& dst, const std::vector<Tensor>& indices, const Tensor& values, bool accumulate);
Tensor index_put(const Tensor& self, const std::vector<Tensor>& indices, const Tensor& values, bool accumulate);
Tensor& index_put_(Tensor& self, const std::vector<Tensor>& indices, const Tensor& values, bool accumulate);

/// Throws unless `options` ask for what xgrad makes: a strided tensor on the CPU (a factory's or
/// to()'s options name other devices and layouts for source compatibility only; device.hpp).
void check_tensor_options(const TensorOptions& options);

/// Checks that an in-place op that autograd does not record may write into `self`: with grad
/// mode on, not if self requires grad and is a leaf or a view of one (autograd::check_inplace).
void check_inplace(const Tensor& self);

}  // namespace xgrad::detail
