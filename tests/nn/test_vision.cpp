// test_vision.cpp: F::affine_grid, F::grid_sample and fractional max pooling (F:: and nn::)
// against tests/reference/vision.json (python3-torch, tests/reference/make_vision_reference.py):
// values, grad_fn names and graphs, gradients, second derivatives or PyTorch's error, float64
// gradcheck; the windows drawn after torch::manual_seed, bit for bit; PyTorch's errors (libtorch's
// text where its C++ API words them differently); libtorch's printing and its own tests' checks.
#include <catch2/catch.hpp>

#include <sstream>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

using torch::Tensor;
using V = xgrad_test::Inputs;
namespace F = torch::nn::functional;
using Sizes = std::vector<int64_t>;

namespace {
void replay(const std::string& group, const xgrad_test::OpTable& table) {
  xgrad_test::run_reference_file("vision.json", group, table);
}

F::GridSampleFuncOptions gs(torch::InterpolateMode mode, torch::GridSamplePaddingArg pad, bool align) {
  return F::GridSampleFuncOptions().mode(mode).padding_mode(pad).align_corners(align);
}

/// One table entry per mode x padding x align_corners, named as the reference script names them.
void add_grid_cases(xgrad_test::OpTable& t, bool three_d) {
  const std::pair<const char*, torch::InterpolateMode> modes[] = {
      {"bilinear", torch::kBilinear}, {"nearest", torch::kNearest}, {"bicubic", torch::kBicubic}};
  const std::pair<const char*, torch::GridSamplePaddingArg> pads[] = {
      {"zeros", torch::kZeros}, {"border", torch::kBorder}, {"reflection", torch::kReflection}};
  for (const auto& [mname, mode] : modes) {
    if (three_d && mode == torch::kBicubic) continue;
    for (const auto& [pname, pad] : pads)
      for (bool align : {false, true}) {
        const std::string name = std::string(mname) + (three_d ? "3d_" : "_") + pname + (align ? "_align" : "");
        auto o = gs(mode, pad, align);
        t.emplace(name, [o](const V& a) { return F::grid_sample(a[0], a[1], o); });
      }
  }
}
}  // namespace

TEST_CASE("affine_grid matches PyTorch", "[vision]") {
  replay("affine_grid", {
      {"affine2d", [](const V& a) { return F::affine_grid(a[0], {2, 3, 4, 5}, false); }},
      {"affine2d_align", [](const V& a) { return F::affine_grid(a[0], {2, 3, 4, 5}, true); }},
      {"affine2d_one", [](const V& a) { return F::affine_grid(a[0], {2, 1, 1, 3}); }},
      {"affine2d_double", [](const V& a) { return F::affine_grid(a[0], {2, 1, 3, 2}); }},
      {"affine3d", [](const V& a) { return F::affine_grid(a[0], {2, 1, 3, 4, 2}); }},
      {"affine3d_align", [](const V& a) { return F::affine_grid(a[0], {2, 2, 2, 3, 4}, true); }},
  });
}

TEST_CASE("grid_sample 2-d matches PyTorch in every mode and padding", "[vision]") {
  xgrad_test::OpTable t;
  add_grid_cases(t, false);
  t.emplace("bilinear_double", [](const V& a) { return F::grid_sample(a[0], a[1], gs(torch::kBilinear, torch::kZeros, false)); });
  t.emplace("bilinear_input_only",
            [](const V& a) { return F::grid_sample(a[0], a[1], gs(torch::kBilinear, torch::kZeros, false)); });
  t.emplace("bilinear_grid_only",
            [](const V& a) { return F::grid_sample(a[0], a[1], gs(torch::kBilinear, torch::kZeros, true)); });
  replay("grid_sample", t);
}

TEST_CASE("grid_sample 3-d matches PyTorch", "[vision]") {
  xgrad_test::OpTable t;
  add_grid_cases(t, true);
  replay("grid_sample_3d", t);
}

