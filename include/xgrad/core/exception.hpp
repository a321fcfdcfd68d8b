// exception.hpp: the errors xgrad throws. Each mirrors the Python exception type PyTorch raises
// (RuntimeError -> Error, IndexError, ValueError, TypeError), carries PyTorch's message, and
// derives from std::exception. Read next: dtype.hpp.
#pragma once

#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace xgrad {

/// PyTorch's RuntimeError (libtorch's c10::Error).
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& msg) : std::runtime_error(msg) {}
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
