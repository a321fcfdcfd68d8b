#!/usr/bin/env python3
"""Writes loss.json: PyTorch 1.13's values, grad_fn names and gradients for the loss functions,
across their options (weight, ignore_index, reduction and the legacy size_average/reduce pair,
label_smoothing, probability targets, pos_weight, log_target), shapes ((C), (N, C),
(N, C, d1, ..., dK)) and edge cases (extreme logits, probabilities 0 and 1, NaN, empty batches,
all targets ignored), plus the exact error each bad input raises. Run by hand with Debian's
python3-torch:

    /usr/bin/python3 tests/reference/make_loss_reference.py

tests/nn/test_functional_loss.cpp calls the same F:: function with the same options for every
case and compares (values and gradients to float32 rounding, grad_fn names exactly, errors by
type and message), then gradchecks the call in float64.
"""
import json
import math
import os
import warnings

import torch
import torch.nn.functional as F

warnings.simplefilter("ignore")
torch.manual_seed(1)
CASES = []
FNS = {
    "l1_loss": F.l1_loss, "mse_loss": F.mse_loss, "kl_div": F.kl_div, "binary_cross_entropy": F.binary_cross_entropy,
    "binary_cross_entropy_with_logits": F.binary_cross_entropy_with_logits, "nll_loss": F.nll_loss,
    "cross_entropy": F.cross_entropy, "multilabel_margin_loss": F.multilabel_margin_loss,
    "multilabel_soft_margin_loss": F.multilabel_soft_margin_loss, "smooth_l1_loss": F.smooth_l1_loss,
    "huber_loss": F.huber_loss, "soft_margin_loss": F.soft_margin_loss,
    "margin_ranking_loss": F.margin_ranking_loss, "hinge_embedding_loss": F.hinge_embedding_loss,
    "cosine_embedding_loss": F.cosine_embedding_loss,
}


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


def case(name, fn, inp, target, target_grad=False, gradcheck=True, input2=None, **options):
    """input2: the second input of the losses that compare two (margin_ranking_loss, ...), passed
    between input and target as Python takes it."""
    inp = inp.detach().clone().requires_grad_(inp.is_floating_point())
    target = target.detach().clone()
    if input2 is not None:
        input2 = input2.detach().clone().requires_grad_(input2.is_floating_point())
    if target_grad:
        target.requires_grad_(True)
    entry = {"name": name, "fn": fn, "input": enc(inp), "target": enc(target), "target_grad": target_grad,
             "options": {k: (enc(v) if isinstance(v, torch.Tensor) else v) for k, v in options.items()},
             "gradcheck": gradcheck}
    if input2 is not None:
        entry["input2"] = enc(input2)
    try:
        out = FNS[fn](inp, target, **options) if input2 is None else FNS[fn](inp, input2, target, **options)
    except Exception as e:  # noqa: BLE001
        entry["error"] = {"type": type(e).__name__, "message": str(e)}
        CASES.append(entry)
        return
    entry["output"] = enc(out)
    entry["grad_fn"] = type(out.grad_fn).__name__ if out.grad_fn is not None else None
    if out.requires_grad:
        g = torch.randn(out.shape, dtype=out.dtype)
        wrt = [inp] + ([input2] if input2 is not None else []) + ([target] if target_grad else [])
        grads = torch.autograd.grad(out, wrt, g, allow_unused=True)
        entry["upstream"] = enc(g)
        entry["grads"] = [enc(x) for x in grads]
    CASES.append(entry)


def error(name, fn, inp, target, target_grad=False, input2=None, **options):
    case(name, fn, inp, target, target_grad=target_grad, gradcheck=False, input2=input2, **options)
    assert "error" in CASES[-1], name


R = ("none", "mean", "sum")
X = torch.randn(4, 5)
Y = torch.tensor([1, 0, 4, 2])
W = torch.rand(5) + 0.1
P = torch.softmax(torch.randn(4, 5), 1)

