// dtype.hpp: the element types a tensor can hold (float32, float64, int64, bool), their names as
// PyTorch prints them, and PyTorch's type promotion. `visit_dtype` is the one place where a
// runtime dtype becomes a C++ type for a kernel template. Read next: scalar.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>

#include "xgrad/core/exception.hpp"

namespace xgrad {

/// Ordered by promotion category: bool < integral < floating, and float < double.
enum class ScalarType : int8_t { Bool = 0, Long = 1, Float = 2, Double = 3 };
using Dtype = ScalarType;

constexpr ScalarType kBool = ScalarType::Bool;
constexpr ScalarType kLong = ScalarType::Long;
constexpr ScalarType kInt64 = ScalarType::Long;
constexpr ScalarType kFloat = ScalarType::Float;
constexpr ScalarType kFloat32 = ScalarType::Float;
constexpr ScalarType kDouble = ScalarType::Double;
constexpr ScalarType kFloat64 = ScalarType::Double;

inline size_t element_size(ScalarType t) {
  switch (t) {
    case ScalarType::Bool: return 1;
    case ScalarType::Long: return 8;
    case ScalarType::Float: return 4;
    case ScalarType::Double: return 8;
  }
  return 0;
}
inline bool is_floating_point(ScalarType t) { return t == kFloat || t == kDouble; }
inline bool is_integral(ScalarType t, bool include_bool) {
  return t == kLong || (include_bool && t == kBool);
}

/// The name Python prints after `dtype=torch.`: "float32", "float64", "int64", "bool".
const char* dtype_name(ScalarType t);
/// The name libtorch uses in messages: "Float", "Double", "Long", "Bool".
const char* scalar_type_name(ScalarType t);
/// The legacy tensor type name used in autograd messages: "torch.FloatTensor", ...
const char* legacy_type_name(ScalarType t);
inline std::ostream& operator<<(std::ostream& os, ScalarType t) { return os << scalar_type_name(t); }

/// PyTorch's promote_types: the smallest type both values fit in.
inline ScalarType promote_types(ScalarType a, ScalarType b) { return a > b ? a : b; }

/// The default floating dtype (float32, as torch.get_default_dtype()).
inline ScalarType default_dtype() { return kFloat; }

template <class T> struct CppTypeToScalarType;
template <> struct CppTypeToScalarType<bool> { static constexpr ScalarType value = kBool; };
template <> struct CppTypeToScalarType<int64_t> { static constexpr ScalarType value = kLong; };
template <> struct CppTypeToScalarType<float> { static constexpr ScalarType value = kFloat; };
template <> struct CppTypeToScalarType<double> { static constexpr ScalarType value = kDouble; };

/// Calls f(T{}) with T the C++ type of `t`: `visit_dtype(t, [&](auto tag) { using T = decltype(tag); ... })`.
template <class F>
decltype(auto) visit_dtype(ScalarType t, F&& f) {
  switch (t) {
    case ScalarType::Bool: return f(bool{});
    case ScalarType::Long: return f(int64_t{});
    case ScalarType::Float: return f(float{});
    case ScalarType::Double: return f(double{});
  }
  throw Error("unknown dtype");
}

/// As visit_dtype, for kernels that exist only for floating types; `op` names the kernel in the
/// error, as PyTorch does: "\"exp_vml_cpu\" not implemented for 'Long'".
template <class F>
decltype(auto) visit_floating(ScalarType t, const char* op, F&& f) {
  switch (t) {
    case ScalarType::Float: return f(float{});
    case ScalarType::Double: return f(double{});
    default: break;
  }
  throw Error(fmt::format("\"{}\" not implemented for '{}'", op, scalar_type_name(t)));
}

}  // namespace xgrad
