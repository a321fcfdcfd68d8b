// parallel.hpp: parallel_for, splitting a large loop across the machine's cores with OpenMP.
// Small loops run inline: starting threads costs microseconds, so only work of at least `grain`
// items is split. The body must not throw (an exception cannot leave an OpenMP region).
// Read next: loops.hpp.
#pragma once

#include <algorithm>
#include <cstdint>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace xgrad::kernels {

/// About 32k elements: below this, one core is faster than two (PyTorch's grain size too).
constexpr int64_t kGrainSize = 32768;

/// How many threads a parallel_for may use (1 without OpenMP).
inline int64_t max_threads() {
#ifdef _OPENMP
  return omp_in_parallel() ? 1 : omp_get_max_threads();
#else
  return 1;
#endif
}

/// Calls f(begin, end) on disjoint ranges covering [0, n).
template <class F>
void parallel_for(int64_t n, int64_t grain, F&& f) {
#ifdef _OPENMP
  const int64_t available = max_threads();
  if (n >= 2 * grain && available > 1) {
    const int64_t threads_wanted = std::min<int64_t>(available, n / grain);
#pragma omp parallel num_threads(static_cast<int>(threads_wanted))
    {
      const int64_t threads = omp_get_num_threads(), t = omp_get_thread_num();
      const int64_t chunk = (n + threads - 1) / threads;
      const int64_t begin = t * chunk, end = std::min(n, begin + chunk);
      if (begin < end) f(begin, end);
    }
    return;
  }
#else
  (void)grain;
#endif
  if (n > 0) f(int64_t{0}, n);
}

}  // namespace xgrad::kernels