# ---- cross entropy and nll ------------------------------------------------------------------
for r in R:
    case(f"ce_{r}", "cross_entropy", X, Y, reduction=r)
    case(f"ce_weight_{r}", "cross_entropy", X, Y, weight=W, reduction=r)
    case(f"ce_ignore_{r}", "cross_entropy", X, torch.tensor([1, -100, 4, 2]), reduction=r)
    case(f"ce_ignore_valid_class_{r}", "cross_entropy", X, Y, ignore_index=0, weight=W, reduction=r)
    case(f"ce_smooth_{r}", "cross_entropy", X, Y, label_smoothing=0.1, reduction=r)
    case(f"ce_smooth_weight_ignore_{r}", "cross_entropy", X, torch.tensor([1, 3, -1, 2]), weight=W, ignore_index=-1,
         label_smoothing=0.25, reduction=r)
    case(f"ce_prob_{r}", "cross_entropy", X, P, target_grad=True, reduction=r)
    case(f"ce_prob_weight_smooth_{r}", "cross_entropy", X, P, target_grad=True, weight=W, label_smoothing=0.2, reduction=r)
    case(f"ce_unbatched_{r}", "cross_entropy", X[0], torch.tensor(3), reduction=r)
    case(f"ce_k1_{r}", "cross_entropy", torch.randn(2, 5, 3), torch.randint(5, (2, 3)), weight=W, reduction=r)
    case(f"ce_k2_{r}", "cross_entropy", torch.randn(2, 5, 3, 2), torch.tensor([[[0, 1], [2, -100], [4, 4]], [[3, 3], [1, 0], [2, 2]]]), reduction=r)
    case(f"ce_k3_{r}", "cross_entropy", torch.randn(2, 4, 2, 2, 3), torch.randint(4, (2, 2, 2, 3)), reduction=r)
    case(f"nll_{r}", "nll_loss", torch.log_softmax(X, 1), Y, reduction=r)
    case(f"nll_weight_ignore_{r}", "nll_loss", torch.log_softmax(X, 1), torch.tensor([1, 2, -100, 0]), weight=W, reduction=r)
    case(f"nll_unbatched_{r}", "nll_loss", torch.log_softmax(X[1], 0), torch.tensor(2), weight=W, reduction=r)
    case(f"nll_k2_{r}", "nll_loss", torch.randn(2, 3, 2, 2), torch.randint(3, (2, 2, 2)), weight=W[:3], reduction=r)
    case(f"nll_k3_{r}", "nll_loss", torch.randn(2, 3, 4), torch.randint(3, (2, 4)), reduction=r)
for sa, rd in ((None, False), (False, None), (False, True), (True, None), (True, False), (False, False)):
    case(f"ce_legacy_{sa}_{rd}", "cross_entropy", X, Y, weight=W, size_average=sa, reduce=rd)
    case(f"bce_legacy_{sa}_{rd}", "binary_cross_entropy", torch.sigmoid(X), torch.rand(4, 5), size_average=sa, reduce=rd)
