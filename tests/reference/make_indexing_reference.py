#!/usr/bin/env python3
"""Writes indexing.json: what PyTorch 1.13 gives for x[...] and x[...] = v with every kind of index,
for advanced indexing (index, index_put), the masked/take/index_* ops, and for in-place ops on
views (CopySlices, AsStridedBackward0): values, grad_fn names, the graph below the output, and
gradients; and the messages of the errors. Run by hand with Debian's python3-torch:

    /usr/bin/python3 tests/reference/make_indexing_reference.py

tests/ops/test_tensor_indexing.cpp replays every case by name (its tables map each name to the
same expression in C++): value, dtype, grad_fn name, graph, gradients for the same upstream
gradient, a float64 gradcheck; and each error's type and message.
"""
import json
import os

import torch

torch.manual_seed(20261124)
CASES = []
ERRORS = []
GROUP = None


def rnd(*shape):
    return torch.randn(*shape)


def graph(fn, depth=0):
    """The grad_fn graph as text, None edges left out: 'CopySlices(CloneBackward0(AccumulateGrad))'."""
    if fn is None:
        return None
    name = type(fn).__name__
    if depth >= 6:
        return name
    kids = [graph(n, depth + 1) for n, _ in fn.next_functions if n is not None]
    return name + ("(" + ", ".join(kids) + ")" if kids else "")


def case(name, fn, *inputs):
    """inputs: float tensors become leaves that require grad; others are passed as they are."""
    ins = [t.detach().clone().requires_grad_(t.is_floating_point()) for t in inputs]
    out = fn(*ins)
    entry = {
        "group": GROUP,
        "name": name,
        "inputs": [enc(t) for t in ins],
        "output": enc(out),
        "grad_fn": type(out.grad_fn).__name__ if out.grad_fn is not None else None,
        "graph": graph(out.grad_fn),
    }
    if out.requires_grad:
        g = torch.randn(out.shape)
        grads = torch.autograd.grad(out, [t for t in ins if t.requires_grad], g, allow_unused=True)
        it = iter(grads)
        entry["upstream"] = enc(g)
        entry["grads"] = [enc(next(it)) if t.requires_grad else None for t in ins]
        entry["grads"] = [x if x is None or x["values"] is not None else None for x in entry["grads"]]
    CASES.append(entry)


def error(name, fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - we record whatever PyTorch raises
        ERRORS.append({"name": name, "type": type(e).__name__, "message": str(e).split("\n")[0]})
        return
    raise AssertionError(f"{name} did not raise")


def enc(t):
    if t is None:
        return {"values": None}
    t = t.detach()
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""),
            "values": [v if not isinstance(v, bool) else int(v) for v in t.reshape(-1).tolist()]}


def L(*v):
    return torch.tensor(v, dtype=torch.int64)


def setitem(index, *, value_is_input=True):
    """b = a.clone(); b[index] = v; return b  (v the second input, or the given number)."""
    def f(a, v=None):
        b = a.clone()
        b[index] = v
        return b
    return f


X = rnd(3, 4)
X3 = rnd(3, 4, 5)
MASK_ROWS = torch.tensor([True, False, True])
MASK_COLS = torch.tensor([False, True, True, False])
MASK2 = torch.tensor([[True, False, True, False], [False, False, True, True], [True, True, False, False]])

