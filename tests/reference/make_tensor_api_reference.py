#!/usr/bin/env python3
"""Writes tensor_api.json: what PyTorch 1.13 computes for the Tensor API libtorch's conformance
tests use (issue 10): var/std and var_mean/std_mean with dims, keepdim, unbiased and correction;
erf/erfc; round/floor/ceil/trunc; remainder (%); max/min of two tensors; isinf/isfinite/isnan;
and the same ops on the other dtypes. Run by hand with Debian's python3-torch:

    /usr/bin/python3 tests/reference/make_tensor_api_reference.py

"cases" are replayed by tests/ops/test_tensor_api.cpp as ops.json's are (values, grad_fn name,
gradients for the same upstream gradient, float64 gradcheck); "dtype_cases" are values only
(float16, bfloat16, integer and bool inputs), which the same file checks by name.
"""
import json
import os

import torch

torch.manual_seed(20261202)
CASES = []
DTYPE_CASES = []
GROUP = None


def enc(t):
    if t is None:
        return {"values": None}
    t = t.detach()
    vals = t.reshape(-1).tolist()
    out = []
    for v in vals:
        if isinstance(v, bool):
            out.append(int(v))
        elif isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
            out.append(str(v))  # NaN and infinities as strings (std::stod reads them)
        else:
            out.append(v)
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""), "values": out}


def case(name, fn, *inputs, gradcheck=True):
    """Float inputs become leaves that require grad; others are passed as they are."""
    ins = [t.detach().clone().requires_grad_(t.is_floating_point()) for t in inputs]
    out = fn(*ins)
    entry = {"group": GROUP, "name": name, "inputs": [enc(t) for t in ins], "output": enc(out),
             "grad_fn": type(out.grad_fn).__name__ if out.grad_fn is not None else None}
    if not gradcheck:
        entry["gradcheck"] = False
    if out.requires_grad:
        g = torch.randn(out.shape)
        grads = torch.autograd.grad(out, [t for t in ins if t.requires_grad], g, allow_unused=True)
        it = iter(grads)
        entry["upstream"] = enc(g)
        entry["grads"] = [enc(next(it)) if t.requires_grad else None for t in ins]
        entry["grads"] = [x if x is None or x["values"] is not None else None for x in entry["grads"]]
    CASES.append(entry)


def value_case(name, fn, x):
    DTYPE_CASES.append({"name": name, "input": enc(x), "output": enc(fn(x))})


X = torch.randn(3, 4, 5)
A = torch.randn(2, 3)

GROUP = "std_var"
case("var", lambda a: a.var(), X)
case("var_biased", lambda a: a.var(unbiased=False), X)
case("var_dim", lambda a: a.var(1), X)
case("var_dim_keepdim", lambda a: a.var(1, keepdim=True), X)
case("var_dims_biased", lambda a: a.var((0, 2), unbiased=False), X)
case("var_neg_dim", lambda a: a.var(-1), X)
case("var_correction_2", lambda a: a.var(1, correction=2), X)
case("var_correction_0_keepdim", lambda a: a.var((0, 1), correction=0, keepdim=True), X)
case("var_all_dims_correction_none", lambda a: a.var(None, correction=3), X)
case("var_scalar_biased", lambda a: a.var(unbiased=False), torch.tensor(1.5))
case("std", lambda a: a.std(), X)
case("std_biased", lambda a: a.std(unbiased=False), X)
case("std_dim", lambda a: a.std(0), X)
case("std_dims_keepdim", lambda a: a.std((1, 2), keepdim=True), X)
case("std_correction_2", lambda a: a.std(2, correction=2), X)
case("std_double", lambda a: a.std(1), torch.randn(4, 6, dtype=torch.float64))
case("std_constant_rows", lambda a: a.std(1), torch.tensor([[2.0, 2.0, 2.0], [1.0, 2.0, 4.0]]))
case("var_mean_var", lambda a: torch.var_mean(a, 1)[0], X)
case("var_mean_mean", lambda a: torch.var_mean(a, 1)[1], X)
case("var_mean_both", lambda a: torch.var_mean(a, (0, 2), keepdim=True)[0] * 2 + torch.var_mean(a, (0, 2), keepdim=True)[1], X)
case("var_mean_all", lambda a: torch.var_mean(a, unbiased=False)[0], X)
case("std_mean_std", lambda a: torch.std_mean(a, 0)[0], X)
case("std_mean_mean_keepdim", lambda a: torch.std_mean(a, 2, keepdim=True)[1], X)
case("std_mean_all_correction", lambda a: torch.std_mean(a, None, correction=0)[0], X)

