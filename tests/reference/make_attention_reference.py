#!/usr/bin/env python3
"""Writes attention.json: baddbmm, addbmm (group "baddbmm") and multi-head attention (group
"attention": F.multi_head_attention_forward with every mask kind, bias_kv, zero_attn, separate
projection weights, unbatched input), as PyTorch 1.13 computes them: values, grad_fn names and the
gradients of every input, weights included; plus "modules": nn.MultiheadAttention's parameters
after manual_seed and its outputs. Run by hand with Debian's python3-torch:

    /usr/bin/python3 tests/reference/make_attention_reference.py

tests/nn/test_attention.cpp replays every case by name (the table there holds the same
expressions in C++) and runs a float64 gradcheck on each.
"""
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(20261202)
CASES = []
MODULES = {}
GROUP = None


def rnd(*shape):
    return torch.randn(*shape)


def enc(t):
    if t is None:
        return {"values": None}
    t = t.detach()
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""),
            "values": [v if not isinstance(v, bool) else int(v) for v in t.reshape(-1).tolist()]}


def case(name, fn, *inputs):
    """inputs: float tensors become leaves that require grad; others are passed as they are."""
    ins = [t.detach().clone().requires_grad_(t.is_floating_point()) for t in inputs]
    out = fn(*ins)
    entry = {"group": GROUP, "name": name, "inputs": [enc(t) for t in ins], "output": enc(out),
             "grad_fn": type(out.grad_fn).__name__ if out.grad_fn is not None else None}
    if out.requires_grad:
        g = torch.randn(out.shape)
        grads = torch.autograd.grad(out, [t for t in ins if t.requires_grad], g, allow_unused=True)
        it = iter(grads)
        entry["upstream"] = enc(g)
        entry["grads"] = [enc(next(it)) if t.requires_grad else None for t in ins]
        entry["grads"] = [x if x is None or x["values"] is not None else None for x in entry["grads"]]
    CASES.append(entry)


GROUP = "baddbmm"
C3, B1, B2 = rnd(2, 3, 4), rnd(2, 3, 5), rnd(2, 5, 4)
case("baddbmm", lambda c, a, b: torch.baddbmm(c, a, b), C3, B1, B2)
case("baddbmm_beta_alpha_broadcast", lambda c, a, b: torch.baddbmm(c, a, b, beta=0.5, alpha=-2), rnd(4), B1, B2)
case("baddbmm_beta0", lambda c, a, b: torch.baddbmm(c, a, b, beta=0), C3, B1, B2)
case("baddbmm_transposed", lambda c, a, b: c.baddbmm(a.transpose(1, 2), b.transpose(1, 2), alpha=3),
     rnd(1, 3, 1), rnd(2, 5, 3), rnd(2, 4, 5))
case("baddbmm_", lambda c, a, b: c.clone().baddbmm_(a, b, beta=2, alpha=0.5), C3, B1, B2)
C2 = rnd(3, 4)
case("addbmm", lambda c, a, b: torch.addbmm(c, a, b), C2, B1, B2)
case("addbmm_beta_alpha_broadcast", lambda c, a, b: torch.addbmm(c, a, b, beta=-1.5, alpha=0.25), rnd(4), B1, B2)
case("addbmm_method_transposed", lambda c, a, b: c.addbmm(a, b.transpose(1, 2)), C2, B1, rnd(2, 4, 5))
case("addbmm_", lambda c, a, b: c.clone().addbmm_(a, b, beta=0.5, alpha=2), C2, B1, B2)

# multi-head attention: T = 3 targets, S = 4 sources, N = 2 batch, E = 4, H = 2 heads
GROUP = "attention"
T, S, N, E, H = 3, 4, 2, 4, 2
W_in, b_in, W_out, b_out = rnd(3 * E, E) * 0.5, rnd(3 * E) * 0.1, rnd(E, E) * 0.5, rnd(E) * 0.1
Q, K, V = rnd(T, N, E), rnd(S, N, E), rnd(S, N, E)


def mha(q, k, v, w_in, b_in, w_out, b_out, **kw):
    kw.setdefault("training", False)
    return F.multi_head_attention_forward(q, k, v, E, H, w_in, b_in, kw.pop("bias_k", None), kw.pop("bias_v", None),
                                          kw.pop("add_zero_attn", False), kw.pop("dropout_p", 0.0), w_out, b_out, **kw)


case("self_attention", lambda x, wi, bi, wo, bo: mha(x, x, x, wi, bi, wo, bo)[0], Q, W_in, b_in, W_out, b_out)
case("self_attention_weights", lambda x, wi, bi, wo, bo: mha(x, x, x, wi, bi, wo, bo)[1], Q, W_in, b_in, W_out, b_out)
case("encoder_decoder", lambda q, kv, wi, bi, wo, bo: mha(q, kv, kv, wi, bi, wo, bo)[0], Q, K, W_in, b_in, W_out, b_out)
case("distinct_qkv", lambda q, k, v, wi, bi, wo, bo: mha(q, k, v, wi, bi, wo, bo)[0], Q, K, V, W_in, b_in, W_out, b_out)
case("distinct_qkv_weights", lambda q, k, v, wi, bi, wo, bo: mha(q, k, v, wi, bi, wo, bo)[1],
     Q, K, V, W_in, b_in, W_out, b_out)
