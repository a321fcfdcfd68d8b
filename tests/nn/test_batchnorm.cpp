// test_batchnorm.cpp: src/ops/batch_norm.cpp, kernels/batch_norm.hpp and nn/modules/batchnorm.cpp
// against PyTorch (norm.json, written by tests/reference/make_norm_reference.py): batch and
// instance norm's values, graphs, first and second derivatives; forward values and running
// statistics bit for bit on awkward sizes; the modules over several train/eval steps; libtorch's
// printing and PyTorch's errors.
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
/// float32: bit for bit (in every build: Note [A fused multiply-add that is always fused]); float64 (written with 12 digits): to 1e-9.
void check_exact(const Tensor& actual, const Tensor& expected) {
  if (expected.scalar_type() == torch::kDouble) {
    CHECK_CLOSE(actual, expected, 1e-9, 1e-12);
    return;
  }
  std::string why;
  const bool same = xgrad_test::bitwise_equal(actual, expected, why);
  INFO(why);
  CHECK(same);
}

template <class T>
std::string printed(const T& module) {
  std::ostringstream s;
  s << module;
  return s.str();
}
}  // namespace

TEST_CASE("batch norm matches PyTorch: values, graphs, first and second derivatives", "[norm]") {
  xgrad_test::OpTable table = {
      {"batch_norm_train_2d",
       [](const V& a) {
         return F::batch_norm(a[0], a[3], a[4], F::BatchNormFuncOptions().weight(a[1]).bias(a[2]).training(true));
       }},
      {"batch_norm_train_3d", [](const V& a) { return torch::batch_norm(a[0], a[1], a[2], a[3], a[4], true, 0.3, 1e-5); }},
      {"batch_norm_train_4d",
       [](const V& a) {
         return F::batch_norm(a[0], a[3], a[4],
                              F::BatchNormFuncOptions().weight(a[1]).bias(a[2]).training(true).eps(1e-3));
       }},
      {"batch_norm_train_5d_plain", [](const V& a) { return F::batch_norm(a[0], {}, {}, F::BatchNormFuncOptions().training(true)); }},
      {"batch_norm_train_weight_only",
       [](const V& a) { return F::batch_norm(a[0], {}, {}, F::BatchNormFuncOptions().weight(a[1]).training(true)); }},
      {"batch_norm_eval_2d",
       [](const V& a) { return F::batch_norm(a[0], a[3], a[4], F::BatchNormFuncOptions().weight(a[1]).bias(a[2])); }},
      {"batch_norm_eval_4d",
       [](const V& a) { return F::batch_norm(a[0], a[3], a[4], F::BatchNormFuncOptions().weight(a[1]).bias(a[2]).eps(0.01)); }},
      {"batch_norm_eval_plain", [](const V& a) { return F::batch_norm(a[0], a[1], a[2]); }},
      {"batch_norm_double",
       [](const V& a) { return F::batch_norm(a[0], {}, {}, F::BatchNormFuncOptions().weight(a[1]).bias(a[2]).training(true)); }},
  };
  xgrad_test::run_reference_file("norm.json", "batch_norm", table);
}

TEST_CASE("instance norm matches PyTorch: values, graphs, first and second derivatives", "[norm]") {
  xgrad_test::OpTable table = {
      {"instance_norm_plain", [](const V& a) { return F::instance_norm(a[0]); }},
      {"instance_norm_affine_running",
       [](const V& a) {
         return F::instance_norm(
             a[0], F::InstanceNormFuncOptions().running_mean(a[3]).running_var(a[4]).weight(a[1]).bias(a[2]).momentum(0.2));
       }},
      {"instance_norm_running_stats_eval",
       [](const V& a) { return torch::instance_norm(a[0], a[1], a[2], a[3], a[4], false, 0.1, 1e-5, false); }},
  };
  xgrad_test::run_reference_file("norm.json", "instance_norm", table);
}

TEST_CASE("batch norm's forward is PyTorch's bit for bit: statistics, output, running statistics", "[norm]") {
  for (const std::string name : {"batch_norm_train_rows", "batch_norm_train_wide_rows", "batch_norm_train_planes",
                                 "batch_norm_train_long_planes", "batch_norm_train_odd", "batch_norm_eval_planes",
                                 "batch_norm_eval_rows", "batch_norm_train_double"}) {
    INFO(name);
    const auto& e = xgrad_test::find_entry("norm.json", "exact", name);
    V in;
    for (const auto& j : e.at("inputs")) in.push_back(j.is_null() ? Tensor() : xgrad_test::decode(j));
    const bool train = e.at("outputs").size() == 3;
    double momentum = name == "batch_norm_train_long_planes" ? 0.37 : 0.1;
    auto [y, mean, invstd] = torch::native_batch_norm(in[0], in[1], in[2], in[3], in[4], train, momentum, 1e-5);
    std::vector<Tensor> outs = {y, mean, invstd};
    for (size_t i = 0; i < e.at("outputs").size(); ++i) {
      INFO("output " << i);
      check_exact(outs[i], xgrad_test::decode(e.at("outputs")[i]));
    }
    for (size_t i = 3; i < 5; ++i) {
      INFO("running statistic " << i << " after the call");
      check_exact(in[i], xgrad_test::decode(e.at("inputs_after")[i]));
    }
  }
}

