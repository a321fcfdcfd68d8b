// conv.cpp: torch::convolution, the op every convolution is (conv1d/2d/3d, their "same"/"valid"
// forms and the transposed ones), and its derivative torch::convolution_backward, each one node
// as in PyTorch (ConvolutionBackward0, ConvolutionBackwardBackward0). The checks and messages are
// ATen's (Convolution.cpp); the maths is kernels/conv.hpp. Read next: src/ops/pooling.cpp.
#include "xgrad/ops/conv.hpp"

#include <sstream>

#include "kernels/conv.hpp"
#include "ops/op_utils.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/core/warning.hpp"
#include "xgrad/ops/padding.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

using autograd::needs_input_grad;
using autograd::save;
using autograd::variable_list;

namespace {

/// A convolution's parameters, each expanded to one value per spatial dim.
struct ConvParams {
  DimVector stride, padding, dilation, output_padding;
  bool transposed = false;
  int64_t groups = 1;
  int64_t dims() const { return static_cast<int64_t>(stride.size()); }
};

DimVector expand_param(IntArrayRef values, const char* name, int64_t dims) {
  if (values.size() == 1) return DimVector(static_cast<size_t>(dims), values[0]);
  XGRAD_CHECK(static_cast<int64_t>(values.size()) == dims,
              "expected {} to be a single integer value or a list of {} values to match the convolution dimensions, "
              "but got {}={}",
              name, dims, name, format_sizes(values));
  return DimVector(values);
}

ConvParams make_params(const Tensor& weight, IntArrayRef stride, IntArrayRef padding, IntArrayRef dilation,
                       bool transposed, IntArrayRef output_padding, int64_t groups) {
  const int64_t dims = weight.dim() - 2;
  XGRAD_CHECK(dims > 0, "weight should have at least three dimensions");
  XGRAD_CHECK(groups > 0, "non-positive groups is not supported");
  ConvParams p;
  p.stride = expand_param(stride, "stride", dims);
  p.padding = expand_param(padding, "padding", dims);
  p.dilation = expand_param(dilation, "dilation", dims);
  p.output_padding = expand_param(output_padding, "output_padding", dims);
  p.transposed = transposed;
  p.groups = groups;
  return p;
}

/// "8 x 8": sizes as ATen's shape messages print them.
std::string joined(IntArrayRef sizes) {
  std::ostringstream out;
  for (size_t i = 0; i < sizes.size(); ++i) out << (i ? " x " : "") << sizes[i];
  return out.str();
}

/// The dtype as a message about types names it ("float", "double", "long int", "bool").
const char* type_meta_name(ScalarType t) {
  switch (t) {
    case kFloat: return "float";
    case kDouble: return "double";
    case kLong: return "long int";
    default: return "bool";
  }
}

/// ATen's check_shape_forward, and the type checks that follow it.
void check_forward(const Tensor& input, const Tensor& weight, const Tensor& bias, const ConvParams& p) {
  for (int64_t v : p.padding) XGRAD_CHECK(v >= 0, "negative padding is not supported");
  for (int64_t v : p.output_padding) XGRAD_CHECK(v >= 0, "negative output_padding is not supported");
  for (int64_t v : p.stride) XGRAD_CHECK(v > 0, "non-positive stride is not supported");
  for (int64_t v : p.dilation) XGRAD_CHECK(v > 0, "non-positive dilation is not supported");
  const IntArrayRef w = weight.sizes();
  const int64_t k = input.dim(), groups = p.groups;
  XGRAD_CHECK(weight.dim() == k,
              "Expected {}-dimensional input for {}-dimensional weight {}, but got {}-dimensional input of size {} "
              "instead",
              weight.dim(), weight.dim(), format_sizes(w), k, format_sizes(input.sizes()));
  XGRAD_CHECK(w[0] >= groups, "Given groups={}, expected weight to be at least {} at dimension 0, but got weight of size {} instead",
              groups, groups, format_sizes(w));
  XGRAD_CHECK(w[0] % groups == 0,
              "Given groups={}, expected weight to be divisible by {} at dimension 0, but got weight of size [{}] instead",
              groups, groups, format_sizes(w));
  if (!p.transposed) {
    XGRAD_CHECK(input.size(1) == w[1] * groups,
                "Given groups={}, weight of size {}, expected input{} to have {} channels, but got {} channels instead",
                groups, format_sizes(w), format_sizes(input.sizes()), w[1] * groups, input.size(1));
    XGRAD_CHECK(!bias.defined() || (bias.dim() == 1 && bias.size(0) == w[0]),
                "Given weight of size {}, expected bias to be 1-dimensional with {} elements, but got bias of size {} "
                "instead",
                format_sizes(w), w[0], format_sizes(bias.sizes()));
    DimVector padded, kernel;
    bool fits = true;
    for (int64_t i = 2; i < k; ++i) {
      padded.push_back(input.size(i) + 2 * p.padding[i - 2]);
      kernel.push_back(p.dilation[i - 2] * (w[i] - 1) + 1);
      fits = fits && padded.back() >= kernel.back();
    }
    XGRAD_CHECK(fits,
                "Calculated padded input size per channel: ({}). Kernel size: ({}). Kernel size can't be greater than "
                "actual input size",
                joined(padded), joined(kernel));
  } else {
    XGRAD_CHECK(input.size(1) == w[0],
                "Given transposed=1, weight of size {}, expected input{} to have {} channels, but got {} channels instead",
                format_sizes(w), format_sizes(input.sizes()), w[0], input.size(1));
    XGRAD_CHECK(!bias.defined() || (bias.dim() == 1 && bias.size(0) == w[1] * groups),
                "Given transposed=1, weight of size {}, expected bias to be 1-dimensional with {} elements, but got bias "
                "of size {} instead",
                format_sizes(w), w[1] * groups, format_sizes(bias.sizes()));
  }
  XGRAD_CHECK(input.scalar_type() == weight.scalar_type(),
              "Input type ({}) and weight type ({}) should be the same or input should be a MKLDNN tensor and weight is "
              "a dense tensor",
              legacy_type_name(input.scalar_type()), legacy_type_name(weight.scalar_type()));
  XGRAD_CHECK(!bias.defined() || bias.scalar_type() == input.scalar_type(),
              "Input type ({}) and bias type ({}) should be the same", type_meta_name(input.scalar_type()),
              type_meta_name(bias.scalar_type()));
}

/// The spatial size of the output (what slow_conv_transpose checks too, with its messages).
DimVector output_spatial(const Tensor& input, const Tensor& weight, const ConvParams& p) {
  DimVector out;
  const int64_t dims = p.dims();
  if (!p.transposed) {
    for (int64_t i = 0; i < dims; ++i)
      out.push_back((input.size(i + 2) + 2 * p.padding[i] - p.dilation[i] * (weight.size(i + 2) - 1) - 1) / p.stride[i] + 1);
    return out;
  }
  // The transposed kernels see a 1-d problem as a 2-d one of height 1, and say so.
  static const char* names3[] = {"depth", "height", "width"};
  const char* const* names = dims == 3 ? names3 : names3 + 1;
  const int64_t shown = std::max<int64_t>(dims, 2), pad = shown - dims;
  std::ostringstream sizes;
  bool small_enough = true;
  for (int64_t i = 0; i < dims; ++i)
    small_enough = small_enough && (p.output_padding[i] < p.stride[i] || p.output_padding[i] < p.dilation[i]);
  if (!small_enough) {
    auto list = [&](const char* what, const DimVector& v, int64_t pad_value) {
      for (int64_t i = 0; i < shown; ++i)
        sizes << what << '_' << names[i] << ": " << (i < pad ? pad_value : v[i - pad]) << ' ';
    };
    list("output_padding", p.output_padding, 0);
    list("stride", p.stride, 1);
    list("dilation", p.dilation, 1);
    std::string text = sizes.str();
    text.pop_back();
    throw Error("output padding must be smaller than either stride or dilation, but got " + text);
  }
  DimVector in_shown(static_cast<size_t>(pad), 1), out_shown(static_cast<size_t>(pad), 1);
  bool positive = true;
  for (int64_t i = 0; i < dims; ++i) {
    const int64_t o = (input.size(i + 2) - 1) * p.stride[i] - 2 * p.padding[i] + p.dilation[i] * (weight.size(i + 2) - 1) +
                      p.output_padding[i] + 1;
    out.push_back(o);
    in_shown.push_back(input.size(i + 2));
    out_shown.push_back(o);
    positive = positive && o >= 1;
  }
  XGRAD_CHECK(positive, "Given input size per channel: ({}). Calculated output size per channel: ({}). Output size is too small",
              joined(in_shown), joined(out_shown));
  return out;
}

/// The kernels' problem for the plain convolution that maps `image` (N, C, *image_spatial) to
/// (N, weight.size(0), *result_spatial). A transposed convolution's image is its output.
kernels::ConvProblem problem(IntArrayRef image, IntArrayRef weight, IntArrayRef result_spatial, const ConvParams& p) {
  kernels::ConvProblem q;
  q.batch = image[0];
  q.groups = p.groups;
  q.in_channels = image[1];
  q.out_channels = weight[0];
  q.shape.channels = image[1] / p.groups;
  const int64_t dims = p.dims(), offset = 3 - dims;
  for (int64_t i = 0; i < dims; ++i) {
    q.shape.in[offset + i] = image[i + 2];
    q.shape.out[offset + i] = result_spatial[i];
    q.shape.kernel[offset + i] = weight[i + 2];
    q.shape.stride[offset + i] = p.stride[i];
    q.shape.padding[offset + i] = p.padding[i];
    q.shape.dilation[offset + i] = p.dilation[i];
  }
  return q;
}

DimVector with_spatial(int64_t batch, int64_t channels, IntArrayRef spatial) {
  DimVector sizes{batch, channels};
  for (int64_t s : spatial) sizes.push_back(s);
  return sizes;
}
IntArrayRef spatial(const Tensor& t) { return IntArrayRef(t.sizes().data() + 2, static_cast<size_t>(t.dim() - 2)); }

/// Runs f(T{}) for the dtypes the convolution kernels handle, refusing the others as ATen does.
template <class F>
void visit_conv_dtype(ScalarType t, const ConvParams& p, F&& f) {
  visit_dtype(t, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same<T, float>::value || std::is_same<T, double>::value || std::is_same<T, int64_t>::value) {
      f(tag);
    } else {
      const char* kernel = p.transposed ? (p.dims() == 3 ? "slow_conv_transpose3d_out_cpu" : "slow_conv_transpose2d_out_cpu")
                                        : (p.dims() == 3 ? "compute_columns3d" : "slow_conv2d_cpu");
      throw Error(fmt::format("\"{}\" not implemented for '{}'", kernel, scalar_type_name(t)));
    }
  });
}

