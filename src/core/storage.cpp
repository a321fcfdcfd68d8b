// storage.cpp: allocating and freeing tensor memory.
#include "xgrad/core/storage.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

#include "xgrad/core/exception.hpp"

#include "xgrad/core/pool_allocator.hpp"

namespace xgrad {

namespace {
constexpr size_t kAlignment = 64;  // a cache line, and the widest SIMD register (AVX-512)
}

StorageImpl::StorageImpl(void* data, size_t nbytes, bool owned, std::function<void(void*)> deleter)
    : data_(data), nbytes_(nbytes), owned_(owned), deleter_(std::move(deleter)) {}

StorageImpl::~StorageImpl() {
  if (owned_) {
    std::free(data_);
  } else if (deleter_) {
    deleter_(data_);
  }
}

namespace {
/// 64-byte aligned memory for nbytes (at least one alignment unit, so a zero-size tensor still
/// gets a valid pointer); aligned_alloc wants a multiple of the alignment.
void* aligned_bytes(size_t nbytes) {
  size_t padded = (nbytes + kAlignment - 1) / kAlignment * kAlignment;
  void* p = std::aligned_alloc(kAlignment, padded == 0 ? kAlignment : padded);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
}  // namespace

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
  if (owned_) std::free(data_);
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
