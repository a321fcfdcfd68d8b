// dtype.hpp: the element types a tensor can hold, with libtorch's names and numbering
// (c10::ScalarType: kByte = uint8, kChar = int8, kShort, kInt, kLong, kHalf, kFloat, kDouble, kBool,
// kBFloat16, kComplexFloat, kComplexDouble), their names as PyTorch prints them, PyTorch's type promotion table, and the default
// dtype. `visit_dtype` is the one place where a runtime dtype becomes a C++ type for a kernel
// template. Read next: scalar.hpp.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <ostream>

#include "xgrad/core/exception.hpp"
#include "xgrad/core/complex.hpp"
#include "xgrad/core/half.hpp"

namespace xgrad {

/// The values are c10's, so code that stores or compares them behaves as with libtorch (the gaps
/// are libtorch's ComplexHalf and quantized types, which xgrad does not have).
enum class ScalarType : int8_t {
  Byte = 0,
  Char = 1,
  Short = 2,
  Int = 3,
  Long = 4,
  Half = 5,
  Float = 6,
  Double = 7,
  ComplexFloat = 9,
  ComplexDouble = 10,
  Bool = 11,
  BFloat16 = 15,
  Undefined = 18,
};
using Dtype = ScalarType;

constexpr ScalarType kByte = ScalarType::Byte;
constexpr ScalarType kUInt8 = ScalarType::Byte;
constexpr ScalarType kChar = ScalarType::Char;
constexpr ScalarType kInt8 = ScalarType::Char;
constexpr ScalarType kShort = ScalarType::Short;
constexpr ScalarType kInt16 = ScalarType::Short;
constexpr ScalarType kInt = ScalarType::Int;
constexpr ScalarType kInt32 = ScalarType::Int;
constexpr ScalarType kLong = ScalarType::Long;
constexpr ScalarType kInt64 = ScalarType::Long;
constexpr ScalarType kHalf = ScalarType::Half;
constexpr ScalarType kFloat16 = ScalarType::Half;
constexpr ScalarType kFloat = ScalarType::Float;
constexpr ScalarType kFloat32 = ScalarType::Float;
constexpr ScalarType kDouble = ScalarType::Double;
constexpr ScalarType kFloat64 = ScalarType::Double;
constexpr ScalarType kBool = ScalarType::Bool;
constexpr ScalarType kBFloat16 = ScalarType::BFloat16;
constexpr ScalarType kComplexFloat = ScalarType::ComplexFloat;
constexpr ScalarType kComplexDouble = ScalarType::ComplexDouble;

/// Bytes per element (c10::elementSize).
size_t elementSize(ScalarType t);
inline size_t element_size(ScalarType t) { return elementSize(t); }

/// float16, bfloat16, float32, float64 (c10::isFloatingType).
constexpr bool isFloatingType(ScalarType t) {
  return t == kHalf || t == kFloat || t == kDouble || t == kBFloat16;
}
constexpr bool is_floating_point(ScalarType t) { return isFloatingType(t); }
/// float16 and bfloat16: stored in 16 bits, computed in float32.
constexpr bool isReducedFloatingType(ScalarType t) { return t == kHalf || t == kBFloat16; }
/// uint8, int8, int16, int32, int64, and bool when include_bool (c10::isIntegralType).
constexpr bool isIntegralType(ScalarType t, bool include_bool) {
  return t == kByte || t == kChar || t == kShort || t == kInt || t == kLong || (include_bool && t == kBool);
}
constexpr bool is_integral(ScalarType t, bool include_bool) { return isIntegralType(t, include_bool); }
/// complex64 and complex128 (c10::isComplexType).
constexpr bool isComplexType(ScalarType t) { return t == kComplexFloat || t == kComplexDouble; }
/// The type of a complex type's real and imaginary parts, and back (c10::toRealValueType,
/// c10::toComplexType): ComplexFloat <-> Float, ComplexDouble <-> Double; others unchanged / throw.
constexpr ScalarType toRealValueType(ScalarType t) {
  return t == kComplexFloat ? kFloat : (t == kComplexDouble ? kDouble : t);
}
ScalarType toComplexType(ScalarType t);
/// Every type but uint8 and bool can hold negative values (c10::isSignedType).
constexpr bool isSignedType(ScalarType t) { return t != kByte && t != kBool; }

/// The name Python prints after `dtype=torch.`: "float32", "int32", "uint8", "bfloat16", ...
const char* dtype_name(ScalarType t);
/// The name libtorch uses in messages (c10::toString): "Float", "Int", "Byte", "BFloat16", ...
const char* scalar_type_name(ScalarType t);
inline const char* toString(ScalarType t) { return scalar_type_name(t); }
/// The legacy tensor type name used in autograd messages: "torch.FloatTensor", "torch.ByteTensor", ...
const char* legacy_type_name(ScalarType t);
inline std::ostream& operator<<(std::ostream& os, ScalarType t) { return os << scalar_type_name(t); }

/// PyTorch's promote_types: the smallest type both values fit in, by c10's table. Within a kind
/// the wider type wins; uint8 with int8 gives int16; bool gives way to anything; an integer gives
/// way to a floating type; float16 with bfloat16 gives float32.
ScalarType promote_types(ScalarType a, ScalarType b);
inline ScalarType promoteTypes(ScalarType a, ScalarType b) { return promote_types(a, b); }

/// Whether an op may write a result of type `from` into a tensor of type `to` (c10::canCast):
/// not complex into non-complex, not floating into integral, and nothing but bool into bool.
constexpr bool canCast(ScalarType from, ScalarType to) {
  if (isComplexType(from) && !isComplexType(to)) return false;
  if (isFloatingType(from) && isIntegralType(to, false)) return false;
  if (from != kBool && to == kBool) return false;
  return true;
}

// ---- the default dtype ----------------------------------------------------------------------

namespace detail {
extern std::atomic<ScalarType> g_default_dtype;
}
/// The dtype floating-point factories give (rand, randn, zeros, tensor({1.5}), ...): float32
/// unless set_default_dtype changed it (torch.get_default_dtype()).
inline ScalarType default_dtype() { return detail::g_default_dtype.load(std::memory_order_relaxed); }
inline ScalarType get_default_dtype_as_scalartype() { return default_dtype(); }
/// The complex dtype that goes with the default dtype: complex128 when it is float64, else
/// complex64 (what a Python complex number becomes in a tensor).
inline ScalarType default_complex_dtype() { return default_dtype() == kDouble ? kComplexDouble : kComplexFloat; }

/// The error of a kernel that does not take complex values, in PyTorch's words:
/// "\"add_cpu\" not implemented for 'ComplexFloat'" (the kernel named when known).
[[noreturn]] void throw_not_implemented_for(ScalarType t, const char* op = nullptr);

template <class T> struct CppTypeToScalarType;
template <> struct CppTypeToScalarType<uint8_t> { static constexpr ScalarType value = kByte; };
template <> struct CppTypeToScalarType<int8_t> { static constexpr ScalarType value = kChar; };
template <> struct CppTypeToScalarType<int16_t> { static constexpr ScalarType value = kShort; };
template <> struct CppTypeToScalarType<int32_t> { static constexpr ScalarType value = kInt; };
template <> struct CppTypeToScalarType<int64_t> { static constexpr ScalarType value = kLong; };
template <> struct CppTypeToScalarType<Half> { static constexpr ScalarType value = kHalf; };
template <> struct CppTypeToScalarType<float> { static constexpr ScalarType value = kFloat; };
template <> struct CppTypeToScalarType<double> { static constexpr ScalarType value = kDouble; };
template <> struct CppTypeToScalarType<bool> { static constexpr ScalarType value = kBool; };
template <> struct CppTypeToScalarType<BFloat16> { static constexpr ScalarType value = kBFloat16; };
template <> struct CppTypeToScalarType<complex<float>> { static constexpr ScalarType value = kComplexFloat; };
template <> struct CppTypeToScalarType<complex<double>> { static constexpr ScalarType value = kComplexDouble; };

/// A dtype as a type descriptor, as libtorch's caffe2::TypeMeta, which is what
/// get_default_dtype() returns and set_default_dtype() takes. It compares equal to its ScalarType
/// (`torch::get_default_dtype() == torch::kFloat`) and converts to it.
class TypeMeta {
 public:
  constexpr TypeMeta() = default;
  template <class T>
  static constexpr TypeMeta Make() { return TypeMeta(CppTypeToScalarType<T>::value); }
  static constexpr TypeMeta fromScalarType(ScalarType t) { return TypeMeta(t); }
  constexpr ScalarType toScalarType() const { return type_; }
  constexpr operator ScalarType() const { return type_; }  // NOLINT(google-explicit-constructor)
  size_t itemsize() const { return elementSize(type_); }
  /// The C++ type's name, as c10 reports it: "float", "int", "unsigned char", ...
  const char* name() const;

