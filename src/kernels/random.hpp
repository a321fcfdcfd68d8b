// random.hpp: turning uniform draws into PyTorch's exact values: the uniform scaling, and the two
// Box-Muller transforms of blocks of 16 (float64 with glibc's log/sin/cos; float32 with the
// cephes polynomials PyTorch's AVX2 kernel uses, fused as GCC compiled it). Pure arithmetic on
// values; the draws themselves happen in src/random/distributions.cpp. This file is compiled
// with -ffp-contract=off: every fused multiply-add below is written out, and no other may appear.
// See shared spec torch_rng.md, sections 3.1 to 3.4. Read next: src/random/distributions.cpp.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

namespace xgrad::kernels {

constexpr double kPi = 3.14159265358979323846;

/// A float in [0, 1) from the low 24 bits of a 32-bit draw (exact).
inline float unit_float(uint32_t v) { return static_cast<float>(v & 0xFFFFFFu) * (1.0f / 16777216.0f); }
/// A double in [0, 1) from the low 53 bits of a 64-bit draw (exact).
inline double unit_double(uint64_t v) {
  return static_cast<double>(v & ((uint64_t{1} << 53) - 1)) * (1.0 / 9007199254740992.0);
}
/// uniform_(from, to): x * (to - from) + from as one fused multiply-add.
inline float uniform_float(uint32_t v, float from, float range) { return std::fmaf(unit_float(v), range, from); }
inline double uniform_double(uint64_t v, double from, double range) { return std::fma(unit_double(v), range, from); }

/// Box-Muller on 16 float64 uniforms in place: radii from d[0..7], angles from d[8..15].
inline void normal_fill_16(double* d, double mean, double std) {
  for (int j = 0; j < 8; ++j) {
    const double u1 = 1 - d[j];
    const double u2 = d[j + 8];
    const double radius = std::sqrt(-2 * std::log(u1));
    const double theta = 2.0 * kPi * u2;
    d[j] = std::fma(radius * std::cos(theta), std, mean);
    d[j + 8] = std::fma(radius * std::sin(theta), std, mean);
  }
}

namespace cephes {
inline uint32_t bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
inline float from_bits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

/// log(x) for x in (0, 1], as avx_mathfun's log256_ps computes it lane by lane.
inline float log(float x) {
  const float P[9] = {7.0376836292E-2f, -1.1514610310E-1f, 1.1676998740E-1f, -1.2420140846E-1f, 1.4249322787E-1f,
                      -1.6668057665E-1f, 2.0000714765E-1f, -2.4999993993E-1f, 3.3333331174E-1f};
  const float Q1 = -2.12194440e-4f, Q2 = 0.693359375f, SQRTHF = 0.707106781186547524f;
  const float min_norm = from_bits(0x00800000u);
  x = x > min_norm ? x : min_norm;
  float e = static_cast<float>(static_cast<int32_t>(bits(x) >> 23) - 127) + 1.0f;
  x = from_bits((bits(x) & 0x807FFFFFu) | 0x3F000000u);  // the mantissa, scaled to [0.5, 1)
  if (x < SQRTHF) {
    e = e - 1.0f;
    x = (x - 1.0f) + x;
  } else {
    x = x - 1.0f;
  }
  const float z = x * x;
  float y = P[0];
  for (int i = 1; i < 9; ++i) y = std::fmaf(y, x, P[i]);
  y = std::fmaf(y * x, z, e * Q1);
  y = y - z * 0.5f;
  x = x + y;
  return std::fmaf(e, Q2, x);
}

/// sin(x) and cos(x) for x >= 0, as avx_mathfun's sincos256_ps computes them lane by lane.
inline void sincos(float x, float& s, float& c) {
  const float DP1 = -0.78515625f, DP2 = -2.4187564849853515625e-4f, DP3 = -3.77489497744594108e-8f;
  const float S0 = -1.9515295891E-4f, S1 = 8.3321608736E-3f, S2 = -1.6666654611E-1f;
  const float C0 = 2.443315711809948E-5f, C1 = -1.388731625493765E-3f, C2 = 4.166664568298827E-2f;
  const float FOPI = 1.27323954473516f;
  uint32_t sign_sin = bits(x) & 0x80000000u;
  x = std::fabs(x);
  int32_t j = static_cast<int32_t>(x * FOPI);  // truncation, as _mm256_cvttps_epi32
  j = (j + 1) & ~1;
  const float y = static_cast<float>(j);
  const uint32_t swap_sin = static_cast<uint32_t>(j & 4) << 29;
  const bool poly = (j & 2) == 0;
  x = std::fmaf(y, DP1, x);
  x = std::fmaf(y, DP2, x);
  x = std::fmaf(y, DP3, x);
  const uint32_t sign_cos = static_cast<uint32_t>(~(j - 2) & 4) << 29;
  sign_sin ^= swap_sin;
  const float z = x * x;
  float yc = std::fmaf(C0, z, C1);
  yc = std::fmaf(yc, z, C2);
  yc = std::fmaf(yc * z, z, -(z * 0.5f));
  yc = yc + 1.0f;
  float ys = std::fmaf(S0, z, S1);
  ys = std::fmaf(ys, z, S2);
  ys = std::fmaf(ys * z, x, x);
  const float ysin2 = poly ? ys : 0.0f;
  const float ysin1 = poly ? 0.0f : yc;
  ys = ys - ysin2;
  yc = yc - ysin1;
  s = from_bits(bits(ysin1 + ysin2) ^ sign_sin);
  c = from_bits(bits(yc + ys) ^ sign_cos);
}
}  // namespace cephes

/// Box-Muller on 16 float32 uniforms in place, as PyTorch's normal_fill_16_AVX2.
inline void normal_fill_16(float* d, float mean, float std) {
  const float two_pi = cephes::from_bits(0x40c90fdbu);
  for (int j = 0; j < 8; ++j) {
    const float u1 = 1.0f - d[j];
    const float u2 = d[j + 8];
    const float radius = std::sqrt(-2.0f * cephes::log(u1));
    const float theta = two_pi * u2;
    float s, c;
    cephes::sincos(theta, s, c);
    d[j] = std::fmaf(radius * c, std, mean);
    d[j + 8] = std::fmaf(radius * s, std, mean);
  }
}

}  // namespace xgrad::kernels
