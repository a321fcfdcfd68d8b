#!/usr/bin/env python3
"""Writes conv.json: what PyTorch 1.13 computes for the spatial layers (convolution, padding,
pooling, resampling, fold/unfold, pixel shuffle, feature dropout) and their modules. Run by hand
with Debian's python3-torch:

    /usr/bin/python3 tests/reference/make_conv_reference.py

"cases" has the format of ops.json (make_ops_reference.py): tests/nn/test_<group>.cpp replays
each case by name with the same expression in C++ (value, dtype, grad_fn name, gradients, and a
float64 gradcheck). "modules" holds modules made right after torch.manual_seed(seed): their
initial parameters (PyTorch's draws, bit for bit), their output for an input and the gradients
for an upstream gradient. "draws" holds results of random ops (feature dropout) after a seed.
New cases go at the end of their list, so that the draws above them keep their values.
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(20261213)
CASES, MODULES, DRAWS = [], [], []
GROUP = None


def rnd(*shape, positive=False):
    t = torch.randn(*shape)
    return t.abs() + 0.5 if positive else t


def enc(t):
    """Float32 values with 9 significant digits, which give back the same float32 exactly."""
    if t is None:
        return {"values": None}
    t = t.detach()
    values = t.reshape(-1).tolist()
    if t.dtype == torch.float32:
        values = [float("%.9g" % v) for v in values]
    elif t.dtype == torch.bool:
        values = [int(v) for v in values]
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""), "values": values}


def case(name, fn, *inputs):
    """inputs: float tensors become leaves that require grad; others are passed as they are."""
    ins = [t.detach().clone().requires_grad_(t.is_floating_point()) for t in inputs]
    out = fn(*ins)
    entry = {"group": GROUP, "name": name, "inputs": [enc(t) for t in ins], "output": enc(out),
             "grad_fn": type(out.grad_fn).__name__ if out.grad_fn is not None else None}
    if out.requires_grad:
        g = torch.randn(out.shape, dtype=out.dtype)
        grads = torch.autograd.grad(out, [t for t in ins if t.requires_grad], g, allow_unused=True)
        it = iter(grads)
        entry["upstream"] = enc(g)
        entry["grads"] = [enc(next(it)) if t.requires_grad else None for t in ins]
        entry["grads"] = [x if x is None or x["values"] is not None else None for x in entry["grads"]]
    CASES.append(entry)


def module(name, seed, make, input_shape, call=None):
    """A module made after manual_seed(seed): its parameters, output and gradients."""
    torch.manual_seed(seed)
    m = make()
    params = {k: enc(v) for k, v in m.named_parameters()}
    x = torch.randn(*input_shape, requires_grad=True)
    y = call(m, x) if call else m(x)
    g = torch.randn(y.shape)
    y.backward(g)
    MODULES.append({"name": name, "seed": seed, "parameters": params, "input": enc(x), "output": enc(y),
                    "grad_fn": type(y.grad_fn).__name__, "upstream": enc(g), "input_grad": enc(x.grad),
                    "parameter_grads": {k: enc(v.grad) for k, v in m.named_parameters()},
                    "printed": repr(m)})


# ---- convolution -------------------------------------------------------------------------------
GROUP = "conv"
X1, X2, X3 = rnd(2, 4, 9), rnd(2, 4, 7, 6), rnd(2, 2, 5, 6, 4)
case("conv1d", lambda x, w, b: F.conv1d(x, w, b), X1, rnd(3, 4, 3), rnd(3))
case("conv1d_stride_pad_dilation", lambda x, w: F.conv1d(x, w, None, stride=2, padding=2, dilation=2), X1, rnd(5, 4, 3))
case("conv1d_groups", lambda x, w, b: F.conv1d(x, w, b, groups=2), X1, rnd(6, 2, 2), rnd(6))
case("conv1d_same", lambda x, w: F.conv1d(x, w, padding="same"), X1, rnd(3, 4, 4))
case("conv1d_unbatched", lambda x, w: F.conv1d(x, w), rnd(4, 9), rnd(3, 4, 3))
case("conv2d", lambda x, w, b: F.conv2d(x, w, b), X2, rnd(3, 4, 3, 3), rnd(3))
case("conv2d_stride_padding", lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1), X2, rnd(3, 4, 3, 3), rnd(3))
case("conv2d_uneven", lambda x, w: F.conv2d(x, w, None, stride=(2, 1), padding=(1, 0), dilation=(1, 2)), X2,
     rnd(2, 4, 3, 2))
case("conv2d_groups", lambda x, w, b: F.conv2d(x, w, b, padding=1, groups=4), X2, rnd(8, 1, 3, 3), rnd(8))
case("conv2d_pointwise", lambda x, w, b: F.conv2d(x, w, b), X2, rnd(5, 4, 1, 1), rnd(5))
case("conv2d_same_even", lambda x, w, b: F.conv2d(x, w, b, padding="same"), X2, rnd(3, 4, 2, 4), rnd(3))
case("conv2d_same_dilated", lambda x, w: F.conv2d(x, w, padding="same", dilation=2), X2, rnd(3, 4, 3, 3))
case("conv2d_valid", lambda x, w: F.conv2d(x, w, padding="valid"), X2, rnd(3, 4, 3, 3))
case("conv2d_unbatched", lambda x, w, b: F.conv2d(x, w, b, padding=1), rnd(4, 5, 5), rnd(2, 4, 3, 3), rnd(2))
case("conv2d_stride_larger_than_kernel", lambda x, w: F.conv2d(x, w, stride=3), X2, rnd(2, 4, 2, 2))
case("conv3d", lambda x, w, b: F.conv3d(x, w, b), X3, rnd(3, 2, 2, 3, 2), rnd(3))
case("conv3d_stride_padding", lambda x, w: F.conv3d(x, w, None, stride=(1, 2, 2), padding=1, dilation=(2, 1, 1)), X3,
     rnd(2, 2, 2, 2, 2))
case("conv_transpose1d", lambda x, w, b: F.conv_transpose1d(x, w, b, stride=2, padding=1, output_padding=1), X1,
     rnd(4, 3, 3), rnd(3))
case("conv_transpose1d_groups_dilation", lambda x, w: F.conv_transpose1d(x, w, None, groups=2, dilation=2), X1,
     rnd(4, 2, 3))
case("conv_transpose2d", lambda x, w, b: F.conv_transpose2d(x, w, b), X2, rnd(4, 3, 3, 3), rnd(3))
case("conv_transpose2d_stride_output_padding",
     lambda x, w, b: F.conv_transpose2d(x, w, b, stride=(2, 3), padding=(1, 2), output_padding=(1, 2)), X2,
     rnd(4, 2, 3, 4), rnd(2))
case("conv_transpose2d_groups", lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, groups=2, dilation=(1, 2)),
     rnd(1, 4, 3, 2), rnd(4, 3, 2, 2), rnd(6))
case("conv_transpose2d_unbatched", lambda x, w: F.conv_transpose2d(x, w, stride=2), rnd(4, 3, 3), rnd(4, 2, 3, 3))
case("conv_transpose3d", lambda x, w, b: F.conv_transpose3d(x, w, b, stride=2, padding=1, output_padding=(1, 0, 1)),
     rnd(1, 2, 3, 2, 3), rnd(2, 3, 3, 2, 3), rnd(3))
case("convolution", lambda x, w, b: torch.convolution(x, w, b, [1, 2], [1, 1], [1, 1], False, [0, 0], 1), X2,
     rnd(3, 4, 2, 3), rnd(3))
case("conv2d_double", lambda x, w, b: F.conv2d(x, w, b, padding=1), X2.double(), rnd(3, 4, 3, 3).double(),
     rnd(3).double())

# ---- padding -----------------------------------------------------------------------------------
GROUP = "padding"
P1, P2, P3 = rnd(2, 3, 6), rnd(2, 3, 5, 6), rnd(1, 2, 3, 4, 4)
case("pad_constant", lambda x: F.pad(x, (1, 2, 0, 3), value=0.5), P2)
case("pad_constant_negative", lambda x: F.pad(x, (-1, 2, 1, -2)), P2)
case("pad_constant_all_dims", lambda x: F.pad(x, (1, 1, 1, 0, 0, 1, 2, 0)), P2)
case("pad_constant_crop_only", lambda x: F.pad(x, (-1, -2)), P2)
case("pad_reflect_1d", lambda x: F.pad(x, (2, 3), mode="reflect"), P1)
case("pad_reflect_2d", lambda x: F.pad(x, (2, 1, 4, 0), mode="reflect"), P2)
case("pad_reflect_3d", lambda x: F.pad(x, (1, 2, 0, 3, 2, 1), mode="reflect"), P3)
case("pad_reflect_negative", lambda x: F.pad(x, (-1, 2, 1, -2), mode="reflect"), P2)
case("pad_replicate_1d", lambda x: F.pad(x, (3, 1), mode="replicate"), P1)
case("pad_replicate_2d", lambda x: F.pad(x, (2, 1, 0, 4), mode="replicate"), P2)
case("pad_replicate_3d", lambda x: F.pad(x, (1, 0, 3, 1, 2, 2), mode="replicate"), P3)
case("pad_replicate_unbatched", lambda x: F.pad(x, (2, 2), mode="replicate"), rnd(3, 4))
case("pad_circular_1d", lambda x: F.pad(x, (2, 3), mode="circular"), P1)
case("pad_circular_2d", lambda x: F.pad(x, (2, 1, 5, 0), mode="circular"), P2)
case("pad_circular_3d", lambda x: F.pad(x, (1, 2, 0, 3, 2, 1), mode="circular"), P3)
case("pad_circular_negative", lambda x: F.pad(x, (-1, 2, 1, -2), mode="circular"), P2)

# ---- convolution modules -----------------------------------------------------------------------
module("conv1d", 1, lambda: nn.Conv1d(3, 4, 3), (2, 3, 8))
module("conv2d_mnist_first", 2, lambda: nn.Conv2d(1, 10, 5), (1, 1, 8, 8))
module("conv2d_mnist_second", 3, lambda: nn.Conv2d(10, 20, 5), (1, 10, 6, 6))
module("conv2d_options", 4, lambda: nn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 2), dilation=(2, 1), groups=2,
                                              bias=False), (2, 4, 7, 6))
module("conv2d_same", 5, lambda: nn.Conv2d(2, 3, (2, 3), padding="same"), (2, 2, 5, 5))
module("conv2d_reflect", 6, lambda: nn.Conv2d(2, 3, 3, padding=(1, 2), padding_mode="reflect"), (2, 2, 5, 5))
module("conv2d_replicate", 7, lambda: nn.Conv2d(2, 3, 3, padding=1, padding_mode="replicate"), (2, 2, 5, 5))
module("conv2d_circular", 8, lambda: nn.Conv2d(2, 3, 3, padding=(2, 1), padding_mode="circular"), (2, 2, 5, 5))
module("conv2d_circular_same", 9, lambda: nn.Conv2d(2, 3, 4, padding="same", padding_mode="circular"), (2, 2, 5, 5))
module("conv3d", 10, lambda: nn.Conv3d(2, 3, (2, 3, 2), stride=(1, 2, 1)), (1, 2, 4, 5, 4))
module("conv_transpose1d", 11, lambda: nn.ConvTranspose1d(3, 4, 3, stride=2), (2, 3, 5))
module("conv_transpose2d", 12, lambda: nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2),
       (2, 4, 4, 3))
module("conv_transpose2d_output_size", 13, lambda: nn.ConvTranspose2d(2, 3, 3, stride=2), (1, 2, 4, 4),
       call=lambda m, x: m(x, output_size=[9, 10]))
module("conv_transpose3d", 14, lambda: nn.ConvTranspose3d(2, 2, 2, stride=(2, 1, 1), bias=False), (1, 2, 3, 3, 2))

# ---- pooling -----------------------------------------------------------------------------------
GROUP = "pooling"
Q1, Q2, Q3 = rnd(2, 3, 9), rnd(2, 3, 7, 6), rnd(1, 2, 5, 6, 4)
case("max_pool1d", lambda x: F.max_pool1d(x, 3, stride=2, padding=1), Q1)
case("max_pool1d_ceil_dilation", lambda x: F.max_pool1d(x, 2, stride=2, dilation=2, ceil_mode=True), Q1)
case("max_pool1d_indices", lambda x: F.max_pool1d(x, 3, stride=2, padding=1, return_indices=True)[1], Q1)
case("max_pool2d", lambda x: F.max_pool2d(x, 2), Q2)
case("max_pool2d_options", lambda x: F.max_pool2d(x, (3, 2), stride=(2, 1), padding=1, dilation=(1, 2), ceil_mode=True), Q2)
case("max_pool2d_indices", lambda x: F.max_pool2d(x, 3, stride=2, padding=1, return_indices=True)[1], Q2)
case("max_pool2d_unbatched", lambda x: F.max_pool2d(x, 2, stride=1), rnd(3, 4, 5))
case("max_pool3d", lambda x: F.max_pool3d(x, 2, stride=(1, 2, 2), padding=(1, 0, 1)), Q3)
case("max_pool3d_indices", lambda x: F.max_pool3d(x, 2, return_indices=True)[1], Q3)
case("avg_pool1d", lambda x: F.avg_pool1d(x, 3, stride=2, padding=1), Q1)
case("avg_pool1d_exclude_pad_ceil", lambda x: F.avg_pool1d(x, 4, stride=3, padding=2, ceil_mode=True,
                                                            count_include_pad=False), Q1)
case("avg_pool2d", lambda x: F.avg_pool2d(x, 2), Q2)
case("avg_pool2d_options", lambda x: F.avg_pool2d(x, (3, 2), stride=(2, 1), padding=1, ceil_mode=True,
                                                  count_include_pad=False), Q2)
case("avg_pool2d_divisor", lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, divisor_override=5), Q2)
case("avg_pool2d_ceil_include_pad", lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True), Q2)
case("avg_pool3d", lambda x: F.avg_pool3d(x, 2, stride=(1, 2, 2), padding=1, ceil_mode=True), Q3)
case("avg_pool3d_divisor", lambda x: F.avg_pool3d(x, (2, 3, 2), divisor_override=3), Q3)
case("adaptive_avg_pool1d", lambda x: F.adaptive_avg_pool1d(x, 4), Q1)
case("adaptive_avg_pool2d", lambda x: F.adaptive_avg_pool2d(x, (3, 4)), Q2)
case("adaptive_avg_pool2d_one", lambda x: F.adaptive_avg_pool2d(x, 1), Q2)
case("adaptive_avg_pool2d_larger", lambda x: F.adaptive_avg_pool2d(x, (9, 8)), Q2)
case("adaptive_avg_pool3d", lambda x: F.adaptive_avg_pool3d(x, (2, 4, 3)), Q3)
case("adaptive_avg_pool3d_one", lambda x: F.adaptive_avg_pool3d(x, 1), Q3)
case("adaptive_max_pool1d", lambda x: F.adaptive_max_pool1d(x, 4), Q1)
case("adaptive_max_pool2d", lambda x: F.adaptive_max_pool2d(x, (3, 4)), Q2)
case("adaptive_max_pool2d_indices", lambda x: F.adaptive_max_pool2d(x, (3, 4), return_indices=True)[1], Q2)
case("adaptive_max_pool3d", lambda x: F.adaptive_max_pool3d(x, (2, 4, 3)), Q3)
case("lp_pool1d", lambda x: F.lp_pool1d(x, 2, 3, stride=2), Q1)
case("lp_pool2d", lambda x: F.lp_pool2d(x, 3, (2, 3)), rnd(2, 3, 7, 6, positive=True))
case("lp_pool2d_stride_ceil", lambda x: F.lp_pool2d(x, 2, 2, stride=1, ceil_mode=True), Q2)
V1, I1 = F.max_pool1d(Q1, 2, return_indices=True)
V2, I2 = F.max_pool2d(Q2, 2, return_indices=True)
V3, I3 = F.max_pool3d(Q3, 2, return_indices=True)
case("max_unpool1d", lambda x, i: F.max_unpool1d(x, i, 2), V1, I1)
case("max_unpool2d", lambda x, i: F.max_unpool2d(x, i, 2), V2, I2)
case("max_unpool2d_output_size", lambda x, i: F.max_unpool2d(x, i, 2, output_size=(7, 7)), V2, I2)
case("max_unpool3d", lambda x, i: F.max_unpool3d(x, i, 2, stride=2), V3, I3)

module("max_pool2d", 21, lambda: nn.MaxPool2d(3, stride=2, padding=1), (2, 3, 7, 6))
module("max_pool1d_ceil", 22, lambda: nn.MaxPool1d(2, ceil_mode=True), (2, 3, 7))
module("avg_pool2d", 23, lambda: nn.AvgPool2d((2, 3), stride=1, padding=1, count_include_pad=False), (2, 3, 5, 6))
module("avg_pool3d", 24, lambda: nn.AvgPool3d(2, divisor_override=3), (1, 2, 4, 4, 4))
module("adaptive_avg_pool2d_none", 25, lambda: nn.AdaptiveAvgPool2d((None, 3)), (2, 3, 5, 7))
module("adaptive_max_pool3d", 26, lambda: nn.AdaptiveMaxPool3d((2, None, 3)), (1, 2, 4, 5, 6))
module("lp_pool2d", 27, lambda: nn.LPPool2d(2, 2), (2, 3, 6, 6))
module("max_unpool2d", 28, lambda: nn.MaxUnpool2d(2), (2, 3, 6, 6),
       call=lambda m, x: m(*F.max_pool2d(x, 2, return_indices=True)))

# ---- feature dropout: PyTorch's draws after manual_seed(seed) -----------------------------------
def draw(name, seed, fn, x):
    x = x.detach().clone().requires_grad_()
    torch.manual_seed(seed)
    y = fn(x)
    y.backward(torch.ones_like(y))
    DRAWS.append({"name": name, "seed": seed, "input": enc(x), "output": enc(y), "grad": enc(x.grad),
                  "grad_fn": type(y.grad_fn).__name__})


draw("dropout2d", 31, lambda x: F.dropout2d(x, 0.4), rnd(4, 5, 3, 3))
draw("dropout2d_3d_input", 32, lambda x: F.dropout2d(x, 0.5), rnd(4, 6, 5))
draw("dropout3d", 33, lambda x: F.dropout3d(x, 0.25), rnd(2, 3, 2, 2, 2))
draw("dropout3d_unbatched", 34, lambda x: F.dropout3d(x, 0.6), rnd(3, 2, 2, 2))
draw("dropout2d_double", 35, lambda x: F.dropout2d(x, 0.3), rnd(3, 4, 2, 2).double())
module("dropout2d", 36, lambda: nn.Dropout2d(0.5), (4, 3, 2, 2))

# ---- pixel shuffle ------------------------------------------------------------------------------
GROUP = "pixel_shuffle"
case("pixel_shuffle_2", lambda x: F.pixel_shuffle(x, 2), rnd(2, 8, 3, 2))
case("pixel_shuffle_3_unbatched", lambda x: F.pixel_shuffle(x, 3), rnd(9, 2, 2))
case("pixel_shuffle_batch_dims", lambda x: F.pixel_shuffle(x, 2), rnd(2, 1, 4, 1, 3))
case("pixel_shuffle_1", lambda x: F.pixel_shuffle(x, 1), rnd(1, 3, 2, 2))
case("pixel_unshuffle_2", lambda x: F.pixel_unshuffle(x, 2), rnd(2, 2, 4, 6))
case("pixel_unshuffle_3_unbatched", lambda x: F.pixel_unshuffle(x, 3), rnd(1, 3, 6))
case("pixel_unshuffle_batch_dims", lambda x: F.pixel_unshuffle(x, 2), rnd(3, 1, 2, 2, 2))
case("pixel_shuffle_int", lambda x: F.pixel_shuffle(x, 2), torch.arange(16).reshape(1, 4, 2, 2))

# ---- convolution: the direct kernels' shapes (src/kernels/conv_direct.hpp) -------------------------
# Stride-1 convolutions take the direct kernels; these cover what they branch on: one input
# channel or many, widths that fill whole vectors or not, channel blocks, padding beyond
# dilation * (k - 1), dilation, groups, kernel widths 1 to 7 (and 9: lowered), float and double.
GROUP = "conv"


def case_long_sums(*args):
    """A case whose values are sums of 150 to 350 products: float32 rounding is ~1e-5 there."""
    global GROUP
    GROUP = "conv_long_sums"
    case(*args)
    GROUP = "conv"


case_long_sums("conv2d_direct_one_channel", lambda x, w, b: F.conv2d(x, w, b), rnd(3, 1, 11, 13), rnd(14, 1, 5, 5), rnd(14))
case("conv2d_direct_whole_vectors", lambda x, w, b: F.conv2d(x, w, b), rnd(2, 1, 12, 20), rnd(10, 1, 5, 5), rnd(10))
case_long_sums("conv2d_direct_many_channels", lambda x, w, b: F.conv2d(x, w, b, padding=1), rnd(2, 6, 9, 20), rnd(14, 6, 3, 3),
     rnd(14))
case("conv2d_direct_wide_padding", lambda x, w: F.conv2d(x, w, None, padding=(3, 4), dilation=(2, 3)),
     rnd(2, 3, 10, 10), rnd(4, 3, 3, 2))
case("conv2d_direct_groups", lambda x, w, b: F.conv2d(x, w, b, padding=(1, 2), groups=3), rnd(2, 6, 7, 9),
     rnd(9, 2, 4, 3), rnd(9))
case("conv1d_direct_k7", lambda x, w, b: F.conv1d(x, w, b, padding=3), rnd(2, 3, 37), rnd(4, 3, 7), rnd(4))
case("conv2d_lowered_k9", lambda x, w: F.conv2d(x, w), rnd(1, 2, 6, 12), rnd(3, 2, 2, 9))
case("conv2d_lowered_many_rows", lambda x, w: F.conv2d(x, w, padding=1), rnd(1, 60, 5, 6), rnd(2, 60, 3, 3))
case("conv_transpose2d_direct", lambda x, w, b: F.conv_transpose2d(x, w, b, padding=1), rnd(2, 4, 5, 6),
     rnd(4, 3, 3, 3), rnd(3))
case("conv2d_direct_double", lambda x, w, b: F.conv2d(x, w, b, padding=1), rnd(2, 3, 8, 10).double(),
     rnd(5, 3, 3, 3).double(), rnd(5).double())
case_long_sums("conv2d_direct_mnist_shape", lambda x, w, b: F.conv2d(x, w, b), rnd(4, 10, 12, 12), rnd(20, 10, 5, 5), rnd(20))
# More column rows than the direct kernels take (kDirectMaxColRows, 800; the case above this
# one's name has 540, direct since that bound was raised): lowered, in double (sums of 2340 products).
case("conv2d_lowered_2340_rows", lambda x, w: F.conv2d(x, w, padding=1), rnd(1, 260, 4, 5).double(),
     rnd(2, 260, 3, 3).double())

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "conv.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "cases": CASES, "modules": MODULES, "draws": DRAWS}, f, indent=None,
              separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(CASES)} cases, {len(MODULES)} modules and {len(DRAWS)} draws to {out}")