case("ce_legacy_overrides_reduction", "cross_entropy", X, Y, size_average=False, reduction="mean")
case("ce_extreme_logits", "cross_entropy", torch.tensor([[1000., -1000., 0.], [-1000., 1000., 0.]]), torch.tensor([0, 0]), gradcheck=False)
case("ce_logits_5000", "cross_entropy", torch.tensor([[5000., -5000., 0.]]), torch.tensor([1]), gradcheck=False)
case("ce_neg_inf_non_target", "cross_entropy", torch.tensor([[-math.inf, 0., 1.]]), torch.tensor([2]), gradcheck=False)
case("ce_neg_inf_target", "cross_entropy", torch.tensor([[-math.inf, 0., 1.]]), torch.tensor([0]), gradcheck=False)
case("ce_pos_inf", "cross_entropy", torch.tensor([[math.inf, 0., 1.], [0., 1., 2.]]), torch.tensor([0, 1]), gradcheck=False)
case("ce_nan_input", "cross_entropy", torch.tensor([[math.nan, 0., 1.], [0., 1., 2.]]), torch.tensor([0, 1]), gradcheck=False)
case("ce_all_ignored_mean", "cross_entropy", X, torch.full((4,), -100), gradcheck=False)
case("ce_all_ignored_sum", "cross_entropy", X, torch.full((4,), -100), reduction="sum")
case("ce_zero_weight_target_mean", "cross_entropy", X[:2], torch.tensor([1, 1]), weight=torch.tensor([1., 0., 1., 1., 1.]), gradcheck=False)
case("ce_empty_batch_mean", "cross_entropy", torch.zeros(0, 5), torch.zeros(0, dtype=torch.long), gradcheck=False)
case("ce_empty_batch_sum", "cross_entropy", torch.zeros(0, 5), torch.zeros(0, dtype=torch.long), reduction="sum", gradcheck=False)
case("ce_negative_smoothing_ignored", "cross_entropy", X, Y, label_smoothing=-0.5)
case("ce_smoothing_one", "cross_entropy", X, Y, label_smoothing=1.0)
case("ce_double", "cross_entropy", X.double(), Y, weight=W.double())
case("ce_big_batch", "cross_entropy", torch.randn(70, 33) * 3, torch.randint(33, (70,)))
error("ce_target_out_of_bounds", "cross_entropy", X, torch.tensor([1, 0, 5, 2]))
error("ce_target_negative", "cross_entropy", X, torch.tensor([1, 0, -1, 2]))
error("ce_weight_wrong_size", "cross_entropy", X, Y, weight=torch.rand(4))
error("ce_weight_wrong_dtype", "cross_entropy", X.double(), Y, weight=torch.rand(5))
error("ce_batch_mismatch", "cross_entropy", X, torch.tensor([1, 0]))
error("ce_target_int_float", "cross_entropy", X, torch.tensor([1., 0., 4., 2.]))
error("ce_target_2d", "cross_entropy", X, torch.zeros(4, 2, dtype=torch.long))
error("ce_smoothing_too_big", "cross_entropy", X, Y, label_smoothing=1.5)
error("ce_prob_long_target", "cross_entropy", X, torch.ones(4, 5, dtype=torch.long))
error("ce_prob_ignore_index", "cross_entropy", X, P, ignore_index=1)
error("ce_prob_weight_wrong_size", "cross_entropy", X, P, weight=torch.rand(4))
error("ce_k1_target_shape", "cross_entropy", torch.randn(2, 5, 4), torch.zeros(2, 3, dtype=torch.long))
error("nll_0d_input", "nll_loss", torch.tensor(1.), torch.tensor(0))
error("nll_unbatched_target_1", "nll_loss", X[0], torch.tensor([1]))
error("nll_k2_size_mismatch", "nll_loss", torch.randn(2, 5, 4, 4), torch.zeros(2, 3, 4, dtype=torch.long))
error("nll_k2_target_dims", "nll_loss", torch.randn(2, 5, 4, 4), torch.zeros(2, 4, dtype=torch.long))

# ---- binary cross entropy ------------------------------------------------------------------
PR = torch.sigmoid(torch.randn(3, 4))
T = torch.rand(3, 4)
for r in R:
    case(f"bce_{r}", "binary_cross_entropy", PR, T, target_grad=True, reduction=r)
    case(f"bce_weight_{r}", "binary_cross_entropy", PR, T, target_grad=True, weight=torch.rand(3, 4), reduction=r)
    case(f"bce_weight_broadcast_{r}", "binary_cross_entropy", PR, T, weight=torch.rand(4), reduction=r)
    case(f"bcel_{r}", "binary_cross_entropy_with_logits", torch.randn(3, 4) * 2, T, target_grad=True, reduction=r)
    case(f"bcel_pos_weight_{r}", "binary_cross_entropy_with_logits", torch.randn(3, 4) * 2, T, target_grad=True,
         pos_weight=torch.rand(4) * 3, reduction=r)
    case(f"bcel_weight_pos_weight_{r}", "binary_cross_entropy_with_logits", torch.randn(3, 4), T, weight=torch.rand(3, 1),
         pos_weight=torch.rand(4) + 0.5, reduction=r)
