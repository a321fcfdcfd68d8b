// check_training: runs a training sample (fashion_mnist_mlp, fashion_mnist_cnn) and compares its
// run with PyTorch's run of the same program (samples/<name>.py --json, committed under
// tests/reference/):
//   check_training <sample> <reference.json> <output-directory> [<loss CSV name>]
// The CSV name defaults to fashion_mnist_loss.csv (the MLP's). A reference with "steps" is a run
// cut to that many batches per epoch, and the sample is run with --steps too.
// Both start from the same weights and draw the same batches, so the first steps' losses agree to
// float rounding; over two epochs rounding differences grow, so the epochs' mean losses must agree
// within 0.01 and the test accuracy within one point (0.01), as issue 5 asks.
#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "run_program.hpp"

namespace {

int failures = 0;

void expect_close(const std::string& what, double got, double want, double tolerance) {
  const bool ok = std::abs(got - want) <= tolerance;
  std::cout << (ok ? "ok   " : "FAIL ") << what << ": xgrad " << got << ", PyTorch " << want << " (tolerance "
            << tolerance << ")\n";
  if (!ok) ++failures;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) {
    std::cerr << "usage: check_training <sample> <reference.json> <output-directory> [<loss CSV name>]\n";
    return 2;
  }
  try {
    const std::string sample = argv[1], out_dir = argv[3];
    nlohmann::json reference;
    std::ifstream(argv[2]) >> reference;
    const std::string csv_name = argc == 5 ? argv[4] : "fashion_mnist_loss.csv";
    const size_t steps = reference.contains("steps") ? reference.at("steps").get<size_t>() : 938;
    run_program("mkdir -p '" + out_dir + "'");
    const std::string printed =
        run_program("'" + sample + "' --epochs " + std::to_string(reference.at("epochs").get<int>()) +
                    (reference.contains("steps") ? " --steps " + std::to_string(steps) : "") + " --out '" + out_dir + "'");
    std::cout << printed;

    std::smatch m;
    if (!std::regex_search(printed, m, std::regex("test accuracy: ([0-9.]+)")))
      throw std::runtime_error("the sample printed no test accuracy");
    expect_close("test accuracy", std::stod(m[1]), reference.at("test_accuracy"), 0.01);

    // The loss of every step, from the CSV: step,epoch,batch,loss.
    std::ifstream csv(out_dir + "/" + csv_name);
    std::string line;
    std::getline(csv, line);
    if (line != "step,epoch,batch,loss") throw std::runtime_error("unexpected CSV header: " + line);
    std::vector<std::vector<double>> per_epoch;
    while (std::getline(csv, line)) {
      std::istringstream row(line);
      std::string step, epoch, batch, loss;
      std::getline(row, step, ',');
      std::getline(row, epoch, ',');
      std::getline(row, batch, ',');
      std::getline(row, loss, ',');
      const size_t e = std::stoul(epoch);
      if (per_epoch.size() < e) per_epoch.resize(e);
      per_epoch[e - 1].push_back(std::stod(loss));
    }
    const auto& first = reference.at("first_losses");
    for (size_t k = 0; k < first.size(); ++k)
      expect_close("loss of step " + std::to_string(k + 1), per_epoch.at(0).at(k), first[k], 1e-4);
    const auto& means = reference.at("epoch_mean_loss");
    if (per_epoch.size() != means.size()) throw std::runtime_error("the CSV holds the wrong number of epochs");
    for (size_t e = 0; e < means.size(); ++e) {
      if (per_epoch[e].size() != steps)
        throw std::runtime_error("an epoch of the CSV is not " + std::to_string(steps) + " steps");
      double sum = 0;
      for (double v : per_epoch[e]) sum += v;
      expect_close("mean loss of epoch " + std::to_string(e + 1), sum / static_cast<double>(steps), means[e], 0.01);
    }
  } catch (const std::exception& e) {
    std::cerr << "check_training: " << e.what() << "\n";
    return 1;
  }
  return failures == 0 ? 0 : 1;
}
