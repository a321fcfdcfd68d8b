#!/usr/bin/env python3
"""Writes loss_extra.json: PyTorch 1.13's values, grad_fn names, gradients and errors for the
losses of issue 13's second batch: multi_margin_loss, triplet_margin_loss,
triplet_margin_with_distance_loss, poisson_nll_loss, gaussian_nll_loss and ctc_loss, across their
options and reductions. Run by hand with Debian's python3-torch:

    /usr/bin/python3 tests/reference/make_loss_extra_reference.py

tests/nn/test_loss_extra.cpp makes the same F:: call for every case and compares values and
gradients (float32 rounding), grad_fn names and errors (type and message), then gradchecks the
call in float64 where the case says so.
"""
import json
import math
import os
import warnings

import torch
import torch.nn.functional as F

warnings.simplefilter("ignore")
torch.manual_seed(13)
CASES = []


def enc(t):
    if t is None:
        return None
    t = t.detach()
    vals = []
    for v in t.reshape(-1).tolist():
        if isinstance(v, float) and not math.isfinite(v):
            vals.append("nan" if math.isnan(v) else ("inf" if v > 0 else "-inf"))
        else:
            vals.append(int(v) if isinstance(v, bool) else v)
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""), "values": vals}


def cosine_distance(x, y):
    return 1.0 - F.cosine_similarity(x, y)


def l1_distance(x, y):
    return (x - y).abs().sum(-1)


DISTANCES = {"cosine": cosine_distance, "l1": l1_distance}


def call(fn, xs, o):
    o = dict(o)
    if fn == "multi_margin_loss":
        if "weight" in o:
            o["weight"] = o["weight"]
        return F.multi_margin_loss(xs[0], xs[1], **o)
    if fn == "triplet_margin_loss":
        return F.triplet_margin_loss(xs[0], xs[1], xs[2], **o)
    if fn == "triplet_margin_with_distance_loss":
        if "distance" in o:
            o["distance_function"] = DISTANCES[o.pop("distance")]
        return F.triplet_margin_with_distance_loss(xs[0], xs[1], xs[2], **o)
    if fn == "poisson_nll_loss":
        return F.poisson_nll_loss(xs[0], xs[1], **o)
    if fn == "gaussian_nll_loss":
        return F.gaussian_nll_loss(xs[0], xs[1], xs[2], **o)
    if fn == "ctc_loss":
        lp = xs[0]
        if o.pop("logits", False):
            lp = lp.log_softmax(-1)
        return F.ctc_loss(lp, xs[1], xs[2], xs[3], **o)
    raise ValueError(fn)


def case(name, fn, inputs, grad, gradcheck=True, **options):
    """grad: which inputs require grad (and get a gradient checked)."""
    xs = [x.detach().clone().requires_grad_(g) for x, g in zip(inputs, grad)]
    entry = {"name": name, "fn": fn, "inputs": [enc(x) for x in xs], "grad": list(grad), "gradcheck": gradcheck,
             "options": {k: (enc(v) if isinstance(v, torch.Tensor) else v) for k, v in options.items()}}
    opts = dict(options)
    try:
        out = call(fn, xs, opts)
    except Exception as e:  # noqa: BLE001
        entry["error"] = {"type": type(e).__name__, "message": str(e)}
        CASES.append(entry)
        return
    entry["output"] = enc(out)
    entry["grad_fn"] = type(out.grad_fn).__name__ if out.grad_fn is not None else None
    if out.requires_grad:
        g = torch.randn(out.shape, dtype=out.dtype)
        wrt = [x for x, r in zip(xs, grad) if r]
        grads = torch.autograd.grad(out, wrt, g, allow_unused=True)
        entry["upstream"] = enc(g)
        entry["grads"] = [enc(x) if x is not None else None for x in grads]
    CASES.append(entry)


def error(name, fn, inputs, grad, **options):
    case(name, fn, inputs, grad, gradcheck=False, **options)
    assert "error" in CASES[-1], name


R = ("none", "mean", "sum")

# ---- multi_margin_loss ----------------------------------------------------------------------
MX = torch.randn(4, 5)
MY = torch.tensor([1, 0, 4, 2])
MW = torch.rand(5) + 0.1
for r in R:
    case(f"mm_{r}", "multi_margin_loss", [MX, MY], [True, False], reduction=r)
    case(f"mm_p2_margin_{r}", "multi_margin_loss", [MX, MY], [True, False], p=2, margin=0.7, reduction=r)
    case(f"mm_weight_{r}", "multi_margin_loss", [MX, MY], [True, False], weight=MW, reduction=r)
    case(f"mm_p2_weight_{r}", "multi_margin_loss", [MX, MY], [True, False], p=2, margin=2.0, weight=MW, reduction=r)
    case(f"mm_unbatched_{r}", "multi_margin_loss", [MX[0], torch.tensor(3)], [True, False], reduction=r)
    case(f"mm_unbatched_t1_{r}", "multi_margin_loss", [MX[0], torch.tensor([3])], [True, False], reduction=r)