/// The convolution's output, computed without recording.
Tensor forward_raw(const Tensor& input_, const Tensor& weight_, const Tensor& bias_, const ConvParams& p) {
  const Tensor input = detail::contiguous_raw(input_), weight = detail::contiguous_raw(weight_);
  const Tensor bias = bias_.defined() ? detail::contiguous_raw(bias_) : Tensor();
  const DimVector out_spatial = output_spatial(input, weight, p);
  const int64_t out_channels = p.transposed ? weight.size(1) * p.groups : weight.size(0);
  Tensor out = detail::make_empty(with_spatial(input.size(0), out_channels, out_spatial), input.scalar_type());
  visit_conv_dtype(input.scalar_type(), p, [&](auto tag) {
    using T = decltype(tag);
    const T* b = bias.defined() ? bias.data_ptr<T>() : nullptr;
    if (!p.transposed) {
      kernels::conv_forward<T>(input.data_ptr<T>(), weight.data_ptr<T>(), b, out.data_ptr<T>(),
                               problem(input.sizes(), weight.sizes(), out_spatial, p));
      return;
    }
    // y = the input gradient of the plain convolution from y's shape to x's, applied to x.
    kernels::conv_backward_input<T>(input.data_ptr<T>(), weight.data_ptr<T>(), out.data_ptr<T>(),
                                    problem(out.sizes(), weight.sizes(), spatial(input), p));
    if (b != nullptr) kernels::add_channel_bias<T>(out.data_ptr<T>(), b, out.size(0), out_channels, out.numel() / std::max<int64_t>(1, out.size(0) * out_channels));
  });
  return out;
}

