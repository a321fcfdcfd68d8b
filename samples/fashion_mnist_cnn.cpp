// fashion_mnist_cnn: a small convolutional net on real data. Two blocks of 5x5 convolution, ReLU
// and 2x2 max-pooling (1 -> 16 -> 32 channels, 28x28 -> 14x14 -> 7x7), dropout, then two linear
// layers (1568-128-10) learn Fashion-MNIST (Debian: dataset-fashion-mnist) with Adam (lr 2e-3),
// batches of 64 and a fresh randperm shuffle each epoch; then the accuracy on the 10,000 test
// images. samples/fashion_mnist_cnn.py is the same program in PyTorch, step for step: after
// manual_seed(0) both start from the same weights, see the same batches and drop the same units.
// It is samples/fashion_mnist_mlp.cpp with convolutions: read that one first.
//
// Run it: ./build/samples/fashion_mnist_cnn [--epochs N] [--steps N] [--data DIR] [--out DIR]
// (--steps: only the first N batches of each epoch). It writes the loss of every step to
// DIR/fashion_mnist_cnn_loss.csv (and, if gnuplot is installed, draws it into
// DIR/fashion_mnist_cnn_loss.png).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <xgrad/torch.hpp>

#include "common/training_run.hpp"  // options, the loss CSV and its curve

namespace nn = torch::nn;
namespace F = torch::nn::functional;

namespace {

struct Args {
  std::string data = "/usr/share/datasets/fashion-mnist";
  std::string out = ".";
  int epochs = 2;
  int steps = 0;  // 0: every batch
};

Args parse(int argc, char** argv) {
  Args args;
  const std::string usage = "--epochs N, --steps N, --data DIR, --out DIR";
  xgrad_samples::parse_flags(argc, argv, usage, [&](const std::string& flag, const std::string& value) {
    if (flag == "--data") args.data = value;
    else if (flag == "--out") args.out = value;
    else if (flag == "--epochs") args.epochs = xgrad_samples::whole_number(value);
    else if (flag == "--steps") {
      args.steps = xgrad_samples::whole_number(value);
      if (args.steps < 1) throw std::invalid_argument("--steps takes a whole number from 1 to 99999");
    } else {
      return false;
    }
    return true;
  });
  if (args.epochs < 1) throw std::invalid_argument("--epochs takes a whole number from 1 to 99999");
  return args;
}

int run(const Args& args) {
  using clock = std::chrono::steady_clock;
  // The data: images as (N, 1, 28, 28) floats in [0, 1], labels as int64 class indices.
  torch::data::datasets::MNIST train_set(args.data, torch::data::datasets::MNIST::Mode::kTrain);
  torch::data::datasets::MNIST test_set(args.data, torch::data::datasets::MNIST::Mode::kTest);
  auto train_x = train_set.images().reshape({-1, 1, 28, 28});
  auto train_y = train_set.targets();
  auto test_x = test_set.images().reshape({-1, 1, 28, 28});
  auto test_y = test_set.targets();
  const int64_t n = train_x.size(0), batch_size = 64;
  int64_t batches = (n + batch_size - 1) / batch_size;
  if (args.steps > 0) batches = std::min<int64_t>(batches, args.steps);
  fmt::print("Fashion-MNIST: {} training and {} test images from {}\n", n, test_x.size(0), args.data);

  // torch.manual_seed(0)
  // model = nn.Sequential(
  //     nn.Conv2d(1, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),   # 16 x 14 x 14
  //     nn.Conv2d(16, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),  # 32 x 7 x 7
  //     nn.Flatten(), nn.Dropout(0.25),
  //     nn.Linear(32 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))
  // (layers with weights made one per statement: C++ does not fix the order in which arguments
  // are evaluated, and the weights must be drawn in Python's order)
  torch::manual_seed(0);
  nn::Conv2d conv1(nn::Conv2dOptions(1, 16, 5).padding(2));
  nn::Conv2d conv2(nn::Conv2dOptions(16, 32, 5).padding(2));
  nn::Linear hidden(32 * 7 * 7, 128);
  nn::Linear output(128, 10);
  nn::Sequential model(conv1, nn::ReLU(), nn::MaxPool2d(2),  //
                       conv2, nn::ReLU(), nn::MaxPool2d(2),  //
                       nn::Flatten(), nn::Dropout(0.25),     //
                       hidden, nn::ReLU(), output);
  // optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(2e-3));
  std::cout << model << "\n";

  const std::string csv_path = args.out + "/fashion_mnist_cnn_loss.csv";
  std::ofstream csv = xgrad_samples::open_loss_csv(csv_path, "step,epoch,batch,loss");
  const bool live = isatty(fileno(stdout));  // redraw the progress line while a terminal watches
  int64_t step = 0;

  for (int epoch = 1; epoch <= args.epochs; ++epoch) {
    model->train();
    const auto start = clock::now();
    // perm = torch.randperm(60000)
    auto perm = torch::randperm(n);
    double loss_sum = 0;
    int64_t seen = 0;
    for (int64_t b = 0; b < batches; ++b) {
      // idx = perm[i:i + 64]; x, y = train_x[idx], train_y[idx]
      auto idx = perm.slice(0, b * batch_size, std::min(n, (b + 1) * batch_size));
      auto x = train_x.index_select(0, idx);
      auto y = train_y.index_select(0, idx);
      // loss = F.cross_entropy(model(x), y)
      auto loss = F::cross_entropy(model(x), y);
      // optimizer.zero_grad(); loss.backward(); optimizer.step()
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();

      const float value = loss.item<float>();
      loss_sum += value;
      seen += idx.size(0);
      csv << ++step << ',' << epoch << ',' << b + 1 << ',' << value << '\n';
      const bool last = b + 1 == batches;
      if (last || (live && (b + 1) % 50 == 0)) {
        const double seconds = std::chrono::duration<double>(clock::now() - start).count();
        fmt::print("{}epoch {}/{}: {:>3}/{} batches, loss {:.4f}, {:.0f} examples/s{}", live ? "\r" : "", epoch,
                   args.epochs, b + 1, batches, loss_sum / static_cast<double>(b + 1), seen / seconds,
                   last ? "\n" : "");
        std::fflush(stdout);
      }
    }
  }

  // model.eval()
  // with torch.no_grad(): correct = the sum over blocks of 1000 test images of
  //     (model(x).argmax(1) == y).sum()
  model->eval();
  torch::NoGradGuard no_grad;
  int64_t correct = 0;
  const int64_t tests = test_x.size(0);
  for (int64_t i = 0; i < tests; i += 1000) {
    const int64_t end = std::min(tests, i + 1000);
    correct += model(test_x.slice(0, i, end)).argmax(1).eq(test_y.slice(0, i, end)).sum().item<int64_t>();
  }
  fmt::print("test accuracy: {:.4f}\n", static_cast<double>(correct) / static_cast<double>(tests));

  csv.close();
  const std::string png_path = args.out + "/fashion_mnist_cnn_loss.png";
  xgrad_samples::report_loss_curve(csv_path, png_path, "Fashion-MNIST CNN, training loss", 4);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(parse(argc, argv));
  } catch (const std::exception& e) {
    fmt::print(stderr, "fashion_mnist_cnn: {}\n", e.what());
    return 1;
  }
}
