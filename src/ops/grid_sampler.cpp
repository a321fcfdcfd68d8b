// grid_sampler.cpp: affine_grid_generator (a base grid of pixel centres times theta, through bmm,
// as ATen composes it) and grid_sampler_2d/3d (kernels/grid_sampler.hpp) with ATen's checks and
// messages. Read next: src/nn/functional/vision.cpp.
#include "xgrad/ops/grid_sampler.hpp"

#include "kernels/grid_sampler.hpp"
#include "ops/op_utils.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/core/grad_mode.hpp"

namespace xgrad {

using autograd::needs_input_grad;
using autograd::record;
using autograd::save;
using autograd::variable_list;

namespace {

/// ATen's linspace_from_neg_one: n points spread over [-1, 1] (align_corners) or over the pixel
/// centres of [-1, 1] (else: scaled by (n - 1) / n); 0 for n <= 1.
void fill_linspace(const Tensor& dst, int64_t n, bool align_corners) {
  if (n <= 1) {
    dst.fill_(0);
    return;
  }
  Tensor range = linspace(-1, 1, n, TensorOptions().dtype(dst.scalar_type()));
  if (!align_corners) range = range * (n - 1) / n;
  dst.copy_(range);
}

/// ATen's make_base_grid_4D / _5D: (N, [D,] H, W, dims + 1) holding (x_w, y_h, [z_d,] 1).
Tensor base_grid(ScalarType dtype, IntArrayRef size, bool align_corners) {
  NoGradGuard no_grad;
  const int64_t n = size[0];
  if (size.size() == 4) {
    const int64_t h = size[2], w = size[3];
    Tensor base = empty({n, h, w, 3}, TensorOptions().dtype(dtype));
    fill_linspace(base.select(-1, 0), w, align_corners);
    fill_linspace(base.select(-1, 1).transpose(1, 2), h, align_corners);
    base.select(-1, 2).fill_(1);
    return base;
  }
  const int64_t d = size[2], h = size[3], w = size[4];
  Tensor base = empty({n, d, h, w, 4}, TensorOptions().dtype(dtype));
  fill_linspace(base.select(-1, 0), w, align_corners);
  fill_linspace(base.select(-1, 1).transpose(2, 3), h, align_corners);
  fill_linspace(base.select(-1, 2).transpose(1, 3), d, align_corners);
  base.select(-1, 3).fill_(1);
  return base;
}

/// The number of grid points (H * W or D * H * W) of `size`.
int64_t points(IntArrayRef size) {
  int64_t p = 1;
  for (size_t i = 2; i < size.size(); ++i) p *= size[i];
  return p;
}

/// d/dtheta of affine_grid_generator: (base^T @ grad)^T per batch element, in differentiable ops.
Tensor affine_grid_generator_backward(const Tensor& grad, IntArrayRef size, bool align_corners) {
  const int64_t k = static_cast<int64_t>(size.size()) - 2;  // 2 or 3 spatial dims
  const Tensor base = base_grid(grad.scalar_type(), size, align_corners);
  const Tensor grad_theta =
      base.view({size[0], points(size), k + 1}).transpose(1, 2).bmm(grad.reshape({size[0], points(size), k}));
  return grad_theta.transpose(1, 2);
}

}  // namespace

Tensor affine_grid_generator(const Tensor& theta, IntArrayRef size, bool align_corners) {
  XGRAD_CHECK(size.size() == 4 || size.size() == 5,
              "AffineGridGenerator needs 4d (spatial) or 5d (volumetric) inputs.");
  const int64_t k = static_cast<int64_t>(size.size()) - 2;
  // ATen's bmm check on theta^T, the batch2 of the product below.
  XGRAD_CHECK(theta.dim() == 3 && theta.size(0) == size[0] && theta.size(2) == k + 1,
              "Expected size for first two dimensions of batch2 tensor to be: [{}, {}] but got: [{}, {}].", size[0],
              k + 1, theta.dim() == 3 ? theta.size(0) : 0, theta.dim() == 3 ? theta.size(2) : 0);
  Tensor grid;
  {
    NoGradGuard no_grad;
    const Tensor base = base_grid(theta.scalar_type(), size, align_corners);
    grid = base.view({size[0], points(size), k + 1}).bmm(theta.transpose(1, 2));
    DimVector out{size[0]};
    for (size_t i = 2; i < size.size(); ++i) out.push_back(size[i]);
    out.push_back(k);
    grid = grid.view(out);
  }
  return record("AffineGridGeneratorBackward0", grid, {theta},
                [sizes = DimVector(size), align_corners](const Tensor& g) -> variable_list {
                  return {affine_grid_generator_backward(g, sizes, align_corners)};
                });
}

namespace {

/// ATen's check_grid_sampler_common, and the 2-d / 3-d checks.
void check_grid_sampler(const Tensor& input, const Tensor& grid, int64_t dims, int64_t mode) {
  XGRAD_CHECK(input.defined(), "grid_sampler(): expected input to not be undefined");
  XGRAD_CHECK(grid.defined(), "grid_sampler(): expected grid to not be undefined");
  XGRAD_CHECK(input.dim() >= 1 && grid.dim() >= 1 && input.size(0) == grid.size(0),
              "grid_sampler(): expected grid and input to have same batch size, but got input with sizes {} and grid "
              "with sizes {}",
              format_sizes(input.sizes()), format_sizes(grid.sizes()));
  XGRAD_CHECK(grid.size(-1) == input.dim() - 2,
              "grid_sampler(): expected grid to have size {} in last dimension, but got grid with sizes {}",
              input.dim() - 2, format_sizes(grid.sizes()));
  for (int64_t i = 2; i < input.dim(); ++i)
    XGRAD_CHECK(input.size(i) > 0,
                "grid_sampler(): expected input to have non-empty spatial dimensions, but input has sizes {} with "
                "dimension {} being empty",
                format_sizes(input.sizes()), i);
  XGRAD_CHECK(input.dim() == dims + 2 && input.dim() == grid.dim(),
              "grid_sampler(): expected {}D input and grid with same number of dimensions, but got input with sizes {} "
              "and grid with sizes {}",
              dims + 2, format_sizes(input.sizes()), format_sizes(grid.sizes()));
  XGRAD_CHECK(!(dims == 3 && mode == 2), "grid_sampler(): bicubic interpolation only supports 4D input");
  XGRAD_CHECK(mode >= 0 && mode <= 2, "grid_sampler(): expected interpolation_mode 0 (bilinear), 1 (nearest) or 2 "
                                      "(bicubic), but got {}", mode);
}

kernels::GridShape grid_shape(const Tensor& input, const Tensor& grid, int64_t dims, int64_t mode, int64_t padding,
                              bool align_corners) {
  kernels::GridShape s;
  s.n = input.size(0);
  s.c = input.size(1);
  s.dims = static_cast<int>(dims);
  for (int64_t a = 0; a < dims; ++a) {
    s.in[static_cast<size_t>(a)] = input.size(input.dim() - 1 - a);
    s.out[static_cast<size_t>(a)] = grid.size(grid.dim() - 2 - a);
  }
  s.mode = static_cast<kernels::GridMode>(mode);
  s.padding = static_cast<kernels::GridPadding>(padding);
  s.align_corners = align_corners;
  return s;
}

/// The name of the CPU kernel in PyTorch's dtype message (the 2-d one prints without quotes).
void check_floating(const Tensor& t, int64_t dims) {
  const ScalarType st = t.scalar_type();
  if (st == kFloat || st == kDouble) return;
  if (dims == 2) throw Error(fmt::format("grid_sampler_2d_cpu not implemented for {}", scalar_type_name(st)));
  throw Error(fmt::format("\"grid_sampler3d_cpu\" not implemented for '{}'", scalar_type_name(st)));
}

Tensor grid_sampler_nd(const Tensor& input_, const Tensor& grid_, int64_t mode, int64_t padding, bool align_corners,
                       int64_t dims) {
  check_grid_sampler(input_, grid_, dims, mode);
  XGRAD_CHECK(padding >= 0 && padding <= 2,
              "grid_sampler(): expected padding_mode 0 (zeros), 1 (border) or 2 (reflection), but got {}", padding);
  check_floating(input_, dims);
  XGRAD_CHECK(grid_.scalar_type() == input_.scalar_type(), "expected scalar type {} but found {}",
              scalar_type_name(input_.scalar_type()), scalar_type_name(grid_.scalar_type()));
  const Tensor input = detail::contiguous_raw(input_), grid = detail::contiguous_raw(grid_);
  const kernels::GridShape s = grid_shape(input, grid, dims, mode, padding, align_corners);
  DimVector out_sizes{s.n, s.c};
  for (int64_t a = dims - 1; a >= 0; --a) out_sizes.push_back(s.out[static_cast<size_t>(a)]);
  Tensor out = detail::make_empty(out_sizes, input.scalar_type());
  visit_floating(input.scalar_type(), "grid_sampler", [&](auto tag) {
    using T = decltype(tag);
    kernels::grid_sampler_forward<T>(input.data_ptr<T>(), grid.data_ptr<T>(), out.data_ptr<T>(), s);
  });
  return record(dims == 2 ? "GridSampler2DBackward0" : "GridSampler3DBackward0", out, {input_, grid_},
                save(input_, grid_),
                [s, dims](const Tensor& g_, const Tensor& input, const Tensor& grid) -> variable_list {
                  const bool want_input = needs_input_grad(0), want_grid = needs_input_grad(1);
                  const Tensor g = detail::contiguous_raw(g_);
                  const Tensor x = detail::contiguous_raw(input), gr = detail::contiguous_raw(grid);
                  Tensor gx = want_input ? detail::make_empty(x.sizes(), x.scalar_type()) : Tensor();
                  Tensor gg = want_grid ? detail::make_empty(gr.sizes(), gr.scalar_type()) : Tensor();
                  visit_floating(x.scalar_type(), "grid_sampler_backward", [&](auto tag) {
                    using T = decltype(tag);
                    kernels::grid_sampler_backward<T>(g.data_ptr<T>(), x.data_ptr<T>(), gr.data_ptr<T>(),
                                                      want_input ? gx.data_ptr<T>() : nullptr,
                                                      want_grid ? gg.data_ptr<T>() : nullptr, s);
                  });
                  // PyTorch has no derivative for grid_sampler_{2,3}d_backward: under create_graph the
                  // gradients hang from a node named NotImplemented that throws if differentiated.
                  const char* msg = dims == 2 ? "derivative for aten::grid_sampler_2d_backward is not implemented"
                                              : "derivative for aten::grid_sampler_3d_backward is not implemented";
                  auto not_implemented = [&](const Tensor& t) {
                    return record("NotImplemented", t, {g_, input, grid},
                                  [msg](const Tensor&) -> variable_list { throw Error(msg); });
                  };
                  if (gx.defined()) gx = not_implemented(gx);
                  if (gg.defined()) gg = not_implemented(gg);
                  return {gx, gg};
                });
}

}  // namespace

Tensor grid_sampler_2d(const Tensor& input, const Tensor& grid, int64_t interpolation_mode, int64_t padding_mode,
                       bool align_corners) {
  return grid_sampler_nd(input, grid, interpolation_mode, padding_mode, align_corners, 2);
}
Tensor grid_sampler_3d(const Tensor& input, const Tensor& grid, int64_t interpolation_mode, int64_t padding_mode,
                       bool align_corners) {
  return grid_sampler_nd(input, grid, interpolation_mode, padding_mode, align_corners, 3);
}
Tensor grid_sampler(const Tensor& input, const Tensor& grid, int64_t interpolation_mode, int64_t padding_mode,
                    bool align_corners) {
  // ATen dispatches on the input's rank; the 2-d or 3-d checks then report a mismatched grid.
  return input.dim() == 4 ? grid_sampler_2d(input, grid, interpolation_mode, padding_mode, align_corners)
                          : grid_sampler_3d(input, grid, interpolation_mode, padding_mode, align_corners);
}

}  // namespace xgrad