GROUP = "erf"
case("erf", torch.erf, X)
case("erfc", torch.erfc, X)
case("erf_wide", torch.erf, torch.linspace(-6, 6, 101))
case("erfc_tail", torch.erfc, torch.linspace(0, 9, 37))
case("erf_", lambda a: a.clone().erf_(), A)
case("erfc_", lambda a: a.clone().erfc_(), A)
case("erf_int", torch.erf, torch.tensor([-2, 0, 1, 3]))

GROUP = "rounding"
# exactly on the steps (halves, -0.0), where a central difference sees the jump: no gradcheck
HALVES = torch.tensor([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49999997, -0.0, 3.7, -3.7])
case("round", torch.round, X * 3)
case("round_halves", torch.round, HALVES, gradcheck=False)
case("floor", torch.floor, HALVES, gradcheck=False)
case("ceil", torch.ceil, HALVES, gradcheck=False)
case("trunc", torch.trunc, HALVES, gradcheck=False)
case("round_int", torch.round, torch.tensor([-3, 0, 7]))

GROUP = "remainder"
case("remainder_scalar", lambda a: a % 1.5, X * 3)
case("remainder_neg_scalar", lambda a: a % -1.5, X * 3)
case("remainder_tensor", lambda a, b: torch.remainder(a, b), X * 3, torch.randn(4, 5) + 2.5)
case("remainder_tensor_neg", lambda a, b: a % b, A * 4, -(torch.rand(3) + 0.5))
case("remainder_int", lambda a: a % 3, torch.tensor([-7, -6, -1, 0, 1, 5, 7]))
case("remainder_int_neg", lambda a, b: a % b, torch.tensor([-7, -6, -1, 0, 1, 5, 7]), torch.tensor([-3, 3, -2, 4, -5, -5, 2]))
case("remainder_int_float_scalar", lambda a: a % 2.5, torch.tensor([-7, 0, 5]))
case("remainder_", lambda a: a.clone().remainder_(0.75), A)
case("remainder_tensor_", lambda a, b: a.clone().remainder_(b), A * 4, torch.rand(3) + 0.5)

GROUP = "minmax"
case("max_binary", lambda a, b: torch.max(a, b), A, torch.randn(3))
case("min_binary", lambda a, b: torch.min(a, b), A, torch.randn(2, 1))
case("max_binary_ties", lambda a, b: torch.max(a, b), torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 5.0, 0.0]))

SPECIALS = torch.tensor([float("-inf"), -1e30, -1.5, -0.0, 0.0, 1e-30, 2.5, float("inf"), float("nan")])
for dt in [torch.float16, torch.bfloat16, torch.float32, torch.float64]:
    n = str(dt).replace("torch.", "")
    s = SPECIALS.to(dt)
    value_case(f"isinf_{n}", torch.isinf, s)
    value_case(f"isfinite_{n}", torch.isfinite, s)
    value_case(f"isnan_{n}", torch.isnan, s)
for dt in [torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64, torch.bool]:
    n = str(dt).replace("torch.", "")
    s = torch.tensor([0, 1, 1, 0, 1]).to(dt)
    value_case(f"isinf_{n}", torch.isinf, s)
    value_case(f"isfinite_{n}", torch.isfinite, s)
    value_case(f"isnan_{n}", torch.isnan, s)
H = (torch.randn(12) * 3)
value_case("erf_bfloat16", torch.erf, H.bfloat16())
value_case("erfc_bfloat16", torch.erfc, H.bfloat16())
value_case("round_bfloat16", torch.round, H.bfloat16())
value_case("floor_bfloat16", torch.floor, H.bfloat16())
value_case("remainder_bfloat16", lambda a: a % 1.5, H.bfloat16())
value_case("remainder_float16", lambda a: a % 1.5, H.half())
value_case("remainder_int8", lambda a: a % 3, torch.tensor([-128, -7, -1, 0, 5, 127], dtype=torch.int8))
value_case("remainder_uint8", lambda a: a % 7, torch.tensor([0, 5, 200, 255], dtype=torch.uint8))
value_case("std_bfloat16", lambda a: a.std(), H.bfloat16())
value_case("var_float16", lambda a: a.var(), H.half())
value_case("std_float16_dim", lambda a: a.view(3, 4).std(1), H.half())

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tensor_api.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "cases": CASES, "dtype_cases": DTYPE_CASES}, f, indent=None,
              separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(CASES)} cases and {len(DTYPE_CASES)} dtype cases to {out}")
