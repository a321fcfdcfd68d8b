// storage.hpp: StorageImpl, one block of memory that tensors view, and Storage, the cheap handle
// to it that Tensor::storage() gives (c10::StorageImpl and c10::Storage). Several tensors (a
// tensor and its views) share one StorageImpl; the version counter lives there, so an in-place
// write through any of them is seen by all (see Note [Version counters] in
// autograd/saved_tensor.hpp). Read next: tensor_options.hpp, then tensor.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <utility>

namespace xgrad {

/// What Storage::data_ptr() gives (c10::DataPtr's reading side): the data pointer and its
/// deleter's context. As in libtorch, memory xgrad allocated has the data itself as context,
/// from_blob memory without a deleter has none (nullptr), and with a deleter the deleter's state.
class DataPtr {
 public:
  DataPtr(void* data, void* context) : data_(data), context_(context) {}
  void* get() const { return data_; }
  void* get_context() const { return context_; }
  explicit operator bool() const { return data_ != nullptr; }

 private:
  void* data_;
  void* context_;
};

/// The memory itself; a TensorImpl holds it through a shared_ptr.
class StorageImpl {
 public:
  /// Memory xgrad owns: 64-byte aligned, so SIMD loads of a tensor's first element are aligned.
  /// Up to kInlineBytes live inside the StorageImpl object itself (16-byte aligned, which is all
  /// such small data needs): a small tensor costs one allocation less, as per-op overhead is
  /// what small graphs pay.
  static std::shared_ptr<StorageImpl> allocate(size_t nbytes);
  static constexpr size_t kInlineBytes = 64;
  /// Memory the caller owns (from_blob); `deleter`, if set, is called when the last tensor goes.
  static std::shared_ptr<StorageImpl> wrap(void* data, size_t nbytes, std::function<void(void*)> deleter);

  StorageImpl(void* data, size_t nbytes, bool owned, std::function<void(void*)> deleter);
  ~StorageImpl();
  StorageImpl(const StorageImpl&) = delete;
  StorageImpl& operator=(const StorageImpl&) = delete;

  void* data() const { return data_; }
  DataPtr data_ptr() const;
  size_t nbytes() const { return nbytes_; }
  /// Whether resize_bytes may replace the memory: true for memory xgrad allocated, false for
  /// memory the caller owns (from_blob), as in libtorch.
  bool resizable() const { return owned_ || data_ == inline_; }
  /// Grows (or shrinks) the memory to `nbytes`, keeping the leading min(old, new) bytes; the new
  /// bytes are zero (libtorch leaves them uninitialised). Every tensor on this storage sees the
  /// new memory. Throws libtorch's "Trying to resize storage that is not resizable" unless
  /// resizable(). What Tensor::resize_ uses (ATen's resize_bytes_cpu).
  void resize_bytes(size_t nbytes);
  uint32_t version() const { return version_; }
  void bump_version() { ++version_; }

 private:
  void* data_;
  size_t nbytes_;
  bool owned_;
  std::function<void(void*)> deleter_;
  uint32_t version_ = 0;
  alignas(16) unsigned char inline_[kInlineBytes];
};

/// What Tensor::storage() gives, as c10::Storage: a handle, cheap to copy, whose copies all share
/// the one StorageImpl (and so the memory, which lives while any handle or tensor holds it).
/// A default-made Storage holds none (operator bool is false) and must not be read.
class Storage {
 public:
  Storage() = default;
  explicit Storage(std::shared_ptr<StorageImpl> impl) : impl_(std::move(impl)) {}

  void* data() const { return impl_->data(); }
  DataPtr data_ptr() const { return impl_->data_ptr(); }
  size_t nbytes() const { return impl_->nbytes(); }
  bool resizable() const { return impl_->resizable(); }
  /// Whether both handles hold the same StorageImpl.
  bool is_alias_of(const Storage& other) const { return impl_ == other.impl_; }
  /// How many handles and tensors hold the StorageImpl (0 for a default-made Storage).
  long use_count() const { return impl_.use_count(); }
  bool unique() const { return use_count() == 1; }
  explicit operator bool() const { return impl_ != nullptr; }
  StorageImpl* unsafeGetStorageImpl() const { return impl_.get(); }

 private:
  std::shared_ptr<StorageImpl> impl_;
};

}  // namespace xgrad