/// The gradient of the convolution's input (of shape input_sizes) for grad_output.
Tensor input_grad_raw(const Tensor& grad_output, const Tensor& weight_, IntArrayRef input_sizes, const ConvParams& p) {
  const Tensor gy = detail::contiguous_raw(grad_output), weight = detail::contiguous_raw(weight_);
  Tensor gx = detail::make_empty(input_sizes, gy.scalar_type());
  visit_conv_dtype(gy.scalar_type(), p, [&](auto tag) {
    using T = decltype(tag);
    if (!p.transposed)
      kernels::conv_backward_input<T>(gy.data_ptr<T>(), weight.data_ptr<T>(), gx.data_ptr<T>(),
                                      problem(gx.sizes(), weight.sizes(), spatial(gy), p));
    else
      kernels::conv_forward<T>(gy.data_ptr<T>(), weight.data_ptr<T>(), nullptr, gx.data_ptr<T>(),
                               problem(gy.sizes(), weight.sizes(), spatial(gx), p));
  });
  return gx;
}

/// The gradient of the convolution's weight (of shape weight_sizes).
Tensor weight_grad_raw(const Tensor& grad_output, const Tensor& input_, IntArrayRef weight_sizes, const ConvParams& p) {
  const Tensor gy = detail::contiguous_raw(grad_output), input = detail::contiguous_raw(input_);
  Tensor gw = detail::make_empty(weight_sizes, gy.scalar_type());
  visit_conv_dtype(gy.scalar_type(), p, [&](auto tag) {
    using T = decltype(tag);
    if (!p.transposed)
      kernels::conv_backward_weight<T>(input.data_ptr<T>(), gy.data_ptr<T>(), gw.data_ptr<T>(),
                                       problem(input.sizes(), weight_sizes, spatial(gy), p));
    else
      kernels::conv_backward_weight<T>(gy.data_ptr<T>(), input.data_ptr<T>(), gw.data_ptr<T>(),
                                       problem(gy.sizes(), weight_sizes, spatial(input), p));
  });
  return gw;
}

