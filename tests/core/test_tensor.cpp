// test_tensor.cpp: the Tensor handle: metadata, element access, conversions, and the issue's
// first example against PyTorch's output.
#include <catch2/catch.hpp>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

TEST_CASE("the first example gives PyTorch's value, gradient and printout") {
  // Python (torch 1.13):
  //   x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
  //   y = (x * x + torch.sigmoid(x)).sum(); y.backward()
  //   y -> tensor(7.0222, grad_fn=<SumBackward0>), y.item() 7.022197723388672
  //   x.grad -> tensor([ 1.2350, -1.8034,  4.1050]), tolist() [1.2350037, -1.8033881, 4.1049938]
  auto x = torch::tensor({0.5, -1.0, 2.0}, torch::requires_grad());
  auto y = (x * x + torch::sigmoid(x)).sum();
  y.backward();
  CHECK(fmt::format("{}", y) == "tensor(7.0222, grad_fn=<SumBackward0>)");
  CHECK(fmt::format("{}", x.grad()) == "tensor([ 1.2350, -1.8034,  4.1050])");
  CHECK(y.item<float>() == Approx(7.022197723388672).epsilon(1e-6));
  CHECK_CLOSE(x.grad(), torch::tensor({1.2350037097930908f, -1.8033881187438965f, 4.10499382019043f}));
}

TEST_CASE("metadata and element access") {
  auto t = torch::zeros({2, 3, 4});
  CHECK(t.dim() == 3);
  CHECK(t.numel() == 24);
  CHECK(t.size(-1) == 4);
  CHECK(t.sizes() == torch::IntArrayRef({2, 3, 4}));
  CHECK(t.strides() == torch::IntArrayRef({12, 4, 1}));
  CHECK(t.scalar_type() == torch::kFloat32);
  CHECK(t.dtype() == torch::kFloat);
  CHECK(t.is_contiguous());
  CHECK(t.defined());
  CHECK_FALSE(torch::Tensor().defined());
  CHECK(torch::tensor(2.5).item<double>() == 2.5);
  CHECK(torch::tensor(7).item<int64_t>() == 7);
  CHECK(torch::tensor(true).item<bool>());
  CHECK(torch::tensor(3.0).item().toDouble() == 3.0);
  CHECK_THROWS_AS(t.item<float>(), torch::ValueError);
  CHECK_THROWS_WITH(t.item<float>(), "only one element tensors can be converted to Python scalars");
  CHECK_THROWS_WITH(t.data_ptr<double>(), "expected scalar type Double but found Float");
  CHECK_THROWS_AS(t.size(3), torch::IndexError);
  float* p = t.data_ptr<float>();
  p[5] = 4.0f;
  CHECK(t[0][1][1].item<float>() == 4.0f);
}

TEST_CASE("conversions between dtypes") {
  auto x = torch::tensor({1.7, -2.2, 0.0});
  CHECK(x.to(torch::kLong).equal(torch::tensor({1, -2, 0})));
  CHECK(x.to(torch::kBool).equal(torch::tensor({true, true, false})));
  CHECK(x.to(torch::kDouble).scalar_type() == torch::kDouble);
  CHECK(x.to(torch::kFloat).is_same(x));  // already float32: no copy
  CHECK_FALSE(x.to(torch::kFloat, false, /*copy=*/true).is_same(x));
  CHECK(x.to(torch::dtype(torch::kDouble)).scalar_type() == torch::kDouble);
}

TEST_CASE("requires_grad flags follow PyTorch") {
  auto x = torch::ones({2});
  CHECK_FALSE(x.requires_grad());
  x.requires_grad_();
  CHECK(x.requires_grad());
  CHECK(x.is_leaf());
  auto y = x * 2;
  CHECK(y.requires_grad());
  CHECK_FALSE(y.is_leaf());
  CHECK_THROWS_AS(y.requires_grad_(false), torch::Error);
  x.set_requires_grad(false);
  CHECK_FALSE(x.requires_grad());

  // to() keeps requires_grad and records ToCopyBackward0 (Python: t.to(torch.double) of a t that
  // requires grad); TensorOptions asking for requires_grad is refused (libtorch's
  // TensorTest.ToOptionsWithRequiresGrad, with its generated wrapper's message).
  auto t = torch::empty({3, 4}, torch::requires_grad());
  CHECK(t.to(torch::kDouble).grad_fn()->name() == "ToCopyBackward0");
  CHECK_THROWS_WITH(t.to(torch::TensorOptions().requires_grad(true)),
                    "Operators taking TensorOptions cannot take a TensorOptions with options.requires_grad set as "
                    "true. This isn't implemented yet.");
  CHECK(t.to(torch::TensorOptions().requires_grad(false)).is_same(t));
  CHECK_FALSE(torch::empty({2}).to(torch::kDouble).requires_grad());
}

TEST_CASE("assigning to a temporary tensor writes into it, to a named one rebinds it (libtorch's operator=)") {
  // libtorch's ModulesTest.EmbeddingBagFromPretrained builds its input so: x[0] = t is x[0].copy_(t).
  auto input = torch::zeros({1, 2}, torch::kLong);
  input[0] = torch::tensor({1, 0});
  CHECK(input.equal(torch::tensor({{1, 0}})));
  auto weight = torch::tensor({{1., 2.3, 3.}, {4., 5.1, 6.3}});
  CHECK(torch::allclose(torch::nn::EmbeddingBag::from_pretrained(weight)(input), torch::tensor({{2.5, 3.7, 4.65}})));
  // A scalar fills; the source is converted to the destination's dtype and broadcast.
  auto x = torch::zeros({2, 3});
  x[1] = 5;
  x.select(1, 0) = torch::tensor(7);
  CHECK(x.equal(torch::tensor({{7., 0., 0.}, {7., 5., 5.}})));
  // The write is recorded as any in-place op on a view is.
  auto leaf = torch::zeros({2, 2}, torch::requires_grad());
  auto y = leaf * 1;
  auto v = torch::ones({2}, torch::requires_grad());
  y[0] = v;
  CHECK(y.grad_fn()->name() == "CopySlices");
  y.sum().backward();
  CHECK(v.grad().equal(torch::ones({2})));
  CHECK(leaf.grad().equal(torch::tensor({{0., 0.}, {1., 1.}})));
  // A named tensor is a handle: assigning rebinds it and leaves the old data alone.
  auto a = torch::zeros({2});
  auto b = a;
  auto c = torch::ones({2});
  b = c;
  CHECK(a.equal(torch::zeros({2})));
  CHECK(b.is_same(c));
  b = std::move(c);
  CHECK(b.equal(torch::ones({2})));
}
