// storage.cpp: allocating and freeing tensor memory.
#include "xgrad/core/storage.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

#include "xgrad/core/exception.hpp"

#include "xgrad/core/pool_allocator.hpp"

namespace xgrad {

namespace {
constexpr size_t kAlignment = 64;  // a cache line, and the widest SIMD register (AVX-512)
}

StorageImpl::StorageImpl(void* data, size_t nbytes, bool owned, std::function<void(void*)> deleter)
    : data_(data), nbytes_(nbytes), owned_(owned), deleter_(std::move(deleter)) {}

namespace {

size_t padded_size(size_t nbytes) {
  const size_t padded = (nbytes + kAlignment - 1) / kAlignment * kAlignment;
  return padded == 0 ? kAlignment : padded;
}

// Note [Keeping freed large blocks]
// glibc serves a large block (above its mmap threshold, 128 KiB to 32 MiB as it adapts) with a
// fresh mmap and gives it back on free, so every first touch of each of its pages is a page
// fault that the kernel fills with zeros. A training step allocates the same large activations
// and gradients step after step: a 3.2 MB relu of samples/fashion_mnist_cnn's first block took
// 1.5 ms instead of 0.4 ms (thread CPU time, busy machine) for its faults alone. So freed blocks
// of at least kMinCachedBytes are kept, by exact size, up to kMaxCachedBytes in all, and the next
// allocation of that size takes one back. Memory is only handed out again by a later Storage; it
// is never zeroed (aligned_alloc's is not either).
constexpr size_t kMinCachedBytes = size_t{128} << 10;
constexpr size_t kMaxCachedBytes = size_t{64} << 20;

class LargeBlockCache {
 public:
  void* take(size_t padded) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = free_.find(padded);
    if (it == free_.end() || it->second.empty()) return nullptr;
    void* p = it->second.back();
    it->second.pop_back();
    cached_ -= padded;
    return p;
  }
  /// Keeps p if there is room; returns whether it did.
  bool keep(void* p, size_t padded) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (cached_ + padded > kMaxCachedBytes) return false;
    free_[padded].push_back(p);
    cached_ += padded;
    return true;
  }

 private:
  std::mutex mutex_;
  std::unordered_map<size_t, std::vector<void*>> free_;
  size_t cached_ = 0;
};

/// Never destroyed: Storages may still be freed by other static objects' destructors at exit.
LargeBlockCache& large_blocks() {
  static LargeBlockCache* cache = new LargeBlockCache();
  return *cache;
}

/// 64-byte aligned memory for nbytes (at least one alignment unit, so a zero-size tensor still
/// gets a valid pointer); aligned_alloc wants a multiple of the alignment.
void* aligned_bytes(size_t nbytes) {
  const size_t padded = padded_size(nbytes);
  if (padded >= kMinCachedBytes)
    if (void* p = large_blocks().take(padded)) return p;
  void* p = std::aligned_alloc(kAlignment, padded);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

/// Frees what aligned_bytes(nbytes) returned (or keeps it for the next one of that size).
void release_bytes(void* p, size_t nbytes) {
  const size_t padded = padded_size(nbytes);
  if (padded >= kMinCachedBytes && large_blocks().keep(p, padded)) return;
  std::free(p);
}

}  // namespace

StorageImpl::~StorageImpl() {
  if (owned_) {
    release_bytes(data_, nbytes_);
  } else if (deleter_) {
    deleter_(data_);
  }
}

DataPtr StorageImpl::data_ptr() const {
  if (owned_ || data_ == inline_) return DataPtr(data_, data_);
  return DataPtr(data_, deleter_ ? const_cast<std::function<void(void*)>*>(&deleter_) : nullptr);
}

void StorageImpl::resize_bytes(size_t nbytes) {
  if (!resizable()) throw Error("Trying to resize storage that is not resizable");
  if (nbytes == nbytes_) return;
  void* p = aligned_bytes(nbytes);
  const size_t kept = std::min(nbytes, nbytes_);
  if (kept > 0) std::memcpy(p, data_, kept);
  if (nbytes > kept) std::memset(static_cast<char*>(p) + kept, 0, nbytes - kept);
  if (owned_) release_bytes(data_, nbytes_);
  data_ = p;
  nbytes_ = nbytes;
  owned_ = true;
}

std::shared_ptr<StorageImpl> StorageImpl::allocate(size_t nbytes) {
  if (nbytes <= kInlineBytes) {
    auto s = detail::make_pooled<StorageImpl>(nullptr, nbytes, false, nullptr);
    s->data_ = s->inline_;
    return s;
  }
  return detail::make_pooled<StorageImpl>(aligned_bytes(nbytes), nbytes, true, nullptr);
}

std::shared_ptr<StorageImpl> StorageImpl::wrap(void* data, size_t nbytes, std::function<void(void*)> deleter) {
  return detail::make_pooled<StorageImpl>(data, nbytes, false, std::move(deleter));
}

}  // namespace xgrad
