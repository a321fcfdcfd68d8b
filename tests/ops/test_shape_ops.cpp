// test_shape_ops.cpp: src/ops/shape_ops.cpp against PyTorch, plus storage sharing and errors.
#include <catch2/catch.hpp>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

using torch::Tensor;
using V = xgrad_test::Inputs;

TEST_CASE("views and joins match PyTorch") {
  xgrad_test::OpTable table = {
      {"view", [](const V& a) { return a[0].view({4, 6}); }},
      {"view_infer", [](const V& a) { return a[0].view({-1, 4}); }},
      {"reshape", [](const V& a) { return a[0].reshape({6, 4}); }},
      {"reshape_copy", [](const V& a) { return a[0].t().reshape({6}); }},
      {"flatten", [](const V& a) { return a[0].flatten(); }},
      {"flatten_range", [](const V& a) { return a[0].flatten(1); }},
      {"t", [](const V& a) { return a[0].t(); }},
      {"transpose", [](const V& a) { return a[0].transpose(0, 2); }},
      {"permute", [](const V& a) { return a[0].permute({2, 0, 1}); }},
      {"slice", [](const V& a) { return a[0].slice(1, 1); }},
      {"slice_step", [](const V& a) { return a[0].slice(1, std::nullopt, std::nullopt, 2); }},
      {"narrow", [](const V& a) { return a[0].narrow(2, 1, 2); }},
      {"select", [](const V& a) { return a[0].select(1, 2); }},
      {"index0", [](const V& a) { return a[0][1]; }},
      {"squeeze", [](const V& a) { return a[0].unsqueeze(1).squeeze(); }},
      {"squeeze_dim", [](const V& a) { return a[0].unsqueeze(0).squeeze(0); }},
      {"unsqueeze", [](const V& a) { return a[0].unsqueeze(1); }},
      {"expand", [](const V& a) { return a[0].expand({4, 2, 3}); }},
      {"expand_singleton", [](const V& a) { return a[0].expand({3, 5}); }},
      {"contiguous", [](const V& a) { return a[0].t().contiguous(); }},
      {"cat", [](const V& a) { return torch::cat({a[0], a[1]}, 1); }},
      {"stack", [](const V& a) { return torch::stack({a[0], a[1]}, 1); }},
      {"unbind", [](const V& a) { return a[0].unbind(1)[2] * 2 + a[0].unbind(1)[0]; }},
      {"split", [](const V& a) { return a[0].split(2, 1)[1]; }},
      {"chunk", [](const V& a) { return a[0].chunk(2, 0)[1]; }},
  };
  xgrad_test::run_reference_group("shape_ops", table);
}

TEST_CASE("views share storage, reshape copies only when it must") {
  auto x = torch::arange(6.0).reshape({2, 3});
  auto v = x.view({3, 2});
  CHECK(v.data_ptr() == x.data_ptr());
  v.mul_(2);
  CHECK(x[1][2].item<float>() == 10.0f);
  auto t = x.t();
  CHECK(!t.is_contiguous());
  CHECK(t.data_ptr() == x.data_ptr());
  CHECK(t.contiguous().is_contiguous());
  CHECK(t.reshape({6}).data_ptr() != x.data_ptr());  // not viewable: a copy
  CHECK(x.reshape({3, 2}).data_ptr() == x.data_ptr());
  CHECK(x.slice(1, 1).data_ptr() == static_cast<float*>(x.data_ptr()) + 1);
  CHECK(x.expand({4, 2, 3}).stride(0) == 0);
  CHECK(x.flatten(0, 0).is_same(x));
  CHECK(x.contiguous().is_same(x));
}

TEST_CASE("shape errors carry PyTorch's messages") {
  auto x = torch::ones({2, 3});
  CHECK_THROWS_WITH(x.view({4}), "shape '[4]' is invalid for input of size 6");
  CHECK_THROWS_WITH(x.t().view({6}),
                    "view size is not compatible with input tensor's size and stride (at least one dimension spans "
                    "across two contiguous subspaces). Use .reshape(...) instead.");
  CHECK_THROWS_WITH(x.transpose(0, 5), "Dimension out of range (expected to be in range of [-2, 1], but got 5)");
  CHECK_THROWS_WITH(x.expand({3, 3}),
                    "The expanded size of the tensor (3) must match the existing size (2) at non-singleton dimension "
                    "0.  Target sizes: [3, 3].  Tensor sizes: [2, 3]");
  CHECK_THROWS_AS(x[2], torch::IndexError);
  CHECK_THROWS_WITH(x[2], "index 2 is out of bounds for dimension 0 with size 2");
  CHECK_THROWS_WITH(x.permute({0, 0}), "permute(): duplicate dims are not allowed.");
  CHECK_THROWS_WITH(torch::cat({torch::ones({2, 3}), torch::ones({3, 2})}),
                    "Sizes of tensors must match except in dimension 0. Expected size 3 but got size 2 for tensor "
                    "number 1 in the list.");
  CHECK_THROWS_WITH(torch::stack({torch::ones({2, 3}), torch::ones({3, 2})}),
                    "stack expects each tensor to be equal size, but got [2, 3] at entry 0 and [3, 2] at entry 1");
  CHECK_THROWS_WITH(torch::ones({3}).narrow(0, 2, 2), "start (2) + length (2) exceeds dimension size (3).");
  CHECK_THROWS_WITH(x.reshape({5}), "shape '[5]' is invalid for input of size 6");
}

TEST_CASE("repeat tiles a tensor and sums the tiles' gradients, as PyTorch") {
  auto x = torch::tensor({{1.0f, 2.0f}, {3.0f, 4.0f}}, torch::requires_grad());
  auto y = x.repeat({2, 1, 3});
  CHECK(y.sizes().vec() == std::vector<int64_t>{2, 2, 6});
  CHECK(y.grad_fn()->name() == "RepeatBackward0");
  CHECK(y.select(0, 1).equal(torch::tensor({{1.0f, 2.0f, 1.0f, 2.0f, 1.0f, 2.0f}, {3.0f, 4.0f, 3.0f, 4.0f, 3.0f, 4.0f}})));
  y.backward(torch::arange(24, torch::kFloat).view({2, 2, 6}));
  CHECK(x.grad().equal(torch::tensor({{48.0f, 54.0f}, {84.0f, 90.0f}})));  // python3-torch's numbers
  CHECK(x.repeat({0, 2}).sizes().vec() == std::vector<int64_t>{0, 4});
  CHECK_THROWS_WITH(x.repeat({2}),
                    "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor");
  CHECK_THROWS_WITH(x.repeat({2, -1}), "Trying to create tensor with negative dimension -2: [4, -2]");
  auto d = torch::tensor({0.5, -1.5, 2.0}, torch::dtype(torch::kDouble).requires_grad(true));
  CHECK(torch::autograd::gradcheck([](const std::vector<torch::Tensor>& a) { return a[0].repeat({2, 2}); }, {d}));
}
