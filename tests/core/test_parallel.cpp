// test_parallel.cpp: the thread-count controls (libtorch's set_num_threads and friends), the pool
// behind kernels::parallel_for (chunks, nesting, exceptions), and that results never depend on
// the thread count: every large op here gives the same bits with 1 thread and with several.
#include <catch2/catch.hpp>

#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <xgrad/torch.hpp>

#include "kernels/parallel.hpp"

using torch::Tensor;
namespace F = torch::nn::functional;

namespace {

/// Restores the thread count a test changed. Meanwhile every thread is used even if other
/// programs keep the cores busy (xgrad would then run loops on one thread), so that the pool
/// really runs here whatever the machine is doing.
struct ThreadsGuard {
  int saved = torch::get_num_threads();
  ThreadsGuard() { xgrad::kernels::set_ignore_machine_load(true); }
  ~ThreadsGuard() {
    torch::set_num_threads(saved);
    xgrad::kernels::set_ignore_machine_load(false);
  }
};

int affinity_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  REQUIRE(sched_getaffinity(0, sizeof(set), &set) == 0);
  return CPU_COUNT(&set);
}

/// The same bits (and shape and dtype): a plain memcmp over contiguous copies.
bool same_bits(const Tensor& a, const Tensor& b) {
  if (a.sizes() != b.sizes() || a.scalar_type() != b.scalar_type()) return false;
  Tensor ac = a.contiguous(), bc = b.contiguous();
  return std::memcmp(ac.data_ptr(), bc.data_ptr(), static_cast<size_t>(ac.numel() * ac.element_size())) == 0;
}

/// Runs `work` with 1 thread, then with each larger count, and requires the same bits each time.
void require_same_bits_for_any_thread_count(const std::function<std::vector<Tensor>()>& work) {
  ThreadsGuard guard;
  torch::set_num_threads(1);
  const std::vector<Tensor> one = work();
  for (int threads : {2, 3, 4}) {
    torch::set_num_threads(threads);
    const std::vector<Tensor> many = work();
    REQUIRE(many.size() == one.size());
    for (size_t i = 0; i < one.size(); ++i) {
      INFO("threads " << threads << ", result " << i);
      REQUIRE(same_bits(one[i], many[i]));
    }
  }
}

}  // namespace

TEST_CASE("set_num_threads and get_num_threads", "[parallel]") {
  ThreadsGuard guard;
  REQUIRE(torch::get_num_threads() >= 1);
  torch::set_num_threads(3);
  REQUIRE(torch::get_num_threads() == 3);
  torch::set_num_threads(1);
  REQUIRE(torch::get_num_threads() == 1);
  REQUIRE_THROWS_WITH(torch::set_num_threads(0), "Expected positive number of threads");
  REQUIRE_THROWS_AS(torch::set_num_threads(-2), torch::Error);
  REQUIRE(torch::get_num_threads() == 1);
}

TEST_CASE("set_num_interop_threads can be called once", "[parallel]") {
  REQUIRE(torch::get_num_interop_threads() >= 1);
  REQUIRE_THROWS_WITH(torch::set_num_interop_threads(0), "Expected positive number of threads");
  torch::set_num_interop_threads(3);
  REQUIRE(torch::get_num_interop_threads() == 3);
  REQUIRE_THROWS_WITH(torch::set_num_interop_threads(2),
                      "Error: cannot set number of interop threads after parallel work has started or "
                      "set_num_interop_threads called");
  REQUIRE(torch::get_num_interop_threads() == 3);
}

// Run by ctest with OMP_NUM_THREADS / MKL_NUM_THREADS set (tests/CMakeLists.txt): the default
// thread count follows them as libtorch's does, and an invalid value falls back to the CPUs.
TEST_CASE("the thread count from the environment", "[.][parallel_env]") {
  const char* expected = std::getenv("XGRAD_EXPECT_THREADS");
  REQUIRE(expected != nullptr);
  const int want = std::string(expected) == "cpus" ? affinity_cpus() : std::atoi(expected);
  REQUIRE(torch::get_num_threads() == want);
}

