// bench.cpp: xgrad and libtorch doing the same work in the same run (Google Benchmark), and the
// ratio xgrad/libtorch for each pair against the goal the issues set. Build with
// -DXGRAD_BUILD_BENCHMARKS=ON (libtorch pairs need Debian's libtorch-dev), then run
//   ./build/tests/benchmarks/xgrad_bench
// Speed is measured here, never asserted in a test.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <sys/resource.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <xgrad/xgrad.hpp>
#ifdef XGRAD_BENCH_LIBTORCH
#include <torch/torch.h>
#endif

namespace {

/// One measured pair: its name, and the largest ratio xgrad/libtorch the issues accept.
struct Goal {
  const char* name;
  double max_ratio;
  const char* what;
};
const std::vector<Goal> kGoals = {
    {"small_graph", 0.15, "2x2 (sigmoid(x) * y).sum(), backward, grad zeroed"},
    {"exp_4M", 1.0, "exp of 4M contiguous floats"},
    {"add_4M", 1.0, "add of two 4M float tensors"},
    {"sum_4M", 1.0, "sum of 4M contiguous floats"},
    {"mm_256", 1.2, "256x256 float matmul"},
    {"bce_doc_2x2", 0.15, "the documents' 2x2 example: sigmoid, BCE, backward, grad zeroed"},
    {"ce_64x10", 0.25, "cross entropy (64, 10), forward and backward"},
    {"ce_512x1000", 0.35, "cross entropy (512, 1000), forward and backward"},
    {"ce_4096x32000", 0.25, "cross entropy (4096, 32000), forward and backward"},
};

/// The cross entropy work: logits (n, c) and targets drawn once, then loss, backward, grad reset.
template <class Lib>
void cross_entropy_work(benchmark::State& state, int64_t n, int64_t c) {
  Lib::manual_seed(0);
  auto x = Lib::randn(n, c);
  auto y = Lib::randint(c, n);
  for (auto _ : state) {
    auto loss = Lib::cross_entropy(x, y);
    loss.backward();
    Lib::reset_grad(x);
  }
}

struct XgradLib {
  static void manual_seed(uint64_t s) { xgrad::manual_seed(s); }
  static xgrad::Tensor randn(int64_t n, int64_t c) { return xgrad::randn({n, c}, xgrad::requires_grad()); }
  static xgrad::Tensor randint(int64_t c, int64_t n) { return xgrad::randint(c, {n}); }
  static xgrad::Tensor cross_entropy(const xgrad::Tensor& x, const xgrad::Tensor& y) {
    return xgrad::nn::functional::cross_entropy(x, y);
  }
  static void reset_grad(xgrad::Tensor& x) { x.mutable_grad() = xgrad::Tensor(); }
};

// ---- the work, once per library --------------------------------------------------------------

void small_graph_xgrad(benchmark::State& state) {
  auto x = xgrad::tensor({{1.5410, -0.2934}, {-2.1788, 0.5684}}, xgrad::requires_grad());
  auto y = xgrad::tensor({{0.4963, 0.7682}, {0.0885, 0.1320}});
  for (auto _ : state) {
    auto loss = (xgrad::sigmoid(x) * y).sum();
    loss.backward();
    x.mutable_grad().zero_();
  }
}

template <class Fn>
void big_unary_xgrad(benchmark::State& state, Fn fn) {
  auto a = xgrad::full({1 << 22}, 0.5f), b = xgrad::full({1 << 22}, 1.5f);
  for (auto _ : state) benchmark::DoNotOptimize(fn(a, b));
  state.SetBytesProcessed(state.iterations() * (1 << 22) * 4);
}

void mm_xgrad(benchmark::State& state) {
  auto a = xgrad::full({256, 256}, 0.5f), b = xgrad::full({256, 256}, 0.25f);
  for (auto _ : state) benchmark::DoNotOptimize(xgrad::mm(a, b));
}

void bce_doc_xgrad(benchmark::State& state) {
  xgrad::manual_seed(0);
  auto input = xgrad::randn({2, 2}, xgrad::requires_grad());
  auto target = xgrad::rand({2, 2});
  for (auto _ : state) {
    auto loss = xgrad::nn::functional::binary_cross_entropy(xgrad::sigmoid(input), target);
    loss.backward();
    input.mutable_grad().zero_();
  }
}

#ifdef XGRAD_BENCH_LIBTORCH
struct TorchLib {
  static void manual_seed(uint64_t s) { torch::manual_seed(s); }
  static torch::Tensor randn(int64_t n, int64_t c) { return torch::randn({n, c}, torch::requires_grad()); }
  static torch::Tensor randint(int64_t c, int64_t n) { return torch::randint(c, {n}); }
  static torch::Tensor cross_entropy(const torch::Tensor& x, const torch::Tensor& y) {
    return torch::nn::functional::cross_entropy(x, y);
  }
  static void reset_grad(torch::Tensor& x) { x.mutable_grad() = torch::Tensor(); }
};

void bce_doc_libtorch(benchmark::State& state) {
  torch::manual_seed(0);
  auto input = torch::randn({2, 2}, torch::requires_grad());
  auto target = torch::rand({2, 2});
  for (auto _ : state) {
    auto loss = torch::nn::functional::binary_cross_entropy(torch::sigmoid(input), target);
    loss.backward();
    input.mutable_grad().zero_();
  }
}

void small_graph_libtorch(benchmark::State& state) {
  auto x = torch::tensor({{1.5410, -0.2934}, {-2.1788, 0.5684}}, torch::requires_grad());
  auto y = torch::tensor({{0.4963, 0.7682}, {0.0885, 0.1320}});
  for (auto _ : state) {
    auto loss = (torch::sigmoid(x) * y).sum();
    loss.backward();
    x.mutable_grad().zero_();
  }
}

template <class Fn>
void big_unary_libtorch(benchmark::State& state, Fn fn) {
  auto a = torch::full({1 << 22}, 0.5f), b = torch::full({1 << 22}, 1.5f);
  for (auto _ : state) benchmark::DoNotOptimize(fn(a, b));
  state.SetBytesProcessed(state.iterations() * (1 << 22) * 4);
}

void mm_libtorch(benchmark::State& state) {
  auto a = torch::full({256, 256}, 0.5f), b = torch::full({256, 256}, 0.25f);
  for (auto _ : state) benchmark::DoNotOptimize(torch::mm(a, b));
}
#endif

void register_all() {
  benchmark::RegisterBenchmark("small_graph/xgrad", small_graph_xgrad);
  benchmark::RegisterBenchmark("exp_4M/xgrad", [](benchmark::State& s) {
    big_unary_xgrad(s, [](const xgrad::Tensor& a, const xgrad::Tensor&) { return xgrad::exp(a); });
  });
  benchmark::RegisterBenchmark("add_4M/xgrad", [](benchmark::State& s) {
    big_unary_xgrad(s, [](const xgrad::Tensor& a, const xgrad::Tensor& b) { return a + b; });
  });
  benchmark::RegisterBenchmark("sum_4M/xgrad", [](benchmark::State& s) {
    big_unary_xgrad(s, [](const xgrad::Tensor& a, const xgrad::Tensor&) { return a.sum(); });
  });
  benchmark::RegisterBenchmark("mm_256/xgrad", mm_xgrad);
  benchmark::RegisterBenchmark("bce_doc_2x2/xgrad", bce_doc_xgrad);
  benchmark::RegisterBenchmark("ce_64x10/xgrad", [](benchmark::State& s) { cross_entropy_work<XgradLib>(s, 64, 10); });
  benchmark::RegisterBenchmark("ce_512x1000/xgrad", [](benchmark::State& s) { cross_entropy_work<XgradLib>(s, 512, 1000); });
  benchmark::RegisterBenchmark("ce_4096x32000/xgrad", [](benchmark::State& s) { cross_entropy_work<XgradLib>(s, 4096, 32000); })
      ->Unit(benchmark::kMillisecond);
#ifdef XGRAD_BENCH_LIBTORCH
  benchmark::RegisterBenchmark("bce_doc_2x2/libtorch", bce_doc_libtorch);
  benchmark::RegisterBenchmark("ce_64x10/libtorch", [](benchmark::State& s) { cross_entropy_work<TorchLib>(s, 64, 10); });
  benchmark::RegisterBenchmark("ce_512x1000/libtorch", [](benchmark::State& s) { cross_entropy_work<TorchLib>(s, 512, 1000); });
  benchmark::RegisterBenchmark("ce_4096x32000/libtorch", [](benchmark::State& s) { cross_entropy_work<TorchLib>(s, 4096, 32000); })
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("small_graph/libtorch", small_graph_libtorch);
  benchmark::RegisterBenchmark("exp_4M/libtorch", [](benchmark::State& s) {
    big_unary_libtorch(s, [](const torch::Tensor& a, const torch::Tensor&) { return torch::exp(a); });
  });
  benchmark::RegisterBenchmark("add_4M/libtorch", [](benchmark::State& s) {
    big_unary_libtorch(s, [](const torch::Tensor& a, const torch::Tensor& b) { return a + b; });
  });
  benchmark::RegisterBenchmark("sum_4M/libtorch", [](benchmark::State& s) {
    big_unary_libtorch(s, [](const torch::Tensor& a, const torch::Tensor&) { return a.sum(); });
  });
  benchmark::RegisterBenchmark("mm_256/libtorch", mm_libtorch);
#endif
}

/// Prints the usual table and remembers each run's time per iteration.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs)
      if (r.run_type == Run::RT_Iteration && !r.error_occurred)
        seconds[r.benchmark_name()] = r.GetAdjustedRealTime();  // in the run's time unit
  }
  std::map<std::string, double> seconds;
};

}  // namespace

