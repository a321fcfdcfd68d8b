// options/padding.hpp: the options of the padding layers and of F::pad, as in libtorch:
// `F::PadFuncOptions({1, 1, 2, 0}).mode(torch::kReflect)`, `ReflectionPad2dOptions({1, 1, 2, 0})`,
// `ConstantPad1dOptions(3, 0.5)`. A padding list runs from the last dim backwards.
// Read next: functional/padding.hpp.
#pragma once

#include <vector>

#include "xgrad/nn/options/arg.hpp"
#include "xgrad/nn/options/enum.hpp"
#include "xgrad/nn/options/expanding_array.hpp"

namespace xgrad::nn {

template <size_t D>
struct ReflectionPadOptions {
  ReflectionPadOptions(ExpandingArray<D * 2> padding) : padding_(padding) {}  // NOLINT
  XGRAD_ARG(ExpandingArray<D * 2>, padding);
};
using ReflectionPad1dOptions = ReflectionPadOptions<1>;
using ReflectionPad2dOptions = ReflectionPadOptions<2>;
using ReflectionPad3dOptions = ReflectionPadOptions<3>;

template <size_t D>
struct ReplicationPadOptions {
  ReplicationPadOptions(ExpandingArray<D * 2> padding) : padding_(padding) {}  // NOLINT
  XGRAD_ARG(ExpandingArray<D * 2>, padding);
};
using ReplicationPad1dOptions = ReplicationPadOptions<1>;
using ReplicationPad2dOptions = ReplicationPadOptions<2>;
using ReplicationPad3dOptions = ReplicationPadOptions<3>;

struct ZeroPad2dOptions {
  ZeroPad2dOptions(ExpandingArray<4> padding) : padding_(padding) {}  // NOLINT
  XGRAD_ARG(ExpandingArray<4>, padding);
};

template <size_t D>
struct ConstantPadOptions {
  ConstantPadOptions(ExpandingArray<D * 2> padding, double value) : padding_(padding), value_(value) {}
  XGRAD_ARG(ExpandingArray<D * 2>, padding);
  XGRAD_ARG(double, value);
};
using ConstantPad1dOptions = ConstantPadOptions<1>;
using ConstantPad2dOptions = ConstantPadOptions<2>;
using ConstantPad3dOptions = ConstantPadOptions<3>;

namespace functional {
/// F::pad(x, F::PadFuncOptions({left, right, ...}).mode(torch::kReflect).value(0)).
struct PadFuncOptions {
  /// kConstant, kReflect, kReplicate or kCircular.
  using mode_t = PaddingMode;
  PadFuncOptions(std::vector<int64_t> pad) : pad_(std::move(pad)) {}  // NOLINT
  XGRAD_ARG(std::vector<int64_t>, pad);
  XGRAD_ARG(mode_t, mode) = kConstant;
  XGRAD_ARG(double, value) = 0;
};
}  // namespace functional

}  // namespace xgrad::nn
