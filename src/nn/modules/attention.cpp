// modules/attention.cpp: F::multi_head_attention_forward, written as PyTorch 1.13's Python
// function (torch/nn/functional.py) so that the graph, grad_fn names and gradients are PyTorch's,
// and nn::MultiheadAttention's parameters and initialisation. Read next: src/ops/linalg.cpp.
#include "xgrad/nn/modules/attention.hpp"

#include <cmath>
#include <limits>

#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/nn/init.hpp"
#include "xgrad/nn/modules/dropout.hpp"
#include "xgrad/ops/activation.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/indexing.hpp"
#include "xgrad/ops/linalg.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad::nn {

namespace {

/// Python's `key.shape == value.shape` messages print torch.Size; this is its spelling.
std::string torch_size(IntArrayRef sizes) { return fmt::format("torch.Size({})", format_sizes(sizes)); }

/// A mask (bool or float) with one more column of zeros: Python's pad(mask, (0, 1)).
Tensor pad_column(const Tensor& mask) {
  DimVector shape(mask.sizes());
  shape.back() = 1;
  return cat({mask, zeros(shape, TensorOptions().dtype(mask.scalar_type()))}, -1);
}

/// Python's _in_projection_packed: one linear for self-attention (query, key and value the same
/// tensor), two when key is value, three otherwise; `is_same` is Python's `is`.
std::tuple<Tensor, Tensor, Tensor> in_projection_packed(const Tensor& q, const Tensor& k, const Tensor& v,
                                                        const Tensor& w, const Tensor& b) {
  namespace F = functional;
  const int64_t E = q.size(-1);
  if (k.is_same(v)) {
    if (q.is_same(k)) {
      auto chunks = F::linear(q, w, b).chunk(3, -1);
      return {chunks[0], chunks[1], chunks[2]};
    }
    const Tensor w_q = w.slice(0, 0, E), w_kv = w.slice(0, E);
    const Tensor b_q = b.defined() ? b.slice(0, 0, E) : Tensor(), b_kv = b.defined() ? b.slice(0, E) : Tensor();
    auto kv = F::linear(k, w_kv, b_kv).chunk(2, -1);
    return {F::linear(q, w_q, b_q), kv[0], kv[1]};
  }
  auto ws = w.chunk(3);
  std::vector<Tensor> bs = b.defined() ? b.chunk(3) : std::vector<Tensor>(3);
  return {F::linear(q, ws[0], bs[0]), F::linear(k, ws[1], bs[1]), F::linear(v, ws[2], bs[2])};
}

/// Python's _in_projection: three linears with separate weights, their shapes checked.
std::tuple<Tensor, Tensor, Tensor> in_projection(const Tensor& q, const Tensor& k, const Tensor& v,
                                                 const Tensor& w_q, const Tensor& w_k, const Tensor& w_v,
                                                 const Tensor& b_q, const Tensor& b_k, const Tensor& b_v) {
  namespace F = functional;
  const int64_t Eq = q.size(-1), Ek = k.size(-1), Ev = v.size(-1);
  auto check = [](const Tensor& t, std::vector<int64_t> shape, const char* what) {
    XGRAD_CHECK(!t.defined() || t.sizes() == IntArrayRef(shape), "expecting {} shape of {}, but got {}", what,
                shape.size() == 1 ? fmt::format("({},)", shape[0]) : fmt::format("({}, {})", shape[0], shape[1]),
                torch_size(t.sizes()));
  };
  check(w_q, {Eq, Eq}, "query weights");
  check(w_k, {Eq, Ek}, "key weights");
  check(w_v, {Eq, Ev}, "value weights");
  check(b_q, {Eq}, "query bias");
  check(b_k, {Eq}, "key bias");
  check(b_v, {Eq}, "value bias");
  return {F::linear(q, w_q, b_q), F::linear(k, w_k, b_k), F::linear(v, w_v, b_v)};
}

/// Python's _mha_shape_check: whether the input is batched (3-d) or not (2-d), with its errors.
bool mha_shape_check(const Tensor& query, const Tensor& key, const Tensor& value, const Tensor& key_padding_mask,
                     const Tensor& attn_mask, int64_t num_heads) {
  if (query.dim() == 3) {
    XGRAD_CHECK(key.dim() == 3 && value.dim() == 3,
                "For batched (3-D) `query`, expected `key` and `value` to be 3-D but found {}-D and {}-D tensors "
                "respectively",
                key.dim(), value.dim());
    XGRAD_CHECK(!key_padding_mask.defined() || key_padding_mask.dim() == 2,
                "For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D but found {}-D tensor "
                "instead",
                key_padding_mask.dim());
    XGRAD_CHECK(!attn_mask.defined() || attn_mask.dim() == 2 || attn_mask.dim() == 3,
                "For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found {}-D tensor instead",
                attn_mask.dim());
    return true;
  }
  XGRAD_CHECK(query.dim() == 2, "query should be unbatched 2D or batched 3D tensor but received {}-D query tensor",
              query.dim());
  XGRAD_CHECK(key.dim() == 2 && value.dim() == 2,
              "For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found {}-D and {}-D tensors "
              "respectively",
              key.dim(), value.dim());
  XGRAD_CHECK(!key_padding_mask.defined() || key_padding_mask.dim() == 1,
              "For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D but found {}-D tensor "
              "instead",
              key_padding_mask.dim());
  if (attn_mask.defined()) {
    XGRAD_CHECK(attn_mask.dim() == 2 || attn_mask.dim() == 3,
                "For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found {}-D tensor "
                "instead",
                attn_mask.dim());
    if (attn_mask.dim() == 3) {
      const std::vector<int64_t> expected{num_heads, query.size(0), key.size(0)};
      XGRAD_CHECK(attn_mask.sizes() == IntArrayRef(expected), "Expected `attn_mask` shape to be ({}, {}, {}) but got {}",
                  expected[0], expected[1], expected[2], torch_size(attn_mask.sizes()));
    }
  }
  return false;
}

}  // namespace