case("mm_legacy_sum", "multi_margin_loss", [MX, MY], [True, False], size_average=False)
case("mm_legacy_none", "multi_margin_loss", [MX, MY], [True, False], reduce=False)
case("mm_double", "multi_margin_loss", [MX.double(), MY], [True, False], p=2, weight=MW.double())
case("mm_kink", "multi_margin_loss", [torch.tensor([[1., 0., 2.]]), torch.tensor([2])], [True, False], gradcheck=False)
case("mm_libtorch", "multi_margin_loss", [torch.tensor([[0.2, 0.2, 0.6], [0.1, 0.8, 0.1], [0.9, 0.09, 0.01]]),
     torch.tensor([2, 1, 0])], [True, False], margin=2.0, weight=torch.tensor([0.3, 0.3, 0.4]))
error("mm_target_out_of_range", "multi_margin_loss", [MX, torch.tensor([1, 0, 5, 2])], [True, False])
error("mm_target_negative", "multi_margin_loss", [MX, torch.tensor([1, 0, -1, 2])], [True, False])
error("mm_p3", "multi_margin_loss", [MX, MY], [True, False], p=3)
error("mm_weight_2d", "multi_margin_loss", [MX, MY], [True, False], weight=torch.ones(1, 5))
error("mm_target_size", "multi_margin_loss", [MX, torch.tensor([1, 0])], [True, False])
error("mm_target_2d", "multi_margin_loss", [MX, torch.zeros(4, 1, dtype=torch.long)], [True, False])
error("mm_input_3d", "multi_margin_loss", [torch.zeros(2, 3, 4), torch.zeros(2, dtype=torch.long)], [True, False])
error("mm_no_classes", "multi_margin_loss", [torch.zeros(2, 0), torch.zeros(2, dtype=torch.long)], [True, False])
error("mm_target_int32", "multi_margin_loss", [MX, MY.int()], [True, False])
error("mm_weight_dtype", "multi_margin_loss", [MX, MY], [True, False], weight=MW.double())

# ---- triplet_margin_loss --------------------------------------------------------------------
A, P, N = torch.randn(4, 6), torch.randn(4, 6), torch.randn(4, 6)
G3 = [True, True, True]
for r in R:
    case(f"tm_{r}", "triplet_margin_loss", [A, P, N], G3, reduction=r)
    case(f"tm_swap_{r}", "triplet_margin_loss", [A, P, N], G3, swap=True, margin=2.0, reduction=r)
    case(f"tm_p1_{r}", "triplet_margin_loss", [A, P, N], G3, p=1.0, eps=1e-3, reduction=r)
    case(f"tm_p3_swap_{r}", "triplet_margin_loss", [A, P, N], G3, p=3.0, swap=True, reduction=r)
case("tm_unbatched", "triplet_margin_loss", [A[0], P[0], N[0]], G3, margin=3.0)
case("tm_broadcast", "triplet_margin_loss", [A, P[:1], N], G3, margin=3.0)
case("tm_negative_margin", "triplet_margin_loss", [A, P, N], G3, margin=-0.5)
case("tm_legacy", "triplet_margin_loss", [A, P, N], G3, size_average=False, margin=2.0)
case("tm_double", "triplet_margin_loss", [A.double(), P.double(), N.double()], G3, swap=True, margin=2.0)
case("tm_libtorch", "triplet_margin_loss", [torch.tensor([[3., 3.]]), torch.tensor([[2., 2.]]), torch.tensor([[0., 0.]])],
     G3, gradcheck=False)
error("tm_ranks", "triplet_margin_loss", [A, P, N[0]], G3)

# ---- triplet_margin_with_distance_loss ------------------------------------------------------
for r in R:
    case(f"tmd_{r}", "triplet_margin_with_distance_loss", [A, P, N], G3, reduction=r)
    case(f"tmd_swap_{r}", "triplet_margin_with_distance_loss", [A, P, N], G3, swap=True, margin=2.0, reduction=r)
    case(f"tmd_cosine_{r}", "triplet_margin_with_distance_loss", [A, P, N], G3, distance="cosine", margin=0.5,
         reduction=r)
    case(f"tmd_l1_swap_{r}", "triplet_margin_with_distance_loss", [A, P, N], G3, distance="l1", swap=True,
         margin=4.0, reduction=r)
