// test_views_inplace.cpp: autograd through views and in-place ops (Note [Views and in-place ops] in
// autograd_meta.hpp): requires_grad of views, retain_grad and hooks across in-place ops, a long
// chain of CopySlices, and custom functions that write or return views (mark_dirty, TensorList
// arguments). The indexing side of the same machinery is tests/ops/test_tensor_indexing.cpp.
#include <catch2/catch.hpp>

#include <vector>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

using torch::Tensor;
using namespace torch::indexing;

TEST_CASE("a view of a tensor that requires grad requires grad, also made under no_grad", "[views]") {
  // libtorch's GradModeTest.TestRequiresGradViewOp and TestRequiresGradViewOpExiting.
  for (bool requires_grad : {true, false}) {
    Tensor c = torch::ones({1, 2, 3}).set_requires_grad(requires_grad);
    Tensor view_out;
    {
      torch::NoGradGuard no_grad;
      view_out = c.view({2, 3});
    }
    CHECK(view_out.requires_grad() == requires_grad);
    CHECK(view_out.is_leaf());
    auto* meta = torch::autograd::get_view_autograd_meta(view_out);
    REQUIRE(meta != nullptr);
    CHECK(meta->get_creation_meta() == torch::autograd::CreationMeta::NO_GRAD_MODE);
    Tensor tmp = view_out * view_out;
    CHECK(tmp.requires_grad() == requires_grad);
    if (requires_grad) {
      tmp.backward(torch::ones_like(tmp));
      CHECK_FALSE(view_out.grad().defined());  // no edge from a view made under no_grad (PyTorch #11390)
      CHECK_FALSE(c.grad().defined());
    }
    // A view of that view keeps the stricter CreationMeta.
    Tensor again = view_out.view({6});
    CHECK(torch::autograd::get_view_autograd_meta(again)->get_creation_meta() ==
          torch::autograd::CreationMeta::NO_GRAD_MODE);
  }
}

TEST_CASE("retain_grad and hooks follow a tensor through in-place ops", "[views]") {
  // libtorch's CustomAutogradTest.HooksInplaceWithRetainsGrad and its Twice variant.
  for (int times : {1, 2}) {
    Tensor a = torch::ones({5, 5}, torch::requires_grad()).clone();
    const double scale = times == 1 ? 2 : 4;
    int hook1 = 0, hook2 = 0, hook3 = 0;
    a.register_hook([&](const Tensor& g) {
      ++hook1;
      CHECK(g.equal(torch::ones({5, 5}) * scale));
    });
    a.retain_grad();
    a.register_hook([&](const Tensor& g) {
      ++hook2;
      CHECK(g.equal(torch::ones({5, 5}) * scale));
    });
    for (int i = 0; i < times; ++i) a.mul_(2);
    a.register_hook([&](const Tensor& g) {
      ++hook3;
      CHECK(g.equal(torch::ones({5, 5})));
    });
    (a + 1).sum().backward();
    CHECK(hook1 == 1);
    CHECK(hook2 == 1);
    CHECK(hook3 == 1);
    CHECK(a.retains_grad());
    CHECK(a.grad().equal(torch::ones({5, 5})));
  }

  // Python: b = x.clone(); v = b[:2]; v.retain_grad(); b.mul_(3); (v * [1, 2]).sum().backward()
  //         -> v.grad == [1, 2] (retain_grad moved to v's rebuilt grad_fn), x.grad == [3, 6, 0]
  Tensor x = torch::ones({3}, torch::requires_grad());
  Tensor b = x.clone(), v = b.index({Slice(None, 2)});
  v.retain_grad();
  b.mul_(3);
  (v * torch::tensor({1.f, 2.f})).sum().backward();
  CHECK(v.grad().equal(torch::tensor({1.f, 2.f})));
  CHECK(x.grad().equal(torch::tensor({3.f, 6.f, 0.f})));
}


