#!/usr/bin/env python3
"""Writes activation.json: what PyTorch 1.13 computes for the activations beyond relu/sigmoid/tanh
(elu, selu, celu, gelu, silu, mish, hardtanh, relu6, leaky_relu, prelu, rrelu, threshold,
hardsigmoid, hardswish, softshrink, hardshrink, glu, softsign, tanhshrink, softmin, Softmax2d) and
their in-place forms: values, grad_fn names and graphs, first gradients under create_graph=True
(requires_grad, grad_fn, graph) and second derivatives (see second_order.py), and the exact error
each bad input raises. Run by hand with Debian's python3-torch:

    /usr/bin/python3 tests/reference/make_activation_reference.py

tests/ops/test_activation_extra.cpp replays every case by name. Inputs stay away from the kinks of
the piecewise functions (0, the clamp bounds, +-lambda, +-3), where a derivative is a choice.
"""
import os

import torch
import torch.nn.functional as F

from second_order import CASES, case, group, write

torch.manual_seed(20261130)
ERRORS = []


def rnd(*shape, scale=1.0, dtype=torch.float32):
    t = torch.randn(*shape, dtype=dtype) * scale
    return t + 0.1 * torch.sign(t)  # keep away from 0


def away(t, *points, gap=0.06):
    """t with every value closer than gap to one of points moved gap away from it."""
    t = t.clone()
    for p in points:
        close = (t - p).abs() < gap
        t[close] = p + gap * torch.where(t[close] >= p, 1.0, -1.0)
    return t