TEST_CASE("fractional_max_pool with given samples matches PyTorch", "[vision]") {
  using O2 = F::FractionalMaxPool2dFuncOptions;
  using O3 = F::FractionalMaxPool3dFuncOptions;
  replay("fractional", {
      {"frac2d", [](const V& a) { return F::fractional_max_pool2d(a[0], O2(3).output_size(Sizes{3, 2})._random_samples(a[1])); }},
      {"frac2d_rect",
       [](const V& a) { return F::fractional_max_pool2d(a[0], O2({2, 3}).output_size(Sizes{5, 4})._random_samples(a[1])); }},
      {"frac2d_ratio", [](const V& a) { return F::fractional_max_pool2d(a[0], O2(2).output_ratio(0.5)._random_samples(a[1])); }},
      {"frac2d_nobatch", [](const V& a) { return F::fractional_max_pool2d(a[0], O2(2).output_size(4)._random_samples(a[1])); }},
      {"frac2d_double",
       [](const V& a) { return F::fractional_max_pool2d(a[0], O2(3).output_size(Sizes{4, 3})._random_samples(a[1])); }},
      {"frac3d",
       [](const V& a) { return F::fractional_max_pool3d(a[0], O3(2).output_size(Sizes{3, 3, 4})._random_samples(a[1])); }},
      {"frac3d_ratio",
       [](const V& a) {
         return F::fractional_max_pool3d(
             a[0], O3({2, 3, 2}).output_ratio(std::vector<double>{0.5, 0.5, 0.6})._random_samples(a[1]));
       }},
  });
}

TEST_CASE("fractional_max_pool draws PyTorch's windows after manual_seed", "[vision]") {
  using O2 = F::FractionalMaxPool2dFuncOptions;
  using O3 = F::FractionalMaxPool3dFuncOptions;
  using Fn = std::function<std::tuple<Tensor, Tensor>(const Tensor&)>;
  const std::map<std::string, Fn> calls = {
      {"f2d", [](const Tensor& x) { return F::fractional_max_pool2d_with_indices(x, O2(2).output_size(Sizes{4, 3})); }},
      {"f2d_nobatch",
       [](const Tensor& x) {
         return F::fractional_max_pool2d_with_indices(x, O2(3).output_ratio(std::vector<double>{0.6, 0.5}));
       }},
      {"f2d_double", [](const Tensor& x) { return F::fractional_max_pool2d_with_indices(x, O2(2).output_size(3)); }},
      {"f3d", [](const Tensor& x) { return F::fractional_max_pool3d_with_indices(x, O3(2).output_size(Sizes{3, 4, 4})); }},
      {"module2d",
       [](const Tensor& x) {
         torch::nn::FractionalMaxPool2d m(torch::nn::FractionalMaxPool2dOptions(2).output_ratio(0.5));
         return m->forward_with_indices(x);
       }},
      {"module3d",
       [](const Tensor& x) {
         torch::nn::FractionalMaxPool3d m(torch::nn::FractionalMaxPool3dOptions(3).output_size(2));
         return m->forward_with_indices(x);
       }},
  };
  const auto& draws = xgrad_test::reference("vision.json").at("draws");
  CHECK(draws.size() == calls.size());
  for (const auto& d : draws) {
    const std::string name = d.at("name");
    INFO("draw " << name);
    REQUIRE(calls.count(name) == 1);
    torch::manual_seed(d.at("seed").get<uint64_t>());
    auto [y, i] = calls.at(name)(xgrad_test::decode(d.at("input")));
    const Tensor want_y = xgrad_test::decode(d.at("output")), want_i = xgrad_test::decode(d.at("indices"));
    CHECK(y.sizes() == want_y.sizes());
    CHECK(torch::equal(y, want_y));  // the same windows give the same maxima, exactly
    CHECK(torch::equal(i, want_i));
  }
}

