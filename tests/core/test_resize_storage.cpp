// test_resize_storage.cpp: Tensor::resize_, storage(), assignment to a temporary (x[0] = 1), the
// out= arithmetic (mul_out, ...) and moving modules and tensors to a device, each as PyTorch 1.13
// does it. The expected values are what python3-torch printed for the same calls (quoted beside
// each check).
#include <catch2/catch.hpp>

#include <limits>
#include <string>
#include <vector>

#include <xgrad/torch.hpp>

using torch::Tensor;

namespace {
struct Collect : c10::WarningHandler {
  std::vector<std::string> messages;
  void process(const c10::SourceLocation&, const std::string& msg, bool) override { messages.push_back(msg); }
};
std::vector<int64_t> vec(torch::IntArrayRef r) { return r.vec(); }
}  // namespace

TEST_CASE("resize_ to the same count keeps the values in storage order") {
  // x = torch.arange(6.).view(2, 3).t(); x.resize_(3, 2) -> same sizes: strides stay (1, 3)
  auto x = torch::arange(6.).view({2, 3}).t();
  CHECK(&x.resize_({3, 2}) == &x);
  CHECK(vec(x.strides()) == std::vector<int64_t>{1, 3});
  // x.resize_(2, 3) -> contiguous over the storage: [[0, 1, 2], [3, 4, 5]]
  x.resize_({2, 3});
  CHECK(vec(x.strides()) == std::vector<int64_t>{3, 1});
  CHECK(x.equal(torch::tensor({{0., 1., 2.}, {3., 4., 5.}})));
  // functional.cpp's pattern: linspace then resize_ to a cube
  auto y = torch::linspace(-10.0, 10.0, 27);
  y.resize_({3, 3, 3}).set_requires_grad(true);
  CHECK(y.requires_grad());
  CHECK(y[2][2][2].item<float>() == 10.0f);
}

TEST_CASE("resize_ grows the storage, keeps the old values and shares the new memory") {
  // x = torch.arange(6.); v = x.view(2, 3); v.resize_(3, 3) -> [[0,1,2],[3,4,5],[junk]]; x unchanged
  auto x = torch::arange(6.);
  auto v = x.view({2, 3});
  v.resize_({3, 3});
  CHECK(v.storage().nbytes() == 9 * sizeof(float));
  CHECK(v.slice(0, 0, 2).equal(torch::tensor({{0., 1., 2.}, {3., 4., 5.}})));
  CHECK(v[2].equal(torch::zeros({3})));  // xgrad's choice; PyTorch leaves them uninitialised
  CHECK(x.equal(torch::arange(6.)));      // x sees the new memory, with its values copied
  CHECK(x.data_ptr() == v.data_ptr());
  // a view with an offset grows from its offset: x = torch.zeros(6); x[2:].resize_(10) -> storage 12
  auto z = torch::zeros({6});
  auto tail = z.slice(0, 2);
  tail.resize_({10});
  CHECK(z.storage().nbytes() == 12 * sizeof(float));
  CHECK(z.sizes() == std::vector<int64_t>{6});
  // a small tensor (its bytes inside the Storage object) grows too
  auto small = torch::tensor({1, 2, 3}, torch::kInt8);
  small.resize_({100});
  CHECK(small.slice(0, 0, 3).equal(torch::tensor({1, 2, 3}, torch::kInt8)));
  CHECK(small.dtype() == torch::kInt8);
}

TEST_CASE("resize_ to fewer elements keeps the storage") {
  // c = torch.arange(4.); c.resize_(0); c.storage().size() == 4; c.resize_(4) -> [0, 1, 2, 3]
  auto c = torch::arange(4.);
  c.resize_({0});
  CHECK(c.numel() == 0);
  CHECK(c.storage().nbytes() == 4 * sizeof(float));
  c.resize_({4});
  CHECK(c.equal(torch::arange(4.)));
  c.resize_({2, 1});
  CHECK(c.equal(torch::tensor({{0.f}, {1.f}})));
  // a 0-d tensor and back: torch.tensor(3.).resize_([]) keeps it
  auto s = torch::tensor(3.0);
  s.resize_({});
  CHECK(s.dim() == 0);
  s.resize_({2});
  CHECK(s[0].item<float>() == 3.0f);
}