TEST_CASE("a long chain of in-place ops on views is freed without deep recursion", "[views]") {
  Tensor x = torch::zeros({4}, torch::requires_grad());
  Tensor b = x.clone();
  for (int i = 0; i < 50000; ++i) b[i % 4].add_(1);
  b.sum().backward();
  CHECK(x.grad().equal(torch::ones({4})));
  Tensor c = x.clone();
  for (int i = 0; i < 50000; ++i) c[i % 4].add_(1);
  c = Tensor();  // the graph goes without being run
  SUCCEED();
}

namespace {
struct DoubleInPlace : torch::autograd::Function<DoubleInPlace> {
  static Tensor forward(torch::autograd::AutogradContext* ctx, Tensor x) {
    x.mul_(2);
    ctx->mark_dirty({x});
    return x;
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext*, torch::autograd::variable_list g) {
    return {g[0] * 3};
  }
};
struct ReturnsInput : torch::autograd::Function<ReturnsInput> {
  static Tensor forward(torch::autograd::AutogradContext*, Tensor x) { return x; }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext*, torch::autograd::variable_list g) {
    return {g[0] * 3};
  }
};
}  // namespace

TEST_CASE("custom functions: dirty views rebase their base, returned views refuse in-place ops", "[views]") {
  // Python: b = a.clone(); v = b[:2]; out = F.apply(v) (F: x.mul_(2), mark_dirty(x), backward g * 3)
  //         -> out is v, b.grad_fn CopySlices, out.grad_fn AsStridedBackward0, b = [2, 2, 1];
  //         b.sum().backward() -> a.grad = [3, 3, 1]
  Tensor a = torch::ones({3}, torch::requires_grad());
  Tensor b = a.clone(), v = b.index({Slice(None, 2)});
  const uint32_t version = b._version();
  Tensor out = DoubleInPlace::apply(v);
  CHECK(out.is_same(v));
  CHECK(b._version() > version + 1);  // forward's mul_, then mark_dirty's bump
  CHECK(b.grad_fn()->name() == "CopySlices");
  CHECK(out.grad_fn()->name() == "AsStridedBackward0");
  CHECK(b.equal(torch::tensor({2.f, 2.f, 1.f})));
  b.sum().backward();
  CHECK(a.grad().equal(torch::tensor({3.f, 3.f, 1.f})));

  // Python: out = G.apply(b) (G returns its input) -> out._base is b, grad_fn GBackward;
  //         out.mul_(2) -> "Output 0 of GBackward is a view and is being modified inplace. ..."
  Tensor c = a.clone();
  Tensor same = ReturnsInput::apply(c);
  CHECK(same.is_view());
  CHECK(same._base().is_same(c));
  CHECK(same.grad_fn()->name() == "ReturnsInputBackward");
  CHECK_THROWS_WITH(same.mul_(2),
                    "Output 0 of ReturnsInputBackward is a view and is being modified inplace. This view was created "
                    "inside a custom Function (or because an input was returned as-is) and the autograd logic to "
                    "handle view+inplace would override the custom backward associated with the custom Function, "
                    "leading to incorrect gradients. This behavior is forbidden. You can fix this by cloning the "
                    "output of the custom Function.");
}

namespace {
struct SumOfList : torch::autograd::Function<SumOfList> {
  static Tensor forward(torch::autograd::AutogradContext*, torch::TensorList tensors) {
    return tensors[0] + tensors[1] * 2;
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext*, torch::autograd::variable_list g) {
    return {g[0], g[0] * 2};
  }
};
}  // namespace

TEST_CASE("custom functions take a TensorList argument as its tensors", "[views]") {
  // libtorch's CustomAutogradTest.CustomFunctionWithTensorList passes its inputs as a TensorList.
  Tensor x = torch::randn({2}, torch::requires_grad()), y = torch::randn({2}, torch::requires_grad());
  std::vector<Tensor> list = {x, y};
  SumOfList::apply(torch::TensorList(list)).sum().backward();
  CHECK(x.grad().equal(torch::ones({2})));
  CHECK(y.grad().equal(torch::full({2}, 2.f)));
}