Tensor bias_grad_raw(const Tensor& grad_output) {
  const Tensor gy = detail::contiguous_raw(grad_output);
  const int64_t n = gy.size(0), c = gy.size(1);
  Tensor gb = detail::make_empty({c}, gy.scalar_type());
  visit_dtype(gy.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (!std::is_same<T, bool>::value)
      kernels::conv_backward_bias<T>(gy.data_ptr<T>(), gb.data_ptr<T>(), n, c, gy.numel() / std::max<int64_t>(1, n * c));
  });
  return gb;
}

Tensor convolution_impl(const Tensor& input, const Tensor& weight, const Tensor& bias, const ConvParams& p);

std::tuple<Tensor, Tensor, Tensor> convolution_backward_impl(const Tensor& grad_output, const Tensor& input,
                                                             const Tensor& weight, bool has_bias, const ConvParams& p,
                                                             std::array<bool, 3> mask);

/// convolution(x, W) + b      d/dx = convolution_backward's first output (the adjoint in x),
/// d/dW = its second (the adjoint in W), d/db = grad summed over all but the channel dim
/// saves: input, weight
Tensor convolution_impl(const Tensor& input, const Tensor& weight, const Tensor& bias, const ConvParams& p) {
  check_forward(input, weight, bias, p);
  Tensor out = forward_raw(input, weight, bias, p);
  const bool has_bias = bias.defined();
  return autograd::record("ConvolutionBackward0", out, {input, weight, bias}, save(input, weight),
                          [p, has_bias](const Tensor& g, const Tensor& input, const Tensor& weight) -> variable_list {
                            auto [gi, gw, gb] = convolution_backward_impl(
                                g, input, weight, has_bias, p, {needs_input_grad(0), needs_input_grad(1), needs_input_grad(2)});
                            return {gi, gw, gb};
                          });
}

