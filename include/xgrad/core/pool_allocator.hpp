// pool_allocator.hpp: a per-thread cache of freed small blocks, used for the objects every op
// creates (TensorImpl, StorageImpl, graph nodes). glibc keeps only 7 freed blocks per size in its
// fast per-thread cache; a backward frees more than that at once, and the rest take malloc's
// slow path. Keeping up to kMaxCached blocks per size class avoids that. Blocks come from
// malloc and go back to it, so a block freed on another thread is simply cached there.
// Read next: storage.hpp.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>

namespace xgrad::detail {

class SmallObjectPool {
 public:
  static constexpr size_t kGranule = 16;       // size classes: 16, 32, ..., kMaxBytes
  static constexpr size_t kMaxBytes = 512;
  static constexpr size_t kMaxCached = 256;    // per size class

  static void* allocate(size_t bytes) {
    if (bytes > kMaxBytes) return checked(std::malloc(bytes));
    Bin& bin = local().bins[index(bytes)];
    if (bin.head == nullptr) return checked(std::malloc(index(bytes) * kGranule + kGranule));
    Block* b = bin.head;
    bin.head = b->next;
    --bin.count;
    return b;
  }
  static void deallocate(void* p, size_t bytes) {
    if (bytes > kMaxBytes) return std::free(p);
    Bin& bin = local().bins[index(bytes)];
    if (bin.count >= kMaxCached) return std::free(p);
    Block* b = static_cast<Block*>(p);
    b->next = bin.head;
    bin.head = b;
    ++bin.count;
  }

 private:
  struct Block {
    Block* next;
  };
  struct Bin {
    Block* head = nullptr;
    size_t count = 0;
  };
  struct Bins {
    Bin bins[kMaxBytes / kGranule];
    ~Bins() {
      for (Bin& bin : bins)
        while (bin.head) {
          Block* next = bin.head->next;
          std::free(bin.head);
          bin.head = next;
        }
    }
  };
  static size_t index(size_t bytes) { return (bytes + kGranule - 1) / kGranule - 1; }
  static void* checked(void* p) {
    if (p == nullptr) throw std::bad_alloc();
    return p;
  }
  static Bins& local() {
    thread_local Bins bins;
    return bins;
  }
};

/// A standard allocator over SmallObjectPool, for std::allocate_shared.
template <class T>
struct PoolAllocator {
  using value_type = T;
  PoolAllocator() = default;
  template <class U>
  PoolAllocator(const PoolAllocator<U>&) {}  // NOLINT(google-explicit-constructor)
  T* allocate(size_t n) {
    static_assert(alignof(T) <= 16, "the pool hands out 16-byte aligned blocks");
    return static_cast<T*>(SmallObjectPool::allocate(n * sizeof(T)));
  }
  void deallocate(T* p, size_t n) { SmallObjectPool::deallocate(p, n * sizeof(T)); }
  template <class U>
  bool operator==(const PoolAllocator<U>&) const { return true; }
  template <class U>
  bool operator!=(const PoolAllocator<U>&) const { return false; }
};

/// std::make_shared, with the object and its reference count from the pool.
template <class T, class... Args>
std::shared_ptr<T> make_pooled(Args&&... args) {
  return std::allocate_shared<T>(PoolAllocator<T>(), std::forward<Args>(args)...);
}

}  // namespace xgrad::detail
