// test_embedding.cpp: src/ops/embedding.cpp and nn::Embedding / nn::EmbeddingBag against PyTorch
// (embedding.json): values, gradients, grad_fn names and float64 gradchecks of F::embedding and
// F::embedding_bag in every mode, max_norm's renormalisation, initialisation after a seed,
// printing, from_pretrained, and PyTorch's messages for bad input.
#include <catch2/catch.hpp>

#include <sstream>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

using torch::Tensor;
using V = xgrad_test::Inputs;
namespace F = torch::nn::functional;
namespace nn = torch::nn;

namespace {
template <class M>
std::string printed(const M& m) {
  std::ostringstream s;
  s << m;
  return s.str();
}
}  // namespace

TEST_CASE("F::embedding matches PyTorch") {
  auto plain = [](const V& a) { return F::embedding(a[1], a[0]); };
  xgrad_test::OpTable table = {
      {"embedding_2d_indices", plain},
      {"embedding_int32", plain},
      {"embedding_padding_idx", [](const V& a) { return F::embedding(a[1], a[0], F::EmbeddingFuncOptions().padding_idx(2)); }},
      {"embedding_padding_idx_negative",
       [](const V& a) { return F::embedding(a[1], a[0], F::EmbeddingFuncOptions().padding_idx(-1)); }},
      {"embedding_scale_grad_by_freq",
       [](const V& a) { return F::embedding(a[1], a[0], F::EmbeddingFuncOptions().scale_grad_by_freq(true)); }},
      {"embedding_freq_and_padding",
       [](const V& a) {
         return F::embedding(a[1], a[0], F::EmbeddingFuncOptions().padding_idx(0).scale_grad_by_freq(true));
       }},
      {"embedding_scalar_index", plain},
      {"embedding_float64", [](const V& a) { return torch::embedding(a[0], a[1]); }},
      {"embedding_empty_indices", plain},
  };
  xgrad_test::run_reference_group("embedding", table, "embedding.json");
}

TEST_CASE("F::embedding_bag matches PyTorch in every mode") {
  using Mode = nn::EmbeddingBagMode;
  auto bag = [](Mode mode) {
    return [mode](const V& a) { return F::embedding_bag(a[1], a[0], F::EmbeddingBagFuncOptions().offsets(a[2]).mode(mode)); };
  };
  auto padded = [](Mode mode) {
    return [mode](const V& a) {
      return F::embedding_bag(a[1], a[0], F::EmbeddingBagFuncOptions().offsets(a[2]).mode(mode).padding_idx(4));
    };
  };
  auto last = [](Mode mode) {
    return [mode](const V& a) {
      return F::embedding_bag(a[1], a[0], F::EmbeddingBagFuncOptions().offsets(a[2]).mode(mode).include_last_offset(true));
    };
  };
  auto two_d = [](Mode mode) { return [mode](const V& a) { return F::embedding_bag(a[1], a[0], F::EmbeddingBagFuncOptions().mode(mode)); }; };
  xgrad_test::OpTable table = {
      {"bag_sum", bag(torch::kSum)},
      {"bag_mean", bag(torch::kMean)},
      {"bag_max", bag(torch::kMax)},
      {"bag_sum_padding_idx", padded(torch::kSum)},
      {"bag_mean_padding_idx", padded(torch::kMean)},
      {"bag_max_padding_idx", padded(torch::kMax)},
      {"bag_sum_include_last_offset", last(torch::kSum)},
      {"bag_mean_include_last_offset", last(torch::kMean)},
      {"bag_sum_2d", two_d(torch::kSum)},
      {"bag_mean_2d", [](const V& a) { return F::embedding_bag(a[1], a[0]); }},
      {"bag_max_2d", two_d(torch::kMax)},
      {"bag_sum_per_sample_weights",
       [](const V& a) {
         return F::embedding_bag(a[1], a[0],
                                 F::EmbeddingBagFuncOptions().offsets(a[2]).mode(torch::kSum).per_sample_weights(a[3]));
       }},
      {"bag_sum_per_sample_weights_padding",
       [](const V& a) {
         return F::embedding_bag(
             a[1], a[0], F::EmbeddingBagFuncOptions().offsets(a[2]).mode(torch::kSum).per_sample_weights(a[3]).padding_idx(2));
       }},
      {"bag_sum_per_sample_weights_2d",
       [](const V& a) {
         return F::embedding_bag(a[1], a[0], F::EmbeddingBagFuncOptions().mode(torch::kSum).per_sample_weights(a[2]));
       }},
      {"bag_mean_scale_grad_by_freq",
       [](const V& a) {
         return F::embedding_bag(a[1], a[0], F::EmbeddingBagFuncOptions().offsets(a[2]).scale_grad_by_freq(true));
       }},
      {"bag_sum_scale_grad_by_freq",
       [](const V& a) {
         return F::embedding_bag(a[1], a[0],
                                 F::EmbeddingBagFuncOptions().offsets(a[2]).mode(torch::kSum).scale_grad_by_freq(true));
       }},
      {"bag_max_float64", [](const V& a) { return std::get<0>(torch::embedding_bag(a[0], a[1], a[2], false, 2)); }},
  };
  xgrad_test::run_reference_group("embedding_bag", table, "embedding.json");
}

