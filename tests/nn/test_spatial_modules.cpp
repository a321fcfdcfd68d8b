// test_spatial_modules.cpp: the modules of src/nn/modules/conv.cpp (and the other spatial layers)
// against PyTorch (conv.json "modules"): made after the same manual_seed they hold PyTorch's
// parameters bit for bit, and give its outputs and gradients; their options, printing (libtorch's
// text) and errors (Python's).
#include <catch2/catch.hpp>

#include <functional>
#include <map>
#include <sstream>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

namespace nn = torch::nn;
using torch::Tensor;

namespace {

/// A module just made, and how to run it on an input.
struct Made {
  std::shared_ptr<nn::Module> module;
  std::function<Tensor(const Tensor&)> forward;
};
template <class Holder>
Made made(Holder holder) {
  return {holder.ptr(), [holder](const Tensor& x) mutable { return holder(x); }};
}

template <class T>
std::string printed(const T& module) {
  std::ostringstream s;
  s << module;
  return s.str();
}

/// Each module of conv.json, made the same way in C++.
const std::map<std::string, std::function<Made()>>& module_table() {
  static const std::map<std::string, std::function<Made()>> table = {
      {"conv1d", [] { return made(nn::Conv1d(3, 4, 3)); }},
      {"conv2d_mnist_first", [] { return made(nn::Conv2d(1, 10, 5)); }},
      {"conv2d_mnist_second", [] { return made(nn::Conv2d(nn::Conv2dOptions(10, 20, 5))); }},
      {"conv2d_options",
       [] {
         return made(nn::Conv2d(
             nn::Conv2dOptions(4, 6, {3, 2}).stride({2, 1}).padding({1, 2}).dilation({2, 1}).groups(2).bias(false)));
       }},
      {"conv2d_same", [] { return made(nn::Conv2d(nn::Conv2dOptions(2, 3, {2, 3}).padding(torch::kSame))); }},
      {"conv2d_reflect",
       [] { return made(nn::Conv2d(nn::Conv2dOptions(2, 3, 3).padding({1, 2}).padding_mode(torch::kReflect))); }},
      {"conv2d_replicate",
       [] { return made(nn::Conv2d(nn::Conv2dOptions(2, 3, 3).padding(1).padding_mode(torch::kReplicate))); }},
      {"conv2d_circular",
       [] { return made(nn::Conv2d(nn::Conv2dOptions(2, 3, 3).padding({2, 1}).padding_mode(torch::kCircular))); }},
      {"conv2d_circular_same",
       [] { return made(nn::Conv2d(nn::Conv2dOptions(2, 3, 4).padding(torch::kSame).padding_mode(torch::kCircular))); }},
      {"conv3d", [] { return made(nn::Conv3d(nn::Conv3dOptions(2, 3, {2, 3, 2}).stride({1, 2, 1}))); }},
      {"conv_transpose1d", [] { return made(nn::ConvTranspose1d(nn::ConvTranspose1dOptions(3, 4, 3).stride(2))); }},
      {"conv_transpose2d",
       [] {
         return made(nn::ConvTranspose2d(
             nn::ConvTranspose2dOptions(4, 6, 3).stride(2).padding(1).output_padding(1).groups(2)));
       }},
      {"conv_transpose2d_output_size",
       [] {
         nn::ConvTranspose2d m(nn::ConvTranspose2dOptions(2, 3, 3).stride(2));
         return Made{m.ptr(), [m](const Tensor& x) mutable { return m(x, std::vector<int64_t>{9, 10}); }};
       }},
      {"conv_transpose3d",
       [] { return made(nn::ConvTranspose3d(nn::ConvTranspose3dOptions(2, 2, 2).stride({2, 1, 1}).bias(false))); }},
      {"max_pool2d", [] { return made(nn::MaxPool2d(nn::MaxPool2dOptions(3).stride(2).padding(1))); }},
      {"max_pool1d_ceil", [] { return made(nn::MaxPool1d(nn::MaxPool1dOptions(2).ceil_mode(true))); }},
      {"avg_pool2d",
       [] { return made(nn::AvgPool2d(nn::AvgPool2dOptions({2, 3}).stride(1).padding(1).count_include_pad(false))); }},
      {"avg_pool3d", [] { return made(nn::AvgPool3d(nn::AvgPool3dOptions(2).divisor_override(3))); }},
      {"adaptive_avg_pool2d_none",
       [] { return made(nn::AdaptiveAvgPool2d(nn::AdaptiveAvgPool2dOptions({std::nullopt, 3}))); }},
      {"adaptive_max_pool3d", [] { return made(nn::AdaptiveMaxPool3d(nn::AdaptiveMaxPool3dOptions({2, std::nullopt, 3}))); }},
      {"lp_pool2d", [] { return made(nn::LPPool2d(2, 2)); }},
      {"max_unpool2d",
       [] {
         nn::MaxUnpool2d unpool(2);
         return Made{unpool.ptr(), [unpool](const Tensor& x) mutable {
                       auto [values, indices] = torch::max_pool2d_with_indices(x, 2);
                       return unpool(values, indices);
                     }};
       }},
      {"dropout2d", [] { return made(nn::Dropout2d(0.5)); }},
  };
  return table;
}

}  // namespace

