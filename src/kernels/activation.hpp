// activation.hpp: the elementwise maths of the activations beyond relu/sigmoid/tanh (elu, gelu,
// silu, mish, hardtanh, leaky_relu, shrinks, hardsigmoid, hardswish) and of their backward
// formulas, as functors that serve a plain value and an xsimd batch alike (see simd_math.hpp).
// Each follows the scalar formula of PyTorch's CPU kernel. Read next: src/ops/activation_elu.cpp.
#pragma once

#include <cmath>

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
    return vselect(x <= V(T(0)), xsimd::expm1(x * V(negiptcoef)) * V(negcoef), x * V(poscoef));
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
    return x * V(T(0.5)) * (V(T(1)) + xsimd::erf(x * V(static_cast<T>(M_SQRT1_2))));
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
