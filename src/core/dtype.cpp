// dtype.cpp: the names of the dtypes as Python and libtorch spell them, c10's promotion table, and
// the default dtype.
#include "xgrad/core/dtype.hpp"

namespace xgrad {

namespace detail {
std::atomic<ScalarType> g_default_dtype{kFloat};

namespace {
/// The row/column of a dtype in the promotion table.
int table_index(ScalarType t) {
  switch (t) {
    case kByte: return 0;
    case kChar: return 1;
    case kShort: return 2;
    case kInt: return 3;
    case kLong: return 4;
    case kHalf: return 5;
    case kFloat: return 6;
    case kDouble: return 7;
    case kBool: return 8;
    case kBFloat16: return 9;
    case kComplexFloat: return 10;
    case kComplexDouble: return 11;
    case ScalarType::Undefined: break;
  }
  throw Error("promote_types: undefined dtype");
}
}  // namespace
}  // namespace detail

size_t elementSize(ScalarType t) {
  switch (t) {
    case kByte: return 1;
    case kChar: return 1;
    case kShort: return 2;
    case kInt: return 4;
    case kLong: return 8;
    case kHalf: return 2;
    case kFloat: return 4;
    case kDouble: return 8;
    case kBool: return 1;
    case kBFloat16: return 2;
    case kComplexFloat: return 8;
    case kComplexDouble: return 16;
    case ScalarType::Undefined: break;
  }
  throw Error("Unknown ScalarType");
}

const char* dtype_name(ScalarType t) {
  switch (t) {
    case kByte: return "uint8";
    case kChar: return "int8";
    case kShort: return "int16";
    case kInt: return "int32";
    case kLong: return "int64";
    case kHalf: return "float16";
    case kFloat: return "float32";
    case kDouble: return "float64";
    case kBool: return "bool";
    case kBFloat16: return "bfloat16";
    case kComplexFloat: return "complex64";
    case kComplexDouble: return "complex128";
    case ScalarType::Undefined: break;
  }
  return "undefined";
}

const char* scalar_type_name(ScalarType t) {
  switch (t) {
    case kByte: return "Byte";
    case kChar: return "Char";
    case kShort: return "Short";
    case kInt: return "Int";
    case kLong: return "Long";
    case kHalf: return "Half";
    case kFloat: return "Float";
    case kDouble: return "Double";
    case kBool: return "Bool";
    case kBFloat16: return "BFloat16";
    case kComplexFloat: return "ComplexFloat";
    case kComplexDouble: return "ComplexDouble";
    case ScalarType::Undefined: break;
  }
  return "Undefined";
}

const char* legacy_type_name(ScalarType t) {
  switch (t) {
    case kByte: return "torch.ByteTensor";
    case kChar: return "torch.CharTensor";
    case kShort: return "torch.ShortTensor";
    case kInt: return "torch.IntTensor";
    case kLong: return "torch.LongTensor";
    case kHalf: return "torch.HalfTensor";
    case kFloat: return "torch.FloatTensor";
    case kDouble: return "torch.DoubleTensor";
    case kBool: return "torch.BoolTensor";
    case kBFloat16: return "torch.BFloat16Tensor";
    case kComplexFloat: return "torch.ComplexFloatTensor";
    case kComplexDouble: return "torch.ComplexDoubleTensor";
    case ScalarType::Undefined: break;
  }
  return "torch.UndefinedTensor";
}

const char* TypeMeta::name() const {
  switch (type_) {
    case kByte: return "unsigned char";
    case kChar: return "signed char";
    case kShort: return "short int";
    case kInt: return "int";
    case kLong: return "long int";
    case kHalf: return "c10::Half";
    case kFloat: return "float";
    case kDouble: return "double";
    case kBool: return "bool";
    case kBFloat16: return "c10::BFloat16";
    case kComplexFloat: return "c10::complex<float>";
    case kComplexDouble: return "c10::complex<double>";
    case ScalarType::Undefined: break;
  }
  return "nullptr (uninitialized)";
}

ScalarType promote_types(ScalarType a, ScalarType b) {
  if (a == b) return a;
  constexpr ScalarType u1 = kByte, i1 = kChar, i2 = kShort, i4 = kInt, i8 = kLong, f2 = kHalf, f4 = kFloat,
                       f8 = kDouble, b1 = kBool, bf = kBFloat16, c4 = kComplexFloat, c8 = kComplexDouble;
  // c10's _promoteTypesLookup (c10/core/ScalarType.cpp), restricted to xgrad's dtypes.
  static constexpr ScalarType table[12][12] = {
      /*        u1  i1  i2  i4  i8  f2  f4  f8  b1  bf  c4  c8 */
      /* u1 */ {u1, i2, i2, i4, i8, f2, f4, f8, u1, bf, c4, c8},
      /* i1 */ {i2, i1, i2, i4, i8, f2, f4, f8, i1, bf, c4, c8},
      /* i2 */ {i2, i2, i2, i4, i8, f2, f4, f8, i2, bf, c4, c8},
      /* i4 */ {i4, i4, i4, i4, i8, f2, f4, f8, i4, bf, c4, c8},
      /* i8 */ {i8, i8, i8, i8, i8, f2, f4, f8, i8, bf, c4, c8},
      /* f2 */ {f2, f2, f2, f2, f2, f2, f4, f8, f2, f4, c4, c8},
      /* f4 */ {f4, f4, f4, f4, f4, f4, f4, f8, f4, f4, c4, c8},
      /* f8 */ {f8, f8, f8, f8, f8, f8, f8, f8, f8, f8, c8, c8},
      /* b1 */ {u1, i1, i2, i4, i8, f2, f4, f8, b1, bf, c4, c8},
      /* bf */ {bf, bf, bf, bf, bf, f4, f4, f8, bf, bf, c4, c8},
      /* c4 */ {c4, c4, c4, c4, c4, c4, c4, c8, c4, c4, c4, c8},
      /* c8 */ {c8, c8, c8, c8, c8, c8, c8, c8, c8, c8, c8, c8},
  };
  return table[detail::table_index(a)][detail::table_index(b)];
}

ScalarType toComplexType(ScalarType t) {
  switch (t) {
    case kBFloat16:  // bfloat16 has float32's range: c10 maps it to complex64
    case kFloat: return kComplexFloat;
    case kDouble: return kComplexDouble;
    case kComplexFloat:
    case kComplexDouble: return t;
    default: break;
  }
  throw Error(fmt::format("Unknown Complex ScalarType for {}", scalar_type_name(t)));
}

void throw_not_implemented_for(ScalarType t, const char* op) {
  if (op) throw Error(fmt::format("\"{}\" not implemented for '{}'", op, scalar_type_name(t)));
  throw Error(fmt::format("not implemented for '{}' (xgrad computes on complex tensors only with the ops of "
                          "src/ops/complex.cpp: add, sub, mul, div, abs, real, imag, view_as_real, view_as_complex)",
                          scalar_type_name(t)));
}

void set_default_dtype(TypeMeta dtype) {
  detail::table_index(dtype.toScalarType());  // rejects Undefined
  detail::g_default_dtype.store(dtype.toScalarType(), std::memory_order_relaxed);
}

}  // namespace xgrad
