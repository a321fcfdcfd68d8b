// activation_rectifier.cpp: the piecewise-linear activations: hardtanh (and relu6, hardtanh with
// bounds 0 and 6), leaky_relu, threshold, prelu (a learnt slope) and rrelu (a random slope in
// training, drawn as PyTorch draws it), with their in-place forms and their backward nodes.
// Read next: activation_smooth.cpp.
#include <cmath>

#include "kernels/random.hpp"
#include "ops/activation_utils.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/ops/activation.hpp"
#include "xgrad/ops/indexing.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

using autograd::needs_input_grad;
using autograd::record;
using autograd::save;
using autograd::variable_list;

// ---- hardtanh, relu6 -------------------------------------------------------------------------

/// hardtanh_backward(g, x) = g where min < x < max, else 0
/// d/dg = hardtanh_backward(gg, x), d/dx = 0      saves: x
Tensor hardtanh_backward(const Tensor& grad_output, const Tensor& self, const Scalar& min_val, const Scalar& max_val) {
  Tensor out = detail::zip_with(grad_output, self, detail::kFloatOnly("hardshrink_backward_cpu"), kernels::HardtanhBackward{min_val.toDouble(), max_val.toDouble()});
  return record("HardtanhBackwardBackward0", out, {grad_output, self}, save(self),
                [min_val, max_val](const Tensor& gg, const Tensor& x) -> variable_list {
                  return {needs_input_grad(0) ? hardtanh_backward(gg, x, min_val, max_val) : Tensor(),
                          needs_input_grad(1) ? zeros_like(gg) : Tensor()};
                });
}

namespace {
Tensor hardtanh_raw(const Tensor& x, const Scalar& min_val, const Scalar& max_val) {
  XGRAD_CHECK(x.scalar_type() != kBool, "Bool inputs not supported for hardtanh");
  XGRAD_CHECK(x.scalar_type() != kHalf, "\"clamp_scalar_cpu\" not implemented for 'Half'");
  return detail::map_all(x, x.scalar_type(), kernels::Hardtanh{min_val.toDouble(), max_val.toDouble()});
}
/// hardtanh's node; PyTorch saves self for hardtanh_ too (HardtanhBackward0 either way).
Tensor record_hardtanh(const Tensor& x, const Scalar& min_val, const Scalar& max_val) {
  return record("HardtanhBackward0", hardtanh_raw(x, min_val, max_val), {x}, save(x),
                [min_val, max_val](const Tensor& g, const Tensor& x) -> variable_list {
                  return {hardtanh_backward(g, x, min_val, max_val)};
                });
}
}  // namespace

/// hardtanh(x) = min(max(x, min_val), max_val)
/// d/dx = hardtanh_backward(grad, x): grad where min_val < x < max_val, else 0      saves: x
Tensor hardtanh(const Tensor& x, const Scalar& min_val, const Scalar& max_val) {
  return record_hardtanh(x, min_val, max_val);
}
Tensor& hardtanh_(Tensor& x, const Scalar& min_val, const Scalar& max_val) {
  return detail::activation_inplace(x, [&](const Tensor& s) { return record_hardtanh(s, min_val, max_val); });
}
/// relu6(x) = hardtanh(x, 0, 6) (HardtanhBackward0, as in PyTorch)
Tensor relu6(const Tensor& x) { return hardtanh(x, 0, 6); }
Tensor& relu6_(Tensor& x) { return hardtanh_(x, 0, 6); }

// ---- leaky_relu --------------------------------------------------------------------------------

/// leaky_relu_backward(g, x) = g for x > 0, g * negative_slope otherwise (x may be the result:
/// the sign is the same, unless the slope is negative, which the in-place form refuses)
/// d/dg = leaky_relu_backward(gg, x), d/dx = 0      saves: x
Tensor leaky_relu_backward(const Tensor& grad_output, const Tensor& self, const Scalar& negative_slope,
                           bool self_is_result) {
  XGRAD_CHECK(!self_is_result || negative_slope.toDouble() >= 0.0,
              "In-place leakyReLu backward calculation is triggered with a negative slope which is not supported. "
              "This is caused by calling in-place forward function with a negative slope, please call out-of-place "
              "version instead. File an issue at https://github.com/pytorch/pytorch if you do require supporting "
              "in-place leakRelu backward calculation with negative slope");
  Tensor out = detail::zip_with(grad_output, self, detail::kBf16("leaky_relu_backward_cpu"), kernels::LeakyReluBackward{negative_slope.toDouble()});
  return record("LeakyReluBackwardBackward0", out, {grad_output, self}, save(self),
                [negative_slope, self_is_result](const Tensor& gg, const Tensor& x) -> variable_list {
                  return {needs_input_grad(0) ? leaky_relu_backward(gg, x, negative_slope, self_is_result) : Tensor(),
                          needs_input_grad(1) ? zeros_like(gg) : Tensor()};
                });
}

