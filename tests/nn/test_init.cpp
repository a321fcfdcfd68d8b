// test_init.cpp: src/nn/init.cpp gives PyTorch's exact weights after manual_seed (the init_,
// linear_ and mlp_ cases of tests/reference/rng.json), and PyTorch's gains and errors.
#include <catch2/catch.hpp>

#include <cmath>

#include <xgrad/torch.hpp>

#include "random/rng_steps.hpp"

TEST_CASE("nn::init and Linear's initialisation give PyTorch's bits") {
  int n = xgrad_test::rng::replay_cases([](const std::string& name) {
    return name.rfind("init_", 0) == 0 || name.rfind("linear_", 0) == 0 || name.rfind("mlp_", 0) == 0;
  });
  CHECK(n >= 19);
}

TEST_CASE("calculate_gain and fans follow torch.nn.init") {
  namespace init = torch::nn::init;
  CHECK(init::calculate_gain(torch::kLinear) == 1.0);
  CHECK(init::calculate_gain(torch::kSigmoid) == 1.0);
  CHECK(init::calculate_gain(torch::kTanh) == 5.0 / 3);
  CHECK(init::calculate_gain(torch::kReLU) == std::sqrt(2.0));
  CHECK(init::calculate_gain(torch::kLeakyReLU) == std::sqrt(2.0 / (1 + 0.01 * 0.01)));
  CHECK(init::calculate_gain(torch::kLeakyReLU, std::sqrt(5.0)) == std::sqrt(2.0 / 6.000000000000001));
  auto [fan_in, fan_out] = init::_calculate_fan_in_and_fan_out(torch::empty({8, 3, 5, 5}));
  CHECK(fan_in == 75);
  CHECK(fan_out == 200);
  CHECK_THROWS_WITH(init::xavier_uniform_(torch::empty({3})),
                    "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions");
  auto w = torch::empty({2, 3});
  init::constant_(w, 0.5);
  CHECK(w.equal(torch::full({2, 3}, 0.5)));
  init::eye_(w);
  CHECK(w.equal(torch::eye(2, 3)));
  init::zeros_(w);
  CHECK(w.sum().item<float>() == 0.0f);
}

TEST_CASE("init leaves a parameter that requires grad a leaf that requires grad") {
  auto w = torch::empty({3, 4}, torch::requires_grad());
  torch::nn::init::kaiming_uniform_(w, std::sqrt(5.0));
  CHECK(w.requires_grad());
  CHECK(w.is_leaf());
  CHECK(w.abs().max().item<float>() <= 0.5f);  // bound = 1 / sqrt(fan_in) = 0.5
}

TEST_CASE("orthogonal_, sparse_ and dirac_ refuse what torch.nn.init refuses") {
  namespace init = torch::nn::init;
  CHECK_THROWS_WITH(init::orthogonal_(torch::empty({3})), "Only tensors with 2 or more dimensions are supported");
  CHECK_THROWS_WITH(init::orthogonal_(torch::empty({3, 3}, torch::kHalf)), "\"geqrf_cpu\" not implemented for 'Half'");
  CHECK_THROWS_WITH(init::orthogonal_(torch::empty({3, 3}, torch::kLong)),
                    "\"normal_kernel_cpu\" not implemented for 'Long'");
  CHECK_THROWS_WITH(init::dirac_(torch::empty({3, 3})), "Only tensors with 3, 4, or 5 dimensions are supported");
  CHECK_THROWS_WITH(init::dirac_(torch::empty({3, 2, 3}), 2), "dim 0 must be divisible by groups");
  CHECK_THROWS_WITH(init::sparse_(torch::empty({3, 2, 3}), 0.5), "Only tensors with 2 dimensions are supported");
}

TEST_CASE("orthogonal_ gives orthonormal rows or columns, times the gain") {
  namespace init = torch::nn::init;
  torch::manual_seed(0);
  for (auto shape : std::vector<std::vector<int64_t>>{{7, 3}, {3, 7}, {5, 5}, {4, 2, 3, 3}}) {
    auto w = torch::empty(shape, torch::kDouble);
    init::orthogonal_(w, 1.5);
    auto m = w.reshape({shape[0], -1});
    auto gram = m.size(0) >= m.size(1) ? m.t().mm(m) : m.mm(m.t());  // the short side's Gram matrix
    CHECK(gram.allclose(2.25 * torch::eye(gram.size(0), torch::kDouble), 0, 1e-12));
  }
}
