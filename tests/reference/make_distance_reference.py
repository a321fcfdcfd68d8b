#!/usr/bin/env python3
"""Writes distance.json: what PyTorch 1.13 computes for torch.norm (p, dim, keepdim),
F.pairwise_distance, F.cosine_similarity and F.bilinear (and nn.Bilinear's initial draws): values,
grad_fn names and graphs, first gradients under create_graph=True and second derivatives (see
second_order.py), and the exact error each bad input raises. Run by hand with Debian's python3-torch:

    /usr/bin/python3 tests/reference/make_distance_reference.py

tests/ops/test_distance.cpp replays every case by name. Inputs keep away from ties of |x| (where
the inf-norm's derivative is a choice) and from zero vectors, except in the cases about them.
"""
import json
import os

import torch
import torch.nn.functional as F

from second_order import CASES, case, enc, group

torch.manual_seed(20261202)
ERRORS = []


def error(name, fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        ERRORS.append({"name": name, "type": type(e).__name__, "message": str(e)})
        return
    raise AssertionError(f"{name} did not raise")


A = torch.randn(3, 4)
B = torch.randn(3, 4)
C = torch.randn(2, 3, 4)

group("norm")
# libtorch's x.norm() is at::norm(x, 2); Python's x.norm(2) is that call over every dim (its x.norm()
# with p="fro" takes other routes), so the cases without dim pass p.
case("norm", lambda a: torch.norm(a, 2), A)
case("norm_p1", lambda a: a.norm(1), A)
case("norm_p3", lambda a: a.norm(3), A)
case("norm_p0", lambda a: a.norm(0), A)
case("norm_inf", lambda a: a.norm(float("inf")), A)
case("norm_dim", lambda a: a.norm(dim=1), A)
case("norm_dim_keepdim", lambda a: a.norm(2, dim=0, keepdim=True), A)
case("norm_p1_dim", lambda a: a.norm(1, dim=1), A)
case("norm_p3_dims", lambda a: a.norm(3, dim=[0, 2]), C)
case("norm_p1_5_dim", lambda a: a.norm(1.5, dim=-1), A)
case("norm_p0_5_dim_keepdim", lambda a: a.norm(0.5, dim=1, keepdim=True), A)
case("norm_inf_dim", lambda a: a.norm(float("inf"), dim=1), A)
case("norm_neg_inf_dim", lambda a: a.norm(float("-inf"), dim=0), A)
case("norm_p0_dim", lambda a: a.norm(0, dim=1), A)
case("norm_double", lambda a: a.norm(2.5, dim=1), A.double())
case("norm_0d", lambda a: a.norm(2), torch.tensor(-1.5))

group("pairwise_distance")
case("pairwise_distance", F.pairwise_distance, A, B)
case("pairwise_distance_p1", lambda a, b: F.pairwise_distance(a, b, p=1.0), A, B)
case("pairwise_distance_p3_keepdim", lambda a, b: F.pairwise_distance(a, b, p=3.0, keepdim=True), A, B)
case("pairwise_distance_eps", lambda a, b: F.pairwise_distance(a, b, eps=0.1), A, B)
case("pairwise_distance_inf", lambda a, b: F.pairwise_distance(a, b, p=float("inf")), A, B)
case("pairwise_distance_broadcast", F.pairwise_distance, A, B[0])
case("pairwise_distance_3d", F.pairwise_distance, C, B)
case("pairwise_distance_1d", F.pairwise_distance, A[0], B[0])
case("pairwise_distance_double", lambda a, b: F.pairwise_distance(a, b, p=1.5), A.double(), B.double())
case("pairwise_distance_long", F.pairwise_distance, torch.tensor([[1, 2, 3], [0, 0, 0]]), torch.ones(2, 3, dtype=torch.long))
case("pairwise_distance_module", lambda a, b: torch.nn.PairwiseDistance(p=1.0, eps=0.5, keepdim=True)(a, b), A, B)

group("cosine_similarity")
case("cosine_similarity", F.cosine_similarity, A, B)
case("cosine_similarity_dim0", lambda a, b: F.cosine_similarity(a, b, dim=0), A, B)
case("cosine_similarity_dim_last", lambda a, b: F.cosine_similarity(a, b, dim=-1), C, B)
case("cosine_similarity_broadcast", F.cosine_similarity, A, B[:1])
case("cosine_similarity_1d", lambda a, b: F.cosine_similarity(a, b, dim=0), A[0], B[0])
case("cosine_similarity_double", F.cosine_similarity, A.double(), B.double())
case("cosine_similarity_module", lambda a, b: torch.nn.CosineSimilarity(dim=0, eps=1e-3)(a, b), A, B)

# At the kinks (a zero vector, a norm clamped at eps) PyTorch's gradient is a choice that central
# differences cannot confirm: the test compares values and gradients only.
group("kinks")
case("norm_zero_row", lambda a: a.norm(dim=1), torch.tensor([[0.0, 0.0], [3.0, -4.0]]))
case("norm_p3_zero_row", lambda a: a.norm(3, dim=1), torch.tensor([[0.0, 0.0], [3.0, -4.0]]))
case("norm_p1_zero", lambda a: a.norm(1, dim=1), torch.tensor([[0.0, 2.0], [3.0, -4.0]]))
case("norm_inf_tie", lambda a: a.norm(float("inf"), dim=1), torch.tensor([[1.0, -2.0, 2.0], [3.0, -4.0, 0.0]]))
case("cosine_similarity_eps", lambda a, b: F.cosine_similarity(a, b, eps=1.5), A * 0.3, B)
case("cosine_similarity_zero", F.cosine_similarity, torch.tensor([[0.0, 0.0], [1.0, 2.0]]), torch.tensor([[1.0, 2.0], [3.0, -1.0]]))
case("pairwise_distance_same", F.pairwise_distance, A, A)

group("bilinear")
W = torch.randn(2, 4, 3)
X1, X2 = torch.randn(5, 4), torch.randn(5, 3)
case("bilinear", F.bilinear, X1, X2, W, torch.randn(2))
case("bilinear_no_bias", F.bilinear, X1, X2, W)
case("bilinear_3d", F.bilinear, torch.randn(2, 3, 4), torch.randn(2, 3, 3), W, torch.randn(2))
case("bilinear_1d", F.bilinear, X1[0], X2[0], W, torch.randn(2))
case("bilinear_double", F.bilinear, X1.double(), X2.double(), W.double(), torch.randn(2).double())
case("bilinear_one_out", F.bilinear, X1, X2, W[:1], torch.randn(1))
case("trilinear", lambda a, b, c: torch._trilinear(a, b, c, [1, 3], [0], [1, 2], [2, 3]), X1, W, X2)

X = torch.randn(3, 4)
error("norm_long", lambda: torch.ones(3, dtype=torch.long).norm())
error("norm_long_dim", lambda: torch.norm(torch.ones(3, dtype=torch.long), dim=0))
error("norm_dim_out_of_range", lambda: torch.norm(X, dim=5))
error("norm_dim_repeated", lambda: torch.norm(X, dim=[0, 0]))
error("pairwise_distance_shapes", lambda: F.pairwise_distance(X, torch.randn(2, 4)))
error("cosine_similarity_long", lambda: F.cosine_similarity(torch.ones(2, 3, dtype=torch.long), torch.ones(2, 3, dtype=torch.long)))
error("cosine_similarity_shapes", lambda: F.cosine_similarity(X, torch.randn(2, 4)))
error("cosine_similarity_dim", lambda: F.cosine_similarity(X, X, dim=2))
error("bilinear_dims", lambda: F.bilinear(torch.randn(5, 4), torch.randn(5, 2, 3), W))
error("bilinear_batch", lambda: F.bilinear(torch.randn(5, 4), torch.randn(4, 3), W))
error("bilinear_weight_dim", lambda: F.bilinear(X1, X2, torch.randn(4, 3)))
error("bilinear_in1", lambda: F.bilinear(torch.randn(5, 3), X2, W))
error("bilinear_in2", lambda: F.bilinear(X1, torch.randn(5, 4), W))
error("bilinear_bias", lambda: F.bilinear(X1, X2, W, torch.randn(3)))

# nn.Bilinear's initial parameters: uniform(-1/sqrt(in1), 1/sqrt(in1)), weight then bias.
torch.manual_seed(7)
m = torch.nn.Bilinear(3, 2, 4)
INIT = {"seed": 7, "weight": enc(m.weight), "bias": enc(m.bias)}

if __name__ == "__main__":
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "distance.json")
    with open(out, "w") as f:
        json.dump({"torch": torch.__version__, "cases": CASES, "errors": ERRORS, "bilinear_init": INIT}, f,
                  separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(CASES)} cases and {len(ERRORS)} errors to {out}")
