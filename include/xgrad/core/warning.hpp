// warning.hpp: the warnings PyTorch gives with Python's warnings.warn (a deprecated option, a
// target that broadcasts). Each goes to the thread's warning handler, as in libtorch (c10's
// Warning::set_warning_handler, which tests use to capture warnings); the default handler prints
// "UserWarning: ..." to stderr, each distinct message once, as Python's default filter shows it.
// TORCH_WARN and TORCH_WARN_ONCE (macros.hpp) raise them from user code. Read next: exception.hpp.
#pragma once

#include <string>

#include "xgrad/core/exception.hpp"

namespace xgrad {

/// Receives the warnings of a thread (c10::WarningHandler). Derive and override process to
/// collect them; the base class prints them.
class WarningHandler {
 public:
  virtual ~WarningHandler() = default;
  /// Prints "UserWarning: msg" to stderr, once per distinct message.
  virtual void process(const SourceLocation& source_location, const std::string& msg, bool verbatim);
};

namespace Warning {
/// Hands the warning to this thread's handler.
void warn(const SourceLocation& source_location, const std::string& msg, bool verbatim);
/// This thread's handler from now on (nullptr: the default one); the caller keeps ownership.
void set_warning_handler(WarningHandler* handler) noexcept;
WarningHandler* get_warning_handler() noexcept;

/// Sets a handler for a scope and puts the previous one back at its end.
class WarningHandlerGuard {
 public:
  explicit WarningHandlerGuard(WarningHandler* new_handler) : prev_(get_warning_handler()) {
    set_warning_handler(new_handler);
  }
  ~WarningHandlerGuard() { set_warning_handler(prev_); }
  WarningHandlerGuard(const WarningHandlerGuard&) = delete;
  WarningHandlerGuard& operator=(const WarningHandlerGuard&) = delete;

 private:
  WarningHandler* prev_;
};

/// torch.set_warn_always: when on, TORCH_WARN_ONCE warns every time. Global, as in libtorch.
void set_warnAlways(bool setting) noexcept;
bool get_warnAlways() noexcept;

/// Sets warn-always for a scope (c10::Warning::WarnAlways).
class WarnAlways {
 public:
  explicit WarnAlways(bool setting = true) : prev_(get_warnAlways()) { set_warnAlways(setting); }
  ~WarnAlways() { set_warnAlways(prev_); }
  WarnAlways(const WarnAlways&) = delete;
  WarnAlways& operator=(const WarnAlways&) = delete;

 private:
  bool prev_;
};
}  // namespace Warning

/// The library's own warnings (PyTorch's Python-side warnings.warn): to the thread's handler.
void warn(const std::string& message);

}  // namespace xgrad