TEST_CASE("resize_ refuses what PyTorch refuses") {
  auto x = torch::zeros({3}, torch::requires_grad());
  CHECK_THROWS_WITH(x.resize_({4}), "cannot resize variables that require grad");
  {
    torch::NoGradGuard no_grad;  // still refused: the check is not about grad mode
    CHECK_THROWS_WITH(x.resize_({4}), "cannot resize variables that require grad");
  }
  CHECK_THROWS_WITH((x * 2).resize_({3}), "cannot resize variables that require grad");
  {
    torch::InferenceMode guard;  // InferenceMode skips autograd's check
    x.resize_({4});
  }
  CHECK(x.sizes() == std::vector<int64_t>{4});
  CHECK(x.detach().resize_({2}).sizes() == std::vector<int64_t>{2});

  // Memory the caller owns cannot grow, only shrink; the tensor stays as it was.
  std::vector<double> v = {1, 2, 3, 4};
  auto b = torch::from_blob(v.data(), {4}, torch::kFloat64);
  CHECK_THROWS_WITH(b.resize_({5}), "Trying to resize storage that is not resizable");
  CHECK(b.sizes() == std::vector<int64_t>{4});
  b.resize_({2});
  CHECK(b.equal(torch::tensor({1., 2.}, torch::kFloat64)));

  CHECK_THROWS_WITH(torch::zeros({2}).resize_({2, -1}), "Trying to create tensor with negative dimension -1: [2, -1]");
  CHECK_THROWS_WITH(torch::zeros({2}).resize_({int64_t{1} << 62, 4}), "numel: integer multiplication overflow");
  // An inference tensor may be resized outside InferenceMode (no version bump), as in PyTorch.
  Tensor it;
  {
    torch::InferenceMode guard;
    it = torch::zeros({2});
  }
  it.resize_({3});
  CHECK(it.numel() == 3);
}

TEST_CASE("resize_ does not count as a write") {
  auto x = torch::arange(6.);
  auto before = x._version();
  x.resize_({2, 3});
  CHECK(x._version() == before);
  auto y = torch::ones({2});
  y.resize_as_(torch::ones({3, 1}));
  CHECK(y.sizes() == std::vector<int64_t>{3, 1});
}

TEST_CASE("storage() is the memory a tensor views") {
  auto x = torch::arange(6.);
  auto v = x.slice(0, 2);
  CHECK(v.storage().data() == x.data_ptr());
  CHECK(v.storage().nbytes() == 6 * sizeof(float));
  CHECK(v.is_alias_of(x));
  CHECK_FALSE(x.clone().is_alias_of(x));
  // libtorch: memory it allocated has itself as context; from_blob without a deleter none.
  CHECK(x.storage().data_ptr().get_context() == x.data_ptr());
  std::vector<double> data = {1.0, 2.0, 3.0};
  auto b = torch::from_blob(data.data(), {3}, torch::kFloat64);
  CHECK(b.storage().data_ptr().get() == data.data());
  CHECK(b.storage().data_ptr().get_context() == nullptr);
  bool called = false;
  {
    auto d = torch::from_blob(data.data(), {3}, [&called](void*) { called = true; }, torch::kFloat64);
    CHECK(d.storage().data_ptr().get_context() != nullptr);
    CHECK_FALSE(d.storage().resizable());
  }
  CHECK(called);
  // rnn.cpp writes parameters through storage().data()
  auto w = torch::empty({2, 2});
  auto* p = static_cast<float*>(w.storage().data());
  for (int i = 0; i < 4; ++i) p[i] = static_cast<float>(i) / 4;
  CHECK(w.equal(torch::tensor({{0.f, 0.25f}, {0.5f, 0.75f}})));
}

TEST_CASE("storage() is a handle: copies share the memory, as c10::Storage's do") {
  auto x = torch::arange(6.);
  torch::Storage s = x.storage();  // a copy of the handle, not of the memory
  torch::Storage s2 = s;
  CHECK(s.data() == x.data_ptr());
  CHECK(s2.data() == s.data());
  CHECK(s.is_alias_of(s2));
  CHECK(s.is_alias_of(x.slice(0, 2).storage()));
  CHECK_FALSE(s.is_alias_of(x.clone().storage()));
  CHECK(s.use_count() >= 3);  // x, s and s2
  // A write through the handle's memory is the tensor's; a resize of the tensor is the handle's.
  static_cast<float*>(s2.data())[5] = 50.f;
  CHECK(x[5].item<float>() == 50.f);
  x.resize_({100});
  CHECK(s.nbytes() == 100 * sizeof(float));
  CHECK(s.data() == x.data_ptr());
  CHECK(static_cast<float*>(s.data())[5] == 50.f);
  // The memory lives while a handle holds it: from_blob's deleter runs when the last one goes.
  std::vector<float> data = {1.f, 2.f, 3.f};
  bool deleted = false;
  torch::Storage kept;
  CHECK_FALSE(kept);
  CHECK(kept.use_count() == 0);
  {
    auto d = torch::from_blob(data.data(), {3}, [&deleted](void*) { deleted = true; });
    kept = d.storage();
    CHECK(kept.unique() == false);
  }
  CHECK_FALSE(deleted);
  CHECK(kept);
  CHECK(kept.unique());
  CHECK(kept.data() == data.data());
  CHECK(kept.nbytes() == 3 * sizeof(float));
  kept = torch::Storage();
  CHECK(deleted);
}

