// bench.cpp: xgrad and libtorch doing the same work in the same run (Google Benchmark), and the
// ratio xgrad/libtorch for each pair against the goal the issues set. Build with
// -DXGRAD_BUILD_BENCHMARKS=ON (libtorch pairs need Debian's libtorch-dev), then run
//   ./build/tests/benchmarks/xgrad_bench
// Speed is measured here, never asserted in a test.
#include <benchmark/benchmark.h>

#include <cstdio>
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

#ifdef XGRAD_BENCH_LIBTORCH
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
#ifdef XGRAD_BENCH_LIBTORCH
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

int main(int argc, char** argv) {
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
  return 0;
}
