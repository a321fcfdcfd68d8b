// test_fold_padding.cpp: F::fold / F::unfold (src/ops/fold.cpp), the padding layers
// (nn/modules/padding.hpp) and alpha dropout (src/nn/modules/alpha_dropout.cpp) against PyTorch
// (embedding.json): values, gradients, grad_fn names, float64 gradchecks, printing, PyTorch's
// draws after a seed and PyTorch's messages for bad input.
#include <catch2/catch.hpp>

#include <sstream>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

using torch::Tensor;
using V = xgrad_test::Inputs;
namespace F = torch::nn::functional;
namespace nn = torch::nn;

namespace {
template <class M>
std::string printed(const M& m) {
  std::ostringstream s;
  s << m;
  return s.str();
}
}  // namespace

TEST_CASE("F::fold and F::unfold match PyTorch") {
  xgrad_test::OpTable table = {
      {"unfold_k2x3", [](const V& a) { return F::unfold(a[0], F::UnfoldFuncOptions({2, 3})); }},
      {"unfold_dilation_padding_stride",
       [](const V& a) { return F::unfold(a[0], F::UnfoldFuncOptions({3, 2}).dilation({2, 1}).padding({1, 2}).stride({2, 3})); }},
      // F::unfold / nn::Unfold take 4-d input only (libtorch); torch::im2col takes an unbatched one.
      {"unfold_unbatched", [](const V& a) { return torch::im2col(a[0], {2, 2}, {1, 1}, {1, 1}, {2, 2}); }},
      {"fold_k2", [](const V& a) { return F::fold(a[0], F::FoldFuncOptions({4, 5}, {2, 2})); }},
      {"fold_dilation_padding_stride",
       [](const V& a) {
         return F::fold(a[0], F::FoldFuncOptions({7, 6}, {3, 2}).dilation({2, 1}).padding({1, 2}).stride({2, 3}));
       }},
      {"fold_unbatched", [](const V& a) { return nn::Fold(nn::FoldOptions({3, 4}, 2).padding(1).stride(2))(a[0]); }},
  };
  xgrad_test::run_reference_group("fold", table, "embedding.json");
}

TEST_CASE("fold and unfold are each other's gradient, to any order") {
  auto x = xgrad_test::test_values({1, 2, 4, 5});
  CHECK(torch::autograd::gradgradcheck([](const V& a) { return F::unfold(a[0], F::UnfoldFuncOptions(2).padding(1)); }, {x}));
  auto y = F::unfold(x, F::UnfoldFuncOptions({2, 3}));
  auto w = torch::ones_like(y).requires_grad_();
  auto g = torch::autograd::grad({y}, {x}, {w}, std::nullopt, /*create_graph=*/true);
  CHECK(g[0].grad_fn()->name() == "Col2ImBackward0");
  // fold(unfold(x)) counts how many blocks hold each pixel.
  auto ones = torch::ones({1, 1, 3, 3});
  auto counts = F::fold(F::unfold(ones, F::UnfoldFuncOptions(2)), F::FoldFuncOptions(3, 2));
  CHECK(counts.equal(torch::tensor({{{{1., 2., 1.}, {2., 4., 2.}, {1., 2., 1.}}}})));
}

