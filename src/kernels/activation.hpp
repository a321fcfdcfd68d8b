// activation.hpp: the elementwise maths of the activations beyond relu/sigmoid/tanh (elu, gelu,
// silu, mish, hardtanh, leaky_relu, shrinks, hardsigmoid, hardswish) and of their backward
// formulas, as functors that serve a plain value and an xsimd batch alike (see simd_math.hpp).
// Each follows the scalar formula of PyTorch's CPU kernel. Read next: src/ops/activation_elu.cpp.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#include <xsimd/xsimd.hpp>

#include "kernels/simd_math.hpp"

namespace xgrad::kernels {

/// elu(x) = scale * x for x > 0, scale * alpha * (exp(input_scale * x) - 1) otherwise. The
/// coefficients are rounded to the tensor's type first, as PyTorch's kernel does.
template <class T>
struct Elu {
  T negcoef, poscoef, negiptcoef;
  Elu(double alpha, double scale, double input_scale)
      : negcoef(static_cast<T>(alpha) * static_cast<T>(scale)), poscoef(static_cast<T>(scale)),
        negiptcoef(static_cast<T>(input_scale)) {}
  template <class V>
  V operator()(V x) const {
    // exp(.) - 1 rather than expm1, as ATen's kernel writes it: tiny negative x give exactly 0
    return vselect(x <= V(T(0)), (xsimd::exp(x * V(negiptcoef)) - V(T(1))) * V(negcoef), x * V(poscoef));
  }
};

/// elu_backward(g, b): b is the input (is_result false) or elu's output (is_result true).
///   b <= 0: g * negiptcoef * negcoef * exp(b * negiptcoef)   or   g * negiptcoef * (b + negcoef)
///   b > 0:  g * poscoef
template <class T>
struct EluBackward {
  T negcoef, poscoef, negiptcoef;
  bool is_result;
  EluBackward(double alpha, double scale, double input_scale, bool result)
      : negcoef(static_cast<T>(alpha) * static_cast<T>(scale)), poscoef(static_cast<T>(scale)),
        negiptcoef(static_cast<T>(input_scale)), is_result(result) {}
  template <class V>
  V operator()(V g, V b) const {
    V neg = is_result ? g * V(negiptcoef) * (b + V(negcoef)) : g * V(negiptcoef) * V(negcoef) * xsimd::exp(b * V(negiptcoef));
    return vselect(b <= V(T(0)), neg, g * V(poscoef));
  }
};

/// gelu(x) = x * Phi(x) = x/2 (1 + erf(x / sqrt 2)), or with approximate "tanh"
/// x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
template <class T>
struct Gelu {
  bool tanh_approx;
  template <class V>
  V operator()(V x) const {
    if (tanh_approx) {
      const T beta = static_cast<T>(M_SQRT2 * M_2_SQRTPI * 0.5), kappa = static_cast<T>(0.044715);
      V inner = V(beta) * (x + V(kappa) * (x * x * x));
      return V(T(0.5)) * x * (V(T(1)) + xsimd::tanh(inner));
    }
    // + 0: where the product is zero (x far below 0, or x = -0) ATen's vectorised kernel gives +0
    return x * V(T(0.5)) * (V(T(1)) + xsimd::erf(x * V(static_cast<T>(M_SQRT1_2)))) + V(T(0));
  }
};

/// gelu_backward(g, x) = g * (Phi(x) + x * phi(x)) (exact), or the tanh form's derivative.
template <class T>
struct GeluBackward {
  bool tanh_approx;
  template <class V>
  V operator()(V g, V x) const {
    if (tanh_approx) {
      const T beta = static_cast<T>(M_SQRT2 * M_2_SQRTPI * 0.5), kappa = static_cast<T>(0.044715);
      V x_sq = x * x;
      V inner = V(beta) * (x + V(kappa) * x_sq * x);
      V tanh_inner = xsimd::tanh(inner);
      V left = V(T(0.5)) * x, right = V(T(1)) + tanh_inner;
      V left_derivative = V(T(0.5)) * right;
      V right_derivative = left * (V(T(1)) - tanh_inner * tanh_inner);
      V inner_derivative = V(beta) * (V(T(1)) + V(T(3) * kappa) * x_sq);
      return g * (left_derivative + right_derivative * inner_derivative);
    }
    const T alpha = static_cast<T>(M_2_SQRTPI * M_SQRT1_2 * 0.5);
    V cdf = V(T(0.5)) * (V(T(1)) + xsimd::erf(x * V(static_cast<T>(M_SQRT1_2))));
    V pdf = V(alpha) * xsimd::exp(x * x * V(T(-0.5)));
    return g * (cdf + x * pdf);
  }
};

// ---- bfloat16 step by step -----------------------------------------------------------------------
// PyTorch 1.13 runs gelu(approximate="tanh") and silu on bfloat16 in Vectorized<BFloat16>, whose
// every arithmetic step and every math function rounds its float result to bfloat16. These
// functors compute on float values and round after each step the same way, so that their results
// are PyTorch's bit for bit (see Note [Reduced-precision activations] in src/ops/activation_utils.hpp).

/// v rounded to bfloat16's precision (round to nearest even, as c10's round_to_nearest_even), kept
/// in float. NaN stays NaN.
inline float round_bf16(float v) {
  if (v != v) return v;
  uint32_t u;
  std::memcpy(&u, &v, sizeof u);
  u = (u + (((u >> 16) & 1u) + 0x7FFFu)) & 0xFFFF0000u;
  std::memcpy(&v, &u, sizeof v);
  return v;
}
template <class A>
inline xsimd::batch<float, A> round_bf16(const xsimd::batch<float, A>& v) {
  using U = xsimd::batch<uint32_t, A>;
  U u = xsimd::bitwise_cast<U>(v);
  u = (u + (((u >> 16) & U(1u)) + U(0x7FFFu))) & U(0xFFFF0000u);
  return vselect(visnan(v), v, xsimd::bitwise_cast<xsimd::batch<float, A>>(u));
}
/// Double values are never bfloat16's: visit_floating instantiates these functors for them too.
template <class V, std::enable_if_t<!std::is_same<scalar_of_t<V>, float>::value, int> = 0>
inline V round_bf16(const V& v) {
  return v;
}

/// gelu(x, "tanh") on bfloat16 values: 0.5 x (1 + tanh(beta (x + kappa x^3))), each step rounded
struct GeluTanhBf16 {
  template <class V>
  V operator()(V x) const {
    const V beta(round_bf16(static_cast<float>(M_SQRT2 * M_2_SQRTPI * 0.5))), kappa(round_bf16(0.044715f));
    const V one(1.0f), half(0.5f);
    V x_cube = round_bf16(round_bf16(x * x) * x);
    V inner = round_bf16(beta * round_bf16(x + round_bf16(kappa * x_cube)));
    return round_bf16(round_bf16(half * x) * round_bf16(one + round_bf16(xsimd::tanh(inner))));
  }
};
/// gelu_backward(g, x, "tanh") on bfloat16 values, each step rounded, in ATen's order:
/// g (right / 2 + left (1 - t^2) beta (1 + 3 kappa x^2)), left = x / 2, right = 1 + t
struct GeluTanhBackwardBf16 {
  template <class V>
  V operator()(V g, V x) const {
    const V beta(round_bf16(static_cast<float>(M_SQRT2 * M_2_SQRTPI * 0.5))), kappa(round_bf16(0.044715f));
    const V one(1.0f), half(0.5f), three_kappa(round_bf16(3.0f * round_bf16(0.044715f)));
    V x_sq = round_bf16(x * x);
    V x_cube = round_bf16(x_sq * x);
    V inner = round_bf16(beta * round_bf16(x + round_bf16(kappa * x_cube)));
    V t = round_bf16(xsimd::tanh(inner));
    V left = round_bf16(half * x), right = round_bf16(one + t);
    V left_derivative = round_bf16(half * right);
    V tanh_derivative = round_bf16(one - round_bf16(t * t));
    V inner_derivative = round_bf16(beta * round_bf16(one + round_bf16(three_kappa * x_sq)));
    V right_derivative = round_bf16(round_bf16(left * tanh_derivative) * inner_derivative);
    return round_bf16(g * round_bf16(left_derivative + right_derivative));
  }
};
/// silu(x) = x / (1 + exp(-x)) on bfloat16 values, each step rounded
struct SiluBf16 {
  template <class V>
  V operator()(V x) const {
    return round_bf16(x / round_bf16(V(1.0f) + round_bf16(xsimd::exp(-x))));
  }
};
/// silu_backward(g, x) = g s (1 + x (1 - s)), s = 1 / (1 + exp(-x)), on bfloat16 values, each step rounded
struct SiluBackwardBf16 {
  template <class V>
  V operator()(V g, V x) const {
    const V one(1.0f);
    V s = round_bf16(one / round_bf16(one + round_bf16(xsimd::exp(-x))));
    return round_bf16(round_bf16(g * s) * round_bf16(one + round_bf16(x * round_bf16(one - s))));
  }
};

/// silu(x) = x * sigmoid(x) = x / (1 + exp(-x))
struct Silu {
  template <class V>
  V operator()(V x) const {
    return x / (lit(x, 1.0) + xsimd::exp(-x));
  }
};
/// silu_backward(g, x) = g * s * (1 + x (1 - s)), s = sigmoid(x)
struct SiluBackward {
  template <class V>
  V operator()(V g, V x) const {
    V s = lit(x, 1.0) / (lit(x, 1.0) + xsimd::exp(-x));
    return g * s * (lit(x, 1.0) + x * (lit(x, 1.0) - s));
  }
};

/// mish(x) = x * tanh(softplus(x)), softplus(x) = log1p(exp(x))
struct Mish {
  template <class V>
  V operator()(V x) const {
    return x * xsimd::tanh(xsimd::log1p(xsimd::exp(x)));
  }
};
/// mish_backward(g, x) = g * (t + x * s * (1 - t^2)), t = tanh(softplus(x)), s = sigmoid(x)
struct MishBackward {
  template <class V>
  V operator()(V g, V x) const {
    V s = lit(x, 1.0) / (lit(x, 1.0) + xsimd::exp(-x));
    V t = xsimd::tanh(xsimd::log1p(xsimd::exp(x)));
    return g * (t + x * s * (lit(x, 1.0) - t * t));
  }
};

/// hardtanh(x) = min(max(x, lo), hi), NaN stays NaN (PyTorch computes it as clamp)
struct Hardtanh {
  double lo, hi;
  template <class V>
  V operator()(V x) const {
    V r = vselect(x < lit(x, lo), lit(x, lo), x);
    r = vselect(r > lit(x, hi), lit(x, hi), r);
    return vselect(visnan(x), x, r);
  }
};
/// hardtanh_backward(g, x) = g where lo < x < hi, else 0 (0 at the bounds themselves)
struct HardtanhBackward {
  double lo, hi;
  template <class V>
  V operator()(V g, V x) const {
    return vselect((x <= lit(x, lo)) | (x >= lit(x, hi)), lit(x, 0.0), g);
  }
};

/// leaky_relu(x) = x for x > 0, else x * slope
struct LeakyRelu {
  double slope;
  template <class V>
  V operator()(V x) const {
    return vselect(x > lit(x, 0.0), x, x * lit(x, slope));
  }
};
/// leaky_relu_backward(g, x) = g for x > 0, else g * slope (x may be the result: same sign)
struct LeakyReluBackward {
  double slope;
  template <class V>
  V operator()(V g, V x) const {
    return vselect(x > lit(x, 0.0), g, g * lit(x, slope));
  }
};

/// threshold(x) = value where x <= threshold, else x
struct Threshold {
  double threshold, value;
  template <class V>
  V operator()(V x) const {
    return vselect(x <= lit(x, threshold), lit(x, value), x);
  }
};

/// softshrink(x) = x - l for x > l, x + l for x < -l, else 0
struct Softshrink {
  double lambd;
  template <class V>
  V operator()(V x) const {
    V l = lit(x, lambd);
    return vselect(x > l, x - l, vselect(x < -l, x + l, lit(x, 0.0)));
  }
};
/// hardshrink(x) = 0 for -l <= x <= l, else x
struct Hardshrink {
  double lambd;
  template <class V>
  V operator()(V x) const {
    return vselect((x >= lit(x, -lambd)) & (x <= lit(x, lambd)), lit(x, 0.0), x);
  }
};
/// The derivative of both shrinks: 0 for -l <= x <= l, else g
struct ShrinkBackward {
  double lambd;
  template <class V>
  V operator()(V g, V x) const {
    return vselect((x >= lit(x, -lambd)) & (x <= lit(x, lambd)), lit(x, 0.0), g);
  }
};

/// hardsigmoid(x) = min(max(x + 3, 0), 6) / 6
struct Hardsigmoid {
  template <class V>
  V operator()(V x) const {
    V r = x + lit(x, 3.0);
    r = vselect(r < lit(x, 0.0), lit(x, 0.0), r);
    r = vselect(r > lit(x, 6.0), lit(x, 6.0), r);
    return r / lit(x, 6.0);
  }
};
/// hardsigmoid_backward(g, x) = g / 6 for -3 < x < 3, else 0
struct HardsigmoidBackward {
  template <class V>
  V operator()(V g, V x) const {
    return vselect((x > lit(x, -3.0)) & (x < lit(x, 3.0)), g / lit(x, 6.0), lit(x, 0.0));
  }
};
/// hardswish(x) = x * min(max(x + 3, 0), 6) / 6
struct Hardswish {
  template <class V>
  V operator()(V x) const {
    V r = x + lit(x, 3.0);
    r = vselect(r < lit(x, 0.0), lit(x, 0.0), r);
    r = vselect(r > lit(x, 6.0), lit(x, 6.0), r);
    return x * r / lit(x, 6.0);
  }
};
/// hardswish_backward(g, x) = 0 for x < -3, g (x / 3 + 1/2) for x <= 3, else g
struct HardswishBackward {
  template <class V>
  V operator()(V g, V x) const {
    V mid = g * (x / lit(x, 3.0) + lit(x, 0.5));
    return vselect(x < lit(x, -3.0), lit(x, 0.0), vselect(x <= lit(x, 3.0), mid, g));
  }
};

}  // namespace xgrad::kernels