/// (gx, gW, gb) = the three gradients of a convolution for its output gradient gy.
/// Each is linear in gy and in the other factor, so for upstream gradients (ggx, ggW, ggb):
///   d/dgy = conv(ggx, W) + conv(x, ggW) + ggb (per channel)
///   d/dx  = the input gradient of conv(., ggW) for gy
///   d/dW  = the weight gradient of conv(ggx, .) for gy
/// saves: grad_output, input, weight
std::tuple<Tensor, Tensor, Tensor> convolution_backward_impl(const Tensor& grad_output, const Tensor& input,
                                                             const Tensor& weight, bool has_bias, const ConvParams& p,
                                                             std::array<bool, 3> mask) {
  std::array<Tensor, 3> grads;
  if (mask[0]) grads[0] = input_grad_raw(grad_output, weight, input.sizes(), p);
  if (mask[1]) grads[1] = weight_grad_raw(grad_output, input, weight.sizes(), p);
  if (mask[2] && has_bias) grads[2] = bias_grad_raw(grad_output);
  // record_multi takes defined outputs only: slot[i] is where gradient i sits among them.
  std::vector<Tensor> outputs;
  std::array<int, 3> slot{-1, -1, -1};
  for (int i = 0; i < 3; ++i)
    if (grads[i].defined()) {
      slot[i] = static_cast<int>(outputs.size());
      outputs.push_back(grads[i]);
    }
  if (!outputs.empty()) {
    autograd::record_multi(
        "ConvolutionBackwardBackward0", outputs, {grad_output, input, weight}, save(grad_output, input, weight),
        [p, slot](const variable_list& gg, const Tensor& gy, const Tensor& x, const Tensor& w) -> variable_list {
          auto pick = [&](int i) { return slot[i] >= 0 ? gg[static_cast<size_t>(slot[i])] : Tensor(); };
          const Tensor ggx = pick(0), ggw = pick(1), ggb = pick(2);
          Tensor d_gy, d_x, d_w;
          if (needs_input_grad(0)) {
            if (ggx.defined()) d_gy = convolution_impl(ggx, w, Tensor(), p);
            if (ggw.defined()) {
              Tensor t = convolution_impl(x, ggw, Tensor(), p);
              d_gy = d_gy.defined() ? d_gy + t : t;
            }
            if (ggb.defined()) {
              DimVector shape(static_cast<size_t>(gy.dim()), 1);
              shape[1] = ggb.size(0);
              Tensor t = ggb.reshape(shape).expand(gy.sizes());
              d_gy = d_gy.defined() ? d_gy + t : t.contiguous();
            }
          }
          if (needs_input_grad(1) && ggw.defined())
            d_x = std::get<0>(convolution_backward_impl(gy, x, ggw, false, p, {true, false, false}));
          if (needs_input_grad(2) && ggx.defined())
            d_w = std::get<1>(convolution_backward_impl(gy, ggx, w, false, p, {false, true, false}));
          return {d_gy, d_x, d_w};
        });
  }
  return {grads[0], grads[1], grads[2]};
}

/// A single value repeated for each of `dims` spatial dims, as Python's argument parser passes an
/// int to an int[2] parameter (so conv2d with a 3-d weight fails on its stride, as in Python).
DimVector per_dim(IntArrayRef values, int64_t dims) {
  return values.size() == 1 ? DimVector(static_cast<size_t>(dims), values[0]) : DimVector(values);
}

