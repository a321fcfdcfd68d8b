// parallel.cpp: the thread pool behind kernels::parallel_for, and libtorch's controls for it
// (set_num_threads, set_num_interop_threads, ...). Read Note [Threads on a busy machine] first,
// then ThreadPool::run. Read next: src/kernels/parallel.hpp (how kernels cut their loops).
#include "xgrad/core/parallel.hpp"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#include "kernels/parallel.hpp"
#include "xgrad/core/exception.hpp"
#include "xgrad/core/warning.hpp"

// Note [Threads on a busy machine]
// A parallel loop is only as fast as its slowest thread. With OpenMP's static split, each thread
// owned half the loop, so when another program shared one core, that half ran at the core's share
// and the whole loop waited for it, while the finished threads spun and took CPU time from it:
// a Fashion-MNIST epoch went from 0.36 s to 2.7 s with one busy loop, and 30 s during a build,
// where xgrad on one thread took 0.6 s. The rules here:
//  - Chunks, not shares: parallel_for cuts a loop into chunks of a fixed size (kGrainSize items,
//    or a block of a product), many more than threads, and each thread claims the next chunk
//    with one atomic compare-exchange. A thread that is not running claims nothing; one that is
//    descheduled mid-chunk holds one small chunk; the others take everything else.
//  - The caller always works: it claims chunks like any worker, so a loop never waits for a
//    worker to wake up; if every worker is late, the caller does the whole loop alone.
//  - No long spinning: a worker that finds no job spins for kWorkerSpin (so back-to-back loops,
//    like an optimizer's parameters, find it awake), then sleeps on a condition variable. The
//    caller, done with its chunks, spins for kCallerSpin for the last claimed chunks, then
//    sleeps; its core is then free for the thread it is waiting for.
//  - Small loops inline: below two chunks a loop runs on the caller (waking a thread costs a few
//    microseconds). The 2x2 examples and the MLP's small matrices never touch the pool.
//  - One pool, sized from the CPUs this process may run on (sched_getaffinity), or libtorch's
//    MKL_NUM_THREADS / OMP_NUM_THREADS, or torch::set_num_threads. OpenBLAS stays single-threaded:
//    see Note [Splitting a product] in src/kernels/gemm.hpp.
//  - Determinism: chunk boundaries depend on the problem size alone, and a reduction combines
//    its chunks' partial results in a fixed order (kernels::parallel_contiguous_sum), so one
//    thread and N threads give the same bits; tests/core/parallel_test.cpp checks it.
// Measured on the 2-core machine (2 vCPUs), one busy loop running, Fashion-MNIST epoch: ...

namespace xgrad {
namespace {

using Clock = std::chrono::steady_clock;
/// How long an idle worker spins before sleeping, and the caller before sleeping on a claimed chunk.
constexpr auto kWorkerSpin = std::chrono::microseconds(50);
constexpr auto kCallerSpin = std::chrono::microseconds(20);

thread_local bool t_in_region = false;
thread_local int t_thread_num = 0;

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#endif
}

/// Spins until done() or the deadline passes; returns done().
template <class Done>
bool spin_until(Done&& done, Clock::duration limit) {
  const auto deadline = Clock::now() + limit;
  for (unsigned i = 1;; ++i) {
    if (done()) return true;
    cpu_relax();
    if (i % 64 == 0 && Clock::now() > deadline) return done();
  }
}

/// CPUs this process may run on.
int affinity_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
  const unsigned hw = std::thread::hardware_concurrency();
  return hw > 0 ? static_cast<int>(hw) : 1;
}

/// A positive thread count from the environment variable, else `fallback` (libtorch's
/// get_env_num_threads: a bad value warns and is ignored).
int env_threads(const char* name, int fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr) return fallback;
  char* end = nullptr;
  const long n = std::strtol(value, &end, 10);
  if (end == value || *end != '\0' || n <= 0 || n > (1 << 16)) {
    warn(std::string("Invalid ") + name + " variable value, expected a positive integer, got '" + value + "'");
    return fallback;
  }
  return static_cast<int>(n);
}

/// libtorch's intraop_default_num_threads: MKL_NUM_THREADS, else OMP_NUM_THREADS, else the CPUs.
int default_num_threads() {
  const int from_env = env_threads("MKL_NUM_THREADS", env_threads("OMP_NUM_THREADS", 0));
  return from_env > 0 ? from_env : affinity_cpus();
}

constexpr int kNotSet = -1;
std::atomic<int> g_num_threads{kNotSet};
std::atomic<int> g_num_interop_threads{kNotSet};

