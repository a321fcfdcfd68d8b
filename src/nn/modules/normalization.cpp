// modules/normalization.cpp: nn::LayerNorm, nn::GroupNorm, nn::LocalResponseNorm (parameters,
// forward, libtorch's printing) and nn::CrossMapLRN2d with its custom node.
// Read next: src/ops/layer_norm.cpp.
#include "xgrad/nn/modules/normalization.hpp"

#include "xgrad/autograd/record.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/nn/init.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/reduction.hpp"

namespace xgrad::nn {

// ---- LayerNorm -----------------------------------------------------------------------------------

LayerNormImpl::LayerNormImpl(LayerNormOptions options_) : options(std::move(options_)) { reset(); }

void LayerNormImpl::reset() {
  if (options.elementwise_affine()) {
    weight = register_parameter("weight", xgrad::empty(IntArrayRef(options.normalized_shape())));
    bias = register_parameter("bias", xgrad::empty(IntArrayRef(options.normalized_shape())));
  } else {
    weight = register_parameter("weight", Tensor(), /*requires_grad=*/false);
    bias = register_parameter("bias", Tensor(), /*requires_grad=*/false);
  }
  reset_parameters();
}

void LayerNormImpl::reset_parameters() {
  if (options.elementwise_affine()) {
    init::ones_(weight);
    init::zeros_(bias);
  }
}

void LayerNormImpl::pretty_print(std::ostream& stream) const {
  stream << std::boolalpha << "torch::nn::LayerNorm(" << format_sizes(options.normalized_shape())
         << ", eps=" << options.eps() << ", elementwise_affine=" << options.elementwise_affine() << ")";
}

Tensor LayerNormImpl::forward(const Tensor& input) {
  return functional::layer_norm(
      input, functional::LayerNormFuncOptions(options.normalized_shape()).weight(weight).bias(bias).eps(options.eps()));
}

// ---- GroupNorm -----------------------------------------------------------------------------------

GroupNormImpl::GroupNormImpl(const GroupNormOptions& options_) : options(options_) { reset(); }

void GroupNormImpl::reset() {
  if (options.affine()) {
    weight = register_parameter("weight", empty({options.num_channels()}));
    bias = register_parameter("bias", empty({options.num_channels()}));
  } else {
    weight = register_parameter("weight", Tensor(), /*requires_grad=*/false);
    bias = register_parameter("bias", Tensor(), /*requires_grad=*/false);
  }
  reset_parameters();
}

void GroupNormImpl::reset_parameters() {
  if (options.affine()) {
    init::ones_(weight);
    init::zeros_(bias);
  }
}

void GroupNormImpl::pretty_print(std::ostream& stream) const {
  stream << std::boolalpha << "torch::nn::GroupNorm(" << options.num_groups() << ", " << options.num_channels()
         << ", eps=" << options.eps() << ", affine=" << options.affine() << ")";
}

Tensor GroupNormImpl::forward(const Tensor& input) {
  return functional::group_norm(
      input, functional::GroupNormFuncOptions(options.num_groups()).weight(weight).bias(bias).eps(options.eps()));
}

// ---- LocalResponseNorm ---------------------------------------------------------------------------

void LocalResponseNormImpl::pretty_print(std::ostream& stream) const {
  stream << "torch::nn::LocalResponseNorm(" << options.size() << ", alpha=" << options.alpha()
         << ", beta=" << options.beta() << ", k=" << options.k() << ")";
}

Tensor LocalResponseNormImpl::forward(const Tensor& input) { return functional::local_response_norm(input, options); }

// ---- CrossMapLRN2d -------------------------------------------------------------------------------

namespace {

/// PyTorch's torch.nn._functions.CrossMapLRN2d, step by step. With the channel window of
/// pre_pad = (size - 1) / 2 + 1 channels (as Lua Torch slid it):
///   scale[n, c] = k + alpha / size * (running sum of x^2 over the window),  y = x * scale^-beta
/// Backward (that function's loop, not the exact derivative of the forward at the edges):
///   dx = scale^-beta * dy - 2 alpha beta / size * x * (windowed sum of dy * y / scale)
/// saves: input, output, scale
Tensor cross_map_lrn2d(const Tensor& input, int64_t size, double alpha, double beta, int64_t k) {
  XGRAD_CHECK(input.dim() == 4, "CrossMapLRN2d: Expected input to be 4D, got {}D instead.", input.dim());
  Tensor output, scale;
  {
    NoGradGuard no_grad;
    const Tensor x = input.detach();
    const int64_t channels = x.size(1);
    const Tensor input_square = x.pow(2);
    scale = zeros_like(x);
    const auto pre_pad = static_cast<int64_t>(static_cast<double>(size - 1) / 2 + 1);
    const int64_t pre_pad_crop = pre_pad > channels ? channels : pre_pad;
    Tensor scale_first = scale.select(1, 0);
    for (int64_t c = 0; c < pre_pad_crop; ++c) scale_first.add_(input_square.select(1, c));
    for (int64_t c = 1; c < channels; ++c) {
      Tensor scale_current = scale.select(1, c);
      scale_current.copy_(scale.select(1, c - 1));
      if (c < channels - pre_pad + 1) scale_current.add_(input_square.select(1, c + pre_pad - 1));
      if (c > pre_pad) scale_current.sub_(input_square.select(1, c - pre_pad));
    }
    scale.mul_(alpha / static_cast<double>(size)).add_(k);
    output = scale.pow(-beta).mul_(x);
  }
  return autograd::record(
      "CrossMapLRN2dBackward", output, {input}, autograd::save(input, output, scale),
      [size, alpha, beta](const Tensor& grad_output, const Tensor& input, const Tensor& output,
                          const Tensor& scale) -> autograd::variable_list {
        NoGradGuard no_grad;
        const int64_t batch_size = input.size(0), channels = input.size(1);
        Tensor padded_ratio = zeros({channels + size - 1, input.size(2), input.size(3)}, input.scalar_type());
        const double cache_ratio_value = 2 * alpha * beta / static_cast<double>(size);
        const auto inverse_pre_pad = static_cast<int64_t>(static_cast<double>(size) - static_cast<double>(size - 1) / 2);
        Tensor grad_input = scale.pow(-beta).mul_(grad_output);
        Tensor padded_ratio_center = padded_ratio.narrow(0, inverse_pre_pad, channels);
        for (int64_t n = 0; n < batch_size; ++n) {
          padded_ratio_center.copy_(grad_output.select(0, n) * output.select(0, n));
          padded_ratio_center.div_(scale.select(0, n));
          Tensor accum_ratio = sum(padded_ratio.narrow(0, 0, size - 1), {0}, false);
          for (int64_t c = 0; c < channels; ++c) {
            accum_ratio.add_(padded_ratio.select(0, c + size - 1));
            grad_input.select(0, n).select(0, c).addcmul_(input.select(0, n).select(0, c), accum_ratio,
                                                          -cache_ratio_value);
            accum_ratio.sub_(padded_ratio.select(0, c));
          }
        }
        return {grad_input};
      });
}

}  // namespace

void CrossMapLRN2dImpl::pretty_print(std::ostream& stream) const {
  stream << "torch::nn::CrossMapLRN2d(" << options.size() << ", alpha=" << options.alpha()
         << ", beta=" << options.beta() << ", k=" << options.k() << ")";
}

Tensor CrossMapLRN2dImpl::forward(const Tensor& input) {
  return cross_map_lrn2d(input, options.size(), options.alpha(), options.beta(), options.k());
}

}  // namespace xgrad::nn
