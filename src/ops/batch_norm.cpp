// batch_norm.cpp: batch normalisation as PyTorch records it. native_batch_norm is one node,
// NativeBatchNormBackward0; its gradient is native_batch_norm_backward, a node of its own
// (NativeBatchNormBackwardBackward0) whose derivative is composed of ops (PyTorch's
// batchnorm_double_backward), so every order of derivative works. instance_norm is composed of
// them as ATen composes it. The loops are in kernels/batch_norm.hpp. Read next: layer_norm.cpp.
#include <cmath>

#include "kernels/batch_norm.hpp"
#include "ops/op_utils.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"
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

/// An (N, C, d1, ...) tensor seen as (N, C, S), S the product of the spatial sizes.
struct Planes {
  int64_t N = 1, C = 1, S = 1;
};
Planes planes(const Tensor& x) {
  Planes p{x.size(0), x.size(1), 1};
  for (int64_t d = 2; d < x.dim(); ++d) p.S *= x.size(d);
  return p;
}

/// PyTorch's check of an optional per-channel tensor (weight, bias, running_mean, running_var).
void check_per_channel(const Tensor& t, const char* name, int64_t C, ScalarType dtype) {
  if (!t.defined()) return;
  XGRAD_CHECK(t.numel() == C, "{} should contain {} elements not {}", name, C, t.numel());
  XGRAD_CHECK(t.scalar_type() == dtype, "expected scalar type {} but found {}", scalar_type_name(dtype),
              scalar_type_name(t.scalar_type()));
}

template <class T>
const T* data_or_null(const Tensor& t) {
  return t.defined() ? t.data_ptr<T>() : nullptr;
}

/// 1 / sqrt(running_var + eps) per channel, in double then rounded (how ATen's backward takes it).
template <class T>
std::vector<T> running_invstd(const Tensor& running_var, double eps) {
  Tensor rv = detail::contiguous_raw(running_var);
  std::vector<T> out(static_cast<size_t>(rv.numel()));
  for (size_t c = 0; c < out.size(); ++c) out[c] = static_cast<T>(1 / std::sqrt(rv.data_ptr<T>()[c] + eps));
  return out;
}

// ---- batchnorm_double_backward: PyTorch's formula (FunctionsManual.cpp), with ops --------------

/// to_sum summed over every dim but 1, kept as size-1 dims (keepdim) or dropped.
Tensor sum_exclude_dim1(const Tensor& to_sum, bool keepdim = true) {
  Tensor r = sum(to_sum, {0}, keepdim);
  const int64_t start_point_exclusive = keepdim ? 1 : 0;
  for (int64_t dim = r.dim() - 1; dim > start_point_exclusive; --dim) r = sum(r, {dim}, keepdim);
  return r;
}
/// A per-channel vector shaped (1, C, 1, ...) to broadcast against `target`.
Tensor unsqueeze_dim1(const Tensor& src, const Tensor& target) {
  Tensor out = src;
  while (out.dim() < target.dim() - 1) out = unsqueeze(out, 1);
  if (out.dim() == target.dim() - 1) out = unsqueeze(out, 0);
  return out;
}
/// A per-channel vector shaped (C, 1, ...) and expanded to `target`'s shape.
Tensor expand_as_dim1(const Tensor& src, const Tensor& target) {
  Tensor out = src;
  while (out.dim() < target.dim() - 1) out = unsqueeze(out, 1);
  return expand(out, target.sizes());
}

