// indexing_advanced.cpp: indexing by tensors (NumPy's "advanced indexing"): index (x[idx]),
// index_put (x[idx] = v), and nonzero, which turns a mask into index tensors. Read next:
// tensor_indexing.cpp, which turns x.index({...}) lists into these and into views.
//
// Note [Advanced indexing]
// x.index({i0, i1, ...}) takes one optional index tensor per leading dim of x. Masks (bool)
// become one int64 index per mask dim (their nonzero() columns); the index tensors broadcast
// together to a shape B. If the indexed dims are adjacent, the result is
//     x.shape[:first] + B + x.shape[last+1:],   out[a, b, c] = x[a, i0[b], i1[b], c]
// If a whole dim separates them (x[idx, :, idx]), there is no natural place for B, and it goes
// first: the indexed dims are moved to the front before indexing (PyTorch's transposeToFront).
// index_put_ writes (or, with accumulate, adds) a value broadcast to that result shape into the
// same positions. Each element's position is pre[a] + idx[b] + post[c] (element offsets), three
// lists made once (kernels/indexing.hpp).
#include <numeric>

#include "kernels/indexing.hpp"
#include "ops/inplace.hpp"
#include "ops/op_utils.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/shape.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/core/warning.hpp"
#include "xgrad/ops/indexing.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

using autograd::needs_input_grad;
using autograd::record;
using autograd::variable_list;

namespace {

/// A bool or (deprecated, with PyTorch's warning) uint8 tensor indexes as a mask.
bool is_mask(ScalarType t) { return t == kBool || t == kByte; }

/// Where the elements of x[indices] are in x (See Note [Advanced indexing]).
struct IndexPlan {
  DimVector result_shape;
  std::vector<int64_t> pre, idx, post;  // element offsets from x's first element
};

std::string shapes_as_str(const std::vector<Tensor>& tensors) {
  std::string out;
  for (const Tensor& t : tensors) {
    if (!t.defined()) continue;
    out += (out.empty() ? "" : ", ") + format_sizes(t.sizes());
  }
  return out;
}

/// Masks replaced by the int64 indices of their true elements, one per mask dim.
std::vector<Tensor> expand_masks(const Tensor& self, const std::vector<Tensor>& indices) {
  std::vector<Tensor> out;
  for (const Tensor& index : indices) {
    if (!index.defined() || !is_mask(index.scalar_type())) {
      out.push_back(index);
      continue;
    }
    if (index.scalar_type() == kByte)
      warn("indexing with dtype torch.uint8 is now deprecated, please use a dtype torch.bool instead.");
    for (int64_t j = 0; j < index.dim(); ++j) {
      int64_t src = static_cast<int64_t>(out.size()) + j;
      if (index.size(j) != self.size(src))
        detail::fail<IndexError>(
            "The shape of the mask {} at index {} does not match the shape of the indexed tensor {} at index {}",
            format_sizes(index.sizes()), j, format_sizes(self.sizes()), src);
    }
    Tensor nz = nonzero(index);
    for (int64_t j = 0; j < index.dim(); ++j) out.push_back(detail::contiguous_raw(nz.select(1, j)));
  }
  return out;
}

IndexPlan make_plan(const Tensor& self, const std::vector<Tensor>& orig) {
  NoGradGuard no_grad;  // the plan is bookkeeping: nothing here is recorded
  XGRAD_CHECK_T(IndexError, static_cast<int64_t>(orig.size()) <= self.dim(),
                "too many indices for tensor of dimension {} (got {})", self.dim(), orig.size());
  for (const Tensor& t : orig)
    XGRAD_CHECK_T(IndexError, !t.defined() || t.scalar_type() == kLong || is_mask(t.scalar_type()),
                  "tensors used as indices must be long, byte or bool tensors");
  std::vector<Tensor> indices = expand_masks(self, orig);

  // Broadcast the index tensors together.
  DimVector index_shape;
  try {
    for (const Tensor& t : indices)
      if (t.defined()) index_shape = infer_size(index_shape, t.sizes());
  } catch (const Error&) {
    detail::fail<IndexError>("shape mismatch: indexing tensors could not be broadcast together with shapes {}",
                             shapes_as_str(indices));
  }
  while (static_cast<int64_t>(indices.size()) < self.dim()) indices.emplace_back();

  // Indexed dims not adjacent: move them to the front (PyTorch's transposeToFront).
  std::vector<size_t> order(indices.size());
  std::iota(order.begin(), order.end(), 0);
  size_t first = indices.size(), last = 0;
  for (size_t d = 0; d < indices.size(); ++d)
    if (indices[d].defined()) first = std::min(first, d), last = d;
  bool adjacent = true;
  for (size_t d = first; d < last; ++d) adjacent = adjacent && indices[d].defined();
  if (!adjacent) {
    std::stable_partition(order.begin(), order.end(), [&](size_t d) { return indices[d].defined(); });
  }

  // Split the (reordered) dims into before / indexed / after.
  IndexPlan plan;
  DimVector before_sizes, before_strides, after_sizes, after_strides;
  std::vector<int64_t> indexed_dims;
  for (size_t d : order) {
    const int64_t size = self.size(static_cast<int64_t>(d)), stride = self.stride(static_cast<int64_t>(d));
    if (indices[d].defined()) {
      indexed_dims.push_back(static_cast<int64_t>(d));
    } else if (indexed_dims.empty()) {
      before_sizes.push_back(size);
      before_strides.push_back(stride);
    } else {
      after_sizes.push_back(size);
      after_strides.push_back(stride);
    }
  }
  int64_t index_numel = 1;
  for (int64_t s : index_shape) index_numel *= s;
  for (int64_t d : indexed_dims)
    if (self.size(d) == 0 && index_numel != 0)
      detail::fail<IndexError>("index is out of bounds for dimension with size 0");

  plan.result_shape = before_sizes;
  for (int64_t s : index_shape) plan.result_shape.push_back(s);
  for (int64_t s : after_sizes) plan.result_shape.push_back(s);
  plan.pre = kernels::offsets_of(before_sizes, before_strides);
  plan.post = kernels::offsets_of(after_sizes, after_strides);
  plan.idx.assign(static_cast<size_t>(index_numel), 0);
  for (size_t j = 0; j < indexed_dims.size(); ++j) {
    const int64_t d = indexed_dims[j], size = self.size(d), stride = self.stride(d);
    Tensor index = detail::contiguous_raw(indices[static_cast<size_t>(d)].expand(index_shape));
    const int64_t* ip = index.data_ptr<int64_t>();
    for (int64_t k = 0; k < index_numel; ++k)
      plan.idx[static_cast<size_t>(k)] += kernels::checked_index(ip[k], size, static_cast<int64_t>(j)) * stride;
  }
  return plan;
}

}  // namespace