namespace {
Tensor leaky_relu_raw(const Tensor& x, const Scalar& negative_slope) {
  return detail::map_with(x, detail::kBf16("leaky_relu_cpu"), kernels::LeakyRelu{negative_slope.toDouble()});
}
}  // namespace

/// leaky_relu(x) = x for x > 0, negative_slope * x otherwise
/// d/dx = leaky_relu_backward(grad, x, negative_slope, false)      saves: x
Tensor leaky_relu(const Tensor& x, const Scalar& negative_slope) {
  return record("LeakyReluBackward0", leaky_relu_raw(x, negative_slope), {x}, save(x),
                [negative_slope](const Tensor& g, const Tensor& x) -> variable_list {
                  return {leaky_relu_backward(g, x, negative_slope, false)};
                });
}
/// leaky_relu_(x): in place (LeakyReluBackward1, reading the result)      saves: result
Tensor& leaky_relu_(Tensor& x, const Scalar& negative_slope) {
  return detail::activation_inplace(x, [&](const Tensor& s) {
    Tensor y = leaky_relu_raw(s, negative_slope);
    return record("LeakyReluBackward1", y, {s}, save(y), [negative_slope](const Tensor& g, const Tensor& y) -> variable_list {
      return {leaky_relu_backward(g, y, negative_slope, true)};
    });
  });
}

// ---- threshold -----------------------------------------------------------------------------------

namespace {
Tensor threshold_raw(const Tensor& x, const Scalar& threshold, const Scalar& value) {
  const ScalarType dtype = x.scalar_type();
  XGRAD_CHECK(dtype != kBool && dtype != kHalf, "\"threshold_cpu\" not implemented for '{}'", scalar_type_name(dtype));
  // ATen's kernel compares and fills in the tensor's own type: bfloat16 rounds both scalars first
  return detail::map_all(x, dtype, kernels::Threshold{detail::round_to(dtype, threshold.toDouble()),
                                                      detail::round_to(dtype, value.toDouble())});
}
Tensor record_threshold(const char* name, const Tensor& x, const Scalar& threshold, const Scalar& value) {
  return record(name, threshold_raw(x, threshold, value), {x}, save(x), [threshold](const Tensor& g, const Tensor& x) -> variable_list {
    return {threshold_backward(g, x, threshold)};
  });
}
}  // namespace

/// threshold(x) = value where x <= threshold, else x
/// d/dx = threshold_backward(grad, x, threshold): grad where x > threshold, else 0      saves: x
Tensor threshold(const Tensor& x, const Scalar& threshold, const Scalar& value) {
  return record_threshold("ThresholdBackward0", x, threshold, value);
}
/// threshold_(x): in place (ThresholdBackward1, which saves self as it was)
Tensor& threshold_(Tensor& x, const Scalar& threshold, const Scalar& value) {
  return detail::activation_inplace(x, [&](const Tensor& s) { return record_threshold("ThresholdBackward1", s, threshold, value); });
}

// ---- prelu ---------------------------------------------------------------------------------------

namespace {
/// The weight laid over the input: one slope for all, or one per channel (dim 1; dim 0 of a 1-d
/// input), shaped (C, 1, ..., 1) from the channel dim on so that it broadcasts.
Tensor weight_over_input(const Tensor& weight, const Tensor& input) {
  if (weight.numel() == 1 || input.dim() <= 1) return weight.numel() == 1 ? weight.reshape({}) : weight;
  DimVector shape(static_cast<size_t>(input.dim() - 1), 1);
  shape[0] = weight.numel();
  return weight.reshape(shape);
}

void check_prelu(const Tensor& input, const Tensor& weight) {
  XGRAD_CHECK(weight.dim() <= 1, "prelu: Expected `weight` to be a scalar or 1D tensor, but got ndim = {}", weight.dim());
  XGRAD_CHECK(is_floating_point(input.scalar_type()), "\"prelu_cpu\" not implemented for '{}'",
              scalar_type_name(input.scalar_type()));
  XGRAD_CHECK(weight.scalar_type() == input.scalar_type(), "Found dtype {} but expected {}",
              scalar_type_name(weight.scalar_type()), scalar_type_name(input.scalar_type()));
  const int64_t n = weight.numel();
  if (n == 1) return;
  XGRAD_CHECK(input.dim() > 0, "Not allow zero-dim input tensor.");
  const int64_t channels = input.dim() > 1 ? input.size(1) : 1;
  XGRAD_CHECK(channels == n,
              "Mismatch of parameter numbers and input channel size. Found parameter numbers = {} and channel size = {}.",
              n, channels);
}

/// Sums a gradient over every dim but the channel dim, to the weight's shape.
Tensor reduce_to_weight(const Tensor& t, const Tensor& weight) {
  if (weight.numel() == 1) return t.sum().reshape(weight.sizes());
  if (t.dim() <= 1) return t.reshape(weight.sizes());
  std::vector<int64_t> dims;
  for (int64_t d = 0; d < t.dim(); ++d)
    if (d != 1) dims.push_back(d);
  return t.sum(dims).reshape(weight.sizes());
}
}  // namespace