/// The derivatives of native_batch_norm_backward(gO, input, gamma) given the gradients ggI, ggG,
/// ggB of its three results (any may be undefined). With xhat = (x - mu) * invstd and M the count
/// per channel, in training it is the derivative of
///   gI = gamma * invstd / M * (M gO - sum(gO) - xhat * sum(gO * xhat))
/// (mu and invstd depending on x); in evaluation gI = gO * invstd * gamma is linear. Returns
/// (d/dinput, d/dgamma, d/dgO). PyTorch writes the same terms with in-place ops; here they are out
/// of place, which only a third derivative's graph would show.
std::tuple<Tensor, Tensor, Tensor> batchnorm_double_backward(const Tensor& input, const Tensor& gamma,
                                                             const Tensor& ggI, const Tensor& ggG, const Tensor& ggB,
                                                             const Tensor& gO, const Tensor& running_mean,
                                                             const Tensor& running_var, bool training, double eps,
                                                             const Tensor& save_mean, const Tensor& save_invstd) {
  const bool affine = gamma.defined();
  Tensor gamma_expanded, ggG_expanded, ggB_expanded;
  if (affine) {
    gamma_expanded = expand_as_dim1(gamma, input);
    if (ggG.defined()) ggG_expanded = expand_as_dim1(ggG, input);
    if (ggB.defined()) ggB_expanded = expand_as_dim1(ggB, input);
  } else {
    gamma_expanded = ones({}, input.scalar_type());
  }
  int64_t M_count = input.size(0);
  for (int64_t d = 2; d < input.dim(); ++d) M_count *= input.size(d);
  const double M = static_cast<double>(M_count);

  Tensor mu = unsqueeze_dim1(training ? save_mean : running_mean, input);
  Tensor input_sub_mu = input - mu;
  Tensor sigma2_eps_neg_1_2 = unsqueeze_dim1(training ? save_invstd : running_var.add(eps).pow(-0.5), input);
  Tensor sigma2_eps_neg_1 = sigma2_eps_neg_1_2.pow(2);
  Tensor sigma2_eps_neg_3_2 = sigma2_eps_neg_1_2.pow(3);

  // gI: the derivative with respect to the input
  Tensor input_mu_sigma2_neg_3_2 = input_sub_mu * sigma2_eps_neg_3_2;
  Tensor gOinmu_sum = sum_exclude_dim1(gO * input_sub_mu);
  Tensor gO_sum = sum_exclude_dim1(gO);
  Tensor gI;
  if (ggI.defined() && training) {
    Tensor ggI_sum = sum_exclude_dim1(ggI);
    Tensor ggIinmu_sum = sum_exclude_dim1(ggI * input_sub_mu);
    Tensor all_sub = ggI_sum * gO_sum / M - sum_exclude_dim1(gO * ggI) +
                     sigma2_eps_neg_1 * gOinmu_sum * ggIinmu_sum * (3. / M);
    Tensor gI_0t = input_mu_sigma2_neg_3_2 * all_sub / M;
    Tensor gI_1t = ggIinmu_sum * sigma2_eps_neg_3_2 / M * (gO_sum / M - gO);
    Tensor gI_2t = gOinmu_sum * sigma2_eps_neg_3_2 / M * (ggI_sum / M - ggI);
    gI = gamma_expanded * (gI_0t + gI_1t + gI_2t);
  }
  if (affine && ggG.defined()) {  // the gamma term's contribution to gI
    Tensor gI_G_term;
    if (training) {
      Tensor t0 = gO * sigma2_eps_neg_1_2;
      Tensor t1 = sigma2_eps_neg_1_2 * gO_sum / -M;
      Tensor t2 = input_mu_sigma2_neg_3_2 * sum_exclude_dim1(gO * input_sub_mu) / -M;
      gI_G_term = ggG_expanded * (t0 + t1 + t2);
    } else {
      gI_G_term = ggG_expanded * sigma2_eps_neg_1_2 * gO;
    }
    gI = gI.defined() ? gI + gI_G_term : gI_G_term;
  }

  // the first backward's grad_input, as a function of (gO, gamma)
  auto first_back_grad_input = [&](const Tensor& g, const Tensor& gam) {
    Tensor h0 = gam * sigma2_eps_neg_1_2 / M;
    Tensor h1 = g * M - sum_exclude_dim1(g) - input_sub_mu * sigma2_eps_neg_1 * sum_exclude_dim1(g * input_sub_mu);
    return h0 * h1;
  };

  // gG: the derivative with respect to gamma
  Tensor gG;
  if (affine && ggI.defined()) {
    if (training)
      gG = sum_exclude_dim1(ggI * first_back_grad_input(gO, ones({}, sigma2_eps_neg_1_2.scalar_type())), false);
    else
      gG = sum_exclude_dim1(ggI * gO * sigma2_eps_neg_1_2, false);
  }

  // ggO: the derivative with respect to the first backward's incoming gradient
  Tensor ggO;
  if (ggI.defined()) ggO = training ? first_back_grad_input(ggI, gamma_expanded) : ggI * sigma2_eps_neg_1_2 * gamma_expanded;
  if (ggG.defined()) {
    Tensor term = ggG_expanded * input_sub_mu * sigma2_eps_neg_1_2;
    ggO = ggO.defined() ? ggO + term : term;
  }
  if (ggB.defined()) ggO = ggO.defined() ? ggO + ggB_expanded : ggB_expanded;
  return {gI, gG, ggO};
}

}  // namespace

