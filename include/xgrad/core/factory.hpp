// factory.hpp: making tensors (libtorch's names): tensor() from C++ lists, zeros, ones, full,
// empty, arange, eye, the *_like forms, and from_blob over memory the caller owns.
// Random factories (rand, randn, ...) are in random/distributions.hpp. Read next: format.hpp.
#pragma once

#include <functional>
#include <initializer_list>
#include <ostream>
#include <type_traits>
#include <vector>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

Tensor empty(IntArrayRef size, TensorOptions options = {});
Tensor zeros(IntArrayRef size, TensorOptions options = {});
Tensor ones(IntArrayRef size, TensorOptions options = {});
/// The dtype follows the value when options give none: bool -> kBool, integer -> kLong, else the
/// default dtype. The value must fit the dtype (fill_'s check).
Tensor full(IntArrayRef size, const Scalar& fill_value, TensorOptions options = {});
Tensor empty_like(const Tensor& t, std::optional<TensorOptions> options = std::nullopt);
Tensor zeros_like(const Tensor& t, std::optional<TensorOptions> options = std::nullopt);
Tensor ones_like(const Tensor& t, std::optional<TensorOptions> options = std::nullopt);
Tensor full_like(const Tensor& t, const Scalar& fill_value, std::optional<TensorOptions> options = std::nullopt);
/// [0, end), [start, end) with step; int64 when every argument is an integer, else the default dtype.
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

/// The dtype a C++ number has in a TensorDataContainer: int is kInt, double kDouble, uint8_t kByte,
/// ... (libtorch's); other integer types count as int64, long double as double.
template <class T>
constexpr ScalarType container_scalar_type() {
  if constexpr (std::is_same<T, bool>::value || std::is_same<T, uint8_t>::value || std::is_same<T, int8_t>::value ||
                std::is_same<T, int16_t>::value || std::is_same<T, int32_t>::value ||
                std::is_same<T, int64_t>::value || std::is_same<T, float>::value || std::is_same<T, double>::value ||
                std::is_same<T, Half>::value || std::is_same<T, BFloat16>::value || is_complex_v<T>)
    return CppTypeToScalarType<T>::value;
  else if constexpr (std::is_integral<T>::value)
    return kLong;
  else
    return kDouble;
}
template <class T>
constexpr bool is_tensor_data_v = std::is_arithmetic<T>::value || std::is_same<T, Half>::value ||
                                  std::is_same<T, BFloat16>::value || std::is_same<T, complex<float>>::value ||
                                  std::is_same<T, complex<double>>::value;

/// What torch::tensor takes (libtorch's torch::detail::TensorDataContainer): a number, an
/// arbitrarily nested braced list of numbers (`torch::tensor({{1., 2.}, {3., 4.}})`), or a
/// std::vector / ArrayRef of one C++ type. Without a dtype in the options, integer data gives
/// int64, floating data the default dtype, and bool, uint8, int8, int16, float16, bfloat16 data
/// their own dtype. Every element of a list must have the same C++ type and every sub-list the same
/// sizes, else libtorch's error. Braced lists fill element by element, checked as fill_ checks
/// (`torch::tensor({1000}, torch::kInt8)` throws); vectors convert as Tensor::to does.
class TensorDataContainer {
 public:
  /// `{}`: an empty list (size 0, the default dtype).
  TensorDataContainer();
  template <class T, std::enable_if_t<is_tensor_data_v<T>, int> = 0>
  TensorDataContainer(T value)  // NOLINT(google-explicit-constructor)
      : scalar_type_(container_scalar_type<T>()), type_(Type::Scalar), scalar_(value), values_{Scalar(value)} {}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winit-list-lifetime"
#endif
  TensorDataContainer(std::initializer_list<TensorDataContainer> list);  // NOLINT
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
  template <class T, std::enable_if_t<is_tensor_data_v<T>, int> = 0>
  TensorDataContainer(ArrayRef<T> values)  // NOLINT
      : TensorDataContainer(values.data(), values.size(), container_scalar_type<T>(), sizeof(T)) {}
  /// Not std::vector<bool> (a bitfield without data()); libtorch has no such constructor either.
  template <class T, std::enable_if_t<is_tensor_data_v<T> && !std::is_same<T, bool>::value, int> = 0>
  TensorDataContainer(const std::vector<T>& values)  // NOLINT
      : TensorDataContainer(values.data(), values.size(), container_scalar_type<T>(), sizeof(T)) {}

