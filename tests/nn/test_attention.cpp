// test_attention.cpp: src/nn/modules/attention.cpp and baddbmm/addbmm of src/ops/linalg.cpp
// against PyTorch (tests/reference/make_attention_reference.py): values, grad_fn names,
// gradients of every input (weights included) and float64 gradchecks; nn::MultiheadAttention's
// parameters after manual_seed, its outputs, printing and PyTorch's errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

namespace nn = torch::nn;
namespace F = torch::nn::functional;
using torch::Tensor;
using V = xgrad_test::Inputs;

TEST_CASE("baddbmm and addbmm match PyTorch") {
  xgrad_test::OpTable table = {
      {"baddbmm", [](const V& a) { return torch::baddbmm(a[0], a[1], a[2]); }},
      {"baddbmm_beta_alpha_broadcast", [](const V& a) { return torch::baddbmm(a[0], a[1], a[2], 0.5, -2); }},
      {"baddbmm_beta0", [](const V& a) { return torch::baddbmm(a[0], a[1], a[2], 0); }},
      {"baddbmm_transposed",
       [](const V& a) { return a[0].baddbmm(a[1].transpose(1, 2), a[2].transpose(1, 2), 1, 3); }},
      {"baddbmm_", [](const V& a) { return a[0].clone().baddbmm_(a[1], a[2], 2, 0.5); }},
      {"addbmm", [](const V& a) { return torch::addbmm(a[0], a[1], a[2]); }},
      {"addbmm_beta_alpha_broadcast", [](const V& a) { return torch::addbmm(a[0], a[1], a[2], -1.5, 0.25); }},
      {"addbmm_method_transposed", [](const V& a) { return a[0].addbmm(a[1], a[2].transpose(1, 2)); }},
      {"addbmm_", [](const V& a) { return a[0].clone().addbmm_(a[1], a[2], 0.5, 2); }},
  };
  xgrad_test::run_reference_group("baddbmm", table, "attention.json");
}

TEST_CASE("baddbmm and addbmm: beta 0 ignores NaN, integers, errors as PyTorch's") {
  auto nan3 = torch::full({2, 3, 4}, std::nan(""));
  CHECK(torch::baddbmm(nan3, torch::ones({2, 3, 5}), torch::ones({2, 5, 4}), 0).equal(torch::full({2, 3, 4}, 5.0)));
  CHECK(torch::addbmm(torch::full({3, 4}, std::nan("")), torch::ones({2, 3, 5}), torch::ones({2, 5, 4}), 0)
            .equal(torch::full({3, 4}, 10.0)));
  auto i3 = torch::arange(6).reshape({1, 2, 3});
  CHECK(torch::baddbmm(torch::ones({1, 2, 2}, torch::kLong), i3, i3.transpose(1, 2), 2, 1)
            .equal(torch::tensor({{{7, 16}, {16, 52}}})));
  CHECK(torch::addbmm(torch::zeros({3, 4}), torch::zeros({0, 3, 5}), torch::zeros({0, 5, 4}))
            .equal(torch::zeros({3, 4})));
  // an empty inner dim: beta * self; a product large enough to be split into blocks; int64
  CHECK(torch::baddbmm(torch::ones({2, 3, 4}), torch::zeros({2, 3, 0}), torch::zeros({2, 0, 4}), 2)
            .equal(torch::full({2, 3, 4}, 2.0)));
  torch::manual_seed(0);
  auto c = torch::randn({3, 130, 150}), a = torch::randn({3, 130, 140}), b = torch::randn({3, 140, 150});
  CHECK_CLOSE(torch::baddbmm(c, a, b, 0.5, 2), 0.5 * c + 2 * torch::bmm(a, b), 1e-5, 1e-4);
  CHECK_CLOSE(torch::addbmm(c[0], a, b, 0.5, 2), 0.5 * c[0] + 2 * torch::bmm(a, b).sum(0), 1e-5, 1e-4);
  auto z = [](std::vector<int64_t> s, torch::Dtype d = torch::kFloat) { return torch::zeros(s, d); };
  CHECK_THROWS_WITH(torch::baddbmm(z({3}), z({2, 3, 5}), z({2, 5, 4})),
                    "The expanded size of the tensor (4) must match the existing size (3) at non-singleton dimension "
                    "2.  Target sizes: [2, 3, 4].  Tensor sizes: [3]");
  CHECK_THROWS_AS(torch::baddbmm(z({2, 3, 4}), z({2, 3, 5}), z({5, 4})), torch::IndexError);
  CHECK_THROWS_WITH(torch::baddbmm(z({2, 3, 4}), z({2, 3, 5}), z({3, 5, 4})),
                    "Expected size for first two dimensions of batch2 tensor to be: [2, 5] but got: [3, 5].");
  CHECK_THROWS_WITH(torch::baddbmm(z({2, 3, 4}, torch::kDouble), z({2, 3, 5}), z({2, 5, 4})),
                    "expected scalar type Double but found Float");
  CHECK_THROWS_WITH(torch::baddbmm(z({2, 3, 4}), z({2, 3, 5}), z({2, 5, 4}, torch::kDouble)),
                    "expected scalar type Float but found Double");
  CHECK_THROWS_WITH(torch::baddbmm(z({2, 3, 4}, torch::kBool), z({2, 3, 5}, torch::kBool), z({2, 5, 4}, torch::kBool)),
                    "\"baddbmm\" not implemented for 'Bool'");
  CHECK_THROWS_WITH(torch::addbmm(z({3, 4}), z({2, 3, 5}), z({3, 5, 4})),
                    "batch1 and batch2 must have same number of batches, got 2 and 3");
  CHECK_THROWS_WITH(torch::addbmm(z({3, 4}), z({2, 3, 5}), z({2, 6, 4})), "Incompatible matrix sizes for bmm (3x5 and 6x4)");
  CHECK_THROWS_WITH(torch::addbmm(z({3, 4}, torch::kDouble), z({2, 3, 5}), z({2, 5, 4})),
                    "self and mat2 must have the same dtype");
  CHECK_THROWS_WITH(torch::addbmm(z({3, 4}), z({2, 3, 5}, torch::kDouble), z({2, 5, 4})),
                    "mat1 and mat2 must have the same dtype");
  CHECK_THROWS_WITH(torch::addbmm(z({3, 4}, torch::kBool), z({2, 3, 5}, torch::kBool), z({2, 5, 4}, torch::kBool)),
                    "\"addmm_impl_cpu_\" not implemented for 'Bool'");
  auto self = z({3, 4});
  CHECK_THROWS(self.baddbmm_(z({2, 3, 5}), z({2, 5, 4})));  // the result (2, 3, 4) does not fit self
}

