// activation.hpp: the activations and the softmax family, as graph nodes named as in PyTorch.
// Each forward, its derivative and what it saves are documented in src/ops/activation.cpp,
// activation_{elu,rectifier,smooth,shrink}.cpp and src/ops/softmax.cpp. The *_backward functions
// are PyTorch's backward ops (a create_graph gradient is their node). Read next: reduction.hpp.
#pragma once

#include <optional>
#include <string>
#include <tuple>

#include "xgrad/core/tensor.hpp"
#include "xgrad/random/generator.hpp"

namespace xgrad {

Tensor relu(const Tensor& x);
Tensor sigmoid(const Tensor& x);
Tensor tanh(const Tensor& x);
Tensor softplus(const Tensor& x, const Scalar& beta = 1, const Scalar& threshold = 20);
Tensor log_sigmoid(const Tensor& x);
Tensor softmax(const Tensor& x, int64_t dim, std::optional<ScalarType> dtype = std::nullopt);
Tensor log_softmax(const Tensor& x, int64_t dim, std::optional<ScalarType> dtype = std::nullopt);
Tensor& relu_(Tensor& x);
Tensor threshold_backward(const Tensor& grad_output, const Tensor& self, const Scalar& threshold);

// The exponential linear units (activation_elu.cpp).
Tensor elu(const Tensor& x, const Scalar& alpha = 1, const Scalar& scale = 1, const Scalar& input_scale = 1);
Tensor& elu_(Tensor& x, const Scalar& alpha = 1, const Scalar& scale = 1, const Scalar& input_scale = 1);
Tensor elu_backward(const Tensor& grad_output, const Scalar& alpha, const Scalar& scale, const Scalar& input_scale,
                    bool is_result, const Tensor& self_or_result);
Tensor selu(const Tensor& x);
Tensor& selu_(Tensor& x);
Tensor celu(const Tensor& x, const Scalar& alpha = 1.0);
Tensor& celu_(Tensor& x, const Scalar& alpha = 1.0);

// The piecewise-linear ones (activation_rectifier.cpp).
Tensor hardtanh(const Tensor& x, const Scalar& min_val = -1, const Scalar& max_val = 1);
Tensor& hardtanh_(Tensor& x, const Scalar& min_val = -1, const Scalar& max_val = 1);
Tensor hardtanh_backward(const Tensor& grad_output, const Tensor& self, const Scalar& min_val, const Scalar& max_val);
Tensor relu6(const Tensor& x);
Tensor& relu6_(Tensor& x);
Tensor leaky_relu(const Tensor& x, const Scalar& negative_slope = 0.01);
Tensor& leaky_relu_(Tensor& x, const Scalar& negative_slope = 0.01);
Tensor leaky_relu_backward(const Tensor& grad_output, const Tensor& self, const Scalar& negative_slope,
                           bool self_is_result);
Tensor threshold(const Tensor& x, const Scalar& threshold, const Scalar& value);
Tensor& threshold_(Tensor& x, const Scalar& threshold, const Scalar& value);
Tensor prelu(const Tensor& self, const Tensor& weight);
std::tuple<Tensor, Tensor> prelu_backward(const Tensor& grad_output, const Tensor& self, const Tensor& weight);
Tensor rrelu(const Tensor& self, const Scalar& lower = 1.0 / 8.0, const Scalar& upper = 1.0 / 3.0, bool training = false,
             std::optional<Generator> generator = std::nullopt);
Tensor& rrelu_(Tensor& self, const Scalar& lower = 1.0 / 8.0, const Scalar& upper = 1.0 / 3.0, bool training = false,
               std::optional<Generator> generator = std::nullopt);
/// rrelu with the slopes it draws in training written into `noise` (a tensor of self's shape).
Tensor rrelu_with_noise(const Tensor& self, const Tensor& noise, const Scalar& lower = 1.0 / 8.0,
                        const Scalar& upper = 1.0 / 3.0, bool training = false,
                        std::optional<Generator> generator = std::nullopt);
Tensor rrelu_with_noise_backward(const Tensor& grad_output, const Tensor& self_or_result, const Tensor& noise,
                                 const Scalar& lower, const Scalar& upper, bool training, bool is_result);

// The smooth ones and their hard cousins (activation_smooth.cpp).
Tensor gelu(const Tensor& x, const std::string& approximate = "none");
Tensor gelu_backward(const Tensor& grad_output, const Tensor& self, const std::string& approximate = "none");
Tensor silu(const Tensor& x);
Tensor& silu_(Tensor& x);
Tensor mish(const Tensor& x);
Tensor& mish_(Tensor& x);
Tensor hardsigmoid(const Tensor& x);
Tensor& hardsigmoid_(Tensor& x);
Tensor hardswish(const Tensor& x);
Tensor& hardswish_(Tensor& x);

// Shrinks and the gated linear unit (activation_shrink.cpp).
Tensor softshrink(const Tensor& x, const Scalar& lambd = 0.5);
Tensor hardshrink(const Tensor& x, const Scalar& lambd = 0.5);
Tensor glu(const Tensor& self, int64_t dim = -1);
Tensor glu_backward(const Tensor& grad_output, const Tensor& self, int64_t dim);

}  // namespace xgrad
