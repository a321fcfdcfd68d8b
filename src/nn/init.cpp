// init.cpp: weight initialisation, computed in double exactly as torch/nn/init.py writes it, then
// drawn with the generator (so the bits match PyTorch's).
#include "xgrad/nn/init.hpp"

#include <cmath>

#include "xgrad/core/grad_mode.hpp"
#include "xgrad/random/distributions.hpp"

namespace xgrad::nn::init {

double calculate_gain(NonlinearityType nonlinearity, double param) {
  switch (nonlinearity) {
    case kTanh: return 5.0 / 3;
    case kReLU: return std::sqrt(2.0);
    case kLeakyReLU: return std::sqrt(2.0 / (1 + std::pow(param, 2)));
    default: return 1;
  }
}

std::tuple<int64_t, int64_t> _calculate_fan_in_and_fan_out(const Tensor& tensor) {
  XGRAD_CHECK_T(ValueError, tensor.dim() >= 2,
                "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions");
  int64_t receptive = 1;
  for (int64_t d = 2; d < tensor.dim(); ++d) receptive *= tensor.size(d);
  return {tensor.size(1) * receptive, tensor.size(0) * receptive};
}

namespace {
int64_t correct_fan(const Tensor& tensor, FanModeType mode) {
  auto [fan_in, fan_out] = _calculate_fan_in_and_fan_out(tensor);
  return mode == kFanIn ? fan_in : fan_out;
}
}  // namespace

Tensor uniform_(Tensor tensor, double low, double high) {
  NoGradGuard no_grad;
  return tensor.uniform_(low, high);
}

Tensor normal_(Tensor tensor, double mean, double std) {
  NoGradGuard no_grad;
  return tensor.normal_(mean, std);
}

Tensor constant_(Tensor tensor, Scalar value) {
  NoGradGuard no_grad;
  return tensor.fill_(value);
}

Tensor ones_(Tensor tensor) { return constant_(std::move(tensor), 1); }
Tensor zeros_(Tensor tensor) { return constant_(std::move(tensor), 0); }

Tensor eye_(Tensor matrix) {
  XGRAD_CHECK_T(ValueError, matrix.dim() == 2, "Only tensors with 2 dimensions are supported");
  NoGradGuard no_grad;
  matrix.zero_();
  for (int64_t i = 0; i < std::min(matrix.size(0), matrix.size(1)); ++i) matrix[i][i].fill_(1);
  return matrix;
}

Tensor kaiming_uniform_(Tensor tensor, double a, FanModeType mode, NonlinearityType nonlinearity) {
  if (tensor.numel() == 0) return tensor;  // PyTorch warns and does nothing
  const double std = calculate_gain(nonlinearity, a) / std::sqrt(static_cast<double>(correct_fan(tensor, mode)));
  const double bound = std::sqrt(3.0) * std;
  return uniform_(std::move(tensor), -bound, bound);
}

Tensor kaiming_normal_(Tensor tensor, double a, FanModeType mode, NonlinearityType nonlinearity) {
  if (tensor.numel() == 0) return tensor;
  const double std = calculate_gain(nonlinearity, a) / std::sqrt(static_cast<double>(correct_fan(tensor, mode)));
  return normal_(std::move(tensor), 0, std);
}

Tensor xavier_uniform_(Tensor tensor, double gain) {
  auto [fan_in, fan_out] = _calculate_fan_in_and_fan_out(tensor);
  const double std = gain * std::sqrt(2.0 / static_cast<double>(fan_in + fan_out));
  const double a = std::sqrt(3.0) * std;
  return uniform_(std::move(tensor), -a, a);
}

Tensor xavier_normal_(Tensor tensor, double gain) {
  auto [fan_in, fan_out] = _calculate_fan_in_and_fan_out(tensor);
  const double std = gain * std::sqrt(2.0 / static_cast<double>(fan_in + fan_out));
  return normal_(std::move(tensor), 0, std);
}

}  // namespace xgrad::nn::init