/// Gives an unbatched input its batch dim: ATen's batchify.
std::pair<Tensor, bool> batchify(const Tensor& input, int64_t spatial_dims, const char* name) {
  const int64_t unbatched = spatial_dims + 1, batched = spatial_dims + 2;
  XGRAD_CHECK(input.dim() == unbatched || input.dim() == batched,
              "Expected {}D (unbatched) or {}D (batched) input to {}, but got input of size: {}", unbatched, batched,
              name, format_sizes(input.sizes()));
  const bool is_batched = input.dim() == batched;
  return {is_batched ? input : input.unsqueeze(0), is_batched};
}

Tensor conv_nd(int64_t dims, const char* name, const Tensor& input_, const Tensor& weight, const Tensor& bias,
               IntArrayRef stride, IntArrayRef padding, IntArrayRef dilation, int64_t groups) {
  auto [input, is_batched] = batchify(input_, dims, name);
  Tensor out = convolution(input, weight, bias, per_dim(stride, dims), per_dim(padding, dims), per_dim(dilation, dims),
                           false, DimVector(static_cast<size_t>(dims), 0), groups);
  return is_batched ? out : out.squeeze(0);
}

/// ATen's _convolution_mode: padding "valid" is none; "same" pads by dilation * (k - 1) in all,
/// half on each side, and when that is odd pads the input's far end by one first
/// (ConstantPadNdBackward0), as PyTorch does.
Tensor conv_padding_mode(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride,
                         std::string_view padding, IntArrayRef dilation, int64_t groups) {
  const int64_t zero = 0;
  if (padding == "valid") return convolution(input, weight, bias, stride, zero, dilation, false, zero, groups);
  XGRAD_CHECK(padding == "same", "Invalid padding string: '{}'", std::string(padding));
  for (int64_t s : stride) XGRAD_CHECK(s == 1, "padding='same' is not supported for strided convolutions");
  const int64_t k = weight.dim();
  XGRAD_CHECK(k > 2, "weight should have at least three dimensions");
  const int64_t dims = k - 2;
  XGRAD_CHECK(k == input.dim(),
              "Expected {}-dimensional input for {}-dimensional weight{}, but got {}-dimensional input of size {} instead",
              k, k, format_sizes(weight.sizes()), input.dim(), format_sizes(input.sizes()));
  XGRAD_CHECK(static_cast<int64_t>(stride.size()) == dims || stride.size() == 1, "stride cannot broadcast to {} dimensions", dims);
  XGRAD_CHECK(static_cast<int64_t>(dilation.size()) == dims || dilation.size() == 1,
              "dilation cannot broadcast to {} dimensions", dims);
  DimVector left, right;
  bool symmetric = true;
  for (int64_t i = 0; i < dims; ++i) {
    const int64_t d = dilation.size() == 1 ? dilation[0] : dilation[static_cast<size_t>(i)];
    const int64_t total = d * (weight.size(i + 2) - 1);
    left.push_back(total / 2);
    right.push_back(total - total / 2);
    symmetric = symmetric && left.back() == right.back();
  }
  if (symmetric) return convolution(input, weight, bias, stride, left, dilation, false, zero, groups);
  warn("Using padding='same' with even kernel lengths and odd dilation may require a zero-padded copy of the "
            "input be created");
  DimVector pad_nd(static_cast<size_t>(2 * dims), 0);
  for (int64_t i = 0; i < dims; ++i) pad_nd[static_cast<size_t>(2 * (dims - 1 - i) + 1)] = right[i] - left[i];
  return convolution(constant_pad_nd(input, pad_nd, 0), weight, bias, stride, left, dilation, false, zero, groups);
}

Tensor conv_nd(int64_t dims, const char* name, const Tensor& input_, const Tensor& weight, const Tensor& bias,
               IntArrayRef stride, ConvPaddingString padding, IntArrayRef dilation, int64_t groups) {
  auto [input, is_batched] = batchify(input_, dims, name);
  Tensor out = conv_padding_mode(input, weight, bias, per_dim(stride, dims), padding.view(), per_dim(dilation, dims), groups);
  return is_batched ? out : out.squeeze(0);
}