/// native_batch_norm_backward, with xhat = (x - mean) * invstd and M values per channel:
///   training:   gI = w * invstd / M * (M gO - sum(gO) - xhat * sum(gO * xhat))
///   evaluation: gI = gO * w * invstd (invstd from running_var)
///   gW = sum(gO * xhat),  gB = sum(gO)                 (sums over every dim but 1)
/// Recorded as NativeBatchNormBackwardBackward0 (its derivative: batchnorm_double_backward above).
/// saves: gO, input, weight, running stats, save_mean, save_invstd
std::tuple<Tensor, Tensor, Tensor> native_batch_norm_backward(const Tensor& grad_out, const Tensor& input,
                                                              const Tensor& weight, const Tensor& running_mean,
                                                              const Tensor& running_var, const Tensor& save_mean,
                                                              const Tensor& save_invstd, bool train, double eps,
                                                              std::array<bool, 3> output_mask) {
  const ScalarType dtype = input.scalar_type();
  XGRAD_CHECK(input.dim() >= 2, "batch_norm: expected an input with at least 2 dims (N, C, ...), got {}D", input.dim());
  const Planes p = planes(input);
  XGRAD_CHECK(grad_out.sizes().equals(input.sizes()), "batch_norm backward: grad_out of size {} for an input of size {}",
              format_sizes(grad_out.sizes()), format_sizes(input.sizes()));
  XGRAD_CHECK(train ? save_mean.defined() && save_invstd.defined() : running_mean.defined() && running_var.defined(),
              "batch_norm backward: the {} statistics are missing", train ? "saved" : "running");
  Tensor x = detail::contiguous_raw(input), dy = detail::contiguous_raw(detail::convert(grad_out, dtype));
  Tensor gi = detail::make_empty(x.sizes(), dtype), gw = detail::make_empty({p.C}, dtype),
         gb = detail::make_empty({p.C}, dtype);
  visit_floating(dtype, "batch_norm_backward_cpu", [&](auto tag) {
    using T = decltype(tag);
    Tensor w = weight.defined() ? detail::contiguous_raw(weight) : Tensor();
    Tensor mean = detail::contiguous_raw(train ? save_mean : running_mean);
    std::vector<T> eval_invstd;
    const T* invstd = nullptr;
    if (train) {
      invstd = detail::contiguous_raw(save_invstd).data_ptr<T>();
    } else {
      eval_invstd = running_invstd<T>(running_var, eps);
      invstd = eval_invstd.data();
    }
    kernels::batch_norm_backward(dy.data_ptr<T>(), x.data_ptr<T>(), p.N, p.C, p.S, mean.data_ptr<T>(), invstd,
                                 data_or_null<T>(w), train, gi.data_ptr<T>(), gw.data_ptr<T>(), gb.data_ptr<T>());
  });
  std::vector<Tensor> grads = autograd::record_multi(
      "NativeBatchNormBackwardBackward0", {gi, gw, gb}, {grad_out, input, weight},
      save(grad_out, input, weight, running_mean, running_var, save_mean, save_invstd),
      [train, eps](const variable_list& gg, const Tensor& gO, const Tensor& input, const Tensor& weight,
                   const Tensor& running_mean, const Tensor& running_var, const Tensor& save_mean,
                   const Tensor& save_invstd) -> variable_list {
        auto [gI, gG, ggO] = batchnorm_double_backward(input, weight, gg[0], gg[1], gg[2], gO, running_mean,
                                                       running_var, train, eps, save_mean, save_invstd);
        return {ggO, gI, gG};
      });
  return {output_mask[0] ? grads[0] : Tensor(), output_mask[1] ? grads[1] : Tensor(),
          output_mask[2] ? grads[2] : Tensor()};
}

