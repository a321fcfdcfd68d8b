// test_pixel_shuffle.cpp: src/ops/pixel_shuffle.cpp, F::pixel_shuffle / F::pixel_unshuffle and
// their modules against PyTorch (conv.json): values, gradients, grad_fn names, second
// derivatives, and PyTorch's messages for bad input.
#include <catch2/catch.hpp>

#include <sstream>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

using torch::Tensor;
using V = xgrad_test::Inputs;
namespace F = torch::nn::functional;

TEST_CASE("pixel_shuffle and pixel_unshuffle match PyTorch") {
  auto shuffle = [](int64_t r) { return [r](const V& a) { return F::pixel_shuffle(a[0], F::PixelShuffleFuncOptions(r)); }; };
  auto unshuffle = [](int64_t r) { return [r](const V& a) { return torch::pixel_unshuffle(a[0], r); }; };
  xgrad_test::OpTable table = {
      {"pixel_shuffle_2", shuffle(2)},
      {"pixel_shuffle_3_unbatched", shuffle(3)},
      {"pixel_shuffle_batch_dims", [](const V& a) { return torch::pixel_shuffle(a[0], 2); }},
      {"pixel_shuffle_1", shuffle(1)},
      {"pixel_unshuffle_2", [](const V& a) { return F::pixel_unshuffle(a[0], F::PixelUnshuffleFuncOptions(2)); }},
      {"pixel_unshuffle_3_unbatched", unshuffle(3)},
      {"pixel_unshuffle_batch_dims", unshuffle(2)},
      {"pixel_shuffle_int", shuffle(2)},
  };
  xgrad_test::run_reference_group("pixel_shuffle", table, "conv.json");
}

TEST_CASE("pixel_shuffle's gradient is pixel_unshuffle and back") {
  auto x = xgrad_test::test_values({2, 8, 3, 2});
  CHECK(torch::autograd::gradgradcheck([](const V& a) { return torch::pixel_shuffle(a[0], 2); }, {x}));
  CHECK(torch::autograd::gradgradcheck([](const V& a) { return torch::pixel_unshuffle(a[0], 2); },
                                       {xgrad_test::test_values({2, 2, 4, 6})}));
  auto y = torch::pixel_shuffle(x, 2);
  auto g = torch::autograd::grad({y}, {x}, {torch::ones_like(y)}, std::nullopt, /*create_graph=*/true);
  // ones_like(y) needs no grad, so (as in PyTorch) the gradient has no graph of its own.
  CHECK(g[0].grad_fn() == nullptr);
  auto w = torch::ones_like(y).requires_grad_();
  g = torch::autograd::grad({y}, {x}, {w}, std::nullopt, /*create_graph=*/true);
  CHECK(g[0].grad_fn()->name() == "PixelUnshuffleBackward0");
  // The two are inverses: a result owns its storage even when nothing moves (factor 1).
  CHECK(torch::equal(torch::pixel_unshuffle(y, 2), x));
  auto same = torch::pixel_shuffle(x, 1);
  CHECK(same.data_ptr() != x.data_ptr());
}

TEST_CASE("pixel_shuffle refuses what PyTorch refuses") {
  CHECK_THROWS_WITH(torch::pixel_shuffle(torch::randn({1, 7, 2, 2}), 2),
                    "pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
                    "upscale_factor, but input.size(-3)=7 is not divisible by 4");
  CHECK_THROWS_WITH(torch::pixel_shuffle(torch::randn({7, 2}), 2),
                    "pixel_shuffle expects input to have at least 3 dimensions, but got input with 2 dimension(s)");
  CHECK_THROWS_WITH(torch::pixel_shuffle(torch::randn({1, 4, 2, 2}), 0),
                    "pixel_shuffle expects a positive upscale_factor, but got 0");
  CHECK_THROWS_WITH(torch::pixel_unshuffle(torch::randn({1, 1, 3, 2}), 2),
                    "pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=3 is not "
                    "divisible by 2");
  CHECK_THROWS_WITH(torch::pixel_unshuffle(torch::randn({1, 1, 2, 3}), 2),
                    "pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)=3 is not "
                    "divisible by 2");
  CHECK_THROWS_WITH(torch::pixel_unshuffle(torch::randn({1, 2, 2}), -1),
                    "pixel_unshuffle expects a positive downscale_factor, but got -1");
  CHECK_THROWS_WITH(torch::pixel_unshuffle(torch::randn({2, 2}), 1),
                    "pixel_unshuffle expects input to have at least 3 dimensions, but got input with 2 dimension(s)");
  CHECK_THROWS_AS(torch::pixel_shuffle(torch::randn({7, 2}), 2), torch::Error);
}

TEST_CASE("PixelShuffle and PixelUnshuffle modules") {
  torch::nn::PixelShuffle up(3);
  torch::nn::PixelUnshuffle down(torch::nn::PixelUnshuffleOptions(3));
  std::ostringstream text;
  text << up << " " << down;
  CHECK(text.str() == "torch::nn::PixelShuffle(upscale_factor=3) torch::nn::PixelUnshuffle(downscale_factor=3)");
  CHECK(up->parameters().empty());
  auto x = torch::randn({2, 18, 2, 3});
  auto y = up(x);
  CHECK(y.sizes() == torch::IntArrayRef({2, 2, 6, 9}));
  CHECK(torch::equal(down(y), x));
  torch::nn::Sequential seq(torch::nn::PixelShuffle(3), torch::nn::PixelUnshuffle(3));
  CHECK(torch::equal(seq->forward(x), x));
}