std::tuple<Tensor, Tensor> functional::multi_head_attention_forward(
    const Tensor& query_in, const Tensor& key_in, const Tensor& value_in,
    const MultiheadAttentionForwardFuncOptions& options) {
  const int64_t num_heads = options.num_heads();
  Tensor key_padding_mask = options.key_padding_mask(), attn_mask = options.attn_mask();
  const bool is_batched = mha_shape_check(query_in, key_in, value_in, key_padding_mask, attn_mask, num_heads);
  // Unbatched input runs as a batch of one; the batch dim is squeezed away at the end. Python's
  // `key is value` tests below must still see the caller's identities.
  Tensor query = query_in, key = key_in, value = value_in;
  if (!is_batched) {
    query = query_in.unsqueeze(1);
    key = key_in.is_same(query_in) ? query : key_in.unsqueeze(1);
    value = value_in.is_same(key_in) ? key : value_in.is_same(query_in) ? query : value_in.unsqueeze(1);
    if (key_padding_mask.defined()) key_padding_mask = key_padding_mask.unsqueeze(0);
  }
  const int64_t tgt_len = query.size(0), bsz = query.size(1), embed_dim = query.size(2);
  if (key_padding_mask.defined())
    XGRAD_CHECK(key_padding_mask.scalar_type() == kBool || key_padding_mask.is_floating_point(),
                "only bool and floating types of key_padding_mask are supported");
  XGRAD_CHECK(embed_dim == options.embed_dim_to_check(), "was expecting embedding dimension of {}, but got {}",
              options.embed_dim_to_check(), embed_dim);
  XGRAD_CHECK(num_heads > 0, "num_heads must be positive, got {}", num_heads);
  const int64_t head_dim = embed_dim / num_heads;
  XGRAD_CHECK(head_dim * num_heads == embed_dim, "embed_dim {} not divisible by num_heads {}", embed_dim, num_heads);
  if (options.use_separate_proj_weight())
    XGRAD_CHECK(key.size(0) == value.size(0) && key.size(1) == value.size(1),
                "key's sequence and batch dims {} do not match value's {}", torch_size(IntArrayRef(key.sizes().data(), 2)),
                torch_size(IntArrayRef(value.sizes().data(), 2)));
  else
    XGRAD_CHECK(key.sizes() == value.sizes(), "key shape {} does not match value shape {}", torch_size(key.sizes()),
                torch_size(value.sizes()));

  // the in-projections
  Tensor q, k, v;
  const Tensor& in_proj_bias = options.in_proj_bias();
  if (!options.use_separate_proj_weight()) {
    XGRAD_CHECK(options.in_proj_weight().defined(), "use_separate_proj_weight is False but in_proj_weight is None");
    std::tie(q, k, v) = in_projection_packed(query, key, value, options.in_proj_weight(), in_proj_bias);
  } else {
    XGRAD_CHECK(options.q_proj_weight().defined(), "use_separate_proj_weight is True but q_proj_weight is None");
    XGRAD_CHECK(options.k_proj_weight().defined(), "use_separate_proj_weight is True but k_proj_weight is None");
    XGRAD_CHECK(options.v_proj_weight().defined(), "use_separate_proj_weight is True but v_proj_weight is None");
    std::vector<Tensor> b = in_proj_bias.defined() ? in_proj_bias.chunk(3) : std::vector<Tensor>(3);
    std::tie(q, k, v) = in_projection(query, key, value, options.q_proj_weight(), options.k_proj_weight(),
                                      options.v_proj_weight(), b[0], b[1], b[2]);
  }

  // the attention mask, made 3-d
  if (attn_mask.defined()) {
    if (attn_mask.scalar_type() == kByte) attn_mask = attn_mask.to(kBool);  // deprecated, as Python warns
    XGRAD_CHECK(attn_mask.is_floating_point() || attn_mask.scalar_type() == kBool,
                "Only float, byte, and bool types are supported for attn_mask, not torch.{}",
                dtype_name(attn_mask.scalar_type()));
    const int64_t src = key.size(0);
    if (attn_mask.dim() == 2) {
      XGRAD_CHECK(attn_mask.size(0) == tgt_len && attn_mask.size(1) == src,
                  "The shape of the 2D attn_mask is {}, but should be ({}, {}).", torch_size(attn_mask.sizes()), tgt_len,
                  src);
      attn_mask = attn_mask.unsqueeze(0);
    } else if (attn_mask.dim() == 3) {
      XGRAD_CHECK(attn_mask.size(0) == bsz * num_heads && attn_mask.size(1) == tgt_len && attn_mask.size(2) == src,
                  "The shape of the 3D attn_mask is {}, but should be ({}, {}, {}).", torch_size(attn_mask.sizes()),
                  bsz * num_heads, tgt_len, src);
    } else {
      XGRAD_CHECK(false, "attn_mask's dimension {} is not supported", attn_mask.dim());
    }
  }

  // bias_k and bias_v: one more key and value position, for every batch element
  const Tensor &bias_k = options.bias_k(), &bias_v = options.bias_v(), &static_k = options.static_k(),
               &static_v = options.static_v();
  if (bias_k.defined() && bias_v.defined()) {
    XGRAD_CHECK(!static_k.defined(), "bias cannot be added to static key.");
    XGRAD_CHECK(!static_v.defined(), "bias cannot be added to static value.");
    k = cat({k, bias_k.repeat({1, bsz, 1})});
    v = cat({v, bias_v.repeat({1, bsz, 1})});
    if (attn_mask.defined()) attn_mask = pad_column(attn_mask);
    if (key_padding_mask.defined()) key_padding_mask = pad_column(key_padding_mask);
  } else {
    XGRAD_CHECK(!bias_k.defined() && !bias_v.defined(), "bias_k and bias_v must both be given, or neither");
  }

  // heads: (L, N, E) -> (N * H, L, E / H)
  q = q.contiguous().view({tgt_len, bsz * num_heads, head_dim}).transpose(0, 1);
  if (!static_k.defined()) {
    k = k.contiguous().view({k.size(0), bsz * num_heads, head_dim}).transpose(0, 1);
  } else {
    XGRAD_CHECK(static_k.size(0) == bsz * num_heads, "expecting static_k.size(0) of {}, but got {}", bsz * num_heads,
                static_k.size(0));
    XGRAD_CHECK(static_k.size(2) == head_dim, "expecting static_k.size(2) of {}, but got {}", head_dim, static_k.size(2));
    k = static_k;
  }
  if (!static_v.defined()) {
    v = v.contiguous().view({v.size(0), bsz * num_heads, head_dim}).transpose(0, 1);
  } else {
    XGRAD_CHECK(static_v.size(0) == bsz * num_heads, "expecting static_v.size(0) of {}, but got {}", bsz * num_heads,
                static_v.size(0));
    XGRAD_CHECK(static_v.size(2) == head_dim, "expecting static_v.size(2) of {}, but got {}", head_dim, static_v.size(2));
    v = static_v;
  }

  // add_zero_attn: one more key and value position of zeros
  if (options.add_zero_attn()) {
    const auto dtype = TensorOptions().dtype(k.scalar_type());
    k = cat({k, zeros({bsz * num_heads, 1, head_dim}, dtype)}, 1);
    v = cat({v, zeros({bsz * num_heads, 1, head_dim}, TensorOptions().dtype(v.scalar_type()))}, 1);
    if (attn_mask.defined()) attn_mask = pad_column(attn_mask);
    if (key_padding_mask.defined()) key_padding_mask = pad_column(key_padding_mask);
  }
  const int64_t src_len = k.size(1);

  // the key padding mask joins the attention mask
  if (key_padding_mask.defined()) {
    XGRAD_CHECK(key_padding_mask.dim() == 2 && key_padding_mask.size(0) == bsz && key_padding_mask.size(1) == src_len,
                "expecting key_padding_mask shape of ({}, {}), but got {}", bsz, src_len,
                torch_size(key_padding_mask.sizes()));
    key_padding_mask =
        key_padding_mask.view({bsz, 1, 1, src_len}).expand({-1, num_heads, -1, -1}).reshape({bsz * num_heads, 1, src_len});
    if (!attn_mask.defined())
      attn_mask = key_padding_mask;
    else if (attn_mask.scalar_type() == kBool)
      attn_mask = xgrad::logical_or(attn_mask, key_padding_mask);
    else
      attn_mask = attn_mask.masked_fill(key_padding_mask, -std::numeric_limits<double>::infinity());
  }
  if (attn_mask.defined() && attn_mask.scalar_type() == kBool) {  // true: not attended, -inf
    Tensor float_mask = zeros_like(attn_mask, TensorOptions().dtype(q.scalar_type()));
    float_mask.masked_fill_(attn_mask, -std::numeric_limits<double>::infinity());
    attn_mask = float_mask;
  }
  const double dropout_p = options.training() ? options.dropout_p() : 0.0;

  // the attention itself, and the out-projection
  const Tensor q_scaled = q / std::sqrt(static_cast<double>(q.size(2)));
  Tensor weights = attn_mask.defined() ? xgrad::baddbmm(attn_mask, q_scaled, k.transpose(-2, -1))
                                       : xgrad::bmm(q_scaled, k.transpose(-2, -1));
  weights = xgrad::softmax(weights, -1);
  if (dropout_p > 0.0) weights = dropout(weights, DropoutFuncOptions().p(dropout_p));
  Tensor out = xgrad::bmm(weights, v);
  out = out.transpose(0, 1).contiguous().view({tgt_len * bsz, embed_dim});
  out = linear(out, options.out_proj_weight(), options.out_proj_bias());
  out = out.view({tgt_len, bsz, out.size(1)});
  if (!options.need_weights()) return {is_batched ? out : out.squeeze(1), Tensor()};
  weights = weights.view({bsz, num_heads, tgt_len, src_len});
  if (options.average_attn_weights()) weights = weights.sum(1) / num_heads;
  if (!is_batched) return {out.squeeze(1), weights.squeeze(0)};
  return {out, weights};
}