TEST_CASE("parallel_for: fixed chunks, run by several threads, each exactly once", "[parallel]") {
  ThreadsGuard guard;
  using xgrad::kernels::parallel_for;
  // Below two grains: one call on the caller.
  std::vector<std::pair<int64_t, int64_t>> calls;
  parallel_for(199, 100, [&](int64_t b, int64_t e) { calls.emplace_back(b, e); });
  REQUIRE(calls == std::vector<std::pair<int64_t, int64_t>>{{0, 199}});

  for (int threads : {1, 2, 4}) {
    torch::set_num_threads(threads);
    const int64_t n = 1000, grain = 30;  // 33 chunks, the last one 40 items
    std::vector<std::atomic<int>> hits(n);
    std::mutex m;
    std::set<std::pair<int64_t, int64_t>> ranges;
    std::set<int> thread_nums;
    std::atomic<unsigned> threads_seen{0};  // bit t: thread t ran a chunk
    std::atomic<bool> outside_region{false};  // in_parallel_region() said the wrong thing
    std::atomic<bool> first{true};
    // (No REQUIRE in the body: Catch is not thread-safe. Results are checked afterwards.)
    parallel_for(n, grain, [&](int64_t b, int64_t e) {
      // As in libtorch: a loop on one thread is not a parallel region.
      if (torch::in_parallel_region() != (threads > 1)) outside_region = true;
      const int me = torch::get_thread_num();
      threads_seen |= 1u << std::min(me, 31);
      // The first chunk to start waits (boundedly) until a second thread starts one: the pool
      // really runs. (Any other chunk may go first: a worker can steal even chunk 0.)
      if (first.exchange(false) && threads > 1) {
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (__builtin_popcount(threads_seen.load()) < 2 && std::chrono::steady_clock::now() < until)
          std::this_thread::yield();
      }
      for (int64_t i = b; i < e; ++i) hits[i]++;
      std::lock_guard<std::mutex> lock(m);
      ranges.emplace(b, e);
      thread_nums.insert(me);
    });
    INFO("threads " << threads);
    REQUIRE(!outside_region);
    for (int64_t i = 0; i < n; ++i) REQUIRE(hits[i] == 1);
    REQUIRE(ranges.size() == 33);
    REQUIRE(*ranges.begin() == std::make_pair(int64_t{0}, int64_t{30}));
    REQUIRE(*ranges.rbegin() == std::make_pair(int64_t{960}, int64_t{1000}));
    REQUIRE(!torch::in_parallel_region());
    if (threads == 1) {
      REQUIRE(thread_nums == std::set<int>{0});
    } else {
      REQUIRE(thread_nums.size() >= 2);
      REQUIRE(*thread_nums.rbegin() < threads);
    }
  }
}

TEST_CASE("parallel_for: nested loops run inline, exceptions reach the caller", "[parallel]") {
  ThreadsGuard guard;
  torch::set_num_threads(2);
  using xgrad::kernels::parallel_for;
  std::atomic<int64_t> inner_items{0}, inner_calls{0};
  std::atomic<bool> moved{false};
  parallel_for(8, 1, [&](int64_t, int64_t) {
    const int outer_thread = torch::get_thread_num();
    parallel_for(100, 10, [&](int64_t b, int64_t e) {
      if (torch::get_thread_num() != outer_thread) moved = true;  // must stay on this thread
      inner_items += e - b;
      ++inner_calls;
    });
  });
  REQUIRE(!moved);
  REQUIRE(inner_items == 800);
  REQUIRE(inner_calls == 80);  // the same ten chunks each time

  std::atomic<int> ran{0};
  REQUIRE_THROWS_WITH(parallel_for(64, 1,
                                   [&](int64_t b, int64_t) {
                                     ++ran;
                                     if (b == 5) throw std::runtime_error("chunk 5 failed");
                                   }),
                      "chunk 5 failed");
  REQUIRE(ran >= 1);
  // The pool works after an exception.
  std::atomic<int64_t> total{0};
  parallel_for(64, 1, [&](int64_t b, int64_t e) { total += e - b; });
  REQUIRE(total == 64);
}

