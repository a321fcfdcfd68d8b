#!/usr/bin/env python3
"""Writes norm.json: what PyTorch 1.13 computes for the normalisation layers (batch, instance,
layer, group and local response norm, F.normalize), the embeddings (Embedding, EmbeddingBag) and
the alpha dropouts. Run by hand with Debian's python3-torch:

    /usr/bin/python3 tests/reference/make_norm_reference.py

"cases": one expression each, in second_order.py's format (value, grad_fn, the whole graph, first
    gradients under create_graph and second derivatives), replayed by tests/nn/test_norm*.cpp.
"exact": forward results (output and saved statistics, running statistics after the call) of
    awkward sizes, which xgrad must reproduce bit for bit (PyTorch's accumulation order).
"modules": a module run over several steps, switching train() and eval(): each step's input,
    output, input gradient and the buffers after it.
"draws": results of random ops after manual_seed (the alpha dropouts), with their gradients.
New entries go at the end of their section, so that the draws above them keep their values.
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from second_order import CASES, case, enc, group

torch.manual_seed(20261213)
EXACT, MODULES, DRAWS = [], [], []


def rnd(*shape, scale=1.0, shift=0.0, dtype=torch.float32):
    return torch.randn(*shape, dtype=dtype) * scale + shift


def pos(*shape):
    return torch.rand(*shape) + 0.5


def exact(name, fn, *inputs):
    """fn(*inputs) -> a tuple of tensors; the inputs are recorded before fn runs (it may update
    running statistics in place) and after it."""
    before = [enc(t) if t is not None else None for t in inputs]
    ins = [t.clone() if t is not None else None for t in inputs]
    outs = fn(*ins)
    EXACT.append({"name": name, "inputs": before, "outputs": [enc(o) for o in outs],
                  "inputs_after": [enc(t) if t is not None else None for t in ins]})


def module_steps(name, make, steps, seed=0):
    """make() after manual_seed(seed); steps: (mode, input) with mode "train" or "eval"."""
    torch.manual_seed(seed)
    m = make()
    entry = {"name": name, "seed": seed, "repr": repr(m),
             "parameters": {k: enc(v) for k, v in m.named_parameters()},
             "buffers": {k: enc(v) for k, v in m.named_buffers()}, "steps": []}
    for mode, x in steps:
        m.train(mode == "train")
        x = x.clone().requires_grad_(x.is_floating_point())
        y = m(x)
        g = torch.randn(y.shape, dtype=y.dtype)
        y.backward(g)
        entry["steps"].append({"mode": mode, "input": enc(x), "output": enc(y), "grad_fn": type(y.grad_fn).__name__,
                               "upstream": enc(g), "input_grad": enc(x.grad) if x.is_floating_point() else None,
                               "parameter_grads": {k: enc(v.grad) for k, v in m.named_parameters()},
                               "buffers": {k: enc(v) for k, v in m.named_buffers()}})
        m.zero_grad()
    MODULES.append(entry)


# ---- batch norm ------------------------------------------------------------------------------
group("batch_norm")
NF = [True, True, True, False, False]  # x, weight, bias require grad; the running stats do not
case("batch_norm_train_2d", lambda x, w, b, rm, rv: F.batch_norm(x, rm, rv, w, b, training=True),
     rnd(7, 5, scale=2, shift=1), rnd(5), rnd(5), rnd(5), pos(5), leaf=NF)
case("batch_norm_train_3d", lambda x, w, b, rm, rv: F.batch_norm(x, rm, rv, w, b, True, 0.3),
     rnd(4, 3, 9), rnd(3), rnd(3), rnd(3), pos(3), leaf=NF)
case("batch_norm_train_4d", lambda x, w, b, rm, rv: F.batch_norm(x, rm, rv, w, b, True, 0.1, 1e-3),
     rnd(3, 4, 5, 7), rnd(4), rnd(4), rnd(4), pos(4), leaf=NF)
case("batch_norm_train_5d_plain", lambda x: F.batch_norm(x, None, None, training=True), rnd(2, 3, 3, 2, 4))
case("batch_norm_train_weight_only", lambda x, w: F.batch_norm(x, None, None, w, None, training=True),
     rnd(5, 2, 3), rnd(2))
case("batch_norm_eval_2d", lambda x, w, b, rm, rv: F.batch_norm(x, rm, rv, w, b),
     rnd(6, 4), rnd(4), rnd(4), rnd(4), pos(4), leaf=NF)
case("batch_norm_eval_4d", lambda x, w, b, rm, rv: F.batch_norm(x, rm, rv, w, b, eps=0.01),
     rnd(2, 3, 4, 5), rnd(3), rnd(3), rnd(3), pos(3), leaf=NF)
case("batch_norm_eval_plain", lambda x, rm, rv: F.batch_norm(x, rm, rv), rnd(3, 2, 5), rnd(2), pos(2),
     leaf=[True, False, False])
case("batch_norm_double", lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
     rnd(4, 3, 5, dtype=torch.float64), rnd(3, dtype=torch.float64), rnd(3, dtype=torch.float64))

group("instance_norm")
case("instance_norm_plain", lambda x: F.instance_norm(x), rnd(2, 3, 6))
case("instance_norm_affine_running", lambda x, w, b, rm, rv: F.instance_norm(x, rm, rv, w, b, momentum=0.2),
     rnd(3, 2, 4, 3), rnd(2), rnd(2), rnd(2), pos(2), leaf=NF)
case("instance_norm_running_stats_eval",
     lambda x, w, b, rm, rv: F.instance_norm(x, rm, rv, w, b, use_input_stats=False),
     rnd(2, 3, 5), rnd(3), rnd(3), rnd(3), pos(3), leaf=NF)


def bn_train(x, w, b, rm, rv, momentum=0.1, eps=1e-5):
    y, m, i = torch.native_batch_norm(x, w, b, rm, rv, True, momentum, eps)
    return y, m, i


def bn_eval(x, w, b, rm, rv, eps=1e-5):
    return (torch.native_batch_norm(x, w, b, rm, rv, False, 0.1, eps)[0],)


exact("batch_norm_train_rows", bn_train, rnd(37, 5, scale=3, shift=2), rnd(5), rnd(5), rnd(5), pos(5))
exact("batch_norm_train_wide_rows", bn_train, rnd(9, 19, scale=3, shift=-1), rnd(19), rnd(19), rnd(19), pos(19))
exact("batch_norm_train_planes", bn_train, rnd(3, 5, 7, 3, scale=2, shift=1), rnd(5), rnd(5), rnd(5), pos(5))
exact("batch_norm_train_long_planes", lambda *a: bn_train(*a, momentum=0.37), rnd(5, 3, 131, scale=4, shift=3),
      rnd(3), rnd(3), rnd(3), pos(3))
exact("batch_norm_train_odd", bn_train, rnd(2, 3, 17), None, None, rnd(3), pos(3))
exact("batch_norm_eval_planes", bn_eval, rnd(3, 4, 5, 6), rnd(4), rnd(4), rnd(4), pos(4))
exact("batch_norm_eval_rows", bn_eval, rnd(11, 21), rnd(21), rnd(21), rnd(21), pos(21))
exact("batch_norm_train_double", bn_train, rnd(6, 4, 7, dtype=torch.float64), rnd(4, dtype=torch.float64),
      rnd(4, dtype=torch.float64), rnd(4, dtype=torch.float64), rnd(4, dtype=torch.float64).abs() + 0.5)

module_steps("BatchNorm1d", lambda: nn.BatchNorm1d(5),
             [("train", rnd(8, 5)), ("train", rnd(6, 5, 3)), ("train", rnd(4, 5, scale=2)), ("eval", rnd(3, 5)),
              ("train", rnd(5, 5))])
module_steps("BatchNorm1d_cumulative", lambda: nn.BatchNorm1d(3, momentum=None, affine=False),
             [("train", rnd(4, 3)), ("train", rnd(5, 3, shift=2)), ("train", rnd(6, 3, scale=3)), ("eval", rnd(2, 3))])
module_steps("BatchNorm2d", lambda: nn.BatchNorm2d(4, eps=1e-3, momentum=0.3),
             [("train", rnd(2, 4, 3, 5)), ("train", rnd(3, 4, 2, 2)), ("eval", rnd(1, 4, 3, 3))])
module_steps("BatchNorm3d_untracked", lambda: nn.BatchNorm3d(2, track_running_stats=False),
             [("train", rnd(2, 2, 3, 2, 2)), ("eval", rnd(2, 2, 2, 2, 3))])
module_steps("InstanceNorm1d_tracked", lambda: nn.InstanceNorm1d(3, affine=True, track_running_stats=True),
             [("train", rnd(2, 3, 6)), ("train", rnd(4, 3, 5)), ("eval", rnd(2, 3, 4)), ("train", rnd(3, 7))])
module_steps("InstanceNorm2d", lambda: nn.InstanceNorm2d(2), [("train", rnd(2, 2, 3, 4)), ("eval", rnd(2, 3, 3))])
module_steps("InstanceNorm3d", lambda: nn.InstanceNorm3d(2, affine=True), [("train", rnd(1, 2, 2, 3, 2))])


# ---- layer, group and local response norm, F.normalize (appended: the entries above keep their draws)
group("layer_norm")
case("layer_norm_affine", lambda x, w, b: F.layer_norm(x, (4,), w, b), rnd(3, 4, scale=2, shift=1), rnd(4), rnd(4))
case("layer_norm_two_dims", lambda x, w, b: F.layer_norm(x, (3, 5), w, b, eps=1e-3), rnd(2, 3, 5), rnd(3, 5),
     rnd(3, 5))
case("layer_norm_plain", lambda x: F.layer_norm(x, (6,)), rnd(2, 3, 6, scale=3))
case("layer_norm_weight_only", lambda x, w: F.layer_norm(x, (2, 3), w), rnd(4, 2, 3), rnd(2, 3))
case("layer_norm_long_rows", lambda x, w, b: F.layer_norm(x, (37,), w, b), rnd(3, 37, scale=2, shift=-1), rnd(37),
     rnd(37))
case("layer_norm_double", lambda x, w, b: F.layer_norm(x, (5,), w, b), rnd(3, 5, dtype=torch.float64),
     rnd(5, dtype=torch.float64), rnd(5, dtype=torch.float64))

group("group_norm")
case("group_norm_affine", lambda x, w, b: F.group_norm(x, 2, w, b), rnd(3, 4, 5, scale=2, shift=1), rnd(4), rnd(4))
case("group_norm_plain", lambda x: F.group_norm(x, 3), rnd(2, 6, 2, 2))
case("group_norm_rows", lambda x, w, b: F.group_norm(x, 2, w, b, eps=1e-3), rnd(3, 4), rnd(4), rnd(4))
case("group_norm_one_group", lambda x, w: F.group_norm(x, 1, w), rnd(2, 3, 4), rnd(3))
case("group_norm_double", lambda x, w, b: F.group_norm(x, 3, w, b), rnd(2, 6, 3, dtype=torch.float64),
     rnd(6, dtype=torch.float64), rnd(6, dtype=torch.float64))

group("local_response_norm")
case("local_response_norm_3d", lambda x: F.local_response_norm(x, 2), rnd(2, 5, 4, scale=3))
case("local_response_norm_4d", lambda x: F.local_response_norm(x, 3, alpha=1e-2, beta=0.6, k=2.), rnd(2, 4, 3, 2, scale=2))
case("local_response_norm_5d", lambda x: F.local_response_norm(x, 4, alpha=0.1), rnd(1, 3, 2, 2, 2))
case("local_response_norm_double", lambda x: F.local_response_norm(x, 3, alpha=0.5), rnd(2, 4, 3, dtype=torch.float64))

group("normalize")
case("normalize_default", lambda x: F.normalize(x), rnd(3, 4))
case("normalize_p1_last", lambda x: F.normalize(x, p=1.0, dim=-1), rnd(2, 3, 4))
case("normalize_p3_dim0", lambda x: F.normalize(x, p=3.0, dim=0), rnd(4, 3))
case("normalize_clamped", lambda x: F.normalize(x, eps=0.5), rnd(2, 3, scale=0.1))
case("normalize_double", lambda x: F.normalize(x, dim=1), rnd(2, 3, 2, dtype=torch.float64))

module_steps("LayerNorm", lambda: nn.LayerNorm([3, 4], eps=1e-4),
             [("train", rnd(2, 3, 4)), ("eval", rnd(5, 3, 4, scale=2))])
module_steps("LayerNorm_plain", lambda: nn.LayerNorm(5, elementwise_affine=False), [("train", rnd(3, 5))])
module_steps("GroupNorm", lambda: nn.GroupNorm(3, 6), [("train", rnd(2, 6, 4)), ("eval", rnd(3, 6, 2, 2))])
module_steps("GroupNorm_plain", lambda: nn.GroupNorm(2, 4, eps=1e-3, affine=False), [("train", rnd(3, 4))])
module_steps("LocalResponseNorm", lambda: nn.LocalResponseNorm(3, alpha=1e-2, beta=0.7, k=1.5),
             [("train", rnd(2, 5, 3, 2, scale=3))])
module_steps("CrossMapLRN2d", lambda: nn.CrossMapLRN2d(3, alpha=1e-2, beta=0.7, k=2),
             [("train", rnd(2, 5, 3, 2, scale=3))])
module_steps("CrossMapLRN2d_wide", lambda: nn.CrossMapLRN2d(4), [("train", rnd(1, 6, 2, 3, scale=4))])

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "norm.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "cases": CASES, "exact": EXACT, "modules": MODULES, "draws": DRAWS}, f,
              indent=None, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(CASES)} cases, {len(EXACT)} exact, {len(MODULES)} modules, {len(DRAWS)} draws to {out}")