/// dst[indices] = values (or += with accumulate), in place, no autograd.
void detail::index_put_raw(const Tensor& dst, const std::vector<Tensor>& indices, const Tensor& values, bool accumulate) {
  IndexPlan plan = make_plan(dst, indices);
  XGRAD_CHECK(is_expandable_to(values.sizes(), plan.result_shape),
              "shape mismatch: value tensor of shape {} cannot be broadcast to indexing result of shape {}",
              format_sizes(values.sizes()), format_sizes(plan.result_shape));
  XGRAD_CHECK(values.scalar_type() == dst.scalar_type(),
              "Index put requires the source and destination dtypes match, got {} for the destination and {} for the "
              "source.",
              scalar_type_name(dst.scalar_type()), scalar_type_name(values.scalar_type()));
  Tensor v;
  {
    NoGradGuard no_grad;
    v = detail::contiguous_raw(values.expand(plan.result_shape));
  }
  visit_dtype(dst.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    if (accumulate)
      kernels::index_scatter<T, true>(dst.data_ptr<T>(), plan.pre, plan.idx, plan.post, v.data_ptr<T>());
    else
      kernels::index_scatter<T, false>(dst.data_ptr<T>(), plan.pre, plan.idx, plan.post, v.data_ptr<T>());
  });
}

namespace {

std::vector<Tensor> unwrap(const std::vector<std::optional<Tensor>>& indices) {
  std::vector<Tensor> out;
  for (const auto& i : indices) out.push_back(i.has_value() ? *i : Tensor());
  return out;
}

/// The gradient of index: zeros of self's shape with grad added at the indexed positions (repeated
/// positions add up), recorded as PyTorch records it (IndexPutImplBackward0, on zeros).
Tensor index_backward(const Tensor& grad, IntArrayRef self_sizes, const std::vector<Tensor>& indices) {
  Tensor out = zeros(self_sizes, grad.scalar_type());
  detail::index_put_raw(out, indices, grad, /*accumulate=*/true);
  return record("IndexPutImplBackward0", out, {Tensor(), grad}, [indices](const Tensor& g) -> variable_list {
    return {Tensor(), detail::index(g, indices)};
  });
}

}  // namespace

