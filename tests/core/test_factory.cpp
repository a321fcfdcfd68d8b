// test_factory.cpp: src/core/factory.cpp: dtypes inferred as PyTorch infers them, values, and
// memory the caller owns.
#include <catch2/catch.hpp>

#include <xgrad/torch.hpp>

TEST_CASE("torch::tensor infers dtypes as Python does") {
  CHECK(torch::tensor({1.5, 2.5}).scalar_type() == torch::kFloat);
  CHECK(torch::tensor({1, 2}).scalar_type() == torch::kLong);
  CHECK(torch::tensor({true, false}).scalar_type() == torch::kBool);
  CHECK(torch::tensor(3.5).scalar_type() == torch::kFloat);
  CHECK(torch::tensor(3.5).dim() == 0);
  CHECK(torch::tensor(std::vector<double>{1, 2}).scalar_type() == torch::kFloat);
  CHECK(torch::tensor(std::vector<int64_t>{1, 2}).scalar_type() == torch::kLong);
  CHECK(torch::tensor({1.5, 2.5}, torch::kDouble).scalar_type() == torch::kDouble);
  auto nested = torch::tensor({{1, 2, 3}, {4, 5, 6}});
  CHECK(nested.sizes() == torch::IntArrayRef({2, 3}));
  CHECK(nested[1][2].item<int64_t>() == 6);
  CHECK_THROWS_AS(torch::tensor({{1, 2}, {3}}), torch::Error);
}

TEST_CASE("zeros, ones, full, empty and their _like forms") {
  CHECK(torch::zeros({2, 2}).sum().item<float>() == 0.0f);
  CHECK(torch::ones(3).sum().item<float>() == 3.0f);
  CHECK(torch::full({2}, 3).scalar_type() == torch::kLong);      // the value decides, as in Python
  CHECK(torch::full({2}, 3.5).scalar_type() == torch::kFloat);
  CHECK(torch::full({2}, true).scalar_type() == torch::kBool);
  CHECK(torch::empty({2, 3}).sizes() == torch::IntArrayRef({2, 3}));
  auto d = torch::ones({2}, torch::kDouble);
  CHECK(torch::zeros_like(d).scalar_type() == torch::kDouble);
  CHECK(torch::ones_like(d, torch::kFloat).scalar_type() == torch::kFloat);
  CHECK(torch::full_like(d, 2).equal(torch::full({2}, 2.0, torch::kDouble)));
  CHECK(torch::zeros({2}, torch::requires_grad()).requires_grad());
  CHECK_THROWS_WITH(torch::empty({-1, 2}), "Trying to create tensor with negative dimension -1: [-1, 2]");
}

TEST_CASE("arange, linspace and eye") {
  CHECK(torch::arange(5).equal(torch::tensor({0, 1, 2, 3, 4})));
  CHECK(torch::arange(5).scalar_type() == torch::kLong);
  CHECK(torch::arange(0.5, 3).equal(torch::tensor({0.5f, 1.5f, 2.5f})));
  CHECK(torch::arange(10, 0, -3).equal(torch::tensor({10, 7, 4, 1})));
  CHECK(torch::arange(1, 2, 0.25, torch::kDouble).numel() == 4);
  CHECK(torch::linspace(0, 1, 5).equal(torch::tensor({0.0f, 0.25f, 0.5f, 0.75f, 1.0f})));
  CHECK(torch::eye(2, 3).equal(torch::tensor({{1.0f, 0.0f, 0.0f}, {0.0f, 1.0f, 0.0f}})));
  CHECK_THROWS_AS(torch::arange(0, 1, 0), torch::Error);
}

TEST_CASE("from_blob wraps memory without copying") {
  float data[6] = {1, 2, 3, 4, 5, 6};
  auto t = torch::from_blob(data, {2, 3});
  CHECK(t.data_ptr<float>() == data);
  data[4] = 50;
  CHECK(t[1][1].item<float>() == 50.0f);
  auto s = torch::from_blob(data, {3, 2}, {1, 3});  // a transposed view of the same memory
  CHECK(s[1][0].item<float>() == 2.0f);
  bool freed = false;
  {
    auto owned = torch::from_blob(new double[4]{1, 2, 3, 4}, {4}, [&](void* p) {
      delete[] static_cast<double*>(p);
      freed = true;
    }, torch::kDouble);
    CHECK(owned.sum().item<double>() == 10.0);
  }
  CHECK(freed);
}