TEST_CASE("BatchNorm and InstanceNorm modules follow PyTorch over train and eval steps", "[norm]") {
  nn::BatchNorm1d bn1(5);
  xgrad_test::replay_module_steps("BatchNorm1d", *bn1, [&](const Tensor& x) { return bn1(x); });
  CHECK(bn1->num_batches_tracked.item<int64_t>() == 4);

  nn::BatchNorm1d cumulative(nn::BatchNorm1dOptions(3).momentum(std::nullopt).affine(false));
  xgrad_test::replay_module_steps("BatchNorm1d_cumulative", *cumulative, [&](const Tensor& x) { return cumulative(x); });

  nn::BatchNorm2d bn2(nn::BatchNorm2dOptions(4).eps(1e-3).momentum(0.3));
  xgrad_test::replay_module_steps("BatchNorm2d", *bn2, [&](const Tensor& x) { return bn2(x); });

  nn::BatchNorm3d bn3(nn::BatchNorm3dOptions(2).track_running_stats(false));
  xgrad_test::replay_module_steps("BatchNorm3d_untracked", *bn3, [&](const Tensor& x) { return bn3(x); });

  nn::InstanceNorm1d in1(nn::InstanceNorm1dOptions(3).affine(true).track_running_stats(true));
  xgrad_test::replay_module_steps("InstanceNorm1d_tracked", *in1, [&](const Tensor& x) { return in1(x); });
  nn::InstanceNorm2d in2(2);
  xgrad_test::replay_module_steps("InstanceNorm2d", *in2, [&](const Tensor& x) { return in2(x); });
  nn::InstanceNorm3d in3(nn::InstanceNorm3dOptions(2).affine(true));
  xgrad_test::replay_module_steps("InstanceNorm3d", *in3, [&](const Tensor& x) { return in3(x); });
}

TEST_CASE("BatchNorm registers PyTorch's parameters and buffers, clones, converts and prints as libtorch", "[norm]") {
  nn::BatchNorm2d bn(3);
  std::vector<std::string> params, buffers;
  for (const auto& p : bn->named_parameters()) params.push_back(p.key());
  for (const auto& b : bn->named_buffers()) buffers.push_back(b.key());
  CHECK(params == std::vector<std::string>{"weight", "bias"});
  CHECK(buffers == std::vector<std::string>{"running_mean", "running_var", "num_batches_tracked"});
  CHECK(bn->num_batches_tracked.dim() == 0);
  CHECK(bn->num_batches_tracked.scalar_type() == torch::kLong);
  CHECK(bn->weight.requires_grad());
  CHECK_FALSE(bn->running_mean.requires_grad());

  nn::BatchNorm1d plain(nn::BatchNorm1dOptions(5).track_running_stats(false).affine(false));
  CHECK(plain->parameters().empty());
  CHECK(plain->buffers().empty());
  CHECK_FALSE(plain->running_mean.defined());
  CHECK_FALSE(plain->weight.defined());

  // A clone owns copies of the buffers: training the clone leaves the original's statistics alone.
  auto copy = std::dynamic_pointer_cast<nn::BatchNorm2dImpl>(bn->clone());
  REQUIRE(copy != nullptr);
  copy->forward(torch::randn({2, 3, 2, 2}));
  CHECK(copy->num_batches_tracked.item<int64_t>() == 1);
  CHECK(bn->num_batches_tracked.item<int64_t>() == 0);
  CHECK(bn->running_mean.equal(torch::zeros({3})));
  auto plain_copy = std::dynamic_pointer_cast<nn::BatchNorm1dImpl>(plain->clone());
  REQUIRE(plain_copy != nullptr);
  CHECK_FALSE(plain_copy->running_mean.defined());

  bn->to(torch::kDouble);
  CHECK(bn->weight.scalar_type() == torch::kDouble);
  CHECK(bn->running_var.scalar_type() == torch::kDouble);
  CHECK(bn->num_batches_tracked.scalar_type() == torch::kLong);  // only floating tensors convert
  CHECK(bn(torch::ones({2, 3, 1, 2}, torch::kDouble)).scalar_type() == torch::kDouble);

  // libtorch 1.13's strings (test/cpp/api/modules.cpp, PrettyPrintBatchNorm*, PrettyPrintInstanceNorm*)
  CHECK(printed(nn::BatchNorm1d(nn::BatchNorm1dOptions(4).eps(0.5).momentum(0.1).affine(false).track_running_stats(true))) ==
        "torch::nn::BatchNorm1d(4, eps=0.5, momentum=0.1, affine=false, track_running_stats=true)");
  CHECK(printed(nn::BatchNorm2d(64)) ==
        "torch::nn::BatchNorm2d(64, eps=1e-05, momentum=0.1, affine=true, track_running_stats=true)");
  CHECK(printed(nn::BatchNorm3d(nn::BatchNorm3dOptions(4).momentum(std::nullopt))) ==
        "torch::nn::BatchNorm3d(4, eps=1e-05, momentum=None, affine=true, track_running_stats=true)");
  CHECK(printed(nn::InstanceNorm1d(nn::InstanceNorm1dOptions(4).eps(0.5).momentum(0.1).affine(false).track_running_stats(true))) ==
        "torch::nn::InstanceNorm1d(4, eps=0.5, momentum=0.1, affine=false, track_running_stats=true)");
  CHECK(printed(nn::InstanceNorm3d(4)) ==
        "torch::nn::InstanceNorm3d(4, eps=1e-05, momentum=0.1, affine=false, track_running_stats=false)");
}

