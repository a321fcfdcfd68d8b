// expanding_array.hpp: ExpandingArray<D>, libtorch's size argument for D spatial dims: `5` means
// {5, 5} for D = 2, `{3, 2}` is taken as given. ExpandingArrayWithOptionalElem<D> also allows
// "keep the input's size" entries (std::nullopt, Python's None), for adaptive pooling.
// Read next: options/conv.hpp.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <ostream>
#include <vector>

#include "xgrad/core/array_ref.hpp"
#include "xgrad/core/exception.hpp"

namespace xgrad {

template <size_t D, class T = int64_t>
class ExpandingArray {
 public:
  ExpandingArray(std::initializer_list<T> list) : ExpandingArray(ArrayRef<T>(list)) {}  // NOLINT
  ExpandingArray(std::vector<T> vec) : ExpandingArray(ArrayRef<T>(vec)) {}              // NOLINT
  ExpandingArray(ArrayRef<T> values) {                                                   // NOLINT
    XGRAD_CHECK(values.size() == D, "Expected {} values, but instead got {}", D, values.size());
    std::copy(values.begin(), values.end(), values_.begin());
  }
  /// One value for every dimension.
  ExpandingArray(T single_size) { values_.fill(single_size); }           // NOLINT
  ExpandingArray(const std::array<T, D>& values) : values_(values) {}  // NOLINT

  std::array<T, D>& operator*() { return values_; }
  const std::array<T, D>& operator*() const { return values_; }
  std::array<T, D>* operator->() { return &values_; }
  const std::array<T, D>* operator->() const { return &values_; }
  operator ArrayRef<T>() const { return ArrayRef<T>(values_); }  // NOLINT
  size_t size() const noexcept { return D; }

 protected:
  std::array<T, D> values_;
};

/// Prints one value as itself and several as a list: `5` or `[3, 2]`, as libtorch prints options.
template <size_t D, class T>
std::ostream& operator<<(std::ostream& stream, const ExpandingArray<D, T>& array) {
  if (D == 1) return stream << array->at(0);
  stream << '[';
  for (size_t i = 0; i < D; ++i) stream << (i ? ", " : "") << array->at(i);
  return stream << ']';
}

/// An ExpandingArray whose entries may be std::nullopt (None: "the input's size").
template <size_t D, class T = int64_t>
class ExpandingArrayWithOptionalElem : public ExpandingArray<D, std::optional<T>> {
 public:
  using ExpandingArray<D, std::optional<T>>::ExpandingArray;
  ExpandingArrayWithOptionalElem(T single_size)  // NOLINT
      : ExpandingArray<D, std::optional<T>>(std::optional<T>(single_size)) {}
};

template <size_t D, class T>
std::ostream& operator<<(std::ostream& stream, const ExpandingArrayWithOptionalElem<D, T>& array) {
  auto one = [&](const std::optional<T>& v) -> std::ostream& {
    return v.has_value() ? stream << *v : stream << "None";
  };
  if (D == 1) return one(array->at(0));
  stream << '[';
  for (size_t i = 0; i < D; ++i) {
    if (i) stream << ", ";
    one(array->at(i));
  }
  return stream << ']';
}

}  // namespace xgrad
