#!/usr/bin/env python3
"""Writes print.json: tensors and the exact text Python's repr() gives for them (torch 1.13,
default print options). Run by hand with Debian's python3-torch:

    /usr/bin/python3 tests/reference/make_print_reference.py

Each case holds the values (nan/inf as strings), shape, dtype, requires_grad, and optionally an
`op` applied to the leaf before printing (to get a grad_fn suffix); tests/core/test_format.cpp
rebuilds the tensor and compares xgrad's repr() with `repr` character for character.
"""
import json
import math
import os

import torch

nan, inf = float("nan"), float("inf")
CASES = []
OPS = {
    "mul2": lambda t: t * 2,
    "sum": lambda t: t.sum(),
    "pow2_mean": lambda t: t.pow(2).mean(),
    "add1": lambda t: t + 1,
    "view_col": lambda t: t.view(-1, 1),
    "div7": lambda t: t / 7,
}


def enc(v):
    if isinstance(v, float) and not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    if isinstance(v, bool):
        return int(v)
    return v


def add(t, requires_grad=False, op=None, default=None):
    t = t.detach().clone()
    leaf = t.requires_grad_(requires_grad) if t.is_floating_point() else t
    if default is not None:
        torch.set_default_dtype(default)
    shown = OPS[op](leaf) if op else leaf
    text = repr(shown)
    torch.set_default_dtype(torch.float32)
    case = {
        "shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""),
        "values": [enc(v) for v in t.detach().float().reshape(-1).tolist()] if t.dtype in (torch.float16, torch.bfloat16)
        else [enc(v) for v in t.reshape(-1).tolist()],
        "requires_grad": requires_grad, "op": op, "repr": text,
    }
    if default is not None:
        case["default_dtype"] = str(default).replace("torch.", "")
    CASES.append(case)


T = torch.tensor
# The examples of shared/spec/printing.md, section 8.
for v in [3., -0.5, 0.1, 1e-5, 123456789., 1e8, -0., nan, -inf]:
    add(T(v))
add(T(5))
add(T(True))
add(T(2., dtype=torch.float64))
for vals in [[1., 2., 3.], [-1., 10.], [-1., 1000.], [100., 1e5], [100., 100001.], [1., 1e5], [1e9],
             [1.5, 2., 3.], [2.5, -3.25], [0.1, 100.], [0.01, 100.], [123456.7], [0.03125, 0.09375], [1e-4],
             [1.5e8], [-1e-5, 2.], [1e10, -1.], [0., 0.], [0., -0.], [-0., 5.], [0., -0., 1.5], [-0., 1e-5],
             [nan, inf, -inf], [1., nan, -inf], [1.5, nan, inf], [1e-5, nan, -inf]]:
    add(T(vals))
add(torch.sqrt(T([-1.])))
add(T([1e-4], dtype=torch.float64))
add(T([1e-300, 1e300], dtype=torch.float64))
add(T([1, -22, 333]))
add(T([True, False]))
add(T([True, True]))
add(T([1., 2.5], dtype=torch.float64))
add(T([]))
add(T([], dtype=torch.int64))
add(T([], dtype=torch.bool))
add(torch.zeros(0, 3))
add(torch.zeros(0, 3), requires_grad=True)
add(T([[1., 2.], [3., 4.]]))
add(T([[1, -2], [30, 4]]))
add(T([[True, False], [False, True]]))
add(torch.arange(12.).reshape(3, 4) * 1.5)
add(T([[1e-5, 1.], [nan, 3.]]))
add(torch.arange(8.).reshape(2, 2, 2))
add(torch.arange(4.).reshape(2, 1, 1, 2))
add(torch.arange(30.))
add(torch.arange(30.) / 7)
add(torch.arange(40.).reshape(2, 20) / 7)
add(torch.zeros(30))
add(torch.arange(1001))
add(torch.arange(2000.))
add(torch.ones(2000, dtype=torch.bool))
add(torch.cat([torch.ones(3), torch.full((1000,), 0.5), torch.ones(3)]))
add(torch.ones(7, 143))
add(torch.zeros(1000, 2))
add(torch.zeros(1, 7, 150))
add(torch.zeros(7, 1, 150))
add(T([1., 2.]), requires_grad=True)
add(T(2.), requires_grad=True)
add(T([1., 2.], dtype=torch.float64), requires_grad=True)
add(T([1., 2.]), requires_grad=True, op="mul2")
add(T([1., 2.]), requires_grad=True, op="sum")
add(T([1., 2.]), requires_grad=True, op="pow2_mean")
add(T([1., 2.], dtype=torch.float64), requires_grad=True, op="add1")
add(T([1., 2.]), requires_grad=True, op="view_col")
add(torch.arange(10., 20., dtype=torch.float64))
add(torch.arange(1000., 1014., dtype=torch.float64).reshape(2, 7))
add(torch.arange(9., dtype=torch.float64), requires_grad=True, op="div7")
add(T([0.5] * 12, dtype=torch.float64), requires_grad=True)