namespace {

constexpr int64_t kE = 4, kH = 2;

/// Python's F.multi_head_attention_forward(q, k, v, E, H, w_in, b_in, bias_k, bias_v, zero_attn,
/// 0.0, w_out, b_out, training=False, ...): the options the reference script's mha() makes.
F::MultiheadAttentionForwardFuncOptions mha(const Tensor& w_in, const Tensor& b_in, const Tensor& w_out,
                                            const Tensor& b_out, const Tensor& bias_k = {}, const Tensor& bias_v = {},
                                            bool add_zero_attn = false) {
  return F::MultiheadAttentionForwardFuncOptions(kE, kH, w_in, b_in, bias_k, bias_v, add_zero_attn, 0.0, w_out, b_out)
      .training(false);
}

Tensor out(std::tuple<Tensor, Tensor> t) { return std::get<0>(t); }
Tensor weights(std::tuple<Tensor, Tensor> t) { return std::get<1>(t); }

}  // namespace

TEST_CASE("multi_head_attention_forward matches PyTorch") {
  xgrad_test::OpTable table = {
      {"self_attention", [](const V& a) { return out(F::multi_head_attention_forward(a[0], a[0], a[0], mha(a[1], a[2], a[3], a[4]))); }},
      {"self_attention_weights",
       [](const V& a) { return weights(F::multi_head_attention_forward(a[0], a[0], a[0], mha(a[1], a[2], a[3], a[4]))); }},
      {"encoder_decoder", [](const V& a) { return out(F::multi_head_attention_forward(a[0], a[1], a[1], mha(a[2], a[3], a[4], a[5]))); }},
      {"distinct_qkv", [](const V& a) { return out(F::multi_head_attention_forward(a[0], a[1], a[2], mha(a[3], a[4], a[5], a[6]))); }},
      {"distinct_qkv_weights",
       [](const V& a) { return weights(F::multi_head_attention_forward(a[0], a[1], a[2], mha(a[3], a[4], a[5], a[6]))); }},
      {"weights_per_head",
       [](const V& a) {
         return weights(F::multi_head_attention_forward(a[0], a[1], a[2],
                                                        mha(a[3], a[4], a[5], a[6]).average_attn_weights(false)));
       }},
      {"no_bias", [](const V& a) { return out(F::multi_head_attention_forward(a[0], a[1], a[2], mha(a[3], {}, a[4], {}))); }},
      {"bool_attn_mask",
       [](const V& a) {
         return out(F::multi_head_attention_forward(a[0], a[1], a[2], mha(a[3], a[4], a[5], a[6]).attn_mask(a[7])));
       }},
      {"float_attn_mask_3d",
       [](const V& a) {
         return out(F::multi_head_attention_forward(a[0], a[1], a[2], mha(a[3], a[4], a[5], a[6]).attn_mask(a[7])));
       }},
      {"key_padding_mask",
       [](const V& a) {
         return out(F::multi_head_attention_forward(a[0], a[1], a[2], mha(a[3], a[4], a[5], a[6]).key_padding_mask(a[7])));
       }},
      {"key_padding_and_float_mask",
       [](const V& a) {
         return out(F::multi_head_attention_forward(
             a[0], a[1], a[2], mha(a[3], a[4], a[5], a[6]).key_padding_mask(a[7]).attn_mask(a[8])));
       }},
      {"key_padding_and_bool_mask",
       [](const V& a) {
         return weights(F::multi_head_attention_forward(
             a[0], a[1], a[2], mha(a[3], a[4], a[5], a[6]).key_padding_mask(a[7]).attn_mask(a[8])));
       }},
      {"bias_kv_zero_attn",
       [](const V& a) {
         return out(F::multi_head_attention_forward(
             a[0], a[1], a[2], mha(a[3], a[4], a[5], a[6], a[7], a[8], true).key_padding_mask(a[9]).attn_mask(a[10])));
       }},
      {"separate_proj_weight",
       [](const V& a) {
         return out(F::multi_head_attention_forward(a[0], a[1], a[2],
                                                    mha({}, a[6], a[7], a[8])
                                                        .use_separate_proj_weight(true)
                                                        .q_proj_weight(a[3])
                                                        .k_proj_weight(a[4])
                                                        .v_proj_weight(a[5])));
       }},
      {"unbatched",
       [](const V& a) {
         return out(F::multi_head_attention_forward(a[0], a[1], a[2], mha(a[3], a[4], a[5], a[6]).key_padding_mask(a[7])));
       }},
      {"unbatched_weights",
       [](const V& a) { return weights(F::multi_head_attention_forward(a[0], a[1], a[2], mha(a[3], a[4], a[5], a[6]))); }},
      {"static_kv",
       [](const V& a) {
         return out(F::multi_head_attention_forward(a[0], a[1], a[2],
                                                    mha(a[3], a[4], a[5], a[6]).static_k(a[7]).static_v(a[8])));
       }},
  };
  xgrad_test::run_reference_group("attention", table, "attention.json");
}