# ---- x[...]: basic indices make views, index tensors copies -----------------------------------
GROUP = "get"
case("int", lambda x: x[1], X)
case("int_negative", lambda x: x[-1], X)
case("int_int", lambda x: x[1, 2], X)
case("int_slice_int", lambda x: x[0, :, 1], X3)
case("slice_from", lambda x: x[1:], X)
case("slice_step", lambda x: x[::2], X)
case("slice_slice_step", lambda x: x[1:3, ::2], X)
case("slice_negative", lambda x: x[-2:], X)
case("slice_past_end", lambda x: x[:, 1:100], X)
case("slice_empty", lambda x: x[5:], X)
case("slice_backwards_empty", lambda x: x[:, 2:1], X)
case("slice_whole", lambda x: x[:], X)
case("slice_whole_then_int", lambda x: x[:, 0], X)
case("slice_explicit_whole_then_int", lambda x: x[0:3, 0], X)
case("none", lambda x: x[None], X)
case("slice_none", lambda x: x[:, None], X)
case("ellipsis_none", lambda x: x[..., None], X)
case("none_ellipsis_none", lambda x: x[None, ..., None], X)
case("ellipsis", lambda x: x[...], X)
case("ellipsis_int", lambda x: x[..., 1], X3)
case("int_ellipsis_int", lambda x: x[0, ..., 1], X3)
case("true", lambda x: x[True], X)
case("false", lambda x: x[False], X)
case("true_int", lambda x: x[True, 0], X)
case("mask_rows", lambda x, m: x[m], X, MASK_ROWS)
case("mask_cols", lambda x, m: x[:, m], X, MASK_COLS)
case("mask_2d", lambda x, m: x[m], X, MASK2)
case("mask_2d_of_3d", lambda x, m: x[m], X3, MASK2)
case("mask_computed", lambda x: x[x > 0], X)
case("index", lambda x, i: x[i], X, L(2, 0, 2))
case("index_negative", lambda x, i: x[i], X, L(-1, 0, -3))
case("index_2d", lambda x, i: x[i], X, L(0, 1, 2, 0).view(2, 2))
case("slice_index", lambda x, i: x[:, i], X, L(3, 1))
case("index_index", lambda x, i, j: x[i, j], X, L(0, 2, 2), L(1, 3, 0))
case("index_index_broadcast", lambda x, i, j: x[i, j], X, L(0, 2).view(2, 1), L(1, 3, 0))
case("index_slice_index", lambda x, i, j: x[i, :, j], X3, L(0, 2), L(4, 1))
case("slice_index_index", lambda x, i, j: x[:, i, j], X3, L(0, 2), L(4, 1))
case("index_int_index", lambda x, i, j: x[i, 1, j], X3, L(0, 2), L(4, 1))
case("index_none_index", lambda x, i, j: x[i, None, j], X, L(0, 2), L(3, 1))
case("slice_none_ellipsis_index", lambda x, i: x[1:, None, ..., i], X, L(0, 2))
case("index_then_slice", lambda x, i: x[i, 1:], X, L(1, 1))
case("mask_and_index", lambda x, m, i: x[m, i], X, MASK_ROWS, L(3, 0))
case("zero_dim_index", lambda x: x[torch.tensor(1)], X)
case("zero_dim_bool", lambda x: x[torch.tensor(True)], X)
case("empty_index", lambda x, i: x[i], X, torch.tensor([], dtype=torch.int64))

# ---- x[...] = v --------------------------------------------------------------------------------
GROUP = "set"
case("set_int", setitem(0), X, rnd(4))
case("set_int_number", lambda a: setitem(1)(a, 2.5), X)
case("set_slice_int", setitem((slice(None), 1)), X, rnd(3))
case("set_slice_step", setitem((slice(1, None), slice(None, None, 2))), X, rnd(2, 2))
case("set_broadcast_row", setitem(slice(0, 2)), X, rnd(4))
case("set_leading_ones", setitem(0), X, rnd(1, 1, 4))
case("set_ellipsis", setitem(Ellipsis), X, rnd(3, 4))
case("set_none", setitem(None), X, rnd(1, 3, 4))
case("set_true", setitem(True), X, rnd(4))
case("set_mask_number", lambda a, m: (lambda b: (b.__setitem__(m, 0.0), b)[1])(a.clone()), X, MASK2)
case("set_mask_values", lambda a, m, v: (lambda b: (b.__setitem__(m, v), b)[1])(a.clone()), X, MASK2, rnd(6))
case("set_mask_rows", lambda a, m, v: (lambda b: (b.__setitem__(m, v), b)[1])(a.clone()), X, MASK_ROWS, rnd(4))
case("set_index_rows", lambda a, i, v: (lambda b: (b.__setitem__(i, v), b)[1])(a.clone()), X, L(2, 0), rnd(2, 4))
case("set_index_index", lambda a, i, j, v: (lambda b: (b.__setitem__((i, j), v), b)[1])(a.clone()),
     X, L(0, 2, 1), L(3, 3, 0), rnd(3))
