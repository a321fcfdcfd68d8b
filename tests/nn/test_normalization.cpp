// test_normalization.cpp: layer norm, group norm, local response norm, F::normalize and
// CrossMapLRN2d (src/ops/layer_norm.cpp, nn/functional/normalization.cpp,
// nn/modules/normalization.cpp) against PyTorch (norm.json, written by
// tests/reference/make_norm_reference.py): values, graphs, first and second derivatives, the
// modules' steps, libtorch's printing and PyTorch's errors.
#include <catch2/catch.hpp>

#include <sstream>

#include <xgrad/torch.hpp>

#include "support/module_steps.hpp"
#include "support/reference.hpp"

namespace nn = torch::nn;
namespace F = torch::nn::functional;
using torch::Tensor;
using V = xgrad_test::Inputs;

namespace {
template <class T>
std::string printed(const T& module) {
  std::ostringstream s;
  s << module;
  return s.str();
}
}  // namespace

TEST_CASE("layer norm matches PyTorch: values, graphs, first and second derivatives", "[norm]") {
  xgrad_test::OpTable table = {
      {"layer_norm_affine", [](const V& a) { return F::layer_norm(a[0], F::LayerNormFuncOptions({4}).weight(a[1]).bias(a[2])); }},
      {"layer_norm_two_dims",
       [](const V& a) { return F::layer_norm(a[0], F::LayerNormFuncOptions({3, 5}).weight(a[1]).bias(a[2]).eps(1e-3)); }},
      {"layer_norm_plain", [](const V& a) { return F::layer_norm(a[0], F::LayerNormFuncOptions({6})); }},
      {"layer_norm_weight_only", [](const V& a) { return torch::layer_norm(a[0], {2, 3}, a[1]); }},
      {"layer_norm_long_rows", [](const V& a) { return torch::layer_norm(a[0], {37}, a[1], a[2]); }},
      {"layer_norm_double", [](const V& a) { return F::layer_norm(a[0], F::LayerNormFuncOptions({5}).weight(a[1]).bias(a[2])); }},
  };
  xgrad_test::run_reference_file("norm.json", "layer_norm", table);
}

TEST_CASE("group norm matches PyTorch: values, graphs, first and second derivatives", "[norm]") {
  xgrad_test::OpTable table = {
      {"group_norm_affine", [](const V& a) { return F::group_norm(a[0], F::GroupNormFuncOptions(2).weight(a[1]).bias(a[2])); }},
      {"group_norm_plain", [](const V& a) { return F::group_norm(a[0], F::GroupNormFuncOptions(3)); }},
      {"group_norm_rows", [](const V& a) { return torch::group_norm(a[0], 2, a[1], a[2], 1e-3); }},
      {"group_norm_one_group", [](const V& a) { return F::group_norm(a[0], F::GroupNormFuncOptions(1).weight(a[1])); }},
      {"group_norm_double", [](const V& a) { return F::group_norm(a[0], F::GroupNormFuncOptions(3).weight(a[1]).bias(a[2])); }},
  };
  xgrad_test::run_reference_file("norm.json", "group_norm", table);
}

TEST_CASE("local response norm matches PyTorch: values, graphs, first and second derivatives", "[norm]") {
  xgrad_test::OpTable table = {
      {"local_response_norm_3d", [](const V& a) { return F::local_response_norm(a[0], F::LocalResponseNormFuncOptions(2)); }},
      {"local_response_norm_4d",
       [](const V& a) { return F::local_response_norm(a[0], F::LocalResponseNormFuncOptions(3).alpha(1e-2).beta(0.6).k(2.)); }},
      {"local_response_norm_5d",
       [](const V& a) { return F::local_response_norm(a[0], F::LocalResponseNormFuncOptions(4).alpha(0.1)); }},
      {"local_response_norm_double",
       [](const V& a) { return F::local_response_norm(a[0], F::LocalResponseNormFuncOptions(3).alpha(0.5)); }},
  };
  xgrad_test::run_reference_file("norm.json", "local_response_norm", table);
}

TEST_CASE("F::normalize matches PyTorch: values, graphs, first and second derivatives", "[norm]") {
  xgrad_test::OpTable table = {
      {"normalize_default", [](const V& a) { return F::normalize(a[0]); }},
      {"normalize_p1_last", [](const V& a) { return F::normalize(a[0], F::NormalizeFuncOptions().p(1).dim(-1)); }},
      {"normalize_p3_dim0", [](const V& a) { return F::normalize(a[0], F::NormalizeFuncOptions().p(3).dim(0)); }},
      {"normalize_clamped", [](const V& a) { return F::normalize(a[0], F::NormalizeFuncOptions().eps(0.5)); }},
      {"normalize_double", [](const V& a) { return F::normalize(a[0], F::NormalizeFuncOptions().dim(1)); }},
  };
  xgrad_test::run_reference_file("norm.json", "normalize", table);
}

