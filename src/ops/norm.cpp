// norm.cpp: vector p-norms of all elements or over dims (torch::norm, Tensor::norm), the building
// block of pairwise_distance. One node (NormBackward1, Python's name for both forms), whose backward is
// PyTorch's norm_backward written with ops, so a create_graph gradient has PyTorch's graph.
// Read next: nn/modules/distance.cpp, the F:: and module forms.
#include <algorithm>
#include <cmath>
#include <limits>

#include "ops/op_utils.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/indexing.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

using autograd::record;
using autograd::save;
using autograd::variable_list;

namespace {

/// The reduced dims, wrapped and sorted; all dims when `dim` is empty. Repeated dims are refused
/// with linalg.vector_norm's message.
std::vector<int64_t> reduced_dims(const Tensor& x, IntArrayRef dim) {
  std::vector<int64_t> dims;
  if (dim.empty()) {
    for (int64_t d = 0; d < x.dim(); ++d) dims.push_back(d);
    return dims;
  }
  for (int64_t d : dim) dims.push_back(maybe_wrap_dim(d, x.dim()));
  std::sort(dims.begin(), dims.end());
  XGRAD_CHECK(std::adjacent_find(dims.begin(), dims.end()) == dims.end(), "Expected dims to be different, got {} instead",
              format_sizes(dim));
  return dims;
}

/// The norm's value (no graph).
Tensor norm_raw(const Tensor& x, double p, const std::vector<int64_t>& dims, bool keepdim) {
  NoGradGuard no_grad;
  if (p == 2) return sqrt(sum(x * x, dims, keepdim));
  if (p == 1) return sum(abs(x), dims, keepdim);
  if (std::isinf(p)) return p > 0 ? amax(abs(x), dims, keepdim) : amin(abs(x), dims, keepdim);
  if (p == 0) return sum(ne(x, 0).to(x.scalar_type()), dims, keepdim);
  return pow(sum(pow(abs(x), p), dims, keepdim), 1.0 / p);
}

/// Puts back the reduced dims of a result that dropped them (PyTorch's unsqueeze_multiple).
Tensor unsqueeze_multiple(Tensor t, const std::vector<int64_t>& dims) {
  for (int64_t d : dims) t = t.unsqueeze(d);
  return t;
}

/// PyTorch's norm_backward(grad, self, p, norm, dim, keepdim):
///   p = 1:      sgn(x) * grad
///   p = 2:      grad * (x / norm), 0 where norm == 0
///   p = inf:    sgn(x) * grad / (number of maxima) at the maxima of |x|
///   p < 1:      sgn(x) |x|^(p-1) (0 where x == 0) * grad * norm^(1-p)
///   p < 2:      sgn(x) |x|^(p-1) * grad / norm^(p-1), 0 where norm == 0
///   otherwise:  x |x|^(p-2) * grad / norm^(p-1), 0 where norm == 0
///   p = 0:      no gradient
Tensor norm_backward(Tensor grad, const Tensor& self, double p, Tensor norm, const std::vector<int64_t>& dims,
                     bool keepdim) {
  if (!keepdim && self.dim() != 0) {
    grad = unsqueeze_multiple(grad, dims);
    norm = unsqueeze_multiple(norm, dims);
  }
  if (p == 0.0) return Tensor();
  if (p == 1.0) return sgn(self) * grad;
  if (p == 2.0) return grad * masked_fill(self / norm, norm == 0, 0);
  if (std::isinf(p)) {
    Tensor self_abs = abs(self);
    Tensor mask = logical_or(eq(self_abs, norm), isnan(self_abs));
    return sgn(self) * ((grad / sum(mask, dims, true)) * mask);
  }
  if (p < 1.0) {
    Tensor self_scaled = sgn(self) * masked_fill(pow(abs(self), p - 1), self == 0, 0);
    return self_scaled * grad * pow(norm, 1 - p);
  }
  Tensor self_scaled = p < 2.0 ? sgn(self) * pow(abs(self), p - 1) : self * pow(abs(self), p - 2);
  Tensor scale_v = masked_fill(grad / pow(norm, p - 1), norm == 0, 0);
  return self_scaled * scale_v;
}

void check_norm_input(const Tensor& x) {
  XGRAD_CHECK(is_floating_point(x.scalar_type()),
              "norm(): input dtype should be either floating point or complex. Got {} instead.",
              scalar_type_name(x.scalar_type()));
}

}  // namespace

/// norm(x, p) = (sum |x|^p)^(1/p) over all elements
/// d/dx = norm_backward(grad, x, p, result)      saves: x, result
/// Recorded as NormBackward1, as Python's x.norm() and torch.norm(x) are (they pass every dim);
/// libtorch's at::norm(x, p) names its node NormBackward0. See the handbook: Python's name wins.
Tensor norm(const Tensor& x, const Scalar& p) {
  check_norm_input(x);
  const double pv = p.toDouble();
  std::vector<int64_t> dims = reduced_dims(x, {});
  Tensor y = norm_raw(x, pv, dims, false);
  return record("NormBackward1", y, {x}, save(x, y), [pv, dims](const Tensor& g, const Tensor& x, const Tensor& y) -> variable_list {
    return {norm_backward(g, x, pv, y, dims, false)};
  });
}

/// norm(x, p, dim, keepdim) = (sum over dim of |x|^p)^(1/p) (p = 2 when not given)
/// d/dx = norm_backward(grad, x, p, result, dim, keepdim)      saves: x, result
Tensor norm(const Tensor& x, const std::optional<Scalar>& p, IntArrayRef dim, bool keepdim) {
  check_norm_input(x);
  const double pv = p ? p->toDouble() : 2.0;
  std::vector<int64_t> dims = reduced_dims(x, dim);
  Tensor y = norm_raw(x, pv, dims, keepdim);
  return record("NormBackward1", y, {x}, save(x, y),
                [pv, dims, keepdim](const Tensor& g, const Tensor& x, const Tensor& y) -> variable_list {
                  return {norm_backward(g, x, pv, y, dims, keepdim)};
                });
}

}  // namespace xgrad