TEST_CASE("spatial modules start from PyTorch's parameters and compute PyTorch's numbers") {
  const auto& table = module_table();
  size_t seen = 0;
  for (const auto& c : xgrad_test::reference("conv.json").at("modules")) {
    const std::string name = c.at("name");
    INFO("module " << name);
    auto it = table.find(name);
    REQUIRE(it != table.end());
    ++seen;
    torch::manual_seed(c.at("seed").get<uint64_t>());
    Made m = it->second();
    // The initial parameters: the same draws, so exactly the same values.
    const auto params = m.module->named_parameters();
    REQUIRE(params.size() == c.at("parameters").size());
    for (const auto& p : params) {
      INFO("parameter " << p.key());
      CHECK(p.value().equal(xgrad_test::decode(c.at("parameters").at(p.key()))));
    }
    // The input is drawn next, as Python drew it (a module that draws in forward, as dropout
    // does, then continues from the same place in the generator).
    const Tensor expected_input = xgrad_test::decode(c.at("input"));
    Tensor x = torch::randn(expected_input.sizes());
    CHECK(x.equal(expected_input));
    x.set_requires_grad(true);
    Tensor y = m.forward(x);
    CHECK_CLOSE(y, xgrad_test::decode(c.at("output")));
    REQUIRE(y.grad_fn() != nullptr);
    CHECK(y.grad_fn()->name() == c.at("grad_fn").get<std::string>());
    y.backward(xgrad_test::decode(c.at("upstream")));
    CHECK_CLOSE(x.grad(), xgrad_test::decode(c.at("input_grad")), 1e-5, 1e-5);
    for (const auto& p : params) {
      INFO("gradient of " << p.key());
      CHECK_CLOSE(p.value().grad(), xgrad_test::decode(c.at("parameter_grads").at(p.key())), 1e-5, 1e-5);
    }
  }
  CHECK(seen == table.size());
}

TEST_CASE("convolution modules print as libtorch prints them") {
  CHECK(printed(nn::Conv2d(1, 10, 5)) == "torch::nn::Conv2d(1, 10, kernel_size=[5, 5], stride=[1, 1])");
  CHECK(printed(nn::Conv1d(nn::Conv1dOptions(3, 4, 3).padding(1).bias(false))) ==
        "torch::nn::Conv1d(3, 4, kernel_size=3, stride=1, padding=1, bias=false)");
  CHECK(printed(nn::Conv2d(nn::Conv2dOptions(4, 6, {3, 2}).padding(torch::kSame).dilation(2).groups(2))) ==
        "torch::nn::Conv2d(4, 6, kernel_size=[3, 2], stride=[1, 1], padding='same', dilation=[2, 2], groups=2)");
  CHECK(printed(nn::Conv3d(nn::Conv3dOptions(2, 2, 3).padding(1).padding_mode(torch::kCircular))) ==
        "torch::nn::Conv3d(2, 2, kernel_size=[3, 3, 3], stride=[1, 1, 1], padding=[1, 1, 1], padding_mode=kCircular)");
  CHECK(printed(nn::ConvTranspose2d(nn::ConvTranspose2dOptions(4, 6, 3).stride(2).output_padding(1))) ==
        "torch::nn::ConvTranspose2d(4, 6, kernel_size=[3, 3], stride=[2, 2], output_padding=[1, 1])");
}

