// test_upsample.cpp: src/ops/upsample.cpp, F::interpolate and nn::Upsample against
// tests/reference/upsample.json (python3-torch, tests/reference/make_upsample_reference.py): values,
// grad_fn names and graphs, gradients, float64 gradcheck and gradgradcheck, errors; libtorch's
// printing and the checks of libtorch's own tests (FunctionalTest.Interpolate, ModulesTest.Upsampling*).
#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

using torch::Tensor;
using V = xgrad_test::Inputs;
namespace F = torch::nn::functional;
using F::InterpolateFuncOptions;
using Sizes = std::vector<int64_t>;
using Scales = std::vector<double>;

namespace {
void replay(const std::string& group, const xgrad_test::OpTable& table) {
  xgrad_test::run_reference_file("upsample.json", group, table);
}

Tensor interp(const Tensor& x, InterpolateFuncOptions o) { return F::interpolate(x, o); }
InterpolateFuncOptions size(Sizes s) { return InterpolateFuncOptions().size(s); }
InterpolateFuncOptions scale(Scales s) { return InterpolateFuncOptions().scale_factor(s); }

}  // namespace

TEST_CASE("interpolate nearest and nearest-exact match PyTorch", "[upsample]") {
  replay("nearest", {
      {"nearest1d_size", [](const V& a) { return interp(a[0], size({8})); }},
      {"nearest1d_down", [](const V& a) { return interp(a[0], size({3})); }},
      {"nearest1d_scale", [](const V& a) { return interp(a[0], scale({2.0})); }},
      {"nearest1d_scale_frac", [](const V& a) { return interp(a[0], scale({1.7})); }},
      {"nearest1d_recompute", [](const V& a) { return interp(a[0], scale({1.7}).recompute_scale_factor(true)); }},
      {"nearest2d_size", [](const V& a) { return interp(a[0], size({7, 3})); }},
      {"nearest2d_scale", [](const V& a) { return interp(a[0], scale({2.0, 0.6})); }},
      {"nearest3d_size", [](const V& a) { return interp(a[0], size({5, 3, 6})); }},
      {"nearest3d_scale", [](const V& a) { return interp(a[0], scale({1.5, 1.5, 1.5})); }},
      {"nearest2d_double", [](const V& a) { return interp(a[0], size({6, 7})); }},
      {"nearest_exact1d", [](const V& a) { return interp(a[0], size({8}).mode(torch::kNearestExact)); }},
      {"nearest_exact2d", [](const V& a) { return interp(a[0], scale({1.5, 0.7}).mode(torch::kNearestExact)); }},
      {"nearest_exact3d", [](const V& a) { return interp(a[0], size({2, 5, 4}).mode(torch::kNearestExact)); }},
  });
}

TEST_CASE("interpolate linear, bilinear and trilinear match PyTorch", "[upsample]") {
  replay("linear", {
      {"linear_size", [](const V& a) { return interp(a[0], size({9}).mode(torch::kLinear)); }},
      {"linear_align", [](const V& a) { return interp(a[0], size({9}).mode(torch::kLinear).align_corners(true)); }},
      {"linear_down", [](const V& a) { return interp(a[0], size({3}).mode(torch::kLinear).align_corners(false)); }},
      {"linear_scale", [](const V& a) { return interp(a[0], scale({1.7}).mode(torch::kLinear).align_corners(false)); }},
      {"linear_recompute",
       [](const V& a) { return interp(a[0], scale({1.7}).mode(torch::kLinear).recompute_scale_factor(true)); }},
      {"linear_align_one", [](const V& a) { return interp(a[0], size({1}).mode(torch::kLinear).align_corners(true)); }},
      {"bilinear_size", [](const V& a) { return interp(a[0], size({7, 3}).mode(torch::kBilinear)); }},
      {"bilinear_align",
       [](const V& a) { return interp(a[0], size({7, 8}).mode(torch::kBilinear).align_corners(true)); }},
      {"bilinear_scale", [](const V& a) { return interp(a[0], scale({2.5, 0.5}).mode(torch::kBilinear)); }},
      {"bilinear_double", [](const V& a) { return interp(a[0], size({6, 7}).mode(torch::kBilinear)); }},
      {"trilinear_size", [](const V& a) { return interp(a[0], size({5, 3, 6}).mode(torch::kTrilinear)); }},
      {"trilinear_align",
       [](const V& a) { return interp(a[0], size({4, 6, 2}).mode(torch::kTrilinear).align_corners(true)); }},
      {"trilinear_scale", [](const V& a) { return interp(a[0], scale({1.5, 1.5, 1.5}).mode(torch::kTrilinear)); }},
  });
}

