// indexing.hpp: ops that pick elements by index or mask: index_select, gather, scatter_add,
// masked_fill, where; advanced indexing by tensors (index, index_put_, nonzero: Note [Advanced
// indexing] in src/ops/indexing_advanced.cpp). x.index({...}) with slices and None is in
// tensor_indexing.hpp. Read next: linalg.hpp.
#pragma once

#include <optional>
#include <vector>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index);
Tensor gather(const Tensor& x, int64_t dim, const Tensor& index);
Tensor scatter_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src);
Tensor index_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& source, const Scalar& alpha = 1);
Tensor masked_fill(const Tensor& x, const Tensor& mask, const Scalar& value);
Tensor masked_fill(const Tensor& x, const Tensor& mask, const Tensor& value);
Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b);
Tensor where(const Tensor& condition, const Tensor& a, const Scalar& b);
Tensor where(const Tensor& condition, const Scalar& a, const Tensor& b);

// ---- advanced indexing (src/ops/indexing_advanced.cpp) -------------------------------------------
/// x[i0, i1, ...] for index tensors (int64 or bool masks); an empty optional takes a dim whole.
Tensor index(const Tensor& self, const std::vector<std::optional<Tensor>>& indices);
Tensor index_put(const Tensor& self, const std::vector<std::optional<Tensor>>& indices, const Tensor& values,
                 bool accumulate = false);
Tensor& index_put_(Tensor& self, const std::vector<std::optional<Tensor>>& indices, const Tensor& values,
                   bool accumulate = false);
Tensor nonzero(const Tensor& x);

// ---- masks, flat indices, slices along a dim (src/ops/indexing_masked.cpp) -----------------------
Tensor masked_select(const Tensor& x, const Tensor& mask);
Tensor masked_scatter(const Tensor& x, const Tensor& mask, const Tensor& source);
Tensor take(const Tensor& x, const Tensor& index);
Tensor index_fill(const Tensor& x, int64_t dim, const Tensor& index, const Scalar& value);
Tensor index_copy(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& source);

}  // namespace xgrad
