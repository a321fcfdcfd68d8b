#!/usr/bin/env python3
"""Writes double_backward.json: for every differentiable op of xgrad outside linalg (those are in
make_linalg_reference.py), what PyTorch 1.13 does under create_graph=True: whether each first
gradient requires grad, its grad_fn name, and the second derivative (see second_order.py). Run by
hand with Debian's python3-torch:

    /usr/bin/python3 tests/reference/make_double_backward_reference.py [--summary]

tests/autograd/test_double_backward.cpp replays every case by name. Inputs avoid the kinks of
piecewise ops (|x| > 0.05 from 0 and from clamp bounds) and ties, where a derivative is a choice.
"""
import os
import sys

import torch
import torch.nn.functional as F

from second_order import case, group, summary, write

torch.manual_seed(20261124)


def rnd(*shape, positive=False, dtype=torch.float32):
    t = torch.randn(*shape, dtype=dtype)
    t = t + 0.1 * torch.sign(t)  # keep away from 0
    if positive:
        t = t.abs() + 0.5
    return t


def sl(x, dim, start, step=1):
    """x[start::step] along dim, one SliceBackward0 as C++'s x.slice() records (Python's a[:, 1:]
    records a second slice for the ':')."""
    return torch.ops.aten.slice(x, dim, start, None, step)


A, B = rnd(2, 3), rnd(2, 3)
P = rnd(2, 3, positive=True)
X3 = rnd(2, 3, 4)
IDX = torch.tensor([[0, 2], [1, 1]])

group("elementwise")
case("add", lambda a, b: a + b, A, B)
case("add_broadcast", lambda a, b: a + b, rnd(2, 3), rnd(3))
case("add_scalar", lambda a: a + 2.5, A)
case("add_alpha", lambda a, b: torch.add(a, b, alpha=2), A, B)
case("sub", lambda a, b: a - b, A, B)
case("sub_alpha", lambda a, b: torch.sub(a, b, alpha=3), A, B)
case("rsub", lambda a: 1 - a, A)
case("mul", lambda a, b: a * b, A, B)
case("mul_broadcast", lambda a, b: a * b, rnd(4, 1, 3), rnd(2, 1))
case("mul_self", lambda a: a * a, A)
case("mul_scalar", lambda a: a * 3, A)
case("div", lambda a, b: a / b, A, P)
case("div_scalar", lambda a: a / 4, A)
case("rdiv", lambda a: 2 / a, P)
case("neg", lambda a: -a, A)
case("exp", torch.exp, A)
case("log", torch.log, P)
case("log1p", torch.log1p, P)
case("sqrt", torch.sqrt, P)
case("rsqrt", torch.rsqrt, P)
case("abs", torch.abs, A)
case("sign", torch.sign, A)
case("square", torch.square, A)
case("reciprocal", torch.reciprocal, P)
case("sin", torch.sin, A)
case("cos", torch.cos, A)
case("pow_2", lambda a: a.pow(2), A)
case("pow_3", lambda a: a.pow(3), A)
case("pow_half", lambda a: a.pow(0.5), P)
case("pow_neg", lambda a: a.pow(-1.5), P)
case("pow_0", lambda a: a.pow(0), A)
case("pow_tensor", lambda a, b: a.pow(b), P, B)
case("pow_scalar_base", lambda b: torch.pow(2, b), B)
case("clamp", lambda a: a.clamp(-0.5, 0.5), A)
case("clamp_min", lambda a: a.clamp_min(0.1), A)
case("clamp_max", lambda a: a.clamp_max(0.1), A)
case("maximum", torch.maximum, A, B)
case("minimum", torch.minimum, A, B)
case("xlogy", torch.xlogy, A, P)
case("to_double", lambda a: a.to(torch.float64), A)
case("clone", lambda a: a.clone(), A)

group("inplace")
case("add_", lambda a, b: a.clone().add_(b, alpha=2), A, B)
case("sub_", lambda a, b: a.clone().sub_(b), A, B)
case("mul_", lambda a, b: a.clone().mul_(b), A, B)
case("div_", lambda a, b: a.clone().div_(b), A, P)
case("mul_scalar_", lambda a: a.clone().mul_(3), A)
case("neg_", lambda a: a.clone().neg_(), A)
case("exp_", lambda a: a.clone().exp_(), A)
case("sqrt_", lambda a: a.clone().sqrt_(), P)
case("relu_", lambda a: a.clone().relu_(), A)
case("clamp_", lambda a: a.clone().clamp_(-0.5, 0.5), A)
case("masked_fill_", lambda a: a.clone().masked_fill_(a.detach() > 0, 0.5), A)
case("addcmul_", lambda a, b, c: a.clone().addcmul_(b, c, value=0.5), A, B, P)
case("addcdiv_", lambda a, b, c: a.clone().addcdiv_(b, c, value=0.5), A, B, P)
case("lerp_", lambda a, b: a.clone().lerp_(b, 0.25), A, B)
case("fill_", lambda a: a.clone().fill_(2.5) * a, A)
case("zero_", lambda a: a.clone().zero_() + a * a, A)
case("copy_", lambda a, b: a.clone().copy_(b) * a, A, B)