TEST_CASE("interpolate bicubic matches PyTorch", "[upsample]") {
  replay("bicubic", {
      {"bicubic_size", [](const V& a) { return interp(a[0], size({7, 3}).mode(torch::kBicubic)); }},
      {"bicubic_align", [](const V& a) { return interp(a[0], size({7, 8}).mode(torch::kBicubic).align_corners(true)); }},
      {"bicubic_scale", [](const V& a) { return interp(a[0], scale({1.5, 2.0}).mode(torch::kBicubic)); }},
      {"bicubic_down", [](const V& a) { return interp(a[0], size({2, 3}).mode(torch::kBicubic)); }},
      {"bicubic_double", [](const V& a) { return interp(a[0], size({6, 9}).mode(torch::kBicubic)); }},
  });
}

TEST_CASE("interpolate area is adaptive_avg_pool as in PyTorch", "[upsample]") {
  replay("area", {
      {"area1d", [](const V& a) { return interp(a[0], size({3}).mode(torch::kArea)); }},
      {"area2d", [](const V& a) { return interp(a[0], scale({0.5, 0.5}).mode(torch::kArea)); }},
      {"area3d", [](const V& a) { return interp(a[0], size({2, 2, 2}).mode(torch::kArea)); }},
  });
}

TEST_CASE("nn::Upsample matches PyTorch's nn.Upsample", "[upsample]") {
  using torch::nn::Upsample;
  using torch::nn::UpsampleOptions;
  replay("module", {
      {"upsample_nearest", [](const V& a) { return Upsample(UpsampleOptions().scale_factor(Scales{2.0, 2.0}))(a[0]); }},
      {"upsample_bilinear",
       [](const V& a) {
         return Upsample(UpsampleOptions().size(Sizes{5, 6}).mode(torch::kBilinear).align_corners(true))(a[0]);
       }},
      {"upsample_linear",
       [](const V& a) { return Upsample(UpsampleOptions().scale_factor(Scales{1.5}).mode(torch::kLinear))(a[0]); }},
  });
}

TEST_CASE("interpolate with antialias (bilinear, bicubic) matches PyTorch", "[upsample]") {
  auto aa = [](Sizes s, torch::nn::functional::InterpolateFuncOptions::mode_t m) {
    return size(s).mode(m).antialias(true);
  };
  replay("antialias", {
      {"aa_bilinear_down", [&](const V& a) { return interp(a[0], aa({4, 5}, torch::kBilinear)); }},
      {"aa_bilinear_scale",
       [](const V& a) { return interp(a[0], scale({0.4, 0.6}).mode(torch::kBilinear).antialias(true)); }},
      {"aa_bilinear_up", [&](const V& a) { return interp(a[0], aa({6, 9}, torch::kBilinear)); }},
      {"aa_bilinear_align", [&](const V& a) { return interp(a[0], aa({5, 3}, torch::kBilinear).align_corners(true)); }},
      {"aa_bilinear_mixed", [&](const V& a) { return interp(a[0], aa({3, 16}, torch::kBilinear)); }},
      {"aa_bicubic_down", [&](const V& a) { return interp(a[0], aa({4, 5}, torch::kBicubic)); }},
      {"aa_bicubic_scale",
       [](const V& a) { return interp(a[0], scale({0.3, 0.3}).mode(torch::kBicubic).antialias(true)); }},
      {"aa_bicubic_up", [&](const V& a) { return interp(a[0], aa({7, 8}, torch::kBicubic)); }},
      {"aa_bicubic_align", [&](const V& a) { return interp(a[0], aa({6, 4}, torch::kBicubic).align_corners(true)); }},
      {"aa_bicubic_double", [&](const V& a) { return interp(a[0], aa({5, 4}, torch::kBicubic)); }},
      {"aa_bilinear_native",
       [](const V& a) { return at::native::_upsample_bilinear2d_aa(a[0], torch::nullopt, false, Scales{0.5, 0.3}); }},
      {"aa_bicubic_native",
       [](const V& a) { return at::native::_upsample_bicubic2d_aa(a[0], Sizes{3, 2}, false, torch::nullopt); }},
  });
  // libtorch's FunctionalTest.Interpolate: F::interpolate against the at::native forms.
  auto t = torch::rand({2, 3, 32, 32});
  const Sizes osize{8, 10};
  CHECK(interp(t, size(osize).mode(torch::kNearestExact).align_corners(false))
            .equal(at::native::_upsample_nearest_exact2d(t, osize, torch::nullopt)));
  CHECK(interp(t, aa(osize, torch::kBilinear).align_corners(false))
            .equal(at::native::_upsample_bilinear2d_aa(t, osize, false, torch::nullopt)));
  CHECK(interp(t, aa(osize, torch::kBicubic).align_corners(false))
            .equal(at::native::_upsample_bicubic2d_aa(t, osize, false, torch::nullopt)));
  CHECK_THROWS_WITH(at::native::_upsample_bilinear2d_aa(t, osize, false, Scales{0.5, 0.5}),
                    "Must specify exactly one of output_size and scale_factors");
  // A size left as it is is the identity.
  CHECK(interp(t, aa({32, 32}, torch::kBicubic)).equal(t));
}

