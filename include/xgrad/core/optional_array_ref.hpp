// optional_array_ref.hpp: OptionalArrayRef<T> and OptionalIntArrayRef, c10's "maybe a list"
// argument: absent (nullopt), or a non-owning view of a list given as `{2, 3}`, one value, a
// std::vector or an ArrayRef. Like ArrayRef it points into the caller's list: an argument type,
// never stored. Read next: array_ref.hpp.
#pragma once

#include <initializer_list>
#include <optional>
#include <type_traits>
#include <utility>

#include "xgrad/core/array_ref.hpp"

namespace xgrad {

template <class T>
class OptionalArrayRef {
 public:
  OptionalArrayRef() noexcept = default;
  OptionalArrayRef(std::nullopt_t) noexcept {}  // NOLINT(google-explicit-constructor)
  OptionalArrayRef(const std::optional<ArrayRef<T>>& other) noexcept : ref_(other) {}  // NOLINT
  /// One value (`dims(300)`): a list of one, pointing at the argument, which outlives the call.
  OptionalArrayRef(const T& value) noexcept : ref_(ArrayRef<T>(value)) {}  // NOLINT
  /// Anything an ArrayRef<T> is made from (a std::vector, a std::array, an ArrayRef) other than
  /// a single value, which the constructor above takes.
  template <class U, std::enable_if_t<!std::is_same<std::decay_t<U>, OptionalArrayRef>::value &&
                                          std::is_convertible<U&&, ArrayRef<T>>::value &&
                                          !std::is_convertible<U&&, T>::value,
                                      bool> = false>
  OptionalArrayRef(U&& value) : ref_(ArrayRef<T>(std::forward<U>(value))) {}  // NOLINT
  OptionalArrayRef(const std::initializer_list<T>& list) : ref_(ArrayRef<T>(list)) {}  // NOLINT

  OptionalArrayRef& operator=(std::nullopt_t) noexcept {
    ref_ = std::nullopt;
    return *this;
  }

  bool has_value() const noexcept { return ref_.has_value(); }
  explicit operator bool() const noexcept { return ref_.has_value(); }
  const ArrayRef<T>& value() const { return ref_.value(); }
  const ArrayRef<T>& operator*() const { return *ref_; }
  const ArrayRef<T>* operator->() const { return &*ref_; }
  ArrayRef<T> value_or(ArrayRef<T> default_value) const { return ref_.value_or(default_value); }
  void reset() noexcept { ref_.reset(); }

 private:
  std::optional<ArrayRef<T>> ref_;
};

using OptionalIntArrayRef = OptionalArrayRef<int64_t>;

inline bool operator==(const OptionalIntArrayRef& a, const IntArrayRef& b) { return a.has_value() && a.value() == b; }
inline bool operator==(const IntArrayRef& a, const OptionalIntArrayRef& b) { return b == a; }

}  // namespace xgrad
