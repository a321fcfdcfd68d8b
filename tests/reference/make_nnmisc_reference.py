#!/usr/bin/env python3
"""Writes nnmisc.json: what PyTorch 1.13 computes for torch.pdist, Tensor.exponential_ and
F.gumbel_softmax after a seed, and nn.AdaptiveLogSoftmaxWithLoss (its initial parameters after a
seed, forward's output and loss, log_prob, predict, gradients), plus the errors each refuses with.
Run by hand with Debian's python3-torch:

    /usr/bin/python3 tests/reference/make_nnmisc_reference.py

"cases" has the format of ops.json (value, dtype, grad_fn, gradients, float64 gradcheck), replayed
by tests/nn/test_nnmisc.cpp; "draws", "asm" and "errors" are read there by name.
New cases go at the end of their list, so that the draws above them keep their values.
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(20261313)
CASES, DRAWS, ASM, ERRORS = [], [], [], []
GROUP = None


def rnd(*shape):
    return torch.randn(*shape)


def enc(t):
    """Float32 values with 9 significant digits, which give back the same float32 exactly."""
    t = t.detach()
    values = t.reshape(-1).tolist()
    if t.dtype in (torch.float32, torch.float16, torch.bfloat16):
        values = [float("%.9g" % v) for v in values]
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""), "values": values}


def case(name, fn, *inputs, gradcheck=True):
    ins = [t.detach().clone().requires_grad_(t.is_floating_point()) for t in inputs]
    out = fn(*ins)
    entry = {"group": GROUP, "name": name, "inputs": [enc(t) for t in ins], "output": enc(out),
             "grad_fn": type(out.grad_fn).__name__ if out.grad_fn is not None else None}
    if not gradcheck:
        entry["gradcheck"] = False
    if out.requires_grad:
        g = torch.randn(out.shape, dtype=out.dtype)
        grads = torch.autograd.grad(out, [t for t in ins if t.requires_grad], g, allow_unused=True)
        it = iter(grads)
        entry["upstream"] = enc(g)
        entry["grads"] = [enc(next(it)) if t.requires_grad else None for t in ins]
    CASES.append(entry)


def error(name, fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        ERRORS.append({"name": name, "type": type(e).__name__, "message": str(e)})
        return
    raise AssertionError(f"{name} did not raise")


# ---- pdist ----
GROUP = "pdist"
case("pdist", torch.pdist, rnd(5, 3))
case("pdist_p1", lambda x: torch.pdist(x, 1), rnd(4, 3))
case("pdist_p0", lambda x: torch.pdist(x, 0), torch.tensor([[1.0, 2.0, 3.0], [1.0, 0.0, 3.0], [0.0, 2.0, 0.0]]),
     gradcheck=False)
case("pdist_p1_5", lambda x: torch.pdist(x, 1.5), rnd(4, 5))
case("pdist_p0_5", lambda x: torch.pdist(x, 0.5), rnd(3, 4))
case("pdist_p3", lambda x: torch.pdist(x, 3), rnd(4, 2))
case("pdist_inf", lambda x: torch.pdist(x, float("inf")), rnd(4, 3))
case("pdist_double", lambda x: torch.pdist(x, 2.5), rnd(4, 3).double())
case("pdist_one_row", torch.pdist, rnd(1, 3))
case("pdist_transposed", torch.pdist, rnd(3, 4).t())
# A repeated row: the distance 0 gives gradient 0 (ATen's choice at the kink).
case("pdist_repeated_row", torch.pdist, torch.tensor([[1.0, 2.0], [1.0, 2.0], [0.5, -1.0]]), gradcheck=False)
error("pdist_3d", lambda: torch.pdist(rnd(2, 3, 4)))
error("pdist_long", lambda: torch.pdist(torch.ones(3, 2, dtype=torch.long)))
error("pdist_negative_p", lambda: torch.pdist(rnd(3, 2), -1))


def draw_backward():
    x = rnd(4, 3).double().requires_grad_()
    g = torch.autograd.grad(torch.pdist(x).sum(), x, create_graph=True)[0]
    torch.autograd.grad(g.sum(), x)


error("pdist_double_backward", draw_backward)

# ---- exponential_ and gumbel_softmax, after manual_seed(seed) ----
for seed, dtype, lambd, shape in [(0, torch.float32, 1.0, [7]), (1, torch.float64, 2.5, [3, 4]),
                                  (2, torch.float32, 0.5, [2, 3, 5]), (3, torch.float16, 1.0, [5])]:
    torch.manual_seed(seed)
    e = torch.empty(shape, dtype=dtype).exponential_(lambd)
    DRAWS.append({"name": f"exponential_{seed}", "seed": seed, "lambd": lambd, "value": enc(e),
                  "next_rand": torch.rand(1).item()})
error("exponential_negative", lambda: torch.empty(3).exponential_(-1))
error("exponential_long", lambda: torch.empty(3, dtype=torch.long).exponential_())

LOGITS = rnd(3, 4)
for name, kwargs in [("soft", {}), ("tau", {"tau": 0.5}), ("hard", {"hard": True}),
                     ("hard_dim0", {"hard": True, "dim": 0, "tau": 2.0})]:
    torch.manual_seed(11)
    x = LOGITS.clone().requires_grad_()
    y = F.gumbel_softmax(x, **kwargs)
    g = torch.randn(y.shape)
    (grad,) = torch.autograd.grad(y, x, g)
    DRAWS.append({"name": f"gumbel_{name}", "seed": 11, "kwargs": kwargs, "logits": enc(LOGITS), "value": enc(y),
                  "grad_fn": type(y.grad_fn).__name__, "upstream": enc(g), "grad": enc(grad)})

# ---- AdaptiveLogSoftmaxWithLoss ----
for seed, (inf, ncls, cutoffs, div, hb) in [(5, (8, 10, [4, 8], 2.0, True)), (6, (16, 20, [4, 10, 15], 2.0, False)),
                                           (7, (6, 5, [2], 4.0, False))]:
    torch.manual_seed(seed)
    m = nn.AdaptiveLogSoftmaxWithLoss(inf, ncls, cutoffs, div_value=div, head_bias=hb)
    params = {k: enc(v) for k, v in m.named_parameters()}
    x = torch.randn(6, inf)
    target = torch.randint(0, ncls, (6,))
    target[:len(cutoffs) + 1] = torch.tensor([c - 1 for c in cutoffs] + [ncls - 1])  # every cluster in use
    xr = x.clone().requires_grad_()
    out = m(xr, target)
    g = torch.randn(6)
    grads = torch.autograd.grad(out.output, [xr] + list(m.parameters()), g)
    ASM.append({"seed": seed, "in_features": inf, "n_classes": ncls, "cutoffs": cutoffs, "div_value": div,
                "head_bias": hb, "params": params, "input": enc(x), "target": target.tolist(),
                "output": enc(out.output), "loss": out.loss.item(), "grad_fn": type(out.output.grad_fn).__name__,
                "upstream": enc(g), "grad_input": enc(grads[0]),
                "grad_params": {k: enc(v) for (k, _), v in zip(m.named_parameters(), grads[1:])},
                "log_prob": enc(m.log_prob(x)), "predict": m.predict(x).tolist(),
                "single_output": m(x[1], target[1]).output.item()})
M = nn.AdaptiveLogSoftmaxWithLoss(8, 4, [2], div_value=2.0)
error("asm_cutoffs_unsorted", lambda: nn.AdaptiveLogSoftmaxWithLoss(8, 4, [3, 2]))
error("asm_cutoffs_too_big", lambda: nn.AdaptiveLogSoftmaxWithLoss(8, 4, [4]))
error("asm_target_range", lambda: M(torch.randn(3, 8), torch.tensor([0, 1, 5])))
error("asm_batch_mismatch", lambda: M(torch.randn(3, 8), torch.tensor([0, 1])))
error("asm_multi_target", lambda: M(torch.randn(3, 8), torch.tensor([[1]])))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nnmisc.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "cases": CASES, "draws": DRAWS, "asm": ASM, "errors": ERRORS}, f,
              indent=None, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(CASES)} cases, {len(DRAWS)} draws, {len(ASM)} modules and {len(ERRORS)} errors to {out}")
