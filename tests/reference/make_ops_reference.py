#!/usr/bin/env python3
"""Writes ops.json: forward values, grad_fn names and gradients that PyTorch 1.13 computes for the
ops of xgrad's Tensor core. Run by hand with Debian's python3-torch:

    /usr/bin/python3 tests/reference/make_ops_reference.py

tests/ops/test_<group>.cpp replays every case of its group by name (each test's table maps the
name to the same expression in C++; test_activation.cpp also takes the softmax group, and
test_elementwise.cpp the in-place ops), compares values and gradients to float32 rounding, checks
the grad_fn name, and runs a float64 gradcheck on the expression.
"""
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(20261123)
CASES = []
GROUP = None  # which source file the op lives in (src/ops/<group>.cpp); set below per block


def rnd(*shape, positive=False, lo=None):
    t = torch.randn(*shape)
    if positive:
        t = t.abs() + 0.5
    return t


def case(name, fn, *inputs):
    """inputs: float tensors become leaves that require grad; others are passed as they are."""
    ins = [t.detach().clone().requires_grad_(t.is_floating_point()) for t in inputs]
    out = fn(*ins)
    entry = {
        "group": GROUP,
        "name": name,
        "inputs": [enc(t) for t in ins],
        "output": enc(out),
        "grad_fn": type(out.grad_fn).__name__ if out.grad_fn is not None else None,
    }
    if out.requires_grad:
        g = torch.randn(out.shape)
        grads = torch.autograd.grad(out, [t for t in ins if t.requires_grad], g, allow_unused=True)
        it = iter(grads)
        entry["upstream"] = enc(g)
        entry["grads"] = [enc(next(it)) if t.requires_grad else None for t in ins]
        entry["grads"] = [x if x is None or x["values"] is not None else None for x in entry["grads"]]
    CASES.append(entry)


def enc(t):
    if t is None:
        return {"values": None}
    t = t.detach()
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""),
            "values": [v if not isinstance(v, bool) else int(v) for v in t.reshape(-1).tolist()]}


A, B = rnd(2, 3), rnd(2, 3)
P = rnd(2, 3, positive=True)
X3 = rnd(2, 3, 4)

# arithmetic with broadcasting
GROUP = "elementwise"
case("add", lambda a, b: a + b, A, B)
case("add_broadcast", lambda a, b: a + b, rnd(2, 3), rnd(3))
case("add_scalar", lambda a: a + 2.5, A)
case("add_alpha", lambda a, b: torch.add(a, b, alpha=2), A, B)
case("sub", lambda a, b: a - b, A, B)
case("sub_broadcast", lambda a, b: a - b, rnd(3, 1), rnd(1, 4))
case("sub_scalar", lambda a: a - 1.5, A)
case("rsub", lambda a: 1 - a, A)
case("mul", lambda a, b: a * b, A, B)
case("mul_broadcast", lambda a, b: a * b, rnd(4, 1, 3), rnd(2, 1))
case("mul_scalar", lambda a: a * 3, A)
case("div", lambda a, b: a / b, A, P)
case("div_broadcast", lambda a, b: a / b, rnd(2, 3), rnd(3, positive=True))
case("div_scalar", lambda a: a / 4, A)
case("rdiv", lambda a: 2 / a, P)
case("neg", lambda a: -a, A)
case("mul_int_tensor", lambda a, b: a * b, A, torch.tensor([1, 2, 3]))
case("add_zero_dim_double", lambda a, b: a + b, A, torch.tensor(0.25, dtype=torch.float64))

# unary maths
case("exp", torch.exp, A)
case("log", torch.log, P)
case("log1p", torch.log1p, P)
case("sqrt", torch.sqrt, P)
case("rsqrt", torch.rsqrt, P)
case("abs", torch.abs, A)
case("sign", torch.sign, A)
case("square", torch.square, A)
case("reciprocal", torch.reciprocal, P)
case("sin", torch.sin, A)
case("cos", torch.cos, A)
case("pow_2", lambda a: a.pow(2), A)
case("pow_3", lambda a: a.pow(3), A)
case("pow_half", lambda a: a.pow(0.5), P)
case("pow_neg", lambda a: a.pow(-1.5), P)
case("pow_0", lambda a: a.pow(0), A)
case("pow_tensor", lambda a, b: a.pow(b), P, B)
case("pow_scalar_base", lambda b: torch.pow(2, b), B)
case("clamp", lambda a: a.clamp(-0.5, 0.5), A)
case("clamp_min", lambda a: a.clamp_min(0.1), A)
case("clamp_max", lambda a: a.clamp_max(0.1), A)
case("maximum", torch.maximum, A, B)
case("minimum", torch.minimum, A, B)
case("xlogy", torch.xlogy, A, P)

