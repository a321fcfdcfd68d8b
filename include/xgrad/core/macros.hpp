// macros.hpp: libtorch's checking and warning macros, for code written against libtorch:
//   TORCH_CHECK(cond, "message ", x)         throws c10::Error (xgrad::Error) with str(args...)
//   TORCH_CHECK_INDEX / _VALUE / _TYPE / _NOT_IMPLEMENTED / _LINALG    the same, typed
//   TORCH_INTERNAL_ASSERT(cond, ...), AT_ASSERT, AT_ERROR, TORCH_WARN, TORCH_WARN_ONCE
// with libtorch's messages. xgrad's own sources use XGRAD_CHECK (exception.hpp) instead.
// Read next: warning.hpp.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>

#include "xgrad/core/exception.hpp"
#include "xgrad/core/string_util.hpp"
#include "xgrad/core/warning.hpp"

namespace xgrad::detail {
/// TORCH_CHECK's message: the caller's words when there are any, else libtorch's default.
inline std::string torch_check_msg(const char* default_msg) { return default_msg; }
template <class... Args>
std::string torch_check_msg(const char* /*default_msg*/, const Args&... args) {
  return str(args...);
}
[[noreturn]] inline void torch_check_op_fail(const char* file, int line, const std::string& msg) {
  std::cerr << "[F " << file << ":" << line << "] " << msg << std::endl;
  std::abort();
}
}  // namespace xgrad::detail

#define XGRAD_STRINGIZE_IMPL(x) #x
#define XGRAD_STRINGIZE(x) XGRAD_STRINGIZE_IMPL(x)
#define XGRAD_CONCAT_IMPL(a, b) a##b
#define XGRAD_CONCAT(a, b) XGRAD_CONCAT_IMPL(a, b)

/// C10_THROW_ERROR(IndexError, msg): throws xgrad::IndexError(msg) with the caller's location.
#define C10_THROW_ERROR(err_type, msg) \
  throw ::xgrad::err_type({__func__, __FILE__, static_cast<uint32_t>(__LINE__)}, msg)

#define TORCH_CHECK_WITH_MSG(error_t, cond, type, ...)                                           \
  if (!(cond)) {                                                                                 \
    C10_THROW_ERROR(error_t, ::xgrad::detail::torch_check_msg(                                   \
                                 "Expected " #cond " to be true, but got false.  "               \
                                 "(Could this error message be improved?  If so, please report " \
                                 "an enhancement request to PyTorch.)",                          \
                                 ##__VA_ARGS__));                                                \
  }
#define TORCH_CHECK_WITH(error_t, cond, ...) TORCH_CHECK_WITH_MSG(error_t, cond, "", ##__VA_ARGS__)
#define TORCH_CHECK(cond, ...) TORCH_CHECK_WITH_MSG(Error, cond, "", ##__VA_ARGS__)
#define TORCH_CHECK_LINALG(cond, ...) TORCH_CHECK_WITH_MSG(LinAlgError, cond, "LINALG", ##__VA_ARGS__)
#define TORCH_CHECK_INDEX(cond, ...) TORCH_CHECK_WITH_MSG(IndexError, cond, "INDEX", ##__VA_ARGS__)
#define TORCH_CHECK_VALUE(cond, ...) TORCH_CHECK_WITH_MSG(ValueError, cond, "VALUE", ##__VA_ARGS__)
#define TORCH_CHECK_TYPE(cond, ...) TORCH_CHECK_WITH_MSG(TypeError, cond, "TYPE", ##__VA_ARGS__)
#define TORCH_CHECK_NOT_IMPLEMENTED(cond, ...) \
  TORCH_CHECK_WITH_MSG(NotImplementedError, cond, "TYPE", ##__VA_ARGS__)
#define TORCH_CHECK_ARG(cond, argN, ...) TORCH_CHECK(cond, "invalid argument ", argN, ": ", __VA_ARGS__)

/// An invariant of the program itself: "cond INTERNAL ASSERT FAILED at "file":line, ...".
#define TORCH_INTERNAL_ASSERT(cond, ...)                                                        \
  if (!(cond)) {                                                                                \
    C10_THROW_ERROR(Error, ::xgrad::str(#cond " INTERNAL ASSERT FAILED at " XGRAD_STRINGIZE(   \
                                            __FILE__) ":" XGRAD_STRINGIZE(__LINE__) ", please " \
                                            "report a bug to PyTorch. ",                        \
                                        ##__VA_ARGS__));                                        \
  }
#ifdef NDEBUG
#define TORCH_INTERNAL_ASSERT_DEBUG_ONLY(...) \
  while (false) TORCH_INTERNAL_ASSERT(__VA_ARGS__)
#else
#define TORCH_INTERNAL_ASSERT_DEBUG_ONLY(...) TORCH_INTERNAL_ASSERT(__VA_ARGS__)
#endif
// libtorch's deprecated spellings.
#define AT_ASSERT(...)                 \
  do {                                 \
    TORCH_INTERNAL_ASSERT(__VA_ARGS__); \
  } while (false)
#define AT_ASSERTM(cond, ...)                   \
  do {                                          \
    TORCH_INTERNAL_ASSERT(cond, __VA_ARGS__);   \
  } while (false)
#define AT_ERROR(...)                                  \
  do {                                                 \
    TORCH_CHECK(false, ::xgrad::str(__VA_ARGS__));     \
  } while (false)

/// glog-style checks (c10/util/logging_is_not_google_glog.h): a failure is fatal, as there.
#define TORCH_CHECK_OP(val1, val2, op)                                                         \
  if (!((val1)op(val2)))                                                                       \
  ::xgrad::detail::torch_check_op_fail(__FILE__, __LINE__,                                     \
                                       ::xgrad::str("Check failed: " #val1 " " #op " " #val2 " (", \
                                                    (val1), " vs. ", (val2), ") "))
#define TORCH_CHECK_EQ(val1, val2) TORCH_CHECK_OP(val1, val2, ==)
#define TORCH_CHECK_NE(val1, val2) TORCH_CHECK_OP(val1, val2, !=)
#define TORCH_CHECK_LE(val1, val2) TORCH_CHECK_OP(val1, val2, <=)
#define TORCH_CHECK_LT(val1, val2) TORCH_CHECK_OP(val1, val2, <)
#define TORCH_CHECK_GE(val1, val2) TORCH_CHECK_OP(val1, val2, >=)
#define TORCH_CHECK_GT(val1, val2) TORCH_CHECK_OP(val1, val2, >)

/// A warning to the thread's handler (warning.hpp), its arguments joined with str.
#define TORCH_WARN(...) \
  ::xgrad::Warning::warn({__func__, __FILE__, static_cast<uint32_t>(__LINE__)}, ::xgrad::str(__VA_ARGS__), false)
/// The same, the first time this line runs only (every time under Warning::WarnAlways).
#define TORCH_WARN_ONCE(...)                                                          \
  if (::xgrad::Warning::get_warnAlways()) {                                           \
    TORCH_WARN(__VA_ARGS__);                                                          \
  } else {                                                                            \
    [[maybe_unused]] static const bool XGRAD_CONCAT(xgrad_warn_once_, __LINE__) = [&] { \
      TORCH_WARN(__VA_ARGS__);                                                        \
      return true;                                                                    \
    }();                                                                              \
  }
