// modules/fold.hpp: nn::Unfold (sliding blocks of an image as columns, im2col) and nn::Fold (columns
// summed back into an image, col2im), and F::unfold / F::fold. The ops are in ops/fold.hpp.
// Read next: src/nn/modules/fold.cpp.
#pragma once

#include "xgrad/nn/module.hpp"
#include "xgrad/nn/options/fold.hpp"
#include "xgrad/ops/fold.hpp"

namespace xgrad::nn {

namespace functional {
/// (N, C * kh * kw, L) or (C * kh * kw, L) -> (N, C, H, W) or (C, H, W): torch::col2im.
Tensor fold(const Tensor& input, const FoldFuncOptions& options);
/// (N, C, H, W) -> (N, C * kh * kw, L): torch::im2col. As libtorch's F::unfold, only a 4-d input is
/// taken ("Input Error: Only 4D input Tensors are supported"); torch::im2col takes (C, H, W) too.
Tensor unfold(const Tensor& input, const UnfoldFuncOptions& options);
}  // namespace functional

class FoldImpl : public Cloneable<FoldImpl> {
 public:
  FoldImpl(ExpandingArray<2> output_size, ExpandingArray<2> kernel_size)
      : FoldImpl(FoldOptions(output_size, kernel_size)) {}
  explicit FoldImpl(const FoldOptions& options_) : options(options_) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  FoldOptions options;
};
TORCH_MODULE(Fold);

class UnfoldImpl : public Cloneable<UnfoldImpl> {
 public:
  UnfoldImpl(ExpandingArray<2> kernel_size) : UnfoldImpl(UnfoldOptions(kernel_size)) {}  // NOLINT
  explicit UnfoldImpl(const UnfoldOptions& options_) : options(options_) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  UnfoldOptions options;
};
TORCH_MODULE(Unfold);

}  // namespace xgrad::nn