# activations
GROUP = "activation"
case("relu", torch.relu, A)
case("sigmoid", torch.sigmoid, A)
case("tanh", torch.tanh, A)
case("softplus", F.softplus, A * 3)
case("softplus_beta", lambda a: F.softplus(a, beta=2, threshold=1), A)
case("log_sigmoid", F.logsigmoid, A * 3)
GROUP = "softmax"
case("softmax_dim0", lambda a: torch.softmax(a, 0), X3)
case("softmax_dim1", lambda a: torch.softmax(a, 1), X3)
case("softmax_dim_last", lambda a: torch.softmax(a, -1), X3)
case("log_softmax_dim0", lambda a: torch.log_softmax(a, 0), X3)
case("log_softmax_dim1", lambda a: torch.log_softmax(a, 1), X3)
case("log_softmax_dim_last", lambda a: torch.log_softmax(a, -1), X3)
case("log_softmax_wide", lambda a: torch.log_softmax(a, 1), rnd(3, 37) * 4)

# reductions
GROUP = "reduction"
case("sum", torch.sum, X3)
case("sum_dim", lambda a: a.sum(1), X3)
case("sum_dims_keepdim", lambda a: a.sum((0, 2), keepdim=True), X3)
case("sum_neg_dim", lambda a: a.sum(-1), X3)
case("mean", torch.mean, X3)
case("mean_dim", lambda a: a.mean(1), X3)
case("mean_dims_keepdim", lambda a: a.mean((0, 2), keepdim=True), X3)
case("max_all", torch.max, X3)
case("min_all", torch.min, X3)
case("max_dim", lambda a: a.max(1)[0], X3)
case("max_dim_keepdim", lambda a: a.max(2, keepdim=True)[0], X3)
case("min_dim", lambda a: a.min(0)[0], X3)
case("max_dim_indices", lambda a: a.max(1)[1], X3)
case("argmax", lambda a: a.argmax(), X3)
case("argmax_dim", lambda a: a.argmax(2), X3)
case("argmin_dim_keepdim", lambda a: a.argmin(1, keepdim=True), X3)
case("amax", lambda a: a.amax(1), X3)
case("amin_dims", lambda a: a.amin((0, 1)), X3)
case("logsumexp", lambda a: a.logsumexp(1), X3)
case("logsumexp_keepdim", lambda a: a.logsumexp(-1, keepdim=True), X3)

# views and joins
GROUP = "shape_ops"
case("view", lambda a: a.view(4, 6), X3)
case("view_infer", lambda a: a.view(-1, 4), X3)
case("reshape", lambda a: a.reshape(6, 4), X3)
case("reshape_copy", lambda a: a.t().reshape(6), A)
case("flatten", lambda a: a.flatten(), X3)
case("flatten_range", lambda a: a.flatten(1), X3)
case("t", lambda a: a.t(), A)
case("transpose", lambda a: a.transpose(0, 2), X3)
case("permute", lambda a: a.permute(2, 0, 1), X3)
case("slice", lambda a: a[:, 1:], A)
case("slice_step", lambda a: a[:, ::2], X3)
case("narrow", lambda a: a.narrow(2, 1, 2), X3)
case("select", lambda a: a.select(1, 2), X3)
case("index0", lambda a: a[1], X3)
case("squeeze", lambda a: a.unsqueeze(1).squeeze(), A)
case("squeeze_dim", lambda a: a.unsqueeze(0).squeeze(0), A)
case("unsqueeze", lambda a: a.unsqueeze(1), A)
case("expand", lambda a: a.expand(4, 2, 3), A)
case("expand_singleton", lambda a: a.expand(3, 5), rnd(3, 1))
case("contiguous", lambda a: a.t().contiguous(), A)
case("cat", lambda a, b: torch.cat([a, b], 1), A, rnd(2, 2))
case("stack", lambda a, b: torch.stack([a, b], 1), A, B)
case("unbind", lambda a: a.unbind(1)[2] * 2 + a.unbind(1)[0], A)
case("split", lambda a: a.split(2, 1)[1], X3)
case("chunk", lambda a: a.chunk(2, 0)[1], X3)

