// test_distance.cpp: src/ops/norm.cpp and src/ops/distance.cpp (norm, pairwise_distance,
// cosine_similarity, bilinear, _trilinear) and their F:: and module forms, against
// tests/reference/distance.json (python3-torch): values, grad_fn names and graphs, create_graph
// gradients and second derivatives, float64 gradcheck and gradgradcheck, errors, printing and
// nn::Bilinear's initial draws.
#include <catch2/catch.hpp>

#include <sstream>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

using torch::Tensor;
using V = xgrad_test::Inputs;
namespace F = torch::nn::functional;

namespace {
void replay(const std::string& group, const xgrad_test::OpTable& table) {
  xgrad_test::run_reference_file("distance.json", group, table);
}

constexpr double kInf = std::numeric_limits<double>::infinity();
}  // namespace

TEST_CASE("norm: p-norms of all elements and over dims match PyTorch", "[distance]") {
  replay("norm", {
      {"norm", [](const V& a) { return torch::norm(a[0]); }},
      {"norm_p1", [](const V& a) { return a[0].norm(1); }},
      {"norm_p3", [](const V& a) { return a[0].norm(3); }},
      {"norm_p0", [](const V& a) { return a[0].norm(0); }},
      {"norm_inf", [](const V& a) { return a[0].norm(kInf); }},
      {"norm_dim", [](const V& a) { return a[0].norm(std::nullopt, {1}); }},
      {"norm_dim_keepdim", [](const V& a) { return a[0].norm(2, {0}, true); }},
      {"norm_p1_dim", [](const V& a) { return torch::norm(a[0], 1, {1}); }},
      {"norm_p3_dims", [](const V& a) { return a[0].norm(3, {0, 2}); }},
      {"norm_p1_5_dim", [](const V& a) { return a[0].norm(1.5, {-1}); }},
      {"norm_p0_5_dim_keepdim", [](const V& a) { return a[0].norm(0.5, {1}, true); }},
      {"norm_inf_dim", [](const V& a) { return a[0].norm(kInf, {1}); }},
      {"norm_neg_inf_dim", [](const V& a) { return a[0].norm(-kInf, {0}); }},
      {"norm_p0_dim", [](const V& a) { return a[0].norm(0, {1}); }},
      {"norm_double", [](const V& a) { return a[0].norm(2.5, {1}); }},
      {"norm_0d", [](const V& a) { return a[0].norm(); }},
  });
}

TEST_CASE("pairwise_distance matches PyTorch", "[distance]") {
  using O = F::PairwiseDistanceFuncOptions;
  replay("pairwise_distance", {
      {"pairwise_distance", [](const V& a) { return F::pairwise_distance(a[0], a[1]); }},
      {"pairwise_distance_p1", [](const V& a) { return F::pairwise_distance(a[0], a[1], O().p(1)); }},
      {"pairwise_distance_p3_keepdim", [](const V& a) { return F::pairwise_distance(a[0], a[1], O().p(3).keepdim(true)); }},
      {"pairwise_distance_eps", [](const V& a) { return F::pairwise_distance(a[0], a[1], O().eps(0.1)); }},
      {"pairwise_distance_inf", [](const V& a) { return F::pairwise_distance(a[0], a[1], O().p(kInf)); }},
      {"pairwise_distance_broadcast", [](const V& a) { return F::pairwise_distance(a[0], a[1]); }},
      {"pairwise_distance_3d", [](const V& a) { return torch::pairwise_distance(a[0], a[1]); }},
      {"pairwise_distance_1d", [](const V& a) { return F::pairwise_distance(a[0], a[1]); }},
      {"pairwise_distance_double", [](const V& a) { return F::pairwise_distance(a[0], a[1], O().p(1.5)); }},
      {"pairwise_distance_long", [](const V& a) { return F::pairwise_distance(a[0], a[1]); }},
      {"pairwise_distance_module",
       [](const V& a) { return torch::nn::PairwiseDistance(torch::nn::PairwiseDistanceOptions().p(1).eps(0.5).keepdim(true))(a[0], a[1]); }},
  });
}

