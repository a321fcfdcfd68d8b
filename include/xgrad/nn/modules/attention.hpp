// modules/attention.hpp: multi-head attention, F::multi_head_attention_forward and
// nn::MultiheadAttention, with libtorch's options (which libtorch keeps in activation.h) and
// Python's computation (scaled dot products through bmm/baddbmm, softmax, dropout, linear).
// Read next: src/nn/modules/attention.cpp, then ops/linalg.hpp (bmm, baddbmm).
#pragma once

#include <tuple>

#include "xgrad/nn/module.hpp"
#include "xgrad/nn/modules/linear.hpp"
#include "xgrad/nn/options/arg.hpp"

namespace xgrad::nn {

/// Options for nn::MultiheadAttention: MultiheadAttentionOptions(20, 10).bias(false).
/// kdim and vdim default to embed_dim; when either differs, the module has separate q/k/v
/// projection weights instead of one in_proj_weight.
struct MultiheadAttentionOptions {
  MultiheadAttentionOptions(int64_t embed_dim, int64_t num_heads)
      : embed_dim_(embed_dim), num_heads_(num_heads), kdim_(embed_dim), vdim_(embed_dim) {}
  XGRAD_ARG(int64_t, embed_dim);
  XGRAD_ARG(int64_t, num_heads);
  XGRAD_ARG(double, dropout) = 0.0;
  XGRAD_ARG(bool, bias) = true;
  XGRAD_ARG(bool, add_bias_kv) = false;
  XGRAD_ARG(bool, add_zero_attn) = false;
  XGRAD_ARG(int64_t, kdim);
  XGRAD_ARG(int64_t, vdim);
};

namespace functional {

/// Options for F::multi_head_attention_forward (libtorch's), the ten leading arguments of
/// Python's function first and the keyword ones as setters.
struct MultiheadAttentionForwardFuncOptions {
  MultiheadAttentionForwardFuncOptions(int64_t embed_dim_to_check, int64_t num_heads, Tensor in_proj_weight,
                                       Tensor in_proj_bias, Tensor bias_k, Tensor bias_v, bool add_zero_attn,
                                       double dropout_p, Tensor out_proj_weight, Tensor out_proj_bias)
      : embed_dim_to_check_(embed_dim_to_check),
        num_heads_(num_heads),
        in_proj_weight_(std::move(in_proj_weight)),
        in_proj_bias_(std::move(in_proj_bias)),
        bias_k_(std::move(bias_k)),
        bias_v_(std::move(bias_v)),
        add_zero_attn_(add_zero_attn),
        dropout_p_(dropout_p),
        out_proj_weight_(std::move(out_proj_weight)),
        out_proj_bias_(std::move(out_proj_bias)) {}
  XGRAD_ARG(int64_t, embed_dim_to_check);
  XGRAD_ARG(int64_t, num_heads);
  XGRAD_ARG(Tensor, in_proj_weight);
  XGRAD_ARG(Tensor, in_proj_bias);
  XGRAD_ARG(Tensor, bias_k);
  XGRAD_ARG(Tensor, bias_v);
  XGRAD_ARG(bool, add_zero_attn);
  XGRAD_ARG(double, dropout_p);
  XGRAD_ARG(Tensor, out_proj_weight);
  XGRAD_ARG(Tensor, out_proj_bias);
  XGRAD_ARG(bool, training) = true;
  XGRAD_ARG(Tensor, key_padding_mask) = {};
  XGRAD_ARG(bool, need_weights) = true;
  XGRAD_ARG(Tensor, attn_mask) = {};
  XGRAD_ARG(bool, use_separate_proj_weight) = false;
  XGRAD_ARG(Tensor, q_proj_weight) = {};
  XGRAD_ARG(Tensor, k_proj_weight) = {};
  XGRAD_ARG(Tensor, v_proj_weight) = {};
  XGRAD_ARG(Tensor, static_k) = {};
  XGRAD_ARG(Tensor, static_v) = {};
  XGRAD_ARG(bool, average_attn_weights) = true;
};

/// Multi-head attention, Python's F.multi_head_attention_forward step for step (so the graph
/// and the gradients are PyTorch's). query (T, N, E) or unbatched (T, E); key, value (S, N, *).
///   q, k, v = in-projections of query, key, value, split into H heads of E / H: (N*H, T|S, E/H)
///   A = softmax(q / sqrt(E/H) @ k^T + mask)          (baddbmm with the mask, bmm without)
///   out = out_proj(dropout(A) @ v, heads joined back into (T, N, E))
/// attn_mask: (T, S) or (N*H, T, S), bool (true = not attended) or float (added);
/// key_padding_mask: (N, S), bool or float. Returns (out, weights): weights (N, T, S) averaged
/// over heads, or (N, H, T, S); undefined when need_weights is false.
std::tuple<Tensor, Tensor> multi_head_attention_forward(const Tensor& query, const Tensor& key, const Tensor& value,
                                                        const MultiheadAttentionForwardFuncOptions& options);

}  // namespace functional

/// nn::MultiheadAttention: in_proj_weight (3E x E) or q/k/v_proj_weight (E x E, E x kdim,
/// E x vdim), in_proj_bias (3E), out_proj (a Linear E -> E), bias_k and bias_v (1 x 1 x E);
/// initialised as PyTorch initialises them (out_proj drawn first, then xavier_uniform_ on the
/// projection weights, zero biases, xavier_normal_ on bias_k and bias_v).
class MultiheadAttentionImpl : public Cloneable<MultiheadAttentionImpl> {
 public:
  MultiheadAttentionImpl(int64_t embed_dim, int64_t num_heads)
      : MultiheadAttentionImpl(MultiheadAttentionOptions(embed_dim, num_heads)) {}
  explicit MultiheadAttentionImpl(const MultiheadAttentionOptions& options_);

  std::tuple<Tensor, Tensor> forward(const Tensor& query, const Tensor& key, const Tensor& value,
                                     const Tensor& key_padding_mask = {}, bool need_weights = true,
                                     const Tensor& attn_mask = {}, bool average_attn_weights = true);
  void reset() override;
  void _reset_parameters();
  void pretty_print(std::ostream& stream) const override;

  MultiheadAttentionOptions options;
  bool _qkv_same_embed_dim = true;
  Tensor in_proj_weight;
  Tensor in_proj_bias;
  Tensor bias_k;
  Tensor bias_v;
  Linear out_proj = nullptr;
  Tensor q_proj_weight;
  Tensor k_proj_weight;
  Tensor v_proj_weight;
  int64_t head_dim = 0;
};
TORCH_MODULE(MultiheadAttention);

}  // namespace xgrad::nn