# indexing
GROUP = "indexing"
case("index_select", lambda a, i: a.index_select(1, i), X3, torch.tensor([2, 0, 2]))
case("gather", lambda a, i: a.gather(1, i), A, torch.tensor([[0, 2], [1, 1]]))
case("scatter_add", lambda a, i, s: a.scatter_add(1, i, s), A, torch.tensor([[0, 2], [1, 1]]), rnd(2, 2))
case("index_add", lambda a, i, s: a.index_add(0, i, s), rnd(3, 2), torch.tensor([2, 0, 2]), rnd(3, 2))
case("masked_fill", lambda a: a.masked_fill(a > 0, 0.5), A)
case("where", lambda a, b: torch.where(a > b, a, b), A, B)

# linear algebra
GROUP = "linalg"
case("mm", torch.mm, rnd(2, 3), rnd(3, 4))
case("mm_transposed", lambda a, b: a.t().mm(b.t()), rnd(3, 2), rnd(4, 3))
case("bmm", torch.bmm, rnd(2, 2, 3), rnd(2, 3, 4))
case("matmul_3d_2d", torch.matmul, rnd(2, 2, 3), rnd(3, 4))
case("matmul_broadcast", torch.matmul, rnd(2, 1, 2, 3), rnd(3, 3, 2))
case("matmul_1d_2d", torch.matmul, rnd(3), rnd(3, 2))
case("matmul_2d_1d", torch.matmul, rnd(2, 3), rnd(3))
case("mv", torch.mv, rnd(2, 3), rnd(3))
case("dot", torch.dot, rnd(3), rnd(3))
case("addmm", torch.addmm, rnd(4), rnd(2, 3), rnd(3, 4))

# copies and dtypes
GROUP = "elementwise"
case("to_double", lambda a: a.to(torch.float64), A)
case("clone", lambda a: a.clone(), A)
case("compare_lt", lambda a, b: (a < b), A, B)
case("compare_eq_scalar", lambda a: (a == 0), torch.tensor([0., 1., 0.]))
case("int_sum", lambda a: a.sum(), torch.tensor([[1, 2], [3, 4]]))
case("int_div", lambda a: a / 2, torch.tensor([1, 2, 3]))
case("int_exp", lambda a: a.exp(), torch.tensor([0, 1, 2]))

# three operands (added last, so the draws above keep their values)
GROUP = "elementwise"
case("addcmul", lambda a, b, c: torch.addcmul(a, b, c, value=0.5), A, B, rnd(3))
case("addcdiv", lambda a, b, c: torch.addcdiv(a, b, c, value=-2), A, B, P)
case("lerp", lambda a, b: torch.lerp(a, b, 0.3), A, B)
case("lerp_high_weight", lambda a, b: torch.lerp(a, b, 0.75), A, B)

# the public in-place ops, each on a copy (an in-place op on a leaf that requires grad is refused)
GROUP = "inplace"
case("addcmul_", lambda a, b, c: a.clone().addcmul_(b, c, value=0.5), A, B, rnd(2, 3))
case("addcdiv_", lambda a, b, c: a.clone().addcdiv_(b, c, value=-2), A, B, P)
case("lerp_", lambda a, b: a.clone().lerp_(b, 0.75), A, B)
case("sqrt_", lambda a: a.clone().sqrt_(), P)
case("neg_", lambda a: a.clone().neg_(), A)
case("clamp_", lambda a: a.clone().clamp_(-0.5, 0.5), A)
case("clamp_min_", lambda a: a.clone().clamp_min_(0.1), A)
case("clamp_max_", lambda a: a.clone().clamp_max_(0.1), A)

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ops.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "cases": CASES}, f, indent=None, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(CASES)} cases to {out}")