TEST_CASE("cosine_similarity matches PyTorch", "[distance]") {
  using O = F::CosineSimilarityFuncOptions;
  replay("cosine_similarity", {
      {"cosine_similarity", [](const V& a) { return F::cosine_similarity(a[0], a[1]); }},
      {"cosine_similarity_dim0", [](const V& a) { return F::cosine_similarity(a[0], a[1], O().dim(0)); }},
      {"cosine_similarity_dim_last", [](const V& a) { return F::cosine_similarity(a[0], a[1], O().dim(-1)); }},
      {"cosine_similarity_broadcast", [](const V& a) { return torch::cosine_similarity(a[0], a[1]); }},
      {"cosine_similarity_1d", [](const V& a) { return F::cosine_similarity(a[0], a[1], O().dim(0)); }},
      {"cosine_similarity_double", [](const V& a) { return F::cosine_similarity(a[0], a[1]); }},
      {"cosine_similarity_module",
       [](const V& a) { return torch::nn::CosineSimilarity(torch::nn::CosineSimilarityOptions().dim(0).eps(1e-3))(a[0], a[1]); }},
  });
}

TEST_CASE("at their kinks norm, pairwise_distance and cosine_similarity give PyTorch's values and gradients",
          "[distance]") {
  // Zero vectors, ties of |x| and norms clamped at eps: PyTorch's gradient there is a choice
  // (central differences cannot confirm it), so values and first gradients are compared only.
  xgrad_test::OpTable table = {
      {"norm_zero_row", [](const V& a) { return a[0].norm(std::nullopt, {1}); }},
      {"norm_p3_zero_row", [](const V& a) { return a[0].norm(3, {1}); }},
      {"norm_p1_zero", [](const V& a) { return a[0].norm(1, {1}); }},
      {"norm_inf_tie", [](const V& a) { return a[0].norm(kInf, {1}); }},
      {"cosine_similarity_eps", [](const V& a) { return F::cosine_similarity(a[0], a[1], F::CosineSimilarityFuncOptions().eps(1.5)); }},
      {"cosine_similarity_zero", [](const V& a) { return F::cosine_similarity(a[0], a[1]); }},
      {"pairwise_distance_same", [](const V& a) { return F::pairwise_distance(a[0], a[1]); }},
  };
  size_t n = 0;
  for (const auto& c : xgrad_test::reference("distance.json").at("cases")) {
    if (c.at("group") != "kinks") continue;
    ++n;
    const std::string name = c.at("name");
    INFO("case " << name);
    auto it = table.find(name);
    REQUIRE(it != table.end());
    V inputs;
    for (const auto& j : c.at("inputs")) inputs.push_back(xgrad_test::decode(j).set_requires_grad(true));
    Tensor out = it->second.fn(inputs);
    CHECK_CLOSE(out, xgrad_test::decode(c.at("output")));
    REQUIRE(out.grad_fn());
    CHECK(out.grad_fn()->name() == c.at("grad_fn").get<std::string>());
    auto grads = torch::autograd::grad({out}, inputs, {xgrad_test::decode(c.at("upstream"))});
    for (size_t k = 0; k < inputs.size(); ++k) {
      INFO("gradient " << k);
      CHECK_CLOSE(grads[k], xgrad_test::decode(c.at("grads")[k]), 1e-5, 1e-5);
    }
  }
  CHECK(n == table.size());
}

TEST_CASE("bilinear and _trilinear match PyTorch", "[distance]") {
  replay("bilinear", {
      {"bilinear", [](const V& a) { return F::bilinear(a[0], a[1], a[2], a[3]); }},
      {"bilinear_no_bias", [](const V& a) { return F::bilinear(a[0], a[1], a[2]); }},
      {"bilinear_3d", [](const V& a) { return F::bilinear(a[0], a[1], a[2], a[3]); }},
      {"bilinear_1d", [](const V& a) { return torch::bilinear(a[0], a[1], a[2], a[3]); }},
      {"bilinear_double", [](const V& a) { return F::bilinear(a[0], a[1], a[2], a[3]); }},
      {"bilinear_one_out", [](const V& a) { return F::bilinear(a[0], a[1], a[2], a[3]); }},
      {"trilinear", [](const V& a) { return torch::_trilinear(a[0], a[1], a[2], {1, 3}, {0}, {1, 2}, {2, 3}); }},
  });
}