case("bce_zero_and_one", "binary_cross_entropy", torch.tensor([0., 1., 0., 1., 0.5]), torch.tensor([1., 0., 0., 1., 0.5]),
     target_grad=True, reduction="none", gradcheck=False)
case("bce_target_two", "binary_cross_entropy", torch.tensor([0.3, 0.6]), torch.tensor([2., -1.]), reduction="sum")
case("bce_double", "binary_cross_entropy", PR.double(), T.double(), target_grad=True)
case("bcel_extreme", "binary_cross_entropy_with_logits", torch.tensor([1000., -1000., 40., -40.]),
     torch.tensor([1., 1., 1., 0.]), pos_weight=torch.tensor([3.]), reduction="none", gradcheck=False)
case("bcel_inf", "binary_cross_entropy_with_logits", torch.tensor([math.inf, -math.inf]), torch.tensor([1., 0.]),
     reduction="none", gradcheck=False)
case("bce_empty_mean", "binary_cross_entropy", torch.zeros(0), torch.zeros(0), gradcheck=False)
error("bce_input_out_of_range", "binary_cross_entropy", torch.tensor([0.5, 1.5]), torch.tensor([0., 1.]))
error("bce_input_nan", "binary_cross_entropy", torch.tensor([0.5, math.nan]), torch.tensor([0., 1.]))
error("bce_target_size", "binary_cross_entropy", torch.rand(3), torch.rand(3, 1))
error("bce_target_long", "binary_cross_entropy", torch.rand(3).double(), torch.ones(3, dtype=torch.long))
error("bce_target_dtype", "binary_cross_entropy", torch.rand(3), torch.rand(3).double())
error("bce_weight_enlarges", "binary_cross_entropy", torch.rand(2, 3), torch.rand(2, 3), weight=torch.rand(4, 2, 3))
error("bce_weight_mismatch", "binary_cross_entropy", torch.rand(2, 3), torch.rand(2, 3), weight=torch.rand(2))
error("bcel_target_size", "binary_cross_entropy_with_logits", torch.rand(3), torch.rand(3, 1))
error("bcel_pos_weight_size", "binary_cross_entropy_with_logits", torch.rand(2, 3), torch.rand(2, 3), pos_weight=torch.rand(2))

# ---- regression and divergences -----------------------------------------------------------------
A, B = torch.randn(3, 4), torch.randn(3, 4)
for r in R:
    case(f"mse_{r}", "mse_loss", A, B, target_grad=True, reduction=r)
    case(f"l1_{r}", "l1_loss", A, B, target_grad=True, reduction=r)
    case(f"mse_broadcast_{r}", "mse_loss", torch.randn(3, 1), torch.randn(3), target_grad=True, reduction=r)
    case(f"l1_broadcast_{r}", "l1_loss", torch.randn(3, 1), torch.randn(3), target_grad=True, reduction=r)
for r in ("none", "mean", "sum", "batchmean"):
    case(f"kl_{r}", "kl_div", torch.log_softmax(A, 1), torch.softmax(B, 1), target_grad=True, reduction=r)
    case(f"kl_log_target_{r}", "kl_div", torch.log_softmax(A, 1), torch.log_softmax(B, 1), target_grad=True,
         reduction=r, log_target=True)
case("kl_zero_target", "kl_div", torch.tensor([-1., -2.]), torch.tensor([0., 0.5]), reduction="sum", gradcheck=False)
case("kl_legacy_sum", "kl_div", torch.log_softmax(A, 1), torch.softmax(B, 1), size_average=False)
case("l1_legacy_none", "l1_loss", A, B, reduce=False)
case("mse_double", "mse_loss", A.double(), B.double(), target_grad=True)
case("mse_empty_mean", "mse_loss", torch.zeros(0), torch.zeros(0), gradcheck=False)
error("mse_long", "mse_loss", torch.ones(3, dtype=torch.long), torch.ones(3, dtype=torch.long))
error("kl_integral", "kl_div", torch.ones(3, dtype=torch.long), torch.ones(3, dtype=torch.long))

