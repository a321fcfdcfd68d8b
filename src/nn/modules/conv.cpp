// modules/conv.cpp: the convolution modules' parameters, initialisation, printing and forward,
// as PyTorch's torch/nn/modules/conv.py has them (its checks and messages), with libtorch's
// printing. Read next: src/nn/modules/pooling.cpp.
#include "xgrad/nn/modules/conv.hpp"

#include <cmath>

#include "xgrad/core/factory.hpp"
#include "xgrad/nn/functional/padding.hpp"
#include "xgrad/nn/init.hpp"

namespace xgrad::nn {

namespace {

template <size_t D>
bool all_equal(const ExpandingArray<D>& a, int64_t v) {
  for (int64_t x : *a)
    if (x != v) return false;
  return true;
}

template <size_t D>
std::vector<int64_t> reverse_repeat_twice(const ExpandingArray<D>& a) {
  std::vector<int64_t> out;
  for (size_t i = D; i-- > 0;) {
    out.push_back(a->at(i));
    out.push_back(a->at(i));
  }
  return out;
}

template <size_t D>
detail::ConvNdOptions<D> nd_options(const ConvOptions<D>& o) {
  return detail::ConvNdOptions<D>(o.in_channels(), o.out_channels(), o.kernel_size())
      .stride(o.stride())
      .padding(o.padding())
      .dilation(o.dilation())
      .transposed(false)
      .output_padding(0)
      .groups(o.groups())
      .bias(o.bias())
      .padding_mode(o.padding_mode());
}

template <size_t D>
detail::ConvNdOptions<D> nd_options(const ConvTransposeOptions<D>& o) {
  return detail::ConvNdOptions<D>(o.in_channels(), o.out_channels(), o.kernel_size())
      .stride(o.stride())
      .padding(o.padding())
      .dilation(o.dilation())
      .transposed(true)
      .output_padding(o.output_padding())
      .groups(o.groups())
      .bias(o.bias())
      .padding_mode(o.padding_mode());
}

/// A convolution module's forward: F::pad first for a padding mode other than zeros.
template <size_t D, class Conv>
Tensor conv_forward(const detail::ConvNdOptions<D>& o, const std::vector<int64_t>& reversed_padding, const Tensor& input,
                    const Tensor& weight, const Tensor& bias, Conv&& conv) {
  if (o.padding_mode() != kZeros) {
    Tensor padded = functional::pad(input, functional::PadFuncOptions(reversed_padding).mode(o.padding_mode()));
    return conv(padded, weight, bias, IntArrayRef(*o.stride()), IntArrayRef(int64_t{0}));
  }
  if (const auto* name = std::get_if<ConvPaddingName>(&o.padding()))
    return conv(input, weight, bias, IntArrayRef(*o.stride()), std::string_view(*name == kSame ? "same" : "valid"));
  return conv(input, weight, bias, IntArrayRef(*o.stride()), IntArrayRef(*std::get<ExpandingArray<D>>(o.padding())));
}

}  // namespace

template <size_t D, class Derived>
void ConvNdImpl<D, Derived>::reset() {
  XGRAD_CHECK_T(ValueError, options.groups() > 0, "groups must be a positive integer");
  XGRAD_CHECK_T(ValueError, options.in_channels() % options.groups() == 0, "in_channels must be divisible by groups");
  XGRAD_CHECK_T(ValueError, options.out_channels() % options.groups() == 0, "out_channels must be divisible by groups");
  XGRAD_CHECK_T(ValueError, options.padding_mode() != kConstant,
                "padding_mode must be one of {{'reflect', 'replicate', 'circular', 'zeros'}}, but got "
                "padding_mode='constant'");
  if (const auto* name = std::get_if<ConvPaddingName>(&options.padding())) {
    _reversed_padding_repeated_twice.assign(2 * D, 0);
    if (*name == kSame) {
      for (int64_t s : *options.stride())
        XGRAD_CHECK_T(ValueError, s == 1, "padding='same' is not supported for strided convolutions");
      for (size_t i = 0; i < D; ++i) {  // as Python's conv.py: the last dim's pair first
        const int64_t total = options.dilation()->at(i) * (options.kernel_size()->at(i) - 1);
        const size_t r = D - 1 - i;
        _reversed_padding_repeated_twice[2 * r] = total / 2;
        _reversed_padding_repeated_twice[2 * r + 1] = total - total / 2;
      }
    }
  } else {
    _reversed_padding_repeated_twice = reverse_repeat_twice(std::get<ExpandingArray<D>>(options.padding()));
  }
  std::vector<int64_t> weight_sizes = options.transposed()
                                          ? std::vector<int64_t>{options.in_channels(), options.out_channels() / options.groups()}
                                          : std::vector<int64_t>{options.out_channels(), options.in_channels() / options.groups()};
  for (int64_t k : *options.kernel_size()) weight_sizes.push_back(k);
  weight = this->register_parameter("weight", xgrad::empty(weight_sizes));
  if (options.bias())
    bias = this->register_parameter("bias", xgrad::empty({options.out_channels()}));
  else
    bias = this->register_parameter("bias", Tensor(), /*requires_grad=*/false);
  reset_parameters();
}

template <size_t D, class Derived>
void ConvNdImpl<D, Derived>::reset_parameters() {
  init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (bias.defined()) {
    const auto [fan_in, fan_out] = init::_calculate_fan_in_and_fan_out(weight);
    (void)fan_out;
    if (fan_in != 0) {
      const double bound = 1 / std::sqrt(static_cast<double>(fan_in));
      init::uniform_(bias, -bound, bound);
    } else {
      init::zeros_(bias);  // Python leaves it uninitialised; nothing is drawn either way
    }
  }
}

template <size_t D, class Derived>
void ConvNdImpl<D, Derived>::pretty_print(std::ostream& stream) const {
  stream << "torch::nn::Conv" << D << "d(" << options.in_channels() << ", " << options.out_channels()
         << ", kernel_size=" << options.kernel_size() << ", stride=" << options.stride();
  if (const auto* name = std::get_if<ConvPaddingName>(&options.padding()))
    stream << (*name == kValid ? ", padding='valid'" : ", padding='same'");
  else if (!all_equal(std::get<ExpandingArray<D>>(options.padding()), 0))
    stream << ", padding=" << std::get<ExpandingArray<D>>(options.padding());
  if (!all_equal(options.dilation(), 1)) stream << ", dilation=" << options.dilation();
  if (!all_equal(options.output_padding(), 0)) stream << ", output_padding=" << options.output_padding();
  if (options.groups() != 1) stream << ", groups=" << options.groups();
  if (!options.bias()) stream << ", bias=false";
  if (options.padding_mode() != kZeros) stream << ", padding_mode=" << enumtype::get_enum_name(options.padding_mode());
  stream << ")";
}

Conv1dImpl::Conv1dImpl(Conv1dOptions options_) : ConvNdImpl(nd_options(options_)) {}
Conv2dImpl::Conv2dImpl(Conv2dOptions options_) : ConvNdImpl(nd_options(options_)) {}
Conv3dImpl::Conv3dImpl(Conv3dOptions options_) : ConvNdImpl(nd_options(options_)) {}

Tensor Conv1dImpl::forward(const Tensor& input) {
  return conv_forward<1>(options, _reversed_padding_repeated_twice, input, weight, bias, [&](auto&&... a) {
    return xgrad::conv1d(a..., IntArrayRef(*options.dilation()), options.groups());
  });
}
Tensor Conv2dImpl::_conv_forward(const Tensor& input, const Tensor& weight_) {
  return conv_forward<2>(options, _reversed_padding_repeated_twice, input, weight_, bias, [&](auto&&... a) {
    return xgrad::conv2d(a..., IntArrayRef(*options.dilation()), options.groups());
  });
}
Tensor Conv2dImpl::forward(const Tensor& input) { return _conv_forward(input, weight); }
Tensor Conv3dImpl::forward(const Tensor& input) {
  return conv_forward<3>(options, _reversed_padding_repeated_twice, input, weight, bias, [&](auto&&... a) {
    return xgrad::conv3d(a..., IntArrayRef(*options.dilation()), options.groups());
  });
}

template <size_t D, class Derived>
ConvTransposeNdImpl<D, Derived>::ConvTransposeNdImpl(detail::ConvNdOptions<D> options_)
    : ConvNdImpl<D, Derived>(std::move(options_)) {}

/// libtorch builds a ConvTranspose with any padding_mode and refuses a non-zeros one in forward
/// (Python refuses it in __init__); the C++ frontend's behaviour and text are followed here.
template <size_t D, class Derived>
void ConvTransposeNdImpl<D, Derived>::check_padding_mode() const {
  XGRAD_CHECK(this->options.padding_mode() == kZeros,
              "Only `zeros` padding mode is supported for ConvTranspose{}d", D);
}

template <size_t D, class Derived>
void ConvTransposeNdImpl<D, Derived>::pretty_print(std::ostream& stream) const {
  const auto& o = this->options;
  stream << "torch::nn::ConvTranspose" << D << "d(" << o.in_channels() << ", " << o.out_channels()
         << ", kernel_size=" << o.kernel_size() << ", stride=" << o.stride();
  if (!all_equal(padding(), 0)) stream << ", padding=" << padding();
  if (!all_equal(o.dilation(), 1)) stream << ", dilation=" << o.dilation();
  if (!all_equal(o.output_padding(), 0)) stream << ", output_padding=" << o.output_padding();
  if (o.groups() != 1) stream << ", groups=" << o.groups();
  if (!o.bias()) stream << ", bias=false";
  if (o.padding_mode() != kZeros) stream << ", padding_mode=" << enumtype::get_enum_name(o.padding_mode());
  stream << ")";
}

template <size_t D, class Derived>
const ExpandingArray<D>& ConvTransposeNdImpl<D, Derived>::padding() const {
  return std::get<ExpandingArray<D>>(this->options.padding());
}

/// The output_padding that makes the output output_size (Python's _ConvTransposeNd._output_padding).
template <size_t D, class Derived>
std::vector<int64_t> ConvTransposeNdImpl<D, Derived>::_output_padding(const Tensor& input,
                                                                       const std::optional<IntArrayRef>& output_size,
                                                                       const ExpandingArray<D>& stride,
                                                                       const ExpandingArray<D>& padding,
                                                                       const ExpandingArray<D>& kernel_size) {
  if (!output_size.has_value()) return std::vector<int64_t>(this->options.output_padding()->begin(), this->options.output_padding()->end());
  const int64_t spatial = static_cast<int64_t>(D);
  const int64_t non_spatial = input.dim() == spatial + 2 ? 2 : 1;
  std::vector<int64_t> size = output_size->vec();
  if (static_cast<int64_t>(size.size()) == non_spatial + spatial) size.erase(size.begin(), size.begin() + non_spatial);
  XGRAD_CHECK_T(ValueError, static_cast<int64_t>(size.size()) == spatial,
                "ConvTranspose{}D: for {}D input, output_size must have {} or {} elements (got {})", D, input.dim(), D,
                non_spatial + spatial, size.size());
  std::vector<int64_t> min_sizes, max_sizes, result;
  for (size_t d = 0; d < D; ++d) {
    const int64_t dim_size = (input.size(static_cast<int64_t>(d) + non_spatial) - 1) * stride->at(d) - 2 * padding->at(d) +
                             this->options.dilation()->at(d) * (kernel_size->at(d) - 1) + 1;
    min_sizes.push_back(dim_size);
    max_sizes.push_back(dim_size + stride->at(d) - 1);
  }
  auto list = [](const std::vector<int64_t>& v) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
    return s + "]";
  };
  for (size_t d = 0; d < D; ++d) {
    if (size[d] < min_sizes[d] || size[d] > max_sizes[d]) {
      std::vector<int64_t> in_spatial(input.sizes().begin() + non_spatial, input.sizes().end());
      throw ValueError(fmt::format("requested an output size of {}, but valid sizes range from {} to {} (for an input of {})",
                                   list(output_size->vec()), list(min_sizes), list(max_sizes),
                                   "torch.Size(" + list(in_spatial) + ")"));
    }
    result.push_back(size[d] - min_sizes[d]);
  }
  return result;
}