Tensor conv_transpose_nd(int64_t dims, const char* name, const Tensor& input_, const Tensor& weight, const Tensor& bias,
                         IntArrayRef stride, IntArrayRef padding, IntArrayRef output_padding, int64_t groups,
                         IntArrayRef dilation) {
  auto [input, is_batched] = batchify(input_, dims, name);
  Tensor out = convolution(input, weight, bias, per_dim(stride, dims), per_dim(padding, dims), per_dim(dilation, dims),
                           true, per_dim(output_padding, dims), groups);
  return is_batched ? out : out.squeeze(0);
}

}  // namespace

Tensor convolution(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride,
                   IntArrayRef padding, IntArrayRef dilation, bool transposed, IntArrayRef output_padding,
                   int64_t groups) {
  return convolution_impl(input, weight, bias,
                          make_params(weight, stride, padding, dilation, transposed, output_padding, groups));
}

std::tuple<Tensor, Tensor, Tensor> convolution_backward(const Tensor& grad_output, const Tensor& input,
                                                        const Tensor& weight, std::optional<IntArrayRef> bias_sizes,
                                                        IntArrayRef stride, IntArrayRef padding, IntArrayRef dilation,
                                                        bool transposed, IntArrayRef output_padding, int64_t groups,
                                                        std::array<bool, 3> output_mask) {
  const ConvParams p = make_params(weight, stride, padding, dilation, transposed, output_padding, groups);
  check_forward(input, weight, Tensor(), p);
  return convolution_backward_impl(grad_output, input, weight, bias_sizes.has_value(), p, output_mask);
}

Tensor conv1d(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride, IntArrayRef padding,
              IntArrayRef dilation, int64_t groups) {
  return conv_nd(1, "conv1d", input, weight, bias, stride, padding, dilation, groups);
}
Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride, IntArrayRef padding,
              IntArrayRef dilation, int64_t groups) {
  return conv_nd(2, "conv2d", input, weight, bias, stride, padding, dilation, groups);
}
Tensor conv3d(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride, IntArrayRef padding,
              IntArrayRef dilation, int64_t groups) {
  return conv_nd(3, "conv3d", input, weight, bias, stride, padding, dilation, groups);
}
Tensor conv1d(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride,
              ConvPaddingString padding, IntArrayRef dilation, int64_t groups) {
  return conv_nd(1, "conv1d", input, weight, bias, stride, padding, dilation, groups);
}
Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride,
              ConvPaddingString padding, IntArrayRef dilation, int64_t groups) {
  return conv_nd(2, "conv2d", input, weight, bias, stride, padding, dilation, groups);
}
Tensor conv3d(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride,
              ConvPaddingString padding, IntArrayRef dilation, int64_t groups) {
  return conv_nd(3, "conv3d", input, weight, bias, stride, padding, dilation, groups);
}

Tensor conv_transpose1d(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride,
                        IntArrayRef padding, IntArrayRef output_padding, int64_t groups, IntArrayRef dilation) {
  return conv_transpose_nd(1, "conv_transpose1d", input, weight, bias, stride, padding, output_padding, groups, dilation);
}
Tensor conv_transpose2d(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride,
                        IntArrayRef padding, IntArrayRef output_padding, int64_t groups, IntArrayRef dilation) {
  return conv_transpose_nd(2, "conv_transpose2d", input, weight, bias, stride, padding, output_padding, groups, dilation);
}
Tensor conv_transpose3d(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride,
                        IntArrayRef padding, IntArrayRef output_padding, int64_t groups, IntArrayRef dilation) {
  return conv_transpose_nd(3, "conv_transpose3d", input, weight, bias, stride, padding, output_padding, groups, dilation);
}

}  // namespace xgrad
