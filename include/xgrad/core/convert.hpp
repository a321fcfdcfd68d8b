// convert.hpp: converting one element from one dtype to another exactly as PyTorch 1.13 does on
// x86-64 (c10::convert as GCC compiles it), without the undefined behaviour of a plain static_cast:
//   - floating -> int64: truncation toward zero; NaN and out-of-range values give INT64_MIN (the
//     processor's "integer indefinite" value);
//   - floating -> int32/int16/int8: truncation to int32 first (NaN, out of range: INT32_MIN), then
//     the low bits, so 70000.5 -> int16 is 4464;
//   - floating -> uint8: through int64 (c10 casts to int64 first), then the low 8 bits, so -1.5 -> 255;
//   - integer -> narrower integer: the low bits (two's complement wrap);
//   - anything -> bool: != 0 (NaN is true); bool -> anything: 0 or 1;
//   - -> float16/bfloat16: through float32, rounding to nearest even (so a double rounds twice).
// Read next: scalar.hpp.
#pragma once

#include <cstdint>
#include <type_traits>

#include "xgrad/core/half.hpp"

namespace xgrad::detail {

inline int64_t truncate_to_int64(double v) {
  if (!(v >= -9223372036854775808.0 && v < 9223372036854775808.0)) return INT64_MIN;
  return static_cast<int64_t>(v);
}
inline int32_t truncate_to_int32(double v) {
  if (!(v > -2147483649.0 && v < 2147483648.0)) return INT32_MIN;
  return static_cast<int32_t>(v);
}

template <class T>
constexpr bool is_reduced_float_v = std::is_same<T, Half>::value || std::is_same<T, BFloat16>::value;

/// The value `v` as a To, with PyTorch's rounding, wrapping and x86 conversion results.
template <class To, class From>
inline To convert(From v) {
  if constexpr (std::is_same<To, From>::value) {
    return v;
  } else if constexpr (is_reduced_float_v<From>) {
    return convert<To>(static_cast<float>(v));
  } else if constexpr (std::is_same<To, bool>::value) {
    return v != From(0);
  } else if constexpr (std::is_same<From, bool>::value) {
    return static_cast<To>(v ? 1 : 0);
  } else if constexpr (is_reduced_float_v<To>) {
    return To(static_cast<float>(v));
  } else if constexpr (std::is_floating_point<To>::value) {
    return static_cast<To>(v);
  } else if constexpr (std::is_floating_point<From>::value) {
    // To is an integer type.
    if constexpr (std::is_same<To, int64_t>::value || std::is_same<To, uint8_t>::value)
      return static_cast<To>(static_cast<uint64_t>(truncate_to_int64(static_cast<double>(v))));
    else
      return static_cast<To>(static_cast<uint32_t>(truncate_to_int32(static_cast<double>(v))));
  } else {
    // integer -> integer: keep the low bits.
    return static_cast<To>(static_cast<std::make_unsigned_t<To>>(static_cast<uint64_t>(v)));
  }
}

}  // namespace xgrad::detail
