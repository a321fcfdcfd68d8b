// ops/conv.hpp: convolutions, as torch:: (ATen) names them: torch::conv2d(input, weight, bias,
// stride, padding, dilation, groups), its string-padding form ("same", "valid"),
// conv_transpose1d/2d/3d, and the op under all of them, torch::convolution, with its derivative
// torch::convolution_backward. Also im2col/col2im, the lowering that turns a convolution into a
// matrix product (F::unfold and F::fold). The maths is in src/ops/conv.cpp.
// Read next: nn/functional/conv.hpp.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// A convolution's padding given by name, "same" or "valid". Unlike a std::string_view it cannot
/// be made from the literal 0, so conv2d(x, w, b, 1, 0) is zero padding, not an ambiguous call.
class ConvPaddingString {
 public:
  template <size_t N>
  ConvPaddingString(const char (&name)[N]) : name_(name, N - 1) {}  // NOLINT(google-explicit-constructor)
  ConvPaddingString(std::string_view name) : name_(name) {}        // NOLINT(google-explicit-constructor)
  ConvPaddingString(const std::string& name) : name_(name) {}      // NOLINT(google-explicit-constructor)
  std::string_view view() const { return name_; }

 private:
  std::string_view name_;
};

/// The convolution of every dimensionality, as ATen's at::convolution: input (N, C_in, *in),
/// weight (C_out, C_in / groups, *k) or, when `transposed`, (C_in, C_out / groups, *k); bias
/// (C_out) or undefined. Recorded as ConvolutionBackward0.
Tensor convolution(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride,
                   IntArrayRef padding, IntArrayRef dilation, bool transposed, IntArrayRef output_padding,
                   int64_t groups);
/// The gradients of convolution's input, weight and bias for the gradient of its output
/// (each computed when its output_mask entry is true). Recorded as ConvolutionBackwardBackward0,
/// so a convolution can be differentiated any number of times.
std::tuple<Tensor, Tensor, Tensor> convolution_backward(const Tensor& grad_output, const Tensor& input,
                                                        const Tensor& weight, std::optional<IntArrayRef> bias_sizes,
                                                        IntArrayRef stride, IntArrayRef padding, IntArrayRef dilation,
                                                        bool transposed, IntArrayRef output_padding, int64_t groups,
                                                        std::array<bool, 3> output_mask);

/// Convolutions over 1, 2 or 3 spatial dims; the input may leave out its batch dim.
Tensor conv1d(const Tensor& input, const Tensor& weight, const Tensor& bias = {}, IntArrayRef stride = 1,
              IntArrayRef padding = 0, IntArrayRef dilation = 1, int64_t groups = 1);
Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias = {}, IntArrayRef stride = 1,
              IntArrayRef padding = 0, IntArrayRef dilation = 1, int64_t groups = 1);
Tensor conv3d(const Tensor& input, const Tensor& weight, const Tensor& bias = {}, IntArrayRef stride = 1,
              IntArrayRef padding = 0, IntArrayRef dilation = 1, int64_t groups = 1);
/// padding "valid" (none) or "same" (the output as large as the input; stride 1 only).
Tensor conv1d(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride,
              ConvPaddingString padding, IntArrayRef dilation = 1, int64_t groups = 1);
Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride,
              ConvPaddingString padding, IntArrayRef dilation = 1, int64_t groups = 1);
Tensor conv3d(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride,
              ConvPaddingString padding, IntArrayRef dilation = 1, int64_t groups = 1);

/// Transposed convolutions (the adjoint of conv, "deconvolution"): weight (C_in, C_out / groups, *k).
Tensor conv_transpose1d(const Tensor& input, const Tensor& weight, const Tensor& bias = {}, IntArrayRef stride = 1,
                        IntArrayRef padding = 0, IntArrayRef output_padding = 0, int64_t groups = 1,
                        IntArrayRef dilation = 1);
Tensor conv_transpose2d(const Tensor& input, const Tensor& weight, const Tensor& bias = {}, IntArrayRef stride = 1,
                        IntArrayRef padding = 0, IntArrayRef output_padding = 0, int64_t groups = 1,
                        IntArrayRef dilation = 1);
Tensor conv_transpose3d(const Tensor& input, const Tensor& weight, const Tensor& bias = {}, IntArrayRef stride = 1,
                        IntArrayRef padding = 0, IntArrayRef output_padding = 0, int64_t groups = 1,
                        IntArrayRef dilation = 1);

/// im2col: every kernel-sized patch of a (N, C, H, W) or (C, H, W) image as a column:
/// (N, C * kH * kW, L), L the number of patches. Recorded as Im2ColBackward0.
Tensor im2col(const Tensor& self, IntArrayRef kernel_size, IntArrayRef dilation, IntArrayRef padding,
              IntArrayRef stride);
/// col2im: the adjoint of im2col, summing overlapping patches back into an image of output_size.
/// Recorded as Col2ImBackward0.
Tensor col2im(const Tensor& self, IntArrayRef output_size, IntArrayRef kernel_size, IntArrayRef dilation,
              IntArrayRef padding, IntArrayRef stride);

}  // namespace xgrad
