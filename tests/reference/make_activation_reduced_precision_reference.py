#!/usr/bin/env python3
"""Writes activation_reduced_precision.json: what PyTorch 1.13's CPU activations compute for
bfloat16 input (forward values and input gradients, as raw 16-bit patterns, so the test compares
bit for bit), which of them refuse bfloat16 or float16 and with which message. Run by hand with
Debian's python3-torch:

    /usr/bin/python3 tests/reference/make_activation_reduced_precision_reference.py

tests/ops/test_activation_reduced_precision.cpp replays every case by name. The inputs are every
bfloat16 value on a grid over [-8, 8] plus a few points where the scalar arguments round (0.1 and
0.3 in bfloat16 are 0.10009765625 and 0.30078125), where ops differ in whether they round them.
"""
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(20261202)


def bits(t):
    return t.contiguous().view(torch.int16).to(torch.int32).bitwise_and(0xFFFF).tolist()


# bfloat16 inputs: a random spread, a fine grid near 0, the rounded arguments and their neighbours
spread = (torch.randn(96) * 3).bfloat16()
fine = torch.linspace(-0.4, 0.4, 41).bfloat16()
special = torch.tensor([0.0, -0.0, 0.1, -0.1, 0.3, -0.3, 0.30078125, -0.30078125, 0.10009765625, -3.0, 3.0,
                        -2.984375, 2.984375, 6.0, -6.0, 20.0, -20.0, 100.0, -100.0]).bfloat16()
X = torch.cat([spread, fine, special])
G = (torch.randn(X.numel()) * 2).bfloat16()

OPS = {
    # name: (function of x, seed or None)
    "elu": lambda x: F.elu(x),
    "elu_alpha": lambda x: F.elu(x, 0.42),
    "elu_scale": lambda x: torch.ops.aten.elu(x, 0.7, 1.3, 0.8),
    "elu_": lambda x: F.elu(x * 1, inplace=True),
    "selu": lambda x: F.selu(x),
    "selu_": lambda x: F.selu(x * 1, inplace=True),
    "celu": lambda x: F.celu(x),
    "celu_alpha": lambda x: F.celu(x, 0.3),
    "celu_": lambda x: F.celu(x * 1, 0.3, inplace=True),
    "leaky_relu": lambda x: F.leaky_relu(x),
    "leaky_relu_slope": lambda x: F.leaky_relu(x, 0.3),
    "leaky_relu_": lambda x: F.leaky_relu(x * 1, 0.3, inplace=True),
    "rrelu_eval": lambda x: F.rrelu(x),
    "rrelu_train": lambda x: F.rrelu(x, training=True),
    "rrelu_train_bounds": lambda x: F.rrelu(x, 0.1, 0.3, training=True),
    "rrelu_train_": lambda x: F.rrelu(x * 1, training=True, inplace=True),
    "relu": lambda x: F.relu(x),
    "relu6_fwd": lambda x: F.relu6(x.detach()),
    "hardtanh_fwd": lambda x: F.hardtanh(x.detach(), -0.3, 0.7),
    "threshold": lambda x: F.threshold(x, 0.1, 20.3),
    "threshold_": lambda x: F.threshold(x * 1, -0.3, 0.3333, inplace=True),
    "prelu": lambda x: F.prelu(x, torch.tensor([0.3]).bfloat16()),
    "sigmoid": lambda x: torch.sigmoid(x),
    "tanh": lambda x: torch.tanh(x),
    "softplus": lambda x: F.softplus(x),
    "softplus_beta": lambda x: F.softplus(x, 2.0, 3.0),
    "logsigmoid": lambda x: F.logsigmoid(x),
    "hardsigmoid": lambda x: F.hardsigmoid(x),
    "hardswish": lambda x: F.hardswish(x),
    "softshrink": lambda x: F.softshrink(x, 0.3),
    "softshrink_default": lambda x: F.softshrink(x),
    "hardshrink": lambda x: F.hardshrink(x, 0.3),
    "hardshrink_01": lambda x: F.hardshrink(x, 0.1),
    "tanhshrink": lambda x: F.tanhshrink(x),
    "softsign": lambda x: F.softsign(x),
    "glu": lambda x: F.glu(x, 0),
    "softmax": lambda x: F.softmax(x, 0),
    "gelu": lambda x: F.gelu(x),
    "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),
    "silu": lambda x: F.silu(x),
}
SEEDED = {"rrelu_train", "rrelu_train_bounds", "rrelu_train_"}
# gelu's vectorised kernel uses an erf approximation (absolute error ~1e-7): below x = -5 its
# backward's cdf + x pdf is that error, not the function, and xgrad's exact erf differs there.
INPUTS = {"gelu": X[X.float().abs() < 5]}

cases = []
for name, fn in OPS.items():
    xin = INPUTS.get(name, X)
    x = xin.clone().requires_grad_()
    if name in SEEDED:
        torch.manual_seed(7)
    y = fn(x)
    entry = {"name": name, "x": bits(xin), "y": bits(y.detach())}
    if y.requires_grad:
        g = G[: y.numel()].reshape(y.shape)
        y.backward(g)
        entry["g"] = bits(g)
        entry["gx"] = bits(x.grad)
    cases.append(entry)

# Which refuse, with which message (float16 refuses all but softsign; bfloat16 refuses mish, and
# hardtanh's backward).
REFUSALS = {
    "mish": lambda x: F.mish(x),
    "hardtanh_backward": lambda x: F.hardtanh(x.requires_grad_()).sum().backward(),
    "relu6_backward": lambda x: F.relu6(x.requires_grad_()).sum().backward(),
}
HALF = ["relu", "relu6_fwd", "hardtanh_fwd", "sigmoid", "tanh", "softplus", "logsigmoid", "elu", "elu_", "selu",
        "celu", "celu_", "leaky_relu", "leaky_relu_", "threshold", "threshold_", "rrelu_eval", "rrelu_train",
        "rrelu_train_", "gelu", "gelu_tanh", "silu", "hardsigmoid", "hardswish", "softshrink", "hardshrink",
        "tanhshrink", "glu", "softmax", "log_softmax", "prelu"]
errors = []
for dtype, names in ((torch.bfloat16, REFUSALS), (torch.float16, HALF)):
    for name in names:
        fn = REFUSALS.get(name) or OPS.get(name) or (lambda x: F.log_softmax(x, 0))  # noqa: E731
        x = torch.tensor([-1.0, 0.5]).to(dtype)
        if name == "prelu":
            fn = lambda x: F.prelu(x, torch.tensor([0.3]).to(dtype))  # noqa: E731
        try:
            fn(x)
        except Exception as e:  # noqa: BLE001
            errors.append({"name": name, "dtype": str(dtype).split(".")[1], "message": str(e).splitlines()[0]})
            continue
        raise AssertionError(f"{name} {dtype} did not raise")
# float16 softsign computes (it is composed of ops that take float16)
xh = torch.tensor([-1.5, -0.1, 0.25, 3.0]).half()
cases.append({"name": "softsign_half", "x": bits(xh), "y": bits(F.softsign(xh)), "dtype": "float16"})

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "activation_reduced_precision.json")
with open(out, "w") as f:
    json.dump({"cases": cases, "errors": errors}, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {out}: {len(cases)} cases, {len(errors)} errors")
