#!/usr/bin/env python3
"""Writes complex.json: PyTorch 1.13's complex dtypes, for tests/core/test_complex.cpp. Run by hand
with Debian's python3-torch:

    /usr/bin/python3 tests/reference/make_complex_reference.py

- "promote": torch.promote_types of complex64/complex128 with every dtype;
- "result_type": tensor/0-d tensor/Python-number operand pairs with a complex side;
- "arith": add (with alpha), sub, mul, div, abs on complex inputs (and mixed real/complex), the
  results as [real, imag] pairs (abs as reals);
- "print": repr() of complex tensors;
- "errors": PyTorch's messages for view_as_complex / view_as_real / imag on bad input.
Values are written with repr(float) so float64 round-trips exactly.
"""
import json
import math
import os

import torch

REAL = ["uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64", "bool", "bfloat16"]
ALL = REAL + ["complex64", "complex128"]
DT = {n: getattr(torch, n) for n in ALL}
NAME = {v: k for k, v in DT.items()}


def num(v):
    return v if math.isfinite(v) else ("nan" if math.isnan(v) else ("inf" if v > 0 else "-inf"))


def enc(t):
    t = t.detach()
    if t.is_complex():
        vals = [[num(z.real), num(z.imag)] for z in t.reshape(-1).tolist()]
    else:
        vals = [num(v) for v in t.double().reshape(-1).tolist()]
    return {"dtype": NAME[t.dtype], "shape": list(t.shape), "values": vals}


out = {}
out["promote"] = {f"{a},{b}": NAME[torch.promote_types(DT[a], DT[b])]
                  for a in ["complex64", "complex128"] for b in ALL}

# result_type: (kind of a, dtype of a, kind of b, dtype-or-number of b)
rt = []
for a in ["float16", "float32", "float64", "int64", "bool", "complex64", "complex128"]:
    for b in ALL:
        for ka in ["dim", "zero"]:
            for kb in ["dim", "zero"]:
                ta = torch.ones(2, dtype=DT[a]) if ka == "dim" else torch.ones((), dtype=DT[a])
                tb = torch.ones(2, dtype=DT[b]) if kb == "dim" else torch.ones((), dtype=DT[b])
                res = torch.result_type(ta, tb)
                if not (ta.is_complex() or tb.is_complex()) or res not in NAME:
                    continue  # complex32 (float16 with a complex number): xgrad has no such dtype
                rt.append({"a": [ka, a], "b": [kb, b], "result": NAME[torch.result_type(ta, tb)]})
    res = torch.result_type(torch.ones(2, dtype=DT[a]), 1j)
    if res in NAME:
        rt.append({"a": ["dim", a], "b": ["number", "complex"], "result": NAME[res]})
out["result_type"] = rt

z1 = torch.tensor([1.5 + 0.25j, -2.0 + 3.0j, 0.1 - 0.7j, 4.0 + 0.0j])
z2 = torch.tensor([0.5 - 1.0j, 2.0 + 2.0j, -0.3 + 0.2j, 1e-3 + 5.0j])
r = torch.tensor([2.0, -0.5, 3.0, 0.25])
cases = {
    "add": lambda d: z1.to(d) + z2.to(d),
    "add_alpha": lambda d: torch.add(z1.to(d), z2.to(d), alpha=2.5),
    "add_complex_alpha": lambda d: torch.add(z1.to(d), z2.to(d), alpha=0.5 - 2j),
    "sub": lambda d: z1.to(d) - z2.to(d),
    "mul": lambda d: z1.to(d) * z2.to(d),
    "div": lambda d: z1.to(d) / z2.to(d),
    "abs": lambda d: z1.to(d).abs(),
    "add_real": lambda d: z1.to(d) + r,
    "mul_real": lambda d: r * z1.to(d),
    "div_real": lambda d: z1.to(d) / r,
    "rdiv_real": lambda d: r / z1.to(d),
    "add_number": lambda d: z1.to(d) + 0.5,
    "mul_number": lambda d: z1.to(d) * 3,
    "sub_complex_number": lambda d: z1.to(d) - (1 + 2j),
    "rsub_number": lambda d: 1 - z1.to(d),
    "div_number": lambda d: z1.to(d) / 4,
    "broadcast_mul": lambda d: z1.to(d).reshape(4, 1) * z2.to(d).reshape(1, 4),
    "real_to_complex": lambda d: r.to(d),
}
out["arith"] = {f"{k}/{NAME[d]}": enc(f(d)) for k, f in cases.items() for d in [torch.complex64, torch.complex128]}
out["inputs"] = {"z1": enc(z1.to(torch.complex128)), "z2": enc(z2.to(torch.complex128)), "r": enc(r)}

prints = {
    "vector": torch.tensor([1 + 2j, 3 - 4.5j]),
    "scalar": torch.tensor(1 + 2j),
    "scalar_fixed": torch.tensor(1.5 + 2j),
    "matrix128": torch.tensor([[1.5 + 0.25j, -2j], [3, 4]], dtype=torch.complex128),
    "sci": torch.tensor([1e10 + 1j, 1]),
    "zeros": torch.zeros(3, dtype=torch.complex64),
    "neg_zero_imag": torch.complex(torch.tensor([1.0, 2.0]), torch.tensor([-0.0, 0.0])),
    "wide": torch.arange(30, dtype=torch.float32).reshape(15, 2).mul(1.25).contiguous(),
    "long": torch.arange(2400, dtype=torch.float32).reshape(1200, 2),
    "empty": torch.zeros(0, dtype=torch.complex64),
    "empty128": torch.zeros(0, 2, dtype=torch.complex128),
    "nan": torch.tensor([complex(float("nan"), 1.0), complex(1.0, float("inf"))]),
}
prints["wide"] = torch.view_as_complex(prints["wide"])
prints["long"] = torch.view_as_complex(prints["long"])
out["print"] = {k: {"value": enc(v), "repr": repr(v)} for k, v in prints.items()}


def err(f):
    try:
        f()
    except Exception as e:  # noqa: BLE001
        return str(e).split("\n")[0]
    return None


out["errors"] = {
    "last_dim_not_2": err(lambda: torch.view_as_complex(torch.ones(3, 3))),
    "last_stride_not_1": err(lambda: torch.view_as_complex(torch.ones(2, 3).t())),
    "odd_stride": err(lambda: torch.view_as_complex(torch.ones(3, 3)[:, :2])),
    "odd_offset": err(lambda: torch.view_as_complex(torch.ones(5)[1:].view(2, 2))),
    "long_input": err(lambda: torch.view_as_complex(torch.ones(3, 2).long())),
    "zero_dim": err(lambda: torch.view_as_complex(torch.ones(()))),
    "view_as_real_real": err(lambda: torch.view_as_real(torch.ones(3))),
    "imag_real": err(lambda: torch.imag(torch.ones(3))),
    "lt": err(lambda: z1 < z2),
    "max": err(lambda: z1.max()),
    "real_alpha_complex": err(lambda: torch.add(r, r, alpha=1j)),
}

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "complex.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1, allow_nan=False)
print("wrote", path)
