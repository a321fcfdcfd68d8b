#!/usr/bin/env python3
"""Writes vision.json: what PyTorch 1.13 computes for F.affine_grid, F.grid_sample (bilinear,
nearest, bicubic; zeros, border, reflection padding; align_corners; 4-d and 5-d) and
F.fractional_max_pool2d/3d with given samples: values, grad_fn names and graphs, first gradients
under create_graph=True and second derivatives or PyTorch's error (see second_order.py); the
windows fractional max pooling draws after torch.manual_seed (output and indices, bit for bit);
and the exact error each bad input raises. Run by hand with Debian's python3-torch:

    /usr/bin/python3 tests/reference/make_vision_reference.py

tests/nn/test_vision.cpp replays every case by name.
"""
import json
import os
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

from second_order import CASES, case, enc, group

warnings.filterwarnings("ignore")
torch.manual_seed(20261213)
ERRORS = []
DRAWS = []


def error(name, fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        ERRORS.append({"name": name, "type": type(e).__name__, "message": str(e)})
        return
    raise AssertionError(f"{name} did not raise")


# --- affine_grid -----------------------------------------------------------------------------
group("affine_grid")
T2 = torch.randn(2, 2, 3)
T3 = torch.randn(2, 3, 4)
case("affine2d", lambda t: F.affine_grid(t, [2, 3, 4, 5], align_corners=False), T2)
case("affine2d_align", lambda t: F.affine_grid(t, [2, 3, 4, 5], align_corners=True), T2)
case("affine2d_one", lambda t: F.affine_grid(t, [2, 1, 1, 3], align_corners=False), T2)
case("affine2d_double", lambda t: F.affine_grid(t, [2, 1, 3, 2], align_corners=False), T2.double())
case("affine3d", lambda t: F.affine_grid(t, [2, 1, 3, 4, 2], align_corners=False), T3)
case("affine3d_align", lambda t: F.affine_grid(t, [2, 2, 2, 3, 4], align_corners=True), T3)

# --- grid_sample -----------------------------------------------------------------------------
X4 = torch.randn(2, 3, 4, 5)
G4 = torch.rand(2, 3, 6, 2) * 2.6 - 1.3  # reaches past the edges, to exercise the padding modes
X5 = torch.randn(1, 2, 3, 4, 3)
G5 = torch.rand(1, 2, 3, 2, 3) * 2.6 - 1.3
group("grid_sample")
for mode in ("bilinear", "nearest", "bicubic"):
    for pad in ("zeros", "border", "reflection"):
        for align in (False, True):
            name = f"{mode}_{pad}{'_align' if align else ''}"
            # bicubic's grid gradient sums 48 products that cancel: in float32 it lands a few 1e-6
            # from PyTorch's, so its align_corners cases are compared in float64.
            wide = mode == "bicubic" and align
            case(name, lambda x, g, m=mode, p=pad, a=align: F.grid_sample(x, g, mode=m, padding_mode=p, align_corners=a),
                 X4.double() if wide else X4, G4.double() if wide else G4)
case("bilinear_double", lambda x, g: F.grid_sample(x, g, align_corners=False), X4.double(), G4.double())
case("bilinear_input_only", lambda x, g: F.grid_sample(x, g, align_corners=False), X4, G4, leaf=[True, False])
case("bilinear_grid_only", lambda x, g: F.grid_sample(x, g, align_corners=True), X4, G4, leaf=[False, True])
group("grid_sample_3d")
for mode in ("bilinear", "nearest"):
    for pad in ("zeros", "border", "reflection"):
        for align in (False, True):
            name = f"{mode}3d_{pad}{'_align' if align else ''}"
            case(name, lambda x, g, m=mode, p=pad, a=align: F.grid_sample(x, g, mode=m, padding_mode=p, align_corners=a),
                 X5, G5)

# --- fractional max pooling with given samples -----------------------------------------------
group("fractional")
XF = torch.randn(2, 3, 7, 6)
XF3 = torch.randn(1, 2, 5, 6, 7)
S2 = torch.rand(2, 3, 2)
case("frac2d", lambda x, s: F.fractional_max_pool2d(x, 3, output_size=(3, 2), _random_samples=s), XF, S2,
     leaf=[True, False])
case("frac2d_rect", lambda x, s: F.fractional_max_pool2d(x, (2, 3), output_size=(5, 4), _random_samples=s), XF, S2,
     leaf=[True, False])
case("frac2d_ratio", lambda x, s: F.fractional_max_pool2d(x, 2, output_ratio=0.5, _random_samples=s), XF, S2,
     leaf=[True, False])
case("frac2d_nobatch", lambda x, s: F.fractional_max_pool2d(x, 2, output_size=4, _random_samples=s), XF[0],
     S2[:1], leaf=[True, False])
case("frac2d_double", lambda x, s: F.fractional_max_pool2d(x, 3, output_size=(4, 3), _random_samples=s),
     XF.double(), S2.double(), leaf=[True, False])
case("frac3d", lambda x, s: F.fractional_max_pool3d(x, 2, output_size=(3, 3, 4), _random_samples=s), XF3,
     torch.rand(1, 2, 3), leaf=[True, False])
case("frac3d_ratio", lambda x, s: F.fractional_max_pool3d(x, (2, 3, 2), output_ratio=(0.5, 0.5, 0.6),
                                                          _random_samples=s), XF3, torch.rand(1, 2, 3),
     leaf=[True, False])


# --- the samples drawn when none are given: after manual_seed, PyTorch's windows ---------------
def draw(name, seed, fn, x):
    torch.manual_seed(seed)
    y, i = fn(x)
    DRAWS.append({"name": name, "seed": seed, "input": enc(x), "output": enc(y), "indices": enc(i)})


draw("f2d", 7, lambda x: F.fractional_max_pool2d(x, 2, output_size=(4, 3), return_indices=True), XF)
draw("f2d_nobatch", 8, lambda x: F.fractional_max_pool2d(x, 3, output_ratio=(0.6, 0.5), return_indices=True), XF[1])
draw("f2d_double", 9, lambda x: F.fractional_max_pool2d(x, 2, output_size=3, return_indices=True), XF.double())
draw("f3d", 10, lambda x: F.fractional_max_pool3d(x, 2, output_size=(3, 4, 4), return_indices=True), XF3)
draw("module2d", 11, lambda x: nn.FractionalMaxPool2d(2, output_ratio=0.5, return_indices=True)(x), XF)
draw("module3d", 12, lambda x: nn.FractionalMaxPool3d(3, output_size=2, return_indices=True)(x), XF3)

# --- errors ----------------------------------------------------------------------------------
x4, g4 = torch.randn(1, 1, 3, 3), torch.rand(1, 2, 2, 2)
error("gs_batch", lambda: F.grid_sample(x4, torch.randn(2, 2, 2, 2), align_corners=False))
error("gs_last", lambda: F.grid_sample(x4, torch.randn(1, 2, 2, 3), align_corners=False))
error("gs_dtype", lambda: F.grid_sample(x4, g4.double(), align_corners=False))
error("gs_grid_dims", lambda: F.grid_sample(x4, torch.randn(1, 2, 2), align_corners=False))
error("gs_3d_input", lambda: F.grid_sample(torch.randn(1, 1, 3), torch.randn(1, 2, 1), align_corners=False))
error("gs_bicubic_5d", lambda: F.grid_sample(torch.randn(1, 1, 2, 3, 3), torch.randn(1, 2, 2, 2, 3), mode="bicubic",
                                             align_corners=False))
error("gs_empty", lambda: F.grid_sample(torch.randn(1, 1, 0, 3), g4, align_corners=False))
error("gs_long", lambda: F.grid_sample(x4.long(), g4.long(), align_corners=False))
error("gs_long_3d", lambda: F.grid_sample(torch.ones(1, 1, 2, 2, 2).long(), torch.ones(1, 1, 1, 1, 3).long(),
                                          align_corners=False))
error("ag_float", lambda: F.affine_grid(torch.empty(2, 2, 3, dtype=torch.int), [1, 1, 2, 2]))
error("ag_shape", lambda: F.affine_grid(torch.empty(1, 2, 3), [1, 1, 2, 2, 2]))
error("ag_size", lambda: F.affine_grid(torch.empty(1, 2, 3), [1, 1, 2]))
error("ag_batch", lambda: F.affine_grid(torch.empty(2, 2, 3), [1, 1, 2, 2]))
error("fp_neither", lambda: F.fractional_max_pool2d(XF, 3))
error("fp_neither_3d", lambda: F.fractional_max_pool3d(XF3, 3))
error("fp_2d_input", lambda: F.fractional_max_pool2d(torch.randn(5, 5), 3, output_size=2))
error("fp_height", lambda: F.fractional_max_pool2d(torch.randn(1, 2, 5, 5), 3, output_size=4))
error("fp_width", lambda: F.fractional_max_pool2d(torch.randn(1, 2, 5, 5), (1, 3), output_size=4))
error("fp_empty", lambda: F.fractional_max_pool2d(torch.randn(1, 2, 0, 5), 3, output_size=2))
error("fp_samples_dtype", lambda: F.fractional_max_pool2d(torch.randn(1, 2, 5, 5), 3, output_size=2,
                                                          _random_samples=torch.rand(1, 2, 2).double()))
error("fp_long", lambda: F.fractional_max_pool2d(torch.randn(1, 2, 5, 5).long(), 3, output_size=2,
                                                 _random_samples=torch.rand(1, 2, 2).long()))
error("fp3_time", lambda: F.fractional_max_pool3d(torch.randn(1, 2, 5, 5, 5), 3, output_size=4))
error("fp3_empty", lambda: F.fractional_max_pool3d(torch.randn(1, 2, 5, 5, 0), 3, output_size=2))
error("fp_op_5d", lambda: torch._C._nn.fractional_max_pool2d(torch.randn(2, 1, 2, 5, 5), [3, 3], [2, 2],
                                                              torch.rand(1, 2, 2)))
error("fp3_op_3d", lambda: torch._C._nn.fractional_max_pool3d(torch.randn(5, 5, 5), [3, 3, 3], [2, 2, 2],
                                                               torch.rand(1, 2, 3)))
error("fp3_op_height", lambda: torch._C._nn.fractional_max_pool3d(torch.randn(1, 5, 5, 5), [2, 3, 3], [2, 4, 2],
                                                                   torch.rand(1, 2, 3)))
error("fp3_op_width", lambda: torch._C._nn.fractional_max_pool3d(torch.randn(1, 5, 5, 5), [2, 3, 3], [2, 2, 4],
                                                                  torch.rand(1, 2, 3)))
error("fp_op_kernel", lambda: torch._C._nn.fractional_max_pool2d(torch.randn(1, 2, 5, 5), [3], [2, 2],
                                                                  torch.rand(1, 2, 2)))
error("fp_op_output", lambda: torch._C._nn.fractional_max_pool2d(torch.randn(1, 2, 5, 5), [3, 3], [2],
                                                                  torch.rand(1, 2, 2)))
error("fp3_op_kernel", lambda: torch._C._nn.fractional_max_pool3d(torch.randn(1, 5, 5, 5), [2, 3], [2, 2, 2],
                                                                   torch.rand(1, 2, 3)))
error("mod_neither", lambda: nn.FractionalMaxPool2d(3))
error("mod_both", lambda: nn.FractionalMaxPool2d(3, output_size=2, output_ratio=0.5))
error("mod_ratio", lambda: nn.FractionalMaxPool3d(3, output_ratio=(0.5, 0.5, 1.0)))

if __name__ == "__main__":
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vision.json")
    with open(out, "w") as f:
        json.dump({"torch": torch.__version__, "cases": CASES, "draws": DRAWS, "errors": ERRORS}, f,
                  separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(CASES)} cases, {len(DRAWS)} draws and {len(ERRORS)} errors to {out}")
