// init.hpp: torch::nn::init, the weight initialisations, with PyTorch's fan computation and bound
// formulas, so a layer initialised after torch::manual_seed(s) holds PyTorch's exact weights.
// Each fills the tensor in place without recording it in the graph. Read next: nn/module.hpp.
#pragma once

#include <tuple>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// The nonlinearities calculate_gain knows (libtorch: torch::kReLU, torch::kLeakyReLU, ...).
enum class Nonlinearity {
  Linear, Conv1D, Conv2D, Conv3D, ConvTranspose1D, ConvTranspose2D, ConvTranspose3D, Sigmoid, Tanh, ReLU, LeakyReLU
};
constexpr Nonlinearity kLinear = Nonlinearity::Linear;
constexpr Nonlinearity kConv1D = Nonlinearity::Conv1D;
constexpr Nonlinearity kConv2D = Nonlinearity::Conv2D;
constexpr Nonlinearity kConv3D = Nonlinearity::Conv3D;
constexpr Nonlinearity kConvTranspose1D = Nonlinearity::ConvTranspose1D;
constexpr Nonlinearity kConvTranspose2D = Nonlinearity::ConvTranspose2D;
constexpr Nonlinearity kConvTranspose3D = Nonlinearity::ConvTranspose3D;
constexpr Nonlinearity kSigmoid = Nonlinearity::Sigmoid;
constexpr Nonlinearity kTanh = Nonlinearity::Tanh;
constexpr Nonlinearity kReLU = Nonlinearity::ReLU;
constexpr Nonlinearity kLeakyReLU = Nonlinearity::LeakyReLU;

/// Whether kaiming_* scales by the fan in (forward pass) or the fan out (backward pass).
enum class FanMode { FanIn, FanOut };
constexpr FanMode kFanIn = FanMode::FanIn;
constexpr FanMode kFanOut = FanMode::FanOut;

namespace nn::init {

using NonlinearityType = Nonlinearity;
using FanModeType = FanMode;

/// The recommended gain: 1 (linear, conv, sigmoid), 5/3 (tanh), sqrt(2) (relu),
/// sqrt(2 / (1 + param^2)) (leaky_relu, param = its negative slope).
double calculate_gain(NonlinearityType nonlinearity, double param = 0.01);
/// (fan_in, fan_out): size(1) and size(0), times the product of the remaining sizes.
std::tuple<int64_t, int64_t> _calculate_fan_in_and_fan_out(const Tensor& tensor);

Tensor uniform_(Tensor tensor, double low = 0, double high = 1);
Tensor normal_(Tensor tensor, double mean = 0, double std = 1);
Tensor constant_(Tensor tensor, Scalar value);
Tensor ones_(Tensor tensor);
Tensor zeros_(Tensor tensor);
Tensor eye_(Tensor matrix);
/// The identity of a convolution: zeros, with a 1 at the centre of kernel (o, o % in) for each
/// output channel o of each group (3-, 4- or 5-d tensors). Python's `groups`; libtorch has none.
Tensor dirac_(Tensor tensor, int64_t groups = 1);
/// A (semi-)orthogonal matrix (dims after the first flattened), times gain: the Q of the QR
/// factorisation of a normal matrix, its columns' signs fixed by R's diagonal (Saxe et al. 2013).
Tensor orthogonal_(Tensor tensor, double gain = 1.0);
/// N(0, std^2), then in each column ceil(sparsity * rows) entries, chosen by randperm, set to 0.
Tensor sparse_(Tensor tensor, double sparsity, double std = 0.01);
/// U(-bound, bound), bound = gain * sqrt(3 / fan), gain = calculate_gain(nonlinearity, a).
Tensor kaiming_uniform_(Tensor tensor, double a = 0, FanModeType mode = kFanIn,
                        NonlinearityType nonlinearity = kLeakyReLU);
/// N(0, std^2), std = gain / sqrt(fan).
Tensor kaiming_normal_(Tensor tensor, double a = 0, FanModeType mode = kFanIn, NonlinearityType nonlinearity = kLeakyReLU);
/// U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out)).
Tensor xavier_uniform_(Tensor tensor, double gain = 1.0);
/// N(0, std^2), std = gain * sqrt(2 / (fan_in + fan_out)).
Tensor xavier_normal_(Tensor tensor, double gain = 1.0);

}  // namespace nn::init
}  // namespace xgrad
