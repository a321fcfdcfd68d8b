// parallel.hpp: how many threads xgrad's kernels use, with libtorch's controls (ATen/Parallel.h):
// set_num_threads / get_num_threads for the pool that splits large loops, set_num_interop_threads
// / get_num_interop_threads. Results never depend on the thread count (the same bits with 1 or N).
// Read next: src/core/parallel.cpp, Note [Threads on a busy machine].
#pragma once

namespace xgrad {

/// Threads a large loop or product may use, counting the calling thread. By default the CPUs
/// this process may run on (sched_getaffinity), or MKL_NUM_THREADS / OMP_NUM_THREADS when set
/// at start-up (the later wins, as in libtorch). Throws unless nthreads > 0; takes effect at the
/// next parallel loop.
void set_num_threads(int nthreads);
int get_num_threads();

/// libtorch's inter-op pool size (xgrad runs no inter-op work; the value is kept). It can be set
/// once only, before any inter-op work: a second call throws libtorch's error.
void set_num_interop_threads(int nthreads);
int get_num_interop_threads();

/// Reads the environment's thread count now if nothing set one yet (libtorch calls this at the
/// first parallel loop too; calling it is never required).
void init_num_threads();
/// The index of the calling thread inside a parallel loop (0 outside one, and for the caller).
int get_thread_num();
/// Whether the calling thread is running part of a parallel loop.
bool in_parallel_region();

}  // namespace xgrad