TEST_CASE("with every core kept busy by other programs, loops run on the caller alone", "[parallel]") {
  const int cpus = affinity_cpus();
  if (cpus < 2) return;  // one thread anyway
  // One busy process per core; each dies with this one, and is killed at the end of the test.
  std::vector<pid_t> busy;
  for (int i = 0; i < cpus; ++i) {
    const pid_t parent = getpid(), pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(0);
      alarm(30);
      for (volatile unsigned long spin = 0;; spin = spin + 1) {
      }
    }
    busy.push_back(pid);
  }
  struct Kill {
    std::vector<pid_t>& pids;
    ~Kill() {
      for (pid_t pid : pids) {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
      }
    }
  } kill_at_end{busy};

  // The pool measures the machine's load between parallel loops at least 100 ms apart.
  std::atomic<unsigned> threads_seen{0};
  auto loop = [&] {
    threads_seen = 0;
    xgrad::kernels::parallel_for(64, 1, [&](int64_t, int64_t) {
      threads_seen |= 1u << std::min(torch::get_thread_num(), 31);
      std::this_thread::sleep_for(std::chrono::microseconds(200));  // time for a worker to join
    });
  };
  loop();
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  loop();
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  loop();
  REQUIRE(threads_seen == 1u);  // the caller (thread 0) alone
}

TEST_CASE("large loops give the same bits with 1 and with N threads", "[parallel]") {
  require_same_bits_for_any_thread_count([] {
    torch::manual_seed(0);
    Tensor x = torch::randn({1 << 20});  // 32 chunks of a pointwise op, 16 leaves of a sum
    Tensor y = torch::randn({512, 2048});
    Tensor row = torch::randn({2048});
    Tensor xd = torch::randn({600001}, torch::kFloat64);
    return std::vector<Tensor>{x.sum(), x.mean(), xd.sum(), y.sum(), y.sum(1), torch::exp(x), torch::sigmoid(x),
                               y + row, y * 2.5, x.sum() / x.numel()};
  });
}

TEST_CASE("cross entropy gives the same bits with 1 and with N threads", "[parallel]") {
  require_same_bits_for_any_thread_count([] {
    torch::manual_seed(1);
    std::vector<Tensor> out;
    for (auto shape : {std::pair<int64_t, int64_t>{512, 1000}, {300, 2000}, {64, 10}}) {
      Tensor x = torch::randn({shape.first, shape.second}, torch::requires_grad());
      Tensor y = torch::randint(0, shape.second, {shape.first});
      Tensor loss = F::cross_entropy(x, y);
      loss.backward();
      out.push_back(loss.detach());
      out.push_back(x.grad());
      Tensor sum_loss = F::cross_entropy(x.detach(), y, F::CrossEntropyFuncOptions().reduction(torch::kSum));
      out.push_back(sum_loss);
    }
    return out;
  });
}

TEST_CASE("matmul gives the same bits with 1 and with N threads", "[parallel]") {
  require_same_bits_for_any_thread_count([] {
    torch::manual_seed(2);
    Tensor a = torch::randn({256, 256}), b = torch::randn({256, 256});
    Tensor c = torch::randn({300, 500}), d = torch::randn({500, 200});
    Tensor e = torch::randn({64, 784}), w = torch::randn({128, 784});  // the sample's first layer
    Tensor ad = a.to(torch::kFloat64), bd = b.to(torch::kFloat64);
    return std::vector<Tensor>{torch::mm(a, b), torch::mm(c, d), torch::mm(d.t(), c.t()), torch::mm(e, w.t()),
                               torch::mm(w, e.t()), torch::mm(e.t(), torch::mm(e, w.t())), torch::mm(ad, bd), torch::matmul(c, d)};
  });
}