group("activation")
case("relu", torch.relu, A)
case("sigmoid", torch.sigmoid, A)
case("tanh", torch.tanh, A)
case("softplus", F.softplus, A * 3)
case("softplus_beta", lambda a: F.softplus(a, beta=2, threshold=1), A)
case("log_sigmoid", F.logsigmoid, A * 3)

group("dropout")  # the same seed before each call: the same mask (gradcheck calls it many times)
case("dropout", lambda a: (torch.manual_seed(7), F.dropout(a, 0.4))[1] ** 2, A)

group("softmax")
case("softmax", lambda a: torch.softmax(a, 1), X3)
case("softmax_last", lambda a: torch.softmax(a, -1), X3)
case("log_softmax", lambda a: torch.log_softmax(a, 1), X3)
case("log_softmax_last", lambda a: torch.log_softmax(a, -1), X3)

group("reduction")
case("sum", torch.sum, X3)
case("sum_dim", lambda a: a.sum(1), X3)
case("sum_dims_keepdim", lambda a: a.sum((0, 2), keepdim=True), X3)
case("mean", torch.mean, X3)
case("mean_dim", lambda a: a.mean(1), X3)
case("max_all", torch.max, X3)
case("min_all", torch.min, X3)
case("max_dim", lambda a: a.max(1)[0], X3)
case("max_dim_keepdim", lambda a: a.max(2, keepdim=True)[0], X3)
case("min_dim", lambda a: a.min(0)[0], X3)
case("amax", lambda a: a.amax(1), X3)
case("amin_dims", lambda a: a.amin((0, 1)), X3)
case("logsumexp", lambda a: a.logsumexp(1), X3)
case("relu_max", lambda a: torch.relu(a).max(), rnd(3))
case("relu_max_dim", lambda a: torch.relu(a).max(0, keepdim=True)[0], rnd(3, 2))

group("shape_ops")
case("view", lambda a: a.view(4, 6) * a.view(4, 6), X3)
case("reshape_copy", lambda a: a.t().reshape(6) ** 2, A)
case("flatten", lambda a: a.flatten(1) ** 2, X3)
case("t", lambda a: a.t() ** 2, A)
case("transpose", lambda a: a.transpose(0, 2) ** 2, X3)
case("permute", lambda a: a.permute(2, 0, 1) ** 2, X3)
case("slice", lambda a: sl(a, 1, 1) ** 2, A)
case("slice_step", lambda a: sl(a, 1, None, 2) ** 2, X3)
case("narrow", lambda a: a.narrow(2, 1, 2) ** 2, X3)
case("select", lambda a: a.select(1, 2) ** 2, X3)
case("squeeze", lambda a: a.unsqueeze(1).squeeze() ** 2, A)
case("squeeze_dim", lambda a: a.unsqueeze(0).squeeze(0) ** 2, A)
case("unsqueeze", lambda a: a.unsqueeze(1) ** 2, A)
case("expand", lambda a: a.expand(4, 2, 3) ** 2, A)
case("contiguous", lambda a: a.t().contiguous() ** 2, A)
case("cat", lambda a, b: torch.cat([a, b], 1) ** 2, A, rnd(2, 2))
case("stack", lambda a, b: torch.stack([a, b], 1) ** 2, A, B)
case("unbind", lambda a: a.unbind(1)[2] * a.unbind(1)[0], A)
case("split", lambda a: a.split(2, 1)[1] ** 2, X3)
case("slice_grad", lambda a: sl(a, 1, 1).sum() * a, A)  # a view's backward inside a second derivative
case("select_grad", lambda a: a.select(1, 0).sum() * a, A)

group("indexing")
case("index_select", lambda a, i: a.index_select(1, i), X3, torch.tensor([2, 0, 2]))
case("index_select_sq", lambda a, i: a.index_select(1, i) ** 2, X3, torch.tensor([2, 0, 2]))
case("gather", lambda a, i: a.gather(1, i), A, IDX)
case("gather_sq", lambda a, i: a.gather(1, i) ** 2, A, IDX)
case("scatter_add", lambda a, i, s: a.scatter_add(1, i, s), A, IDX, rnd(2, 2))
case("scatter_add_sq", lambda a, i, s: a.scatter_add(1, i, s * s), A, IDX, rnd(2, 2))
case("index_add", lambda a, i, s: a.index_add(0, i, s), rnd(3, 2), torch.tensor([2, 0, 2]), rnd(3, 2))
case("index_add_sq", lambda a, i, s: a.index_add(0, i, s * s), rnd(3, 2), torch.tensor([2, 0, 2]), rnd(3, 2))
case("masked_fill", lambda a: a.masked_fill(a.detach() > 0, 0.5), A)
case("masked_fill_sq", lambda a: (a * a).masked_fill(a.detach() > 0, 0.5), A)
case("masked_fill_tensor", lambda a, v: a.masked_fill(a.detach() > 0, v), A, torch.tensor(0.5))
case("where", lambda a, b: torch.where(a.detach() > b.detach(), a, b), A, B)
case("where_sq", lambda a, b: torch.where(a.detach() > b.detach(), a * a, b), A, B)
case("where_scalar", lambda a: torch.where(a.detach() > 0, a, 0.0), A)

