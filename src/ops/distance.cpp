// distance.cpp: distances and similarities between batches of vectors, composed of ops exactly as
// ATen composes them (so grad_fn chains and create_graph graphs are PyTorch's):
// pairwise_distance (a norm of x1 - x2 + eps), cosine_similarity, and the bilinear form
// x1^T A x2 + b through _trilinear, one node (TrilinearBackward0) whose backward is _trilinear
// again. Read next: norm.cpp, the norm pairwise_distance is made of.
#include <algorithm>
#include <bitset>

#include "kernels/pdist.hpp"
#include "ops/op_utils.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/ops/distance.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/linalg.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

using autograd::needs_input_grad;
using autograd::record;
using autograd::save;
using autograd::variable_list;

/// pairwise_distance(x1, x2) = || x1 - x2 + eps ||_p over the last dim (of the broadcast shape)
/// Composite: SubBackward0, AddBackward1, NormBackward1, as ATen.
Tensor pairwise_distance(const Tensor& x1, const Tensor& x2, double p, double eps, bool keepdim) {
  const int64_t output_dim = std::max(x1.dim(), x2.dim());
  const int64_t innermost_dim = output_dim - 1;
  return norm(detail::add_scalar_aten(x1 - x2, eps), p, {innermost_dim}, keepdim);
}

/// cosine_similarity(x1, x2) = sum(x1 / ||x1|| * x2 / ||x2||, dim), each squared norm clamped at
/// eps^2 (without a graph) before its square root, as ATen 1.13 computes it.
Tensor cosine_similarity(const Tensor& x1_in, const Tensor& x2_in, int64_t dim, double eps) {
  const ScalarType common = result_type(x1_in, x2_in);
  XGRAD_CHECK(is_floating_point(common), "expected common dtype to be floating point, yet common dtype is {}",
              scalar_type_name(common));
  DimVector common_size = infer_size(x1_in.sizes(), x2_in.sizes());
  Tensor x1 = x1_in.to(common).expand(common_size);
  Tensor x2 = x2_in.to(common).expand(common_size);
  Tensor x1_squared_norm = pow(x1, 2).sum({dim}, true);
  Tensor x2_squared_norm = pow(x2, 2).sum({dim}, true);
  {
    NoGradGuard no_grad;
    x1_squared_norm.clamp_min_(eps * eps);
    x2_squared_norm.clamp_min_(eps * eps);
  }
  Tensor x1_normalized = x1.div(sqrt(x1_squared_norm));
  Tensor x2_normalized = x2.div(sqrt(x2_squared_norm));
  return sum(x1_normalized * x2_normalized, {dim});
}

/// pdist(x)[k] = || x_i - x_j ||_p for the k-th pair of rows i < j of x (n x m): n (n - 1) / 2 values
/// d/dx_i = grad_k f(x_i - x_j), d/dx_j = -grad_k f(x_i - x_j), f in kernels/pdist.hpp
/// saves: the (contiguous) input and the result. One node, PdistBackward0, whose backward PyTorch
/// cannot differentiate (_pdist_backward has no derivative).
Tensor pdist(const Tensor& input, double p) {
  XGRAD_CHECK(input.dim() == 2, "pdist only supports 2D tensors, got: {}D", input.dim());
  XGRAD_CHECK(is_floating_point(input.scalar_type()), "pdist only supports floating-point dtypes");
  XGRAD_CHECK(p >= 0, "pdist only supports non-negative p values");
  Tensor self = input.contiguous();  // ATen: _pdist_forward(self.contiguous(), p)
  const int64_t n = self.size(0), m = self.size(1);
  const int64_t pairs = n > 1 ? n * (n - 1) / 2 : 0;
  Tensor raw = detail::contiguous_raw(self);
  Tensor out = detail::make_empty({pairs}, self.scalar_type());
  visit_floating(self.scalar_type(), "pdist", [&](auto tag) {
    using T = decltype(tag);
    kernels::pdist_forward<T>(raw.data_ptr<T>(), n, m, p, out.data_ptr<T>());
  });
  Tensor dist = detail::contiguous_raw(out, /*force=*/true);  // saving the output itself would make a cycle
  return record("PdistBackward0", out, {self}, save(self),
                [p, dist, n, m](const Tensor& g, const Tensor& self) -> variable_list {
                  Tensor gc = detail::contiguous_raw(g), xc = detail::contiguous_raw(self);
                  Tensor grad = detail::make_empty({n, m}, self.scalar_type());
                  visit_floating(self.scalar_type(), "_pdist_backward", [&](auto tag) {
                    using T = decltype(tag);
                    kernels::pdist_backward<T>(gc.data_ptr<T>(), xc.data_ptr<T>(), n, m, p, dist.data_ptr<T>(),
                                               grad.data_ptr<T>());
                  });
                  return {record("NotImplemented", grad, {g, self}, [](const Tensor&) -> variable_list {
                    throw NotImplementedError("the derivative for '_pdist_backward' is not implemented.");
                  })};
                });
}

