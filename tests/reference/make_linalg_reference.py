#!/usr/bin/env python3
"""Writes linalg.json: every matrix product of xgrad (mm, matmul in all rank combinations, bmm,
addmm, mv, dot, F.linear) over shapes with size-1 and size-0 dims and transposed, sliced and
expanded operands, in float32 and float64: forward, backward and, with create_graph, double
backward (see second_order.py). Run by hand with Debian's python3-torch:

    /usr/bin/python3 tests/reference/make_linalg_reference.py [--summary]

tests/ops/test_linalg_shapes.cpp builds the same case names from the same lists and replays them.
A case's inputs are stored contiguous; the layout under test (a transpose, a slice, an expand) is
made inside the expression, so the product sees that layout's strides.
"""
import os
import sys

import torch
import torch.nn.functional as F

from second_order import case, group, summary, write

torch.manual_seed(20261125)
DTYPES = {"f32": torch.float32, "f64": torch.float64}


# How an operand of logical shape (..., r, c) is stored, and the view that makes it (r, c) again.
# Mirrored by `layouts` in test_linalg_shapes.cpp.
def stored(layout, shape):
    *batch, r, c = shape
    return {"contig": [*batch, r, c], "t": [*batch, c, r], "slice": [*batch, r, 2 * c],
            "rows": [*batch, 2 * r, c], "expand": [*batch, 1, c], "bcast": [1, r, c] if batch else [r, c]}[layout]


def sl(x, dim, step):
    """x sliced along one dim with a step: one SliceBackward0, as C++'s x.slice(dim, {}, {}, step)
    (Python's x[:, ::2] records a second slice for the ':')."""
    return torch.ops.aten.slice(x, dim, None, None, step)


def view(layout, x, shape):
    *batch, r, c = shape
    if layout == "contig":
        return x
    if layout == "t":
        return x.transpose(-1, -2)
    if layout == "slice":
        return sl(x, -1, 2)
    if layout == "rows":
        return sl(x, -2, 2)
    if layout == "expand":
        return x.expand(*batch, r, c)
    if layout == "bcast":  # batch dims of stride 0
        return x.expand(*batch, r, c)
    raise ValueError(layout)


def rnd(shape, dtype):
    return torch.randn(list(shape), dtype=dtype)


# (n, k, m): the product of an n x k and a k x m matrix
MM_SHAPES = [(2, 3, 4), (1, 3, 4), (2, 1, 4), (2, 3, 1), (1, 1, 1), (1, 4, 1), (4, 1, 1), (1, 1, 4),
             (0, 3, 4), (2, 0, 4), (2, 3, 0)]
MM_LAYOUTS = [("contig", "contig"), ("t", "contig"), ("contig", "t"), ("t", "t"), ("slice", "rows"),
              ("expand", "t"), ("rows", "expand"), ("contig", "slice")]


def shape_name(s):
    return "x".join(str(v) for v in s)


group("mm")
for dname, dt in DTYPES.items():
    for n, k, m in MM_SHAPES:
        for la, lb in MM_LAYOUTS if dname == "f32" else MM_LAYOUTS[:4]:
            sa, sb = (n, k), (k, m)
            case(f"mm/{shape_name((n, k, m))}/{la}-{lb}/{dname}",
                 lambda a, b: torch.mm(view(la, a, sa), view(lb, b, sb)),
                 rnd(stored(la, sa), dt), rnd(stored(lb, sb), dt))

group("mm_same")  # the repro: one operand on both sides, through a transposed view
for dname, dt in DTYPES.items():
    for shape in [(4, 1), (1, 4), (1, 1), (3, 2), (0, 2)]:
        case(f"mm_same/{shape_name(shape)}/{dname}", lambda a: a.t().mm(a), rnd(shape, dt))
        case(f"matmul_same/{shape_name(shape)}/{dname}", lambda a: a.t().matmul(a), rnd(shape, dt))
        case(f"matmul_same_t/{shape_name(shape)}/{dname}", lambda a: a.matmul(a.t()), rnd(shape, dt))
    case(f"bmm_same/2x4x1/{dname}", lambda a: torch.bmm(a, a.transpose(1, 2)), rnd((2, 4, 1), dt))
    case(f"bmm_same_t/2x4x1/{dname}", lambda a: torch.bmm(a.transpose(1, 2), a), rnd((2, 4, 1), dt))
    case(f"matmul_same_mT/2x4x1/{dname}", lambda a: a.matmul(a.mT), rnd((2, 4, 1), dt))

# matmul: every rank combination. (a's shape, b's shape) over a few (n, k, m) with broadcasting.
group("matmul")