TEST_CASE("batch and instance norm refuse bad input with PyTorch's messages", "[norm]") {
  CHECK_THROWS_AS(F::batch_norm(torch::randn({1, 3}), {}, {}, F::BatchNormFuncOptions().training(true)), torch::ValueError);
  CHECK_THROWS_WITH(F::batch_norm(torch::randn({1, 3}), {}, {}, F::BatchNormFuncOptions().training(true)),
                    "Expected more than 1 value per channel when training, got input size [1, 3]");
  CHECK_THROWS_WITH(F::batch_norm(torch::randn({1, 3, 1, 1}), {}, {}, F::BatchNormFuncOptions().training(true)),
                    "Expected more than 1 value per channel when training, got input size [1, 3, 1, 1]");
  CHECK_THROWS_WITH(F::batch_norm(torch::randn({2, 3}), torch::zeros({4}), torch::ones({3})),
                    "running_mean should contain 3 elements not 4");
  CHECK_THROWS_WITH(F::batch_norm(torch::randn({2, 3}), torch::zeros({3}), torch::ones({2})),
                    "running_var should contain 3 elements not 2");
  CHECK_THROWS_WITH(F::batch_norm(torch::randn({2, 3}), torch::zeros({3}), torch::ones({3}),
                                  F::BatchNormFuncOptions().weight(torch::ones({4}))),
                    "weight should contain 3 elements not 4");
  CHECK_THROWS_WITH(F::batch_norm(torch::randn({2, 3}), torch::zeros({3}), torch::ones({3}),
                                  F::BatchNormFuncOptions().bias(torch::ones({1}))),
                    "bias should contain 3 elements not 1");
  CHECK_THROWS_WITH(F::batch_norm(torch::randn({2, 3}), {}, {}), "running_mean must be defined in evaluation mode");
  CHECK_THROWS_WITH(torch::batch_norm(torch::randn({2, 3}), {}, {}, torch::zeros({3}), {}, false, 0.1, 1e-5),
                    "running_var must be defined in evaluation mode");
  CHECK_THROWS_WITH(F::batch_norm(torch::ones({2, 3}, torch::kLong), {}, {}, F::BatchNormFuncOptions().training(true)),
                    "\"batch_norm\" not implemented for 'Long'");

  nn::BatchNorm1d bn1(3);
  nn::BatchNorm2d bn2(3);
  nn::BatchNorm3d bn3(3);
  CHECK_THROWS_AS(bn1(torch::randn({2, 3, 4, 5})), torch::ValueError);
  CHECK_THROWS_WITH(bn1(torch::randn({2, 3, 4, 5})), "expected 2D or 3D input (got 4D input)");
  CHECK_THROWS_WITH(bn2(torch::randn({2, 3, 4})), "expected 4D input (got 3D input)");
  CHECK_THROWS_WITH(bn3(torch::randn({2, 3, 4})), "expected 5D input (got 3D input)");
  CHECK_THROWS_WITH(nn::InstanceNorm1d(3)(torch::randn({2, 3, 4, 5})), "expected 2D or 3D input (got 4D input)");
  CHECK_THROWS_WITH(nn::InstanceNorm2d(3)(torch::randn({3, 4})), "expected 3D or 4D input (got 2D input)");
  CHECK_THROWS_WITH(nn::InstanceNorm3d(3)(torch::randn({3, 4, 5})), "expected 4D or 5D input (got 3D input)");

  CHECK_THROWS_AS(F::instance_norm(torch::randn({2, 3, 1})), torch::ValueError);
  CHECK_THROWS_WITH(F::instance_norm(torch::randn({2, 3, 1})),
                    "Expected more than 1 spatial element when training, got input size [2, 3, 1]");
  CHECK_THROWS_WITH(F::instance_norm(torch::randn({2, 3, 4}), F::InstanceNormFuncOptions().use_input_stats(false)),
                    "Expected running_mean and running_var to be defined when use_input_stats is false");
}