namespace {
constexpr size_t kMaxTrilinearDims = 64;
using DimBits = std::bitset<kMaxTrilinearDims>;

DimBits to_bits(IntArrayRef dims, int64_t total) {
  DimBits bits;
  for (int64_t d : dims) {
    int64_t w = maybe_wrap_dim(d, total);
    XGRAD_CHECK(!bits[static_cast<size_t>(w)], "dim {} appears multiple times in the list of dims", w);
    bits[static_cast<size_t>(w)] = true;
  }
  return bits;
}

/// sum over sum_dims of left * right (same rank, broadcasting size-1 dims), keeping the summed dims
/// as size 1: ATen's sumproduct_pair, one batched matrix product after permuting the dims into
/// (both, left only, summed) x (both, summed, right only). No graph.
Tensor sumproduct_pair(Tensor left, Tensor right, const std::vector<int64_t>& sum_dims) {
  if (sum_dims.empty()) return left * right;
  const int64_t dim = left.dim();
  DimBits summed = to_bits(sum_dims, dim);
  std::vector<int64_t> lro, lo, ro;
  int64_t lro_size = 1, lo_size = 1, ro_size = 1, sum_size = 1;
  for (int64_t i = 0; i < dim; ++i) {
    const bool sl = left.size(i) > 1, sr = right.size(i) > 1;
    if (summed[static_cast<size_t>(i)]) {
      if (sl && sr) {
        XGRAD_CHECK(left.size(i) == right.size(i), "non-broadcast dimensions must match");
        sum_size *= left.size(i);
      } else if (sl) {
        left = left.sum({i}, true);
      } else if (sr) {
        right = right.sum({i}, true);
      }
    } else if (sl && sr) {
      XGRAD_CHECK(left.size(i) == right.size(i), "non-broadcast dimensions must match");
      lro.push_back(i);
      lro_size *= left.size(i);
    } else if (sl) {
      lo.push_back(i);
      lo_size *= left.size(i);
    } else {
      ro.push_back(i);
      ro_size *= right.size(i);
    }
  }
  DimVector out_size;
  std::vector<int64_t> lperm, rperm, operm(static_cast<size_t>(dim), -1);
  for (int64_t d : lro) out_size.push_back(left.size(d));
  for (int64_t d : lo) out_size.push_back(left.size(d));
  for (size_t k = 0; k < sum_dims.size(); ++k) out_size.push_back(1);
  for (int64_t d : ro) out_size.push_back(right.size(d));
  auto append = [](std::vector<int64_t>& to, const std::vector<int64_t>& from) { to.insert(to.end(), from.begin(), from.end()); };
  append(lperm, lro), append(lperm, lo), append(lperm, sum_dims), append(lperm, ro);
  append(rperm, lro), append(rperm, sum_dims), append(rperm, ro), append(rperm, lo);
  int64_t pos = 0;
  for (const std::vector<int64_t>* group : std::initializer_list<const std::vector<int64_t>*>{&lro, &lo, &sum_dims, &ro})
    for (int64_t d : *group) operm[static_cast<size_t>(d)] = pos++;
  Tensor l = left.permute(lperm).reshape({lro_size, lo_size, sum_size});
  Tensor r = right.permute(rperm).reshape({lro_size, sum_size, ro_size});
  Tensor result = l.scalar_type() == kBool ? (l.unsqueeze(3) * r.unsqueeze(1)).sum({2}) : bmm(l, r);
  return result.reshape(out_size).permute(operm);
}
}  // namespace

