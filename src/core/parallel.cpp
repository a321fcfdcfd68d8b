// parallel.cpp: the thread pool behind kernels::parallel_for, and libtorch's controls for it
// (set_num_threads, set_num_interop_threads, ...). Read Note [Threads on a busy machine] first,
// then ThreadPool::run. Read next: src/kernels/parallel.hpp (how kernels cut their loops).
#include "xgrad/core/parallel.hpp"

#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#include "kernels/parallel.hpp"
#include "xgrad/core/exception.hpp"
#include "xgrad/core/warning.hpp"

// Note [Threads on a busy machine]
// A parallel loop is only as fast as its slowest thread. With OpenMP's static split each thread
// owned half of every loop, so when another program shared one core, that half ran at the core's
// share while the other thread spun waiting for it: a Fashion-MNIST epoch went from 0.36 s to
// 2.7 s with one busy loop on the 2-core machine, and to 30 s during a build, where xgrad on one
// thread took 0.6 s. The rule now: with any other load, no slower than one thread; idle, use the
// cores. How:
//  - Only free cores are used. Every 100 ms the caller reads /proc/stat and its own CPU time:
//    the CPU time other programs took is the cores they hold, and a loop uses at most the rest
//    (a core is free unless they hold half of it), and at least the caller. With one core kept
//    busy on two, loops run on the caller alone. Measured on this 2-vCPU machine during builds,
//    two threads lost to one (0.6-0.9 ms against 0.5 ms a Fashion-MNIST step) however the work
//    was handed out: a thread sharing a core runs late, and each array's cache lines then move
//    between cores. With this rule, the benchmark's one-busy-loop run (tests/benchmarks) had
//    xgrad at 0.86 to 1.05 of its own single-threaded time on every piece of work.
//  - Fewer threads at once, more only on evidence: what other programs took is what they got,
//    not what they wanted. While this process's threads filled every core (its own, or
//    libtorch's in the benchmark, which runs between xgrad's runs), a busy loop sharing the cores
//    gets a third of each or less and can look like "under half a core", and the next 100 ms then
//    ran two threads against it (the benchmark's convolutions took 1.16-1.26 of their
//    single-threaded time with one core busy, before this rule). So a window raises the count
//    only if it left half a core idle (nobody was squeezed), and the window before it said the same.
//  - Chunks, not shares: parallel_for cuts a loop into chunks of a fixed size, more than threads.
//    Each thread has a home range of chunks (the same part of every array each time, so it stays
//    in that core's cache, as with a static split), takes it from the front, then steals from the
//    back of the others' ranges. A thread that is late claims nothing and the others do its part;
//    one descheduled mid-chunk holds one small chunk.
//  - The caller always works: it claims chunks like a worker, so a loop never waits for a worker
//    to wake up, only for a chunk a worker already took.
//  - Short spins, then sleep: an idle worker spins kWorkerSpin (back-to-back loops, such as an
//    optimizer's parameters, find it awake), then sleeps on a condition variable; the caller spins
//    kCallerSpin for the last claimed chunks, then sleeps, leaving its core to the thread it waits
//    for. Never sched_yield: on a busy machine that gives the core away for a whole time slice.
//  - Small loops inline: below two chunks (kernels::kGrainSize items) a loop runs on the caller.
//  - One pool, sized from the CPUs this process may run on (sched_getaffinity), or libtorch's
//    MKL_NUM_THREADS / OMP_NUM_THREADS, or torch::set_num_threads. OpenBLAS stays single-threaded
//    (Note [Splitting a product] in src/kernels/gemm.hpp).
//  - Determinism: chunk boundaries depend on the problem size alone, never on the threads, and a
//    reduction combines its chunks in a fixed order (kernels::parallel_contiguous_sum), so one
//    thread and N threads give the same bits (tests/core/test_parallel.cpp).

