// nn/utils/convert_parameters.cpp: parameters_to_vector and vector_to_parameters, as Python's
// torch/nn/utils/convert_parameters.py (every tensor is on the CPU here, so the device check
// has nothing to find). Read next: nn/utils/rnn.cpp.
#include "xgrad/nn/utils/convert_parameters.hpp"

#include "xgrad/core/exception.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad::nn::utils {

Tensor parameters_to_vector(const std::vector<Tensor>& parameters) {
  std::vector<Tensor> vec;
  for (const Tensor& p : parameters) vec.push_back(p.view({-1}));
  return cat(vec);
}

void vector_to_parameters(const Tensor& vec, std::vector<Tensor> parameters) {
  XGRAD_CHECK_T(TypeError, vec.defined(), "expected torch.Tensor, but got: an undefined tensor");
  int64_t pointer = 0;
  for (Tensor& p : parameters) {
    const int64_t n = p.numel();
    XGRAD_CHECK(pointer + n <= vec.numel(), "vector_to_parameters: vec has {} elements, the parameters need more",
                vec.numel());
    p.set_data(vec.slice(0, pointer, pointer + n).view_as(p).data());
    pointer += n;
  }
}

}  // namespace xgrad::nn::utils
