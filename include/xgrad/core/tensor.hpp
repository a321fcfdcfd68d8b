// tensor.hpp: Tensor, a cheap handle to a TensorImpl, with libtorch's method names. Copying a
// Tensor copies the handle, never the data (as in PyTorch). Methods forward to the free functions
// in ops/ (x.exp() is torch::exp(x)); read those for the maths. Read next: factory.hpp, then
// autograd/node.hpp.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "xgrad/core/array_ref.hpp"
#include "xgrad/core/optional_array_ref.hpp"
#include "xgrad/core/scalar.hpp"
#include "xgrad/core/tensor_impl.hpp"
#include "xgrad/core/tensor_options.hpp"
#include "xgrad/random/generator.hpp"

namespace xgrad {

class Tensor;
using TensorList = ArrayRef<Tensor>;

namespace autograd {
class Node;
using variable_list = std::vector<Tensor>;
}  // namespace autograd
namespace indexing {
struct TensorIndex;  // ops/tensor_indexing.hpp
}  // namespace indexing

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}
  Tensor(const Tensor&) = default;
  Tensor(Tensor&&) noexcept = default;
  ~Tensor() = default;
  /// Assigning to a named tensor rebinds the handle (it then shares the other's data).
  Tensor& operator=(const Tensor&) & = default;
  Tensor& operator=(Tensor&&) & noexcept = default;
  /// Assigning to a temporary writes into the tensor it refers to, as in libtorch:
  /// `x[0] = torch::tensor({1, 0})` is x[0].copy_(...), `x[1] = 5` is x[1].fill_(5).
  Tensor& operator=(const Tensor& src) && { return copy_(src); }
  Tensor& operator=(Tensor&& src) && { return copy_(src); }
  Tensor& operator=(const Scalar& value) && { return fill_(value); }

  // ---- the handle -------------------------------------------------------------------------
  bool defined() const { return impl_ != nullptr; }
  TensorImpl* unsafeGetTensorImpl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl() const { return impl_; }
  bool is_same(const Tensor& other) const { return impl_ == other.impl_; }
  long use_count() const { return impl_.use_count(); }
  void reset() { impl_.reset(); }

  // ---- metadata ---------------------------------------------------------------------------
  IntArrayRef sizes() const { return impl_->sizes.ref(); }
  IntArrayRef strides() const { return impl_->strides.ref(); }
  int64_t size(int64_t dim) const;     // negative dims count from the end
  int64_t stride(int64_t dim) const;
  int64_t dim() const { return static_cast<int64_t>(impl_->sizes.size()); }
  int64_t ndimension() const { return dim(); }
  int64_t numel() const { return impl_->numel; }
  ScalarType scalar_type() const { return impl_->dtype; }
  ScalarType dtype() const { return impl_->dtype; }
  size_t element_size() const { return xgrad::element_size(impl_->dtype); }
  size_t nbytes() const { return static_cast<size_t>(numel()) * element_size(); }
  int64_t storage_offset() const { return impl_->storage_offset; }
  /// A handle to the memory this tensor views (c10::Storage: data(), data_ptr(), nbytes(), ...),
  /// shared with its views and with every copy of the handle; element storage_offset() is where
  /// this tensor's first element is. A sparse tensor has none: PyTorch's NotImplementedError.
  Storage storage() const;
  bool has_storage() const { return impl_ != nullptr && impl_->storage != nullptr && !impl_->sparse; }
  /// Whether both tensors view the same memory.
  bool is_alias_of(const Tensor& other) const { return impl_->storage == other.impl_->storage; }
  TensorOptions options() const { return TensorOptions(dtype()).device(device()).layout(layout()); }
  Device device() const { return Device(); }
  /// kStrided, or kSparse for a sparse COO tensor (ops/sparse.hpp).
  Layout layout() const { return impl_->sparse ? kSparse : kStrided; }
  bool is_sparse() const { return impl_->sparse != nullptr; }
  bool is_cpu() const { return true; }
  bool is_floating_point() const { return xgrad::is_floating_point(dtype()); }
  bool is_complex() const { return xgrad::isComplexType(dtype()); }
  /// The real / imaginary parts of a complex tensor as views (ops/complex.hpp).
  Tensor real() const;
  Tensor imag() const;
  bool is_contiguous() const { return impl_->is_contiguous; }
  /// Whether this tensor is a view of another (x[0], x.t(), ...) that autograd tracks as such.
  bool is_view() const;
  /// How many in-place writes its storage has seen; throws for an inference tensor, which does
  /// not count them (See Note [Inference tensors] in grad_mode.hpp).
  uint32_t _version() const {
    return impl_->is_inference ? impl_->version_counter().current_version() : impl_->storage->version();
  }
  /// Made under InferenceMode (or a view of such a tensor).
  bool is_inference() const { return impl_->is_inference; }
  std::string toString() const;

  // ---- element access ---------------------------------------------------------------------
  template <class T>
  T* data_ptr() const;  // checks that T is the tensor's dtype
  void* data_ptr() const { return impl_->data(); }
  template <class T>
  T item() const;
  Scalar item() const;

  // ---- autograd (see autograd/engine.hpp) ---------------------------------------------------
  bool requires_grad() const;
  Tensor& set_requires_grad(bool requires_grad) const;
  Tensor& requires_grad_(bool requires_grad = true) const;
  bool is_leaf() const;
  /// Makes this tensor hold new_data's values, shape and dtype while staying the same tensor
  /// (its requires_grad, grad and hooks, and every handle to it): how Module::to converts
  /// parameters that layers and optimizers also hold.
  void set_data(const Tensor& new_data) const;
  const Tensor& grad() const;
  Tensor& mutable_grad() const;
  const std::shared_ptr<autograd::Node>& grad_fn() const;
  uint32_t output_nr() const;
  void retain_grad() const;
  bool retains_grad() const;
  /// hook(grad) runs when the gradient of this tensor is computed; returning a defined tensor
  /// replaces the gradient. Returns a handle for remove_hook.
  template <class F>
  unsigned register_hook(F&& hook) const {
    if constexpr (std::is_void<std::invoke_result_t<F, const Tensor&>>::value) {
      return register_hook_impl([h = std::forward<F>(hook)](const Tensor& g) {
        h(g);
        return Tensor();
      });
    } else {
      return register_hook_impl(std::function<Tensor(const Tensor&)>(std::forward<F>(hook)));
    }
  }
  unsigned register_hook_impl(std::function<Tensor(const Tensor&)> hook) const;
  void remove_hook(unsigned handle) const;
  void backward(const Tensor& gradient = {}, std::optional<bool> retain_graph = std::nullopt,
                bool create_graph = false, std::optional<TensorList> inputs = std::nullopt) const;
  Tensor detach() const;
  Tensor& detach_() const;
  /// The same data as a tensor autograd does not see (libtorch's variable_data(), what data()
  /// returns): shares the storage, but not its version counter, so in-place writes through it
  /// are not noticed by saved tensors; no grad, no history.
  Tensor variable_data() const;
  Tensor data() const { return variable_data(); }
  /// The same data, no grad and no history, sharing the version counter too (in-place writes
  /// through it are seen by autograd's checks).
  Tensor tensor_data() const;
  /// The tensor a view was made from (its root base); PyTorch's error if this is not a view.
  const Tensor& _base() const;

  // ---- conversions and copies -------------------------------------------------------------
  Tensor to(ScalarType dtype, bool non_blocking = false, bool copy = false) const;
  Tensor to(TensorOptions options, bool non_blocking = false, bool copy = false) const;
  Tensor to(Device device, ScalarType dtype, bool non_blocking = false, bool copy = false) const;
  /// other's dtype (and device).
  Tensor to(const Tensor& other, bool non_blocking = false, bool copy = false) const;
  /// Sizes become `size` in place, contiguous over the same storage from storage_offset(): the
  /// same count keeps the values in storage order (a reinterpretation, not a reshape of a
  /// non-contiguous tensor); more elements grow the storage (keeping the leading values; the
  /// new ones are zero, where libtorch leaves them uninitialised); fewer keep the storage as it
  /// is. Not for a tensor that requires grad (outside InferenceMode), nor to grow memory the
  /// caller owns (from_blob): libtorch's errors. See src/ops/resize.cpp.
  const Tensor& resize_(IntArrayRef size) const;
  /// resize_ to other's sizes.
  const Tensor& resize_as_(const Tensor& other) const;
  Tensor toType(ScalarType dtype) const { return to(dtype); }
  Tensor type_as(const Tensor& other) const { return to(other.dtype()); }
  Tensor cpu() const { return *this; }
  Tensor contiguous() const;
  Tensor clone() const;

  // ---- sparse COO tensors (see ops/sparse.hpp) ------------------------------------------------
  /// The values as a strided tensor (a copy for a sparse tensor; this tensor for a strided one).
  Tensor to_dense(std::optional<ScalarType> dtype = std::nullopt) const;
  /// A sparse COO copy with all dims sparse, or the first `sparse_dim` (the rest dense).
  Tensor to_sparse() const;
  Tensor to_sparse(int64_t sparse_dim) const;
  int64_t _nnz() const;
  int64_t sparse_dim() const;
  int64_t dense_dim() const;
  /// indices (sparse_dim x nnz, int64) and values (nnz x dense sizes), coalesced or not.
  Tensor _indices() const;
  Tensor _values() const;
  /// The same, for a coalesced tensor only (PyTorch's error otherwise).
  Tensor indices() const;
  Tensor values() const;
  bool is_coalesced() const;
  /// Indices sorted, duplicates summed.
  Tensor coalesce() const;

  // ---- views: share storage (see ops/shape_ops.hpp) -----------------------------------------
  Tensor view(IntArrayRef size) const;
  Tensor view_as(const Tensor& other) const;
  Tensor reshape(IntArrayRef shape) const;
  Tensor reshape_as(const Tensor& other) const;
  Tensor flatten(int64_t start_dim = 0, int64_t end_dim = -1) const;
  Tensor t() const;
  Tensor transpose(int64_t dim0, int64_t dim1) const;
  /// The last two dims swapped (a batch of matrices transposed); mH and adjoint() are the same for
  /// real dtypes (they conjugate too).
  Tensor mT() const;
  Tensor mH() const;
  Tensor adjoint() const;
  Tensor permute(IntArrayRef dims) const;
  Tensor slice(int64_t dim = 0, std::optional<int64_t> start = std::nullopt,
               std::optional<int64_t> end = std::nullopt, int64_t step = 1) const;
  Tensor narrow(int64_t dim, int64_t start, int64_t length) const;
  Tensor select(int64_t dim, int64_t index) const;
  Tensor operator[](int64_t index) const { return select(0, index); }
  Tensor operator[](const Scalar& index) const;  // an integral scalar
  Tensor operator[](const Tensor& index) const;  // a 0-d integer tensor
  Tensor alias() const;
  Tensor as_strided(IntArrayRef size, IntArrayRef stride, std::optional<int64_t> storage_offset = std::nullopt) const;
  Tensor squeeze() const;
  Tensor squeeze(int64_t dim) const;
  Tensor unsqueeze(int64_t dim) const;
  Tensor expand(IntArrayRef size, bool implicit = false) const;
  Tensor expand_as(const Tensor& other) const;
  Tensor repeat(IntArrayRef repeats) const;
  std::vector<Tensor> unbind(int64_t dim = 0) const;
  std::vector<Tensor> split(int64_t split_size, int64_t dim = 0) const;
  std::vector<Tensor> split_with_sizes(IntArrayRef split_sizes, int64_t dim = 0) const;
  std::vector<Tensor> chunk(int64_t chunks, int64_t dim = 0) const;

  // ---- indexing (see ops/tensor_indexing.hpp and ops/indexing.hpp) ---------------------------
  /// x.index({1, Slice(), None, idx}) is Python's x[1, :, None, idx].
  Tensor index(ArrayRef<indexing::TensorIndex> indices) const;
  Tensor index(std::initializer_list<indexing::TensorIndex> indices) const;
  /// Advanced indexing by a list of index tensors (an empty optional: that dim is taken whole).
  Tensor index(const std::vector<std::optional<Tensor>>& indices) const;
  /// x.index_put_({1, Slice()}, v) is Python's x[1, :] = v.
  Tensor& index_put_(ArrayRef<indexing::TensorIndex> indices, const Tensor& rhs) const;
  Tensor& index_put_(ArrayRef<indexing::TensorIndex> indices, const Scalar& v) const;
  Tensor& index_put_(std::initializer_list<indexing::TensorIndex> indices, const Tensor& rhs) const;
  Tensor& index_put_(std::initializer_list<indexing::TensorIndex> indices, const Scalar& v) const;
  Tensor& index_put_(const std::vector<std::optional<Tensor>>& indices, const Tensor& values, bool accumulate = false) const;
  Tensor index_put(const std::vector<std::optional<Tensor>>& indices, const Tensor& values, bool accumulate = false) const;
  Tensor nonzero() const;
  Tensor masked_select(const Tensor& mask) const;
  Tensor masked_scatter(const Tensor& mask, const Tensor& source) const;
  Tensor& masked_scatter_(const Tensor& mask, const Tensor& source) const;
  Tensor take(const Tensor& index) const;
  Tensor index_add(int64_t dim, const Tensor& index, const Tensor& source, const Scalar& alpha = 1) const;
  Tensor& index_add_(int64_t dim, const Tensor& index, const Tensor& source, const Scalar& alpha = 1) const;
  Tensor index_copy(int64_t dim, const Tensor& index, const Tensor& source) const;
  Tensor& index_copy_(int64_t dim, const Tensor& index, const Tensor& source) const;
  Tensor index_fill(int64_t dim, const Tensor& index, const Scalar& value) const;
  Tensor& index_fill_(int64_t dim, const Tensor& index, const Scalar& value) const;
  Tensor index_select(int64_t dim, const Tensor& index) const;
  Tensor gather(int64_t dim, const Tensor& index) const;
  Tensor scatter_add(int64_t dim, const Tensor& index, const Tensor& src) const;
  Tensor masked_fill(const Tensor& mask, const Scalar& value) const;
  Tensor masked_fill(const Tensor& mask, const Tensor& value) const;
  Tensor& masked_fill_(const Tensor& mask, const Scalar& value) const;
  Tensor where(const Tensor& condition, const Tensor& other) const;

  // ---- elementwise (see ops/elementwise.hpp) ------------------------------------------------
  Tensor add(const Tensor& other, const Scalar& alpha = 1) const;
  Tensor add(const Scalar& other, const Scalar& alpha = 1) const;
  Tensor sub(const Tensor& other, const Scalar& alpha = 1) const;
  Tensor sub(const Scalar& other, const Scalar& alpha = 1) const;
  Tensor mul(const Tensor& other) const;
  Tensor mul(const Scalar& other) const;
  Tensor div(const Tensor& other) const;
  Tensor div(const Scalar& other) const;
  Tensor div(const Tensor& other, std::optional<std::string_view> rounding_mode) const;
  Tensor div(const Scalar& other, std::optional<std::string_view> rounding_mode) const;
  Tensor floor_divide(const Tensor& other) const;
  Tensor floor_divide(const Scalar& other) const;
  Tensor neg() const;
  Tensor exp() const;
  Tensor log() const;
  Tensor log1p() const;
  Tensor sqrt() const;
  Tensor rsqrt() const;
  Tensor abs() const;
  Tensor sign() const;
  Tensor square() const;
  Tensor reciprocal() const;
  Tensor sin() const;
  Tensor cos() const;
  Tensor erf() const;
  Tensor erfc() const;
  Tensor round() const;
  Tensor floor() const;
  Tensor ceil() const;
  Tensor trunc() const;
  Tensor remainder(const Tensor& other) const;
  Tensor remainder(const Scalar& other) const;
  Tensor pow(const Scalar& exponent) const;
  Tensor pow(const Tensor& exponent) const;
  Tensor clamp(const std::optional<Scalar>& min, const std::optional<Scalar>& max = std::nullopt) const;
  Tensor clamp_min(const Scalar& min) const;
  Tensor clamp_max(const Scalar& max) const;
  Tensor maximum(const Tensor& other) const;
  Tensor minimum(const Tensor& other) const;
  Tensor xlogy(const Tensor& other) const;
  Tensor eq(const Tensor& other) const;
  Tensor eq(const Scalar& other) const;
  Tensor ne(const Tensor& other) const;
  Tensor ne(const Scalar& other) const;
  Tensor lt(const Tensor& other) const;
  Tensor lt(const Scalar& other) const;
  Tensor le(const Tensor& other) const;
  Tensor le(const Scalar& other) const;
  Tensor gt(const Tensor& other) const;
  Tensor gt(const Scalar& other) const;
  Tensor ge(const Tensor& other) const;
  Tensor ge(const Scalar& other) const;
  Tensor logical_not() const;
  Tensor isnan() const;
  Tensor isinf() const;
  Tensor isfinite() const;
  bool equal(const Tensor& other) const;
  bool allclose(const Tensor& other, double rtol = 1e-5, double atol = 1e-8, bool equal_nan = false) const;

  // ---- activations and the softmax family (see ops/activation.hpp) --------------------------
  Tensor relu() const;
  Tensor sigmoid() const;
  Tensor tanh() const;
  Tensor softmax(int64_t dim, std::optional<ScalarType> dtype = std::nullopt) const;
  Tensor log_softmax(int64_t dim, std::optional<ScalarType> dtype = std::nullopt) const;

  // ---- in place: write into this tensor's storage and bump its version (src/ops/inplace.cpp) -
  Tensor& add_(const Tensor& other, const Scalar& alpha = 1) const;
  Tensor& add_(const Scalar& other, const Scalar& alpha = 1) const;
  Tensor& sub_(const Tensor& other, const Scalar& alpha = 1) const;
  Tensor& sub_(const Scalar& other, const Scalar& alpha = 1) const;
  Tensor& mul_(const Tensor& other) const;
  Tensor& mul_(const Scalar& other) const;
  Tensor& div_(const Tensor& other) const;
  Tensor& div_(const Scalar& other) const;
  Tensor& neg_() const;
  Tensor& exp_() const;
  Tensor& erf_() const;
  Tensor& erfc_() const;
  Tensor& remainder_(const Tensor& other) const;
  Tensor& remainder_(const Scalar& other) const;
  Tensor& sqrt_() const;
  Tensor& relu_() const;
  Tensor& tanh_() const;
  Tensor& sigmoid_() const;
  Tensor& clamp_(const std::optional<Scalar>& min, const std::optional<Scalar>& max = std::nullopt) const;
  Tensor& clamp_min_(const Scalar& min) const;
  Tensor& clamp_max_(const Scalar& max) const;
  Tensor& zero_() const;
  Tensor& fill_(const Scalar& value) const;
  Tensor& fill_(const Tensor& value) const;  // a 0-d tensor
  Tensor& copy_(const Tensor& src, bool non_blocking = false) const;
  Tensor& addcmul_(const Tensor& a, const Tensor& b, const Scalar& value = 1) const;
  Tensor& addcdiv_(const Tensor& a, const Tensor& b, const Scalar& value = 1) const;
  Tensor& lerp_(const Tensor& end, const Scalar& weight) const;

  // ---- random fills, drawn as PyTorch draws them (see random/distributions.hpp) --------------
  Tensor& uniform_(double from = 0, double to = 1, std::optional<Generator> generator = std::nullopt) const;
  Tensor& normal_(double mean = 0, double std = 1, std::optional<Generator> generator = std::nullopt) const;
  Tensor& random_(std::optional<Generator> generator = std::nullopt) const;
  Tensor& random_(int64_t to, std::optional<Generator> generator = std::nullopt) const;
  Tensor& random_(int64_t from, std::optional<int64_t> to, std::optional<Generator> generator = std::nullopt) const;
  Tensor& bernoulli_(double p = 0.5, std::optional<Generator> generator = std::nullopt) const;
  Tensor& exponential_(double lambd = 1, std::optional<Generator> generator = std::nullopt) const;

  // ---- reductions (see ops/reduction.hpp; sum_to_size: core/shape.hpp) ----------------------
  Tensor sum(std::optional<ScalarType> dtype = std::nullopt) const;
  Tensor sum(IntArrayRef dim, bool keepdim = false, std::optional<ScalarType> dtype = std::nullopt) const;
  Tensor mean(std::optional<ScalarType> dtype = std::nullopt) const;
  Tensor mean(IntArrayRef dim, bool keepdim = false, std::optional<ScalarType> dtype = std::nullopt) const;
  Tensor max() const;
  std::tuple<Tensor, Tensor> max(int64_t dim, bool keepdim = false) const;
  Tensor max(const Tensor& other) const { return maximum(other); }
  Tensor min() const;
  std::tuple<Tensor, Tensor> min(int64_t dim, bool keepdim = false) const;
  Tensor min(const Tensor& other) const { return minimum(other); }
  Tensor amax(IntArrayRef dim = {}, bool keepdim = false) const;
  Tensor amin(IntArrayRef dim = {}, bool keepdim = false) const;
  Tensor argmax(std::optional<int64_t> dim = std::nullopt, bool keepdim = false) const;
  Tensor argmin(std::optional<int64_t> dim = std::nullopt, bool keepdim = false) const;
  Tensor logsumexp(IntArrayRef dim, bool keepdim = false) const;
  /// Variance and standard deviation (ops/reduction.hpp): over all elements or over `dim`,
  /// divided by N - correction (unbiased: correction 1, the default; else 0).
  Tensor var(bool unbiased = true) const;
  Tensor var(OptionalIntArrayRef dim, bool unbiased = true, bool keepdim = false) const;
  Tensor var(OptionalIntArrayRef dim, std::optional<int64_t> correction, bool keepdim = false) const;
  /// x.var(0) is over dim 0, not var(unbiased=false) (libtorch's overload for an int, gh-40287).
  Tensor var(int dim) const { return var(IntArrayRef{dim}); }
  Tensor std(bool unbiased = true) const;
  Tensor std(OptionalIntArrayRef dim, bool unbiased = true, bool keepdim = false) const;
  Tensor std(OptionalIntArrayRef dim, std::optional<int64_t> correction, bool keepdim = false) const;
  Tensor std(int dim) const { return std(IntArrayRef{dim}); }
  Tensor norm(const Scalar& p = 2) const;
  Tensor norm(const std::optional<Scalar>& p, IntArrayRef dim, bool keepdim = false) const;
  Tensor all() const;
  Tensor any() const;
  Tensor sum_to_size(IntArrayRef size) const;

  // ---- linear algebra (see ops/linalg.hpp) --------------------------------------------------
  Tensor matmul(const Tensor& other) const;
  Tensor mm(const Tensor& other) const;
  Tensor bmm(const Tensor& other) const;
  Tensor mv(const Tensor& vec) const;
  Tensor dot(const Tensor& other) const;
  Tensor baddbmm(const Tensor& batch1, const Tensor& batch2, const Scalar& beta = 1, const Scalar& alpha = 1) const;
  Tensor& baddbmm_(const Tensor& batch1, const Tensor& batch2, const Scalar& beta = 1, const Scalar& alpha = 1) const;
  Tensor addbmm(const Tensor& batch1, const Tensor& batch2, const Scalar& beta = 1, const Scalar& alpha = 1) const;
  Tensor& addbmm_(const Tensor& batch1, const Tensor& batch2, const Scalar& beta = 1, const Scalar& alpha = 1) const;

  // ---- compound assignment (in place) --------------------------------------------------------
  Tensor& operator+=(const Tensor& o) { return add_(o); }
  Tensor& operator+=(const Scalar& o) { return add_(o); }
  Tensor& operator-=(const Tensor& o) { return sub_(o); }
  Tensor& operator-=(const Scalar& o) { return sub_(o); }
  Tensor& operator*=(const Tensor& o) { return mul_(o); }
  Tensor& operator*=(const Scalar& o) { return mul_(o); }
  Tensor& operator/=(const Tensor& o) { return div_(o); }
  Tensor& operator/=(const Scalar& o) { return div_(o); }
  Tensor& operator%=(const Tensor& o) { return remainder_(o); }
  Tensor& operator%=(const Scalar& o) { return remainder_(o); }

 private:
  /// In-place methods are const, as libtorch's (`x.grad().zero_()` on the const reference grad()
  /// returns): they change the tensor's data, never which TensorImpl this handle points to.
  Tensor& mutable_this() const { return const_cast<Tensor&>(*this); }
  std::shared_ptr<TensorImpl> impl_;
};

