#!/usr/bin/env python3
"""Writes embedding.json: what PyTorch 1.13 computes for embeddings (F.embedding, F.embedding_bag,
max_norm's renormalisation, nn.Embedding / nn.EmbeddingBag initialisation), the padding layers,
alpha dropout and fold/unfold. Run by hand with Debian's python3-torch:

    /usr/bin/python3 tests/reference/make_embedding_reference.py

"cases" has the format of ops.json (make_ops_reference.py), replayed by
tests/nn/test_embedding.cpp and tests/nn/test_fold_padding.cpp (value, dtype, grad_fn name,
gradients of the float inputs, float64 gradcheck). "renorm" holds max_norm's effect on the weight;
"modules" the parameters of layers made after manual_seed; "draws" alpha dropout after a seed.
New cases go at the end of their list, so that the draws above them keep their values.
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(20261313)
CASES, RENORM, MODULES, DRAWS = [], [], [], []
GROUP = None


def rnd(*shape):
    return torch.randn(*shape)


def enc(t):
    """Float32 values with 9 significant digits, which give back the same float32 exactly."""
    if t is None:
        return {"values": None}
    t = t.detach()
    values = t.reshape(-1).tolist()
    if t.dtype == torch.float32:
        values = [float("%.9g" % v) for v in values]
    elif t.dtype == torch.bool:
        values = [int(v) for v in values]
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""), "values": values}


def case(name, fn, *inputs, gradcheck=True, grads_fn=None):
    """inputs: float tensors become leaves that require grad; others are passed as they are.
    gradcheck=False: the gradient is by design not the derivative (padding_idx, scale_grad_by_freq).
    grads_fn: the gradients are taken from this expression instead of fn (see scale_grad_by_freq below)."""
    ins = [t.detach().clone().requires_grad_(t.is_floating_point()) for t in inputs]
    out = fn(*ins)
    entry = {"group": GROUP, "name": name, "inputs": [enc(t) for t in ins], "output": enc(out),
             "grad_fn": type(out.grad_fn).__name__ if out.grad_fn is not None else None}
    if not gradcheck:
        entry["gradcheck"] = False
    if out.requires_grad:
        g = torch.randn(out.shape, dtype=out.dtype)
        if grads_fn is not None:
            out2 = grads_fn(*ins)
            assert torch.allclose(out, out2, atol=1e-6)
            out = out2
        grads = torch.autograd.grad(out, [t for t in ins if t.requires_grad], g, allow_unused=True)
        it = iter(grads)
        entry["upstream"] = enc(g)
        entry["grads"] = [enc(next(it)) if t.requires_grad else None for t in ins]
        entry["grads"] = [x if x is None or x["values"] is not None else None for x in entry["grads"]]
    CASES.append(entry)


def idx(*values):
    return torch.tensor(values, dtype=torch.long)


# ---- embedding ----
GROUP = "embedding"
case("embedding_2d_indices", lambda w, i: F.embedding(i, w), rnd(6, 4), idx([0, 5, 2], [2, 2, 1]))
case("embedding_int32", lambda w, i: F.embedding(i, w), rnd(5, 3), torch.tensor([4, 0, 4], dtype=torch.int32))
case("embedding_padding_idx", lambda w, i: F.embedding(i, w, padding_idx=2), rnd(6, 3), idx(2, 1, 2, 5),
     gradcheck=False)
case("embedding_padding_idx_negative", lambda w, i: F.embedding(i, w, padding_idx=-1), rnd(4, 2), idx(3, 0, 3, 1),
     gradcheck=False)
case("embedding_scale_grad_by_freq", lambda w, i: F.embedding(i, w, scale_grad_by_freq=True), rnd(5, 3),
     idx([1, 1, 3], [1, 0, 3]), gradcheck=False)
case("embedding_freq_and_padding", lambda w, i: F.embedding(i, w, padding_idx=0, scale_grad_by_freq=True), rnd(4, 2),
     idx(0, 0, 2, 2, 2, 1), gradcheck=False)
case("embedding_scalar_index", lambda w, i: F.embedding(i, w), rnd(3, 4), torch.tensor(2))
case("embedding_float64", lambda w, i: F.embedding(i, w), rnd(4, 3).double(), idx(3, 1))
case("embedding_empty_indices", lambda w, i: F.embedding(i, w), rnd(4, 3), torch.zeros(0, 2, dtype=torch.long))

# ---- embedding_bag ----
GROUP = "embedding_bag"
W = rnd(7, 3)
BAG_IDX = idx(1, 2, 4, 5, 4, 3, 2, 6)
BAG_OFF = idx(0, 3, 3, 5)  # the second bag is empty
for mode in ["sum", "mean", "max"]:
    case(f"bag_{mode}", lambda w, i, o, m=mode: F.embedding_bag(i, w, o, mode=m), W, BAG_IDX, BAG_OFF)
    case(f"bag_{mode}_padding_idx", lambda w, i, o, m=mode: F.embedding_bag(i, w, o, mode=m, padding_idx=4), W,
         BAG_IDX, BAG_OFF)
    # python3-torch 1.13 corrupts its heap on max with include_last_offset, and its mean divides the
    # last bag by the count to the end of the input rather than to the last offset: here the last
    # offset is the end, where the mean is right.
    if mode != "max":
        case(f"bag_{mode}_include_last_offset",
             lambda w, i, o, m=mode: F.embedding_bag(i, w, o, mode=m, include_last_offset=True), W, BAG_IDX,
             idx(0, 2, 5, 8))
    case(f"bag_{mode}_2d", lambda w, i, m=mode: F.embedding_bag(i, w, mode=m), W, idx([1, 2, 6], [0, 6, 6]))
case("bag_sum_per_sample_weights", lambda w, i, o, p: F.embedding_bag(i, w, o, mode="sum", per_sample_weights=p), W,
     BAG_IDX, BAG_OFF, rnd(8))
case("bag_sum_per_sample_weights_padding",
     lambda w, i, o, p: F.embedding_bag(i, w, o, mode="sum", per_sample_weights=p, padding_idx=2), W, BAG_IDX, BAG_OFF,
     rnd(8))
case("bag_sum_per_sample_weights_2d", lambda w, i, p: F.embedding_bag(i, w, mode="sum", per_sample_weights=p), W,
     idx([1, 2, 6], [0, 6, 6]), rnd(2, 3))


def bags_of_embedding(i, w, o, mode):
    """embedding_bag as its documentation defines it: each bag's rows of F.embedding(scale_grad_by_freq=True)
    reduced. ATen 1.13's embedding_bag backward divides each row's gradient by the count of the
    wrong index (counts[sorted_indices[g]] for the g-th distinct index, not counts[index]); xgrad
    divides by the row's own count, as F.embedding does and the documentation says."""
    e = F.embedding(i, w, scale_grad_by_freq=True)
    ends = o.tolist()[1:] + [i.numel()]
    rows = []
    for s, t in zip(o.tolist(), ends):
        part = e[s:t]
        rows.append(torch.zeros(w.shape[1]) if t == s else (part.sum(0) if mode == "sum" else part.mean(0)))
    return torch.stack(rows)