TEST_CASE("assigning to a temporary writes into the tensor; to a name rebinds it") {
  auto expected = torch::empty({1, 2}, torch::kBool);
  expected[0][0] = true;
  expected[0][1] = false;
  CHECK(expected.equal(torch::tensor({{true, false}})));
  auto x = torch::zeros({2, 3});
  const auto v0 = x._version();
  x[1][2] = -std::numeric_limits<double>::infinity();
  x.index({0}) = 1.5;
  x.index({1, torch::indexing::Slice(0, 2)}) = torch::tensor({7.f, 8.f});
  CHECK(x.equal(torch::tensor({{1.5f, 1.5f, 1.5f}, {7.f, 8.f, -std::numeric_limits<float>::infinity()}})));
  CHECK(x._version() == v0 + 3);

  // a = b rebinds: nothing is copied, and c is untouched
  auto a = torch::zeros({2});
  auto b = torch::ones({2});
  auto c = a;
  a = b;
  CHECK(a.is_same(b));
  CHECK(c.equal(torch::zeros({2})));
  a = torch::full({3}, 2.0);  // a temporary on the right: still a rebind
  CHECK(a.numel() == 3);
  CHECK(b.equal(torch::ones({2})));
  Tensor moved = std::move(a);
  CHECK(moved.numel() == 3);

  // a temporary that requires grad: copy_ records into the graph as in libtorch
  auto leaf = torch::ones({3}, torch::requires_grad());
  auto y = torch::zeros({2, 3});
  y[0] = leaf * 2;
  CHECK(y.requires_grad());
  y.sum().backward();
  CHECK(leaf.grad().equal(torch::full({3}, 2.0)));
}

TEST_CASE("mul_out and friends write into out as PyTorch's out= does") {
  auto out = torch::zeros({2});
  auto v0 = out._version();
  auto& r = torch::mul_out(out, torch::ones({2}), torch::full({2}, 3.0));
  CHECK(&r == &out);
  CHECK(out.equal(torch::full({2}, 3.0)));
  CHECK(out._version() == v0 + 1);
  // torch.add(ones(2), ones(2), alpha=3, out=...) -> [4, 4]
  torch::add_out(out, torch::ones({2}), torch::ones({2}), 3);
  CHECK(out.equal(torch::full({2}, 4.0)));
  torch::sub_out(out, torch::ones({2}), torch::ones({2}), 2);
  CHECK(out.equal(torch::full({2}, -1.0)));
  torch::div_out(out, torch::ones({2}), torch::full({2}, 4.0));
  CHECK(out.equal(torch::full({2}, 0.25)));
  // a wider out dtype is fine: torch.mul(ones(2), ones(2), out=zeros(2, dtype=double))
  auto d = torch::zeros({2}, torch::kFloat64);
  torch::mul_out(d, torch::ones({2}), torch::ones({2}));
  CHECK(d.equal(torch::ones({2}, torch::kFloat64)));
  // out aliasing an input exactly: a * a[[2, 1, 0]] into a -> [0, 1, 0]
  auto a = torch::arange(3.);
  torch::mul_out(a, a, a.index_select(0, torch::tensor({2, 1, 0})));
  CHECK(a.equal(torch::tensor({0.f, 1.f, 0.f})));
  // a non-contiguous out of the right shape keeps its strides
  auto base = torch::zeros({4});
  auto strided = base.slice(0, 0, 4, 2);
  torch::mul_out(strided, torch::ones({2}), torch::full({2}, 3.0));
  CHECK(base.equal(torch::tensor({3.f, 0.f, 3.f, 0.f})));
}

TEST_CASE("out= resizes its output with PyTorch's warning") {
  Collect collect;
  c10::Warning::WarningHandlerGuard guard(&collect);
  auto out = torch::zeros({3});
  torch::mul_out(out, torch::ones({2}), torch::ones({2}));
  CHECK(out.equal(torch::ones({2})));
  REQUIRE(collect.messages.size() == 1);
  CHECK(collect.messages[0] ==
        "An output with one or more elements was resized since it had shape [3], which does not match the required "
        "output shape [2]. This behavior is deprecated, and in a future PyTorch release outputs will not be resized "
        "unless they have zero elements. You can explicitly reuse an out tensor t by resizing it, inplace, to zero "
        "elements with t.resize_(0).");
  auto empty = torch::zeros({0});
  torch::mul_out(empty, torch::ones({2, 2}), torch::ones({2}));
  CHECK(collect.messages.size() == 1);  // an empty out is resized silently
  CHECK(empty.equal(torch::ones({2, 2})));
}