int num_threads() {
  int n = g_num_threads.load(std::memory_order_relaxed);
  if (n > 0) return n;
  int expected = kNotSet;
  g_num_threads.compare_exchange_strong(expected, default_num_threads());
  return g_num_threads.load();
}

/// One job at a time: the caller publishes it, then it and the workers claim chunks.
class ThreadPool {
 public:
  void run(int64_t n, int64_t chunk, int64_t chunks, kernels::ChunkBody body, void* context);

 private:
  // The claim word: chunks in the high 32 bits, the next chunk to hand out in the low 32. A
  // claim is a compare-exchange that succeeds only while next < chunks, so a worker that wakes
  // late cannot take a chunk of a job that has ended; a successful claim also acquires the
  // job's fields, which stay fixed until done_ reaches chunks, which needs that claim finished.
  static uint64_t pack(uint64_t chunks, uint64_t next) { return (chunks << 32) | next; }
  bool claim(int64_t& index, int64_t& chunks);
  void work();
  void worker_main(int index, uint32_t seen);
  bool wait_for_job(uint32_t seen, int index);
  void resize(int workers);

  // The job (written by the caller before it publishes claim_).
  kernels::ChunkBody body_ = nullptr;
  void* context_ = nullptr;
  int64_t n_ = 0, chunk_ = 0;
  std::exception_ptr error_;            // the first exception a chunk threw (under mutex_)
  std::atomic<bool> failed_{false};     // remaining chunks are skipped
  std::atomic<uint64_t> claim_{0};
  std::atomic<uint32_t> done_{0};       // chunks finished
  std::atomic<uint32_t> generation_{0}; // bumped per job: wakes the workers
  std::atomic<bool> busy_{false};       // a caller holds the pool

  // Sleeping and waking.
  std::mutex mutex_;
  std::condition_variable wake_, finished_;
  std::atomic<int> sleepers_{0};
  std::atomic<bool> caller_waiting_{false};
  std::atomic<int> allowed_workers_{0};  // workers with index >= this exit
  std::vector<std::thread> workers_;
};

bool ThreadPool::claim(int64_t& index, int64_t& chunks) {
  uint64_t word = claim_.load(std::memory_order_acquire);
  for (;;) {
    const uint64_t total = word >> 32, next = word & 0xffffffffu;
    if (next >= total) return false;
    if (claim_.compare_exchange_weak(word, word + 1, std::memory_order_acq_rel, std::memory_order_acquire)) {
      index = static_cast<int64_t>(next);
      chunks = static_cast<int64_t>(total);
      return true;
    }
  }
}

/// Claims and runs chunks until none is left.
void ThreadPool::work() {
  int64_t i = 0, chunks = 0;
  while (claim(i, chunks)) {
    if (!failed_.load(std::memory_order_relaxed)) {
      const int64_t begin = i * chunk_, end = i + 1 == chunks ? n_ : begin + chunk_;
      try {
        body_(context_, begin, end);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!error_) error_ = std::current_exception();
        failed_.store(true, std::memory_order_relaxed);
      }
    }
    // After this increment the job may end and the next one start: touch none of its fields.
    if (done_.fetch_add(1, std::memory_order_acq_rel) + 1 == static_cast<uint32_t>(chunks) &&
        caller_waiting_.load()) {
      std::lock_guard<std::mutex> lock(mutex_);
      finished_.notify_one();
    }
  }
}

/// Waits for a job newer than `seen`: a short spin, then sleep. False when this worker must exit.
bool ThreadPool::wait_for_job(uint32_t seen, int index) {
  auto woken = [&] { return generation_.load() != seen || index >= allowed_workers_.load(); };
  if (!spin_until(woken, kWorkerSpin)) {
    std::unique_lock<std::mutex> lock(mutex_);
    sleepers_.fetch_add(1);
    wake_.wait(lock, woken);
    sleepers_.fetch_sub(1);
  }
  return index < allowed_workers_.load();
}

/// `seen` is the generation when the worker was made: the job about to be published is new to it.
void ThreadPool::worker_main(int index, uint32_t seen) {
  t_in_region = true;  // a kernel called from a chunk runs inline
  t_thread_num = index + 1;
  while (wait_for_job(seen, index)) {
    seen = generation_.load();
    work();
  }
}

