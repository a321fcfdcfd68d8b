#!/usr/bin/env python3
"""Writes nn_utils.json: what PyTorch 1.13's torch.nn.utils does to gradients and parameters:
clip_grad_norm_ (the total norm it returns and the clipped gradients, for every norm type, with
gradients that need clipping and gradients that do not), clip_grad_value_, parameters_to_vector
(values and grad_fn) and the non-finite-norm error. Run by hand with Debian's python3-torch:

    /usr/bin/python3 tests/reference/make_nn_utils_reference.py

tests/nn/test_nn_utils.cpp replays every case by name.
"""
import json
import math
import os

import torch

from second_order import enc

CLIP_NORM = []
torch.manual_seed(0)
big = [torch.arange(1.0, 13).view(3, 4) - 6, torch.ones(4) / 1000]
small = [torch.rand(3, 4) / 10000, torch.ones(4) / 500]
for grads_name, grads in (("big", big), ("small", small)):
    for norm_type in (0.5, 1.5, 2.0, 4.0, math.inf, 0.0, -1.0):
        params = [torch.zeros(g.shape, requires_grad=True) for g in grads]
        for p, g in zip(params, grads):
            p.grad = g.clone()
        total = torch.nn.utils.clip_grad_norm_(params, max_norm=2.0, norm_type=norm_type)
        CLIP_NORM.append({"name": f"{grads_name}_{norm_type}", "norm_type": str(norm_type),
                          "grads": [enc(g) for g in grads], "total": float(total),
                          "clipped": [enc(p.grad) for p in params]})
# A parameter without a gradient is skipped.
params = [torch.zeros(3, 4, requires_grad=True), torch.zeros(4, requires_grad=True)]
params[0].grad = big[0].clone()
total = torch.nn.utils.clip_grad_norm_(params, max_norm=1.0)
CLIP_NORM.append({"name": "one_without_grad", "norm_type": "2.0", "grads": [enc(big[0]), None], "total": float(total),
                  "clipped": [enc(params[0].grad), None], "max_norm": 1.0})

grads = [torch.arange(-50.0, 50).view(10, 10) / 5, torch.ones(10) * 2]
params = [torch.zeros(g.shape, requires_grad=True) for g in grads]
for p, g in zip(params, grads):
    p.grad = g.clone()
torch.nn.utils.clip_grad_value_(params, 2.5)
CLIP_VALUE = {"grads": [enc(g) for g in grads], "clipped": [enc(p.grad) for p in params]}

a = torch.randn(2, 3, requires_grad=True)
b = torch.randn(4, requires_grad=True)
vec = torch.nn.utils.parameters_to_vector([a, b])
(vec * torch.arange(10.0)).sum().backward()
TO_VECTOR = {"a": enc(a), "b": enc(b), "vec": enc(vec), "grad_fn": type(vec.grad_fn).__name__,
             "a_grad": enc(a.grad), "b_grad": enc(b.grad)}

p = torch.ones(3, requires_grad=True)
p.grad = torch.tensor([1.0, math.inf, 2.0])
try:
    torch.nn.utils.clip_grad_norm_([p], 1.0, norm_type=2.0, error_if_nonfinite=True)
    raise AssertionError("no error")
except RuntimeError as e:
    ERROR = str(e)

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nn_utils.json")
with open(path, "w") as f:
    json.dump({"clip_grad_norm": CLIP_NORM, "clip_grad_value": CLIP_VALUE, "parameters_to_vector": TO_VECTOR,
               "nonfinite_error": ERROR}, f, indent=0)
print(f"wrote {len(CLIP_NORM)} clip_grad_norm_ cases to {path}")
for c in CLIP_NORM:
    print(c["name"], c["total"])
print(ERROR)
