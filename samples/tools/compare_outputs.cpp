// compare_outputs: runs two programs and compares what they print, number by number.
//   compare_outputs <xgrad-program> <libtorch-program>
// The texts with every number masked must be identical; each pair of numbers must agree to the
// printed precision (4 significant decimals: within 1.01e-4 relative or absolute), since two
// correct float32 results one ulp apart may round to neighbouring printed digits. A number is
// one that stands alone: the digit of a grad_fn name is part of the name, and the names are
// compared without it, because xgrad names nodes as Python does (`x / 4` is DivBackward0) where
// libtorch's C++ overloads give another suffix (DivBackward1).
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <regex>
#include <string>
#include <vector>

#include "run_program.hpp"

namespace {


struct Split {
  std::string text;             // the output with each number replaced by '#'
  std::vector<std::string> numbers;
};

Split split(const std::string& s_in) {
  // grad_fn names lose their overload digit: "DivBackward1" -> "DivBackward".
  const std::string s = std::regex_replace(s_in, std::regex(R"(Backward\d+)"), "Backward");
  static const std::regex number(R"(-?(nan|inf|\d+\.?\d*(e[+-]\d+)?))");
  Split out;
  size_t last = 0;
  for (auto it = std::sregex_iterator(s.begin(), s.end(), number); it != std::sregex_iterator(); ++it) {
    size_t pos = static_cast<size_t>(it->position());
    if (pos > 0 && (std::isalpha(static_cast<unsigned char>(s[pos - 1])) || s[pos - 1] == '_')) continue;  // in a word
    out.text += s.substr(last, pos - last) + "#";
    out.numbers.push_back(it->str());
    last = pos + static_cast<size_t>(it->length());
  }
  out.text += s.substr(last);
  return out;
}

bool same_number(const std::string& a, const std::string& b) {
  if (a == b) return true;
  double x = std::stod(a), y = std::stod(b);
  if (std::isnan(x) || std::isnan(y) || std::isinf(x) || std::isinf(y)) return false;
  double d = std::fabs(x - y);
  return d <= 1.01e-4 || d <= 1.01e-4 * std::max(std::fabs(x), std::fabs(y));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: compare_outputs <xgrad-program> <libtorch-program>\n";
    return 2;
  }
  std::string a = run_program(argv[1]), b = run_program(argv[2]);
  Split sa = split(a), sb = split(b);
  std::cout << "---- xgrad\n" << a << "---- libtorch\n" << b;
  if (sa.text != sb.text || sa.numbers.size() != sb.numbers.size()) {
    std::cout << "FAIL: the outputs differ in more than numbers\n";
    return 1;
  }
  int bad = 0;
  for (size_t i = 0; i < sa.numbers.size(); ++i)
    if (!same_number(sa.numbers[i], sb.numbers[i])) {
      std::cout << "FAIL: number " << i << ": " << sa.numbers[i] << " (xgrad) vs " << sb.numbers[i] << " (libtorch)\n";
      ++bad;
    }
  std::cout << (bad ? "FAIL" : "OK") << ": " << sa.numbers.size() << " numbers compared\n";
  return bad ? 1 : 0;
}