/// Starts or stops workers so that there are `workers` (called by the caller holding the pool).
void ThreadPool::resize(int workers) {
  const int current = static_cast<int>(workers_.size());
  if (workers == current) return;
  allowed_workers_.store(workers);
  if (workers < current) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      wake_.notify_all();
    }
    for (int i = workers; i < current; ++i) workers_[i].join();
    workers_.resize(workers);
    return;
  }
  const uint32_t seen = generation_.load();
  for (int i = current; i < workers; ++i) workers_.emplace_back([this, i, seen] { worker_main(i, seen); });
}

void ThreadPool::run(int64_t n, int64_t chunk, int64_t chunks, kernels::ChunkBody body, void* context) {
  // One job at a time: a second caller (another user thread) runs its loop alone.
  if (busy_.exchange(true, std::memory_order_acquire)) {
    for (int64_t i = 0; i < chunks; ++i) body(context, i * chunk, i + 1 == chunks ? n : (i + 1) * chunk);
    return;
  }
  struct Release {
    ThreadPool* pool;
    ~Release() {
      t_in_region = false;
      pool->busy_.store(false, std::memory_order_release);
    }
  } release{this};
  t_in_region = true;
  resize(std::min<int>(num_threads(), 1 << 16) - 1);

  body_ = body;
  context_ = context;
  n_ = n;
  chunk_ = chunk;
  error_ = nullptr;
  failed_.store(false, std::memory_order_relaxed);
  done_.store(0, std::memory_order_relaxed);
  claim_.store(pack(static_cast<uint64_t>(chunks), 0), std::memory_order_release);
  generation_.fetch_add(1);
  if (sleepers_.load() > 0) {
    const int64_t wanted = std::min<int64_t>(static_cast<int64_t>(workers_.size()), chunks - 1);
    std::lock_guard<std::mutex> lock(mutex_);
    for (int64_t i = 0; i < wanted; ++i) wake_.notify_one();
  }

  work();
  auto finished = [&] { return done_.load(std::memory_order_acquire) == static_cast<uint32_t>(chunks); };
  if (!spin_until(finished, kCallerSpin)) {
    std::unique_lock<std::mutex> lock(mutex_);
    caller_waiting_.store(true);
    finished_.wait(lock, finished);
    caller_waiting_.store(false);
  }
  if (error_) std::rethrow_exception(error_);
}

/// The pool, created at the first parallel loop and never destroyed (its threads end with the
/// process). A child process made by fork() has no threads of ours: it gets a fresh pool.
std::atomic<ThreadPool*> g_pool{nullptr};

ThreadPool& pool() {
  ThreadPool* p = g_pool.load(std::memory_order_acquire);
  if (p != nullptr) return *p;
  static std::mutex create;
  std::lock_guard<std::mutex> lock(create);
  p = g_pool.load();
  if (p == nullptr) {
    static const bool registered = [] {
      pthread_atfork(nullptr, nullptr, [] { g_pool.store(nullptr); });  // the old pool is left behind
      return true;
    }();
    (void)registered;
    p = new ThreadPool;
    g_pool.store(p, std::memory_order_release);
  }
  return *p;
}

}  // namespace

namespace kernels {
void run_chunks(int64_t n, int64_t chunk, int64_t chunks, ChunkBody body, void* context) {
  // Inside a chunk (nested), with one thread, or with more chunks than the claim word counts:
  // the same chunks, in order, on this thread.
  if (t_in_region || num_threads() == 1 || chunks >= (int64_t(1) << 31)) {
    for (int64_t i = 0; i < chunks; ++i) body(context, i * chunk, i + 1 == chunks ? n : (i + 1) * chunk);
    return;
  }
  pool().run(n, chunk, chunks, body, context);
}
}  // namespace kernels

void set_num_threads(int nthreads) {
  XGRAD_CHECK(nthreads > 0, "Expected positive number of threads");
  g_num_threads.store(nthreads);
}

int get_num_threads() { return num_threads(); }

void set_num_interop_threads(int nthreads) {
  XGRAD_CHECK(nthreads > 0, "Expected positive number of threads");
  int expected = kNotSet;
  XGRAD_CHECK(g_num_interop_threads.compare_exchange_strong(expected, nthreads),
              "Error: cannot set number of interop threads after parallel work has started or "
              "set_num_interop_threads called");
}

int get_num_interop_threads() {
  const int n = g_num_interop_threads.load();
  return n > 0 ? n : affinity_cpus();
}

void init_num_threads() { (void)num_threads(); }

int get_thread_num() { return t_thread_num; }

bool in_parallel_region() { return t_in_region; }

}  // namespace xgrad