def matmul_shapes(ra, rb, n, k, m):
    batch_a = {1: None, 2: [], 3: [2], 4: [3, 1]}[ra]
    batch_b = {1: None, 2: [], 3: [1] if ra == 4 else [2], 4: [1, 2]}[rb]
    sa = [k] if batch_a is None else batch_a + [n, k]
    sb = [k] if batch_b is None else batch_b + [k, m]
    return sa, sb


MATMUL_NKM = [(2, 3, 2), (1, 3, 1), (2, 1, 3), (1, 1, 1), (0, 3, 2), (2, 0, 2), (2, 3, 0)]
for dname, dt in DTYPES.items():
    for ra in (1, 2, 3, 4):
        for rb in (1, 2, 3, 4):
            for n, k, m in MATMUL_NKM if dname == "f32" else MATMUL_NKM[:2]:
                sa, sb = matmul_shapes(ra, rb, n, k, m)
                case(f"matmul/{ra}d-{rb}d/{shape_name((n, k, m))}/{dname}", torch.matmul, rnd(sa, dt), rnd(sb, dt))
    # transposed and stride-0 operands
    for n, k, m in [(2, 3, 2), (1, 3, 1), (2, 1, 3)]:
        for la, lb in [("t", "contig"), ("contig", "t"), ("t", "t"), ("bcast", "contig"), ("contig", "bcast"),
                       ("slice", "rows")]:
            sa, sb = (2, n, k), (2, k, m)
            case(f"matmul/3d-3d/{shape_name((n, k, m))}/{la}-{lb}/{dname}",
                 lambda a, b: torch.matmul(view(la, a, sa), view(lb, b, sb)),
                 rnd(stored(la, sa), dt), rnd(stored(lb, sb), dt))
    for n, k, m in [(2, 3, 2), (1, 3, 1)]:
        sa, sb = (n, k), (2, k, m)
        case(f"matmul/2d-3d/{shape_name((n, k, m))}/t-t/{dname}",
             lambda a, b: torch.matmul(a.t(), b.transpose(1, 2)), rnd((k, n), dt), rnd((2, m, k), dt))
        case(f"matmul/3d-2d/{shape_name((n, k, m))}/t-t/{dname}",
             lambda a, b: torch.matmul(a.transpose(1, 2), b.t()), rnd((2, k, n), dt), rnd((m, k), dt))
    # the vector-matrix products
    case(f"matmul/vec4-4x1/{dname}", torch.matmul, rnd((4,), dt), rnd((4, 1), dt))
    case(f"matmul/vec1-1x4/{dname}", torch.matmul, rnd((1,), dt), rnd((1, 4), dt))
    case(f"matmul/1x5x4-vec4/{dname}", torch.matmul, rnd((1, 5, 4), dt), rnd((4,), dt))
    case(f"matmul/vec4-2x4x1/{dname}", torch.matmul, rnd((4,), dt), rnd((2, 4, 1), dt))
    case(f"matmul/0x2x3-3x2/{dname}", torch.matmul, rnd((0, 2, 3), dt), rnd((3, 2), dt))
    case(f"matmul/2x0x3-2x3x2/{dname}", torch.matmul, rnd((2, 0, 3), dt), rnd((2, 3, 2), dt))
    case(f"matmul/0x1x2x3-4x3x2/{dname}", torch.matmul, rnd((0, 1, 2, 3), dt), rnd((4, 3, 2), dt))

group("bmm")
BMM_SHAPES = [(2, 2, 3, 4), (2, 1, 3, 1), (3, 4, 1, 1), (1, 1, 1, 1), (2, 1, 1, 3), (0, 2, 3, 4), (2, 0, 3, 4),
              (2, 2, 0, 4), (2, 2, 3, 0)]
BMM_LAYOUTS = [("contig", "contig"), ("t", "contig"), ("contig", "t"), ("t", "t"), ("bcast", "contig"),
               ("contig", "bcast"), ("slice", "rows"), ("expand", "t")]
for dname, dt in DTYPES.items():
    for b, n, k, m in BMM_SHAPES:
        for la, lb in BMM_LAYOUTS if dname == "f32" else BMM_LAYOUTS[:4]:
            sa, sb = (b, n, k), (b, k, m)
            case(f"bmm/{shape_name((b, n, k, m))}/{la}-{lb}/{dname}",
                 lambda x, y: torch.bmm(view(la, x, sa), view(lb, y, sb)),
                 rnd(stored(la, sa), dt), rnd(stored(lb, sb), dt))

group("addmm")
ADDMM_C = {"full": lambda n, m: (n, m), "row": lambda n, m: (m,), "col": lambda n, m: (n, 1),
           "one": lambda n, m: (1, 1), "scalar": lambda n, m: ()}