case("tmd_broadcast", "triplet_margin_with_distance_loss", [A, P[:1], N[0]], G3, margin=3.0)
case("tmd_double", "triplet_margin_with_distance_loss", [A.double(), P.double(), N.double()], G3, swap=True,
     margin=2.0)

# ---- poisson_nll_loss -----------------------------------------------------------------------
PX = torch.randn(3, 4)
PY = torch.tensor([[0., 1., 2., 3.], [0.5, 4., 1.5, 7.], [1., 0., 2.5, 10.]])
PR = torch.rand(3, 4) * 3 + 0.1
for r in R:
    case(f"pn_{r}", "poisson_nll_loss", [PX, PY], [True, True], reduction=r)
    case(f"pn_rate_{r}", "poisson_nll_loss", [PR, PY], [True, True], log_input=False, reduction=r)
    case(f"pn_full_{r}", "poisson_nll_loss", [PX, PY + 0.25], [True, True], full=True, reduction=r)
    case(f"pn_rate_full_eps_{r}", "poisson_nll_loss", [PR, PY + 0.25], [True, True], log_input=False, full=True,
         eps=0.1, reduction=r)
case("pn_full_zero_target", "poisson_nll_loss", [PX, PY], [True, True], full=True, gradcheck=False)  # nan at y = 0
case("pn_rate_zero_input", "poisson_nll_loss", [torch.tensor([0., 1.]), torch.tensor([2., 3.])], [True, True],
     log_input=False, gradcheck=False)
case("pn_broadcast", "poisson_nll_loss", [PX, PY[0]], [True, True])
case("pn_legacy", "poisson_nll_loss", [PX, PY], [True, True], reduce=False)
case("pn_double", "poisson_nll_loss", [PX.double(), PY.double() + 0.25], [True, True], full=True)
error("pn_batchmean", "poisson_nll_loss", [PX, PY], [True, True], reduction="batchmean")

# ---- gaussian_nll_loss ----------------------------------------------------------------------
GX, GY = torch.randn(3, 4), torch.randn(3, 4)
GV = torch.rand(3, 4) + 0.2
for r in R:
    case(f"gn_{r}", "gaussian_nll_loss", [GX, GY, GV], G3, reduction=r)
    case(f"gn_full_{r}", "gaussian_nll_loss", [GX, GY, GV], G3, full=True, reduction=r)
    case(f"gn_homo_{r}", "gaussian_nll_loss", [GX, GY, GV[:, 0]], G3, reduction=r)
    case(f"gn_homo_keep_{r}", "gaussian_nll_loss", [GX, GY, GV[:, :1]], G3, full=True, reduction=r)
case("gn_clamped", "gaussian_nll_loss", [GX, GY, torch.tensor([[0., 1e-8, 0.5, 1.]] * 3)], G3, eps=1e-3,
     gradcheck=False)
case("gn_var_zero", "gaussian_nll_loss", [torch.tensor([1.]), torch.tensor([0.]), torch.tensor([0.])], G3,
     gradcheck=False)
case("gn_double", "gaussian_nll_loss", [GX.double(), GY.double(), GV.double()], G3, full=True)
error("gn_var_size", "gaussian_nll_loss", [GX, GY, torch.rand(4)], G3)
error("gn_var_0d", "gaussian_nll_loss", [GX, GY, torch.tensor(1.)], G3)
error("gn_var_negative", "gaussian_nll_loss", [GX, GY, GV - 1.0], G3)
error("gn_batchmean", "gaussian_nll_loss", [GX, GY, GV], G3, reduction="batchmean")