MultiheadAttentionImpl::MultiheadAttentionImpl(const MultiheadAttentionOptions& options_) : options(options_) {
  reset();
}

void MultiheadAttentionImpl::reset() {
  const int64_t E = options.embed_dim();
  _qkv_same_embed_dim = options.kdim() == E && options.vdim() == E;
  XGRAD_CHECK(options.num_heads() > 0, "num_heads must be positive, got {}", options.num_heads());
  head_dim = E / options.num_heads();
  XGRAD_CHECK(head_dim * options.num_heads() == E, "embed_dim must be divisible by num_heads");
  if (!_qkv_same_embed_dim) {
    q_proj_weight = register_parameter("q_proj_weight", empty({E, E}));
    k_proj_weight = register_parameter("k_proj_weight", empty({E, options.kdim()}));
    v_proj_weight = register_parameter("v_proj_weight", empty({E, options.vdim()}));
    in_proj_weight = register_parameter("in_proj_weight", Tensor(), false);
  } else {
    in_proj_weight = register_parameter("in_proj_weight", empty({3 * E, E}));
    q_proj_weight = register_parameter("q_proj_weight", Tensor(), false);
    k_proj_weight = register_parameter("k_proj_weight", Tensor(), false);
    v_proj_weight = register_parameter("v_proj_weight", Tensor(), false);
  }
  in_proj_bias = register_parameter("in_proj_bias", options.bias() ? empty({3 * E}) : Tensor(), options.bias());
  // Linear's own initialisation draws here, before _reset_parameters, as in PyTorch.
  out_proj = register_module("out_proj", Linear(LinearOptions(E, E).bias(options.bias())));
  if (options.add_bias_kv()) {
    bias_k = register_parameter("bias_k", empty({1, 1, E}));
    bias_v = register_parameter("bias_v", empty({1, 1, E}));
  } else {
    bias_k = Tensor();
    bias_v = Tensor();
  }
  _reset_parameters();
}