// Arithmetic and comparison operators, as libtorch defines them (a comparison gives a bool tensor).
Tensor operator-(const Tensor& x);
Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator+(const Tensor& a, const Scalar& b);
Tensor operator+(const Scalar& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Scalar& b);
Tensor operator-(const Scalar& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Scalar& b);
Tensor operator*(const Scalar& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Scalar& b);
Tensor operator/(const Scalar& a, const Tensor& b);
/// remainder (Python's %: the sign of the divisor); a number % a tensor as libtorch computes it,
/// full_like(b, a).remainder(b).
Tensor operator%(const Tensor& a, const Tensor& b);
Tensor operator%(const Tensor& a, const Scalar& b);
Tensor operator%(const Scalar& a, const Tensor& b);
Tensor operator==(const Tensor& a, const Tensor& b);
Tensor operator==(const Tensor& a, const Scalar& b);
Tensor operator!=(const Tensor& a, const Tensor& b);
Tensor operator!=(const Tensor& a, const Scalar& b);
Tensor operator<(const Tensor& a, const Tensor& b);
Tensor operator<(const Tensor& a, const Scalar& b);
Tensor operator<=(const Tensor& a, const Tensor& b);
Tensor operator<=(const Tensor& a, const Scalar& b);
Tensor operator>(const Tensor& a, const Tensor& b);
Tensor operator>(const Tensor& a, const Scalar& b);
Tensor operator>=(const Tensor& a, const Tensor& b);
Tensor operator>=(const Tensor& a, const Scalar& b);
Tensor operator~(const Tensor& a);

/// Prints as Python's repr does (see core/format.hpp).
std::ostream& operator<<(std::ostream& os, const Tensor& t);

}  // namespace xgrad

#include "xgrad/ops/tensor_indexing.hpp"  // Slice, None, Ellipsis: what x.index({...}) takes
