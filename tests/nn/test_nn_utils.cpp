// test_nn_utils.cpp: torch::nn::utils' gradient clipping and parameter vectors against PyTorch's
// numbers (tests/reference/nn_utils.json, from make_nn_utils_reference.py). Packed sequences:
// test_rnn_packed.cpp.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "support/reference.hpp"

using namespace xgrad;
using xgrad_test::decode;
using xgrad_test::reference;
using nlohmann::json;

namespace {
std::vector<Tensor> params_with_grads(const json& grads) {
  std::vector<Tensor> params;
  for (const json& g : grads) {
    if (g.is_null()) {
      params.push_back(zeros({4}, requires_grad()));
      continue;
    }
    Tensor grad = decode(g);
    Tensor p = zeros(grad.sizes(), requires_grad());
    p.mutable_grad() = grad.clone();
    params.push_back(p);
  }
  return params;
}
}  // namespace

TEST_CASE("clip_grad_norm_ matches PyTorch for every norm type", "[nn][utils]") {
  for (const json& c : reference("nn_utils.json")["clip_grad_norm"]) {
    SECTION(c["name"].get<std::string>()) {
      std::vector<Tensor> params = params_with_grads(c["grads"]);
      const double norm_type = std::stod(c["norm_type"].get<std::string>());  // "inf" parses too
      const double max_norm = c.contains("max_norm") ? c["max_norm"].get<double>() : 2.0;
      const double total = nn::utils::clip_grad_norm_(params, max_norm, norm_type);
      CHECK(total == Approx(c["total"].get<double>()).epsilon(1e-6).margin(1e-12));
      for (size_t i = 0; i < params.size(); ++i) {
        if (c["clipped"][i].is_null()) {
          CHECK_FALSE(params[i].grad().defined());
        } else {
          CHECK_CLOSE(params[i].grad(), decode(c["clipped"][i]), 1e-6, 1e-9);
        }
      }
    }
  }
}

TEST_CASE("clip_grad_norm_: single tensors, no gradients, non-finite norms", "[nn][utils]") {
  Tensor p1 = randn({3, 3}), p2 = randn({3, 3});
  p1.mutable_grad() = arange(1., 10.).view({3, 3});
  p2.mutable_grad() = arange(1., 10.).view({3, 3});
  const double a = nn::utils::clip_grad_norm_(p1, 2.0, 1.5);
  const double b = nn::utils::clip_grad_norm_({p2}, 2.0, 1.5);
  CHECK(a == b);
  CHECK(p1.grad().equal(p2.grad()));
  CHECK(nn::utils::clip_grad_norm_(std::vector<Tensor>{randn({2})}, 1.0) == 0.0);

  Tensor p = ones({3}, requires_grad());
  p.mutable_grad() = tensor({1.0f, std::numeric_limits<float>::infinity(), 2.0f});
  CHECK_THROWS_WITH(nn::utils::clip_grad_norm_({p}, 1.0, 2.0, true),
                    reference("nn_utils.json")["nonfinite_error"].get<std::string>());
  CHECK(std::isinf(p.grad()[1].item<float>()));  // left as it was
  CHECK(p.grad()[0].item<float>() == 1.0f);
  CHECK(std::isinf(nn::utils::clip_grad_norm_({p}, 1.0)));  // without the flag: scaled by 1/inf
}

TEST_CASE("clip_grad_value_ matches PyTorch", "[nn][utils]") {
  const json& c = reference("nn_utils.json")["clip_grad_value"];
  std::vector<Tensor> params = params_with_grads(c["grads"]);
  nn::utils::clip_grad_value_(params, 2.5);
  for (size_t i = 0; i < params.size(); ++i) CHECK_CLOSE(params[i].grad(), decode(c["clipped"][i]), 0.0, 0.0);
  Tensor p1 = randn({2}), p2 = randn({2});
  p1.mutable_grad() = tensor({-4.0f, 1.0f});
  p2.mutable_grad() = tensor({-4.0f, 1.0f});
  nn::utils::clip_grad_value_(p1, 2.0);
  nn::utils::clip_grad_value_({p2}, 2.0);
  CHECK(p1.grad().equal(tensor({-2.0f, 1.0f})));
  CHECK(p2.grad().equal(p1.grad()));
}

TEST_CASE("parameters_to_vector and vector_to_parameters", "[nn][utils]") {
  const json& c = reference("nn_utils.json")["parameters_to_vector"];
  Tensor a = decode(c["a"]).set_requires_grad(true), b = decode(c["b"]).set_requires_grad(true);
  Tensor vec = nn::utils::parameters_to_vector({a, b});
  CHECK(vec.grad_fn()->name() == c["grad_fn"].get<std::string>());
  CHECK_CLOSE(vec, decode(c["vec"]), 0.0, 0.0);
  (vec * arange(10.0)).sum().backward();
  CHECK_CLOSE(a.grad(), decode(c["a_grad"]), 0.0, 0.0);
  CHECK_CLOSE(b.grad(), decode(c["b_grad"]), 0.0, 0.0);

  Tensor flat = arange(0., 10.);
  nn::utils::vector_to_parameters(flat, {a, b});
  CHECK(a.sizes() == IntArrayRef{2, 3});
  CHECK(a.equal(arange(0., 6.).view({2, 3})));
  CHECK(b.equal(arange(6., 10.)));
  CHECK(a.requires_grad());
  CHECK_THROWS_AS(nn::utils::vector_to_parameters(arange(0., 8.), {a, b}), Error);
}
