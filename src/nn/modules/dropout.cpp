// modules/dropout.cpp: Dropout, Flatten, Identity, F::dropout, F::one_hot.
#include "xgrad/nn/modules/dropout.hpp"

#include "xgrad/core/factory.hpp"
#include "xgrad/ops/indexing.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/shape_ops.hpp"
#include "xgrad/random/distributions.hpp"

namespace xgrad::nn {

Tensor functional::dropout(Tensor input, const DropoutFuncOptions& options) {
  XGRAD_CHECK_T(ValueError, options.p() >= 0 && options.p() <= 1,
                "dropout probability has to be between 0 and 1, but got {}", options.p());
  return options.inplace() ? xgrad::dropout_(input, options.p(), options.training())
                           : xgrad::dropout(input, options.p(), options.training());
}

Tensor functional::one_hot(const Tensor& tensor, int64_t num_classes) {
  XGRAD_CHECK(tensor.scalar_type() == kLong, "one_hot is only applicable to index tensor.");
  if (num_classes == -1) {
    XGRAD_CHECK(tensor.numel() > 0, "Can not infer total number of classes from empty tensor.");
    num_classes = tensor.max().item<int64_t>() + 1;
  }
  if (tensor.numel() > 0) {
    XGRAD_CHECK(tensor.min().item<int64_t>() >= 0, "Class values must be non-negative.");
    XGRAD_CHECK(tensor.max().item<int64_t>() < num_classes, "Class values must be smaller than num_classes.");
  }
  DimVector shape(tensor.sizes());
  shape.push_back(num_classes);
  // A 1 at each index along a new last dim (PyTorch: zeros(...).scatter_(-1, index.unsqueeze(-1), 1)).
  Tensor index = tensor.unsqueeze(-1);
  return zeros(shape, kLong).scatter_add(-1, index, ones(index.sizes(), kLong));
}

DropoutImpl::DropoutImpl(const DropoutOptions& options_) : options(options_) { reset(); }

void DropoutImpl::reset() {
  XGRAD_CHECK(options.p() >= 0 && options.p() <= 1, "dropout probability has to be between 0 and 1, but got {}",
              options.p());
}

void DropoutImpl::pretty_print(std::ostream& stream) const {
  stream << std::boolalpha << "torch::nn::Dropout(p=" << options.p() << ", inplace=" << options.inplace() << ")";
}

Tensor DropoutImpl::forward(Tensor input) {
  return functional::dropout(std::move(input),
                             functional::DropoutFuncOptions().p(options.p()).inplace(options.inplace()).training(is_training()));
}

void FlattenImpl::pretty_print(std::ostream& stream) const {
  stream << "torch::nn::Flatten(start_dim=" << options.start_dim() << ", end_dim=" << options.end_dim() << ")";
}

Tensor FlattenImpl::forward(const Tensor& input) { return input.flatten(options.start_dim(), options.end_dim()); }

void IdentityImpl::pretty_print(std::ostream& stream) const { stream << "torch::nn::Identity()"; }

}  // namespace xgrad::nn
