// init.cpp: weight initialisation, computed in double exactly as torch/nn/init.py writes it, then
// drawn with the generator (so the bits match PyTorch's).
#include "xgrad/nn/init.hpp"

#include <cmath>
#include <vector>

#include "kernels/lapack.hpp"
#include "xgrad/core/factory.hpp"
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

Tensor dirac_(Tensor tensor, int64_t groups) {
  const int64_t dims = tensor.dim();
  XGRAD_CHECK_T(ValueError, dims >= 3 && dims <= 5, "Only tensors with 3, 4, or 5 dimensions are supported");
  XGRAD_CHECK_T(ValueError, groups > 0 && tensor.size(0) % groups == 0, "dim 0 must be divisible by groups");
  const int64_t out_per_group = tensor.size(0) / groups;
  const int64_t min_dim = std::min(out_per_group, tensor.size(1));
  NoGradGuard no_grad;
  tensor.zero_();
  for (int64_t g = 0; g < groups; ++g)
    for (int64_t d = 0; d < min_dim; ++d) {
      Tensor kernel = tensor[g * out_per_group + d][d];  // the spatial dims of one (out, in) pair
      while (kernel.dim() > 0) kernel = kernel[kernel.size(0) / 2];
      kernel.fill_(1);
    }
  return tensor;
}

namespace {
// orthogonal_'s matrix: the Q of a normal (m x n) matrix, each column times the sign of R's
// diagonal entry, in the matrix's dtype. Returns the m x n product, row-major.
template <class T>
Tensor signed_q(const Tensor& normal) {
  const int64_t m = normal.size(0), n = normal.size(1);  // m >= n here
  Tensor a = normal.contiguous();
  std::vector<T> q, r;
  kernels::qr_reduced(a.data_ptr<T>(), m, n, q, r);
  Tensor out = empty({m, n}, normal.options());
  T* o = out.data_ptr<T>();
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      const T d = r[static_cast<size_t>(j * n + j)];
      const T sign = d > T(0) ? T(1) : d < T(0) ? T(-1) : T(0);  // torch.sign: 0 at 0
      o[i * n + j] = q[static_cast<size_t>(i * n + j)] * sign;
    }
  return out;
}
}  // namespace

Tensor orthogonal_(Tensor tensor, double gain) {
  XGRAD_CHECK_T(ValueError, tensor.dim() >= 2, "Only tensors with 2 or more dimensions are supported");
  if (tensor.numel() == 0) return tensor;  // as torch.nn.init: nothing to fill
  NoGradGuard no_grad;
  const int64_t rows = tensor.size(0), cols = tensor.numel() / rows;
  // The draw comes first, as in PyTorch: an integer tensor fails in normal_, a half one in geqrf.
  Tensor flattened = empty({rows, cols}, tensor.options().requires_grad(false)).normal_(0, 1);
  const ScalarType dt = tensor.scalar_type();
  XGRAD_CHECK(dt == kFloat || dt == kDouble, "\"geqrf_cpu\" not implemented for '{}'", toString(dt));
  if (rows < cols) flattened = flattened.t();  // QR of the tall one, so Q has orthonormal columns
  Tensor q = dt == kFloat ? signed_q<float>(flattened) : signed_q<double>(flattened);
  if (rows < cols) q = q.t();
  tensor.view_as(q).copy_(q);
  tensor.mul_(gain);
  return tensor;
}

Tensor sparse_(Tensor tensor, double sparsity, double std) {
  XGRAD_CHECK_T(ValueError, tensor.dim() == 2, "Only tensors with 2 dimensions are supported");
  const int64_t rows = tensor.size(0), cols = tensor.size(1);
  const auto num_zeros = static_cast<int64_t>(std::ceil(sparsity * static_cast<double>(rows)));
  NoGradGuard no_grad;
  tensor.normal_(0, std);
  for (int64_t c = 0; c < cols; ++c) {
    Tensor order = randperm(rows);  // one draw per column, as PyTorch's loop
    const int64_t* row = order.data_ptr<int64_t>();
    for (int64_t i = 0; i < num_zeros && i < rows; ++i) tensor[row[i]][c].fill_(0);
  }
  return tensor;
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