case("bag_mean_scale_grad_by_freq", lambda w, i, o: F.embedding_bag(i, w, o, scale_grad_by_freq=True), W, BAG_IDX,
     BAG_OFF, gradcheck=False, grads_fn=lambda w, i, o: bags_of_embedding(i, w, o, "mean"))
case("bag_sum_scale_grad_by_freq", lambda w, i, o: F.embedding_bag(i, w, o, mode="sum", scale_grad_by_freq=True), W,
     BAG_IDX, BAG_OFF, gradcheck=False, grads_fn=lambda w, i, o: bags_of_embedding(i, w, o, "sum"))
case("bag_max_float64", lambda w, i, o: F.embedding_bag(i, w, o, mode="max"), W.double(), BAG_IDX, BAG_OFF)

# ---- max_norm: the weight renormalised in place, then looked up ----
for name, norm_type, max_norm, fn in [
    ("embedding_max_norm", 2.0, 1.0, lambda i, w: F.embedding(i, w, max_norm=1.0)),
    ("embedding_max_norm_p1.5", 1.5, 0.8, lambda i, w: F.embedding(i, w, max_norm=0.8, norm_type=1.5)),
    ("embedding_bag_max_norm", 2.0, 1.2, lambda i, w: F.embedding_bag(i, w, idx(0, 2), max_norm=1.2)),
]:
    w = rnd(6, 3) * 1.5
    i = idx(5, 0, 2, 5)
    before = w.clone()
    out = fn(i, w)
    RENORM.append({"name": name, "weight": enc(before), "indices": enc(i), "max_norm": max_norm,
                   "norm_type": norm_type, "output": enc(out), "weight_after": enc(w)})