# ---- ctc_loss -------------------------------------------------------------------------------
T, B, C = 7, 3, 5
CL = torch.randn(T, B, C)
LP = CL.log_softmax(2)
PAD = torch.tensor([[1, 2, 2, 0], [3, 1, 4, 4], [2, 3, 0, 0]])
IL = torch.tensor([7, 6, 5])
TL = torch.tensor([3, 4, 2])
CAT = torch.tensor([1, 2, 2, 3, 1, 4, 4, 2, 3])
G4 = [True, False, False, False]
for r in R:
    case(f"ctc_padded_{r}", "ctc_loss", [LP, PAD, IL, TL], G4, gradcheck=False, reduction=r)
    case(f"ctc_concat_{r}", "ctc_loss", [LP, CAT, IL, TL], G4, gradcheck=False, reduction=r)
    case(f"ctc_logits_{r}", "ctc_loss", [CL, PAD, IL, TL], G4, logits=True, reduction=r)
    case(f"ctc_blank_{r}", "ctc_loss", [CL, PAD - 1 + 5 * (PAD == 0), IL, TL], G4, logits=True, blank=4, reduction=r)
    # sample 1 needs 4 labels with a repeat (4, 4) in 6 steps: fine; in 4 steps: infeasible
    case(f"ctc_infeasible_{r}", "ctc_loss", [LP, PAD, torch.tensor([7, 4, 5]), TL], G4, gradcheck=False, reduction=r)
    case(f"ctc_zero_infinity_{r}", "ctc_loss", [CL, PAD, torch.tensor([7, 4, 5]), TL], G4, logits=True,
         zero_infinity=True, reduction=r)
case("ctc_empty_targets", "ctc_loss", [LP, torch.zeros(0, dtype=torch.long), IL, torch.tensor([0, 0, 0])], G4,
     gradcheck=False, reduction="none")
case("ctc_some_empty", "ctc_loss", [CL, PAD, IL, torch.tensor([0, 4, 2])], G4, logits=True)
case("ctc_unbatched_none", "ctc_loss", [CL[:, 0], PAD[0, :3], torch.tensor(7), torch.tensor(3)], G4, logits=True,
     reduction="none")
case("ctc_unbatched_mean", "ctc_loss", [LP[:, 0], PAD[:1], torch.tensor([6]), torch.tensor([3])], G4,
     gradcheck=False)
case("ctc_int32", "ctc_loss", [LP, PAD.int(), IL.int(), TL.int()], G4, gradcheck=False)
case("ctc_double", "ctc_loss", [CL.double(), CAT, IL, TL], G4, logits=True, reduction="sum")
case("ctc_double_raw", "ctc_loss", [LP.double(), PAD, IL, TL], G4, gradcheck=False)
case("ctc_long_sequence", "ctc_loss", [torch.randn(50, 2, 6).log_softmax(2), torch.randint(1, 6, (2, 20)),
     torch.tensor([50, 45]), torch.tensor([20, 13])], G4, gradcheck=False)
for r in R:
    case(f"ctc_empty_batch_{r}", "ctc_loss", [torch.zeros(4, 0, 3), torch.zeros(0, dtype=torch.long),
         torch.zeros(0, dtype=torch.long), torch.zeros(0, dtype=torch.long)], G4, gradcheck=False, reduction=r)
# A target equal to blank is not checked; PyTorch's gradient is then not the loss's derivative (its
# sum over the states of a label meets the blank's states twice), so no gradcheck: PyTorch's numbers.
case("ctc_target_is_blank", "ctc_loss", [CL, PAD, IL, TL], G4, logits=True, blank=2, gradcheck=False)
case("mm_empty_batch_none", "multi_margin_loss", [torch.zeros(0, 5), torch.zeros(0, dtype=torch.long)], [True, False],
     gradcheck=False, reduction="none")
error("ctc_input_length_too_big", "ctc_loss", [LP, PAD, torch.tensor([8, 6, 5]), TL], G4)
error("ctc_padded_too_short", "ctc_loss", [LP, PAD[:, :3], IL, TL], G4)
error("ctc_padded_batch", "ctc_loss", [LP, PAD[:2], IL, TL], G4)
error("ctc_concat_size", "ctc_loss", [LP, CAT[:8], IL, TL], G4)
error("ctc_input_lengths_size", "ctc_loss", [LP, PAD, IL[:2], TL], G4)
error("ctc_target_lengths_size", "ctc_loss", [LP, PAD, IL, TL[:2]], G4)
error("ctc_input_lengths_float", "ctc_loss", [LP, PAD, IL.float(), TL], G4)
error("ctc_target_lengths_float", "ctc_loss", [LP, PAD, IL, TL.float()], G4)
error("ctc_blank_out_of_range", "ctc_loss", [LP, PAD, IL, TL], G4, blank=5)
error("ctc_4d", "ctc_loss", [LP.unsqueeze(0), PAD, IL, TL], G4)
error("ctc_targets_3d", "ctc_loss", [LP, PAD.unsqueeze(0), IL, TL], G4)

out = {"torch_version": torch.__version__, "cases": CASES}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "loss_extra.json")
with open(path, "w") as f:
    json.dump(out, f)
print(f"{len(CASES)} cases, {sum('error' in c for c in CASES)} errors -> {path}")
for c in CASES:
    if "error" in c:
        print(c["name"], c["error"])
