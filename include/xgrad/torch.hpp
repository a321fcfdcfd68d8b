// torch.hpp: the line that lets libtorch code build against xgrad unchanged:
//   #include <xgrad/torch.hpp>   instead of   #include <torch/torch.h>
// and every torch:: name below resolves to xgrad's. libtorch code also writes at:: (ATen) and
// c10:: for the same names (at::Tensor, c10::irange, c10::Error): here all three are xgrad, as in
// libtorch, where torch:: includes at:: and at:: includes c10:: (and caffe2::TypeMeta). The TORCH_CHECK family of macros
// comes with it (core/macros.hpp).
#pragma once

#include <iostream>  // <torch/torch.h> brings std::cout along; ported code relies on it
#include <memory>

#include "xgrad/core/macros.hpp"
#include "xgrad/xgrad.hpp"

namespace xgrad {
/// torch::make_unique (torch/csrc/utils/memory.h), from before C++14 had it: std::make_unique,
/// for one object or an array of value-initialised elements.
using std::make_unique;
}  // namespace xgrad

namespace torch = xgrad;
/// at:: is xgrad too, but as a namespace of its own rather than an alias, because at::tensor is
/// ATen's (1-d, the C++ type's dtype), not torch::tensor (factory.hpp).
namespace at {
using namespace xgrad;  // NOLINT(google-build-using-namespace)
using xgrad::aten::tensor;
}  // namespace at
namespace c10 = xgrad;
namespace caffe2 = xgrad;  // caffe2::TypeMeta, the type torch::get_default_dtype() returns