# ---- multilabel ------------------------------------------------------------------------------
MX = torch.randn(3, 5)
MY = torch.tensor([[3, 0, -1, 1, 2], [0, 1, 2, 3, 4], [2, 2, -1, 0, 0]])
for r in R:
    case(f"mlm_{r}", "multilabel_margin_loss", MX, MY, reduction=r)
    case(f"mlsm_{r}", "multilabel_soft_margin_loss", MX, torch.randint(2, (3, 5)).float(), target_grad=True, reduction=r)
    case(f"mlsm_weight_{r}", "multilabel_soft_margin_loss", MX, torch.rand(3, 5), weight=torch.rand(5), reduction=r)
case("mlm_unbatched", "multilabel_margin_loss", MX[0], torch.tensor([0, 3, -1, 0, 0]), reduction="none")
case("mlsm_3d", "multilabel_soft_margin_loss", torch.randn(2, 3, 4), torch.rand(2, 3, 4), reduction="none")
error("mlm_target_too_big", "multilabel_margin_loss", MX, torch.tensor([[0, 5, -1, 0, 0]] * 3))
error("mlm_target_below_minus_one", "multilabel_margin_loss", MX, torch.tensor([[0, -2, -1, 0, 0]] * 3))
error("mlm_target_shape", "multilabel_margin_loss", MX, torch.zeros(3, 4, dtype=torch.long))
error("mlm_3d", "multilabel_margin_loss", torch.zeros(2, 3, 4), torch.zeros(2, 3, 4, dtype=torch.long))
error("mlsm_0d", "multilabel_soft_margin_loss", torch.tensor(1.), torch.tensor(1.))

# ---- smooth l1, huber, soft margin (one node each) ----------------------------------------------
SA, SB = torch.randn(3, 4) * 2, torch.randn(3, 4) * 2
SY = torch.sign(torch.randn(3, 4))
for r in R:
    case(f"smooth_l1_{r}", "smooth_l1_loss", SA, SB, target_grad=True, reduction=r)
    case(f"smooth_l1_beta_{r}", "smooth_l1_loss", SA, SB, target_grad=True, reduction=r, beta=0.5)
    case(f"smooth_l1_beta0_{r}", "smooth_l1_loss", SA, SB, target_grad=True, reduction=r, beta=0.0)
    case(f"huber_{r}", "huber_loss", SA, SB, target_grad=True, reduction=r)
    case(f"huber_delta_{r}", "huber_loss", SA, SB, target_grad=True, reduction=r, delta=2.5)
    case(f"soft_margin_{r}", "soft_margin_loss", SA, SY, reduction=r)
    case(f"soft_margin_float_target_{r}", "soft_margin_loss", SA, torch.randn(3, 4), reduction=r)
