#!/usr/bin/env python3
"""Writes sparse.json: what PyTorch 1.13 gives for sparse COO tensors (sparse_coo_tensor with and
without a size, empty/zeros with layout=torch.sparse_coo, coalesce, to_dense, to_sparse, clone,
to(dtype)): each result's indices, values, size, nnz, is_coalesced, to_dense and repr, and the
exact message of each bad input. Run by hand with Debian's python3-torch:

    /usr/bin/python3 tests/reference/make_sparse_reference.py

tests/core/test_sparse.cpp replays every case by name. Python's sparse_coo_tensor converts float
indices to int64 where libtorch's C++ one refuses them ("indices must be an int64 tensor"), so the
cases give int64 indices.
"""
import json
import os

import torch

CASES = {}
ERRORS = {}


def enc(t):
    t = t.detach()
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""),
            "values": [v if not isinstance(v, bool) else int(v) for v in t.reshape(-1).tolist()]}


def case(name, s):
    assert s.layout == torch.sparse_coo
    CASES[name] = {"indices": enc(s._indices()), "values": enc(s._values()), "size": list(s.shape),
                   "nnz": s._nnz(), "sparse_dim": s.sparse_dim(), "dense_dim": s.dense_dim(),
                   "coalesced": s.is_coalesced(), "dense": enc(s.to_dense()), "repr": repr(s)}


def error(name, fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - we record whatever PyTorch raises
        ERRORS[name] = str(e).split("\n")[0].split(" This could be because")[0]
        return
    raise AssertionError(f"{name} did not raise")


def L(*rows):
    return torch.tensor(rows, dtype=torch.int64)


I = L([0, 1, 1], [2, 0, 2])
V = torch.tensor([3., 4., 5.])
U = L([1, 0, 1, 0], [2, 1, 2, 0])  # unsorted, with a duplicate (1, 2)
D = torch.tensor([[0., 2., 0.], [1., 0., 3.]])

case("with_size", torch.sparse_coo_tensor(I, V, (2, 3)))
case("inferred_size", torch.sparse_coo_tensor(I, V))
case("larger_size", torch.sparse_coo_tensor(I, V, (4, 5)))
case("hybrid", torch.sparse_coo_tensor(L([0, 2]), torch.tensor([[1., 2.], [3., 4.]]), (3, 2)))
case("hybrid_inferred", torch.sparse_coo_tensor(I, torch.arange(6.).reshape(3, 2)))
case("float64", torch.sparse_coo_tensor(I, V, (2, 3), dtype=torch.float64))
case("int_values", torch.sparse_coo_tensor(I, torch.tensor([1, 2, 3]), (2, 3)))
case("uint8_values", torch.sparse_coo_tensor(I, torch.tensor([1, 2, 3], dtype=torch.uint8), (2, 3)))
case("scalar_values", torch.sparse_coo_tensor(torch.zeros(0, 1, dtype=torch.int64), torch.tensor(5.), ()))
case("empty_inferred", torch.sparse_coo_tensor(torch.zeros(2, 0, dtype=torch.int64), torch.ones(0)))
case("uncoalesced", torch.sparse_coo_tensor(U, torch.tensor([1., 2., 3., 4.]), (2, 3)))
case("coalesced", torch.sparse_coo_tensor(U, torch.tensor([1., 2., 3., 4.]), (2, 3)).coalesce())
case("coalesced_hybrid", torch.sparse_coo_tensor(L([2, 0, 2]), torch.tensor([[1., 2.], [3., 4.], [5., 6.]]),
                                                 (3, 2)).coalesce())
case("empty_byte", torch.empty(5, dtype=torch.uint8, layout=torch.sparse_coo))
case("zeros", torch.zeros(2, 3, layout=torch.sparse_coo))
case("zeros_double", torch.zeros(2, 3, dtype=torch.float64, layout=torch.sparse_coo))
case("zeros_like", torch.zeros_like(torch.sparse_coo_tensor(I, V, (2, 3))))
case("to_sparse", D.to_sparse())
case("to_sparse_1", D.to_sparse(1))
case("to_sparse_3d", torch.tensor([[[0., 1.], [0., 0.]], [[2., 0.], [0., -3.]]]).to_sparse(2))
case("to_sparse_zero", torch.zeros(2, 2).to_sparse())
case("clone", torch.sparse_coo_tensor(U, torch.tensor([1., 2., 3., 4.]), (2, 3)).clone())
case("to_double", torch.sparse_coo_tensor(I, V, (2, 3)).to(torch.float64))
case("to_int", torch.sparse_coo_tensor(I, torch.tensor([1.5, -2.5, 3.]), (2, 3)).to(torch.int64))
case("bool_values", torch.sparse_coo_tensor(I, torch.tensor([True, False, True]), (2, 3)))
case("many_entries", torch.sparse_coo_tensor(torch.stack([torch.arange(12) % 4, torch.arange(12) % 3]),
                                             torch.linspace(-1, 1, 12), (4, 3)))

S = torch.sparse_coo_tensor(I, V, (2, 3))
error("indices_1d", lambda: torch.sparse_coo_tensor(L(0, 1), V, (2, 3)))
error("indices_3d", lambda: torch.sparse_coo_tensor(torch.zeros(2, 3, 1, dtype=torch.int64), V, (2, 3)))
error("nnz_mismatch", lambda: torch.sparse_coo_tensor(I, torch.tensor([1., 2.]), (2, 3)))
error("negative_index", lambda: torch.sparse_coo_tensor(L([0, -1, 1], [2, 0, 2]), V, (2, 3)))
error("negative_index_inferred", lambda: torch.sparse_coo_tensor(L([0, -1, 1], [2, 0, 2]), V))
error("index_out_of_size", lambda: torch.sparse_coo_tensor(I, V, (2, 2)))
error("too_few_dims", lambda: torch.sparse_coo_tensor(I, V, (2,)))
error("too_many_dims", lambda: torch.sparse_coo_tensor(I, V, (2, 3, 4)))
error("dense_size", lambda: torch.sparse_coo_tensor(I, torch.ones(3, 2), (2, 3, 3)))
error("indices_uncoalesced", lambda: S.indices())
error("values_uncoalesced", lambda: S.values())
error("to_sparse_too_many", lambda: D.to_sparse(3))
error("full_sparse", lambda: torch.ones(2, 3, layout=torch.sparse_coo))
error("storage", lambda: S.storage())
error("sum", lambda: S.sum(0))  # each op below names itself in PyTorch's message; xgrad's are generic
error("exp", lambda: S.exp())
error("view", lambda: S.view(6))
error("narrow", lambda: S.narrow(0, 0, 1))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sparse.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "cases": CASES, "errors": ERRORS}, f, indent=1)
    f.write("\n")
print(f"wrote {len(CASES)} cases and {len(ERRORS)} errors to {out}")