TEST_CASE("fold and unfold refuse what PyTorch refuses") {
  CHECK_THROWS_WITH(F::unfold(torch::randn({1, 2, 2, 2}), F::UnfoldFuncOptions({2, 3})),
                    "Given input with spatial size (2, 2), kernel_size=(2, 3), dilation=(1, 1), padding=(0, 0), "
                    "calculated shape of the array of sliding blocks as (1, 0), but its components must be at least one.");
  CHECK_THROWS_WITH(F::unfold(torch::randn({2, 3, 5, 5}), F::UnfoldFuncOptions({7, 3})),
                    "Given input with spatial size (5, 5), kernel_size=(7, 3), dilation=(1, 1), padding=(0, 0), "
                    "calculated shape of the array of sliding blocks as (-1, 3), but its components must be at least one.");
  CHECK_THROWS_WITH(F::unfold(torch::randn({2, 3, 5, 6}), F::UnfoldFuncOptions({0, 3})),
                    "kernel size should be greater than zero, but got kernel_height: 0 kernel_width: 3");
  CHECK_THROWS_WITH(F::unfold(torch::randn({2, 3, 5, 6}), F::UnfoldFuncOptions(2).stride(0)),
                    "stride should be greater than zero, but got stride_height: 0 stride_width: 0");
  CHECK_THROWS_WITH(F::unfold(torch::randn({2, 3, 5, 6}), F::UnfoldFuncOptions(2).dilation(0)),
                    "dilation should be greater than zero, but got dilation_height: 0 dilation_width: 0");
  CHECK_THROWS_WITH(F::unfold(torch::randn({2, 3, 5, 6}), F::UnfoldFuncOptions(2).padding(-1)),
                    "padding should be non-negative, but got pad_height: -1 pad_width: -1");
  CHECK_THROWS_WITH(torch::im2col(torch::randn({1, 3, 4, 4, 4}), {2, 2}, {1, 1}, {0, 0}, {1, 1}),
                    "Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for "
                    "input, but got: [1, 3, 4, 4, 4]");
  CHECK_THROWS_AS(torch::im2col(torch::randn({3, 4}), {2, 2}, {1, 1}, {0, 0}, {1, 1}), torch::IndexError);
  // libtorch's F::unfold refuses every rank but 4 before im2col sees it (Python's docs: "only 4-D
  // input tensors (batched image-like tensors) are supported").
  CHECK_THROWS_WITH(F::unfold(torch::randn({1, 3, 4, 4, 4}), F::UnfoldFuncOptions(2)),
                    "Input Error: Only 4D input Tensors are supported (got 5D)");
  CHECK_THROWS_WITH(nn::Unfold(nn::UnfoldOptions({2, 4}))(torch::randn({1, 5, 2})),
                    "Input Error: Only 4D input Tensors are supported (got 3D)");
  CHECK(F::unfold(torch::randn({0, 3, 4, 4}), F::UnfoldFuncOptions(2)).sizes() == torch::IntArrayRef({0, 12, 9}));
  auto c = torch::randn({2, 12, 6});
  CHECK_THROWS_WITH(F::fold(c, F::FoldFuncOptions({4, 5}, {2, 2})),
                    "Given output_size=(4, 5), kernel_size=(2, 2), dilation=(1, 1), padding=(0, 0), stride=(1, 1), "
                    "expected size of input's dimension 2 to match the calculated number of sliding blocks 3 * 4 = 12, "
                    "but got input.size(2)=6.");
  CHECK_THROWS_WITH(F::fold(torch::randn({2, 11, 12}), F::FoldFuncOptions({4, 5}, {2, 2})),
                    "Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got "
                    "input.size(1)=11 and kernel_size=(2, 2).");
  CHECK_THROWS_WITH(torch::col2im(torch::randn({6}), {4, 6}, {2, 2}, {1, 1}, {0, 0}, {1, 1}),
                    "Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions "
                    "for input, but got: [6]");
  CHECK_THROWS_WITH(nn::Fold(nn::FoldOptions({8, 8}, {3, 3}))(torch::randn({1, 3, 16, 16})),
                    "Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported (got 4D)");
  CHECK(F::fold(torch::randn({0, 12, 12}), F::FoldFuncOptions({4, 5}, 2)).sizes() == torch::IntArrayRef({0, 3, 4, 5}));
}

