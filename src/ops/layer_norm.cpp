// layer_norm.cpp: layer and group normalisation as PyTorch records them. native_layer_norm is one
// node (NativeLayerNormBackward0) whose gradient is a node too (NativeLayerNormBackwardBackward0,
// derivative: PyTorch's layer_norm_double_backward). native_group_norm is one node with three
// differentiable outputs (NativeGroupNormBackward0); its backward is a fused kernel, except under
// create_graph (or when mean or rstd has a gradient), where it is composed of ops as PyTorch's
// infinitely_differentiable_native_group_norm_backward is, so the gradient's graph is PyTorch's.
// The loops are in kernels/layer_norm.hpp. Read next: nn/functional/normalization.cpp.
#include <cmath>

#include "kernels/layer_norm.hpp"
#include "ops/op_utils.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/normalization.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

using autograd::needs_input_grad;
using autograd::record;
using autograd::save;
using autograd::variable_list;

namespace {

template <class T>
T* data_or_null(const Tensor& t) {
  return t.defined() ? t.data_ptr<T>() : nullptr;
}

/// ATen's _check_layer_norm_inputs: the shapes agree; returns (M, N), the rows and their length.
std::pair<int64_t, int64_t> check_layer_norm_inputs(const Tensor& input, IntArrayRef normalized_shape,
                                                    const Tensor& weight, const Tensor& bias) {
  const int64_t normalized_ndim = static_cast<int64_t>(normalized_shape.size());
  XGRAD_CHECK(normalized_ndim >= 1,
              "Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but "
              "got normalized_shape = {}",
              format_sizes(normalized_shape));
  XGRAD_CHECK(!weight.defined() || weight.sizes().equals(normalized_shape),
              "Expected weight to be of same shape as normalized_shape, but got weight of shape {} and "
              "normalized_shape = {}",
              format_sizes(weight.sizes()), format_sizes(normalized_shape));
  XGRAD_CHECK(!bias.defined() || bias.sizes().equals(normalized_shape),
              "Expected bias to be of same shape as normalized_shape, but got bias of shape {} and "
              "normalized_shape = {}",
              format_sizes(bias.sizes()), format_sizes(normalized_shape));
  const int64_t axis = input.dim() - normalized_ndim;
  bool trailing_match = axis >= 0;
  for (int64_t d = 0; trailing_match && d < normalized_ndim; ++d)
    trailing_match = input.size(axis + d) == normalized_shape[static_cast<size_t>(d)];
  if (!trailing_match) {
    std::string expected = "[*";
    for (int64_t s : normalized_shape) expected += ", " + std::to_string(s);
    XGRAD_CHECK(false, "Given normalized_shape={}, expected input with shape {}], but got input of size{}",
                format_sizes(normalized_shape), expected, format_sizes(input.sizes()));
  }
  int64_t M = 1, N = 1;
  for (int64_t d = 0; d < input.dim(); ++d) (d < axis ? M : N) *= input.size(d);
  return {M, N};
}

/// PyTorch's layer_norm_double_backward (FunctionsManual.cpp): the derivatives of
/// native_layer_norm_backward(gO, input, gamma) given the gradients ggI, ggG, ggB of its results,
/// as (d/dinput, d/dgamma, d/dgO); the rows are (M, N), xhat = (x - mu) * rstd:
///   gI = rstd / N * (N gxhat - sum(gxhat) - xhat * sum(gxhat * xhat)),  gxhat = gO * gamma
/// differentiated with respect to x (through mu and rstd), gamma and gO.
std::tuple<Tensor, Tensor, Tensor> layer_norm_double_backward(const Tensor& input_t, const Tensor& gamma,
                                                              const Tensor& ggI, const Tensor& ggG, const Tensor& ggB,
                                                              const Tensor& gO_t, const Tensor& save_mean_t,
                                                              const Tensor& save_invstd_t, IntArrayRef normalized_shape) {
  const int64_t axis = input_t.dim() - static_cast<int64_t>(normalized_shape.size());
  int64_t M = 1, N_count = 1;
  for (int64_t d = 0; d < input_t.dim(); ++d) (d < axis ? M : N_count) *= input_t.size(d);
  const double N = static_cast<double>(N_count);
  Tensor input = reshape(input_t, {M, N_count}), gO = reshape(gO_t, {M, N_count});
  Tensor save_mean = reshape(save_mean_t, {M, 1}), save_invstd = reshape(save_invstd_t, {M, 1});
  const bool affine = gamma.defined();
  Tensor gamma_expanded, ggG_expanded, ggB_expanded, ggI_expanded;
  if (affine) {
    gamma_expanded = reshape(gamma, {1, N_count});
    if (ggG.defined()) ggG_expanded = reshape(ggG, {1, N_count});
    if (ggB.defined()) ggB_expanded = reshape(ggB, {1, N_count});
  } else {
    gamma_expanded = ones({1}, input.scalar_type());
  }
  if (ggI.defined()) ggI_expanded = reshape(ggI, {M, N_count});
  Tensor input_sub_mu = input - save_mean;
  const Tensor& sigma2_eps_neg_1_2 = save_invstd;
  Tensor sigma2_eps_neg_1 = sigma2_eps_neg_1_2.pow(2), sigma2_eps_neg_3_2 = sigma2_eps_neg_1_2.pow(3);
  Tensor input_mu_sigma2_neg_3_2 = input_sub_mu * sigma2_eps_neg_3_2;

  Tensor gI;
  if (ggI.defined()) {
    Tensor gxhat = gO * gamma_expanded;
    Tensor gxhat_mu_sum = sum(gxhat * input_sub_mu, {1}, true), gxhat_sum = sum(gxhat, {1}, true);
    Tensor ggI_sum = sum(ggI_expanded, {1}, true), ggI_mu_sum = sum(ggI_expanded * input_sub_mu, {1}, true);
    Tensor all_sub = ggI_sum * gxhat_sum / N - sum(ggI_expanded * gxhat, {1}, true) +
                     sigma2_eps_neg_1 * gxhat_mu_sum * ggI_mu_sum * (3. / N);
    Tensor gI_0t = input_mu_sigma2_neg_3_2 * all_sub / N;
    Tensor gI_1t = ggI_mu_sum * sigma2_eps_neg_3_2 / N * (gxhat_sum / N - gxhat);
    Tensor gI_2t = gxhat_mu_sum * sigma2_eps_neg_3_2 / N * (ggI_sum / N - ggI_expanded);
    gI = gI_0t + gI_1t + gI_2t;
  }
  if (affine && ggG.defined()) {  // the gamma term's contribution to gI
    Tensor t0 = gO * ggG_expanded * sigma2_eps_neg_1_2;
    Tensor t1 = sigma2_eps_neg_1_2 * sum(gO * ggG_expanded, {1}, true) / -N;
    Tensor t2 = input_mu_sigma2_neg_3_2 * sum(gO * ggG_expanded * input_sub_mu, {1}, true) / -N;
    Tensor term = t0 + t1 + t2;
    gI = gI.defined() ? gI + term : term;
  }
  if (gI.defined()) gI = reshape(gI, input_t.sizes());

  auto first_bwd_fn_grad_input = [&](const Tensor& g, const Tensor& gam) {
    Tensor h0 = gam * sigma2_eps_neg_1_2 / N;
    Tensor h1 = g * N - sum(g, {1}, true) - input_sub_mu * sigma2_eps_neg_1 * sum(g * input_sub_mu, {1}, true);
    return h0 * h1;
  };
  Tensor gG;
  if (affine && ggI.defined())
    gG = reshape(sum(gO * first_bwd_fn_grad_input(ggI_expanded, ones({}, input.scalar_type())), {0}), gamma.sizes());
  Tensor ggO;
  if (ggI.defined()) ggO = first_bwd_fn_grad_input(ggI_expanded, gamma_expanded);
  if (ggG.defined()) {
    Tensor term = ggG_expanded * input_sub_mu * sigma2_eps_neg_1_2;
    ggO = ggO.defined() ? ggO + term : term;
  }
  if (ggB.defined()) ggO = ggO.defined() ? ggO + ggB_expanded : ggB_expanded;
  if (ggO.defined()) ggO = reshape(expand(ggO, {M, N_count}), input_t.sizes());
  return {gI, gG, ggO};
}

/// t.unsqueeze_(dim) as PyTorch's C++ writes it on a fresh result: recorded as the in-place
/// node, UnsqueezeBackward1 (d/dt: grad.squeeze(dim)).
Tensor unsqueeze_in_place(const Tensor& t, int64_t dim) {
  Tensor out;
  {
    NoGradGuard no_grad;
    out = unsqueeze(t, dim);
  }
  dim = maybe_wrap_dim(dim, t.dim() + 1);
  return record("UnsqueezeBackward1", out, {t}, [dim](const Tensor& g) -> variable_list { return {squeeze(g, dim)}; });
}

/// PyTorch's infinitely_differentiable_native_group_norm_backward: group norm's gradients
/// composed of ops, so that they can be differentiated again (and record PyTorch's graph).
std::tuple<Tensor, Tensor, Tensor> group_norm_backward_composed(const Tensor& dY, const Tensor& dmean,
                                                                const Tensor& drstd, const Tensor& X,
                                                                const Tensor& mean_in, const Tensor& rstd_in,
                                                                const Tensor& gamma, int64_t N, int64_t C, int64_t HxW,
                                                                int64_t G, std::array<bool, 3> mask) {
  const int64_t D = C / G;
  const double s = 1.0 / static_cast<double>(D * HxW);
  Tensor dX, dgamma, dbeta;
  Tensor X_tensor = reshape(X, {N, G, D, HxW});
  Tensor mean_tensor = reshape(mean_in, {N, G, 1, 1}), rstd_tensor = reshape(rstd_in, {N, G, 1, 1});
  Tensor dY_tensor, ds, db;
  if (dY.defined()) {
    dY_tensor = reshape(dY, {N, G, D, HxW});
    ds = unsqueeze_in_place(sum(dY_tensor * X_tensor, {3}), -1);
    db = unsqueeze_in_place(sum(dY_tensor, {3}), -1);
  }
  if (mask[0]) {
    Tensor gamma_tensor = gamma.defined() ? reshape(gamma, {1, G, D, 1}) : Tensor();
    Tensor rstd_cube = rstd_tensor * rstd_tensor * rstd_tensor;
    Tensor dvar;
    if (drstd.defined()) dvar = detail::mul_scalar_aten(rstd_cube, -0.5) * view(drstd, {N, G, 1, 1});
    Tensor mean_part;
    if (dmean.defined() && drstd.defined())
      mean_part = detail::var_mean_backward(dvar, view(dmean, {N, G, 1, 1}), X_tensor, {2, 3}, /*correction=*/0,
                                            /*keepdim=*/true);
    if (dY.defined()) {
      Tensor a = gamma.defined() ? rstd_tensor * gamma_tensor : rstd_tensor;
      Tensor b = unsqueeze_in_place(gamma.defined() ? sum(ds * gamma_tensor, {2}) : sum(ds, {2}), -2);
      Tensor c = unsqueeze_in_place(gamma.defined() ? sum(db * gamma_tensor, {2}) : sum(db, {2}), -2);
      b = detail::mul_scalar_aten((c * mean_tensor - b) * rstd_cube, s);
      c = -b * mean_tensor - detail::mul_scalar_aten(c * rstd_tensor, s);
      dX = a * dY_tensor + b * X_tensor + c;
      if (mean_part.defined()) dX = dX + mean_part;
      dX = reshape(dX, X.sizes());
    } else if (mean_part.defined()) {
      dX = reshape(mean_part, X.sizes());
    }
  }
  if (mask[1] && dY.defined()) dgamma = reshape(sum((ds - db * mean_tensor) * rstd_tensor, {0}), gamma.sizes());
  if (mask[2] && dY.defined()) dbeta = reshape(sum(db, {0}), gamma.sizes());
  return {dX, dgamma, dbeta};
}

/// Group norm's gradients through the fused kernel (no graph).
std::tuple<Tensor, Tensor, Tensor> group_norm_backward_fused(const Tensor& dY_in, const Tensor& X_in,
                                                             const Tensor& mean, const Tensor& rstd,
                                                             const Tensor& gamma, int64_t N, int64_t C, int64_t HxW,
                                                             int64_t G, std::array<bool, 3> mask) {
  const ScalarType dtype = X_in.scalar_type();
  Tensor X = detail::contiguous_raw(X_in), dY = detail::contiguous_raw(detail::convert(dY_in, dtype));
  Tensor dX = mask[0] ? detail::make_empty(X.sizes(), dtype) : Tensor();
  Tensor dgamma = mask[1] ? detail::make_empty({C}, dtype) : Tensor();
  Tensor dbeta = mask[2] ? detail::make_empty({C}, dtype) : Tensor();
  visit_floating(dtype, "GroupNormBackwardKernelImpl", [&](auto tag) {
    using T = decltype(tag);
    Tensor g = gamma.defined() ? detail::contiguous_raw(gamma) : Tensor();
    Tensor m = detail::contiguous_raw(mean), r = detail::contiguous_raw(rstd);
    kernels::group_norm_backward(dY.data_ptr<T>(), X.data_ptr<T>(), m.data_ptr<T>(), r.data_ptr<T>(),
                                 data_or_null<T>(g), N, C, HxW, G, data_or_null<T>(dX), data_or_null<T>(dgamma),
                                 data_or_null<T>(dbeta));
  });
  if (dgamma.defined() && gamma.defined()) dgamma = dgamma.view(gamma.sizes());
  if (dbeta.defined() && gamma.defined()) dbeta = dbeta.view(gamma.sizes());
  return {dX, dgamma, dbeta};
}

}  // namespace