case("set_index_slice_index", lambda a, i, j, v: (lambda b: (b.__setitem__((i, slice(None), j), v), b)[1])(a.clone()),
     X3, L(0, 2), L(4, 1), rnd(2, 4))
case("set_slice_then_index", lambda a, i, v: (lambda b: (b.__setitem__((slice(1, None), i), v), b)[1])(a.clone()),
     X, L(3, 0), rnd(2, 2))
case("set_into_zeros", lambda v: (lambda z: (z.__setitem__(1, v), z)[1])(torch.zeros(3, 4)), rnd(4))
case("set_index_into_zeros", lambda v, i: (lambda z: (z.__setitem__(i, v), z)[1])(torch.zeros(3, 4)), rnd(4), L(0, 2))
case("index_put", lambda a, i, v: torch.index_put(a, (i,), v), X, L(2, 0), rnd(4))
case("index_put_accumulate", lambda a, i, v: torch.index_put(a, (i,), v, accumulate=True), X, L(2, 0, 2), rnd(3, 4))
case("index_put_two", lambda a, i, j, v: torch.index_put(a, (i, j), v), X, L(0, 1), L(3, 2), rnd(2))
case("index_put_mask_accumulate", lambda a, m, v: torch.index_put(a, (m,), v, accumulate=True), X, MASK2, rnd(1))
case("index_put_inplace", lambda a, i, v: a.clone().index_put_((i,), v), X, L(1,), rnd(4))
case("index_put_inplace_accumulate", lambda a, i, v: a.clone().index_put_((i,), v, accumulate=True),
     X, L(1, 1), rnd(4))

# ---- in-place ops on views ---------------------------------------------------------------------
GROUP = "views"


def mul_on_select(a):
    b = a.clone()
    b[0].mul_(2)
    return b


def view_after_its_mul(a):
    b = a.clone()
    return b[0].mul_(2)


def view_after_base_mul(a):
    b = a.clone()
    v = b[0]
    b.mul_(2)
    return v


def view_of_view(a):
    b = a.clone()
    b[:, 1:3][0].add_(1)
    return b


def add_tensor_on_transpose(a, y):
    b = a.clone()
    b.t().add_(y)
    return b


def mul_on_flat_view(a, y):
    b = a.clone()
    b.view(-1).mul_(y)
    return b


def two_views_in_turn(a):
    b = a.clone()
    b[0].mul_(2)
    b[1].add_(b[0])
    return b


def other_view_after_inplace(a):
    b = a.clone()
    v1 = b[1]
    b[0].mul_(3)
    return v1 * 2


def expanded_view_after_base_mul(a):
    b = a.clone()
    e = b[0].expand(2, 4)
    b.mul_(2)
    return e


def copy_into_slice_of_zeros(v):
    z = torch.zeros(3, 4)
    z[1:].copy_(v)
    return z


def fill_tensor_on_column(a, s):
    b = a.clone()
    b[:, 0].fill_(s)
    return b


def zero_on_row(a):
    b = a.clone()
    b[1].zero_()
    return b


def masked_fill_on_row(a, m):
    b = a.clone()
    b[0].masked_fill_(m, 0.5)
    return b


def index_put_on_view(a, i, v):
    b = a.clone()
    b[1:].index_put_((i,), v)
    return b


def flat_view_after_row_mul(a):
    b = a.clone()
    d = b.view(12)
    b[0].mul_(2)
    return d


def inplace_on_unsqueezed(a, y):
    b = a.clone()
    b.unsqueeze(0).mul_(y)
    return b