TEST_CASE("Fold and Unfold print as libtorch prints them") {
  CHECK(printed(nn::Fold(nn::FoldOptions({2, 2}, {5, 5}))) ==
        "torch::nn::Fold(output_size=[2, 2], kernel_size=[5, 5], dilation=[1, 1], padding=[0, 0], stride=[1, 1])");
  CHECK(printed(nn::Fold(nn::FoldOptions({8, 8}, {3, 3}).dilation(2).padding({2, 1}).stride(2))) ==
        "torch::nn::Fold(output_size=[8, 8], kernel_size=[3, 3], dilation=[2, 2], padding=[2, 1], stride=[2, 2])");
  CHECK(printed(nn::Unfold(torch::IntArrayRef({2, 4}))) ==
        "torch::nn::Unfold(kernel_size=[2, 4], dilation=[1, 1], padding=[0, 0], stride=[1, 1])");
}

TEST_CASE("the padding layers match PyTorch") {
  xgrad_test::OpTable table = {
      {"ReflectionPad1d", [](const V& a) { return nn::ReflectionPad1d(nn::ReflectionPad1dOptions({3, 1}))(a[0]); }},
      {"ReflectionPad2d", [](const V& a) { return nn::ReflectionPad2d(nn::ReflectionPad2dOptions({1, 2, 2, 0}))(a[0]); }},
      {"ReflectionPad3d", [](const V& a) { return nn::ReflectionPad3d(1)(a[0]); }},
      {"ReplicationPad1d", [](const V& a) { return nn::ReplicationPad1d(nn::ReplicationPad1dOptions({0, 2}))(a[0]); }},
      {"ReplicationPad2d", [](const V& a) { return nn::ReplicationPad2d(nn::ReplicationPad2dOptions({2, 1, 0, 3}))(a[0]); }},
      {"ReplicationPad3d",
       [](const V& a) { return nn::ReplicationPad3d(nn::ReplicationPad3dOptions({1, 0, 2, 1, 0, 1}))(a[0]); }},
      {"ZeroPad2d", [](const V& a) { return nn::ZeroPad2d(nn::ZeroPad2dOptions({1, 1, 2, 0}))(a[0]); }},
      {"ConstantPad1d", [](const V& a) { return nn::ConstantPad1d(nn::ConstantPad1dOptions({3, 1}, 3.5))(a[0]); }},
      {"ConstantPad2d", [](const V& a) { return nn::ConstantPad2d(1, -1.5)(a[0]); }},
      {"ConstantPad3d", [](const V& a) { return nn::ConstantPad3d(nn::ConstantPad3dOptions({1, 0, 0, 2, 1, 1}, 0.25))(a[0]); }},
  };
  xgrad_test::run_reference_group("padding_modules", table, "embedding.json");
}

TEST_CASE("the padding layers print as libtorch prints them") {
  CHECK(printed(nn::ReflectionPad1d(nn::ReflectionPad1dOptions(2))) == "torch::nn::ReflectionPad1d(padding=[2, 2])");
  CHECK(printed(nn::ReflectionPad2d(nn::ReflectionPad2dOptions({1, 1, 2, 0}))) ==
        "torch::nn::ReflectionPad2d(padding=[1, 1, 2, 0])");
  CHECK(printed(nn::ReflectionPad3d(1)) == "torch::nn::ReflectionPad3d(padding=[1, 1, 1, 1, 1, 1])");
  CHECK(printed(nn::ReplicationPad1d(nn::ReplicationPad1dOptions({3, 1}))) == "torch::nn::ReplicationPad1d(padding=[3, 1])");
  CHECK(printed(nn::ReplicationPad3d(nn::ReplicationPad3dOptions({1, 2, 1, 2, 1, 2}))) ==
        "torch::nn::ReplicationPad3d(padding=[1, 2, 1, 2, 1, 2])");
  CHECK(printed(nn::ZeroPad2d(nn::ZeroPad2dOptions(2))) == "torch::nn::ZeroPad2d(padding=[2, 2, 2, 2])");
  CHECK(printed(nn::ConstantPad1d(nn::ConstantPad1dOptions(2, 3.5))) == "torch::nn::ConstantPad1d(padding=[2, 2], value=3.5)");
  CHECK(printed(nn::ConstantPad3d(nn::ConstantPad3dOptions({1, 2, 1, 2, 1, 2}, 3.5))) ==
        "torch::nn::ConstantPad3d(padding=[1, 2, 1, 2, 1, 2], value=3.5)");
  CHECK_THROWS_WITH(nn::ReflectionPad2d(nn::ReflectionPad2dOptions({1, 2})), "Expected 4 values, but instead got 2");
}