case("smooth_l1_broadcast", "smooth_l1_loss", torch.randn(3, 1), torch.randn(3), target_grad=True, beta=0.7)
case("huber_broadcast", "huber_loss", torch.randn(3, 1), torch.randn(3), target_grad=True, reduction="sum", delta=0.3)
case("smooth_l1_legacy_sum", "smooth_l1_loss", SA, SB, size_average=False, beta=2.0)
case("smooth_l1_legacy_none", "smooth_l1_loss", SA, SB, reduce=False)
case("soft_margin_legacy_none", "soft_margin_loss", SA, SY, reduce=False)
case("smooth_l1_double", "smooth_l1_loss", SA.double(), SB.double(), target_grad=True, beta=1.5)
case("huber_double", "huber_loss", SA.double(), SB.double(), target_grad=True, delta=0.5)
case("soft_margin_double", "soft_margin_loss", SA.double(), SY.double())
case("soft_margin_double_target", "soft_margin_loss", SA, SY.double())
case("soft_margin_extreme", "soft_margin_loss", torch.tensor([100., -100., 30.]), torch.tensor([-1., -1., 1.]), gradcheck=False)
case("smooth_l1_empty_mean", "smooth_l1_loss", torch.zeros(0), torch.zeros(0), gradcheck=False)
error("smooth_l1_negative_beta", "smooth_l1_loss", SA, SB, beta=-1.0)
error("smooth_l1_long", "smooth_l1_loss", torch.ones(3, dtype=torch.long), torch.ones(3, dtype=torch.long))
error("smooth_l1_shapes", "smooth_l1_loss", torch.ones(3), torch.ones(2))
error("huber_zero_delta", "huber_loss", SA, SB, delta=0.0)
error("huber_long", "huber_loss", torch.ones(3, dtype=torch.long), torch.ones(3, dtype=torch.long))
error("soft_margin_long", "soft_margin_loss", torch.ones(3, dtype=torch.long), torch.ones(3, dtype=torch.long))
error("soft_margin_target_grad", "soft_margin_loss", SA, SY, target_grad=True)
error("soft_margin_shapes", "soft_margin_loss", torch.ones(3), torch.ones(2))

# ---- margin ranking, hinge embedding, cosine embedding (composites) -------------------------------
E1, E2 = torch.randn(4, 5), torch.randn(4, 5)
EY = torch.tensor([1., -1., -1., 1.])
HY = torch.sign(torch.randn(3, 4))
for r in R:
    case(f"margin_ranking_{r}", "margin_ranking_loss", E1[:, 0], EY, input2=E2[:, 0], reduction=r)
    case(f"margin_ranking_margin_{r}", "margin_ranking_loss", E1[:, 0], EY, input2=E2[:, 0], reduction=r, margin=0.4)
    case(f"hinge_embedding_{r}", "hinge_embedding_loss", SA, HY, reduction=r)
    case(f"hinge_embedding_margin_{r}", "hinge_embedding_loss", SA, HY, reduction=r, margin=2.5)
    case(f"cosine_embedding_{r}", "cosine_embedding_loss", E1, EY, input2=E2, reduction=r)
    case(f"cosine_embedding_margin_{r}", "cosine_embedding_loss", E1, EY, input2=E2, reduction=r, margin=-0.3)
case("margin_ranking_2d", "margin_ranking_loss", E1, torch.sign(torch.randn(4, 5)), input2=E2, margin=0.1)
case("margin_ranking_0d", "margin_ranking_loss", E1[0, 0], torch.tensor(-1.), input2=E2[0, 0], reduction="sum")
case("margin_ranking_target_grad", "margin_ranking_loss", E1[:, 0], EY, input2=E2[:, 0], target_grad=True, margin=0.2)
case("hinge_embedding_other_target", "hinge_embedding_loss", SA, torch.tensor([1., -1., 0., 2.]), reduction="none")
case("hinge_embedding_legacy_sum", "hinge_embedding_loss", SA, HY, size_average=False)
case("cosine_embedding_0d_target", "cosine_embedding_loss", E1[0], torch.tensor(-1.), input2=E2[0], margin=-0.5)
case("cosine_embedding_other_target", "cosine_embedding_loss", E1, torch.tensor([1., 0., -1., 2.]), input2=E2, reduction="none")
case("cosine_embedding_double", "cosine_embedding_loss", E1.double(), EY.double(), input2=E2.double())
case("hinge_embedding_double", "hinge_embedding_loss", SA.double(), HY.double(), margin=0.5)
error("margin_ranking_dims", "margin_ranking_loss", E1, EY, input2=E2)
error("cosine_embedding_2d_target", "cosine_embedding_loss", E1, torch.ones(4, 5), input2=E2)
error("cosine_embedding_1d_target_1d_inputs", "cosine_embedding_loss", E1[0], EY, input2=E2[0])
error("cosine_embedding_0d_target_2d_inputs", "cosine_embedding_loss", E1, torch.tensor(1.), input2=E2)

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "loss.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "cases": CASES}, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(CASES)} cases to {out}")
