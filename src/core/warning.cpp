// warning.cpp: see warning.hpp.
#include "xgrad/core/warning.hpp"

#include <cstdio>
#include <mutex>
#include <set>

namespace xgrad {

void warn(const std::string& message) {
  static std::mutex mutex;
  static std::set<std::string> shown;
  std::lock_guard<std::mutex> lock(mutex);
  if (!shown.insert(message).second) return;
  std::fprintf(stderr, "UserWarning: %s\n", message.c_str());
}

}  // namespace xgrad