TEST_CASE("interpolate raises PyTorch's errors", "[upsample]") {
  const Tensor x3 = torch::randn({2, 3, 5}), x4 = torch::randn({2, 2, 4, 5}), x5 = torch::randn({1, 2, 3, 4, 3});
  auto libtorch_input_error = [](int d, const char* mode) {
    return "Input Error: Only 3D, 4D and 5D input Tensors supported (got " + std::to_string(d) +
           "D) for the modes: nearest | linear | bilinear | bicubic | trilinear (got " + mode + ")";
  };
  auto lin = [](Sizes s) { return size(s).align_corners(false); };
  // Where libtorch's F::interpolate words an error differently from Python's (its own checks come
  // in another order), xgrad gives libtorch's: the entry names the type and text checked instead.
  xgrad_test::ErrorCalls calls = {
      {"dim2", {[&] { interp(x3[0], size({4, 4})); }, "NotImplementedError", libtorch_input_error(2, "kNearest")}},
      {"dim6",
       {[&] { interp(x3.reshape({1, 1, 1, 2, 3, 5}), size({1, 1, 1, 3, 4, 4})); }, "NotImplementedError",
        libtorch_input_error(6, "kNearest")}},
      {"neither", {[&] { interp(x3, InterpolateFuncOptions()); }}},
      {"both", {[&] { interp(x3, size({4}).scale_factor(Scales{0.5})); }}},
      {"align_nearest", {[&] { interp(x3, size({4}).align_corners(true)); }}},
      {"align_area", {[&] { interp(x3, size({4}).mode(torch::kArea).align_corners(false)); }}},
      {"bilinear_3d", {[&] { interp(x3, lin({4}).mode(torch::kBilinear)); }}},
      {"trilinear_3d", {[&] { interp(x3, lin({4}).mode(torch::kTrilinear)); }}},
      {"linear_4d", {[&] { interp(x4, lin({4, 4}).mode(torch::kLinear)); }}},
      {"trilinear_4d", {[&] { interp(x4, lin({4, 4}).mode(torch::kTrilinear)); }}},
      {"linear_5d", {[&] { interp(x5, lin({4, 4, 4}).mode(torch::kLinear)); }}},
      {"bilinear_5d", {[&] { interp(x5, lin({4, 4, 4}).mode(torch::kBilinear)); }}},
      {"bicubic_5d",
       {[&] { interp(x5, lin({4, 4, 4}).mode(torch::kBicubic)); }, "NotImplementedError",
        libtorch_input_error(5, "kBicubic")}},
      {"antialias_nearest", {[&] { interp(x4, size({4, 4}).antialias(true)); }}},
      {"zero_output", {[&] { interp(x3, scale({0.1})); }}},
      {"zero_output_2d", {[&] { interp(x4, size({0, 3}).mode(torch::kBilinear)); }}},
      {"zero_output_3d", {[&] { interp(x5, size({2, 0, 3}).mode(torch::kTrilinear)); }}},
      {"long_nearest", {[&] { interp(torch::ones({1, 1, 3}, torch::kLong), size({4})); }}},
      {"long_linear", {[&] { interp(torch::ones({1, 1, 3}, torch::kLong), size({4}).mode(torch::kLinear)); }}},
      {"antialias_long",
       {[&] { interp(torch::ones({1, 1, 4, 4}, torch::kLong), size({2, 2}).mode(torch::kBilinear).antialias(true)); }}},
      {"antialias_half",
       {[&] { interp(torch::ones({1, 1, 4, 4}, torch::kHalf), size({2, 2}).mode(torch::kBicubic).antialias(true)); }}},
      {"antialias_3d", {[&] { interp(x3, size({2}).mode(torch::kLinear).antialias(true)); }}},
  };
  xgrad_test::check_error_cases("upsample.json", calls);
  // libtorch's own checks (FunctionalTest.Interpolate).
  CHECK_THROWS_WITH(interp(x3, scale({3, 2})),
                    "scale_factor shape must match input shape. Input is 1D, scale_factor size is [3, 2]");
  CHECK_THROWS_WITH(interp(x3, size({4}).recompute_scale_factor(true)),
                    "recompute_scale_factor is not meaningful with an explicit size.");
  CHECK_THROWS_WITH(torch::nn::Upsample(torch::nn::UpsampleOptions().size(Sizes{2}).mode(torch::kArea)),
                    "nn::Upsample's mode must be kNearest, kLinear, kBilinear, kBicubic or kTrilinear");
}