case("weights_per_head", lambda q, k, v, wi, bi, wo, bo: mha(q, k, v, wi, bi, wo, bo, average_attn_weights=False)[1],
     Q, K, V, W_in, b_in, W_out, b_out)
case("no_bias", lambda q, k, v, wi, wo: mha(q, k, v, wi, None, wo, None)[0], Q, K, V, W_in, W_out)
BOOL2 = torch.tensor([[False, True, False, False], [False, False, True, True], [True, False, False, False]])
case("bool_attn_mask", lambda q, k, v, wi, bi, wo, bo, m: mha(q, k, v, wi, bi, wo, bo, attn_mask=m)[0],
     Q, K, V, W_in, b_in, W_out, b_out, BOOL2)
case("float_attn_mask_3d", lambda q, k, v, wi, bi, wo, bo, m: mha(q, k, v, wi, bi, wo, bo, attn_mask=m)[0],
     Q, K, V, W_in, b_in, W_out, b_out, rnd(N * H, T, S))
KPM = torch.tensor([[False, False, True, False], [False, False, False, True]])
case("key_padding_mask", lambda q, k, v, wi, bi, wo, bo, m: mha(q, k, v, wi, bi, wo, bo, key_padding_mask=m)[0],
     Q, K, V, W_in, b_in, W_out, b_out, KPM)
case("key_padding_and_float_mask",
     lambda q, k, v, wi, bi, wo, bo, m, am: mha(q, k, v, wi, bi, wo, bo, key_padding_mask=m, attn_mask=am)[0],
     Q, K, V, W_in, b_in, W_out, b_out, KPM, rnd(T, S))
case("key_padding_and_bool_mask",
     lambda q, k, v, wi, bi, wo, bo, m, am: mha(q, k, v, wi, bi, wo, bo, key_padding_mask=m, attn_mask=am)[1],
     Q, K, V, W_in, b_in, W_out, b_out, KPM, BOOL2)
case("bias_kv_zero_attn",
     lambda q, k, v, wi, bi, wo, bo, bk, bv, m, am: mha(q, k, v, wi, bi, wo, bo, bias_k=bk, bias_v=bv,
                                                        add_zero_attn=True, key_padding_mask=m, attn_mask=am)[0],
     Q, K, V, W_in, b_in, W_out, b_out, rnd(1, 1, E), rnd(1, 1, E), KPM, BOOL2)
KD, VD = 3, 2
case("separate_proj_weight",
     lambda q, k, v, wq, wk, wv, bi, wo, bo: mha(q, k, v, None, bi, wo, bo, use_separate_proj_weight=True,
                                                 q_proj_weight=wq, k_proj_weight=wk, v_proj_weight=wv)[0],
     Q, rnd(S, N, KD), rnd(S, N, VD), rnd(E, E) * 0.5, rnd(E, KD) * 0.5, rnd(E, VD) * 0.5, b_in, W_out, b_out)
case("unbatched", lambda q, k, v, wi, bi, wo, bo, m: mha(q, k, v, wi, bi, wo, bo, key_padding_mask=m)[0],
     rnd(T, E), rnd(S, E), rnd(S, E), W_in, b_in, W_out, b_out, torch.tensor([False, True, False, False]))
case("unbatched_weights", lambda q, k, v, wi, bi, wo, bo: mha(q, k, v, wi, bi, wo, bo)[1],
     rnd(T, E), rnd(S, E), rnd(S, E), W_in, b_in, W_out, b_out)
case("static_kv", lambda q, k, v, wi, bi, wo, bo, sk, sv: mha(q, k, v, wi, bi, wo, bo, static_k=sk, static_v=sv)[0],
     Q, K, V, W_in, b_in, W_out, b_out, rnd(N * H, 5, E // H), rnd(N * H, 5, E // H))


# nn.MultiheadAttention after manual_seed: its parameters (drawn as PyTorch draws them) and forward
def module(name, seed, opts, inputs, train_seed=None, **fw):
    torch.manual_seed(seed)
    m = torch.nn.MultiheadAttention(**opts)
    if train_seed is None:
        m.eval()
    else:
        torch.manual_seed(train_seed)
    out, w = m(*inputs, **fw)
    MODULES[name] = {"params": {k: enc(v) for k, v in m.named_parameters()},
                     "inputs": [enc(t) for t in inputs], "output": enc(out), "weights": enc(w),
                     "output_grad_fn": type(out.grad_fn).__name__, "repr_out_proj": repr(m.out_proj)}


module("default", 0, dict(embed_dim=4, num_heads=2), [Q, K, V])
module("kdim_vdim_bias_kv", 1, dict(embed_dim=4, num_heads=2, kdim=3, vdim=2, add_bias_kv=True, add_zero_attn=True),
       [Q, rnd(S, N, 3), rnd(S, N, 2)])
module("no_bias", 2, dict(embed_dim=6, num_heads=3, bias=False), [rnd(2, 3, 6)] * 3, need_weights=False)
module("dropout_train", 3, dict(embed_dim=4, num_heads=1, dropout=0.5), [Q, K, V], train_seed=7)

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "attention.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "cases": CASES, "modules": MODULES}, f, indent=None, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(CASES)} cases and {len(MODULES)} modules to {out}")
