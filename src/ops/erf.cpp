// erf.cpp: the error function and its complement, elementwise. erf(x) = 2/sqrt(pi) *
// integral_0^x exp(-t^2) dt is the normal distribution's CDF in disguise (Phi(x) = (1 + erf(x /
// sqrt 2)) / 2, which GELU uses); erfc(x) = 1 - erf(x), computed directly so that it keeps its
// precision where erf(x) is close to 1. Read next: rounding.cpp.
#include <cmath>

#include "ops/inplace.hpp"
#include "ops/pointwise.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/ops/elementwise.hpp"

namespace xgrad {

using autograd::record;
using autograd::save;
using autograd::variable_list;

namespace {
/// 2 / sqrt(pi), erf's slope at 0.
constexpr double kTwoOverSqrtPi = 1.12837916709551257390;
}  // namespace

/// erf(x)      d/dx = grad * 2/sqrt(pi) * exp(-x^2)      saves: x
Tensor erf(const Tensor& x) {
  Tensor y = detail::map_floating(x, {"erf_vml_cpu", false, true}, [](auto v) { return xsimd::erf(v); });
  return record("ErfBackward0", y, {x}, save(x), [](const Tensor& g, const Tensor& x) -> variable_list {
    return {kTwoOverSqrtPi * exp(-x.pow(2)) * g};
  });
}

/// erfc(x) = 1 - erf(x)      d/dx = -grad * 2/sqrt(pi) * exp(-x^2)      saves: x
Tensor erfc(const Tensor& x) {
  Tensor y = detail::map_floating(x, {"erfc_vml_cpu", false, true}, [](auto v) { return xsimd::erfc(v); });
  return record("ErfcBackward0", y, {x}, save(x), [](const Tensor& g, const Tensor& x) -> variable_list {
    return {-kTwoOverSqrtPi * exp(-x.pow(2)) * g};
  });
}

Tensor& Tensor::erf_() const {
  detail::assert_no_internal_overlap(*this);
  return detail::inplace_with_autograd(mutable_this(), {}, [](const Tensor& s) { return xgrad::erf(s); });
}
Tensor& Tensor::erfc_() const {
  detail::assert_no_internal_overlap(*this);
  return detail::inplace_with_autograd(mutable_this(), {}, [](const Tensor& s) { return xgrad::erfc(s); });
}

}  // namespace xgrad
