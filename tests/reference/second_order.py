"""Shared by the reference scripts that record second derivatives (make_linalg_reference.py,
make_double_backward_reference.py). A case runs one expression in PyTorch 1.13 and records:

  output, its grad_fn name and the graph behind it (graph());
  for a random upstream gradient u: the first gradients g_i = d<out, u>/dx_i, computed with
  create_graph=True, and for each g_i whether it requires grad, its grad_fn name and graph;
  when some g_i requires grad: random weights w_i and the second derivatives
  d(sum_i <g_i, w_i>)/dx_j.

tests/support/reference.cpp (run_reference_file) replays each case by name and checks all of it.
"""
import json

import torch

CASES = []
GROUP = [None]  # the test group a case belongs to; set with group()


def group(name):
    GROUP[0] = name


def enc(t):
    if t is None:
        return None
    t = t.detach()
    if t._is_zerotensor():  # PyTorch's lazy zeros (the derivative of sgn): store them as zeros
        t = torch.zeros(t.shape, dtype=t.dtype)
    values = [v if not isinstance(v, bool) else int(v) for v in t.reshape(-1).tolist()]
    if t.dtype == torch.float32:  # 9 significant digits bring a float32 back exactly
        values = [float(f"{v:.9g}") for v in values]
    elif t.dtype == torch.float64:  # 12 are far below the tests' tolerance (rtol 1e-5)
        values = [float(f"{v:.12g}") for v in values]
    values = [v if v == v and v not in (float("inf"), float("-inf")) else str(v) for v in values]
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""), "values": values}


def grad_fn_name(t):
    return type(t.grad_fn).__name__ if t is not None and t.grad_fn is not None else None


def graph(fn):
    """The graph behind a grad_fn as text, "MmBackward0(TBackward0(AccumulateGrad),AccumulateGrad)":
    each node's name, then the nodes its gradients go to (inputs that need none are left out)."""
    if fn is None:
        return None
    kids = [graph(f) for f, _ in fn.next_functions if f is not None]
    return type(fn).__name__ + ("(" + ",".join(kids) + ")" if kids else "")


def case(name, fn, *inputs, leaf=None):
    """inputs: floating tensors become leaves that require grad (unless leaf[i] is False), others
    are passed as they are. Each input is cloned, so a view passed in arrives contiguous: build
    views inside fn."""
    if leaf is None:
        leaf = [True] * len(inputs)
    ins = [t.detach().clone().requires_grad_(t.is_floating_point() and l) for t, l in zip(inputs, leaf)]
    out = fn(*ins)
    entry = {"group": GROUP[0], "name": name, "inputs": [enc(t) for t in ins],
             "requires_grad": [bool(t.requires_grad) for t in ins],
             "output": enc(out), "grad_fn": grad_fn_name(out), "graph": graph(out.grad_fn)}
    diff = [t for t in ins if t.requires_grad]
    if out.requires_grad:
        u = torch.randn(out.shape, dtype=out.dtype)
        grads = torch.autograd.grad(out, diff, u, allow_unused=True, create_graph=True)
        it = iter(grads)
        g = [next(it) if t.requires_grad else None for t in ins]
        entry["upstream"] = enc(u)
        entry["grads"] = [enc(x) for x in g]
        entry["grad_requires_grad"] = [None if x is None else bool(x.requires_grad) for x in g]
        entry["grad_grad_fn"] = [grad_fn_name(x) for x in g]
        entry["grad_graphs"] = [None if x is None else graph(x.grad_fn) for x in g]
        if any(x is not None and x.requires_grad for x in g):
            w = [None if x is None else torch.randn(x.shape, dtype=x.dtype) for x in g]
            s = sum((x * wi).sum() for x, wi in zip(g, w) if x is not None and x.requires_grad)
            entry["weights"] = [enc(x) for x in w]
            try:
                second = torch.autograd.grad(s, diff, allow_unused=True)
            except RuntimeError as e:  # PyTorch has no derivative for this backward: record its message
                entry["second_error"] = str(e)
            else:
                it = iter(second)
                entry["second"] = [enc(next(it)) if t.requires_grad else None for t in ins]
    CASES.append(entry)
    return entry


def write(path):
    with open(path, "w") as f:
        json.dump({"torch": torch.__version__, "cases": CASES}, f, indent=None, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(CASES)} cases to {path}")


def summary():
    """One line per case: what the first gradients are (for reading the survey)."""
    for c in CASES:
        if "grads" not in c:
            continue
        parts = []
        for rg, fn in zip(c["grad_requires_grad"], c["grad_grad_fn"]):
            if rg is not None:
                parts.append(f"{'rg' if rg else '--'} {fn}")
        sec = "2nd" if "second" in c else "ERR" if "second_error" in c else "   "
        print(f"{c['group']:12s} {c['name']:32s} {c['grad_fn'] or '-':28s} {sec} {' | '.join(parts)}")