TEST_CASE("batch norm in evaluation mode refuses running statistics changed before backward", "[norm]") {
  // PyTorch saves the running statistics; training does not bump their version, a user's write does
  // (reset_running_stats' zero_() made it 1, as in PyTorch).
  nn::BatchNorm1d bn(3);
  auto x = torch::randn({4, 3}, torch::requires_grad());
  auto y1 = bn(x), y2 = bn(x * 2);
  (y1.sum() + y2.sum()).backward();  // two training steps, one backward: fine, as in PyTorch
  bn->eval();
  auto y = bn(x);
  {
    torch::NoGradGuard no_grad;
    bn->running_mean.add_(1);
  }
  CHECK_THROWS_WITH(y.sum().backward(),
                    Catch::Matchers::StartsWith("one of the variables needed for gradient computation has been "
                                                "modified by an inplace operation: [torch.FloatTensor [3]] is at "
                                                "version 2; expected version 1 instead."));
}

TEST_CASE("batch norm of an empty batch and torch::native_batch_norm's saved statistics", "[norm]") {
  auto w = torch::tensor({2.0, 3.0}, torch::requires_grad());
  auto empty = torch::zeros({0, 2});
  auto y = torch::batch_norm(empty, w, {}, torch::zeros({2}), torch::ones({2}), true, 0.1, 1e-5);
  CHECK(y.sizes().vec() == std::vector<int64_t>{0, 2});

  auto x = torch::tensor({{1.0, 2.0}, {3.0, 6.0}}, torch::requires_grad());
  auto [out, mean, invstd] = torch::native_batch_norm(x, {}, {}, {}, {}, true, 0.1, 0.0);
  CHECK(mean.allclose(torch::tensor({2.0, 4.0})));
  CHECK(invstd.allclose(torch::tensor({1.0, 0.5})));
  CHECK_FALSE(mean.requires_grad());  // PyTorch's save_mean and save_invstd are not differentiable
  CHECK(out.grad_fn()->name() == "NativeBatchNormBackward0");
  auto [o2, m2, i2] = torch::native_batch_norm(x, {}, {}, torch::zeros({2}), torch::ones({2}), false, 0.1, 0.0);
  CHECK(m2.numel() == 0);
  CHECK(i2.numel() == 0);
  CHECK(o2.equal(x.detach()));
}

TEST_CASE("reset_running_stats and reset_parameters bring BatchNorm back to its start", "[norm]") {
  nn::BatchNorm1d bn(3);
  for (int i = 0; i < 3; ++i) bn(torch::randn({4, 3}) * 2 + 1);
  {
    torch::NoGradGuard no_grad;
    bn->weight.mul_(3);
    bn->bias.add_(1);
  }
  CHECK(bn->num_batches_tracked.item<int64_t>() == 3);
  CHECK_FALSE(bn->running_mean.equal(torch::zeros({3})));
  bn->reset_running_stats();
  CHECK(bn->running_mean.equal(torch::zeros({3})));
  CHECK(bn->running_var.equal(torch::ones({3})));
  CHECK(bn->num_batches_tracked.item<int64_t>() == 0);
  CHECK(bn->weight.equal(torch::ones({3})) == false);  // parameters are left alone
  bn(torch::randn({4, 3}));
  bn->reset_parameters();  // the running statistics and the parameters
  CHECK(bn->running_mean.equal(torch::zeros({3})));
  CHECK(bn->num_batches_tracked.item<int64_t>() == 0);
  CHECK(bn->weight.equal(torch::ones({3})));
  CHECK(bn->bias.equal(torch::zeros({3})));
  CHECK(bn->weight.requires_grad());

  // momentum None: the running mean is the plain average of the batches' means
  nn::BatchNorm1d avg(nn::BatchNorm1dOptions(2).momentum(std::nullopt).affine(false));
  auto a = torch::tensor({{1.0f, 2.0f}, {3.0f, 6.0f}}), b = torch::tensor({{5.0f, 0.0f}, {7.0f, 2.0f}});
  avg(a);
  avg(b);
  CHECK(avg->running_mean.allclose(torch::tensor({4.0f, 2.5f})));  // ((2, 4) + (6, 1)) / 2, from 0 after step 1
}
