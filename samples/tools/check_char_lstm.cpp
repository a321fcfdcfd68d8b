// check_char_lstm: the test of samples/char_lstm.cpp. It runs the sample for as many steps as
// PyTorch's run in the reference JSON (samples/char_lstm.py --steps N --json, committed under
// tests/reference/) and reads the loss of every step from the CSV the sample writes:
//   check_char_lstm <sample> <reference.json> <output-directory> <last-loss-below>
// Both start from the same weights and draw the same windows of text, so the first five losses
// agree with PyTorch's to float rounding (1e-4); and the model learns: the loss of the last step
// must be below the given bound.
#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "run_program.hpp"

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: check_char_lstm <sample> <reference.json> <output-directory> <last-loss-below>\n";
    return 2;
  }
  try {
    const std::string sample = argv[1], out_dir = argv[3];
    const double bound = std::stod(argv[4]);
    nlohmann::json reference;
    std::ifstream(argv[2]) >> reference;
    const auto steps = reference.at("steps").get<size_t>();
    run_program("mkdir -p '" + out_dir + "'");
    std::cout << run_program("'" + sample + "' --steps " + std::to_string(steps) + " --out '" + out_dir + "'");

    std::ifstream csv(out_dir + "/char_lstm_loss.csv");
    std::string line;
    std::getline(csv, line);
    if (line != "step,loss") throw std::runtime_error("unexpected CSV header: " + line);
    std::vector<double> losses;
    while (std::getline(csv, line)) losses.push_back(std::stod(line.substr(line.find(',') + 1)));
    if (losses.size() != steps) throw std::runtime_error("the CSV does not hold " + std::to_string(steps) + " steps");

    int failures = 0;
    const auto& want = reference.at("losses");
    for (size_t k = 0; k < 5; ++k) {
      const double pytorch = want.at(k).get<double>();
      const bool ok = std::abs(losses[k] - pytorch) <= 1e-4;
      std::cout << (ok ? "ok   " : "FAIL ") << "loss of step " << k + 1 << ": xgrad " << losses[k] << ", PyTorch "
                << pytorch << " (tolerance 1e-4)\n";
      failures += ok ? 0 : 1;
    }
    const bool learned = losses.back() < bound;
    std::cout << (learned ? "ok   " : "FAIL ") << "loss of step " << steps << ": xgrad " << losses.back()
              << ", PyTorch " << want.at(steps - 1).get<double>() << " (must be below " << bound << ")\n";
    failures += learned ? 0 : 1;
    return failures == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "check_char_lstm: " << e.what() << "\n";
    return 1;
  }
}