TEST_CASE("nn::Upsample prints as libtorch prints it", "[upsample]") {
  using torch::nn::Upsample;
  using torch::nn::UpsampleOptions;
  std::ostringstream a, b;
  a << Upsample(UpsampleOptions().size(Sizes{2, 4, 4}));
  b << Upsample(UpsampleOptions().scale_factor(Scales{0.5, 1.5}).mode(torch::kBilinear));
  CHECK(a.str() == "torch::nn::Upsample(size=[2, 4, 4], mode=kNearest)");
  CHECK(b.str() == "torch::nn::Upsample(scale_factor=[0.5, 1.5], mode=kBilinear)");
}

TEST_CASE("interpolate keeps a constant constant for every mode and scale (libtorch's tests)", "[upsample]") {
  for (bool align : {true, false})
    for (double s : {0.5, 1.5, 2.0}) {
      const int64_t o = static_cast<int64_t>(std::floor(2 * s));
      auto x4 = torch::ones({1, 1, 2, 2}, torch::requires_grad());
      for (auto mode : {torch::kBilinear, torch::kBicubic}) {
        auto y = interp(x4, scale({s, s}).mode(mode).align_corners(align));
        CHECK(y.allclose(torch::ones({1, 1, o, o})));
        y.sum().backward();
      }
      auto x5 = torch::ones({1, 1, 2, 2, 2});
      CHECK(interp(x5, scale({s, s, s}).mode(torch::kTrilinear).align_corners(align)).allclose(torch::ones({1, 1, o, o, o})));
    }
  // Linear upsampling is shift invariant: the first 15 outputs of 9 inputs are those of the first 5.
  auto input = torch::zeros({1, 1, 9});
  input.narrow(2, 0, 4).normal_();
  auto o = InterpolateFuncOptions().scale_factor(Scales{3}).mode(torch::kLinear).align_corners(false);
  CHECK(torch::allclose(interp(input, o).narrow(2, 0, 15), interp(input.narrow(2, 0, 5), o)));
}

TEST_CASE("interpolate nearest gathers uint8 and bfloat16 values as PyTorch does", "[upsample]") {
  // PyTorch's CPU nearest kernels take uint8 and (nearest only) bfloat16: a gather, so the result
  // is the float result's values, converted.
  const Tensor x = torch::arange(24, torch::kFloat).reshape({1, 2, 3, 4});
  for (auto dtype : {torch::kByte, torch::kBFloat16}) {
    const Tensor y = interp(x.to(dtype), size({5, 7}));
    CHECK(y.scalar_type() == dtype);
    CHECK(torch::equal(y.to(torch::kFloat), interp(x, size({5, 7}))));
  }
  CHECK_THROWS_WITH(interp(x.to(torch::kBFloat16), size({5, 7}).mode(torch::kNearestExact)),
                    "\"compute_indices_weights_nearest\" not implemented for 'BFloat16'");
  CHECK_THROWS_WITH(interp(x.to(torch::kHalf), size({5, 7})),
                    "\"compute_indices_weights_nearest\" not implemented for 'Half'");
  CHECK_THROWS_WITH(interp(x.to(torch::kByte), size({5, 7}).mode(torch::kBicubic).align_corners(false)),
                    "\"compute_indices_weights_cubic\" not implemented for 'Byte'");
}
