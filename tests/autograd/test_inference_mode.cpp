// test_inference_mode.cpp: InferenceMode and inference tensors (Note [Inference tensors] in
// core/grad_mode.hpp): the guard's thread-local state, which tensors are inference tensors, which
// ops record, and PyTorch's refusals. The messages are PyTorch 1.13's (python3-torch printed them).
#include <catch2/catch.hpp>

#include <thread>
#include <vector>

#include <xgrad/torch.hpp>

using torch::Tensor;

TEST_CASE("InferenceMode turns grad mode off and nests, InferenceMode(false) turns it back", "[inference]") {
  CHECK_FALSE(c10::InferenceMode::is_enabled());
  CHECK(torch::GradMode::is_enabled());
  {
    torch::InferenceMode guard;
    CHECK(c10::InferenceMode::is_enabled());
    CHECK_FALSE(torch::GradMode::is_enabled());
    {
      c10::InferenceMode inner(false);
      CHECK_FALSE(c10::InferenceMode::is_enabled());
      CHECK(torch::GradMode::is_enabled());
    }
    CHECK(c10::InferenceMode::is_enabled());
    CHECK_FALSE(torch::GradMode::is_enabled());
    bool other_thread = true;
    std::thread([&] { other_thread = c10::InferenceMode::is_enabled(); }).join();
    CHECK_FALSE(other_thread);  // thread-local
  }
  {
    torch::NoGradGuard no_grad;  // as Python: inference_mode(False) inside no_grad enables grad
    c10::InferenceMode off(false);
    CHECK(torch::GradMode::is_enabled());
  }
  CHECK_FALSE(c10::InferenceMode::is_enabled());
  CHECK(torch::GradMode::is_enabled());
}

TEST_CASE("tensors made in inference mode are inference tensors; views follow their base", "[inference]") {
  Tensor s = torch::ones({2, 3}).set_requires_grad(true);
  Tensor a = s.clone();
  Tensor c, v, w, piece;
  std::vector<Tensor> pieces;
  {
    torch::InferenceMode guard;
    c = torch::ones({2, 3});
    CHECK(c.is_inference());
    CHECK((c * c).is_inference());
    CHECK(torch::randn({2}).is_inference());
    v = c.view({3, 2});  // a view of an inference tensor: inference, no view for autograd
    CHECK(v.is_inference());
    CHECK_FALSE(v.is_view());
    w = a.view({3, 2});  // a view of a normal tensor: normal, made in inference mode
    CHECK_FALSE(w.is_inference());
    CHECK(w.is_view());
    CHECK(w.requires_grad());
    CHECK(w.is_leaf());
    pieces = a.split_with_sizes({1, 1});
    a.mul_(2);  // allowed in inference mode, bumps the version
    CHECK(a._version() == 1);
    CHECK(w._version() == 1);
    CHECK(w.is_leaf());  // is_leaf reads grad_fn as it stands, as libtorch
  }
  CHECK_FALSE(s.is_inference());
  auto* meta = torch::autograd::get_view_autograd_meta(w);
  REQUIRE(meta != nullptr);
  CHECK(meta->get_creation_meta() == torch::autograd::CreationMeta::INFERENCE_MODE);
  for (const Tensor& p : pieces) {
    auto* m = torch::autograd::get_view_autograd_meta(p);
    REQUIRE(m != nullptr);
    CHECK(m->get_creation_meta() == torch::autograd::CreationMeta::INFERENCE_MODE);
    CHECK_THROWS_WITH(p.add_(1), Catch::Contains("A view was created in inference mode and is being modified inplace "
                                                 "in normal mode."));
  }
  CHECK_THROWS_WITH(w.grad_fn(), Catch::StartsWith("A view was created in inference mode and its base or another view "
                                                   "of its base has been modified inplace in normal mode."));
  // a view of an inference tensor made outside inference mode is one too
  Tensor v2 = c.view({6});
  CHECK(v2.is_inference());
  CHECK_FALSE(v2.requires_grad());
  CHECK(v2.is_leaf());
}