/// native_batch_norm(x, w, b, running_mean, running_var, training, momentum, eps), per channel c:
///   y = (x - mean_c) * invstd_c * w_c + b_c,   invstd_c = 1 / sqrt(var_c + eps)
/// training: mean_c and var_c (biased) of the batch; running_mean and running_var, when given,
///   become momentum * stat + (1 - momentum) * running (with the unbiased variance)
/// evaluation: mean_c, var_c = running_mean_c, running_var_c
/// Derivative: native_batch_norm_backward above.
/// saves: input, weight, running_mean, running_var, save_mean, save_invstd
std::tuple<Tensor, Tensor, Tensor> native_batch_norm(const Tensor& input, const Tensor& weight, const Tensor& bias,
                                                     const Tensor& running_mean, const Tensor& running_var,
                                                     bool training, double momentum, double eps) {
  XGRAD_CHECK(input.dim() >= 2, "batch_norm: expected an input with at least 2 dims (N, C, ...), got {}D", input.dim());
  const ScalarType dtype = input.scalar_type();
  const Planes p = planes(input);
  check_per_channel(weight, "weight", p.C, dtype);
  check_per_channel(bias, "bias", p.C, dtype);
  check_per_channel(running_mean, "running_mean", p.C, dtype);
  check_per_channel(running_var, "running_var", p.C, dtype);
  XGRAD_CHECK(training || running_mean.defined(), "running_mean must be defined in evaluation mode");
  XGRAD_CHECK(training || running_var.defined(), "running_var must be defined in evaluation mode");

  Tensor x = detail::contiguous_raw(input);
  Tensor out = detail::make_empty(x.sizes(), dtype);
  Tensor save_mean = detail::make_empty({training ? p.C : 0}, dtype);
  Tensor save_invstd = detail::make_empty({training ? p.C : 0}, dtype);
  visit_floating(dtype, "batch_norm", [&](auto tag) {
    using T = decltype(tag);
    Tensor w = weight.defined() ? detail::contiguous_raw(weight) : Tensor();
    Tensor b = bias.defined() ? detail::contiguous_raw(bias) : Tensor();
    if (training) {
      // The running statistics are updated in place (without a version bump, as in PyTorch).
      Tensor rm = running_mean.defined() ? detail::contiguous_raw(running_mean) : Tensor();
      Tensor rv = running_var.defined() ? detail::contiguous_raw(running_var) : Tensor();
      std::vector<T> var_sum(static_cast<size_t>(p.C));
      kernels::batch_norm_collect_stats(x.data_ptr<T>(), p.N, p.C, p.S, save_mean.data_ptr<T>(), var_sum.data());
      kernels::batch_norm_update_stats(save_mean.data_ptr<T>(), var_sum.data(), p.C, p.N * p.S, momentum, eps,
                                       save_invstd.data_ptr<T>(), rm.defined() ? rm.data_ptr<T>() : nullptr,
                                       rv.defined() ? rv.data_ptr<T>() : nullptr);
      if (rm.defined() && !rm.is_same(running_mean)) detail::copy_raw(running_mean, rm);
      if (rv.defined() && !rv.is_same(running_var)) detail::copy_raw(running_var, rv);
      kernels::batch_norm_transform(x.data_ptr<T>(), out.data_ptr<T>(), p.N, p.C, p.S, save_mean.data_ptr<T>(),
                                    save_invstd.data_ptr<T>(), data_or_null<T>(w), data_or_null<T>(b));
    } else {
      Tensor rm = detail::contiguous_raw(running_mean), rv = detail::contiguous_raw(running_var);
      std::vector<T> invstd(static_cast<size_t>(p.C));
      for (int64_t c = 0; c < p.C; ++c) invstd[c] = T(1) / std::sqrt(rv.data_ptr<T>()[c] + static_cast<T>(eps));
      kernels::batch_norm_transform(x.data_ptr<T>(), out.data_ptr<T>(), p.N, p.C, p.S, rm.data_ptr<T>(),
                                    invstd.data(), data_or_null<T>(w), data_or_null<T>(b));
    }
  });
  out = record("NativeBatchNormBackward0", out, {input, weight, bias},
               save(input, weight, running_mean, running_var, save_mean, save_invstd),
               [training, eps](const Tensor& grad, const Tensor& input, const Tensor& weight, const Tensor& running_mean,
                               const Tensor& running_var, const Tensor& save_mean,
                               const Tensor& save_invstd) -> variable_list {
                 auto [gi, gw, gb] = native_batch_norm_backward(
                     grad, input, weight, running_mean, running_var, save_mean, save_invstd, training, eps,
                     {needs_input_grad(0), needs_input_grad(1), needs_input_grad(2)});
                 return {gi, gw, gb};
               });
  return {out, save_mean, save_invstd};
}

