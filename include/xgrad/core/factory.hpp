// factory.hpp: making tensors (libtorch's names): tensor() from C++ lists, zeros, ones, full,
// empty, arange, eye, the *_like forms, and from_blob over memory the caller owns.
// Random factories (rand, randn, ...) are in random/distributions.hpp. Read next: format.hpp.
#pragma once

#include <functional>
#include <initializer_list>
#include <vector>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

Tensor empty(IntArrayRef size, TensorOptions options = {});
Tensor zeros(IntArrayRef size, TensorOptions options = {});
Tensor ones(IntArrayRef size, TensorOptions options = {});
/// The dtype follows the value when options give none: bool -> kBool, integer -> kLong, else kFloat.
Tensor full(IntArrayRef size, const Scalar& fill_value, TensorOptions options = {});
Tensor empty_like(const Tensor& t, std::optional<TensorOptions> options = std::nullopt);
Tensor zeros_like(const Tensor& t, std::optional<TensorOptions> options = std::nullopt);
Tensor ones_like(const Tensor& t, std::optional<TensorOptions> options = std::nullopt);
Tensor full_like(const Tensor& t, const Scalar& fill_value, std::optional<TensorOptions> options = std::nullopt);
/// [0, end), [start, end) with step; int64 when every argument is an integer, else float32.
Tensor arange(const Scalar& end, TensorOptions options = {});
Tensor arange(const Scalar& start, const Scalar& end, TensorOptions options = {});
Tensor arange(const Scalar& start, const Scalar& end, const Scalar& step, TensorOptions options = {});
Tensor linspace(const Scalar& start, const Scalar& end, int64_t steps, TensorOptions options = {});
Tensor eye(int64_t n, TensorOptions options = {});
Tensor eye(int64_t n, int64_t m, TensorOptions options = {});
/// A tensor over memory the caller owns (nothing is copied); `deleter` runs when the last user goes.
Tensor from_blob(void* data, IntArrayRef sizes, TensorOptions options = {});
Tensor from_blob(void* data, IntArrayRef sizes, IntArrayRef strides, TensorOptions options = {});
Tensor from_blob(void* data, IntArrayRef sizes, const std::function<void(void*)>& deleter, TensorOptions options = {});
Tensor scalar_tensor(const Scalar& s, TensorOptions options = {});

/// Nested lists of numbers, as torch::tensor takes them (libtorch's TensorDataContainer):
/// `torch::tensor({{1., 2.}, {3., 4.}})`. Floating values give float32, integers int64, bools bool.
class TensorDataContainer {
 public:
  template <class T, std::enable_if_t<std::is_arithmetic<T>::value, int> = 0>
  TensorDataContainer(T value)  // NOLINT(google-explicit-constructor)
      : values_{Scalar(value)}, scalar_type_(inferred_type(Scalar(value))) {}
  TensorDataContainer(std::initializer_list<TensorDataContainer> list);
  template <class T, std::enable_if_t<std::is_arithmetic<T>::value, int> = 0>
  TensorDataContainer(const std::vector<T>& values) {  // NOLINT
    sizes_ = {static_cast<int64_t>(values.size())};
    for (const T& v : values) values_.emplace_back(v);
    scalar_type_ = inferred_type(Scalar(T{}));
    is_scalar_ = false;
  }
  template <class T, std::enable_if_t<std::is_arithmetic<T>::value, int> = 0>
  TensorDataContainer(ArrayRef<T> values) : TensorDataContainer(values.vec()) {}  // NOLINT

  Tensor convert_to_tensor(TensorOptions options) const;
  const std::vector<int64_t>& sizes() const { return sizes_; }

 private:
  static ScalarType inferred_type(const Scalar& s);
  std::vector<int64_t> sizes_;
  std::vector<Scalar> values_;  // row-major
  ScalarType scalar_type_ = kFloat;
  bool is_scalar_ = true;
};

Tensor tensor(const TensorDataContainer& data, TensorOptions options = {});

}  // namespace xgrad