/// Peak resident memory of this process, in MB.
double peak_rss_mb() {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

/// Run in a child process: one (4096, 32000) cross entropy, forward and backward, then print
/// the process's peak memory. A fresh process per library, so neither sees the other's peak.
int peak_memory_child(const std::string& lib) {
  if (lib == "xgrad") {
    XgradLib::manual_seed(0);
    auto x = XgradLib::randn(4096, 32000);
    auto y = XgradLib::randint(32000, 4096);
    XgradLib::cross_entropy(x, y).backward();
  }
#ifdef XGRAD_BENCH_LIBTORCH
  if (lib == "libtorch") {
    TorchLib::manual_seed(0);
    auto x = TorchLib::randn(4096, 32000);
    auto y = TorchLib::randint(32000, 4096);
    TorchLib::cross_entropy(x, y).backward();
  }
#endif
  std::printf("%.1f\n", peak_rss_mb());
  return 0;
}

double child_peak(const std::string& lib) {
  std::string cmd = "/proc/" + std::to_string(getpid()) + "/exe --peak-memory=" + lib;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return -1;
  double mb = -1;
  if (std::fscanf(pipe, "%lf", &mb) != 1) mb = -1;
  pclose(pipe);
  return mb;
}

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], "--peak-memory=", 14) == 0) return peak_memory_child(argv[i] + 14);
  bool skip_memory = false;
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "--no-peak-memory") == 0) {
      skip_memory = true;
      argv[i] = const_cast<char*>("--benchmark_counters_tabular=false");
    }
  benchmark::Initialize(&argc, argv);
  register_all();
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  std::printf("\n%-14s %12s %12s %8s %6s  %s\n", "pair", "xgrad", "libtorch", "ratio", "goal", "work");
  for (const Goal& g : kGoals) {
    auto x = reporter.seconds.find(std::string(g.name) + "/xgrad");
    auto t = reporter.seconds.find(std::string(g.name) + "/libtorch");
    if (x == reporter.seconds.end() || t == reporter.seconds.end()) continue;
    double ratio = x->second / t->second;
    std::printf("%-14s %12.4g %12.4g %8.3f %6.2f  %s%s\n", g.name, x->second, t->second, ratio, g.max_ratio, g.what,
                ratio <= g.max_ratio ? "" : "   (above goal)");
  }
#ifdef XGRAD_BENCH_LIBTORCH
  if (!skip_memory) {
    double xm = child_peak("xgrad"), tm = child_peak("libtorch");
    if (xm > 0 && tm > 0)
      std::printf("%-14s %10.0fMB %10.0fMB %8.3f %6.2f  %s%s\n", "ce_peak_memory", xm, tm, xm / tm, 0.6,
                  "peak memory of one (4096, 32000) cross entropy, forward and backward",
                  xm / tm <= 0.6 ? "" : "   (above goal)");
  }
#endif
  return 0;
}