/// _trilinear(i1, i2, i3, expand1, expand2, expand3, sumdim): each input unsqueezed at its expand
/// dims to the common rank, then the sum over sumdim of i1 * i2 * i3, with sumdim dropped.
/// d/di1 = _trilinear(grad, i2, i3, sumdim, expand2, expand3, expand1), and likewise for i2, i3
/// (PyTorch's _trilinear_backward)      saves: i1, i2, i3
Tensor _trilinear(const Tensor& i1, const Tensor& i2, const Tensor& i3, IntArrayRef expand1, IntArrayRef expand2,
                  IntArrayRef expand3, IntArrayRef sumdim, int64_t unroll_dim) {
  const int64_t total = i1.dim() + static_cast<int64_t>(expand1.size());
  XGRAD_CHECK(unroll_dim >= 0 && unroll_dim < total, "unroll_dim must be in [0,{}]", total - 1);
  XGRAD_CHECK(total <= static_cast<int64_t>(kMaxTrilinearDims), "_trilinear: too many dimensions");
  XGRAD_CHECK(i2.dim() + static_cast<int64_t>(expand2.size()) == total &&
                  i3.dim() + static_cast<int64_t>(expand3.size()) == total,
              "number of dimensions must match");
  DimBits e1 = to_bits(expand1, total), e2 = to_bits(expand2, total), e3 = to_bits(expand3, total);
  DimBits summed = to_bits(sumdim, total);
  Tensor out;
  {
    NoGradGuard no_grad;
    Tensor a = i1.detach(), b = i2.detach(), c = i3.detach();
    std::vector<int64_t> sum_dims_12, sum_dims_23;
    DimVector output_size;
    for (int64_t i = 0; i < total; ++i) {
      const size_t k = static_cast<size_t>(i);
      int64_t s = 0;
      if (e1[k]) a = a.unsqueeze(i); else s = a.size(i);
      if (e2[k]) b = b.unsqueeze(i); else s = b.size(i);
      if (e3[k]) {
        c = c.unsqueeze(i);
        if (summed[k]) sum_dims_12.push_back(i);
      } else {
        s = c.size(i);
        if (summed[k]) sum_dims_23.push_back(i);
      }
      output_size.push_back(summed[k] ? 1 : s);
    }
    if (a.numel() == 0 || b.numel() == 0 || c.numel() == 0) {
      out = zeros(output_size, a.scalar_type());
    } else {
      out = sumproduct_pair(sumproduct_pair(a, b, sum_dims_12), c, sum_dims_23);
    }
    DimVector squeezed;
    for (int64_t i = 0; i < total; ++i)
      if (!summed[static_cast<size_t>(i)]) squeezed.push_back(out.size(i));
    out = out.reshape(squeezed).contiguous();
  }
  std::vector<int64_t> x1(expand1.begin(), expand1.end()), x2(expand2.begin(), expand2.end()),
      x3(expand3.begin(), expand3.end()), sd(sumdim.begin(), sumdim.end());
  return record("TrilinearBackward0", out, {i1, i2, i3}, save(i1, i2, i3),
                [x1, x2, x3, sd](const Tensor& g, const Tensor& i1, const Tensor& i2, const Tensor& i3) -> variable_list {
                  return {needs_input_grad(0) ? _trilinear(g, i2, i3, sd, x2, x3, x1) : Tensor(),
                          needs_input_grad(1) ? _trilinear(i1, g, i3, x1, sd, x3, x2) : Tensor(),
                          needs_input_grad(2) ? _trilinear(i1, i2, g, x1, x2, sd, x3) : Tensor()};
                });
}

/// bilinear(x1, x2, A, b)[..., o] = sum_ij x1[..., i] A[o, i, j] x2[..., j] + b[o]
/// Composite as ATen: the inputs flattened to matrices (ReshapeAliasBackward0), _trilinear, the
/// output reshaped, then + bias (AddBackward0).
Tensor bilinear(const Tensor& input1, const Tensor& input2, const Tensor& weight, const Tensor& bias) {
  XGRAD_CHECK(input1.dim() == input2.dim(), "bilinear(): input dimensions do not match: got {} and {}", input1.dim(),
              input2.dim());
  for (int64_t i = 0; i + 1 < input1.dim(); ++i)
    XGRAD_CHECK(input1.size(i) == input2.size(i), "bilinear(): input batch dimensions do not match at dim {}: got {} and {}",
                i, input1.size(i), input2.size(i));
  XGRAD_CHECK(input1.size(input1.dim() - 1) == weight.size(1),
              "bilinear(): input1 size does not match weight size: got {} but expected {}", input1.size(input1.dim() - 1),
              weight.size(1));
  XGRAD_CHECK(input2.size(input2.dim() - 1) == weight.size(2),
              "bilinear(): input2 size does not match weight size: got {} but expected {}", input2.size(input2.dim() - 1),
              weight.size(2));
  XGRAD_CHECK(!bias.defined() || bias.size(0) == weight.size(0),
              "bilinear(): bias size does not match weight size: got {} but expected {}", bias.defined() ? bias.size(0) : 0,
              weight.size(0));
  DimVector output_size(IntArrayRef(input1.sizes().data(), static_cast<size_t>(input1.dim() - 1)));
  output_size.push_back(weight.size(0));
  Tensor x1 = input1.reshape({-1, input1.size(-1)});
  Tensor x2 = input2.reshape({-1, input2.size(-1)});
  Tensor output = _trilinear(x1, weight, x2, {1, 3}, {0}, {1, 2}, {2, 3}).reshape(output_size);
  if (bias.defined()) output = output + bias;
  return output;
}

}  // namespace xgrad
