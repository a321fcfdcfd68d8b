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
    {"sgd_step_mlp", 0.8, "one SGD-momentum step of a 64-128-10 MLP on a batch of 64"},
    {"fashion_mnist_epoch", 0.8, "one epoch of samples/fashion_mnist_mlp (938 Adam steps, batch 64)"},
};

// OpenBLAS's thread count is process-wide: xgrad sets it to 1 (src/kernels/gemm.hpp) and libtorch
// leaves OpenBLAS's default. Each measurement starts from its own library's setting, so neither
// runs with the other's.
extern "C" void openblas_set_num_threads(int);
extern "C" int openblas_get_num_threads();
int blas_threads_at_start = 1;
void as_xgrad() { openblas_set_num_threads(1); }
void as_libtorch() { openblas_set_num_threads(blas_threads_at_start); }

/// Fashion-MNIST's training set, read once (by xgrad's reader) for both libraries' epochs.
struct FashionMnist {
  std::vector<float> images;  // 60000 x 784
  std::vector<int64_t> labels;
  static const FashionMnist& get() {
    static const FashionMnist data = [] {
      FashionMnist d;
      xgrad::data::datasets::MNIST train("/usr/share/datasets/fashion-mnist");
      auto x = train.images().contiguous();
      auto y = train.targets().contiguous();
      d.images.assign(x.data_ptr<float>(), x.data_ptr<float>() + x.numel());
      d.labels.assign(y.data_ptr<int64_t>(), y.data_ptr<int64_t>() + y.numel());
      return d;
    }();
    return data;
  }
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

/// One optimizer step of a 64-128-10 MLP: zero_grad, forward, cross entropy, backward, step.
/// Written once for both libraries (`torch` is xgrad or libtorch; the code is the same).
#define XGRAD_BENCH_TRAINING(torch, suffix)                                                                \
  void sgd_step_##suffix(benchmark::State& state) {                                                        \
    torch::manual_seed(0);                                                                                 \
    torch::nn::Linear l1(64, 128);                                                                         \
    torch::nn::Linear l2(128, 10);                                                                         \
    torch::nn::Sequential model(l1, torch::nn::ReLU(), l2);                                                \
    torch::optim::SGD opt(model->parameters(), torch::optim::SGDOptions(0.01).momentum(0.9));             \
    auto x = torch::randn({64, 64});                                                                       \
    auto y = torch::randint(0, 10, {64});                                                                  \
    for (auto _ : state) {                                                                                 \
      opt.zero_grad();                                                                                     \
      auto loss = torch::nn::functional::cross_entropy(model->forward(x), y);                              \
      loss.backward();                                                                                     \
      opt.step();                                                                                          \
    }                                                                                                      \
  }                                                                                                        \
  void fashion_mnist_epoch_##suffix(benchmark::State& state) {                                             \
    const FashionMnist& data = FashionMnist::get();                                                        \
    auto train_x = torch::from_blob(const_cast<float*>(data.images.data()), {60000, 784}).clone();         \
    auto train_y = torch::from_blob(const_cast<int64_t*>(data.labels.data()), {60000}, torch::kLong).clone(); \
    torch::manual_seed(0);                                                                                 \
    torch::nn::Linear hidden(784, 128);                                                                    \
    torch::nn::Linear output(128, 10);                                                                     \
    torch::nn::Sequential model(hidden, torch::nn::ReLU(), output);                                        \
    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-3));                    \
    double loss_sum = 0;                                                                                   \
    for (auto _ : state) {                                                                                 \
      auto perm = torch::randperm(60000);                                                                  \
      for (int64_t b = 0; b < 938; ++b) {                                                                  \
        auto idx = perm.slice(0, b * 64, std::min<int64_t>(60000, (b + 1) * 64));                         \
        auto loss = torch::nn::functional::cross_entropy(model->forward(train_x.index_select(0, idx)),     \
                                                         train_y.index_select(0, idx));                    \
        optimizer.zero_grad();                                                                             \
        loss.backward();                                                                                   \
        optimizer.step();                                                                                  \
        loss_sum += loss.template item<float>();                                                           \
      }                                                                                                    \
    }                                                                                                      \
    benchmark::DoNotOptimize(loss_sum);                                                                    \
  }

XGRAD_BENCH_TRAINING(xgrad, xgrad)

#ifdef XGRAD_BENCH_LIBTORCH
XGRAD_BENCH_TRAINING(torch, libtorch)

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

/// Registers `fn` under "name/lib", run with that library's OpenBLAS setting.
template <class Fn>
benchmark::internal::Benchmark* add(const std::string& name, const std::string& lib, Fn fn) {
  return benchmark::RegisterBenchmark((name + "/" + lib).c_str(), [lib, fn](benchmark::State& s) {
    lib == "xgrad" ? as_xgrad() : as_libtorch();
    fn(s);
  });
}