TEST_CASE("embedding_bag's other outputs are ATen's bag bookkeeping") {
  auto w = torch::randn({5, 3});
  auto [out, offset2bag, bag_size, max_indices] =
      torch::embedding_bag(w, torch::tensor({1, 2, 3}), torch::tensor({0, 1, 1}), false, 2);
  CHECK(offset2bag.equal(torch::tensor({0, 2, 2})));
  CHECK(bag_size.equal(torch::tensor({1, 0, 2})));
  CHECK(max_indices.sizes() == torch::IntArrayRef({3, 3}));
  CHECK(out.select(0, 1).equal(torch::zeros({3})));
  auto mean = torch::embedding_bag(w, torch::tensor({1, 2, 3}), torch::tensor({0, 1, 1}), false, 1);
  CHECK(std::get<3>(mean).equal(torch::tensor({1, 0, 2})));
}

TEST_CASE("max_norm renormalises the rows looked up in place as PyTorch") {
  for (const auto& c : xgrad_test::reference("embedding.json").at("renorm")) {
    const std::string name = c.at("name");
    INFO(name);
    Tensor w = xgrad_test::decode(c.at("weight"));
    Tensor i = xgrad_test::decode(c.at("indices"));
    const double max_norm = c.at("max_norm"), norm_type = c.at("norm_type");
    Tensor out = name == "embedding_bag_max_norm"
                     ? F::embedding_bag(i, w, F::EmbeddingBagFuncOptions().offsets(torch::tensor({0, 2})).max_norm(max_norm))
                     : F::embedding(i, w, F::EmbeddingFuncOptions().max_norm(max_norm).norm_type(norm_type));
    CHECK_CLOSE(out, xgrad_test::decode(c.at("output")));
    CHECK_CLOSE(w, xgrad_test::decode(c.at("weight_after")));
  }
  // The renormalisation happens without a graph, also on a weight that requires grad.
  nn::Embedding emb(nn::EmbeddingOptions(4, 3).max_norm(0.5));
  auto y = emb(torch::tensor({1, 1, 2}));
  CHECK(y.grad_fn()->name() == "EmbeddingBackward0");
  CHECK(emb->weight.select(0, 1).norm().item<double>() <= 0.5 + 1e-6);
  CHECK(emb->weight.grad_fn() == nullptr);
}

TEST_CASE("Embedding and EmbeddingBag start from PyTorch's draws") {
  const std::map<std::string, std::function<Tensor()>> table = {
      {"Embedding(10, 3)", [] { return nn::Embedding(10, 3)->weight; }},
      {"Embedding(6, 4, padding_idx=-2)", [] { return nn::Embedding(nn::EmbeddingOptions(6, 4).padding_idx(-2))->weight; }},
      {"EmbeddingBag(5, 2, mode='max', padding_idx=1)",
       [] { return nn::EmbeddingBag(nn::EmbeddingBagOptions(5, 2).mode(torch::kMax).padding_idx(1))->weight; }},
  };
  size_t seen = 0;
  for (const auto& c : xgrad_test::reference("embedding.json").at("modules")) {
    const std::string name = c.at("name");
    INFO(name);
    REQUIRE(table.count(name) == 1);
    ++seen;
    torch::manual_seed(c.at("seed").get<uint64_t>());
    CHECK(table.at(name)().equal(xgrad_test::decode(c.at("weight"))));
  }
  CHECK(seen == table.size());
  nn::Embedding e(nn::EmbeddingOptions(6, 4).padding_idx(-2));
  CHECK(*e->options.padding_idx() == 4);
  CHECK(e->named_parameters().contains("weight"));
  CHECK(e->weight.requires_grad());
}