/// native_layer_norm_backward: with xhat = (x - mean) * rstd over each row of N,
///   dx = rstd / N * (N g - sum(g) - xhat * sum(g * xhat)),  g = dy * weight
///   dweight = sum over rows of dy * xhat,  dbias = sum over rows of dy
/// Recorded as NativeLayerNormBackwardBackward0 (derivative: layer_norm_double_backward above).
/// saves: dy, input, mean, rstd, weight
std::tuple<Tensor, Tensor, Tensor> native_layer_norm_backward(const Tensor& grad_out, const Tensor& input,
                                                              IntArrayRef normalized_shape, const Tensor& mean,
                                                              const Tensor& rstd, const Tensor& weight,
                                                              const Tensor& bias, std::array<bool, 3> output_mask) {
  auto [M, N] = check_layer_norm_inputs(input, normalized_shape, weight, bias);
  const ScalarType dtype = input.scalar_type();
  Tensor x = detail::contiguous_raw(input), dy = detail::contiguous_raw(detail::convert(grad_out, dtype));
  Tensor dx = detail::make_empty(x.sizes(), dtype);
  Tensor dw = detail::make_empty(normalized_shape, dtype), db = detail::make_empty(normalized_shape, dtype);
  visit_floating(dtype, "LayerNormBackwardKernelImpl", [&](auto tag) {
    using T = decltype(tag);
    Tensor w = weight.defined() ? detail::contiguous_raw(weight) : Tensor();
    Tensor m = detail::contiguous_raw(mean), r = detail::contiguous_raw(rstd);
    kernels::layer_norm_backward(dy.data_ptr<T>(), x.data_ptr<T>(), m.data_ptr<T>(), r.data_ptr<T>(),
                                 data_or_null<T>(w), M, N, dx.data_ptr<T>(), dw.data_ptr<T>(), db.data_ptr<T>());
  });
  DimVector shape(normalized_shape);
  std::vector<Tensor> grads = autograd::record_multi(
      "NativeLayerNormBackwardBackward0", {dx, dw, db}, {grad_out, input, weight, bias},
      save(grad_out, input, mean, rstd, weight),
      [shape](const variable_list& gg, const Tensor& gO, const Tensor& input, const Tensor& mean, const Tensor& rstd,
              const Tensor& weight) -> variable_list {
        auto [gI, gG, ggO] = layer_norm_double_backward(input, weight, gg[0], gg[1], gg[2], gO, mean, rstd, shape);
        return {ggO, gI, gG, Tensor()};  // PyTorch: bias: Tensor()
      });
  return {output_mask[0] ? grads[0] : Tensor(), output_mask[1] ? grads[1] : Tensor(),
          output_mask[2] ? grads[2] : Tensor()};
}

