// storage.cpp: allocating and freeing tensor memory.
#include "xgrad/core/storage.hpp"

#include <cstdlib>
#include <new>

#include "xgrad/core/pool_allocator.hpp"

namespace xgrad {

namespace {
constexpr size_t kAlignment = 64;  // a cache line, and the widest SIMD register (AVX-512)
}

Storage::Storage(void* data, size_t nbytes, bool owned, std::function<void(void*)> deleter)
    : data_(data), nbytes_(nbytes), owned_(owned), deleter_(std::move(deleter)) {}

Storage::~Storage() {
  if (owned_) {
    std::free(data_);
  } else if (deleter_) {
    deleter_(data_);
  }
}

std::shared_ptr<Storage> Storage::allocate(size_t nbytes) {
  if (nbytes <= kInlineBytes) {
    auto s = detail::make_pooled<Storage>(nullptr, nbytes, false, nullptr);
    s->data_ = s->inline_;
    return s;
  }
  // aligned_alloc wants a multiple of the alignment; a zero-size tensor still gets a valid pointer.
  size_t padded = (nbytes + kAlignment - 1) / kAlignment * kAlignment;
  void* p = std::aligned_alloc(kAlignment, padded == 0 ? kAlignment : padded);
  if (p == nullptr) throw std::bad_alloc();
  return detail::make_pooled<Storage>(p, nbytes, true, nullptr);
}

std::shared_ptr<Storage> Storage::wrap(void* data, size_t nbytes, std::function<void(void*)> deleter) {
  return detail::make_pooled<Storage>(data, nbytes, false, std::move(deleter));
}

}  // namespace xgrad