TEST_CASE("Embedding and EmbeddingBag print as libtorch prints them") {
  CHECK(printed(nn::Embedding(nn::EmbeddingOptions(10, 2))) == "torch::nn::Embedding(num_embeddings=10, embedding_dim=2)");
  CHECK(printed(nn::Embedding(nn::EmbeddingOptions(10, 2).padding_idx(3).max_norm(2))) ==
        "torch::nn::Embedding(num_embeddings=10, embedding_dim=2, padding_idx=3, max_norm=2)");
  CHECK(printed(nn::Embedding(
            nn::EmbeddingOptions(10, 2).padding_idx(3).max_norm(2).norm_type(2.5).scale_grad_by_freq(true).sparse(true))) ==
        "torch::nn::Embedding(num_embeddings=10, embedding_dim=2, padding_idx=3, max_norm=2, norm_type=2.5, "
        "scale_grad_by_freq=true, sparse=true)");
  CHECK(printed(nn::EmbeddingBag(nn::EmbeddingBagOptions(10, 2))) ==
        "torch::nn::EmbeddingBag(num_embeddings=10, embedding_dim=2)");
  CHECK(printed(nn::EmbeddingBag(nn::EmbeddingBagOptions(10, 2)
                                     .max_norm(2)
                                     .norm_type(2.5)
                                     .scale_grad_by_freq(true)
                                     .sparse(true)
                                     .mode(torch::kSum)
                                     .padding_idx(5))) ==
        "torch::nn::EmbeddingBag(num_embeddings=10, embedding_dim=2, max_norm=2, norm_type=2.5, "
        "scale_grad_by_freq=true, sparse=true, mode=kSum, padding_idx=5)");
  CHECK(printed(nn::EmbeddingBag(nn::EmbeddingBagOptions(10, 2).mode(torch::kMax).include_last_offset(true))) ==
        "torch::nn::EmbeddingBag(num_embeddings=10, embedding_dim=2, mode=kMax, include_last_offset=true)");
}

TEST_CASE("from_pretrained takes the weight as it is and freezes it unless told") {
  auto weight = torch::tensor({{1., 2.3, 3.}, {4., 5.1, 6.3}});
  auto emb = nn::Embedding::from_pretrained(weight);
  CHECK(emb(torch::tensor({1})).equal(torch::tensor({{4.0, 5.1, 6.3}})));
  CHECK_FALSE(emb->weight.requires_grad());
  CHECK(emb(torch::tensor({1})).grad_fn() == nullptr);
  auto trained = nn::Embedding::from_pretrained(weight.clone(), nn::EmbeddingFromPretrainedOptions().freeze(false).padding_idx(0));
  CHECK(trained->weight.requires_grad());
  auto y = trained(torch::tensor({0, 1, 0}));
  y.sum().backward();
  CHECK(trained->weight.grad().equal(torch::tensor({{0., 0., 0.}, {1., 1., 1.}})));
  auto bag = nn::EmbeddingBag::from_pretrained(weight);
  CHECK(torch::allclose(bag(torch::tensor({{1, 0}})), torch::tensor({{2.5, 3.7, 4.65}})));
  auto summed = nn::EmbeddingBag::from_pretrained(weight, nn::EmbeddingBagFromPretrainedOptions().mode(torch::kSum));
  CHECK(torch::allclose(summed(torch::tensor({1, 0, 1}), torch::tensor({0, 1})),
                        torch::tensor({{4., 5.1, 6.3}, {5., 7.4, 9.3}})));
  CHECK_THROWS_WITH(nn::Embedding::from_pretrained(torch::ones({3})), "Embeddings parameter is expected to be 2-dimensional");
}

TEST_CASE("embedding's gradient is differentiable again") {
  auto w = xgrad_test::test_values({5, 3});
  auto idx = torch::tensor({{0, 4, 4}, {2, 0, 1}});
  CHECK(torch::autograd::gradgradcheck([&](const V& a) { return F::embedding(idx, a[0]); }, {w}));
  CHECK(torch::autograd::gradgradcheck(
      [&](const V& a) {
        return F::embedding_bag(idx, a[0], F::EmbeddingBagFuncOptions().mode(torch::kSum).per_sample_weights(a[1]));
      },
      {w, xgrad_test::test_values({2, 3}, 1.0)}));
}