namespace xgrad {
namespace {

using Clock = std::chrono::steady_clock;
/// How long an idle worker spins before it sleeps, and the caller before it sleeps on a claimed chunk.
constexpr auto kWorkerSpin = std::chrono::microseconds(100);
constexpr auto kCallerSpin = std::chrono::microseconds(50);
/// How often the caller measures what other programs use of the CPUs.
constexpr auto kLoadInterval = std::chrono::milliseconds(100);

thread_local bool t_in_region = false;
thread_local int t_thread_num = 0;

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#endif
}

/// Spins until done() or `limit` has passed; returns done().
template <class Done>
bool spin_until(Done&& done, Clock::duration limit) {
  const auto start = Clock::now();
  for (unsigned i = 1;; ++i) {
    if (done()) return true;
    cpu_relax();
    if (i % 16 == 0 && Clock::now() - start > limit) return done();
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
std::atomic<bool> g_ignore_machine_load{false};

int num_threads() {
  const int n = g_num_threads.load(std::memory_order_relaxed);
  if (n > 0) return n;
  int expected = kNotSet;
  g_num_threads.compare_exchange_strong(expected, default_num_threads());
  return g_num_threads.load();
}

/// The cores other programs keep busy, measured over the last kLoadInterval: the busy time of
/// the CPUs this process may run on (/proc/stat) minus this process's own CPU time. Used by the
/// pool's caller only.
class MachineLoad {
 public:
  MachineLoad() {
    CPU_ZERO(&cpus_);
    if (sched_getaffinity(0, sizeof(cpus_), &cpus_) != 0) CPU_ZERO(&cpus_);
  }

  /// How many of `wanted` threads to use now: the free cores, at least 1.
  int usable(int wanted) {
    const auto now = Clock::now();
    if (now - sampled_ >= kLoadInterval) sample(now);
    return std::max(1, std::min(wanted, free_cores_));
  }

 private:
  void sample(Clock::time_point now) {
    sampled_ = now;
    uint64_t busy = 0, total = 0;
    int cpus = 0;
    if (!read_proc_stat(busy, total, cpus)) {
      free_cores_ = 1 << 16;  // unknown: as if idle
      return;
    }
    timespec own_time{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &own_time);
    const double own = static_cast<double>(own_time.tv_sec) + 1e-9 * static_cast<double>(own_time.tv_nsec);
    if (total_ > 0 && total > total_ && busy >= busy_) {
      // In jiffies: total counts each CPU's time, so total / cpus is the wall time.
      const double wall = static_cast<double>(total - total_) / cpus;
      const double others = (static_cast<double>(busy - busy_) - (own - own_) * ticks_per_second_) / wall;
      // A core counts as free unless others hold half of it or more (a thread on it would then
      // run at half speed at best, and be descheduled mid-chunk).
      const int measured = static_cast<int>(cpus - std::max(0.0, others) + 0.5);
      // Fewer free cores: at once. More: only from two windows in a row that say so and left half
      // a core idle or more. In a window where every core was busy, this process's threads may
      // have squeezed the others, and their time then tells less than what they would take.
      const bool had_idle = static_cast<double>(total - total_ - (busy - busy_)) / wall >= 0.5;
      if (measured <= free_cores_)
        free_cores_ = measured;
      else if (had_idle && raise_ > free_cores_)
        free_cores_ = std::min(measured, raise_);
      raise_ = had_idle ? measured : 0;
    }
    busy_ = busy;
    total_ = total;
    own_ = own;
  }

  /// Sums the "cpuN" lines of /proc/stat over this process's CPUs: busy is everything but idle
  /// and iowait, total all of it (guest time is already inside user time).
  bool read_proc_stat(uint64_t& busy, uint64_t& total, int& cpus) {
    FILE* f = std::fopen("/proc/stat", "r");
    if (f == nullptr) return false;
    char line[512];
    busy = total = 0;
    cpus = 0;
    while (std::fgets(line, sizeof line, f) != nullptr) {
      if (std::strncmp(line, "cpu", 3) != 0 || !std::isdigit(static_cast<unsigned char>(line[3]))) continue;
      int cpu = -1;
      unsigned long long v[8] = {};
      if (std::sscanf(line, "cpu%d %llu %llu %llu %llu %llu %llu %llu %llu", &cpu, &v[0], &v[1], &v[2], &v[3], &v[4],
                      &v[5], &v[6], &v[7]) != 9)
        continue;
      if (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &cpus_)) continue;
      uint64_t all = 0;
      for (unsigned long long x : v) all += x;
      total += all;
      busy += all - v[3] - v[4];
      ++cpus;
    }
    std::fclose(f);
    return cpus > 0;
  }

  cpu_set_t cpus_;
  Clock::time_point sampled_{};
  uint64_t busy_ = 0, total_ = 0;
  double own_ = 0;
  int free_cores_ = 1 << 16;  // until two samples say otherwise
  int raise_ = 0;             // the last window's free cores if it had idle time, else 0
  const double ticks_per_second_ = static_cast<double>(sysconf(_SC_CLK_TCK));
};

/// One job at a time: the caller publishes it, then it and the workers claim chunks.
class ThreadPool {
 public:
  void run(int64_t n, int64_t chunk, int64_t chunks, kernels::ChunkBody body, void* context);

 private:
  // Claiming. The chunks are cut into one home range per thread; a thread takes its own range
  // from the front, then steals from the back of the others'. A range is one word,
  // (back << 32) | front, changed by compare-exchange only while front < back: a worker that
  // wakes late cannot take a chunk of a job that has ended, and a successful claim acquires the
  // job's fields, which stay fixed until done_ reaches chunks_, which needs that claim finished.
  static constexpr int kMaxRanges = 64;
  struct alignas(64) Range {
    std::atomic<uint64_t> word{0};
  };
  static uint64_t pack(uint64_t front, uint64_t back) { return (back << 32) | front; }
  bool claim(int range, bool from_front, int64_t& index);
  void run_chunk(int64_t index);
  int64_t work(int self);
  void worker_main(int index, uint32_t seen);
  bool wait_for_job(uint32_t seen, int index);
  void resize(int workers);

  // The job (written by the caller before it publishes the ranges).
  kernels::ChunkBody body_ = nullptr;
  void* context_ = nullptr;
  int64_t n_ = 0, chunk_ = 0, chunks_ = 0;
  std::exception_ptr error_;             // the first exception a chunk threw (under mutex_)
  std::atomic<bool> failed_{false};      // then the remaining chunks are skipped
  Range ranges_[kMaxRanges];
  std::atomic<int> range_count_{1};
  std::atomic<uint32_t> done_{0};        // chunks finished
  std::atomic<uint32_t> generation_{0};  // bumped per job: wakes the workers
  std::atomic<bool> busy_{false};        // a caller holds the pool

  // Sleeping and waking.
  std::mutex mutex_;
  std::condition_variable wake_, finished_;
  std::atomic<int> sleepers_{0};
  std::atomic<bool> caller_waiting_{false};
  std::atomic<int> allowed_workers_{0};  // workers with index >= this exit
  std::vector<std::thread> workers_;
  MachineLoad load_;  // the caller's
};

bool ThreadPool::claim(int range, bool from_front, int64_t& index) {
  std::atomic<uint64_t>& word = ranges_[range].word;
  uint64_t w = word.load(std::memory_order_acquire);
  for (;;) {
    const uint64_t front = w & 0xffffffffu, back = w >> 32;
    if (front >= back) return false;
    const uint64_t next = from_front ? pack(front + 1, back) : pack(front, back - 1);
    if (word.compare_exchange_weak(w, next, std::memory_order_acq_rel, std::memory_order_acquire)) {
      index = static_cast<int64_t>(from_front ? front : back - 1);
      return true;
    }
  }
}

/// Runs chunk `index` of the job (claimed), then counts it done.
void ThreadPool::run_chunk(int64_t index) {
  const int64_t chunks = chunks_;
  if (!failed_.load(std::memory_order_relaxed)) {
    const int64_t begin = index * chunk_, end = index + 1 == chunks ? n_ : begin + chunk_;
    try {
      body_(context_, begin, end);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!error_) error_ = std::current_exception();
      failed_.store(true, std::memory_order_relaxed);
    }
  }
  // After this increment the job may end and the next one start: touch none of its fields.
  if (done_.fetch_add(1) + 1 == static_cast<uint32_t>(chunks) && caller_waiting_.load()) {
    std::lock_guard<std::mutex> lock(mutex_);
    finished_.notify_one();
  }
}

/// Thread `self` (0: the caller) runs its home range, then steals from the others' until no chunk
/// is left; returns how many chunks it ran.
int64_t ThreadPool::work(int self) {
  const int count = range_count_.load(std::memory_order_acquire);
  const int home = self % count;
  int64_t index = 0, ran = 0;
  for (; claim(home, true, index); ++ran) run_chunk(index);
  for (int k = 1; k < count; ++k)
    for (const int victim = (home + k) % count; claim(victim, false, index); ++ran) run_chunk(index);
  return ran;
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
    work(index + 1);
  }
}