for dname, dt in DTYPES.items():
    for n, k, m in [(2, 3, 4), (1, 3, 1), (2, 1, 4), (4, 1, 1), (0, 3, 4), (2, 0, 4), (2, 3, 0)]:
        for cname, cshape in ADDMM_C.items():
            for la, lb in [("contig", "contig"), ("t", "t")]:
                sa, sb = (n, k), (k, m)
                case(f"addmm/{shape_name((n, k, m))}/{cname}/{la}-{lb}/{dname}",
                     lambda c, a, b: torch.addmm(c, view(la, a, sa), view(lb, b, sb)),
                     rnd(cshape(n, m), dt), rnd(stored(la, sa), dt), rnd(stored(lb, sb), dt))
        sa, sb = (n, k), (k, m)
        case(f"addmm/{shape_name((n, k, m))}/scaled/{dname}",
             lambda c, a, b: torch.addmm(c, a, b, beta=0.5, alpha=2), rnd((n, m), dt), rnd(sa, dt), rnd(sb, dt))
        case(f"addmm/{shape_name((n, k, m))}/beta0/{dname}",
             lambda c, a, b: torch.addmm(c, a, b, beta=0, alpha=-1.5), rnd((n, m), dt), rnd(sa, dt), rnd(sb, dt))

group("mv")
for dname, dt in DTYPES.items():
    for n, k in [(2, 3), (1, 3), (3, 1), (1, 1), (0, 3), (2, 0)]:
        case(f"mv/{shape_name((n, k))}/contig/{dname}", torch.mv, rnd((n, k), dt), rnd((k,), dt))
        case(f"mv/{shape_name((n, k))}/t/{dname}", lambda a, v: torch.mv(a.t(), v), rnd((k, n), dt), rnd((k,), dt))
        case(f"mv/{shape_name((n, k))}/slice/{dname}", lambda a, v: torch.mv(sl(a, 1, 2), sl(v, 0, 2)), rnd((n, 2 * k), dt),
             rnd((2 * k,), dt))
        case(f"mv/{shape_name((n, k))}/expand/{dname}", lambda a, v: torch.mv(a.expand(n, k), v.expand(k)),
             rnd((1, k), dt), rnd((1,), dt))

group("dot")
for dname, dt in DTYPES.items():
    for k in (3, 1, 0):
        case(f"dot/{k}/contig/{dname}", torch.dot, rnd((k,), dt), rnd((k,), dt))
        case(f"dot/{k}/slice/{dname}", lambda a, b: torch.dot(sl(a, 0, 2), sl(b, 0, 3)), rnd((2 * k,), dt), rnd((3 * k,), dt))
        case(f"dot/{k}/expand/{dname}", lambda a, b: torch.dot(a.expand(k), b), rnd((1,), dt), rnd((k,), dt))
        case(f"dot/{k}/self/{dname}", lambda a: torch.dot(a, a), rnd((k,), dt))

group("linear")
for dname, dt in DTYPES.items():
    for in_f, out_f in [(3, 2), (1, 2), (3, 1), (1, 1), (0, 2), (3, 0)]:
        for ishape in [(4, in_f), (in_f,), (2, 3, in_f), (1, in_f), (0, in_f), (2, 1, 3, in_f)]:
            name = f"{shape_name(ishape)}->{out_f}"
            case(f"linear/{name}/bias/{dname}", F.linear, rnd(ishape, dt), rnd((out_f, in_f), dt), rnd((out_f,), dt))
            case(f"linear/{name}/nobias/{dname}", F.linear, rnd(ishape, dt), rnd((out_f, in_f), dt))
    case(f"linear/3x2x4-t->2/bias/{dname}", lambda x, w, b: F.linear(x.transpose(0, 1), w, b),
         rnd((2, 3, 4), dt), rnd((2, 4), dt), rnd((2,), dt))

group("int64")  # no BLAS: a loop; forward values only
I = lambda *s: torch.randint(-5, 6, s)
case("int64/mm", torch.mm, I(2, 3), I(3, 4))
case("int64/mm_t", lambda a, b: a.t().mm(b), I(3, 2), I(3, 4))
case("int64/mm_1", lambda a: a.t().mm(a), I(4, 1))
case("int64/mm_0", torch.mm, I(2, 0), I(0, 3))
case("int64/bmm", torch.bmm, I(2, 1, 3), I(2, 3, 1))
case("int64/matmul_broadcast", torch.matmul, I(2, 1, 2, 3), I(3, 3, 2))
case("int64/mv", torch.mv, I(2, 3), I(3))
case("int64/dot", torch.dot, I(3), I(3))
case("int64/addmm", lambda c, a, b: torch.addmm(c, a, b, beta=2, alpha=3), I(4), I(2, 3), I(3, 4))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "linalg.json")
if "--summary" in sys.argv:
    summary()
else:
    write(out)
