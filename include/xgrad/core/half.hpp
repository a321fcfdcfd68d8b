// half.hpp: the two 16-bit floating types, Half (IEEE float16) and BFloat16 (the top half of a
// float32), as libtorch's c10::Half and c10::BFloat16: storage types that convert to and from float
// exactly as c10 does (round to nearest even; a double goes through float first), and whose
// arithmetic is done in float. Read next: dtype.hpp.
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <ostream>

namespace xgrad {

namespace detail {
inline uint32_t float_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
inline float bits_float(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

/// float -> IEEE half, round to nearest even (c10's fp16_ieee_from_fp32_value): the float
/// additions below do the rounding; NaN becomes the quiet NaN 0x7E00 with the sign kept.
inline uint16_t half_from_float(float f) {
  const float scale_to_inf = 5.192296858534828e+33f;   // 2^112
  const float scale_to_zero = 7.703719777548943e-34f;  // 2^-110
  float base = (f < 0 ? -f : f) * scale_to_inf * scale_to_zero;
  const uint32_t w = float_bits(f);
  const uint32_t shl1_w = w + w;
  const uint32_t sign = w & 0x80000000u;
  uint32_t bias = shl1_w & 0xFF000000u;
  if (bias < 0x71000000u) bias = 0x71000000u;
  base = bits_float((bias >> 1) + 0x07800000u) + base;
  const uint32_t bits = float_bits(base);
  const uint32_t exp_bits = (bits >> 13) & 0x00007C00u;
  const uint32_t mantissa_bits = bits & 0x00000FFFu;
  const uint32_t nonsign = exp_bits + mantissa_bits;
  return static_cast<uint16_t>((sign >> 16) | (shl1_w > 0xFF000000u ? 0x7E00u : nonsign));
}

/// IEEE half -> float, exact (subnormals, infinities and NaN included).
inline float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1Fu;
  uint32_t mant = h & 0x3FFu;
  if (exp == 0x1F) return bits_float(sign | 0x7F800000u | (mant << 13));
  if (exp == 0) {
    if (mant == 0) return bits_float(sign);
    // A subnormal: normalise it.
    exp = 127 - 15 + 1;
    while ((mant & 0x400u) == 0) {
      mant <<= 1;
      --exp;
    }
    mant &= 0x3FFu;
    return bits_float(sign | (exp << 23) | (mant << 13));
  }
  return bits_float(sign | ((exp + 127 - 15) << 23) | (mant << 13));
}

/// float -> bfloat16, round to nearest even; NaN becomes 0x7FC0 (c10's round_to_nearest_even).
inline uint16_t bfloat16_from_float(float f) {
  if (f != f) return 0x7FC0;
  const uint32_t u = float_bits(f);
  return static_cast<uint16_t>((u + (((u >> 16) & 1u) + 0x7FFFu)) >> 16);
}
inline float bfloat16_to_float(uint16_t b) { return bits_float(static_cast<uint32_t>(b) << 16); }
}  // namespace detail

/// IEEE 754 half precision (torch.float16), as c10::Half.
struct Half {
  uint16_t x = 0;
  struct from_bits_t {};
  static constexpr from_bits_t from_bits() { return {}; }

  Half() = default;
  constexpr Half(uint16_t bits, from_bits_t) : x(bits) {}
  Half(float value) : x(detail::half_from_float(value)) {}  // NOLINT(google-explicit-constructor): as c10
  operator float() const { return detail::half_to_float(x); }  // NOLINT(google-explicit-constructor)
};

/// bfloat16 (torch.bfloat16): float32's sign, exponent and top 7 mantissa bits, as c10::BFloat16.
struct BFloat16 {
  uint16_t x = 0;
  struct from_bits_t {};
  static constexpr from_bits_t from_bits() { return {}; }