/// Starts or stops workers so that there are `workers` (by the caller holding the pool).
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
  auto run_inline = [&] {
    for (int64_t i = 0; i < chunks; ++i) body(context, i * chunk, i + 1 == chunks ? n : (i + 1) * chunk);
  };
  // One job at a time: a second caller (another user thread) runs its loop alone.
  if (busy_.exchange(true, std::memory_order_acquire)) return run_inline();
  struct Release {
    ThreadPool* pool;
    ~Release() {
      t_in_region = false;
      pool->busy_.store(false, std::memory_order_release);
    }
  } release{this};
  const int wanted = std::min<int>(num_threads(), 1 << 16);
  const int usable = g_ignore_machine_load.load(std::memory_order_relaxed) ? wanted : load_.usable(wanted);
  const int threads = static_cast<int>(std::min<int64_t>(usable, chunks));
  if (threads < 2) return run_inline();
  t_in_region = true;
  resize(wanted - 1);

  body_ = body;
  context_ = context;
  n_ = n;
  chunk_ = chunk;
  chunks_ = chunks;
  error_ = nullptr;
  failed_.store(false, std::memory_order_relaxed);
  done_.store(0, std::memory_order_relaxed);
  // Home ranges for the threads used now: thread t gets [t * chunks / count, (t + 1) * chunks / count).
  const int count = std::min(threads, kMaxRanges);
  for (int r = 0; r < count; ++r)
    ranges_[r].word.store(pack(static_cast<uint64_t>(r * chunks / count), static_cast<uint64_t>((r + 1) * chunks / count)),
                          std::memory_order_release);
  range_count_.store(count, std::memory_order_release);
  generation_.fetch_add(1);
  if (sleepers_.load() > 0) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (int i = 1; i < threads; ++i) wake_.notify_one();
  }

  work(0);
  auto finished = [&] { return done_.load() == static_cast<uint32_t>(chunks); };
  if (!spin_until(finished, kCallerSpin)) {
    std::unique_lock<std::mutex> lock(mutex_);
    caller_waiting_.store(true);
    finished_.wait(lock, finished);
    caller_waiting_.store(false);
  }
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
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
  // Inside a chunk (nested), with one thread, or with more chunks than a range word counts: the
  // same chunks, in order, on this thread.
  if (t_in_region || num_threads() == 1 || chunks >= (int64_t(1) << 31)) {
    for (int64_t i = 0; i < chunks; ++i) body(context, i * chunk, i + 1 == chunks ? n : (i + 1) * chunk);
    return;
  }
  pool().run(n, chunk, chunks, body, context);
}

void set_ignore_machine_load(bool ignore) { g_ignore_machine_load.store(ignore); }
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