TEST_CASE("LayerNorm, GroupNorm, LocalResponseNorm and CrossMapLRN2d modules follow PyTorch", "[norm]") {
  nn::LayerNorm ln(nn::LayerNormOptions({3, 4}).eps(1e-4));
  xgrad_test::replay_module_steps("LayerNorm", *ln, [&](const Tensor& x) { return ln(x); });
  nn::LayerNorm ln_plain(nn::LayerNormOptions({5}).elementwise_affine(false));
  xgrad_test::replay_module_steps("LayerNorm_plain", *ln_plain, [&](const Tensor& x) { return ln_plain(x); });
  nn::GroupNorm gn(3, 6);
  xgrad_test::replay_module_steps("GroupNorm", *gn, [&](const Tensor& x) { return gn(x); });
  nn::GroupNorm gn_plain(nn::GroupNormOptions(2, 4).eps(1e-3).affine(false));
  xgrad_test::replay_module_steps("GroupNorm_plain", *gn_plain, [&](const Tensor& x) { return gn_plain(x); });
  nn::LocalResponseNorm lrn(nn::LocalResponseNormOptions(3).alpha(1e-2).beta(0.7).k(1.5));
  xgrad_test::replay_module_steps("LocalResponseNorm", *lrn, [&](const Tensor& x) { return lrn(x); });
  nn::CrossMapLRN2d cm(nn::CrossMapLRN2dOptions(3).alpha(1e-2).beta(0.7).k(2));
  xgrad_test::replay_module_steps("CrossMapLRN2d", *cm, [&](const Tensor& x) { return cm(x); });
  nn::CrossMapLRN2d cm_wide(4);
  xgrad_test::replay_module_steps("CrossMapLRN2d_wide", *cm_wide, [&](const Tensor& x) { return cm_wide(x); });
}

TEST_CASE("LayerNorm and GroupNorm register PyTorch's parameters and print as libtorch", "[norm]") {
  nn::LayerNorm ln(nn::LayerNormOptions({2, 3}));
  CHECK(ln->weight.sizes().vec() == std::vector<int64_t>{2, 3});
  CHECK(ln->weight.equal(torch::ones({2, 3})));
  CHECK(ln->bias.equal(torch::zeros({2, 3})));
  CHECK(ln->parameters().size() == 2);
  nn::LayerNorm plain(nn::LayerNormOptions({4}).elementwise_affine(false));
  CHECK(plain->parameters().empty());
  CHECK_FALSE(plain->weight.defined());
  nn::GroupNorm gn(2, 4);
  CHECK(gn->weight.sizes().vec() == std::vector<int64_t>{4});
  auto copy = std::dynamic_pointer_cast<nn::GroupNormImpl>(gn->clone());
  REQUIRE(copy != nullptr);
  CHECK(copy->weight.data_ptr() != gn->weight.data_ptr());

  // libtorch 1.13's strings (test/cpp/api/modules.cpp)
  CHECK(printed(nn::LayerNorm(nn::LayerNormOptions({2, 2}))) ==
        "torch::nn::LayerNorm([2, 2], eps=1e-05, elementwise_affine=true)");
  CHECK(printed(nn::LayerNorm(nn::LayerNormOptions({2, 2}).elementwise_affine(false).eps(2e-5))) ==
        "torch::nn::LayerNorm([2, 2], eps=2e-05, elementwise_affine=false)");
  CHECK(printed(nn::GroupNorm(nn::GroupNormOptions(2, 2))) == "torch::nn::GroupNorm(2, 2, eps=1e-05, affine=true)");
  CHECK(printed(nn::GroupNorm(nn::GroupNormOptions(2, 2).eps(2e-5).affine(false))) ==
        "torch::nn::GroupNorm(2, 2, eps=2e-05, affine=false)");
  CHECK(printed(nn::LocalResponseNorm(nn::LocalResponseNormOptions(2))) ==
        "torch::nn::LocalResponseNorm(2, alpha=0.0001, beta=0.75, k=1)");
  CHECK(printed(nn::LocalResponseNorm(nn::LocalResponseNormOptions(2).alpha(0.0002).beta(0.85).k(2.))) ==
        "torch::nn::LocalResponseNorm(2, alpha=0.0002, beta=0.85, k=2)");
  CHECK(printed(nn::CrossMapLRN2d(4)) == "torch::nn::CrossMapLRN2d(4, alpha=0.0001, beta=0.75, k=1)");
  CHECK(printed(nn::CrossMapLRN2d(nn::CrossMapLRN2dOptions(3).alpha(1e-5).beta(0.1).k(10))) ==
        "torch::nn::CrossMapLRN2d(3, alpha=1e-05, beta=0.1, k=10)");
}