  bool is_scalar() const { return type_ == Type::Scalar; }
  bool is_init_list() const { return type_ == Type::InitList; }
  bool is_tensor() const { return type_ == Type::Tensor; }
  /// The number (is_scalar() only).
  const Scalar& scalar() const;
  /// The braced list (is_init_list() only); like libtorch's, valid while the list expression is.
  const std::initializer_list<TensorDataContainer>& init_list() const;
  /// The values of a vector or ArrayRef, as a 1-d tensor of their type (is_tensor() only).
  const Tensor& tensor() const;
  const std::vector<int64_t>& sizes() const { return sizes_; }
  const ScalarType& scalar_type() const { return scalar_type_; }

  Tensor convert_to_tensor(TensorOptions options) const;
  /// libtorch's pretty print: `{{1, 2}, {3, 4}}`, `1.1`.
  void pretty_print_recursive(std::ostream& stream) const;

 private:
  enum class Type { Scalar, InitList, Tensor };
  TensorDataContainer(const void* data, size_t n, ScalarType type, size_t element_bytes);

  std::vector<int64_t> sizes_;
  ScalarType scalar_type_ = kFloat;
  Type type_ = Type::InitList;
  Scalar scalar_;
  std::initializer_list<TensorDataContainer> init_list_;
  Tensor tensor_;
  std::vector<Scalar> values_;  // every number of a scalar or a braced list, row-major
};

std::ostream& operator<<(std::ostream& stream, const TensorDataContainer& data);

namespace detail {
using xgrad::TensorDataContainer;  // libtorch spells it torch::detail::TensorDataContainer
}  // namespace detail

Tensor tensor(const TensorDataContainer& data, TensorOptions options = {});

/// ATen's at::tensor, which differs from torch::tensor: always 1-d (one value gives size 1), the
/// dtype the C++ type's own (int -> kInt, double -> kDouble), no nested lists, and ATen's
/// "\"tensor_cpu\" not implemented for 'Half'" for a dtype its copy does not take (bool, float16,
/// bfloat16; a real dtype for complex values). torch.hpp makes these at::tensor.
namespace aten {
/// The values (of C++ type `type`) as a tensor with `options` (see above).
Tensor tensor_from_values(const void* data, size_t n, ScalarType type, const TensorOptions& options);
#define XGRAD_ATEN_TENSOR(T)                                                                                  \
  inline Tensor tensor(ArrayRef<T> values, const TensorOptions& options) {                                     \
    return tensor_from_values(values.data(), values.size(), CppTypeToScalarType<T>::value, options);           \
  }                                                                                                            \
  inline Tensor tensor(std::initializer_list<T> values, const TensorOptions& options) {                        \
    return tensor(ArrayRef<T>(values), options);                                                               \
  }                                                                                                            \
  inline Tensor tensor(T value, const TensorOptions& options) { return tensor(ArrayRef<T>(value), options); } \
  inline Tensor tensor(ArrayRef<T> values) { return tensor(values, TensorOptions(CppTypeToScalarType<T>::value)); } \
  inline Tensor tensor(std::initializer_list<T> values) { return tensor(ArrayRef<T>(values)); }               \
  inline Tensor tensor(T value) { return tensor(ArrayRef<T>(value)); }
XGRAD_ATEN_TENSOR(uint8_t)
XGRAD_ATEN_TENSOR(int8_t)
XGRAD_ATEN_TENSOR(int16_t)
XGRAD_ATEN_TENSOR(int32_t)
XGRAD_ATEN_TENSOR(int64_t)
XGRAD_ATEN_TENSOR(float)
XGRAD_ATEN_TENSOR(double)
XGRAD_ATEN_TENSOR(bool)
XGRAD_ATEN_TENSOR(Half)
XGRAD_ATEN_TENSOR(BFloat16)
XGRAD_ATEN_TENSOR(complex<float>)
XGRAD_ATEN_TENSOR(complex<double>)
#undef XGRAD_ATEN_TENSOR
}  // namespace aten

}  // namespace xgrad