# The other dtypes (printing.md section 8 rows 13, 46-49, 55, 62, and more).
add(T(7, dtype=torch.int32))
add(T([1, 2], dtype=torch.int32))
add(T([1, 2], dtype=torch.uint8))
add(T([1.5], dtype=torch.float16))
add(T([1.5], dtype=torch.bfloat16))
add(torch.zeros(2, 0, dtype=torch.int32))
add(T([1, 2, 3], dtype=torch.int32).reshape(3, 1))
add(T([-128, 5, 127], dtype=torch.int8))
add(T([0, 200, 255], dtype=torch.uint8))
add(T([-32768, 300, 7], dtype=torch.int16))
add(T([-2 ** 31, 2 ** 31 - 1], dtype=torch.int32))
add(T([0.1, 65504., -1e-3, 6e-8], dtype=torch.float16))
add(T([1.5, nan, -inf, 0.], dtype=torch.float16))
add(T([0.1, 3e38, -1e-30], dtype=torch.bfloat16))
add(T(0.1, dtype=torch.float16))
add(T(-2.5, dtype=torch.bfloat16))
add(T(200, dtype=torch.uint8))
for dt in (torch.uint8, torch.int8, torch.int16, torch.int32, torch.float16, torch.bfloat16):
    add(T([], dtype=dt))
    add(torch.zeros(0, 2, dtype=dt))
add(torch.arange(2000).to(torch.int16))
add(torch.arange(3000).to(torch.float16).reshape(30, 100))
add(torch.arange(12, dtype=torch.int32).reshape(2, 2, 3) - 5)
add(T([1., 2.], dtype=torch.float16), requires_grad=True)
add(T([1., 2.], dtype=torch.bfloat16), requires_grad=True, op="mul2")
add(T([0.5] * 12, dtype=torch.bfloat16), requires_grad=True)
# With another default dtype, the float64 suffix goes and float32 gets one (torch.set_default_dtype).
add(T([1., 2.5], dtype=torch.float64), default=torch.float64)
add(T([1., 2.5], dtype=torch.float32), default=torch.float64)
add(T([], dtype=torch.float32), default=torch.float64)
add(T([], dtype=torch.float64), default=torch.float64)
add(T(3., dtype=torch.float64), requires_grad=True, op="mul2", default=torch.float64)

# Random tensors across dtypes, ranks, magnitudes and the summarisation threshold.
g = torch.Generator().manual_seed(7)
for i in range(160):
    rank = int(torch.randint(0, 5, (1,), generator=g))
    shape = [int(torch.randint(1, 5, (1,), generator=g)) for _ in range(rank)]
    if i % 20 == 0:
        shape = [int(torch.randint(990, 1010, (1,), generator=g))]
    kind = i % 4
    if kind == 0:
        t = torch.randn(shape, generator=g) * 10 ** float(torch.randint(-6, 10, (1,), generator=g))
    elif kind == 1:
        t = torch.randn(shape, generator=g, dtype=torch.float64) * 10 ** float(torch.randint(-9, 12, (1,), generator=g))
    elif kind == 2:
        t = torch.randint(-10 ** int(torch.randint(1, 12, (1,), generator=g)), 10 ** 6, shape, generator=g)
    else:
        t = torch.randint(0, 8, shape, generator=g).float() - 3
        if t.numel() > 1:
            t.view(-1)[0] = nan
    add(t, requires_grad=(i % 7 == 0 and t.is_floating_point()), op=("mul2" if i % 11 == 0 and t.is_floating_point() else None))

# Random tensors of the other dtypes (a separate generator: the cases above stay as they were).
g = torch.Generator().manual_seed(11)
OTHER = [torch.uint8, torch.int8, torch.int16, torch.int32, torch.float16, torch.bfloat16]
for i in range(60):
    dt = OTHER[i % 6]
    rank = int(torch.randint(0, 4, (1,), generator=g))
    shape = [int(torch.randint(1, 6, (1,), generator=g)) for _ in range(rank)]
    if i % 13 == 0:
        shape = [int(torch.randint(995, 1010, (1,), generator=g))]
    if dt.is_floating_point:
        t = (torch.randn(shape, generator=g) * 10 ** float(torch.randint(-6, 6, (1,), generator=g))).to(dt)
    else:
        info = torch.iinfo(dt)
        t = torch.randint(info.min, info.max + 1, shape, generator=g).to(dt)
    add(t, requires_grad=(i % 5 == 0 and t.is_floating_point()))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "print.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "cases": CASES}, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(CASES)} cases to {out}")
