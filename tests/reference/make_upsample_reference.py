#!/usr/bin/env python3
"""Writes upsample.json: what PyTorch 1.13 computes for F.interpolate (nearest, nearest-exact,
linear, bilinear, bicubic, trilinear, area; size or scale_factor; align_corners;
recompute_scale_factor) and nn.Upsample: values, grad_fn names and graphs, first gradients under
create_graph=True and second derivatives (see second_order.py), and the exact error each bad input
raises. Run by hand with Debian's python3-torch:

    /usr/bin/python3 tests/reference/make_upsample_reference.py

tests/nn/test_upsample.cpp replays every case by name.
"""
import json
import os
import warnings

import torch
import torch.nn.functional as F

from second_order import CASES, case, group

warnings.filterwarnings("ignore")
torch.manual_seed(20261213)
ERRORS = []


def error(name, fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        ERRORS.append({"name": name, "type": type(e).__name__, "message": str(e)})
        return
    raise AssertionError(f"{name} did not raise")


X3 = torch.randn(2, 3, 5)
X4 = torch.randn(2, 2, 4, 5)
X5 = torch.randn(1, 2, 3, 4, 3)

group("nearest")
case("nearest1d_size", lambda a: F.interpolate(a, size=8), X3)
case("nearest1d_down", lambda a: F.interpolate(a, size=3), X3)
case("nearest1d_scale", lambda a: F.interpolate(a, scale_factor=2.0), X3)
case("nearest1d_scale_frac", lambda a: F.interpolate(a, scale_factor=1.7), X3)
case("nearest1d_recompute", lambda a: F.interpolate(a, scale_factor=1.7, recompute_scale_factor=True), X3)
case("nearest2d_size", lambda a: F.interpolate(a, size=(7, 3)), X4)
case("nearest2d_scale", lambda a: F.interpolate(a, scale_factor=(2.0, 0.6)), X4)
case("nearest3d_size", lambda a: F.interpolate(a, size=(5, 3, 6)), X5)
case("nearest3d_scale", lambda a: F.interpolate(a, scale_factor=1.5), X5)
case("nearest2d_double", lambda a: F.interpolate(a, size=(6, 7)), X4.double())
case("nearest_exact1d", lambda a: F.interpolate(a, size=8, mode="nearest-exact"), X3)
case("nearest_exact2d", lambda a: F.interpolate(a, scale_factor=(1.5, 0.7), mode="nearest-exact"), X4)
case("nearest_exact3d", lambda a: F.interpolate(a, size=(2, 5, 4), mode="nearest-exact"), X5)

group("linear")
case("linear_size", lambda a: F.interpolate(a, size=9, mode="linear"), X3)
case("linear_align", lambda a: F.interpolate(a, size=9, mode="linear", align_corners=True), X3)
case("linear_down", lambda a: F.interpolate(a, size=3, mode="linear", align_corners=False), X3)
case("linear_scale", lambda a: F.interpolate(a, scale_factor=1.7, mode="linear", align_corners=False), X3)
case("linear_recompute", lambda a: F.interpolate(a, scale_factor=1.7, mode="linear", recompute_scale_factor=True), X3)
case("linear_align_one", lambda a: F.interpolate(a, size=1, mode="linear", align_corners=True), X3)
case("bilinear_size", lambda a: F.interpolate(a, size=(7, 3), mode="bilinear"), X4)
case("bilinear_align", lambda a: F.interpolate(a, size=(7, 8), mode="bilinear", align_corners=True), X4)
case("bilinear_scale", lambda a: F.interpolate(a, scale_factor=(2.5, 0.5), mode="bilinear"), X4)
case("bilinear_double", lambda a: F.interpolate(a, size=(6, 7), mode="bilinear"), X4.double())
case("trilinear_size", lambda a: F.interpolate(a, size=(5, 3, 6), mode="trilinear"), X5)
case("trilinear_align", lambda a: F.interpolate(a, size=(4, 6, 2), mode="trilinear", align_corners=True), X5)
case("trilinear_scale", lambda a: F.interpolate(a, scale_factor=1.5, mode="trilinear"), X5)

group("bicubic")
case("bicubic_size", lambda a: F.interpolate(a, size=(7, 3), mode="bicubic"), X4)
case("bicubic_align", lambda a: F.interpolate(a, size=(7, 8), mode="bicubic", align_corners=True), X4)
case("bicubic_scale", lambda a: F.interpolate(a, scale_factor=(1.5, 2.0), mode="bicubic"), X4)
case("bicubic_down", lambda a: F.interpolate(a, size=(2, 3), mode="bicubic"), X4)
case("bicubic_double", lambda a: F.interpolate(a, size=(6, 9), mode="bicubic"), X4.double())

group("area")
case("area1d", lambda a: F.interpolate(a, size=3, mode="area"), X3)
case("area2d", lambda a: F.interpolate(a, scale_factor=0.5, mode="area"), X4)
case("area3d", lambda a: F.interpolate(a, size=(2, 2, 2), mode="area"), X5)

group("module")
case("upsample_nearest", lambda a: torch.nn.Upsample(scale_factor=2.0)(a), X4)
case("upsample_bilinear", lambda a: torch.nn.Upsample(size=(5, 6), mode="bilinear", align_corners=True)(a), X4)
case("upsample_linear", lambda a: torch.nn.Upsample(scale_factor=1.5, mode="linear")(a), X3)

error("dim2", lambda: F.interpolate(X3[0], size=(4, 4)))
error("dim6", lambda: F.interpolate(X3.reshape(1, 1, 1, 2, 3, 5), size=(1, 1, 1, 3, 4, 4)))
error("neither", lambda: F.interpolate(X3))
error("both", lambda: F.interpolate(X3, size=4, scale_factor=0.5))
error("align_nearest", lambda: F.interpolate(X3, size=4, align_corners=True))
error("align_area", lambda: F.interpolate(X3, size=4, mode="area", align_corners=False))
error("bilinear_3d", lambda: F.interpolate(X3, size=4, mode="bilinear", align_corners=False))
error("trilinear_3d", lambda: F.interpolate(X3, size=4, mode="trilinear", align_corners=False))
error("linear_4d", lambda: F.interpolate(X4, size=(4, 4), mode="linear", align_corners=False))
error("trilinear_4d", lambda: F.interpolate(X4, size=(4, 4), mode="trilinear", align_corners=False))
error("linear_5d", lambda: F.interpolate(X5, size=(4, 4, 4), mode="linear", align_corners=False))
error("bilinear_5d", lambda: F.interpolate(X5, size=(4, 4, 4), mode="bilinear", align_corners=False))
error("bicubic_5d", lambda: F.interpolate(X5, size=(4, 4, 4), mode="bicubic", align_corners=False))
error("antialias_nearest", lambda: F.interpolate(X4, size=(4, 4), antialias=True))
error("zero_output", lambda: F.interpolate(X3, scale_factor=0.1))
error("zero_output_2d", lambda: F.interpolate(X4, size=(0, 3), mode="bilinear"))
error("zero_output_3d", lambda: F.interpolate(X5, size=(2, 0, 3), mode="trilinear"))
error("long_nearest", lambda: F.interpolate(torch.ones(1, 1, 3, dtype=torch.long), size=4))
error("long_linear", lambda: F.interpolate(torch.ones(1, 1, 3, dtype=torch.long), size=4, mode="linear"))

# Antialiased bilinear and bicubic (PyTorch 1.13's _upsample_*2d_aa kernels), drawn after the rest.
XA = torch.randn(1, 2, 13, 11)
group("antialias")
case("aa_bilinear_down", lambda a: F.interpolate(a, size=(4, 5), mode="bilinear", antialias=True), XA)
case("aa_bilinear_scale", lambda a: F.interpolate(a, scale_factor=(0.4, 0.6), mode="bilinear", antialias=True), XA)
case("aa_bilinear_up", lambda a: F.interpolate(a, size=(6, 9), mode="bilinear", antialias=True), X4)
case("aa_bilinear_align", lambda a: F.interpolate(a, size=(5, 3), mode="bilinear", align_corners=True,
                                                  antialias=True), XA)
case("aa_bilinear_mixed", lambda a: F.interpolate(a, size=(3, 16), mode="bilinear", antialias=True), XA)
case("aa_bicubic_down", lambda a: F.interpolate(a, size=(4, 5), mode="bicubic", antialias=True), XA)
case("aa_bicubic_scale", lambda a: F.interpolate(a, scale_factor=0.3, mode="bicubic", antialias=True), XA)
case("aa_bicubic_up", lambda a: F.interpolate(a, size=(7, 8), mode="bicubic", antialias=True), X4)
case("aa_bicubic_align", lambda a: F.interpolate(a, size=(6, 4), mode="bicubic", align_corners=True,
                                                 antialias=True), XA)
case("aa_bicubic_double", lambda a: F.interpolate(a, size=(5, 4), mode="bicubic", antialias=True), XA.double())
case("aa_bilinear_native", lambda a: torch._C._nn._upsample_bilinear2d_aa(a, None, False, [0.5, 0.3]), XA)
case("aa_bicubic_native", lambda a: torch._C._nn._upsample_bicubic2d_aa(a, [3, 2], False, None), XA)
error("antialias_long", lambda: F.interpolate(torch.ones(1, 1, 4, 4, dtype=torch.long), size=(2, 2), mode="bilinear",
                                              antialias=True))
error("antialias_half", lambda: F.interpolate(torch.ones(1, 1, 4, 4, dtype=torch.half), size=(2, 2), mode="bicubic",
                                              antialias=True))
error("antialias_3d", lambda: F.interpolate(X3, size=2, mode="linear", antialias=True))

if __name__ == "__main__":
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "upsample.json")
    with open(out, "w") as f:
        json.dump({"torch": torch.__version__, "cases": CASES, "errors": ERRORS}, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(CASES)} cases and {len(ERRORS)} errors to {out}")