TEST_CASE("inference tensors: what autograd records with them and what it refuses", "[inference]") {
  Tensor s = torch::ones({2, 3}).set_requires_grad(true);
  Tensor c;
  {
    torch::InferenceMode guard;
    c = torch::full({2, 3}, 2.0).set_requires_grad(true);  // allowed inside
    CHECK(c.requires_grad());
    Tensor out = c * c;  // grad mode is off
    CHECK_FALSE(out.requires_grad());
    c.mul_(1);  // in place, inside: allowed
  }
  // alone, inference tensors never record
  Tensor alone = c * c;
  CHECK_FALSE(alone.is_inference());
  CHECK_FALSE(alone.requires_grad());
  // with a normal tensor they do, and a leaf inference tensor gets its gradient
  Tensor sum = c.add(s);
  CHECK(sum.requires_grad());
  REQUIRE(sum.grad_fn() != nullptr);
  CHECK(sum.grad_fn()->name() == "AddBackward0");
  sum.backward(torch::ones_like(sum));
  CHECK(torch::equal(c.grad(), torch::ones({2, 3})));
  // but they cannot be saved for backward
  CHECK_THROWS_WITH(c.mul(s), "Inference tensors cannot be saved for backward. To work around you can make a clone "
                              "to get a normal tensor and use it in autograd.");
  Tensor a = s.clone();
  CHECK_THROWS_WITH(a.mul_(c), Catch::StartsWith("Inference tensors cannot be saved for backward."));
  // and they are not written in place, nor made to require grad, outside inference mode
  const std::string inplace = "Inplace update to inference tensor outside InferenceMode is not allowed.You can make a "
                              "clone to get a normal tensor before doing inplace update.See "
                              "https://github.com/pytorch/rfcs/pull/17 for more details.";
  CHECK_THROWS_WITH(c.add_(1), inplace);
  CHECK_THROWS_WITH(c.copy_(s), inplace);
  CHECK_THROWS_WITH(c.zero_(), inplace);
  CHECK_THROWS_WITH(c.unsafeGetTensorImpl()->bump_version(), inplace);
  c.set_requires_grad(false);
  CHECK_THROWS_WITH(c.set_requires_grad(true),
                    "Setting requires_grad=True on inference tensor outside InferenceMode is not allowed.");
  CHECK_THROWS_WITH(c._version(), "Inference tensors do not track version counter.");
  CHECK_THROWS_WITH(c.unsafeGetTensorImpl()->version_counter().current_version(),
                    "Inference tensors do not track version counter.");
  // the workaround PyTorch suggests: a clone is a normal tensor
  Tensor d = c.clone();
  CHECK_FALSE(d.is_inference());
  d.add_(1);
  CHECK(d._version() == 1);
  // a normal tensor may take an inference tensor's values
  Tensor n = torch::zeros({2, 3});
  n.copy_(c);
  n.add_(c);
  CHECK(torch::equal(n, torch::full({2, 3}, 4.0)));
}

TEST_CASE("a view made in inference mode refuses in-place writes that autograd would record", "[inference]") {
  Tensor s = torch::ones({1, 2, 3}).set_requires_grad(true);
  Tensor b, c;
  {
    torch::InferenceMode guard;
    b = s.view_as(s);
  }
  CHECK_THROWS_WITH(b.add_(1), Catch::StartsWith("A view was created in inference mode and is being modified inplace "
                                                 "in normal mode."));
  {
    torch::NoGradGuard no_grad;
    c = b.view_as(b);  // the stricter CreationMeta carries on
  }
  CHECK_THROWS_WITH(c.add_(1), Catch::Contains("inference_mode block"));
  // without autograd the write is fine
  Tensor plain = torch::ones({2, 3});
  Tensor pv;
  {
    torch::InferenceMode guard;
    pv = plain.view({3, 2});
  }
  pv.mul_(3);
  CHECK(plain.sum().item<float>() == 18.0f);
}

TEST_CASE("an in-place write in inference mode is seen by a saved tensor", "[inference]") {
  Tensor s = torch::ones({2}).set_requires_grad(true);
  Tensor a = s.clone();
  Tensor out = a * a;
  {
    torch::InferenceMode guard;
    a.mul_(1);
  }
  CHECK_THROWS_WITH(out.backward(torch::ones_like(out)),
                    Catch::StartsWith("one of the variables needed for gradient computation has been modified by an "
                                      "inplace operation"));
}

TEST_CASE("AutoNonVariableTypeMode stops recording and warns that it is deprecated", "[inference]") {
  Tensor x = torch::ones({2}).set_requires_grad(true);
  {
    at::AutoNonVariableTypeMode guard;
    CHECK_FALSE((x * 2).requires_grad());
  }
  CHECK((x * 2).requires_grad());
}

TEST_CASE("split_with_sizes: pieces, gradient and PyTorch's errors", "[inference][shape]") {
  Tensor x = torch::arange(6, torch::kFloat).reshape({2, 3}).set_requires_grad(true);
  auto parts = x.split_with_sizes({1, 2}, 1);
  REQUIRE(parts.size() == 2);
  CHECK(parts[0].sizes() == torch::IntArrayRef({2, 1}));
  CHECK(parts[1].sizes() == torch::IntArrayRef({2, 2}));
  CHECK(parts[1][1][1].item<float>() == 5.0f);
  CHECK(parts[0].grad_fn()->name() == "SplitWithSizesBackward0");
  (parts[1] * 2).sum().backward();
  CHECK(torch::equal(x.grad(), torch::tensor({{0.f, 2.f, 2.f}, {0.f, 2.f, 2.f}})));
  CHECK_THROWS_WITH(torch::ones({2, 3}).split_with_sizes({1, 1}, 1),
                    "split_with_sizes expects split_sizes to sum exactly to 3 (input tensor's size at dimension 1), "
                    "but got split_sizes=[1, 1]");
  CHECK_THROWS_WITH(torch::ones({2, 3}).split_with_sizes({-1, 4}, 1),
                    "split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes=[-1, 4]");
}
