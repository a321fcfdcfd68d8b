// parallel.hpp: parallel_for, cutting a large loop into fixed chunks that the calling thread and
// xgrad's pool (src/core/parallel.cpp) take one at a time. Small loops run inline. The chunks
// depend on n and grain only, never on the thread count, so a kernel gives the same bits with 1
// or N threads. Read next: loops.hpp, and Note [Threads on a busy machine] in parallel.cpp.
#pragma once

#include <cstdint>
#include <type_traits>

namespace xgrad::kernels {

/// Items below which a loop runs on the calling thread alone, and the size of a chunk: 32k floats
/// take 3 to 10 us, several times what handing a chunk to a waiting thread costs.
/// See Note [Threads on a busy machine].
constexpr int64_t kGrainSize = 32768;

using ChunkBody = void (*)(void* context, int64_t begin, int64_t end);
/// Calls body(context, begin, end) for chunks [i * chunk, (i + 1) * chunk) of [0, n), i < chunks,
/// the last one ending at n; on the pool's threads and the caller's. Rethrows a body's exception.
/// (Used by parallel_for; defined in src/core/parallel.cpp.)
void run_chunks(int64_t n, int64_t chunk, int64_t chunks, ChunkBody body, void* context);

/// Tests only: use every thread even when other programs keep cores busy (see the Note).
void set_ignore_machine_load(bool ignore);

/// Calls f(begin, end) on disjoint ranges covering [0, n): chunks of `grain` items (the last one
/// takes the remainder, so it has grain to 2 * grain - 1), or one call f(0, n) below 2 * grain.
/// The ranges are the same whatever the thread count; which thread runs each one is not, so f
/// must only write what its range owns. f may throw: the first exception reaches the caller.
template <class F>
void parallel_for(int64_t n, int64_t grain, F&& f) {
  if (n <= 0) return;
  if (grain < 1) grain = 1;
  const int64_t chunks = n / grain;
  if (chunks < 2) {
    f(int64_t{0}, n);
    return;
  }
  using Body = std::remove_reference_t<F>;
  run_chunks(n, grain, chunks,
                     [](void* context, int64_t begin, int64_t end) { (*static_cast<Body*>(context))(begin, end); },
                     const_cast<void*>(static_cast<const void*>(&f)));
}

}  // namespace xgrad::kernels