TEST_CASE("feature dropout draws PyTorch's channels, bit for bit") {
  namespace F = torch::nn::functional;
  const std::map<std::string, std::function<Tensor(const Tensor&)>> table = {
      {"dropout2d", [](const Tensor& x) { return F::dropout2d(x, F::Dropout2dFuncOptions().p(0.4)); }},
      {"dropout2d_3d_input", [](const Tensor& x) { return F::dropout2d(x); }},
      {"dropout3d", [](const Tensor& x) { return F::dropout3d(x, F::Dropout3dFuncOptions().p(0.25)); }},
      {"dropout3d_unbatched", [](const Tensor& x) { return F::dropout3d(x, F::Dropout3dFuncOptions().p(0.6)); }},
      {"dropout2d_double", [](const Tensor& x) { return torch::feature_dropout(x, 0.3, true); }},
  };
  size_t seen = 0;
  for (const auto& c : xgrad_test::reference("conv.json").at("draws")) {
    const std::string name = c.at("name");
    INFO("draw " << name);
    REQUIRE(table.count(name) == 1);
    ++seen;
    Tensor x = xgrad_test::decode(c.at("input")).set_requires_grad(true);
    torch::manual_seed(c.at("seed").get<uint64_t>());
    Tensor y = table.at(name)(x);
    CHECK(y.equal(xgrad_test::decode(c.at("output"))));
    CHECK(y.grad_fn()->name() == c.at("grad_fn").get<std::string>());
    y.backward(torch::ones_like(y));
    CHECK(x.grad().equal(xgrad_test::decode(c.at("grad"))));
  }
  CHECK(seen == table.size());
  // Evaluation mode and p = 0 leave the input alone; p = 1 zeroes it; p outside [0, 1] is refused.
  auto x = torch::randn({2, 3, 4, 4});
  nn::Dropout2d drop(0.5);
  drop->eval();
  CHECK(drop(x).is_same(x));
  CHECK(F::dropout2d(x, F::Dropout2dFuncOptions().p(0)).is_same(x));
  CHECK(F::dropout3d(torch::ones({2, 2, 2, 2, 2}), F::Dropout3dFuncOptions().p(1)).equal(torch::zeros({2, 2, 2, 2, 2})));
  CHECK_THROWS_WITH(F::dropout2d(x, F::Dropout2dFuncOptions().p(1.5)),
                    "dropout probability has to be between 0 and 1, but got 1.5");
  CHECK_THROWS_WITH(torch::feature_dropout(torch::ones({3}), 0.5, true),
                    "Feature dropout requires at least 2 dimensions in the input");
  CHECK(printed(nn::Dropout2d(0.42)) == "torch::nn::Dropout2d(p=0.42, inplace=false)");
  CHECK(printed(nn::Dropout3d(nn::Dropout3dOptions(0.42).inplace(true))) == "torch::nn::Dropout3d(p=0.42, inplace=true)");
}

TEST_CASE("Unflatten views a dim as several, as Python's Tensor.unflatten") {
  nn::Unflatten unflatten(1, std::vector<int64_t>{2, -1});
  auto x = torch::randn({3, 6, 4}, torch::requires_grad());
  auto y = unflatten(x);
  CHECK(y.sizes().vec() == std::vector<int64_t>{3, 2, 3, 4});
  CHECK(y.grad_fn()->name() == "ViewBackward0");
  CHECK(y.reshape({3, 6, 4}).equal(x));
  CHECK(nn::Unflatten(-1, std::vector<int64_t>{2, 2})(x).sizes().vec() == std::vector<int64_t>{3, 6, 2, 2});
  CHECK(printed(nn::Unflatten(nn::UnflattenOptions(0, {2, 2}))) == "torch::nn::Unflatten(dim=0, unflattened_size={2, 2})");
  // The named form is held and printed as libtorch prints it; without named tensors, forward refuses it.
  nn::Unflatten named(nn::UnflattenOptions("B", {{"B1", 2}, {"B2", 3}}));
  CHECK(printed(named) == "torch::nn::Unflatten(dim=\"B\", unflattened_size={{\"B1\", 2}, {\"B2\", 3}})");
  CHECK_THROWS_AS(named(x), torch::NotImplementedError);
}