TEST_CASE("alpha dropout draws PyTorch's mask, bit for bit") {
  size_t seen = 0;
  for (const auto& c : xgrad_test::reference("embedding.json").at("draws")) {
    const std::string name = c.at("name");
    INFO(name);
    ++seen;
    Tensor x = xgrad_test::decode(c.at("input")).set_requires_grad(true);
    const double p = c.at("p");
    torch::manual_seed(c.at("seed").get<uint64_t>());
    Tensor y = c.at("feature").get<bool>()
                   ? F::feature_alpha_dropout(x, F::FeatureAlphaDropoutFuncOptions().p(p).training(true))
                   : F::alpha_dropout(x, F::AlphaDropoutFuncOptions().p(p).training(true));
    CHECK_CLOSE(y, xgrad_test::decode(c.at("output")));
    CHECK(y.grad_fn()->name() == c.at("grad_fn").get<std::string>());
    y.backward(torch::ones_like(y));
    CHECK_CLOSE(x.grad(), xgrad_test::decode(c.at("input_grad")));
  }
  CHECK(seen == 4);
  // Evaluation mode, p = 0 and the functional default (training=false) leave the input alone.
  auto x = torch::randn({4, 5});
  nn::AlphaDropout drop(0.5);
  drop->eval();
  CHECK(drop(x).is_same(x));
  CHECK(F::alpha_dropout(x).is_same(x));
  CHECK(F::feature_alpha_dropout(x, F::FeatureAlphaDropoutFuncOptions().p(0).training(true)).is_same(x));
  CHECK(F::alpha_dropout(x, F::AlphaDropoutFuncOptions().p(1).training(true)).equal(torch::zeros({4, 5})));
  // The module is in training mode by default, and in place when told.
  nn::FeatureAlphaDropout fdrop(nn::FeatureAlphaDropoutOptions(0.5).inplace(true));
  auto z = torch::ones({3, 4, 2});
  torch::manual_seed(0);
  auto r = fdrop(z);
  CHECK(r.is_same(z));
  CHECK_FALSE(z.equal(torch::ones({3, 4, 2})));
  CHECK(printed(nn::AlphaDropout()) == "torch::nn::AlphaDropout(p=0.5, inplace=false)");
  CHECK(printed(nn::FeatureAlphaDropout(nn::FeatureAlphaDropoutOptions(0.2).inplace(true))) ==
        "torch::nn::FeatureAlphaDropout(p=0.2, inplace=true)");
  CHECK_THROWS_AS(F::alpha_dropout(x, F::AlphaDropoutFuncOptions().p(1.5)), torch::ValueError);
  CHECK_THROWS_WITH(F::alpha_dropout(x, F::AlphaDropoutFuncOptions().p(-0.1)),
                    "dropout probability has to be between 0 and 1, but got -0.1");
  CHECK_THROWS_WITH(F::feature_alpha_dropout(torch::ones({3}), F::FeatureAlphaDropoutFuncOptions().training(true)),
                    "Feature dropout requires at least 2 dimensions in the input");
}

TEST_CASE("the alpha dropout layers refuse a p outside [0, 1] as Python does") {
  CHECK_THROWS_AS(nn::AlphaDropout(1.5), torch::ValueError);
  CHECK_THROWS_WITH(nn::FeatureAlphaDropout(-0.5), "dropout probability has to be between 0 and 1, but got -0.5");
}