# ---- layers made after a seed: PyTorch's draws ----
for name, seed, make in [
    ("Embedding(10, 3)", 1, lambda: nn.Embedding(10, 3)),
    ("Embedding(6, 4, padding_idx=-2)", 2, lambda: nn.Embedding(6, 4, padding_idx=-2)),
    ("EmbeddingBag(5, 2, mode='max', padding_idx=1)", 3, lambda: nn.EmbeddingBag(5, 2, mode="max", padding_idx=1)),
]:
    torch.manual_seed(seed)
    m = make()
    MODULES.append({"name": name, "seed": seed, "weight": enc(m.weight)})

# ---- alpha dropout: the same seed gives the same mask ----
for name, p, feature, shape in [("alpha_dropout", 0.3, False, (4, 5)), ("alpha_dropout_p0.8", 0.8, False, (3, 7)),
                                ("feature_alpha_dropout", 0.4, True, (3, 4, 2, 2)),
                                ("feature_alpha_dropout_3d", 0.5, True, (2, 6, 3))]:
    x = rnd(*shape).requires_grad_()
    seed = 100 + len(DRAWS)
    torch.manual_seed(seed)
    fn = F.feature_alpha_dropout if feature else F.alpha_dropout
    y = fn(x, p, training=True)
    y.backward(torch.ones_like(y))
    DRAWS.append({"name": name, "seed": seed, "p": p, "feature": feature, "input": enc(x), "output": enc(y),
                  "grad_fn": type(y.grad_fn).__name__, "input_grad": enc(x.grad)})

# ---- fold / unfold ----
GROUP = "fold"
case("unfold_k2x3", lambda x: F.unfold(x, (2, 3)), rnd(2, 3, 5, 6))
case("unfold_dilation_padding_stride", lambda x: F.unfold(x, (3, 2), dilation=(2, 1), padding=(1, 2), stride=(2, 3)),
     rnd(1, 2, 7, 6))
case("unfold_unbatched", lambda x: F.unfold(x, 2, padding=1, stride=2), rnd(2, 3, 4))
case("fold_k2", lambda x: F.fold(x, (4, 5), (2, 2)), rnd(2, 12, 12))
case("fold_dilation_padding_stride",
     lambda x: F.fold(x, (7, 6), (3, 2), dilation=(2, 1), padding=(1, 2), stride=(2, 3)), rnd(1, 12, 9))
case("fold_unbatched", lambda x: F.fold(x, (3, 4), 2, padding=1, stride=2), rnd(8, 6))

# ---- padding layers ----
GROUP = "padding_modules"
case("ReflectionPad1d", lambda x: nn.ReflectionPad1d((3, 1))(x), rnd(2, 3, 4))
case("ReflectionPad2d", lambda x: nn.ReflectionPad2d((1, 2, 2, 0))(x), rnd(1, 2, 3, 4))
case("ReflectionPad3d", lambda x: nn.ReflectionPad3d(1)(x), rnd(1, 1, 2, 3, 2))
case("ReplicationPad1d", lambda x: nn.ReplicationPad1d((0, 2))(x), rnd(2, 2, 3))
case("ReplicationPad2d", lambda x: nn.ReplicationPad2d((2, 1, 0, 3))(x), rnd(1, 2, 2, 3))
case("ReplicationPad3d", lambda x: nn.ReplicationPad3d((1, 0, 2, 1, 0, 1))(x), rnd(1, 2, 2, 2, 2))
case("ZeroPad2d", lambda x: nn.ZeroPad2d((1, 1, 2, 0))(x), rnd(1, 1, 3, 3))
case("ConstantPad1d", lambda x: nn.ConstantPad1d((3, 1), 3.5)(x), rnd(2, 4))
case("ConstantPad2d", lambda x: nn.ConstantPad2d(1, -1.5)(x), rnd(1, 2, 2))
case("ConstantPad3d", lambda x: nn.ConstantPad3d((1, 0, 0, 2, 1, 1), 0.25)(x), rnd(1, 1, 2, 2, 1))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "embedding.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "cases": CASES, "renorm": RENORM, "modules": MODULES, "draws": DRAWS}, f,
              indent=None, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(CASES)} cases, {len(RENORM)} renorms, {len(MODULES)} modules and {len(DRAWS)} draws to {out}")
