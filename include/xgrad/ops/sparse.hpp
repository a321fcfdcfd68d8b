// sparse.hpp: sparse COO tensors (layout torch::kSparse), the minimal set PyTorch users reach for:
// making one (sparse_coo_tensor, empty/zeros with kSparse, Tensor::to_sparse), reading it
// (_indices, _values, _nnz, sparse_dim, dense_dim), coalesce, to_dense, clone, to(dtype), printing.
// Every other op refuses a sparse tensor. Read src/ops/sparse.cpp for how.
//
// Note [Sparse COO tensors]
// A sparse tensor of sizes S = (s_0, ..., s_{d-1}) with sparse_dim k and dense_dim d - k holds
//   indices: int64, k x nnz      column j names the entry at (indices[0][j], ..., indices[k-1][j])
//   values:  nnz x s_k x ... x s_{d-1}   values[j] is the dense block stored at that entry
// and its value at a position is the sum of the blocks whose indices name it (duplicates add up).
// A coalesced tensor has its columns sorted (row-major over the sparse dims) with no duplicates;
// coalesce() makes one. The tensor's own storage is empty: TensorImpl::data() and every view
// (as_strided) throw for it, so no strided op can read the indices or values as its elements.
// Autograd: a sparse tensor cannot require grad, and sparse_coo_tensor / to_sparse refuse inputs
// that require grad (xgrad has no sparse gradients); convert with to_dense() first.
#pragma once

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// A sparse COO tensor from indices (int64, sparse_dim x nnz) and values (nnz x dense sizes); its
/// size is the smallest that holds every index (each max index + 1, then values' dense sizes).
/// options: the dtype (values are converted to it); the layout, if given, must be kSparse.
Tensor sparse_coo_tensor(const Tensor& indices, const Tensor& values, TensorOptions options = {});
/// The same with the size given: every index must lie inside it (PyTorch's errors otherwise).
Tensor sparse_coo_tensor(const Tensor& indices, const Tensor& values, IntArrayRef size, TensorOptions options = {});

namespace detail {
/// A sparse tensor with no entries (nnz 0, all dims sparse): empty and zeros with layout kSparse.
Tensor sparse_empty(IntArrayRef size, const TensorOptions& options);
}  // namespace detail

}  // namespace xgrad
