// training_run.hpp: the plumbing the training samples (fashion_mnist_mlp, fashion_mnist_cnn,
// char_lstm) share, kept out of them so that each reads as its PyTorch twin: reading
// "--flag value" options, the CSV file the loss of every step goes to, and drawing that loss
// curve with gnuplot at the end. Plain C++ (and fmt): the same header serves a sample's xgrad
// build and its libtorch build.
#pragma once

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace xgrad_samples {

/// "12" -> 12; anything else (or too large) -> 0, which the samples refuse.
inline int whole_number(const std::string& text) {
  const bool digits = !text.empty() && text.size() < 6 && text.find_first_not_of("0123456789") == std::string::npos;
  return digits ? std::stoi(text) : 0;
}

/// Reads the command line as pairs "--flag value" and hands each pair to `set(flag, value)`,
/// which returns false for a flag it does not know. `usage` lists the options, for the message
/// that refuses an unknown one.
template <class Set>
void parse_flags(int argc, char** argv, const std::string& usage, Set&& set) {
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) throw std::invalid_argument("missing value after " + flag);
    const std::string value = argv[++i];
    if (!set(flag, value)) throw std::invalid_argument("unknown option " + flag + " (options: " + usage + ")");
  }
}

/// Opens `path` for the loss of every step and writes the CSV's header line.
inline std::ofstream open_loss_csv(const std::string& path, const std::string& header) {
  std::ofstream csv(path);
  if (!csv) throw std::runtime_error("cannot write " + path);
  csv << header << '\n';
  return csv;
}

/// Draws the loss curve of `csv` (its column `column` against the step in column 1) into `png`
/// with gnuplot, if it is installed; returns whether a PNG was written.
inline bool plot(const std::string& csv, const std::string& png, const std::string& title, int column) {
  if (std::system("command -v gnuplot > /dev/null 2>&1") != 0) return false;
  const std::string script = "set terminal pngcairo size 900,500; set output '" + png +
                             "'; set datafile separator ','; set key off; set xlabel 'step'; set ylabel "
                             "'cross entropy'; set title '" + title + "'; plot '" + csv +
                             "' every ::1 using 1:" + std::to_string(column) + " with lines lw 1";
  return std::system(("gnuplot -e \"" + script + "\" 2> /dev/null").c_str()) == 0;
}

/// The last lines of a run: draws `csv_path` into `png_path` (see plot) and says where the curve is.
inline void report_loss_curve(const std::string& csv_path, const std::string& png_path, const std::string& title,
                              int column) {
  if (plot(csv_path, png_path, title, column))
    fmt::print("loss curve: {} and {}\n", csv_path, png_path);
  else
    fmt::print("loss curve: {} (install gnuplot to draw it)\n", csv_path);
}

}  // namespace xgrad_samples
