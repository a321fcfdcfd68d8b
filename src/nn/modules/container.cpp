// modules/container.cpp: Sequential's forward.
#include "xgrad/nn/modules/container.hpp"

namespace xgrad::nn {

Tensor SequentialImpl::forward(const Tensor& input) {
  XGRAD_CHECK(!steps_.empty(), "Cannot call forward() on an empty Sequential");
  Tensor x = input;
  for (const Step& step : steps_) x = step.forward(x);
  return x;
}

}  // namespace xgrad::nn