  BFloat16() = default;
  constexpr BFloat16(uint16_t bits, from_bits_t) : x(bits) {}
  BFloat16(float value) : x(detail::bfloat16_from_float(value)) {}  // NOLINT(google-explicit-constructor)
  operator float() const { return detail::bfloat16_to_float(x); }  // NOLINT(google-explicit-constructor)
};

// Arithmetic as c10 defines it: two 16-bit values compute in float and round back; with a float
// or double the result is that wider type; with an integer the integer is converted first.
// Comparisons go through the implicit conversion to float.
#define XGRAD_REDUCED_FLOAT_OPS(T)                                                              \
  inline T operator+(T a, T b) { return static_cast<float>(a) + static_cast<float>(b); }        \
  inline T operator-(T a, T b) { return static_cast<float>(a) - static_cast<float>(b); }        \
  inline T operator*(T a, T b) { return static_cast<float>(a) * static_cast<float>(b); }        \
  inline T operator/(T a, T b) { return static_cast<float>(a) / static_cast<float>(b); }        \
  inline T operator-(T a) { return -static_cast<float>(a); }                                    \
  inline T& operator+=(T& a, T b) { return a = a + b; }                                          \
  inline T& operator-=(T& a, T b) { return a = a - b; }                                          \
  inline T& operator*=(T& a, T b) { return a = a * b; }                                          \
  inline T& operator/=(T& a, T b) { return a = a / b; }                                          \
  inline float operator+(T a, float b) { return static_cast<float>(a) + b; }                    \
  inline float operator-(T a, float b) { return static_cast<float>(a) - b; }                    \
  inline float operator*(T a, float b) { return static_cast<float>(a) * b; }                    \
  inline float operator/(T a, float b) { return static_cast<float>(a) / b; }                    \
  inline float operator+(float a, T b) { return a + static_cast<float>(b); }                    \
  inline float operator-(float a, T b) { return a - static_cast<float>(b); }                    \
  inline float operator*(float a, T b) { return a * static_cast<float>(b); }                    \
  inline float operator/(float a, T b) { return a / static_cast<float>(b); }                    \
  inline double operator+(T a, double b) { return static_cast<double>(static_cast<float>(a)) + b; } \
  inline double operator-(T a, double b) { return static_cast<double>(static_cast<float>(a)) - b; } \
  inline double operator*(T a, double b) { return static_cast<double>(static_cast<float>(a)) * b; } \
  inline double operator/(T a, double b) { return static_cast<double>(static_cast<float>(a)) / b; } \
  inline double operator+(double a, T b) { return a + static_cast<double>(static_cast<float>(b)); } \
  inline double operator-(double a, T b) { return a - static_cast<double>(static_cast<float>(b)); } \
  inline double operator*(double a, T b) { return a * static_cast<double>(static_cast<float>(b)); } \
  inline double operator/(double a, T b) { return a / static_cast<double>(static_cast<float>(b)); } \
  inline T operator+(T a, int b) { return a + static_cast<T>(static_cast<float>(b)); }          \
  inline T operator-(T a, int b) { return a - static_cast<T>(static_cast<float>(b)); }          \
  inline T operator*(T a, int b) { return a * static_cast<T>(static_cast<float>(b)); }          \
  inline T operator/(T a, int b) { return a / static_cast<T>(static_cast<float>(b)); }          \
  inline T operator+(int a, T b) { return static_cast<T>(static_cast<float>(a)) + b; }          \
  inline T operator-(int a, T b) { return static_cast<T>(static_cast<float>(a)) - b; }          \
  inline T operator*(int a, T b) { return static_cast<T>(static_cast<float>(a)) * b; }          \
  inline T operator/(int a, T b) { return static_cast<T>(static_cast<float>(a)) / b; }          \
  inline T operator+(T a, int64_t b) { return a + static_cast<T>(static_cast<float>(b)); }      \
  inline T operator-(T a, int64_t b) { return a - static_cast<T>(static_cast<float>(b)); }      \
  inline T operator*(T a, int64_t b) { return a * static_cast<T>(static_cast<float>(b)); }      \
  inline T operator/(T a, int64_t b) { return a / static_cast<T>(static_cast<float>(b)); }      \
  inline T operator+(int64_t a, T b) { return static_cast<T>(static_cast<float>(a)) + b; }      \
  inline T operator-(int64_t a, T b) { return static_cast<T>(static_cast<float>(a)) - b; }      \
  inline T operator*(int64_t a, T b) { return static_cast<T>(static_cast<float>(a)) * b; }      \
  inline T operator/(int64_t a, T b) { return static_cast<T>(static_cast<float>(a)) / b; }      \
  inline std::ostream& operator<<(std::ostream& os, T v) { return os << static_cast<float>(v); }
XGRAD_REDUCED_FLOAT_OPS(Half)
XGRAD_REDUCED_FLOAT_OPS(BFloat16)
#undef XGRAD_REDUCED_FLOAT_OPS

}  // namespace xgrad