TEST_CASE("convolutions give the same bits with 1 and with N threads", "[parallel]") {
  // The batch is cut into blocks of images whatever the thread count; the weight gradient sums
  // one buffer per block, added in block order. Direct kernels (the benchmark's and the CNN
  // sample's shapes) and lowered ones (a 9-wide kernel).
  require_same_bits_for_any_thread_count([] {
    torch::manual_seed(3);
    std::vector<Tensor> out;
    auto run = [&](Tensor x, Tensor w, int64_t padding) {
      x.requires_grad_(true);
      w.requires_grad_(true);
      Tensor y = torch::conv2d(x, w, {}, 1, padding);
      y.backward(torch::randn(y.sizes()));
      out.insert(out.end(), {y, x.grad(), w.grad()});
    };
    run(torch::randn({64, 10, 12, 12}), torch::randn({20, 10, 5, 5}), 0);
    run(torch::randn({64, 16, 14, 14}), torch::randn({32, 16, 5, 5}), 2);
    run(torch::randn({64, 1, 28, 28}), torch::randn({16, 1, 5, 5}), 2);
    run(torch::randn({32, 3, 20, 20}), torch::randn({8, 3, 9, 9}), 4);
    return out;
  });
}

TEST_CASE("optimizer steps give the same bits with 1 and with N threads", "[parallel]") {
  require_same_bits_for_any_thread_count([] {
    std::vector<Tensor> out;
    for (int which = 0; which < 3; ++which) {
      torch::manual_seed(3);
      Tensor p = torch::randn({300000}, torch::requires_grad());
      Tensor target = torch::randn({300000});
      std::unique_ptr<torch::optim::Optimizer> opt;
      if (which == 0) opt = std::make_unique<torch::optim::SGD>(std::vector<Tensor>{p}, torch::optim::SGDOptions(0.1).momentum(0.9));
      if (which == 1) opt = std::make_unique<torch::optim::Adam>(std::vector<Tensor>{p}, torch::optim::AdamOptions(1e-2));
      if (which == 2) opt = std::make_unique<torch::optim::RMSprop>(std::vector<Tensor>{p}, torch::optim::RMSpropOptions(1e-2));
      for (int step = 0; step < 3; ++step) {
        opt->zero_grad();
        ((p - target) * (p - target)).sum().backward();
        opt->step();
      }
      out.push_back(p.detach().clone());
    }
    return out;
  });
}

TEST_CASE("the documents' examples give the same bits with 1 and with N threads", "[parallel]") {
  require_same_bits_for_any_thread_count([] {
    std::vector<Tensor> out;
    // README and design: the 2x2 BCE example, tensor(0.8580, grad_fn=<BinaryCrossEntropyBackward0>).
    torch::manual_seed(0);
    auto input = torch::randn({2, 2}, torch::requires_grad());
    auto target = torch::rand({2, 2});
    auto loss = F::binary_cross_entropy(torch::sigmoid(input), target);
    loss.backward();
    out.push_back(loss.detach());
    out.push_back(input.grad());
    // samples/fashion_mnist_mlp's model and optimizer, a few steps on a batch of its shape.
    torch::manual_seed(0);
    torch::nn::Linear hidden(784, 128);
    torch::nn::Linear output(128, 10);
    torch::nn::Sequential model(hidden, torch::nn::ReLU(), output);
    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-3));
    Tensor x = torch::rand({64, 784}), y = torch::randint(0, 10, {64});
    for (int step = 0; step < 3; ++step) {
      auto l = F::cross_entropy(model->forward(x), y);
      optimizer.zero_grad();
      l.backward();
      optimizer.step();
      out.push_back(l.detach());
    }
    for (const auto& p : model->parameters()) out.push_back(p.detach().clone());
    return out;
  });
}
