// string_util.hpp: c10's small string helpers, as libtorch code calls them: `str(a, b, ...)`
// concatenates anything printable with <<, `Join(", ", v)` joins a container's elements.
// Read next: macros.hpp (TORCH_CHECK builds its messages with str).
#pragma once

#include <sstream>
#include <string>

namespace xgrad {

/// torch::str / c10::str: every argument streamed with << into one string; str() is "".
template <class... Args>
std::string str(const Args&... args) {
  std::ostringstream ss;
  (void)ss;  // unused when args is empty
  ((ss << args), ...);
  return ss.str();
}

/// c10::Join: the elements of v, streamed with <<, with delimiter between them.
template <class Container>
std::string Join(const std::string& delimiter, const Container& v) {
  std::ostringstream ss;
  bool first = true;
  for (const auto& e : v) {
    if (!first) ss << delimiter;
    ss << e;
    first = false;
  }
  return ss.str();
}

}  // namespace xgrad