TEST_CASE("pooling modules print as libtorch prints them") {
  CHECK(printed(nn::MaxPool1d(5)) == "torch::nn::MaxPool1d(kernel_size=5, stride=5, padding=0, dilation=1, ceil_mode=false)");
  CHECK(printed(nn::MaxPool2d(nn::MaxPool2dOptions({5, 6}).stride({1, 2}))) ==
        "torch::nn::MaxPool2d(kernel_size=[5, 6], stride=[1, 2], padding=[0, 0], dilation=[1, 1], ceil_mode=false)");
  CHECK(printed(nn::AvgPool3d(5)) == "torch::nn::AvgPool3d(kernel_size=[5, 5, 5], stride=[5, 5, 5], padding=[0, 0, 0])");
  CHECK(printed(nn::LPPool1d(nn::LPPool1dOptions(1, 2).stride(5).ceil_mode(true))) ==
        "torch::nn::LPPool1d(norm_type=1, kernel_size=2, stride=5, ceil_mode=true)");
  CHECK(printed(nn::LPPool2d(2, std::vector<int64_t>({1, 2}))) ==
        "torch::nn::LPPool2d(norm_type=2, kernel_size=[1, 2], stride=[1, 2], ceil_mode=false)");
  CHECK(printed(nn::AdaptiveMaxPool1d(5)) == "torch::nn::AdaptiveMaxPool1d(output_size=5)");
  CHECK(printed(nn::AdaptiveMaxPool2d(nn::AdaptiveMaxPool2dOptions({5, std::nullopt}))) ==
        "torch::nn::AdaptiveMaxPool2d(output_size=[5, None])");
  CHECK(printed(nn::AdaptiveAvgPool3d(5)) == "torch::nn::AdaptiveAvgPool3d(output_size=[5, 5, 5])");
  CHECK(printed(nn::MaxUnpool2d(nn::MaxUnpool2dOptions({5, 6}).stride({3, 4}).padding({1, 2}))) ==
        "torch::nn::MaxUnpool2d(kernel_size=[5, 6], stride=[3, 4], padding=[1, 2])");
  // libtorch's own test: MaxPool2d's forward_with_indices on ones.
  nn::MaxPool2d pool(nn::MaxPool2dOptions(3).stride(2));
  auto [y, indices] = pool->forward_with_indices(torch::ones({2, 5, 5}, torch::requires_grad()));
  CHECK(indices.equal(torch::tensor({{{0, 2}, {10, 12}}, {{0, 2}, {10, 12}}}, torch::kLong)));
  CHECK(y.sizes().vec() == std::vector<int64_t>{2, 2, 2});
}

TEST_CASE("convolution modules check their options as PyTorch does") {
  CHECK_THROWS_AS(nn::Conv2d(nn::Conv2dOptions(3, 4, 3).groups(2)), torch::ValueError);
  CHECK_THROWS_WITH(nn::Conv2d(nn::Conv2dOptions(3, 4, 3).groups(2)), "in_channels must be divisible by groups");
  CHECK_THROWS_WITH(nn::Conv2d(nn::Conv2dOptions(4, 3, 3).groups(2)), "out_channels must be divisible by groups");
  CHECK_THROWS_WITH(nn::Conv2d(nn::Conv2dOptions(4, 4, 3).groups(0)), "groups must be a positive integer");
  CHECK_THROWS_WITH(nn::Conv1d(nn::Conv1dOptions(3, 2, 3).stride(2).padding(torch::kSame)),
                    "padding='same' is not supported for strided convolutions");
  CHECK_THROWS_WITH(nn::Conv2d(nn::Conv2dOptions(3, 2, {3, 4}).stride({1, 2}).padding(torch::kSame)),
                    "padding='same' is not supported for strided convolutions");
  // libtorch builds a non-zeros ConvTranspose (and prints it) and refuses it in forward.
  nn::ConvTranspose2d reflect(nn::ConvTranspose2dOptions(3, 2, 3).padding_mode(torch::kReflect));
  CHECK_THROWS_WITH(reflect(torch::randn({1, 3, 4, 4})), "Only `zeros` padding mode is supported for ConvTranspose2d");
  nn::ConvTranspose2d up(nn::ConvTranspose2dOptions(2, 3, 3).stride(2));
  CHECK_THROWS_WITH(up(torch::randn({1, 2, 4, 4}), std::vector<int64_t>{20, 10}),
                    "requested an output size of [20, 10], but valid sizes range from [9, 9] to [10, 10] (for an input "
                    "of torch.Size([4, 4]))");
  CHECK_THROWS_WITH(up(torch::randn({1, 2, 4, 4}), std::vector<int64_t>{9}),
                    "ConvTranspose2D: for 4D input, output_size must have 2 or 4 elements (got 1)");
  // The options read back as given; a conv's weight has libtorch's layout.
  nn::Conv2d conv(nn::Conv2dOptions(4, 6, {3, 2}).groups(2).bias(false));
  CHECK(conv->weight.sizes().vec() == std::vector<int64_t>{6, 2, 3, 2});
  CHECK(!conv->bias.defined());
  CHECK(conv->named_parameters().size() == 1);
  CHECK((*conv->options.kernel_size())[1] == 2);
  CHECK(nn::ConvTranspose2d(4, 6, 3)->weight.sizes().vec() == std::vector<int64_t>{4, 6, 3, 3});
  // clone() gives an equal, separate module.
  auto copy = std::dynamic_pointer_cast<nn::Conv2dImpl>(conv->clone());
  REQUIRE(copy != nullptr);
  CHECK(copy->weight.equal(conv->weight));
  CHECK(!copy->weight.is_same(conv->weight));
}