TEST_CASE("F::normalize writes into out, and refuses out= when a gradient is needed", "[norm]") {
  auto x = torch::tensor({{3.0f, 4.0f}, {0.0f, 0.0f}});
  auto out = torch::empty({2, 2});
  auto r = F::normalize(x, F::NormalizeFuncOptions().out(out));
  CHECK(r.data_ptr() == out.data_ptr());
  CHECK(out.equal(torch::tensor({{0.6f, 0.8f}, {0.0f, 0.0f}})));
  auto xg = torch::ones({2, 2}, torch::requires_grad());
  CHECK_THROWS_WITH(F::normalize(xg, F::NormalizeFuncOptions().out(out)),
                    "div(): functions with out=... arguments don't support automatic differentiation, but one of the "
                    "arguments requires grad.");
  auto s = torch::tensor(-2.5, torch::requires_grad());  // a scalar, dim -1 (libtorch's test #3)
  auto n = F::normalize(s, F::NormalizeFuncOptions().p(1).dim(-1));
  CHECK(n.item<float>() == -1.0f);
  n.backward();
  CHECK(s.grad().item<float>() == 0.0f);
}

TEST_CASE("layer, group and local response norm refuse bad input with PyTorch's messages", "[norm]") {
  auto x = torch::randn({2, 3, 4});
  CHECK_THROWS_WITH(F::layer_norm(x, F::LayerNormFuncOptions({3})),
                    "Given normalized_shape=[3], expected input with shape [*, 3], but got input of size[2, 3, 4]");
  CHECK_THROWS_WITH(F::layer_norm(x, F::LayerNormFuncOptions({4}).weight(torch::ones({3}))),
                    "Expected weight to be of same shape as normalized_shape, but got weight of shape [3] and "
                    "normalized_shape = [4]");
  CHECK_THROWS_WITH(F::layer_norm(x, F::LayerNormFuncOptions({4}).bias(torch::ones({2, 2}))),
                    "Expected bias to be of same shape as normalized_shape, but got bias of shape [2, 2] and "
                    "normalized_shape = [4]");
  CHECK_THROWS_WITH(F::layer_norm(x, F::LayerNormFuncOptions({})),
                    "Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, "
                    "but got normalized_shape = []");
  CHECK_THROWS_WITH(F::layer_norm(torch::ones({2, 4}, torch::kLong), F::LayerNormFuncOptions({4})),
                    "\"LayerNormKernelImpl\" not implemented for 'Long'");

  CHECK_THROWS_WITH(F::group_norm(torch::randn({2, 6, 3}), F::GroupNormFuncOptions(4)),
                    "Expected number of channels in input to be divisible by num_groups, but got input of shape "
                    "[2, 6, 3] and num_groups=4");
  CHECK_THROWS_WITH(F::group_norm(torch::randn({2, 6, 3}), F::GroupNormFuncOptions(3).weight(torch::ones({3}))),
                    "Expected weight to be a vector of size equal to the number of channels in input, but got "
                    "weight of shape [3] and input of shape [2, 6, 3]");
  CHECK_THROWS_WITH(F::group_norm(torch::randn({2, 6, 3}), F::GroupNormFuncOptions(3).bias(torch::ones({6, 1}))),
                    "Expected bias to be a vector of size equal to the number of channels in input, but got "
                    "bias of shape [0] and input of shape [2, 6, 3]");  // sic: PyTorch prints the weight's shape
  CHECK_THROWS_AS(F::group_norm(torch::randn({1, 2}), F::GroupNormFuncOptions(2)), torch::ValueError);
  CHECK_THROWS_WITH(F::group_norm(torch::randn({1, 2}), F::GroupNormFuncOptions(2)),
                    "Expected more than 1 value per channel when training, got input size [1, 2]");
  CHECK_THROWS_WITH(nn::GroupNorm(3, 6)(torch::randn({2, 4, 3})),
                    "Expected number of channels in input to be divisible by num_groups, but got input of shape "
                    "[2, 4, 3] and num_groups=3");

  CHECK_THROWS_AS(F::local_response_norm(torch::randn({2, 3}), F::LocalResponseNormFuncOptions(2)), torch::ValueError);
  CHECK_THROWS_WITH(F::local_response_norm(torch::randn({2, 3}), F::LocalResponseNormFuncOptions(2)),
                    "Expected 3D or higher dimensionality                          input (got 2 dimensions)");
  CHECK_THROWS_WITH(nn::CrossMapLRN2d(3)(torch::randn({2, 3, 4})), "CrossMapLRN2d: Expected input to be 4D, got 3D instead.");
}

TEST_CASE("libtorch's CrossMapLRN2d numbers (test/cpp/api/modules.cpp)", "[norm]") {
  auto input = torch::arange(9, torch::kFloat32).view({1, 1, 3, 3}).requires_grad_(true);
  nn::CrossMapLRN2d m(3);
  auto output = m(input);
  output.sum().backward();
  CHECK(output.allclose(torch::tensor({{{{0.00000000f, 0.99997497f, 1.99980010f},
                                         {2.99932500f, 3.99840070f, 4.99687700f},
                                         {5.99460600f, 6.99143740f, 7.98722360f}}}})));
  CHECK(input.grad().allclose(torch::tensor({{{{1.00000000f, 0.99992496f, 0.99970007f},
                                               {0.99932520f, 0.99880093f, 0.99812720f},
                                               {0.99730474f, 0.99633380f, 0.99521490f}}}})));
}