TEST_CASE("nn::MultiheadAttention draws PyTorch's parameters and computes PyTorch's outputs") {
  const auto& modules = xgrad_test::reference("attention.json").at("modules");
  auto input = [&](const char* name, size_t i) { return xgrad_test::decode(modules.at(name).at("inputs")[i]); };
  auto check_module = [&](const char* name, nn::MultiheadAttention& m, std::tuple<Tensor, Tensor> result) {
    INFO(name);
    const auto& ref = modules.at(name);
    auto params = m->named_parameters();
    CHECK(params.size() == ref.at("params").size());
    for (const auto& [pname, value] : ref.at("params").items()) {
      INFO(pname);
      REQUIRE(params.contains(pname));
      CHECK_CLOSE(params[pname], xgrad_test::decode(value));
    }
    CHECK_CLOSE(std::get<0>(result), xgrad_test::decode(ref.at("output")));
    CHECK(std::get<0>(result).grad_fn()->name() == ref.at("output_grad_fn").get<std::string>());
    if (ref.at("weights").at("values").is_null())
      CHECK(!std::get<1>(result).defined());
    else
      CHECK_CLOSE(std::get<1>(result), xgrad_test::decode(ref.at("weights")));
  };
  {
    torch::manual_seed(0);
    nn::MultiheadAttention m(4, 2);
    m->eval();
    check_module("default", m, m(input("default", 0), input("default", 1), input("default", 2)));
    CHECK(m->_qkv_same_embed_dim);
    CHECK(m->head_dim == 2);
  }
  {
    torch::manual_seed(1);
    nn::MultiheadAttention m(nn::MultiheadAttentionOptions(4, 2).kdim(3).vdim(2).add_bias_kv(true).add_zero_attn(true));
    m->eval();
    const char* n = "kdim_vdim_bias_kv";
    check_module(n, m, m(input(n, 0), input(n, 1), input(n, 2)));
    CHECK(!m->_qkv_same_embed_dim);
    CHECK(!m->in_proj_weight.defined());
  }
  {
    torch::manual_seed(2);
    nn::MultiheadAttention m(nn::MultiheadAttentionOptions(6, 3).bias(false));
    m->eval();
    Tensor x = input("no_bias", 0);
    check_module("no_bias", m, m(x, x, x, Tensor(), /*need_weights=*/false));
  }
  {
    torch::manual_seed(3);
    nn::MultiheadAttention m(nn::MultiheadAttentionOptions(4, 1).dropout(0.5));
    torch::manual_seed(7);  // training: dropout on the attention weights, PyTorch's draws
    const char* n = "dropout_train";
    check_module(n, m, m(input(n, 0), input(n, 1), input(n, 2)));
  }
}

