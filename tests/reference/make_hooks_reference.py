#!/usr/bin/env python3
"""Writes hooks.json: what a hook on every node of a graph sees in PyTorch 1.13, for the graphs
where xgrad takes a shortcut when nobody watches (the fused cross entropy, the fused backward
kernels of sigmoid, tanh, softmax and log_softmax, the one-node losses): at each node, in the
order the engine runs them, the gradients its prehook receives and those its hook returns, and
with create_graph the grad_fn each of them carries. Run by hand with Debian's python3-torch:

    /usr/bin/python3 tests/reference/make_hooks_reference.py

tests/autograd/test_hooks_reference.cpp builds each graph with the same C++ expression, registers
the same hooks on every node and compares what they see (see Note [Shortcuts nobody can see] in
src/autograd/engine.cpp).
"""
import json
import math
import os

import torch
import torch.nn.functional as F

torch.manual_seed(12)
CASES = []


def enc(t):
    if t is None:
        return None
    t = t.detach()
    vals = []
    for v in t.reshape(-1).tolist():
        if isinstance(v, float) and not math.isfinite(v):
            vals.append("nan" if math.isnan(v) else ("inf" if v > 0 else "-inf"))
        else:
            vals.append(int(v) if isinstance(v, bool) else v)
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""), "values": vals}


def fn_name(t):
    return type(t.grad_fn).__name__ if t is not None and t.grad_fn is not None else None


def nodes_of(root):
    """Every node reachable from root, keyed by the first path to it (next_functions indices,
    depth first): the same keys name the same nodes in xgrad's graph."""
    keys, stack = {}, [(root, "r")]
    while stack:
        fn, key = stack.pop()
        if fn is None or fn in keys:
            continue
        keys[fn] = key
        for i in reversed(range(len(fn.next_functions))):
            stack.append((fn.next_functions[i][0], f"{key}.{i}"))
    return keys


def case(name, fn, *inputs, create_graph=False):
    """inputs: float tensors become leaves that require grad; others are passed as they are."""
    ins = [t.detach().clone().requires_grad_(t.is_floating_point()) for t in inputs]
    out = fn(*ins)
    keys = nodes_of(out.grad_fn)
    events = []

    def pre(key, node):
        def hook(grad_outputs):
            events.append({"node": key, "name": type(node).__name__, "kind": "pre",
                           "grads": [enc(g) for g in grad_outputs], "grad_fns": [fn_name(g) for g in grad_outputs]})
        return hook

    def post(key, node):
        def hook(grad_inputs, grad_outputs):
            events.append({"node": key, "name": type(node).__name__, "kind": "post",
                           "grads": [enc(g) for g in grad_inputs], "grad_fns": [fn_name(g) for g in grad_inputs]})
        return hook

    for node, key in keys.items():
        if type(node).__name__ == "AccumulateGrad":
            continue  # a leaf's gradient is checked below
        node.register_prehook(pre(key, node))
        node.register_hook(post(key, node))
    upstream = torch.randn(out.shape, dtype=out.dtype)
    diff = [t for t in ins if t.requires_grad]
    grads = torch.autograd.grad(out, diff, upstream, create_graph=create_graph)
    entry = {"name": name, "create_graph": create_graph, "inputs": [enc(t) for t in ins], "upstream": enc(upstream),
             "nodes": {k: type(n).__name__ for n, k in keys.items()}, "events": events,
             "grads": [enc(g) for g in grads], "grad_grad_fns": [fn_name(g) for g in grads]}
    if create_graph:
        # Double backward: the first gradients weighted by v, differentiated again. The hooks of
        # the first graph fire again wherever the second backward passes through it.
        entry["events"] = list(events)
        events.clear()
        vs = [torch.randn(g.shape, dtype=g.dtype) for g in grads]
        total = sum((g * v).sum() for g, v in zip(grads, vs))
        second = torch.autograd.grad(total, diff, allow_unused=True)
        entry["double"] = {"weights": [enc(v) for v in vs], "events": list(events), "grads": [enc(g) for g in second]}
    CASES.append(entry)


# The tensors the expressions use besides their inputs, written out for the C++ side.
X = torch.randn(4, 5)
Y = torch.tensor([1, -100, 4, 0])
W = torch.rand(5) + 0.1
T = torch.rand(4, 5)
YW = torch.randint(70, (3,))
CONSTANTS = {"Y": Y, "W": W, "T": T, "YW": YW}

# ---- the fused cross entropy: NllLossBackward0 -> LogSoftmaxBackward0 -------------------------
case("ce_mean", lambda x: F.cross_entropy(x, Y), X)
case("ce_mean_weight_ignore", lambda x: F.cross_entropy(x, Y, weight=W), X)
case("ce_sum", lambda x: F.cross_entropy(x, Y, reduction="sum"), X)
case("ce_none_weight", lambda x: F.cross_entropy(x, Y, weight=W, reduction="none"), X)
case("ce_unbatched", lambda x: F.cross_entropy(x, torch.tensor(3)), X[0])
case("ce_double", lambda x: F.cross_entropy(x, Y, weight=W.double()), X.double())
case("ce_wide", lambda x: F.cross_entropy(x, YW), torch.randn(3, 70) * 3)
case("ce_after_linear", lambda x, w, b: F.cross_entropy(F.linear(x, w, b), torch.tensor([2, 0, 1])),
     torch.randn(3, 4), torch.randn(3, 4), torch.randn(3))
case("ce_create_graph", lambda x: F.cross_entropy(x, Y, weight=W), X, create_graph=True)
case("ce_none_create_graph", lambda x: F.cross_entropy(x, Y, reduction="none"), X, create_graph=True)
case("nll_create_graph", lambda x: F.nll_loss(x, Y, weight=W), X, create_graph=True)

# ---- the other fused backward kernels and one-node losses -------------------------------------
case("bce_of_sigmoid", lambda x: F.binary_cross_entropy(torch.sigmoid(x), T), X)
case("bce_weight_none", lambda x, t: F.binary_cross_entropy(torch.sigmoid(x), t, weight=W, reduction="none"), X, T)
case("bce_with_logits", lambda x: F.binary_cross_entropy_with_logits(x, T, pos_weight=W), X)
case("mse_of_tanh", lambda x: F.mse_loss(torch.tanh(x), T), X)
case("nll_of_log_softmax", lambda x: F.nll_loss(F.log_softmax(x, 1), Y, weight=W), X)
case("softmax_dim0", lambda x: torch.softmax(x, 0) * T, X)
case("ce_probabilities", lambda x: F.cross_entropy(x, T.softmax(1)), X)
case("ce_3d", lambda x: F.cross_entropy(x, torch.tensor([[0, 2], [1, 1]])), torch.randn(2, 3, 2))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "hooks.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "constants": {k: enc(v) for k, v in CONSTANTS.items()}, "cases": CASES}, f,
              separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(CASES)} cases to {out}")