/// prelu_backward(g, x, w) = (g where x > 0 else w g,   sum of x g where x <= 0, per channel)
/// Its derivative (PyTorch's prelu_double_backward), for grads ggx, ggw of its two results:
///   d/dg = ggx (x > 0 ? 1 : w) + ggw x [x <= 0],  d/dx = ggw g [x <= 0],  d/dw = sum(ggx g [x <= 0])
/// saves: g, x, w
std::tuple<Tensor, Tensor> prelu_backward(const Tensor& grad_output, const Tensor& self, const Tensor& weight) {
  Tensor gx, gw;
  {
    NoGradGuard no_grad;
    Tensor w = weight_over_input(weight, self);
    Tensor positive = self > 0;
    gx = where(positive, grad_output, grad_output * w);
    gw = reduce_to_weight(where(positive, zeros({}, self.scalar_type()), self * grad_output), weight);
  }
  auto outs = autograd::record_multi(
      "PreluBackwardBackward0", {gx, gw}, {grad_output, self, weight}, save(grad_output, self, weight),
      [](const variable_list& grads, const Tensor& g, const Tensor& x, const Tensor& w) -> variable_list {
        const Tensor& ggx = grads[0];
        const Tensor& ggw = grads[1];
        Tensor nonpositive = (x <= 0).to(x.scalar_type());
        Tensor wx = weight_over_input(w, x);
        Tensor ggw_x = ggw.defined() ? weight_over_input(ggw, x) : Tensor();
        Tensor dg, dx, dw;
        if (needs_input_grad(0)) {
          if (ggx.defined()) dg = ggx * ((x > 0).to(x.scalar_type()) + wx * nonpositive);
          if (ggw_x.defined()) dg = dg.defined() ? dg + ggw_x * x * nonpositive : ggw_x * x * nonpositive;
        }
        if (needs_input_grad(1) && ggw_x.defined()) dx = ggw_x * g * nonpositive;
        if (needs_input_grad(2) && ggx.defined()) dw = reduce_to_weight(ggx * g * nonpositive, w);
        return {dg, dx, dw};
      });
  return {outs[0], outs[1]};
}

/// prelu(x, w) = x for x > 0, w * x otherwise; w is one slope, or one per channel (dim 1)
/// d/dx, d/dw = prelu_backward(grad, x, w)      saves: x, w
Tensor prelu(const Tensor& self, const Tensor& weight) {
  check_prelu(self, weight);
  Tensor y = detail::zip_floating(self, weight_over_input(weight.detach(), self), self.scalar_type(), detail::kBf16("prelu_cpu"), [](auto x, auto w) {
    return kernels::vselect(x > kernels::lit(x, 0.0), x, w * x);
  });
  return record("PreluBackward0", y, {self, weight}, save(self, weight),
                [](const Tensor& g, const Tensor& x, const Tensor& w) -> variable_list {
                  auto grads = prelu_backward(g, x, w);
                  return {std::get<0>(grads), std::get<1>(grads)};
                });
}

// ---- rrelu ---------------------------------------------------------------------------------------

/// rrelu_with_noise_backward(g, x, noise) = g * noise in training (when upper - lower > 1e-6),
/// else leaky_relu_backward(g, x, (lower + upper) / 2)
/// d/dg = rrelu_with_noise_backward(gg, x, noise), d/dx = 0      saves: x, noise
Tensor rrelu_with_noise_backward(const Tensor& grad_output, const Tensor& self_or_result, const Tensor& noise,
                                 const Scalar& lower, const Scalar& upper, bool training, bool is_result) {
  Tensor out;
  {
    NoGradGuard no_grad;
    const double l = lower.toDouble(), u = upper.toDouble();
    if (training && static_cast<float>(u - l) > 1e-6f)
      out = grad_output * noise;
    else
      out = leaky_relu_backward(grad_output, self_or_result, (l + u) / 2, is_result);
  }
  return record("RreluWithNoiseBackwardBackward0", out, {grad_output, self_or_result}, save(self_or_result, noise),
                [lower, upper, training, is_result](const Tensor& gg, const Tensor& x, const Tensor& noise) -> variable_list {
                  return {needs_input_grad(0) ? rrelu_with_noise_backward(gg, x, noise, lower, upper, training, is_result)
                                              : Tensor(),
                          needs_input_grad(1) ? zeros_like(gg) : Tensor()};
                });
}