TEST_CASE("out= refuses what PyTorch refuses") {
  auto s = torch::ones({2}, torch::requires_grad());
  auto c = torch::zeros({2});
  CHECK_THROWS_WITH(torch::mul_out(c, s, s),
                    "mul(): functions with out=... arguments don't support automatic differentiation, but one of the "
                    "arguments requires grad.");
  CHECK_THROWS_WITH(torch::add_out(c, s, c), Catch::StartsWith("add(): functions with out=..."));
  auto o = torch::zeros({2}, torch::requires_grad());
  CHECK_THROWS_WITH(torch::div_out(o, c, c), Catch::StartsWith("div(): functions with out=..."));
  {
    torch::NoGradGuard no_grad;
    torch::mul_out(c, s, s);
  }
  CHECK(c.equal(torch::ones({2})));
  auto l = torch::zeros({2}, torch::kLong);
  CHECK_THROWS_WITH(torch::mul_out(l, torch::ones({2}), torch::ones({2})),
                    "result type Float can't be cast to the desired output type Long");
  CHECK_THROWS_WITH(torch::div_out(l, torch::ones({2}, torch::kLong), torch::ones({2}, torch::kLong)),
                    "result type Float can't be cast to the desired output type Long");
  auto b = torch::arange(4.);
  auto shifted = b.slice(0, 1);
  CHECK_THROWS_WITH(torch::mul_out(shifted, b.slice(0, 0, 3), torch::full({3}, 2.0)),
                    "unsupported operation: some elements of the input tensor and the written-to tensor refer to a "
                    "single memory location. Please clone() the tensor before performing the operation.");
  // inference_mode.cpp: an inference tensor written outside InferenceMode
  Tensor inf;
  {
    torch::InferenceMode guard;
    inf = torch::ones({1, 2, 3});
  }
  auto n = torch::ones({1, 2, 3});
  CHECK_THROWS_WITH(torch::mul_out(inf, n, n), Catch::StartsWith("Inplace update to inference tensor outside InferenceMode"));
  CHECK(inf.equal(torch::ones({1, 2, 3})));
}

TEST_CASE("modules and tensors move to the CPU, and refuse CUDA") {
  torch::nn::Linear model(2, 3);
  auto w = model->weight;
  model->to(torch::kCPU);
  model->to(torch::Device("cpu"));
  CHECK(model->weight.is_same(w));
  model->to(torch::Device(torch::kCPU), torch::kFloat64);
  CHECK(model->weight.dtype() == torch::kFloat64);
  CHECK_THROWS_WITH(model->to(torch::kCUDA), "Torch not compiled with CUDA enabled");
  auto x = torch::ones({2});
  CHECK(x.to(torch::kCPU).is_same(x));
  CHECK(x.to(torch::Device("cpu")).is_same(x));
  CHECK(x.to(torch::Device("cpu"), torch::kFloat64).dtype() == torch::kFloat64);
  CHECK_THROWS_WITH(x.to(torch::kCUDA), "Torch not compiled with CUDA enabled");
}

// Note [Keeping freed large blocks] (src/core/storage.cpp): a freed block of 128 KiB or more is
// kept and serves the next tensor of its size, so a training step does not fault in fresh pages.
TEST_CASE("a freed large block serves the next tensor of its size, with its own contents") {
  const int64_t n = int64_t{1} << 16;  // 256 KiB of float
  const void* first = nullptr;
  {
    auto a = torch::full({n}, 1.0f);
    first = a.data_ptr();
  }
  auto b = torch::empty({n});
  CHECK(b.data_ptr() == first);
  b.fill_(2.0f);
  auto c = torch::zeros({n});  // a second block of the same size: not b's
  CHECK(c.data_ptr() != b.data_ptr());
  CHECK(c.sum().item<float>() == 0.0f);
  CHECK(b.sum().item<float>() == 2.0f * static_cast<float>(n));
  // resize_ releases its old block through the same path.
  auto d = torch::full({n}, 3.0f);
  const void* old = d.data_ptr();
  d.resize_({2 * n});
  CHECK(d.data_ptr() != old);
  CHECK(d.slice(0, 0, n).sum().item<float>() == 3.0f * static_cast<float>(n));
  auto e = torch::empty({n});
  CHECK(e.data_ptr() == old);
  // More than the cache keeps (64 MiB) comes and goes without harm.
  std::vector<torch::Tensor> many;
  for (int i = 0; i < 80; ++i) many.push_back(torch::full({int64_t{1} << 18}, static_cast<float>(i)));
  many.clear();
  for (int i = 0; i < 80; ++i) many.push_back(torch::full({int64_t{1} << 18}, static_cast<float>(i)));
  for (int i = 0; i < 80; ++i) CHECK(many[static_cast<size_t>(i)][7].item<float>() == static_cast<float>(i));
}
