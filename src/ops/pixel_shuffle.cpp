// pixel_shuffle.cpp: pixel_shuffle and pixel_unshuffle with ATen's checks and messages. Each is a
// permutation of the values (a reshape, a permute and a copy), so each one's gradient is the
// other applied to the incoming gradient, and so on for every order of derivative.
// Read next: src/ops/padding.cpp.
#include "xgrad/ops/pixel_shuffle.hpp"

#include "xgrad/autograd/record.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

using autograd::record;
using autograd::variable_list;

namespace {

/// The dims in front of the last three.
DimVector batch_sizes(const Tensor& x) {
  DimVector out;
  for (int64_t i = 0; i + 3 < x.dim(); ++i) out.push_back(x.size(i));
  return out;
}

/// x (batch..., a...) reshaped to batch + split, permuted by batch + perm, copied to a new
/// contiguous tensor and reshaped to batch + sizes; no graph.
Tensor shuffle(const Tensor& x, const DimVector& split, const DimVector& perm, const DimVector& sizes) {
  NoGradGuard no_grad;
  const DimVector batch = batch_sizes(x);
  const int64_t nb = static_cast<int64_t>(batch.size());
  DimVector shape = batch, order, final_shape = batch;
  for (int64_t s : split) shape.push_back(s);
  for (int64_t i = 0; i < nb; ++i) order.push_back(i);
  for (int64_t p : perm) order.push_back(nb + p);
  for (int64_t s : sizes) final_shape.push_back(s);
  // clone keeps the permuted strides; contiguous() then copies into the final order (or keeps a
  // tensor of its own when the permutation moved nothing).
  Tensor moved = x.reshape(shape).permute(order);
  Tensor out = moved.is_contiguous() ? moved.clone() : moved.contiguous();
  return out.reshape(final_shape);
}

}  // namespace

/// pixel_shuffle(x, r): (*, C r^2, H, W) -> (*, C, H r, W r), as the 6-d view (*, C, r, r, H, W)
/// permuted to (*, C, H, r, W, r).
/// d/dx = pixel_unshuffle(grad, r)       saves: nothing
Tensor pixel_shuffle(const Tensor& self, int64_t upscale_factor) {
  XGRAD_CHECK(self.dim() >= 3, "pixel_shuffle expects input to have at least 3 dimensions, but got input with {} dimension(s)",
              self.dim());
  XGRAD_CHECK(upscale_factor > 0, "pixel_shuffle expects a positive upscale_factor, but got {}", upscale_factor);
  const int64_t r = upscale_factor, c = self.size(-3), h = self.size(-2), w = self.size(-1);
  XGRAD_CHECK(c % (r * r) == 0,
              "pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, "
              "but input.size(-3)={} is not divisible by {}",
              c, r * r);
  const int64_t oc = c / (r * r);
  Tensor out = shuffle(self, {oc, r, r, h, w}, {0, 3, 1, 4, 2}, {oc, h * r, w * r});
  return record("PixelShuffleBackward0", out, {self}, [r](const Tensor& g) -> variable_list {
    return {pixel_unshuffle(g, r)};
  });
}

/// pixel_unshuffle(x, r): (*, C, H r, W r) -> (*, C r^2, H, W), as the 6-d view (*, C, H, r, W, r)
/// permuted to (*, C, r, r, H, W).
/// d/dx = pixel_shuffle(grad, r)         saves: nothing
Tensor pixel_unshuffle(const Tensor& self, int64_t downscale_factor) {
  XGRAD_CHECK(self.dim() >= 3,
              "pixel_unshuffle expects input to have at least 3 dimensions, but got input with {} dimension(s)",
              self.dim());
  XGRAD_CHECK(downscale_factor > 0, "pixel_unshuffle expects a positive downscale_factor, but got {}", downscale_factor);
  const int64_t r = downscale_factor, c = self.size(-3), h = self.size(-2), w = self.size(-1);
  XGRAD_CHECK(h % r == 0,
              "pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)={} is not "
              "divisible by {}",
              h, r);
  XGRAD_CHECK(w % r == 0,
              "pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)={} is not "
              "divisible by {}",
              w, r);
  const int64_t oh = h / r, ow = w / r;
  Tensor out = shuffle(self, {c, oh, r, ow, r}, {0, 2, 4, 1, 3}, {c * r * r, oh, ow});
  return record("PixelUnshuffleBackward0", out, {self}, [r](const Tensor& g) -> variable_list {
    return {pixel_shuffle(g, r)};
  });
}

}  // namespace xgrad