case("mul_on_select", mul_on_select, X)
case("view_after_its_mul", view_after_its_mul, X)
case("view_after_base_mul", view_after_base_mul, X)
case("view_of_view", view_of_view, X)
case("add_tensor_on_transpose", add_tensor_on_transpose, X, rnd(4, 3))
case("mul_on_flat_view", mul_on_flat_view, X, rnd(12))
case("two_views_in_turn", two_views_in_turn, X)
case("other_view_after_inplace", other_view_after_inplace, X)
case("expanded_view_after_base_mul", expanded_view_after_base_mul, X)
case("copy_into_slice_of_zeros", copy_into_slice_of_zeros, rnd(2, 4))
case("fill_tensor_on_column", fill_tensor_on_column, X, rnd(()))
case("zero_on_row", zero_on_row, X)
case("masked_fill_on_row", masked_fill_on_row, X, MASK_COLS)
case("index_put_on_view", index_put_on_view, X, L(1,), rnd(4))
case("flat_view_after_row_mul", flat_view_after_row_mul, X)
case("inplace_on_unsqueezed", inplace_on_unsqueezed, X, rnd(4))
case("as_strided", lambda a: a.as_strided((2, 2), (1, 2)), X)
case("as_strided_offset", lambda a: a.as_strided((2, 3), (4, 1), 1), X)
case("as_strided_overlapping", lambda a: a.as_strided((3, 3), (1, 1)), X)
case("alias", lambda a: a[...], X)

# ---- masks, take, index_* ----------------------------------------------------------------------
GROUP = "masked"
case("masked_select", lambda a, m: a.masked_select(m), X, MASK2)
case("masked_select_broadcast", lambda a, m: a.masked_select(m), X, MASK_COLS)
case("masked_scatter", lambda a, m, s: a.masked_scatter(m, s), X, MASK2, rnd(8))
case("take", lambda a, i: a.take(i), X, L(0, 11, -1, 0).view(2, 2))
case("index_fill", lambda a, i: a.index_fill(1, i, 1.5), X, L(0, -1))
case("index_copy", lambda a, i, s: a.index_copy(1, i, s), X, L(3, 0), rnd(3, 2))
case("index_add_alpha", lambda a, i, s: a.index_add(0, i, s, alpha=2), X, L(1, 1), rnd(2, 4))
case("nonzero", lambda a: a.nonzero(), torch.tensor([[0, 1, 0], [2, 0, 3]]))
case("nonzero_bool", lambda a: torch.nonzero(a), MASK2)

# ---- errors ------------------------------------------------------------------------------------
Y = torch.arange(100.).view(2, 5, 10)
error("int_out_of_range", lambda: Y[0, 5])
error("int_out_of_range_dim0", lambda: Y[4, 5])
error("int_out_of_range_last", lambda: Y[:, :, 12])
error("index_out_of_range", lambda: Y[torch.tensor([0, 7])])
error("index_out_of_range_second", lambda: Y[torch.tensor([0, 1]), :, torch.tensor([0, 17])])
error("index_not_broadcastable", lambda: Y[torch.tensor([0, 1]), torch.tensor([0, 1, 2])])
error("mask_wrong_shape", lambda: Y[torch.tensor([True, False, True])])
error("mask_wrong_shape_dim1", lambda: Y[:, torch.tensor([True, False, True])])
error("too_many_indices", lambda: Y[0, 0, 0, 0])
error("float_index", lambda: Y[torch.tensor([0.])])
error("int32_index", lambda: Y[torch.tensor([0], dtype=torch.int32)])
error("index_into_empty_dim", lambda: torch.empty(10, 0)[:, torch.tensor([0, 1])])
error("int_of_0d", lambda: torch.tensor(10)[0])
error("int_of_0d_nonzero", lambda: torch.tensor(10)[1])
error("slice_of_0d", lambda: torch.tensor(10)[:])
error("slice_step_zero", lambda: Y[::0])
error("slice_step_negative", lambda: Y[::-1])
error("set_mask_wrong_count", lambda: torch.arange(4).__setitem__(torch.arange(4) > -1, torch.tensor([1, 2, 3])))
error("set_index_wrong_shape", lambda: torch.zeros(2, 3).__setitem__(torch.tensor([0]), torch.zeros(5, 1, 3)))
error("set_int_not_expandable", lambda: torch.zeros(2, 3).__setitem__(0, torch.zeros(5, 1, 3)))
error("index_put_dtype", lambda: torch.zeros(3).index_put_((torch.tensor([0]),), torch.ones(1, dtype=torch.float64)))
error("index_put_too_many", lambda: torch.zeros(5, 5).index_put_((L(0), L(0), L(0)), torch.ones(1)))
error("leaf_view_inplace", lambda: torch.ones(3, requires_grad=True)[0].mul_(2))
error("leaf_inplace", lambda: torch.ones(3, requires_grad=True).mul_(2))
error("unbind_output_inplace", lambda: torch.ones(3, requires_grad=True).clone().unbind()[0].mul_(2))
error("split_output_inplace", lambda: torch.ones(4, requires_grad=True).clone().split(2)[0].mul_(2))
error("leaf_unbind_output_inplace", lambda: torch.ones(3, requires_grad=True).unbind()[0].mul_(2))


