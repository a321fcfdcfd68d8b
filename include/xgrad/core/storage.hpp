// storage.hpp: Storage, one block of memory that tensors view. Several tensors (a tensor and its
// views) can share one Storage; the version counter lives here, so an in-place write through any
// of them is seen by all (see Note [Version counters] in autograd/saved_tensor.hpp).
// Read next: tensor_options.hpp, then tensor.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

namespace xgrad {

class Storage {
 public:
  /// Memory xgrad owns: 64-byte aligned, so SIMD loads of a tensor's first element are aligned.
  /// Up to kInlineBytes live inside the Storage object itself (16-byte aligned, which is all
  /// such small data needs): a small tensor costs one allocation less, as per-op overhead is
  /// what small graphs pay.
  static std::shared_ptr<Storage> allocate(size_t nbytes);
  static constexpr size_t kInlineBytes = 64;
  /// Memory the caller owns (from_blob); `deleter`, if set, is called when the last tensor goes.
  static std::shared_ptr<Storage> wrap(void* data, size_t nbytes, std::function<void(void*)> deleter);

  Storage(void* data, size_t nbytes, bool owned, std::function<void(void*)> deleter);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data() const { return data_; }
  size_t nbytes() const { return nbytes_; }
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

}  // namespace xgrad