/// nonzero(x): the indices of x's nonzero elements, one row each, in row-major order: (n, x.dim()).
/// Not differentiable.
Tensor nonzero(const Tensor& x) {
  std::vector<int64_t> found;
  const int64_t ndim = x.dim();
  visit_dtype(x.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    kernels::nonzero<T>(x.data_ptr<T>(), x.sizes(), x.strides(), found);
    if (ndim == 0 && *x.data_ptr<T>() != T(0)) found.push_back(0);  // a 0-d tensor: one (empty) row per true
  });
  const int64_t rows = ndim == 0 ? static_cast<int64_t>(found.size()) : static_cast<int64_t>(found.size()) / ndim;
  Tensor out = detail::make_empty({rows, ndim}, kLong);
  if (ndim > 0) std::copy(found.begin(), found.end(), out.data_ptr<int64_t>());
  return out;
}

Tensor detail::index_raw(const Tensor& self, const std::vector<Tensor>& indices) {
  IndexPlan plan = make_plan(self, indices);
  Tensor out = make_empty(plan.result_shape, self.scalar_type());
  visit_dtype(self.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    kernels::index_gather<T>(self.data_ptr<T>(), plan.pre, plan.idx, plan.post, out.data_ptr<T>());
  });
  return out;
}

Tensor detail::index(const Tensor& self, const std::vector<Tensor>& indices) {
  Tensor out = index_raw(self, indices);
  DimVector self_sizes(self.sizes());
  return record("IndexBackward0", out, {self}, [self_sizes, indices](const Tensor& g) -> variable_list {
    return {index_backward(g, self_sizes, indices)};
  });
}

/// index(x, indices): x[i0, i1, ...] with index tensors (See Note [Advanced indexing]); a copy.
/// d/dx = zeros of x's shape with grad added at the indexed positions      saves: indices
Tensor index(const Tensor& self, const std::vector<std::optional<Tensor>>& indices) {
  return detail::index(self, unwrap(indices));
}

Tensor detail::index_put(const Tensor& self, const std::vector<Tensor>& indices, const Tensor& values, bool accumulate) {
  Tensor out = contiguous_raw(self, /*force=*/true);
  detail::index_put_raw(out, indices, values, accumulate);
  return record("IndexPutBackward0", out, {self, values}, [indices, accumulate](const Tensor& g) -> variable_list {
    Tensor grad_self, grad_values;
    if (needs_input_grad(0))
      grad_self = accumulate ? g : detail::index_put(g, indices, zeros({}, g.scalar_type()), false);
    if (needs_input_grad(1)) grad_values = detail::index(g, indices);
    return {grad_self, grad_values};
  });
}

/// index_put(x, indices, v, accumulate): x with v (broadcast to x[indices]'s shape) written at the
/// indexed positions; with accumulate, added there (repeated positions add up).
/// d/dx = grad with zeros at the indexed positions (grad itself with accumulate);
/// d/dv = grad[indices] (summed to v's shape)      saves: indices
Tensor index_put(const Tensor& self, const std::vector<std::optional<Tensor>>& indices, const Tensor& values,
                 bool accumulate) {
  return detail::index_put(self, unwrap(indices), values, accumulate);
}

Tensor& detail::index_put_(Tensor& self, const std::vector<Tensor>& indices, const Tensor& values, bool accumulate) {
  const bool requires_grad = autograd::compute_requires_grad({self, values});
  if (!requires_grad) {
    check_inplace(self);
    index_put_raw(self, indices, values, accumulate);
    self.unsafeGetTensorImpl()->storage->bump_version();
    return self;
  }
  return inplace_with_autograd(self, {values}, [&](const Tensor& s) {
    return detail::index_put(s, indices, alias_for_inplace(values, self), accumulate);
  });
}

Tensor& index_put_(Tensor& self, const std::vector<std::optional<Tensor>>& indices, const Tensor& values,
                   bool accumulate) {
  return detail::index_put_(self, unwrap(indices), values, accumulate);
}

}  // namespace xgrad
