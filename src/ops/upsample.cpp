// upsample.cpp: the upsample_* ops with ATen's checks and messages. All of them are one linear
// map (kernels/upsample.hpp: a table of taps and weights per axis), so the gradient is its adjoint
// (a scatter-add along the same tables) and the adjoint's gradient is the map again: every order
// of derivative is one of the two. Read next: src/nn/functional/upsampling.cpp.
#include "xgrad/ops/upsample.hpp"

#include <array>
#include <string>

#include "kernels/upsample.hpp"
#include "ops/op_utils.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/format.hpp"

namespace xgrad {

using autograd::record;
using autograd::variable_list;
using kernels::UpsampleMode;

namespace {

/// What one upsample op is: its mode, its spatial dims, align_corners and the scales given.
struct Spec {
  UpsampleMode mode;
  int64_t dims;
  bool align_corners;
  std::array<std::optional<double>, 3> scales;
};

/// The node names of the op and of its gradient, as Python's F.interpolate shows them (it calls
/// the overloads that take a list of scales, hence Backward1).
struct Names {
  const char* forward;
  const char* backward;
};
Names names(const Spec& s) {
  switch (s.mode) {
    case UpsampleMode::Nearest: {
      static const Names n[] = {{"UpsampleNearest1DBackward1", "UpsampleNearest1DBackwardBackward1"},
                                {"UpsampleNearest2DBackward1", "UpsampleNearest2DBackwardBackward1"},
                                {"UpsampleNearest3DBackward1", "UpsampleNearest3DBackwardBackward1"}};
      return n[s.dims - 1];
    }
    case UpsampleMode::NearestExact: {
      static const Names n[] = {{"UpsampleNearestExact1DBackward1", "UpsampleNearestExact1DBackwardBackward1"},
                                {"UpsampleNearestExact2DBackward1", "UpsampleNearestExact2DBackwardBackward1"},
                                {"UpsampleNearestExact3DBackward1", "UpsampleNearestExact3DBackwardBackward1"}};
      return n[s.dims - 1];
    }
    case UpsampleMode::Linear: {
      static const Names n[] = {{"UpsampleLinear1DBackward1", "UpsampleLinear1DBackwardBackward1"},
                                {"UpsampleBilinear2DBackward1", "UpsampleBilinear2DBackwardBackward1"},
                                {"UpsampleTrilinear3DBackward1", "UpsampleTrilinear3DBackwardBackward1"}};
      return n[s.dims - 1];
    }
    case UpsampleMode::Cubic: return {"UpsampleBicubic2DBackward1", "UpsampleBicubic2DBackwardBackward1"};
    case UpsampleMode::LinearAA: return {"UpsampleBilinear2DAaBackward1", "UpsampleBilinear2DAaBackwardBackward1"};
    case UpsampleMode::CubicAA: return {"UpsampleBicubic2DAaBackward1", "UpsampleBicubic2DAaBackwardBackward1"};
  }
  return {"", ""};
}

/// The dispatch name in ATen's "not implemented" message.
const char* kernel_name(UpsampleMode mode) {
  switch (mode) {
    case UpsampleMode::Nearest:
    case UpsampleMode::NearestExact: return "compute_indices_weights_nearest";
    case UpsampleMode::Linear: return "compute_indices_weights_linear";
    case UpsampleMode::Cubic: return "compute_indices_weights_cubic";
    case UpsampleMode::LinearAA:
    case UpsampleMode::CubicAA: return "compute_indices_weights_aa";
  }
  return "";
}

/// ATen's upsample_{1,2,3}d_common_check, and the dtypes its CPU kernels take.
void check(const Tensor& x, IntArrayRef output_size, const Spec& s) {
  const int64_t dims = s.dims;
  XGRAD_CHECK(static_cast<int64_t>(output_size.size()) == dims,
              "It is expected output_size equals to {}, but got size {}", dims, output_size.size());
  XGRAD_CHECK(x.dim() == dims + 2, "It is expected input_size equals to {}, but got size {}", dims + 2, x.dim());
  int64_t inner = 1;
  for (int64_t i = 1; i < x.dim(); ++i) inner *= x.size(i);
  XGRAD_CHECK(x.numel() != 0 || inner != 0, "Non-empty {}D data tensor expected but got a tensor with sizes {}",
              dims + 2, format_sizes(x.sizes()));
  bool positive = true;
  for (int64_t i = 0; i < dims; ++i) positive = positive && x.size(2 + i) > 0 && output_size[static_cast<size_t>(i)] > 0;
  if (!positive) {
    static const char* axis[] = {"D", "H", "W"};
    std::string in, out;
    for (int64_t i = 0; i < dims; ++i) {
      const char* a = axis[3 - dims + i];
      in += fmt::format("{}{}: {}", i ? ", " : "", a, x.size(2 + i));
      out += fmt::format("{}{}: {}", i ? ", " : "", a, output_size[static_cast<size_t>(i)]);
    }
    // ATen's 1-d message has an "and" the 2-d and 3-d ones do not.
    throw Error(fmt::format("Input and output sizes should be greater than 0, but got input ({}){} output ({})", in,
                            dims == 1 ? " and" : "", out));
  }
  const ScalarType t = x.scalar_type();
  const bool nearest = s.mode == UpsampleMode::Nearest || s.mode == UpsampleMode::NearestExact;
  // Every mode takes float and double (the antialiased ones nothing else).
  bool ok = t == kFloat || t == kDouble;
  if (s.mode == UpsampleMode::Nearest || s.mode == UpsampleMode::Linear) ok = ok || t == kBFloat16;
  if (nearest) ok = ok || t == kByte;
  if (!ok) throw Error(fmt::format("\"{}\" not implemented for '{}'", kernel_name(s.mode), scalar_type_name(t)));
}

/// The tables of the last `dims` axes, from `in` (the input's sizes) to `out` (output_size).
template <class T>
kernels::UpsampleAxes<T> axes(IntArrayRef in, IntArrayRef out, const Spec& s) {
  kernels::UpsampleAxes<T> ax;
  const int64_t nd = static_cast<int64_t>(in.size());
  for (int64_t i = 0; i < s.dims; ++i)
    ax[static_cast<size_t>(3 - s.dims + i)] = kernels::upsample_axis<T>(
        s.mode, in[static_cast<size_t>(nd - s.dims + i)], out[static_cast<size_t>(i)], s.align_corners,
        s.scales[static_cast<size_t>(i)]);
  return ax;
}

/// Runs f(T{}) in the dtype the kernel computes `t` in: bfloat16 goes through float (exact for
/// nearest; linear rounds once at the end).
template <class F>
void visit_upsample(ScalarType t, F&& f) {
  switch (t) {
    case kByte: f(uint8_t{}); break;
    case kDouble: f(double{}); break;
    default: f(float{}); break;
  }
}

Tensor upsample_backward(const Tensor& grad, IntArrayRef input_sizes, IntArrayRef output_size, const Spec& s);

/// The forward map: x (N, C, in...) -> (N, C, output_size...).
/// d/dx = upsample_backward(grad) (the adjoint)      saves: nothing
Tensor upsample(const Tensor& self, IntArrayRef output_size, const Spec& s) {
  check(self, output_size, s);
  const ScalarType t = self.scalar_type();
  const ScalarType work = t == kBFloat16 ? kFloat : t;
  const Tensor x = detail::contiguous_raw(detail::convert(self, work));
  DimVector out_sizes{self.size(0), self.size(1)};
  for (int64_t o : output_size) out_sizes.push_back(o);
  Tensor out = detail::make_empty(out_sizes, work);
  const int64_t planes = self.size(0) * self.size(1);
  visit_upsample(work, [&](auto tag) {
    using T = decltype(tag);
    if (out.numel() > 0) kernels::upsample_forward<T>(x.data_ptr<T>(), out.data_ptr<T>(), planes, axes<T>(x.sizes(), output_size, s));
  });
  out = detail::convert(out, t);
  return record(names(s).forward, out, {self},
                [sizes = DimVector(self.sizes()), osize = DimVector(output_size), s](const Tensor& g) -> variable_list {
                  return {upsample_backward(g, sizes, osize, s)};
                });
}

/// The adjoint: grad (N, C, output_size...) summed back into (N, C, in...) along the taps.
/// d/dgrad = upsample(grad's gradient)      saves: nothing
Tensor upsample_backward(const Tensor& grad, IntArrayRef input_sizes, IntArrayRef output_size, const Spec& s) {
  const ScalarType t = grad.scalar_type();
  const ScalarType work = t == kBFloat16 ? kFloat : t;
  const Tensor g = detail::contiguous_raw(detail::convert(grad, work));
  Tensor out = detail::make_empty(input_sizes, work);
  const int64_t planes = input_sizes[0] * input_sizes[1];
  visit_upsample(work, [&](auto tag) {
    using T = decltype(tag);
    if (out.numel() > 0) kernels::upsample_backward<T>(g.data_ptr<T>(), out.data_ptr<T>(), planes, axes<T>(input_sizes, output_size, s));
  });
  out = detail::convert(out, t);
  return record(names(s).backward, out, {grad},
                [osize = DimVector(output_size), s](const Tensor& gg) -> variable_list { return {upsample(gg, osize, s)}; });
}

Spec spec(UpsampleMode mode, int64_t dims, bool align_corners, std::optional<double> a = std::nullopt,
          std::optional<double> b = std::nullopt, std::optional<double> c = std::nullopt) {
  return {mode, dims, align_corners, {a, b, c}};
}

}  // namespace

Tensor upsample_nearest1d(const Tensor& self, IntArrayRef output_size, std::optional<double> scales) {
  return upsample(self, output_size, spec(UpsampleMode::Nearest, 1, false, scales));
}
Tensor upsample_nearest2d(const Tensor& self, IntArrayRef output_size, std::optional<double> scales_h,
                          std::optional<double> scales_w) {
  return upsample(self, output_size, spec(UpsampleMode::Nearest, 2, false, scales_h, scales_w));
}
Tensor upsample_nearest3d(const Tensor& self, IntArrayRef output_size, std::optional<double> scales_d,
                          std::optional<double> scales_h, std::optional<double> scales_w) {
  return upsample(self, output_size, spec(UpsampleMode::Nearest, 3, false, scales_d, scales_h, scales_w));
}
Tensor _upsample_nearest_exact1d(const Tensor& self, IntArrayRef output_size, std::optional<double> scales) {
  return upsample(self, output_size, spec(UpsampleMode::NearestExact, 1, false, scales));
}
Tensor _upsample_nearest_exact2d(const Tensor& self, IntArrayRef output_size, std::optional<double> scales_h,
                                 std::optional<double> scales_w) {
  return upsample(self, output_size, spec(UpsampleMode::NearestExact, 2, false, scales_h, scales_w));
}
Tensor _upsample_nearest_exact3d(const Tensor& self, IntArrayRef output_size, std::optional<double> scales_d,
                                 std::optional<double> scales_h, std::optional<double> scales_w) {
  return upsample(self, output_size, spec(UpsampleMode::NearestExact, 3, false, scales_d, scales_h, scales_w));
}
Tensor upsample_linear1d(const Tensor& self, IntArrayRef output_size, bool align_corners, std::optional<double> scales) {
  return upsample(self, output_size, spec(UpsampleMode::Linear, 1, align_corners, scales));
}
Tensor upsample_bilinear2d(const Tensor& self, IntArrayRef output_size, bool align_corners,
                           std::optional<double> scales_h, std::optional<double> scales_w) {
  return upsample(self, output_size, spec(UpsampleMode::Linear, 2, align_corners, scales_h, scales_w));
}
Tensor upsample_trilinear3d(const Tensor& self, IntArrayRef output_size, bool align_corners,
                            std::optional<double> scales_d, std::optional<double> scales_h,
                            std::optional<double> scales_w) {
  return upsample(self, output_size, spec(UpsampleMode::Linear, 3, align_corners, scales_d, scales_h, scales_w));
}
Tensor upsample_bicubic2d(const Tensor& self, IntArrayRef output_size, bool align_corners,
                          std::optional<double> scales_h, std::optional<double> scales_w) {
  return upsample(self, output_size, spec(UpsampleMode::Cubic, 2, align_corners, scales_h, scales_w));
}
Tensor _upsample_bilinear2d_aa(const Tensor& self, IntArrayRef output_size, bool align_corners,
                               std::optional<double> scales_h, std::optional<double> scales_w) {
  return upsample(self, output_size, spec(UpsampleMode::LinearAA, 2, align_corners, scales_h, scales_w));
}
Tensor _upsample_bicubic2d_aa(const Tensor& self, IntArrayRef output_size, bool align_corners,
                              std::optional<double> scales_h, std::optional<double> scales_w) {
  return upsample(self, output_size, spec(UpsampleMode::CubicAA, 2, align_corners, scales_h, scales_w));
}

namespace native {

namespace {
/// ATen's compute_output_size for the overloads that take a list of scales: exactly one of
/// output_size and scale_factors; from the factors, floor(in * factor) per spatial dim.
struct SizeAndScales {
  DimVector size;
  std::optional<double> h, w;
};
SizeAndScales size_and_scales(const Tensor& input, OptionalIntArrayRef output_size,
                              std::optional<ArrayRef<double>> scale_factors) {
  XGRAD_CHECK(output_size.has_value() != scale_factors.has_value(),
              "Must specify exactly one of output_size and scale_factors");
  SizeAndScales r;
  if (output_size) {
    XGRAD_CHECK(output_size->size() == 2, "It is expected output_size equals to 2, but got size {}", output_size->size());
    r.size = DimVector(*output_size);
    return r;
  }
  XGRAD_CHECK(scale_factors->size() == 2, "It is expected scale_factors equals to 2, but got size {}",
              scale_factors->size());
  XGRAD_CHECK(input.dim() == 4, "It is expected input_size equals to 4, but got size {}", input.dim());
  for (size_t i = 0; i < 2; ++i)
    r.size.push_back(static_cast<int64_t>(static_cast<double>(input.size(2 + static_cast<int64_t>(i))) * (*scale_factors)[i]));
  r.h = (*scale_factors)[0];
  r.w = (*scale_factors)[1];
  return r;
}
}  // namespace

Tensor _upsample_nearest_exact2d(const Tensor& input, OptionalIntArrayRef output_size,
                                 std::optional<ArrayRef<double>> scale_factors) {
  const SizeAndScales s = size_and_scales(input, output_size, scale_factors);
  return xgrad::_upsample_nearest_exact2d(input, s.size, s.h, s.w);
}
Tensor _upsample_bilinear2d_aa(const Tensor& input, OptionalIntArrayRef output_size, bool align_corners,
                               std::optional<ArrayRef<double>> scale_factors) {
  const SizeAndScales s = size_and_scales(input, output_size, scale_factors);
  return xgrad::_upsample_bilinear2d_aa(input, s.size, align_corners, s.h, s.w);
}
Tensor _upsample_bicubic2d_aa(const Tensor& input, OptionalIntArrayRef output_size, bool align_corners,
                              std::optional<ArrayRef<double>> scale_factors) {
  const SizeAndScales s = size_and_scales(input, output_size, scale_factors);
  return xgrad::_upsample_bicubic2d_aa(input, s.size, align_corners, s.h, s.w);
}

}  // namespace native

}  // namespace xgrad
