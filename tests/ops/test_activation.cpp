// test_activation.cpp: src/ops/activation.cpp and src/ops/softmax.cpp against PyTorch, plus the
// numerically delicate inputs (saturation, infinities) and double backward.
#include <catch2/catch.hpp>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

using torch::Tensor;
using V = xgrad_test::Inputs;

TEST_CASE("activations match PyTorch") {
  xgrad_test::OpTable table = {
      {"relu", [](const V& a) { return torch::relu(a[0]); }},
      {"sigmoid", [](const V& a) { return torch::sigmoid(a[0]); }},
      {"tanh", [](const V& a) { return torch::tanh(a[0]); }},
      {"softplus", [](const V& a) { return torch::softplus(a[0]); }},
      {"softplus_beta", [](const V& a) { return torch::softplus(a[0], 2, 1); }},
      {"log_sigmoid", [](const V& a) { return torch::log_sigmoid(a[0]); }},
  };
  xgrad_test::run_reference_group("activation", table);
}

TEST_CASE("softmax and log_softmax match PyTorch") {
  xgrad_test::OpTable table = {
      {"softmax_dim0", [](const V& a) { return torch::softmax(a[0], 0); }},
      {"softmax_dim1", [](const V& a) { return torch::softmax(a[0], 1); }},
      {"softmax_dim_last", [](const V& a) { return torch::softmax(a[0], -1); }},
      {"log_softmax_dim0", [](const V& a) { return torch::log_softmax(a[0], 0); }},
      {"log_softmax_dim1", [](const V& a) { return torch::log_softmax(a[0], 1); }},
      {"log_softmax_dim_last", [](const V& a) { return torch::log_softmax(a[0], -1); }},
      {"log_softmax_wide", [](const V& a) { return torch::log_softmax(a[0], 1); }},
  };
  xgrad_test::run_reference_group("softmax", table);
}

TEST_CASE("softmax edge cases follow PyTorch") {
  // A slice that is all -inf gives nan; a single -inf is fine and gets gradient 0.
  auto all_neg_inf = torch::tensor({-INFINITY, -INFINITY});
  CHECK(std::isnan(torch::softmax(all_neg_inf, 0)[0].item<float>()));
  CHECK(std::isnan(torch::log_softmax(all_neg_inf, 0)[1].item<float>()));
  CHECK(std::isnan(torch::softmax(torch::tensor({INFINITY, 0.0f, 1.0f}), 0)[1].item<float>()));
  auto x = torch::tensor({-INFINITY, 0.0f, 1.0f}, torch::requires_grad());
  auto y = torch::log_softmax(x, 0);
  CHECK(y[0].item<float>() == -INFINITY);
  y[1].backward();
  CHECK(x.grad()[0].item<float>() == 0.0f);
  // Large logits do not overflow.
  auto big = torch::log_softmax(torch::tensor({1000.0f, -1000.0f}), 0);
  CHECK(big[0].item<float>() == 0.0f);
  CHECK(big[1].item<float>() == -2000.0f);
  // Integer input is refused with PyTorch's message; a 0-d input is one element.
  CHECK_THROWS_WITH(torch::softmax(torch::tensor({1, 2}), 0), "\"softmax_lastdim_kernel_impl\" not implemented for 'Long'");
  CHECK(torch::softmax(torch::tensor(3.0f), 0).item<float>() == 1.0f);
}

TEST_CASE("log_sigmoid and softplus are stable at the extremes") {
  auto x = torch::tensor({-1000.0, 1000.0, 0.0}, torch::kDouble);
  auto ls = torch::log_sigmoid(x);
  CHECK(ls[0].item<double>() == -1000.0);
  CHECK(ls[1].item<double>() == 0.0);
  CHECK(ls[2].item<double>() == Approx(-0.6931471805599453));
  auto sp = torch::softplus(torch::tensor({20.0, 20.0001}, torch::kDouble));
  CHECK(sp[0].item<double>() - 20 == Approx(2.0611536181902037e-09));  // threshold is strict
  CHECK(sp[1].item<double>() == 20.0001);
}

TEST_CASE("double backward through the activations") {
  using torch::autograd::gradgradcheck;
  auto x = xgrad_test::test_values({3, 4});
  for (auto fn : std::vector<std::function<Tensor(const V&)>>{
           [](const V& a) { return torch::sigmoid(a[0]); }, [](const V& a) { return torch::tanh(a[0]); },
           [](const V& a) { return torch::log_softmax(a[0], 1); }, [](const V& a) { return torch::softmax(a[0], 0); },
           [](const V& a) { return torch::softplus(a[0]); }, [](const V& a) { return torch::log_sigmoid(a[0]); }}) {
    CHECK(gradgradcheck(fn, {x}));
  }
}
