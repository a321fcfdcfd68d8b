#!/usr/bin/env python3
"""Writes dtype.json: PyTorch 1.13's dtype behaviour, enumerated. Run by hand with Debian's
python3-torch:

    /usr/bin/python3 tests/reference/make_dtype_reference.py

- "promote": torch.promote_types for every pair of the ten dtypes;
- "result_type": torch.result_type for every pair of operands, each a dimensioned tensor, a 0-dim
  tensor or (second operand only) a Python int, float or bool, so the wrapped-number and
  dimension categories are covered;
- "can_cast": torch.can_cast for every pair;
- "convert": edge values (NaN, infinities, out of range, fractions) converted from each floating
  dtype to every dtype, in PyTorch's x86 results, as exact values;
- "ops": each op of OPS on inputs of every dtype (and every pair of dtypes for the binary ops of
  MIXED): the result's dtype and values, or PyTorch's error message.
tests/core/test_dtype.cpp replays all of it with xgrad.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

DTYPES = {
    "uint8": torch.uint8, "int8": torch.int8, "int16": torch.int16, "int32": torch.int32,
    "int64": torch.int64, "float16": torch.float16, "float32": torch.float32,
    "float64": torch.float64, "bool": torch.bool, "bfloat16": torch.bfloat16,
}
NAMES = {v: k for k, v in DTYPES.items()}


def enc(v):
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, float) and not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    return v


def encode(t):
    t = t.detach()
    vals = t.reshape(-1).tolist() if t.dtype not in (torch.float16, torch.bfloat16) else \
        t.float().reshape(-1).tolist()
    return {"dtype": NAMES[t.dtype], "shape": list(t.shape), "values": [enc(v) for v in vals]}


def outcome(fn):
    try:
        r = fn()
    except Exception as e:  # noqa: BLE001 - every error is a result to record
        return {"error": str(e).split("\n")[0]}
    if isinstance(r, bool):
        return {"bool": r}
    if isinstance(r, (tuple, list)):
        return {"tuple": [encode(x) for x in r]}
    return encode(r)


out = {"dtypes": list(DTYPES)}

# ---- promotion ------------------------------------------------------------------------------------
out["promote"] = {a: {b: NAMES[torch.promote_types(DTYPES[a], DTYPES[b])] for b in DTYPES} for a in DTYPES}
out["can_cast"] = {a: {b: torch.can_cast(DTYPES[a], DTYPES[b]) for b in DTYPES} for a in DTYPES}


def operand(kind, dt):
    if kind == "dim":
        return torch.ones(2, dtype=DTYPES[dt])
    if kind == "zero":
        return torch.ones((), dtype=DTYPES[dt])
    raise ValueError(kind)


rt = []
for a in DTYPES:
    for ka in ("dim", "zero"):
        for b in DTYPES:
            for kb in ("dim", "zero"):
                rt.append({"a": [ka, a], "b": [kb, b],
                           "result": NAMES[torch.result_type(operand(ka, a), operand(kb, b))]})
        for kb, v in (("int", 3), ("float", 2.5), ("bool", True)):
            rt.append({"a": [ka, a], "b": [kb, None], "result": NAMES[torch.result_type(operand(ka, a), v)]})
out["result_type"] = rt

# ---- conversions ----------------------------------------------------------------------------------
EDGE = [float("nan"), float("inf"), -float("inf"), 1e10, -1e10, 3e9, -3e9, 2.5e9, 70000.5, -70000.5,
        40000.7, -40000.7, 300.7, -300.7, 255.9, 256.0, -1.5, -0.5, 0.5, 127.9, 128.5, -128.9, -129.5,
        2.0 ** 31, -2.0 ** 31, 2.0 ** 31 - 128, 2.0 ** 63, -2.0 ** 63, 1e19, 1e30, -1e30, 1e300,
        1.0009765625 + 2 ** -40, 1.00048828125, 65519.0, 65520.0, 1e-8, 6e-8, 3e-39, -0.0,
        0.1, 1.0 / 3, 123456.789, 3.00390625, 3.01171875]
conv = []
for s in ("float64", "float32", "float16", "bfloat16"):
    src = torch.tensor(EDGE, dtype=torch.float64).to(DTYPES[s])
    for d in DTYPES:
        conv.append({"from": s, "to": d, "input": encode(src), "output": encode(src.to(DTYPES[d]))})
# integers between the integer dtypes (wrapping) and into the floating ones
INTS = [0, 1, -1, 127, 128, 255, 256, -128, -129, 32767, 32768, -32769, 65535, 65536, 2 ** 31 - 1, 2 ** 31,
        -2 ** 31 - 1, 2 ** 53 + 1, 2 ** 62 + 2 ** 40 + 1, -2 ** 63, 2 ** 63 - 1, 16777217, 65519, 65520, 3]
src = torch.tensor(INTS, dtype=torch.int64)
for d in DTYPES:
    conv.append({"from": "int64", "to": d, "input": encode(src), "output": encode(src.to(DTYPES[d]))})
    mid = src.to(DTYPES[d])
    for d2 in DTYPES:
        conv.append({"from": d, "to": d2, "input": encode(mid), "output": encode(mid.to(DTYPES[d2]))})
out["convert"] = conv

# ---- ops ----------------------------------------------------------------------------------------
A = [-3.5, -1.0, 0.0, 0.5, 2.0, 7.25, 100.0, -128.75, 3.0, 1.0]
B = [2.0, -3.0, 4.25, 5.0, -1.5, 3.0, 1.0, 9.0, -2.0, 7.0]


def mk(vals, dt, shape=None):
    t = torch.tensor(vals, dtype=torch.float64).to(DTYPES[dt])
    return t.reshape(shape) if shape else t


UNARY = {
    "neg": lambda x: -x, "exp": torch.exp, "log": torch.log, "log1p": torch.log1p, "sqrt": torch.sqrt,
    "rsqrt": torch.rsqrt, "abs": torch.abs, "sign": torch.sign, "square": torch.square,
    "reciprocal": torch.reciprocal, "sin": torch.sin, "cos": torch.cos, "relu": torch.relu,
    "sigmoid": torch.sigmoid, "tanh": torch.tanh, "softplus": F.softplus, "log_sigmoid": F.logsigmoid,
    "logical_not": torch.logical_not, "isnan": torch.isnan, "isfinite": torch.isfinite,
    "clone": torch.clone, "add_2": lambda x: x + 2, "add_1000": lambda x: x + 1000,
    "add_2.5": lambda x: x + 2.5, "add_0.1": lambda x: x + 0.1, "add_true": lambda x: x + True,
    "sub_3": lambda x: x - 3, "rsub_3": lambda x: 3 - x, "mul_2": lambda x: x * 2, "mul_2.5": lambda x: x * 2.5,
    "mul_0.1": lambda x: x * 0.1, "mul_1000": lambda x: x * 1000, "div_2": lambda x: x / 2,
    "div_0.1": lambda x: x / 0.1, "rdiv_2": lambda x: 2 / x,
    "add_2_alpha_3": lambda x: torch.add(x, 2, alpha=3), "add_2_alpha_300": lambda x: torch.add(x, 2, alpha=300),
    "pow_2": lambda x: x.pow(2), "pow_3": lambda x: x.pow(3), "pow_0.5": lambda x: x.pow(0.5),
    "pow_2.5": lambda x: x.pow(2.5), "pow_-1": lambda x: x.pow(-1), "pow_0": lambda x: x.pow(0),
    "rpow_2": lambda x: torch.pow(2, x), "clamp_-1_5": lambda x: x.clamp(-1, 5),
    "clamp_-1.5_5.5": lambda x: x.clamp(-1.5, 5.5), "clamp_-1000_1000": lambda x: x.clamp(-1000, 1000),
    "clamp_min_1": lambda x: x.clamp_min(1), "clamp_max_1": lambda x: x.clamp_max(1),
    "clamp_min_0.5": lambda x: x.clamp_min(0.5),
    "eq_2": lambda x: x == 2, "lt_1000": lambda x: x < 1000, "gt_-1": lambda x: x > -1, "le_0.5": lambda x: x <= 0.5,
    "ne_-1": lambda x: x != -1, "ge_true": lambda x: x >= True,
    "floor_divide_2": lambda x: torch.floor_divide(x, 2), "floor_divide_-1.5": lambda x: torch.floor_divide(x, -1.5),
    "sum": lambda x: x.sum(), "sum_dim": lambda x: x.reshape(2, 5).sum(1), "sum_keepdim": lambda x: x.reshape(2, 5).sum(0, True),
    "sum_float64": lambda x: x.sum(dtype=torch.float64), "sum_int16": lambda x: x.sum(dtype=torch.int16),
    "mean": lambda x: x.mean(), "mean_dim": lambda x: x.reshape(2, 5).mean(1),
    "mean_float64": lambda x: x.mean(dtype=torch.float64),
    "max": lambda x: x.max(), "min": lambda x: x.min(), "max_dim": lambda x: x.reshape(2, 5).max(1),
    "min_dim": lambda x: x.reshape(2, 5).min(0), "amax": lambda x: x.reshape(2, 5).amax(1),
    "amin": lambda x: x.reshape(2, 5).amin(0), "argmax": lambda x: x.argmax(), "argmin": lambda x: x.argmin(),
    "argmax_dim": lambda x: x.reshape(2, 5).argmax(1), "logsumexp": lambda x: x.reshape(2, 5).logsumexp(1),
    "all": lambda x: x.all(), "any": lambda x: x.any(), "softmax": lambda x: x.reshape(2, 5).softmax(1),
    "log_softmax": lambda x: x.reshape(2, 5).log_softmax(1),
    "to_float32": lambda x: x.float(), "item_double": lambda x: torch.tensor(x[1].item(), dtype=torch.float64),
    "cat_self": lambda x: torch.cat([x, x]), "stack_self": lambda x: torch.stack([x, x]),
    "index_select": lambda x: x.index_select(0, torch.tensor([3, 0, 9])),
    "gather": lambda x: x.gather(0, torch.tensor([9, 1, 1])),
    "masked_fill_2": lambda x: x.masked_fill(torch.arange(10) % 3 == 0, 2),
    "masked_fill_1000": lambda x: x.masked_fill(torch.arange(10) % 3 == 0, 1000),
    "where_self": lambda x: torch.where(torch.arange(10) % 2 == 0, x, x.flip(0)),
    "mm": lambda x: x.reshape(2, 5).mm(x.reshape(5, 2)), "mv": lambda x: x.reshape(2, 5).mv(x[:5]),
    "dot": lambda x: x.dot(x), "bmm": lambda x: x.reshape(1, 2, 5).bmm(x.reshape(1, 5, 2)),
    "matmul": lambda x: x.reshape(2, 5).matmul(x[:5]),
    "fill_7": lambda x: x.clone().fill_(7), "fill_1000": lambda x: x.clone().fill_(1000),
    "fill_-1": lambda x: x.clone().fill_(-1), "fill_2.5": lambda x: x.clone().fill_(2.5),
    "zero_": lambda x: x.clone().zero_(),
    "add__2": lambda x: x.clone().add_(2), "mul__2.5": lambda x: x.clone().mul_(2.5),
    "div__2": lambda x: x.clone().div_(2), "add__1000": lambda x: x.clone().add_(1000),
    "full_like_1000": lambda x: torch.full_like(x, 1000), "full_like_2.5": lambda x: torch.full_like(x, 2.5),
    "zeros_like": torch.zeros_like, "ones_like": torch.ones_like,
}
BINARY = {
    "add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div, "pow": torch.pow,
    "maximum": torch.maximum, "minimum": torch.minimum, "xlogy": torch.xlogy, "eq": torch.eq, "ne": torch.ne,
    "lt": torch.lt, "le": torch.le, "gt": torch.gt, "ge": torch.ge, "logical_and": torch.logical_and,
    "logical_or": torch.logical_or, "floor_divide": torch.floor_divide,
    "div_floor": lambda a, b: torch.div(a, b, rounding_mode="floor"),
    "div_trunc": lambda a, b: torch.div(a, b, rounding_mode="trunc"),
    "add_alpha_2": lambda a, b: torch.add(a, b, alpha=2), "isclose": torch.isclose,
    "allclose": torch.allclose, "equal": torch.equal, "copy_": lambda a, b: a.clone().copy_(b),
    "add_": lambda a, b: a.clone().add_(b), "mul_": lambda a, b: a.clone().mul_(b),
    "add_0dim": lambda a, b: a + b[4], "mul_0dim": lambda a, b: a * b[1],
}
MIXED = {"add", "mul", "div", "lt", "eq", "maximum", "floor_divide", "add_", "copy_", "add_0dim", "mul_0dim", "pow"}
cases = []
for d in DTYPES:
    x = mk(A, d)
    for name, fn in UNARY.items():
        cases.append({"op": name, "a": d, **outcome(lambda: fn(x.clone()))})
    for name, fn in BINARY.items():
        for d2 in (DTYPES if name in MIXED else [d]):
            y = mk(B, d2)
            cases.append({"op": name, "a": d, "b": d2, **outcome(lambda: fn(x.clone(), y.clone()))})
# Integer division by zero raises; large-ish random values check the conversion path's rounding.
for d in ("uint8", "int8", "int16", "int32", "int64"):
    cases.append({"op": "floor_divide", "a": d, "b": d, "special": "zero_divisor",
                  **outcome(lambda: torch.floor_divide(mk(A, d), torch.zeros(10, dtype=DTYPES[d])))})
out["ops"] = cases
out["inputs"] = {"a": A, "b": B}

# sums of many float16/bfloat16 values: float accumulation, one rounding at the end
g = torch.Generator().manual_seed(0)
R = (torch.rand(3000, generator=g, dtype=torch.float64) * 4 - 2).tolist()
out["reduced_sums"] = []
for d in ("float16", "bfloat16"):
    x = torch.tensor(R, dtype=torch.float64).to(DTYPES[d])
    for name, fn in {"sum": lambda t: t.sum(), "mean": lambda t: t.mean(), "sum_dim": lambda t: t.reshape(30, 100).sum(1),
                     "mean_dim": lambda t: t.reshape(30, 100).mean(0), "mul_0.1": lambda t: t * 0.1,
                     "add_self": lambda t: t + t.flip(0), "div_3": lambda t: t / 3}.items():
        out["reduced_sums"].append({"op": name, "a": d, **outcome(lambda: fn(x))})
out["reduced_input"] = R

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dtype.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
print(f"wrote {path}: {len(rt)} result types, {len(conv)} conversions, {len(cases)} op cases")