namespace std {
template <>
class numeric_limits<xgrad::Half> {
 public:
  static constexpr bool is_specialized = true;
  static constexpr bool is_signed = true;
  static constexpr bool is_integer = false;
  static constexpr bool is_exact = false;
  static constexpr bool has_infinity = true;
  static constexpr bool has_quiet_NaN = true;
  static constexpr bool has_signaling_NaN = true;
  static constexpr auto has_denorm = numeric_limits<float>::has_denorm;
  static constexpr auto has_denorm_loss = numeric_limits<float>::has_denorm_loss;
  static constexpr auto round_style = numeric_limits<float>::round_style;
  static constexpr bool is_iec559 = true;
  static constexpr bool is_bounded = true;
  static constexpr bool is_modulo = false;
  static constexpr int digits = 11;
  static constexpr int digits10 = 3;
  static constexpr int max_digits10 = 5;
  static constexpr int radix = 2;
  static constexpr int min_exponent = -13;
  static constexpr int min_exponent10 = -4;
  static constexpr int max_exponent = 16;
  static constexpr int max_exponent10 = 4;
  static constexpr auto traps = numeric_limits<float>::traps;
  static constexpr auto tinyness_before = numeric_limits<float>::tinyness_before;
  static constexpr xgrad::Half min() { return {0x0400, xgrad::Half::from_bits()}; }
  static constexpr xgrad::Half lowest() { return {0xFBFF, xgrad::Half::from_bits()}; }
  static constexpr xgrad::Half max() { return {0x7BFF, xgrad::Half::from_bits()}; }
  static constexpr xgrad::Half epsilon() { return {0x1400, xgrad::Half::from_bits()}; }
  static constexpr xgrad::Half infinity() { return {0x7C00, xgrad::Half::from_bits()}; }
  static constexpr xgrad::Half round_error() { return {0x3800, xgrad::Half::from_bits()}; }
  static constexpr xgrad::Half quiet_NaN() { return {0x7E00, xgrad::Half::from_bits()}; }
  static constexpr xgrad::Half signaling_NaN() { return {0x7D00, xgrad::Half::from_bits()}; }
  static constexpr xgrad::Half denorm_min() { return {0x0001, xgrad::Half::from_bits()}; }
};

template <>
class numeric_limits<xgrad::BFloat16> {
 public:
  static constexpr bool is_specialized = true;
  static constexpr bool is_signed = true;
  static constexpr bool is_integer = false;
  static constexpr bool is_exact = false;
  static constexpr bool has_infinity = true;
  static constexpr bool has_quiet_NaN = true;
  static constexpr bool has_signaling_NaN = true;
  static constexpr auto has_denorm = numeric_limits<float>::has_denorm;
  static constexpr auto has_denorm_loss = numeric_limits<float>::has_denorm_loss;
  static constexpr auto round_style = numeric_limits<float>::round_style;
  static constexpr bool is_iec559 = false;
  static constexpr bool is_bounded = true;
  static constexpr bool is_modulo = false;
  static constexpr int digits = 8;
  static constexpr int digits10 = 2;
  static constexpr int max_digits10 = 4;
  static constexpr int radix = 2;
  static constexpr int min_exponent = -125;
  static constexpr int min_exponent10 = -37;
  static constexpr int max_exponent = 128;
  static constexpr int max_exponent10 = 38;
  static constexpr auto traps = numeric_limits<float>::traps;
  static constexpr auto tinyness_before = numeric_limits<float>::tinyness_before;
  static constexpr xgrad::BFloat16 min() { return {0x0080, xgrad::BFloat16::from_bits()}; }
  static constexpr xgrad::BFloat16 lowest() { return {0xFF7F, xgrad::BFloat16::from_bits()}; }
  static constexpr xgrad::BFloat16 max() { return {0x7F7F, xgrad::BFloat16::from_bits()}; }
  static constexpr xgrad::BFloat16 epsilon() { return {0x3C00, xgrad::BFloat16::from_bits()}; }
  static constexpr xgrad::BFloat16 infinity() { return {0x7F80, xgrad::BFloat16::from_bits()}; }
  static constexpr xgrad::BFloat16 round_error() { return {0x3F00, xgrad::BFloat16::from_bits()}; }
  static constexpr xgrad::BFloat16 quiet_NaN() { return {0x7FC0, xgrad::BFloat16::from_bits()}; }
  /// A NaN with the quiet bit clear. (c10 1.13 returns 0x7F80 here, which is infinity.)
  static constexpr xgrad::BFloat16 signaling_NaN() { return {0x7FA0, xgrad::BFloat16::from_bits()}; }
  static constexpr xgrad::BFloat16 denorm_min() { return {0x0001, xgrad::BFloat16::from_bits()}; }
};
}  // namespace std
