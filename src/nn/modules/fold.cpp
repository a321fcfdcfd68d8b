// modules/fold.cpp: F::fold, F::unfold and the Fold / Unfold layers over torch::col2im and
// torch::im2col (src/ops/fold.cpp).
#include "xgrad/nn/modules/fold.hpp"

namespace xgrad::nn {

Tensor functional::fold(const Tensor& input, const FoldFuncOptions& options) {
  // libtorch's F::fold refuses other ranks before col2im sees them (Python's F.fold throws too, with
  // col2im's message).
  XGRAD_CHECK(input.dim() == 2 || input.dim() == 3,
              "Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported (got {}D)", input.dim());
  return col2im(input, *options.output_size(), *options.kernel_size(), *options.dilation(), *options.padding(),
                *options.stride());
}

Tensor functional::unfold(const Tensor& input, const UnfoldFuncOptions& options) {
  // libtorch's F::unfold takes batched 4-d input only (Python's docs say so too, though its F.unfold
  // passes a 3-d one on to im2col); torch::im2col itself takes an unbatched (C, H, W) input.
  XGRAD_CHECK(input.dim() == 4, "Input Error: Only 4D input Tensors are supported (got {}D)", input.dim());
  return im2col(input, *options.kernel_size(), *options.dilation(), *options.padding(), *options.stride());
}

void FoldImpl::pretty_print(std::ostream& stream) const {
  stream << "torch::nn::Fold(output_size=" << options.output_size() << ", kernel_size=" << options.kernel_size()
         << ", dilation=" << options.dilation() << ", padding=" << options.padding() << ", stride=" << options.stride()
         << ")";
}

Tensor FoldImpl::forward(const Tensor& input) { return functional::fold(input, options); }

void UnfoldImpl::pretty_print(std::ostream& stream) const {
  stream << "torch::nn::Unfold(kernel_size=" << options.kernel_size() << ", dilation=" << options.dilation()
         << ", padding=" << options.padding() << ", stride=" << options.stride() << ")";
}

Tensor UnfoldImpl::forward(const Tensor& input) { return functional::unfold(input, options); }

}  // namespace xgrad::nn