def error(name, fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        ERRORS.append({"name": name, "type": type(e).__name__, "message": str(e)})
        return
    raise AssertionError(f"{name} did not raise")


def seeded(seed, fn):
    """fn run right after torch.manual_seed(seed), so every call (gradcheck's too) draws the same."""
    torch.manual_seed(seed)
    return fn()


A = rnd(2, 3, scale=1.5)
B = rnd(3, 4)
W3 = torch.rand(3) * 0.5

group("elu")
case("elu", F.elu, A)
case("elu_alpha", lambda a: F.elu(a, 0.5), A)
case("elu_double", F.elu, A.double())
case("elu_scale", lambda a: torch._C._nn.elu(a, 0.7, 1.3, 0.8), A)
case("elu_large", F.elu, torch.tensor([-30.0, -3.0, 0.5, 30.0]))
case("selu", F.selu, A)
case("celu", F.celu, A)
case("celu_alpha", lambda a: F.celu(a, 0.7), A)
case("elu_", lambda a: F.elu(a.clone(), inplace=True), A)
case("elu_alpha_", lambda a: F.elu(a.clone(), 2.0, inplace=True), A)
case("selu_", lambda a: F.selu(a.clone(), inplace=True), A)
case("celu_", lambda a: F.celu(a.clone(), 0.7, inplace=True), A)

group("rectifier")
H = away(A, -1.0, 1.0)
case("hardtanh", F.hardtanh, H)
case("hardtanh_bounds", lambda a: F.hardtanh(a, -0.5, 2.0), away(A, -0.5, 2.0))
case("relu6", F.relu6, away(A * 4, 0.0, 6.0))
case("leaky_relu", F.leaky_relu, A)
case("leaky_relu_slope", lambda a: F.leaky_relu(a, 0.2), A)
case("leaky_relu_negative_slope", lambda a: F.leaky_relu(a, -0.3), A)
case("threshold", lambda a: F.threshold(a, 0.1, 2.0), away(A, 0.1))
case("prelu", F.prelu, A, torch.tensor([0.25]))
case("prelu_channels", F.prelu, rnd(2, 3, 4), W3)
case("prelu_1d", F.prelu, rnd(5), torch.tensor([0.1]))
case("prelu_0d_weight", F.prelu, A, torch.tensor(0.3))
case("rrelu_eval", F.rrelu, A)
case("rrelu_eval_bounds", lambda a: F.rrelu(a, 0.2, 0.6), A)
case("rrelu_train", lambda a: seeded(11, lambda: F.rrelu(a, training=True)), rnd(3, 5))
case("rrelu_train_bounds", lambda a: seeded(12, lambda: F.rrelu(a, 0.05, 0.9, training=True)), rnd(4, 3))
case("rrelu_train_double", lambda a: seeded(13, lambda: F.rrelu(a, training=True)), rnd(3, 5, dtype=torch.float64))
case("hardtanh_", lambda a: F.hardtanh(a.clone(), inplace=True), H)
case("relu6_", lambda a: F.relu6(a.clone(), inplace=True), away(A * 4, 0.0, 6.0))
case("leaky_relu_", lambda a: F.leaky_relu(a.clone(), 0.2, inplace=True), A)
case("threshold_", lambda a: F.threshold(a.clone(), 0.1, 2.0, inplace=True), away(A, 0.1))
case("rrelu_", lambda a: F.rrelu(a.clone(), inplace=True), A)
case("rrelu_train_", lambda a: seeded(14, lambda: F.rrelu(a.clone(), training=True, inplace=True)), rnd(3, 5))

group("smooth")
case("gelu", F.gelu, A)
case("gelu_tanh", lambda a: F.gelu(a, approximate="tanh"), A)
case("gelu_double", F.gelu, A.double())
case("gelu_tanh_double", lambda a: F.gelu(a, approximate="tanh"), A.double())
case("silu", F.silu, A)
case("mish", F.mish, A)
case("hardsigmoid", F.hardsigmoid, away(A * 3, -3.0, 3.0))
case("hardswish", F.hardswish, away(A * 3, -3.0, 3.0))
case("silu_", lambda a: F.silu(a.clone(), inplace=True), A)
case("mish_", lambda a: F.mish(a.clone(), inplace=True), A)
case("hardsigmoid_", lambda a: F.hardsigmoid(a.clone(), inplace=True), away(A * 3, -3.0, 3.0))
case("hardswish_", lambda a: F.hardswish(a.clone(), inplace=True), away(A * 3, -3.0, 3.0))

group("shrink")
case("softshrink", F.softshrink, away(A, -0.5, 0.5))
case("softshrink_lambda", lambda a: F.softshrink(a, 1.0), away(A, -1.0, 1.0))
case("hardshrink", F.hardshrink, away(A, -0.5, 0.5))
case("hardshrink_lambda", lambda a: F.hardshrink(a, 0.2), away(A, -0.2, 0.2))
case("glu", F.glu, B)
case("glu_dim0", lambda a: F.glu(a, 0), rnd(4, 3))
case("glu_3d", lambda a: F.glu(a, 1), rnd(2, 4, 3))

group("composite")
case("softsign", F.softsign, A)
case("tanhshrink", F.tanhshrink, A)
case("softmin", lambda a: F.softmin(a, 1), B)
case("softmin_dim0", lambda a: F.softmin(a, 0), B)
case("softmin_double", lambda a: F.softmin(a, 1, dtype=torch.float64), B)
case("softmax2d", lambda a: torch.nn.Softmax2d()(a), rnd(3, 2, 2))
case("softmax2d_4d", lambda a: torch.nn.Softmax2d()(a), rnd(2, 3, 2, 2))
case("softplus_options", lambda a: F.softplus(a, beta=0.5, threshold=2.0), A)

X = torch.randn(2, 3)
XI = torch.tensor([1, -2, 3])
error("prelu_weight_size", lambda: F.prelu(X, torch.rand(2)))
error("prelu_weight_2d", lambda: F.prelu(X, torch.rand(3, 1)))
error("prelu_0d_input", lambda: F.prelu(torch.tensor(1.0), torch.rand(3)))
error("prelu_1d_input", lambda: F.prelu(torch.randn(3), torch.rand(3)))
error("prelu_weight_dtype", lambda: F.prelu(X, torch.rand(3).double()))
error("prelu_long", lambda: F.prelu(XI, torch.tensor([1])))
error("elu_long", lambda: F.elu(XI))
error("selu_long", lambda: F.selu(XI))
error("celu_zero_alpha", lambda: F.celu(X, 0.0))
error("gelu_approximate", lambda: F.gelu(X, approximate="foo"))
error("gelu_long", lambda: F.gelu(XI))
error("silu_long", lambda: F.silu(XI))
error("mish_long", lambda: F.mish(XI))
error("hardtanh_bool", lambda: F.hardtanh(XI > 0))
error("leaky_relu_long", lambda: F.leaky_relu(XI))
error("threshold_bool", lambda: F.threshold(XI > 0, 1, 5))
error("softshrink_negative", lambda: F.softshrink(X, -1.0))
error("softshrink_long", lambda: F.softshrink(XI))
error("hardshrink_long", lambda: F.hardshrink(XI))
error("glu_odd", lambda: F.glu(X, 1))
error("glu_0d", lambda: F.glu(torch.tensor(1.0)))
error("glu_dim", lambda: F.glu(X, 2))
error("glu_long", lambda: F.glu(torch.tensor([[1, 2]]), 1))
error("hardsigmoid_long", lambda: F.hardsigmoid(XI))
error("hardswish_long", lambda: F.hardswish(XI))
error("rrelu_bounds", lambda: F.rrelu(X, 0.5, 0.1))
error("rrelu_long", lambda: F.rrelu(XI))
error("rrelu_long_training", lambda: F.rrelu(XI, training=True))
error("softmin_long", lambda: F.softmin(XI, 0))
error("softmax2d_2d", lambda: torch.nn.Softmax2d()(X))
error("elu_inplace_leaf", lambda: F.elu(X.clone().requires_grad_(), inplace=True))
error("elu_inplace_negative_alpha_backward",
      lambda: F.elu(X.clone().requires_grad_().clone(), -1.0, inplace=True).sum().backward())
error("leaky_relu_inplace_negative_slope_backward",
      lambda: F.leaky_relu(X.clone().requires_grad_().clone(), -0.1, inplace=True).sum().backward())

# Values that need no gradient: integer inputs, NaN.
VALUES = {
    "hardtanh_long": F.hardtanh(XI).tolist(),
    "relu6_long": F.relu6(XI * 3).tolist(),
    "threshold_long": F.threshold(XI, 1, 5).tolist(),
    "softsign_long": F.softsign(XI).tolist(),
    "nan": [str(float(f(torch.tensor([float("nan")]))[0])) for f in (
        F.elu, F.gelu, F.silu, F.mish, F.hardtanh, F.relu6, F.leaky_relu, lambda t: F.threshold(t, 0.0, 1.0),
        F.softshrink, F.hardshrink, F.hardsigmoid, F.hardswish)],
}

if __name__ == "__main__":
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "activation.json")
    import json
    with open(out, "w") as f:
        json.dump({"torch": torch.__version__, "cases": CASES, "errors": ERRORS, "values": VALUES}, f,
                  separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(CASES)} cases and {len(ERRORS)} errors to {out}")