TEST_CASE("nn::MultiheadAttention prints as libtorch's; eval turns dropout off") {
  std::ostringstream s;
  s << nn::MultiheadAttention(20, 10);
  CHECK(s.str() ==
        "torch::nn::MultiheadAttention(\n  (out_proj): torch::nn::Linear(in_features=20, out_features=20, bias=true)\n)");
  std::ostringstream s2;
  s2 << nn::MultiheadAttention(nn::MultiheadAttentionOptions(20, 10).bias(false));
  CHECK(s2.str() ==
        "torch::nn::MultiheadAttention(\n  (out_proj): torch::nn::Linear(in_features=20, out_features=20, bias=false)\n)");

  torch::manual_seed(0);
  nn::MultiheadAttention m(nn::MultiheadAttentionOptions(4, 2).dropout(0.9));
  m->eval();
  auto x = torch::randn({3, 2, 4});
  auto [a, w] = m(x, x, x);
  auto [b, w2] = m(x, x, x);
  CHECK(a.equal(b));
  CHECK_CLOSE(w.sum(-1), torch::ones({2, 3}));
}

TEST_CASE("multi-head attention: PyTorch's errors") {
  CHECK_THROWS_WITH(nn::MultiheadAttention(5, 2), "embed_dim must be divisible by num_heads");
  torch::manual_seed(0);
  nn::MultiheadAttention m(4, 2);
  auto x = torch::randn({3, 2, 4});
  CHECK_THROWS_WITH(m(x, x, torch::randn({3, 2, 4}).unsqueeze(0)),
                    "For batched (3-D) `query`, expected `key` and `value` to be 3-D but found 3-D and 4-D tensors "
                    "respectively");
  CHECK_THROWS_WITH(m(torch::randn({3, 2, 2, 4}), x, x),
                    "query should be unbatched 2D or batched 3D tensor but received 4-D query tensor");
  CHECK_THROWS_WITH(m(torch::randn({3, 2, 6}), x, x), "was expecting embedding dimension of 4, but got 6");
  CHECK_THROWS_WITH(m(x, x, torch::randn({5, 2, 4})),
                    "key shape torch.Size([3, 2, 4]) does not match value shape torch.Size([5, 2, 4])");
  CHECK_THROWS_WITH(m(x, x, x, Tensor(), true, torch::zeros({3, 4}, torch::kBool)),
                    "The shape of the 2D attn_mask is torch.Size([3, 4]), but should be (3, 3).");
  CHECK_THROWS_WITH(m(x, x, x, Tensor(), true, torch::zeros({2, 3, 3}, torch::kBool)),
                    "The shape of the 3D attn_mask is torch.Size([2, 3, 3]), but should be (4, 3, 3).");
  CHECK_THROWS_WITH(m(x, x, x, Tensor(), true, torch::zeros({3, 3}, torch::kLong)),
                    "Only float, byte, and bool types are supported for attn_mask, not torch.int64");
  CHECK_THROWS_WITH(m(x, x, x, torch::zeros({2, 3}, torch::kLong)),
                    "only bool and floating types of key_padding_mask are supported");
  CHECK_THROWS_WITH(m(x, x, x, torch::zeros({2, 4}, torch::kBool)),
                    "expecting key_padding_mask shape of (2, 3), but got torch.Size([2, 4])");
  auto opts = F::MultiheadAttentionForwardFuncOptions(4, 3, m->in_proj_weight, m->in_proj_bias, {}, {}, false, 0.0,
                                                      m->out_proj->weight, m->out_proj->bias);
  CHECK_THROWS_WITH(F::multi_head_attention_forward(x, x, x, opts), "embed_dim 4 not divisible by num_heads 3");
}

TEST_CASE("multi-head attention: float64 gradcheck of a small case with masks") {
  torch::manual_seed(0);
  auto d = torch::kDouble;
  std::vector<Tensor> in = {torch::randn({2, 1, 4}, d), torch::randn({3, 1, 4}, d), torch::randn({3, 1, 4}, d),
                            torch::randn({12, 4}, d) * 0.5, torch::randn({12}, d) * 0.1, torch::randn({4, 4}, d) * 0.5,
                            torch::randn({4}, d) * 0.1, torch::randn({1, 1, 4}, d), torch::randn({1, 1, 4}, d)};
  for (auto& t : in) t.set_requires_grad(true);
  auto mask = torch::tensor({{false, true, false}, {false, false, false}});
  auto fn = [&](const V& a) {
    return out(F::multi_head_attention_forward(
        a[0], a[1], a[2], mha(a[3], a[4], a[5], a[6], a[7], a[8], true).attn_mask(mask)));
  };
  CHECK(torch::autograd::gradcheck(fn, in));
}
