// nn/utils.hpp: torch::nn::utils as libtorch's torch/nn/utils.h gathers it: gradient clipping,
// parameters to and from one vector, packed sequences (utils::rnn).
#pragma once

#include "xgrad/nn/utils/clip_grad.hpp"
#include "xgrad/nn/utils/convert_parameters.hpp"
#include "xgrad/nn/utils/rnn.hpp"
