// options/fold.hpp: FoldOptions(output_size, kernel_size) and UnfoldOptions(kernel_size), with
// dilation 1, padding 0 and stride 1 by default, as libtorch has them. Read next: modules/fold.hpp.
#pragma once

#include "xgrad/nn/options/arg.hpp"
#include "xgrad/nn/options/expanding_array.hpp"

namespace xgrad::nn {

struct FoldOptions {
  FoldOptions(ExpandingArray<2> output_size, ExpandingArray<2> kernel_size)
      : output_size_(output_size), kernel_size_(kernel_size) {}
  /// The (height, width) of the image the blocks are summed into.
  XGRAD_ARG(ExpandingArray<2>, output_size);
  XGRAD_ARG(ExpandingArray<2>, kernel_size);
  XGRAD_ARG(ExpandingArray<2>, dilation) = 1;
  XGRAD_ARG(ExpandingArray<2>, padding) = 0;
  XGRAD_ARG(ExpandingArray<2>, stride) = 1;
};

struct UnfoldOptions {
  UnfoldOptions(ExpandingArray<2> kernel_size) : kernel_size_(kernel_size) {}  // NOLINT
  XGRAD_ARG(ExpandingArray<2>, kernel_size);
  XGRAD_ARG(ExpandingArray<2>, dilation) = 1;
  XGRAD_ARG(ExpandingArray<2>, padding) = 0;
  XGRAD_ARG(ExpandingArray<2>, stride) = 1;
};

namespace functional {
using FoldFuncOptions = FoldOptions;
using UnfoldFuncOptions = UnfoldOptions;
}  // namespace functional

}  // namespace xgrad::nn