TEST_CASE("embedding refuses what PyTorch refuses") {
  auto w = torch::randn({5, 3}, torch::requires_grad());
  CHECK_THROWS_AS(F::embedding(torch::tensor({5}), w), torch::IndexError);
  CHECK_THROWS_WITH(F::embedding(torch::tensor({5}), w), "index out of range in self");
  CHECK_THROWS_WITH(F::embedding(torch::tensor({-1}), w), "index out of range in self");
  CHECK_THROWS_WITH(F::embedding(torch::tensor({1.0}), w),
                    "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; "
                    "but got torch.FloatTensor instead (while checking arguments for embedding)");
  CHECK_THROWS_WITH(torch::embedding(w[0], torch::tensor({1})), "'weight' must be 2-D");
  CHECK_THROWS_WITH(F::embedding(torch::tensor({1}), w, F::EmbeddingFuncOptions().padding_idx(5)),
                    "Padding_idx must be within num_embeddings");
  CHECK_THROWS_WITH(F::embedding(torch::tensor({1}), w, F::EmbeddingFuncOptions().padding_idx(-6)),
                    "Padding_idx must be within num_embeddings");
  CHECK_THROWS_WITH(nn::Embedding(nn::EmbeddingOptions(5, 2).padding_idx(7)), "Padding_idx must be within num_embeddings");
  CHECK_THROWS_WITH(nn::Embedding(nn::EmbeddingOptions(5, 2)._weight(torch::ones({4, 2}))),
                    "Shape of weight does not match num_embeddings and embedding_dim");
  // xgrad has no sparse tensors: a sparse gradient is refused, clearly.
  nn::Embedding sparse(nn::EmbeddingOptions(5, 2).sparse(true));
  CHECK_THROWS_AS(sparse(torch::tensor({1})), torch::NotImplementedError);
  CHECK_THROWS_WITH(sparse(torch::tensor({1})), Catch::Contains("sparse=true"));
}

TEST_CASE("embedding_bag refuses what PyTorch refuses") {
  auto w = torch::randn({5, 3}, torch::requires_grad());
  auto i = torch::tensor({1, 2}), o = torch::tensor({0, 1});
  using O = F::EmbeddingBagFuncOptions;
  CHECK_THROWS_WITH(F::embedding_bag(torch::tensor({1, 7}), w, O().offsets(o)),
                    "embedding_bag: Expected idx >= 0 && idx < num_embeddings but found idx to be 7");
  CHECK_THROWS_WITH(F::embedding_bag(torch::tensor({1.0, 2.0}), w, O().offsets(o)),
                    "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; "
                    "but got torch.FloatTensor instead (while checking arguments for embedding_bag)");
  CHECK_THROWS_AS(F::embedding_bag(i, w, O().offsets(o).mode(torch::kMax).scale_grad_by_freq(true)), torch::ValueError);
  CHECK_THROWS_WITH(F::embedding_bag(i, w, O().offsets(o).mode(torch::kMax).scale_grad_by_freq(true)),
                    "max mode does not support scaling the gradient by the frequency");
  CHECK_THROWS_AS(F::embedding_bag(i, w, O().offsets(o).per_sample_weights(torch::ones({2}))), torch::NotImplementedError);
  CHECK_THROWS_WITH(F::embedding_bag(i, w, O().offsets(o).per_sample_weights(torch::ones({2}))),
                    "embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for "
                    "mode='sum' (got mode='mean'). Please open a feature request on GitHub.");
  CHECK_THROWS_WITH(F::embedding_bag(i, w, O().offsets(o).mode(torch::kSum).per_sample_weights(torch::ones({3}))),
                    "embedding_bag: If per_sample_weights ([3]) is not None, then it must have the same shape as the "
                    "input ([2])");
  CHECK_THROWS_WITH(
      F::embedding_bag(i, w, O().offsets(o).mode(torch::kSum).per_sample_weights(torch::ones({2}, torch::kDouble))),
      "Expected tensor for argument #1 'weight' to have the same type as tensor for argument #1 'per_sample_weights'; "
      "but type torch.FloatTensor does not equal torch.DoubleTensor (while checking arguments for embedding_bag)");
  CHECK_THROWS_WITH(F::embedding_bag(torch::tensor({{2, 2, 3}}), w, O().offsets(o)),
                    "if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length "
                    "sequences. However, found offsets of type <class 'torch.Tensor'>");
  CHECK_THROWS_WITH(F::embedding_bag(torch::ones({1, 1, 3}, torch::kLong), w),
                    "input has to be 1D or 2D Tensor, but got Tensor of dimension 3");
  CHECK_THROWS_WITH(F::embedding_bag(i, w), "offsets has to be a 1D Tensor but got None");
  CHECK_THROWS_WITH(F::embedding_bag(i, w, O().offsets(torch::tensor({0, 3}))), Catch::Contains("offsets"));
  CHECK_THROWS_AS(F::embedding_bag(i, w, O().offsets(o).sparse(true)), torch::NotImplementedError);
}