 private:
  constexpr explicit TypeMeta(ScalarType t) : type_(t) {}
  ScalarType type_ = kFloat;
};
inline std::ostream& operator<<(std::ostream& os, TypeMeta t) { return os << t.name(); }
inline ScalarType typeMetaToScalarType(TypeMeta t) { return t.toScalarType(); }
inline TypeMeta scalarTypeToTypeMeta(ScalarType t) { return TypeMeta::fromScalarType(t); }

/// torch::get_default_dtype() / torch::set_default_dtype(...). libtorch, unlike Python, accepts
/// any dtype here; so does xgrad.
inline TypeMeta get_default_dtype() { return TypeMeta::fromScalarType(default_dtype()); }
void set_default_dtype(TypeMeta dtype);
/// Also from a ScalarType, so libtorch's `torch::set_default_dtype(t.dtype())` compiles here, where
/// Tensor::dtype() gives the ScalarType.
inline void set_default_dtype(ScalarType dtype) { set_default_dtype(TypeMeta::fromScalarType(dtype)); }

/// Calls f(T{}) with T the C++ type of `t`: `visit_dtype(t, [&](auto tag) { using T = decltype(tag); ... })`.
/// Every real dtype, float16 and bfloat16 included: for code that moves or converts elements.
/// Kernels that compute should take the compute types of ops/pointwise.hpp instead, so the rare
/// dtypes cost no extra instantiations. The complex dtypes are not visited: code that handles
/// them does so by name (src/ops/complex.cpp), every other op refuses them with PyTorch's
/// "not implemented for 'ComplexFloat'".
template <class F>
decltype(auto) visit_dtype(ScalarType t, F&& f) {
  switch (t) {
    case ScalarType::Byte: return f(uint8_t{});
    case ScalarType::Char: return f(int8_t{});
    case ScalarType::Short: return f(int16_t{});
    case ScalarType::Int: return f(int32_t{});
    case ScalarType::Long: return f(int64_t{});
    case ScalarType::Half: return f(Half{});
    case ScalarType::Float: return f(float{});
    case ScalarType::Double: return f(double{});
    case ScalarType::Bool: return f(bool{});
    case ScalarType::BFloat16: return f(BFloat16{});
    case ScalarType::ComplexFloat:
    case ScalarType::ComplexDouble: throw_not_implemented_for(t);
    case ScalarType::Undefined: break;
  }
  throw Error("unknown dtype");
}

/// As visit_dtype, for kernels that exist only for float32 and float64; `op` names the kernel in
/// the error, as PyTorch does: "\"exp_vml_cpu\" not implemented for 'Long'".
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