void MultiheadAttentionImpl::_reset_parameters() {
  if (_qkv_same_embed_dim) {
    init::xavier_uniform_(in_proj_weight);
  } else {
    init::xavier_uniform_(q_proj_weight);
    init::xavier_uniform_(k_proj_weight);
    init::xavier_uniform_(v_proj_weight);
  }
  if (in_proj_bias.defined()) {
    init::constant_(in_proj_bias, 0.0);
    init::constant_(out_proj->bias, 0.0);
  }
  if (bias_k.defined()) init::xavier_normal_(bias_k);
  if (bias_v.defined()) init::xavier_normal_(bias_v);
}

std::tuple<Tensor, Tensor> MultiheadAttentionImpl::forward(const Tensor& query, const Tensor& key, const Tensor& value,
                                                           const Tensor& key_padding_mask, bool need_weights,
                                                           const Tensor& attn_mask, bool average_attn_weights) {
  auto opts = functional::MultiheadAttentionForwardFuncOptions(options.embed_dim(), options.num_heads(), in_proj_weight,
                                                               in_proj_bias, bias_k, bias_v, options.add_zero_attn(),
                                                               options.dropout(), out_proj->weight, out_proj->bias)
                  .training(is_training())
                  .key_padding_mask(key_padding_mask)
                  .need_weights(need_weights)
                  .attn_mask(attn_mask)
                  .average_attn_weights(average_attn_weights);
  if (!_qkv_same_embed_dim)
    opts.use_separate_proj_weight(true).q_proj_weight(q_proj_weight).k_proj_weight(k_proj_weight).v_proj_weight(
        v_proj_weight);
  return functional::multi_head_attention_forward(query, key, value, opts);
}

void MultiheadAttentionImpl::pretty_print(std::ostream& stream) const { stream << "torch::nn::MultiheadAttention"; }

}  // namespace xgrad::nn
