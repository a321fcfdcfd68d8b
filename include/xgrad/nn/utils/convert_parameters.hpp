// nn/utils/convert_parameters.hpp: parameters_to_vector and vector_to_parameters of
// torch::nn::utils: all parameters as one flat vector, and back. Read next: nn/utils/rnn.hpp.
#pragma once

#include <vector>

#include "xgrad/core/tensor.hpp"

namespace xgrad::nn::utils {

/// cat(p.view(-1) for p in parameters): differentiable (CatBackward0), the parameters' order.
Tensor parameters_to_vector(const std::vector<Tensor>& parameters);

/// Each parameter's data set to the next numel() elements of vec, viewed as the parameter
/// (set_data: the parameter then shares vec's storage, as in PyTorch).
void vector_to_parameters(const Tensor& vec, std::vector<Tensor> parameters);

}  // namespace xgrad::nn::utils
