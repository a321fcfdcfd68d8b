// example.hpp: data::Example, one sample of a dataset (its data and its target), as in libtorch.
// Read next: data/datasets/mnist.hpp.
#pragma once

#include "xgrad/core/tensor.hpp"

namespace xgrad::data {

template <class Data = Tensor, class Target = Tensor>
struct Example {
  using DataType = Data;
  using TargetType = Target;
  Example() = default;
  Example(Data data, Target target) : data(std::move(data)), target(std::move(target)) {}
  Data data;
  Target target;
};

}  // namespace xgrad::data