group("loss")
T01 = torch.rand(2, 3) * 0.8 + 0.1
LAB = torch.tensor([2, 0])
for red in ("mean", "sum", "none"):
    case(f"mse_loss_{red}", lambda a, b: F.mse_loss(a, b, reduction=red), A, B)
    case(f"l1_loss_{red}", lambda a, b: F.l1_loss(a, b, reduction=red), A, B)
    case(f"bce_{red}", lambda a, t: F.binary_cross_entropy(torch.sigmoid(a), t, reduction=red), A, T01, leaf=[True, False])
    case(f"bce_logits_{red}", lambda a, t: F.binary_cross_entropy_with_logits(a, t, reduction=red), A, T01)
    case(f"nll_loss_{red}", lambda a, t: F.nll_loss(a, t, reduction=red), A, LAB)
    case(f"cross_entropy_{red}", lambda a, t: F.cross_entropy(a, t, reduction=red), A, LAB)
    case(f"kl_div_{red}", lambda a, t: F.kl_div(a, t, reduction=red), torch.log_softmax(A, 1), T01)
    case(f"multilabel_margin_{red}", lambda a, t: F.multilabel_margin_loss(a, t, reduction=red), A,
         torch.tensor([[2, -1, 0], [1, 0, -1]]))
    case(f"multilabel_soft_margin_{red}", lambda a, t: F.multilabel_soft_margin_loss(a, t, reduction=red), A,
         torch.tensor([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]), leaf=[True, False])
    case(f"bce_direct_{red}", lambda p, t: F.binary_cross_entropy(p, t, reduction=red), T01 * 0.9 + 0.05,
         torch.rand(2, 3))
case("bce_direct_weight", lambda p, t, w: F.binary_cross_entropy(p, t, weight=w), T01 * 0.9 + 0.05, torch.rand(2, 3),
     torch.rand(3) + 0.5, leaf=[True, True, False])
case("bce_weight", lambda a, t, w: F.binary_cross_entropy(torch.sigmoid(a), t, weight=w), A, T01,
     torch.rand(3) + 0.5, leaf=[True, False, False])
case("bce_logits_weights", lambda a, t, w, p: F.binary_cross_entropy_with_logits(a, t, weight=w, pos_weight=p), A,
     T01, torch.rand(3) + 0.5, torch.rand(3) + 0.5, leaf=[True, True, False, False])
case("nll_loss_weight_ignore", lambda a, t, w: F.nll_loss(a, t, weight=w, ignore_index=1), rnd(3, 3),
     torch.tensor([2, 1, 0]), torch.rand(3) + 0.5, leaf=[True, True, False])
case("nll_loss_2d", lambda a, t: F.nll_loss(a, t), rnd(2, 3, 2, 2), torch.tensor([[[0, 1], [2, 0]], [[1, 1], [0, 2]]]))
case("cross_entropy_probs", lambda a, t: F.cross_entropy(a, t), A, torch.softmax(rnd(2, 3), 1), leaf=[True, False])
case("cross_entropy_smoothing", lambda a, t: F.cross_entropy(a, t, label_smoothing=0.2), A, LAB)
case("kl_div_log_target", lambda a, t: F.kl_div(a, t, reduction="batchmean", log_target=True),
     torch.log_softmax(A, 1), torch.log(T01))

# Appended last so the draws above stay as they were. std's backward formula records
# grad / (result * 2) as ATen's C++ does: MulBackward1, DivBackward0, MaskedFillBackward0.
group("moments")
case("std", torch.std, X3)
case("std_dim", lambda a: a.std(1), X3)
case("var", torch.var, X3)
case("var_dims_keepdim", lambda a: a.var((0, 2), keepdim=True), X3)
case("std_mean", lambda a: (lambda s, m: s * m)(*torch.std_mean(a, 1)), X3)
case("var_mean", lambda a: (lambda v, m: v * m)(*torch.var_mean(a, 1)), X3)
case("std_1d", lambda a: a.std(0), rnd(5))
case("std_all_dims_named", lambda a: a.std((0, 1, 2)), X3)

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "double_backward.json")
if "--summary" in sys.argv:
    summary()
else:
    write(out)