TEST_CASE("grid_sample, affine_grid and fractional_max_pool raise PyTorch's errors", "[vision]") {
  const Tensor x4 = torch::randn({1, 1, 3, 3}), g4 = torch::rand({1, 2, 2, 2});
  const Tensor xf = torch::randn({2, 3, 7, 6}), xf3 = torch::randn({1, 2, 5, 6, 7});
  auto gsf = [](const Tensor& x, const Tensor& g, torch::InterpolateMode m = torch::kBilinear) {
    F::grid_sample(x, g, F::GridSampleFuncOptions().mode(m).align_corners(false));
  };
  using O2 = F::FractionalMaxPool2dFuncOptions;
  using O3 = F::FractionalMaxPool3dFuncOptions;
  auto r2 = [] { return torch::rand({1, 2, 2}); };
  auto r3 = [] { return torch::rand({1, 2, 3}); };
  // Where libtorch's C++ API words an error differently from Python's, xgrad gives libtorch's
  // (libtorch's own tests check that text): the entry names the type and text checked instead.
  xgrad_test::ErrorCalls calls = {
      {"gs_batch", {[&] { gsf(x4, torch::randn({2, 2, 2, 2})); }}},
      {"gs_last", {[&] { gsf(x4, torch::randn({1, 2, 2, 3})); }}},
      {"gs_dtype", {[&] { gsf(x4, g4.to(torch::kDouble)); }}},
      {"gs_grid_dims", {[&] { gsf(x4, torch::randn({1, 2, 2})); }}},
      {"gs_3d_input", {[&] { gsf(torch::randn({1, 1, 3}), torch::randn({1, 2, 1})); }}},
      {"gs_bicubic_5d", {[&] { gsf(torch::randn({1, 1, 2, 3, 3}), torch::randn({1, 2, 2, 2, 3}), torch::kBicubic); }}},
      {"gs_empty", {[&] { gsf(torch::randn({1, 1, 0, 3}), g4); }}},
      {"gs_long", {[&] { gsf(x4.to(torch::kLong), g4.to(torch::kLong)); }}},
      {"gs_long_3d", {[&] { gsf(torch::ones({1, 1, 2, 2, 2}, torch::kLong), torch::ones({1, 1, 1, 1, 3}, torch::kLong)); }}},
      {"ag_float",
       {[&] { F::affine_grid(torch::empty({2, 2, 3}, torch::kInt), {1, 1, 2, 2}); }, "RuntimeError",
        "Expected theta to have floating point type, but got int"}},
      {"ag_shape",
       {[&] { F::affine_grid(torch::empty({1, 2, 3}), {1, 1, 2, 2, 2}); }, "RuntimeError",
        "Expected a batch of 3D affine matrices of shape Nx3x4 for size [1, 1, 2, 2, 2]. Got [1, 2, 3]."}},
      {"ag_size",
       {[&] { F::affine_grid(torch::empty({1, 2, 3}), {1, 1, 2}); }, "RuntimeError",
        "affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, respectively. Got size [1, 1, 2]"}},
      {"ag_batch", {[&] { F::affine_grid(torch::empty({2, 2, 3}), {1, 1, 2, 2}); }}},
      {"fp_neither", {[&] { F::fractional_max_pool2d(xf, O2(3)); }}},
      {"fp_neither_3d", {[&] { F::fractional_max_pool3d(xf3, O3(3)); }}},
      {"fp_2d_input", {[&] { F::fractional_max_pool2d(torch::randn({5, 5}), O2(3).output_size(2)); }}},
      {"fp_height", {[&] { F::fractional_max_pool2d(torch::randn({1, 2, 5, 5}), O2(3).output_size(4)); }}},
      {"fp_width", {[&] { F::fractional_max_pool2d(torch::randn({1, 2, 5, 5}), O2({1, 3}).output_size(4)); }}},
      {"fp_empty", {[&] { F::fractional_max_pool2d(torch::randn({1, 2, 0, 5}), O2(3).output_size(2)); }}},
      {"fp_samples_dtype",
       {[&] {
         F::fractional_max_pool2d(torch::randn({1, 2, 5, 5}), O2(3).output_size(2)._random_samples(r2().to(torch::kDouble)));
       }}},
      {"fp_long",
       {[&] {
         F::fractional_max_pool2d(torch::randn({1, 2, 5, 5}).to(torch::kLong),
                                  O2(3).output_size(2)._random_samples(r2().to(torch::kLong)));
       }}},
      {"fp3_time", {[&] { F::fractional_max_pool3d(torch::randn({1, 2, 5, 5, 5}), O3(3).output_size(4)); }}},
      {"fp3_empty", {[&] { F::fractional_max_pool3d(torch::randn({1, 2, 5, 5, 0}), O3(3).output_size(2)); }}},
      {"fp_op_5d", {[&] { torch::fractional_max_pool2d(torch::randn({2, 1, 2, 5, 5}), {3, 3}, {2, 2}, r2()); }}},
      {"fp3_op_3d", {[&] { torch::fractional_max_pool3d(torch::randn({5, 5, 5}), {3, 3, 3}, {2, 2, 2}, r3()); }}},
      {"fp3_op_height", {[&] { torch::fractional_max_pool3d(torch::randn({1, 5, 5, 5}), {2, 3, 3}, {2, 4, 2}, r3()); }}},
      {"fp3_op_width", {[&] { torch::fractional_max_pool3d(torch::randn({1, 5, 5, 5}), {2, 3, 3}, {2, 2, 4}, r3()); }}},
      {"fp_op_kernel", {[&] { torch::fractional_max_pool2d(torch::randn({1, 2, 5, 5}), {3}, {2, 2}, r2()); }}},
      {"fp_op_output", {[&] { torch::fractional_max_pool2d(torch::randn({1, 2, 5, 5}), {3, 3}, {2}, r2()); }}},
      {"fp3_op_kernel", {[&] { torch::fractional_max_pool3d(torch::randn({1, 5, 5, 5}), {2, 3}, {2, 2, 2}, r3()); }}},
      {"mod_neither", {[&] { torch::nn::FractionalMaxPool2d(torch::nn::FractionalMaxPool2dOptions(3)); }}},
      {"mod_both",
       {[&] { torch::nn::FractionalMaxPool2d(torch::nn::FractionalMaxPool2dOptions(3).output_size(2).output_ratio(0.5)); }}},
      {"mod_ratio",
       {[&] {
          torch::nn::FractionalMaxPool3d(
              torch::nn::FractionalMaxPool3dOptions(3).output_ratio(std::vector<double>{0.5, 0.5, 1.0}));
        },
        "ValueError", "output_ratio must be between 0 and 1 (got [0.5, 0.5, 1])"}},
  };
  xgrad_test::check_error_cases("vision.json", calls);
  // Samples too few for the planes: PyTorch reads past them; xgrad refuses.
  CHECK_THROWS_WITH(torch::fractional_max_pool2d(torch::randn({1, 2, 5, 5}), {3, 3}, {2, 2}, torch::rand({1, 1, 2})),
                    Catch::Contains("expected _random_samples to hold 2 samples per plane (4 in all)"));
  // The integer codes of torch::grid_sampler out of range.
  CHECK_THROWS_WITH(torch::grid_sampler(x4, g4, 3, 0, false), Catch::Contains("interpolation_mode"));
  CHECK_THROWS_WITH(torch::grid_sampler(x4, g4, 0, 3, false), Catch::Contains("padding_mode"));
}