ConvTranspose1dImpl::ConvTranspose1dImpl(ConvTranspose1dOptions options_) : ConvTransposeNdImpl(nd_options(options_)) {}
ConvTranspose2dImpl::ConvTranspose2dImpl(ConvTranspose2dOptions options_) : ConvTransposeNdImpl(nd_options(options_)) {}
ConvTranspose3dImpl::ConvTranspose3dImpl(ConvTranspose3dOptions options_) : ConvTransposeNdImpl(nd_options(options_)) {}

Tensor ConvTranspose1dImpl::forward(const Tensor& input, const std::optional<IntArrayRef>& output_size) {
  check_padding_mode();
  const auto op = _output_padding(input, output_size, options.stride(), padding(), options.kernel_size());
  return xgrad::conv_transpose1d(input, weight, bias, *options.stride(), *padding(), op, options.groups(), *options.dilation());
}
Tensor ConvTranspose2dImpl::forward(const Tensor& input, const std::optional<IntArrayRef>& output_size) {
  check_padding_mode();
  const auto op = _output_padding(input, output_size, options.stride(), padding(), options.kernel_size());
  return xgrad::conv_transpose2d(input, weight, bias, *options.stride(), *padding(), op, options.groups(), *options.dilation());
}
Tensor ConvTranspose3dImpl::forward(const Tensor& input, const std::optional<IntArrayRef>& output_size) {
  check_padding_mode();
  const auto op = _output_padding(input, output_size, options.stride(), padding(), options.kernel_size());
  return xgrad::conv_transpose3d(input, weight, bias, *options.stride(), *padding(), op, options.groups(), *options.dilation());
}

template class ConvNdImpl<1, Conv1dImpl>;
template class ConvNdImpl<2, Conv2dImpl>;
template class ConvNdImpl<3, Conv3dImpl>;
template class ConvNdImpl<1, ConvTranspose1dImpl>;
template class ConvNdImpl<2, ConvTranspose2dImpl>;
template class ConvNdImpl<3, ConvTranspose3dImpl>;
template class ConvTransposeNdImpl<1, ConvTranspose1dImpl>;
template class ConvTransposeNdImpl<2, ConvTranspose2dImpl>;
template class ConvTransposeNdImpl<3, ConvTranspose3dImpl>;

}  // namespace xgrad::nn
