// nn/utils/clip_grad.cpp: clip_grad_norm_ and clip_grad_value_, written as Python 1.13's
// torch/nn/utils/clip_grad.py (libtorch's header follows it but for norm_type 0). Read next:
// nn/utils/convert_parameters.cpp.
#include "xgrad/nn/utils/clip_grad.hpp"

#include <cmath>
#include <string>

#include "xgrad/core/exception.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad::nn::utils {
namespace {
/// A double as Python's str(float) writes it: "2.0", "0.5", "inf", "-inf", "nan".
std::string python_float(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (v == std::floor(v) && std::fabs(v) < 1e16) return fmt::format("{:.1f}", v);
  return fmt::format("{}", v);
}
}  // namespace

double clip_grad_norm_(std::vector<Tensor> parameters, double max_norm, double norm_type, bool error_if_nonfinite) {
  std::vector<Tensor> grads;
  for (const Tensor& p : parameters)
    if (p.grad().defined()) grads.push_back(p.grad().detach());
  if (grads.empty()) return 0.0;
  NoGradGuard no_grad;
  Tensor total_norm;
  if (std::isinf(norm_type) && norm_type > 0) {
    std::vector<Tensor> norms;
    for (const Tensor& g : grads) norms.push_back(g.abs().max());
    total_norm = norms.size() == 1 ? norms[0] : max(stack(norms));
  } else {
    std::vector<Tensor> norms;
    for (const Tensor& g : grads) norms.push_back(norm(g, norm_type));
    total_norm = norm(stack(norms), norm_type);
  }
  const double total = total_norm.item<double>();
  XGRAD_CHECK(!error_if_nonfinite || std::isfinite(total),
              "The total norm of order {} for gradients from `parameters` is non-finite, so it cannot be clipped. To "
              "disable this error and scale the gradients by the non-finite norm anyway, set "
              "`error_if_nonfinite=False`",
              python_float(norm_type));
  const Tensor clip_coef_clamped = clamp(max_norm / (total_norm + 1e-6), std::nullopt, 1.0);
  for (const Tensor& g : grads) g.mul_(clip_coef_clamped);
  return total;
}

double clip_grad_norm_(std::initializer_list<Tensor> parameters, double max_norm, double norm_type,
                       bool error_if_nonfinite) {
  return clip_grad_norm_(std::vector<Tensor>(parameters), max_norm, norm_type, error_if_nonfinite);
}

double clip_grad_norm_(Tensor parameter, double max_norm, double norm_type, bool error_if_nonfinite) {
  return clip_grad_norm_(std::vector<Tensor>{std::move(parameter)}, max_norm, norm_type, error_if_nonfinite);
}

void clip_grad_value_(std::vector<Tensor> parameters, double clip_value) {
  NoGradGuard no_grad;
  for (const Tensor& p : parameters)
    if (p.grad().defined()) p.grad().detach().clamp_(-clip_value, clip_value);
}

void clip_grad_value_(std::initializer_list<Tensor> parameters, double clip_value) {
  clip_grad_value_(std::vector<Tensor>(parameters), clip_value);
}

void clip_grad_value_(Tensor parameter, double clip_value) {
  clip_grad_value_(std::vector<Tensor>{std::move(parameter)}, clip_value);
}

}  // namespace xgrad::nn::utils