TEST_CASE("libtorch's own checks of grid_sample, affine_grid and fractional pooling", "[vision]") {
  // FunctionalTest.GridSample (libtorch's expected values).
  auto input = torch::arange(9, torch::kFloat).view({1, 1, 3, 3});
  auto grid = torch::tensor({{{{-2., -1.}, {-1., -1.}, {0., -1.}}, {{-1., 0.}, {0., 0.}, {1., 0.}},
                              {{0., 1.}, {1., 1.}, {2., 1.}}}},
                            torch::kFloat);
  auto out = F::grid_sample(input, grid, gs(torch::kBilinear, torch::kReflection, true));
  CHECK(out.allclose(torch::tensor({{{{1., 0., 1.}, {3., 4., 5.}, {7., 8., 7.}}}}, torch::kFloat)));
  out = F::grid_sample(input, grid);  // align_corners unset: false, with PyTorch's warning
  CHECK(out.allclose(torch::tensor({{{{0., 0., 0.5}, {1.5, 4., 2.5}, {3.5, 2., 0.}}}}, torch::kFloat)));
  CHECK(F::grid_sample(input, grid).grad_fn() == nullptr);
  // An empty batch and an empty grid give empty outputs, as in PyTorch.
  CHECK(torch::grid_sampler(torch::randn({0, 1, 3, 3}), torch::randn({0, 2, 2, 2}), 0, 0, false).sizes() ==
        Sizes{0, 1, 2, 2});
  CHECK(torch::grid_sampler(torch::randn({1, 1, 3, 3}), torch::randn({1, 0, 2, 2}), 0, 0, false).sizes() ==
        Sizes{1, 1, 0, 2});
  // Grid points that are NaN or far outside read nothing (zeros padding) and do not crash.
  auto far = torch::tensor({{{{1e30f, 0.f}, {std::nanf(""), 0.f}}}});
  CHECK(torch::equal(F::grid_sample(input, far, gs(torch::kBilinear, torch::kZeros, false)), torch::zeros({1, 1, 1, 2})));
  CHECK(torch::equal(F::grid_sample(input, far, gs(torch::kNearest, torch::kZeros, false)), torch::zeros({1, 1, 1, 2})));

  // FunctionalTest.AffineGrid (its 2-d expected values).
  auto theta = torch::arange(1., 13).view({2, 2, 3});
  auto g = F::affine_grid(theta, {2, 3, 2, 2}, false);
  CHECK(g.allclose(torch::tensor({{{{1.50, 1.50}, {2.50, 5.50}}, {{3.50, 6.50}, {4.50, 10.50}}},
                                  {{{1.50, 1.50}, {8.50, 11.50}}, {{9.50, 12.50}, {16.50, 22.50}}}})));
  CHECK_THROWS_WITH(F::affine_grid(torch::empty({2, 2, 3}), {-1, 1, 2, 2}),
                    "Expected non-zero, positive output size. Got [-1, 1, 2, 2]");

  // FunctionalTest.FractionalMaxPool2d / 3d and ModulesTest.FractionalMaxPool*: windows on ones.
  auto [y, i] = F::fractional_max_pool2d_with_indices(torch::ones({2, 5, 5}),
                                                      F::FractionalMaxPool2dFuncOptions(3).output_size(2));
  CHECK(torch::equal(i, torch::tensor({{{0, 2}, {10, 12}}, {{0, 2}, {10, 12}}})));
  torch::nn::FractionalMaxPool3d m3(torch::nn::FractionalMaxPool3dOptions(3).output_size(2));
  auto x3 = torch::ones({2, 5, 5, 5}, torch::requires_grad());
  auto [y3, i3] = m3->forward_with_indices(x3);
  CHECK(torch::equal(i3, torch::tensor({{{{0, 2}, {10, 12}}, {{50, 52}, {60, 62}}},
                                        {{{0, 2}, {10, 12}}, {{50, 52}, {60, 62}}}})));
  y3.sum().backward();
  CHECK(x3.grad().sum().item<float>() == 16.f);
  CHECK(y3.grad_fn()->name() == "FractionalMaxPool3DBackward0");

  // ModulesTest.PrettyPrinFractionalMaxPool; the samples given in the options are a buffer.
  std::ostringstream s2, s3;
  s2 << torch::nn::FractionalMaxPool2d(torch::nn::FractionalMaxPool2dOptions(5).output_size(1));
  s3 << torch::nn::FractionalMaxPool3d(torch::nn::FractionalMaxPool3dOptions(5).output_size(1));
  CHECK(s2.str() == "torch::nn::FractionalMaxPool2d()");
  CHECK(s3.str() == "torch::nn::FractionalMaxPool3d()");
  torch::nn::FractionalMaxPool2d with_samples(
      torch::nn::FractionalMaxPool2dOptions(2).output_size(2)._random_samples(torch::rand({1, 5, 2})));
  CHECK(with_samples->buffers().size() == 1);
  CHECK(with_samples->named_buffers().contains("_random_samples"));
  auto a = with_samples(torch::randn({1, 5, 4, 4}));
  auto b = with_samples(torch::randn({1, 5, 4, 4}));
  CHECK(a.sizes() == Sizes{1, 5, 2, 2});
  CHECK(with_samples->clone() != nullptr);
}