/// batch_norm: native_batch_norm's output after ATen's checks (_batch_norm_impl_index); an empty
/// input gives a copy scaled by weight[0] and shifted by bias[0] (what ATen returns then).
Tensor batch_norm(const Tensor& input, const Tensor& weight, const Tensor& bias, const Tensor& running_mean,
                  const Tensor& running_var, bool training, double momentum, double eps, bool) {
  XGRAD_CHECK(input.dim() >= 2, "batch_norm: expected an input with at least 2 dims (N, C, ...), got {}D", input.dim());
  if (input.numel() == 0) {
    Tensor out = input.clone();
    if (weight.defined()) out = out * weight[0];
    if (bias.defined()) out = out + bias[0];
    return out;
  }
  return std::get<0>(native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps));
}

/// instance_norm: the input viewed as one sample of N * C channels, batch-normalised with the
/// weight, bias and running statistics repeated N times; the running statistics then become the
/// mean over the N copies. (ATen's composition, so the graph reads ViewBackward0 <-
/// NativeBatchNormBackward0 <- RepeatBackward0 for the weight.)
Tensor instance_norm(const Tensor& input, const Tensor& weight, const Tensor& bias, const Tensor& running_mean,
                     const Tensor& running_var, bool use_input_stats, double momentum, double eps, bool cudnn_enabled) {
  XGRAD_CHECK(use_input_stats || (running_mean.defined() && running_var.defined()),
              "Expected running_mean and running_var to be defined when use_input_stats is false");
  XGRAD_CHECK(input.dim() >= 2, "instance_norm: expected an input with at least 2 dims (N, C, ...), got {}D",
              input.dim());
  const int64_t b = input.size(0), c = input.size(1);
  DimVector shape(input.sizes());
  shape[1] = b * c;
  shape[0] = 1;
  auto repeat_if_defined = [b](const Tensor& t) { return t.defined() ? repeat(t, {b}) : t; };
  Tensor weight_ = repeat_if_defined(weight), bias_ = repeat_if_defined(bias);
  Tensor running_mean_ = repeat_if_defined(running_mean), running_var_ = repeat_if_defined(running_var);
  Tensor input_reshaped = view(input.contiguous(), shape);
  Tensor out = batch_norm(input_reshaped, weight_, bias_, running_mean_, running_var_, use_input_stats, momentum, eps,
                          cudnn_enabled);
  Tensor rm = running_mean, rv = running_var;  // handles: copy_ writes into the caller's buffers
  if (rm.defined()) rm.copy_(view(running_mean_, {b, c}).mean({0}, false));
  if (rv.defined()) rv.copy_(view(running_var_, {b, c}).mean({0}, false));
  return view(out, input.sizes());
}

}  // namespace xgrad