namespace {
/// rrelu's forward values; in training, writes each slope into `noise` (1 where x > 0).
/// PyTorch's draw (Note [RReLU's draws]): for each element x <= 0, in memory order of the
/// contiguous input, one 64-bit draw r = uniform_real_distribution<double>(lower, upper), with
/// lower and upper first rounded to the tensor's type: low 53 bits * 2^-53 * (upper - lower) +
/// lower (no fused multiply-add: this file is compiled with -ffp-contract=off), rounded to the type.
Tensor rrelu_raw(const Tensor& self, const Tensor& noise, const Scalar& lower, const Scalar& upper, bool training,
                 const std::optional<Generator>& generator) {
  if (!training) return leaky_relu_raw(self, (lower.toDouble() + upper.toDouble()) / 2);
  XGRAD_CHECK(is_floating_point(self.scalar_type()), "\"rrelu_with_noise_out_cpu\" not implemented for '{}'",
              scalar_type_name(self.scalar_type()));
  Tensor x = detail::contiguous_raw(self);
  Tensor out = detail::make_empty(self.sizes(), self.scalar_type());
  Tensor drawn = detail::make_empty(self.sizes(), self.scalar_type());
  GeneratorImpl& gen = generator ? generator->impl() : default_generator().impl();
  // bfloat16 draws as the others do; x * r is bfloat16's multiply (in float, rounded once)
  auto draw = [&](auto tag) {
    using T = decltype(tag);
    const double from = static_cast<double>(static_cast<T>(lower.toDouble()));
    const double to = static_cast<double>(static_cast<T>(upper.toDouble()));
    const T* xp = x.data_ptr<T>();
    T* op = out.data_ptr<T>();
    T* np = drawn.data_ptr<T>();
    std::lock_guard<std::mutex> lock(gen.mutex());
    for (int64_t i = 0; i < x.numel(); ++i) {
      if (xp[i] <= T(0)) {
        const double unit = kernels::unit_double(gen.random64());
        const T r = static_cast<T>(unit * (to - from) + from);
        op[i] = xp[i] * r;
        np[i] = r;
      } else {
        np[i] = T(1);
        op[i] = xp[i];
      }
    }
  };
  if (self.scalar_type() == kBFloat16)
    draw(BFloat16{});
  else
    visit_floating(self.scalar_type(), "rrelu_with_noise_out_cpu", draw);
  detail::copy_raw(noise, drawn);
  noise.unsafeGetTensorImpl()->storage->bump_version();
  return out;
}

void check_rrelu_bounds(const Scalar& lower, const Scalar& upper) {
  XGRAD_CHECK(lower.toDouble() <= upper.toDouble(), "Lower bound should be less than or equal to the upper bound");
}
}  // namespace

/// rrelu_with_noise(x, noise): in training, x * r for x <= 0 with r ~ U(lower, upper) written into
/// noise (1 where x > 0); in evaluation leaky_relu(x, (lower + upper) / 2), noise untouched.
/// d/dx = rrelu_with_noise_backward(grad, x, noise)      saves: x, noise
Tensor rrelu_with_noise(const Tensor& self, const Tensor& noise, const Scalar& lower, const Scalar& upper, bool training,
                        std::optional<Generator> generator) {
  Tensor y = rrelu_raw(self, noise, lower, upper, training, generator);
  return record("RreluWithNoiseBackward0", y, {self}, save(self, noise),
                [lower, upper, training](const Tensor& g, const Tensor& x, const Tensor& noise) -> variable_list {
                  return {rrelu_with_noise_backward(g, x, noise, lower, upper, training, false)};
                });
}

/// rrelu(x) = rrelu_with_noise(x, a fresh noise tensor) (RreluWithNoiseBackward0)
Tensor rrelu(const Tensor& self, const Scalar& lower, const Scalar& upper, bool training, std::optional<Generator> generator) {
  check_rrelu_bounds(lower, upper);
  return rrelu_with_noise(self, zeros_like(self), lower, upper, training, std::move(generator));
}

/// rrelu_(x): in place (RreluWithNoiseBackward1, reading the result)      saves: result, noise
Tensor& rrelu_(Tensor& self, const Scalar& lower, const Scalar& upper, bool training, std::optional<Generator> generator) {
  check_rrelu_bounds(lower, upper);
  Tensor noise = zeros_like(self);
  return detail::activation_inplace(self, [&](const Tensor& s) {
    Tensor y = rrelu_raw(s, noise, lower, upper, training, generator);
    return record("RreluWithNoiseBackward1", y, {s}, save(y, noise),
                  [lower, upper, training](const Tensor& g, const Tensor& y, const Tensor& noise) -> variable_list {
                    return {rrelu_with_noise_backward(g, y, noise, lower, upper, training, true)};
                  });
  });
}

}  // namespace xgrad
