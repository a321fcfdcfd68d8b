// activation.hpp: the activations and the softmax family, as graph nodes named as in PyTorch.
// Each forward, its derivative and what it saves are documented in src/ops/activation.cpp and
// src/ops/softmax.cpp. Read next: reduction.hpp.
#pragma once

#include <optional>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

Tensor relu(const Tensor& x);
Tensor sigmoid(const Tensor& x);
Tensor tanh(const Tensor& x);
Tensor softplus(const Tensor& x, const Scalar& beta = 1, const Scalar& threshold = 20);
Tensor log_sigmoid(const Tensor& x);
Tensor softmax(const Tensor& x, int64_t dim, std::optional<ScalarType> dtype = std::nullopt);
Tensor log_softmax(const Tensor& x, int64_t dim, std::optional<ScalarType> dtype = std::nullopt);
Tensor& relu_(Tensor& x);

}  // namespace xgrad
