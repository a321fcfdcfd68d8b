// exception.hpp: the errors xgrad throws. Each mirrors the Python exception type PyTorch raises
// (RuntimeError -> Error, IndexError, ValueError, TypeError, NotImplementedError), carries
// PyTorch's message, and derives from std::exception. libtorch code catches them as c10::Error,
// c10::IndexError, ... (torch.hpp makes c10 a name for xgrad). Read next: dtype.hpp.
#pragma once

#include <cstdint>
#include <ostream>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace xgrad {

/// Where a check failed or a warning was raised (c10::SourceLocation): TORCH_CHECK and
/// TORCH_WARN fill it in with {__func__, __FILE__, __LINE__}.
struct SourceLocation {
  const char* function;
  const char* file;
  uint32_t line;
};
inline std::ostream& operator<<(std::ostream& out, const SourceLocation& loc) {
  return out << loc.function << " at " << loc.file << ":" << loc.line;
}

/// PyTorch's RuntimeError (libtorch's c10::Error).
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& msg) : std::runtime_error(msg) {}
  /// libtorch's form, as TORCH_CHECK throws it; the location is not part of the message.
  Error(SourceLocation /*source_location*/, const std::string& msg) : std::runtime_error(msg) {}
  /// The message alone. libtorch's what() appends a C++ backtrace; xgrad's what() never does,
  /// so both are the message.
  const char* what_without_backtrace() const noexcept { return what(); }
  std::string msg() const { return what(); }
};
/// PyTorch's IndexError (c10::IndexError): a dimension or index out of range.
class IndexError : public Error {
 public:
  using Error::Error;
};
/// PyTorch's ValueError (c10::ValueError).
class ValueError : public Error {
 public:
  using Error::Error;
};
/// PyTorch's TypeError (c10::TypeError): an unsupported dtype.
class TypeError : public Error {
 public:
  using Error::Error;
};
/// PyTorch's torch.linalg.LinAlgError (c10::LinAlgError): a singular or non-convergent input.
class LinAlgError : public Error {
 public:
  using Error::Error;
};
/// c10::EnforceFiniteError: a value that must be finite is not.
class EnforceFiniteError : public Error {
 public:
  using Error::Error;
};
/// PyTorch's torch.cuda.OutOfMemoryError (c10::OutOfMemoryError).
class OutOfMemoryError : public Error {
 public:
  using Error::Error;
};

/// PyTorch's NotImplementedError (c10::NotImplementedError): a mode or case PyTorch does not support.
class NotImplementedError : public Error {
 public:
  using Error::Error;
};

namespace detail {
template <class E, class... Args>
[[noreturn]] void fail(fmt::format_string<Args...> f, Args&&... args) {
  throw E(fmt::format(f, std::forward<Args>(args)...));
}
}  // namespace detail

}  // namespace xgrad

/// XGRAD_CHECK(cond, "message {}", args...) throws xgrad::Error when cond is false.
#define XGRAD_CHECK(cond, ...) \
  do {                         \
    if (!(cond)) ::xgrad::detail::fail<::xgrad::Error>(__VA_ARGS__); \
  } while (0)
/// Same, with the exception type given: XGRAD_CHECK_T(IndexError, cond, "...").
#define XGRAD_CHECK_T(Type, cond, ...) \
  do {                                 \
    if (!(cond)) ::xgrad::detail::fail<::xgrad::Type>(__VA_ARGS__); \
  } while (0)
