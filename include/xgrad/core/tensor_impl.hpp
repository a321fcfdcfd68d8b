// tensor_impl.hpp: TensorImpl, what a Tensor handle points to. A tensor is a view of a Storage:
// an offset, sizes and strides (in elements), a dtype, and, when autograd is involved, an
// AutogradMeta (autograd/autograd_meta.hpp). A sparse COO tensor has no strided data of its own:
// its values live in two tensors (SparseCoo below; ops/sparse.hpp). Read next: tensor.hpp.
#pragma once

#include <cstdint>
#include <memory>

#include "xgrad/core/dtype.hpp"
#include "xgrad/core/small_vector.hpp"
#include "xgrad/core/pool_allocator.hpp"
#include "xgrad/core/storage.hpp"

namespace xgrad {

namespace autograd {
struct AutogradMeta;
class Node;
}  // namespace autograd

/// Strides of a row-major (C-order) tensor of the given sizes.
DimVector contiguous_strides(IntArrayRef sizes);

/// What TensorImpl::version_counter() gives (c10::VariableVersion): the storage's count of
/// in-place writes, which an inference tensor does not have (See Note [Inference tensors]).
class VariableVersion {
 public:
  explicit VariableVersion(const StorageImpl* storage) : storage_(storage) {}
  bool enabled() const { return storage_ != nullptr; }
  /// Throws "Inference tensors do not track version counter." for an inference tensor.
  uint32_t current_version() const;

 private:
  const StorageImpl* storage_;
};

struct TensorImpl;

/// The parts of a sparse COO tensor (layout kSparse), as PyTorch's SparseTensorImpl holds them:
/// `indices` (int64, sparse_dim x nnz) and `values` (nnz x the dense sizes), and whether the
/// indices are known sorted without duplicates. See Note [Sparse COO tensors] in ops/sparse.hpp.
struct SparseCoo {
  std::shared_ptr<TensorImpl> indices;
  std::shared_ptr<TensorImpl> values;
  int64_t sparse_dim = 0;
  int64_t dense_dim = 0;
  bool coalesced = false;
};

/// Thrown when code reaches for the strided data of a sparse tensor (src/ops/sparse.cpp).
[[noreturn]] void throw_sparse_has_no_data();

struct TensorImpl {
  TensorImpl(std::shared_ptr<StorageImpl> storage, int64_t storage_offset, DimVector sizes, DimVector strides,
             ScalarType dtype);
  ~TensorImpl();
  TensorImpl(const TensorImpl&) = delete;
  TensorImpl& operator=(const TensorImpl&) = delete;

  /// Recomputes numel and is_contiguous after sizes or strides change.
  void refresh();
  /// The first element's address; a sparse tensor has none (every op that reads or writes
  /// elements comes through here, so none can take a sparse tensor's storage for its values).
  void* data() const {
    if (sparse) throw_sparse_has_no_data();
    return static_cast<char*>(storage->data()) + storage_offset * static_cast<int64_t>(element_size(dtype));
  }
  template <class T>
  T* data_as() const { return static_cast<T*>(data()); }

  std::shared_ptr<StorageImpl> storage;
  int64_t storage_offset = 0;  // in elements
  DimVector sizes;
  DimVector strides;  // in elements
  ScalarType dtype;
  int64_t numel = 0;
  bool is_contiguous = true;
  /// Made under InferenceMode (See Note [Inference tensors] in grad_mode.hpp): set at
  /// construction from the thread's mode; a view takes its base's.
  bool is_inference = false;
  /// Set for a sparse COO tensor (layout kSparse), whose storage is empty; null for a strided one.
  std::shared_ptr<const SparseCoo> sparse;

  VariableVersion version_counter() const { return VariableVersion(is_inference ? nullptr : storage.get()); }
  /// Counts an in-place write; PyTorch's error for an inference tensor outside InferenceMode.
  void bump_version();

  // Autograd identity, kept here because every recorded op sets it (see autograd/autograd_meta.hpp
  // for the rest, which only leaves, hooks and retain_grad need).
  bool requires_grad = false;               // set by the user on a leaf
  uint32_t output_nr = 0;                   // which output of grad_fn this tensor is
  std::shared_ptr<autograd::Node> grad_fn;  // the node that made it; null for a leaf
  std::unique_ptr<autograd::AutogradMeta> autograd;  // null until autograd needs it; a view's says so
  autograd::AutogradMeta* autograd_meta() const { return autograd.get(); }
};

}  // namespace xgrad