TEST_CASE("norm, distances and bilinear refuse bad input with PyTorch's errors", "[distance]") {
  Tensor x = torch::randn({3, 4}), w = torch::randn({2, 4, 3}), x1 = torch::randn({5, 4}), x2 = torch::randn({5, 3});
  Tensor li = torch::ones({2, 3}, torch::kLong);
  xgrad_test::ErrorCalls calls = {
      {"norm_long", [&] { torch::ones({3}, torch::kLong).norm(); }},
      {"norm_long_dim", [&] { torch::norm(torch::ones({3}, torch::kLong), std::nullopt, {0}); }},
      {"norm_dim_out_of_range", [&] { torch::norm(x, std::nullopt, {5}); }},
      {"norm_dim_repeated", [&] { torch::norm(x, std::nullopt, {0, 0}); }},
      {"pairwise_distance_shapes", [&] { F::pairwise_distance(x, torch::randn({2, 4})); }},
      {"cosine_similarity_long", [&] { F::cosine_similarity(li, li); }},
      {"cosine_similarity_shapes", [&] { F::cosine_similarity(x, torch::randn({2, 4})); }},
      {"cosine_similarity_dim", [&] { F::cosine_similarity(x, x, F::CosineSimilarityFuncOptions().dim(2)); }},
      {"bilinear_dims", [&] { F::bilinear(torch::randn({5, 4}), torch::randn({5, 2, 3}), w); }},
      {"bilinear_batch", [&] { F::bilinear(torch::randn({5, 4}), torch::randn({4, 3}), w); }},
      {"bilinear_weight_dim", [&] { F::bilinear(x1, x2, torch::randn({4, 3})); }},
      {"bilinear_in1", [&] { F::bilinear(torch::randn({5, 3}), x2, w); }},
      {"bilinear_in2", [&] { F::bilinear(x1, torch::randn({5, 4}), w); }},
      {"bilinear_bias", [&] { F::bilinear(x1, x2, w, torch::randn({3})); }},
  };
  xgrad_test::check_error_cases("distance.json", calls);
}

TEST_CASE("nn::Bilinear draws PyTorch's initial parameters and prints like libtorch", "[distance]") {
  const auto& init = xgrad_test::reference("distance.json").at("bilinear_init");
  torch::manual_seed(init.at("seed").get<uint64_t>());
  torch::nn::Bilinear m(3, 2, 4);
  CHECK(m->weight.equal(xgrad_test::decode(init.at("weight"))));
  CHECK(m->bias.equal(xgrad_test::decode(init.at("bias"))));
  CHECK(m->named_parameters().size() == 2);
  torch::nn::Bilinear no_bias(torch::nn::BilinearOptions(3, 2, 4).bias(false));
  CHECK(!no_bias->bias.defined());
  CHECK(no_bias->named_parameters().size() == 1);
  // libtorch's ModulesTest.Bilinear: shapes and the weight's gradient.
  torch::nn::Bilinear model(5, 3, 2);
  auto y = model(torch::randn({10, 5}, torch::requires_grad()), torch::randn({10, 3}, torch::requires_grad()));
  y.sum().backward();
  CHECK(y.sizes().vec() == std::vector<int64_t>{10, 2});
  CHECK(model->weight.grad().numel() == 2 * 5 * 3);
  CHECK(F::bilinear(torch::ones({1, 5}), torch::ones({1, 3}), model->weight, model->bias)
            .equal(model(torch::ones({1, 5}), torch::ones({1, 3}))));

  auto str = [](const auto& module) {
    std::ostringstream s;
    s << module;
    return s.str();
  };
  // The strings of libtorch's test/cpp/api/modules.cpp (PrettyPrint*).
  CHECK(str(torch::nn::Bilinear(3, 2, 4)) == "torch::nn::Bilinear(in1_features=3, in2_features=2, out_features=4, bias=true)");
  CHECK(str(torch::nn::Bilinear(torch::nn::BilinearOptions(3, 2, 4).bias(false))) ==
        "torch::nn::Bilinear(in1_features=3, in2_features=2, out_features=4, bias=false)");
  CHECK(str(torch::nn::CosineSimilarity()) == "torch::nn::CosineSimilarity(dim=1, eps=1e-08)");
  CHECK(str(torch::nn::CosineSimilarity(torch::nn::CosineSimilarityOptions().dim(0).eps(0.5))) ==
        "torch::nn::CosineSimilarity(dim=0, eps=0.5)");
  CHECK(str(torch::nn::PairwiseDistance()) == "torch::nn::PairwiseDistance(p=2, eps=1e-06, keepdim=false)");
  CHECK(str(torch::nn::PairwiseDistance(torch::nn::PairwiseDistanceOptions().p(3).eps(0.5).keepdim(true))) ==
        "torch::nn::PairwiseDistance(p=3, eps=0.5, keepdim=true)");
}
