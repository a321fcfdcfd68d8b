// modules/conv.hpp: nn::Conv1d/2d/3d and nn::ConvTranspose1d/2d/3d, as in libtorch:
// `nn::Conv2d conv(nn::Conv2dOptions(1, 10, 5).stride(1).padding(torch::kSame))`, holding
// `weight` (C_out, C_in / groups, *k) and `bias`, initialised as PyTorch initialises them
// (kaiming_uniform_ with a = sqrt(5), bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in))), so after
// torch::manual_seed(s) they hold PyTorch's weights bit for bit. A padding_mode other than kZeros
// pads with F::pad first, as PyTorch does. Read next: modules/pooling.hpp.
#pragma once

#include <optional>
#include <vector>

#include "xgrad/nn/functional/conv.hpp"
#include "xgrad/nn/module.hpp"

namespace xgrad::nn {

/// What the convolution modules share: options, parameters, initialisation, printing.
template <size_t D, class Derived>
class ConvNdImpl : public Cloneable<Derived> {
 public:
  explicit ConvNdImpl(detail::ConvNdOptions<D> options_) : options(std::move(options_)) { ConvNdImpl::reset(); }
  /// Checks the options, creates weight and bias, and initialises them.
  void reset() override;
  /// kaiming_uniform_(weight, a = sqrt(5)), then bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;

  detail::ConvNdOptions<D> options;
  Tensor weight;
  Tensor bias;

 protected:
  /// F::pad's padding list for padding_mode (last dim first, each dim's left and right).
  std::vector<int64_t> _reversed_padding_repeated_twice;
};

class Conv1dImpl : public ConvNdImpl<1, Conv1dImpl> {
 public:
  Conv1dImpl(int64_t input_channels, int64_t output_channels, ExpandingArray<1> kernel_size)
      : Conv1dImpl(Conv1dOptions(input_channels, output_channels, kernel_size)) {}
  explicit Conv1dImpl(Conv1dOptions options_);
  Tensor forward(const Tensor& input);
};
TORCH_MODULE(Conv1d);

class Conv2dImpl : public ConvNdImpl<2, Conv2dImpl> {
 public:
  Conv2dImpl(int64_t input_channels, int64_t output_channels, ExpandingArray<2> kernel_size)
      : Conv2dImpl(Conv2dOptions(input_channels, output_channels, kernel_size)) {}
  explicit Conv2dImpl(Conv2dOptions options_);
  Tensor forward(const Tensor& input);

 protected:
  Tensor _conv_forward(const Tensor& input, const Tensor& weight);
};
TORCH_MODULE(Conv2d);

class Conv3dImpl : public ConvNdImpl<3, Conv3dImpl> {
 public:
  Conv3dImpl(int64_t input_channels, int64_t output_channels, ExpandingArray<3> kernel_size)
      : Conv3dImpl(Conv3dOptions(input_channels, output_channels, kernel_size)) {}
  explicit Conv3dImpl(Conv3dOptions options_);
  Tensor forward(const Tensor& input);
};
TORCH_MODULE(Conv3d);

/// What the transposed convolutions add: forward(input, output_size) picks the output_padding
/// that gives the requested size.
template <size_t D, class Derived>
class ConvTransposeNdImpl : public ConvNdImpl<D, Derived> {
 public:
  explicit ConvTransposeNdImpl(detail::ConvNdOptions<D> options_);
  void pretty_print(std::ostream& stream) const override;

 protected:
  const ExpandingArray<D>& padding() const;
  /// Throws unless padding_mode is kZeros (checked in forward, as libtorch does).
  void check_padding_mode() const;
  std::vector<int64_t> _output_padding(const Tensor& input, const std::optional<IntArrayRef>& output_size,
                                       const ExpandingArray<D>& stride, const ExpandingArray<D>& padding,
                                       const ExpandingArray<D>& kernel_size);
};

class ConvTranspose1dImpl : public ConvTransposeNdImpl<1, ConvTranspose1dImpl> {
 public:
  ConvTranspose1dImpl(int64_t input_channels, int64_t output_channels, ExpandingArray<1> kernel_size)
      : ConvTranspose1dImpl(ConvTranspose1dOptions(input_channels, output_channels, kernel_size)) {}
  explicit ConvTranspose1dImpl(ConvTranspose1dOptions options_);
  Tensor forward(const Tensor& input, const std::optional<IntArrayRef>& output_size = std::nullopt);
};
TORCH_MODULE(ConvTranspose1d);

class ConvTranspose2dImpl : public ConvTransposeNdImpl<2, ConvTranspose2dImpl> {
 public:
  ConvTranspose2dImpl(int64_t input_channels, int64_t output_channels, ExpandingArray<2> kernel_size)
      : ConvTranspose2dImpl(ConvTranspose2dOptions(input_channels, output_channels, kernel_size)) {}
  explicit ConvTranspose2dImpl(ConvTranspose2dOptions options_);
  Tensor forward(const Tensor& input, const std::optional<IntArrayRef>& output_size = std::nullopt);
};
TORCH_MODULE(ConvTranspose2d);

class ConvTranspose3dImpl : public ConvTransposeNdImpl<3, ConvTranspose3dImpl> {
 public:
  ConvTranspose3dImpl(int64_t input_channels, int64_t output_channels, ExpandingArray<3> kernel_size)
      : ConvTranspose3dImpl(ConvTranspose3dOptions(input_channels, output_channels, kernel_size)) {}
  explicit ConvTranspose3dImpl(ConvTranspose3dOptions options_);
  Tensor forward(const Tensor& input, const std::optional<IntArrayRef>& output_size = std::nullopt);
};
TORCH_MODULE(ConvTranspose3d);

// Defined once, in src/nn/modules/conv.cpp.
extern template class ConvNdImpl<1, Conv1dImpl>;
extern template class ConvNdImpl<2, Conv2dImpl>;
extern template class ConvNdImpl<3, Conv3dImpl>;
extern template class ConvNdImpl<1, ConvTranspose1dImpl>;
extern template class ConvNdImpl<2, ConvTranspose2dImpl>;
extern template class ConvNdImpl<3, ConvTranspose3dImpl>;
extern template class ConvTransposeNdImpl<1, ConvTranspose1dImpl>;
extern template class ConvTransposeNdImpl<2, ConvTranspose2dImpl>;
extern template class ConvTransposeNdImpl<3, ConvTranspose3dImpl>;

}  // namespace xgrad::nn