void register_all() {
  add("small_graph", "xgrad", small_graph_xgrad);
  add("exp_4M", "xgrad", [](benchmark::State& s) {
    big_unary_xgrad(s, [](const xgrad::Tensor& a, const xgrad::Tensor&) { return xgrad::exp(a); });
  });
  add("add_4M", "xgrad", [](benchmark::State& s) {
    big_unary_xgrad(s, [](const xgrad::Tensor& a, const xgrad::Tensor& b) { return a + b; });
  });
  add("sum_4M", "xgrad", [](benchmark::State& s) {
    big_unary_xgrad(s, [](const xgrad::Tensor& a, const xgrad::Tensor&) { return a.sum(); });
  });
  add("mm_256", "xgrad", mm_xgrad);
  add("bce_doc_2x2", "xgrad", bce_doc_xgrad);
  add("ce_64x10", "xgrad", [](benchmark::State& s) { cross_entropy_work<XgradLib>(s, 64, 10); });
  add("ce_512x1000", "xgrad", [](benchmark::State& s) { cross_entropy_work<XgradLib>(s, 512, 1000); });
  add("ce_4096x32000", "xgrad", [](benchmark::State& s) { cross_entropy_work<XgradLib>(s, 4096, 32000); })
      ->Unit(benchmark::kMillisecond);
  add("sgd_step_mlp", "xgrad", sgd_step_xgrad);
  add("fashion_mnist_epoch", "xgrad", fashion_mnist_epoch_xgrad)->Unit(benchmark::kMillisecond)->Iterations(3);
#ifdef XGRAD_BENCH_LIBTORCH
  add("bce_doc_2x2", "libtorch", bce_doc_libtorch);
  add("ce_64x10", "libtorch", [](benchmark::State& s) { cross_entropy_work<TorchLib>(s, 64, 10); });
  add("ce_512x1000", "libtorch", [](benchmark::State& s) { cross_entropy_work<TorchLib>(s, 512, 1000); });
  add("ce_4096x32000", "libtorch", [](benchmark::State& s) { cross_entropy_work<TorchLib>(s, 4096, 32000); })
      ->Unit(benchmark::kMillisecond);
  add("small_graph", "libtorch", small_graph_libtorch);
  add("exp_4M", "libtorch", [](benchmark::State& s) {
    big_unary_libtorch(s, [](const torch::Tensor& a, const torch::Tensor&) { return torch::exp(a); });
  });
  add("add_4M", "libtorch", [](benchmark::State& s) {
    big_unary_libtorch(s, [](const torch::Tensor& a, const torch::Tensor& b) { return a + b; });
  });
  add("sum_4M", "libtorch", [](benchmark::State& s) {
    big_unary_libtorch(s, [](const torch::Tensor& a, const torch::Tensor&) { return a.sum(); });
  });
  add("mm_256", "libtorch", mm_libtorch);
  add("sgd_step_mlp", "libtorch", sgd_step_libtorch);
  add("fashion_mnist_epoch", "libtorch", fashion_mnist_epoch_libtorch)->Unit(benchmark::kMillisecond)->Iterations(3);
#endif
}

/// Prints the usual table and remembers each run's time per iteration.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs)
      if (r.run_type == Run::RT_Iteration && !r.error_occurred)
        seconds[r.run_name.function_name] = r.GetAdjustedRealTime();  // in the run's time unit
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
  blas_threads_at_start = openblas_get_num_threads();
  benchmark::Initialize(&argc, argv);
  register_all();
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  std::printf("\n%-20s %12s %12s %8s %6s  %s\n", "pair", "xgrad", "libtorch", "ratio", "goal", "work");
  for (const Goal& g : kGoals) {
    auto x = reporter.seconds.find(std::string(g.name) + "/xgrad");
    auto t = reporter.seconds.find(std::string(g.name) + "/libtorch");
    if (x == reporter.seconds.end() || t == reporter.seconds.end()) continue;
    double ratio = x->second / t->second;
    std::printf("%-20s %12.4g %12.4g %8.3f %6.2f  %s%s\n", g.name, x->second, t->second, ratio, g.max_ratio, g.what,
                ratio <= g.max_ratio ? "" : "   (above goal)");
  }
#ifdef XGRAD_BENCH_LIBTORCH
  if (!skip_memory) {
    double xm = child_peak("xgrad"), tm = child_peak("libtorch");
    if (xm > 0 && tm > 0)
      std::printf("%-20s %10.0fMB %10.0fMB %8.3f %6.2f  %s%s\n", "ce_peak_memory", xm, tm, xm / tm, 0.6,
                  "peak memory of one (4096, 32000) cross entropy, forward and backward",
                  xm / tm <= 0.6 ? "" : "   (above goal)");
  }
#endif
  return 0;
}