/// native_layer_norm(x, normalized_shape, w, b, eps): each row (the last dims, normalized_shape)
///   y = (x - mean) / sqrt(var + eps) * w + b      (biased variance; w, b elementwise)
/// Derivative: native_layer_norm_backward above.   saves: input, mean, rstd, weight, bias
std::tuple<Tensor, Tensor, Tensor> native_layer_norm(const Tensor& input, IntArrayRef normalized_shape,
                                                     const Tensor& weight, const Tensor& bias, double eps) {
  auto [M, N] = check_layer_norm_inputs(input, normalized_shape, weight, bias);
  const ScalarType dtype = input.scalar_type();
  Tensor x = detail::contiguous_raw(input);
  Tensor y = detail::make_empty(x.sizes(), dtype);
  DimVector stat_shape;
  const int64_t axis = input.dim() - static_cast<int64_t>(normalized_shape.size());
  for (int64_t d = 0; d < input.dim(); ++d) stat_shape.push_back(d < axis ? input.size(d) : 1);
  Tensor mean = detail::make_empty(stat_shape, dtype), rstd = detail::make_empty(stat_shape, dtype);
  visit_floating(dtype, "LayerNormKernelImpl", [&](auto tag) {
    using T = decltype(tag);
    Tensor w = weight.defined() ? detail::contiguous_raw(weight) : Tensor();
    Tensor b = bias.defined() ? detail::contiguous_raw(bias) : Tensor();
    if (M > 0)
      kernels::layer_norm_forward(x.data_ptr<T>(), data_or_null<T>(w), data_or_null<T>(b), M, N, static_cast<T>(eps),
                                  y.data_ptr<T>(), mean.data_ptr<T>(), rstd.data_ptr<T>());
  });
  DimVector shape(normalized_shape);
  y = record("NativeLayerNormBackward0", y, {input, weight, bias}, save(input, mean, rstd, weight, bias),
             [shape](const Tensor& grad, const Tensor& input, const Tensor& mean, const Tensor& rstd,
                     const Tensor& weight, const Tensor& bias) -> variable_list {
               auto [gi, gw, gb] = native_layer_norm_backward(
                   grad, input, shape, mean, rstd, weight, bias,
                   {needs_input_grad(0), needs_input_grad(1), needs_input_grad(2)});
               return {gi, gw, gb};
             });
  return {y, mean, rstd};
}

