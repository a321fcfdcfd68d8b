// warning.cpp: see warning.hpp.
#include "xgrad/core/warning.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <set>

namespace xgrad {

void WarningHandler::process(const SourceLocation& /*source_location*/, const std::string& msg,
                             bool /*verbatim*/) {
  static std::mutex mutex;
  static std::set<std::string> shown;
  std::lock_guard<std::mutex> lock(mutex);
  if (!shown.insert(msg).second) return;
  std::fprintf(stderr, "UserWarning: %s\n", msg.c_str());
}

namespace Warning {
namespace {
WarningHandler* base_handler() {
  static WarningHandler handler;
  return &handler;
}
thread_local WarningHandler* thread_handler = nullptr;  // nullptr: the base handler
std::atomic<bool> warn_always{false};
}  // namespace

void warn(const SourceLocation& source_location, const std::string& msg, bool verbatim) {
  get_warning_handler()->process(source_location, msg, verbatim);
}
void set_warning_handler(WarningHandler* handler) noexcept { thread_handler = handler; }
WarningHandler* get_warning_handler() noexcept { return thread_handler ? thread_handler : base_handler(); }
void set_warnAlways(bool setting) noexcept { warn_always = setting; }
bool get_warnAlways() noexcept { return warn_always; }
}  // namespace Warning

void warn(const std::string& message) { Warning::warn({"", "", 0}, message, false); }

}  // namespace xgrad