def no_grad_view_inplace():
    b = torch.ones(3, requires_grad=True).clone()
    with torch.no_grad():
        v = b[:2]
    v.mul_(2)


def no_grad_view_base_modified():
    b = torch.ones(3, requires_grad=True).clone()
    with torch.no_grad():
        v = b[:2]
        b.mul_(2)
    return v.grad_fn


def unbind_output_base_modified():
    b = torch.ones(3, requires_grad=True).clone()
    u = b.unbind()
    b.mul_(2)
    return u[0].grad_fn


def detach_view_inplace():
    torch.ones(3, requires_grad=True).clone()[:2].detach_()


error("no_grad_view_inplace", no_grad_view_inplace)
error("no_grad_view_base_modified", no_grad_view_base_modified)
error("unbind_output_base_modified", unbind_output_base_modified)
error("detach_view_inplace", detach_view_inplace)
error("add_on_expanded", lambda: torch.zeros(3).expand(2, 3).add_(1))
error("copy_on_expanded", lambda: torch.zeros(3).expand(2, 3).copy_(torch.ones(2, 3)))


def backward_twice_through_copy_slices():
    b = torch.ones(3, requires_grad=True).clone()
    b[0].mul_(2)
    b.sum().backward()
    b.sum().backward()


error("backward_twice_through_copy_slices", backward_twice_through_copy_slices)
error("masked_select_int_mask", lambda: X.masked_select(L(1, 0, 1)))
error("masked_scatter_short_source", lambda: X.masked_scatter(MASK_ROWS.view(3, 1), torch.ones(3)))
error("masked_scatter_dtype", lambda: X.masked_scatter(MASK2, torch.ones(8, dtype=torch.float64)))
error("take_out_of_range", lambda: X.take(L(0, 12)))
error("take_float_index", lambda: X.take(torch.tensor([0.])))
error("index_fill_out_of_range", lambda: X.index_fill(1, L(0, 5), 2.))
error("index_fill_float_index", lambda: X.index_fill(1, torch.tensor([0.]), 2.))
error("index_copy_out_of_range", lambda: X.index_copy(1, L(0, 5), torch.ones(3, 2)))
error("index_copy_negative", lambda: X.index_copy(1, L(0, -1), torch.ones(3, 2)))
error("index_copy_count", lambda: X.index_copy(1, L(0, 1), torch.ones(3, 3)))
error("index_copy_dtype", lambda: X.index_copy(1, L(0, 1), torch.ones(3, 2, dtype=torch.float64)))
error("index_add_out_of_range", lambda: X.index_add(1, L(0, 5), torch.ones(3, 2)))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "indexing.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "cases": CASES, "errors": ERRORS}, f, indent=None, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(CASES)} cases and {len(ERRORS)} errors to {out}")
