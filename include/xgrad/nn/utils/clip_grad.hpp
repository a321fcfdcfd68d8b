// nn/utils/clip_grad.hpp: gradient clipping as torch::nn::utils has it: clip_grad_norm_ (scale
// every gradient by max_norm / total norm when that is above max_norm) and clip_grad_value_
// (clamp every gradient element). Read next: nn/utils/convert_parameters.hpp.
#pragma once

#include <initializer_list>
#include <vector>

#include "xgrad/core/tensor.hpp"

namespace xgrad::nn::utils {

/// total = || (||g_1||_p, ..., ||g_n||_p) ||_p over the parameters that have a gradient (the
/// largest |element| for p = inf); every gradient is multiplied in place by
/// min(1, max_norm / (total + 1e-6)). Returns total (0 when no parameter has a gradient).
/// error_if_nonfinite: throw (gradients untouched) when total is NaN or infinite. As Python's, a
/// norm_type of 0 counts nonzero elements (libtorch 1.13 counts the parameters instead).
/// Not recorded by autograd.
double clip_grad_norm_(std::vector<Tensor> parameters, double max_norm, double norm_type = 2.0,
                       bool error_if_nonfinite = false);
double clip_grad_norm_(std::initializer_list<Tensor> parameters, double max_norm, double norm_type = 2.0,
                       bool error_if_nonfinite = false);
double clip_grad_norm_(Tensor parameter, double max_norm, double norm_type = 2.0, bool error_if_nonfinite = false);

/// Every gradient element clamped in place to [-clip_value, clip_value]. Not recorded.
void clip_grad_value_(std::vector<Tensor> parameters, double clip_value);
void clip_grad_value_(std::initializer_list<Tensor> parameters, double clip_value);
void clip_grad_value_(Tensor parameter, double clip_value);

}  // namespace xgrad::nn::utils