Tensor layer_norm(const Tensor& input, IntArrayRef normalized_shape, const Tensor& weight, const Tensor& bias,
                  double eps, bool) {
  return std::get<0>(native_layer_norm(input, normalized_shape, weight, bias, eps));
}

/// native_group_norm(x, w, b, N, C, HxW, G, eps): x seen as (N, G, C / G * HxW), each row
///   y = (x - mean) / sqrt(var + eps), then per channel * w_c + b_c        (biased variance)
/// The mean and rstd outputs (N, G) are differentiable too. Derivatives: the fused kernel, or
/// group_norm_backward_composed under create_graph or with gradients for mean or rstd.
/// saves: input, weight, mean, rstd (the last two its own outputs)
std::tuple<Tensor, Tensor, Tensor> native_group_norm(const Tensor& input, const Tensor& weight, const Tensor& bias,
                                                     int64_t N, int64_t C, int64_t HxW, int64_t group, double eps) {
  XGRAD_CHECK(group > 0, "Expected num groups to be greater than 0, got {}", group);
  XGRAD_CHECK(C % group == 0,
              "Expected number of channels in input to be divisible by num_groups, but got input of shape {} and "
              "num_groups={}",
              format_sizes(input.sizes()), group);
  XGRAD_CHECK(!weight.defined() || (weight.dim() == 1 && weight.numel() == C),
              "Expected weight to be a vector of size equal to the number of channels in input, but got weight of "
              "shape {} and input of shape {}",
              format_sizes(weight.sizes()), format_sizes(input.sizes()));
  XGRAD_CHECK(!bias.defined() || (bias.dim() == 1 && bias.numel() == C),
              "Expected bias to be a vector of size equal to the number of channels in input, but got bias of shape "
              "{} and input of shape {}",  // sic: ATen prints the weight's shape here ([0] when there is none)
              weight.defined() ? format_sizes(weight.sizes()) : std::string("[0]"), format_sizes(input.sizes()));
  XGRAD_CHECK(input.numel() == N * C * HxW, "native_group_norm: input of size {} is not N * C * HxW = {} * {} * {}",
              format_sizes(input.sizes()), N, C, HxW);
  const ScalarType dtype = input.scalar_type();
  Tensor x = detail::contiguous_raw(input);
  Tensor y = detail::make_empty(x.sizes(), dtype);
  Tensor mean = detail::make_empty({N, group}, dtype), rstd = detail::make_empty({N, group}, dtype);
  visit_floating(dtype, "GroupNormKernelImpl", [&](auto tag) {
    using T = decltype(tag);
    Tensor w = weight.defined() ? detail::contiguous_raw(weight) : Tensor();
    Tensor b = bias.defined() ? detail::contiguous_raw(bias) : Tensor();
    kernels::group_norm_forward(x.data_ptr<T>(), data_or_null<T>(w), data_or_null<T>(b), N, C, HxW, group,
                                static_cast<T>(eps), y.data_ptr<T>(), mean.data_ptr<T>(), rstd.data_ptr<T>());
  });
  std::vector<Tensor> outs = autograd::record_multi(
      "NativeGroupNormBackward0", {y, mean, rstd}, {input, weight, bias}, save(input, weight, mean, rstd),
      [N, C, HxW, group](const variable_list& grads, const Tensor& input, const Tensor& weight, const Tensor& mean,
                         const Tensor& rstd) -> variable_list {
        const std::array<bool, 3> mask{needs_input_grad(0), needs_input_grad(1), needs_input_grad(2)};
        std::tuple<Tensor, Tensor, Tensor> g;
        if (GradMode::is_enabled() || grads[1].defined() || grads[2].defined())
          g = group_norm_backward_composed(grads[0], grads[1], grads[2], input, mean, rstd, weight, N, C, HxW, group,
                                           mask);
        else if (grads[0].defined())
          g = group_norm_backward_fused(grads[0], input, mean, rstd, weight, N, C, HxW, group, mask);
        return {std::get<0>(g), std::get<1>(g), std::get<2>(g)};
      });
  return {outs[0], outs[1], outs[2]};
}

/// group_norm: native_group_norm of the input seen as (N, C, HxW), after ATen's checks.
Tensor group_norm(const Tensor& input, int64_t num_groups, const Tensor& weight, const Tensor& bias, double eps,
                  bool) {
  XGRAD_CHECK(input.dim() >= 2, "group_norm: expected an input with at least 2 dims (N, C, ...), got {}D",
              input.dim());
  const int64_t N = input.size(0), C = input.size(1);
  int64_t HxW = 1;
  for (int64_t d = 2; d < input.dim(); ++d) HxW *= input.size(d);
  return std::get<0>(native_group_norm(input.contiguous(), weight.defined() ? weight.contiguous() : weight,
                                       bias.defined() ? bias.contiguous() : bias, N, C, HxW, num_groups, eps));
}

}  // namespace xgrad
