// shape_ops.cpp: views and joins. A view op computes new sizes/strides over the same storage; its
// backward maps the gradient back to the input's shape (view: reshape it; transpose: transpose it
// back; slice/select: place it into zeros; expand: sum it). Read next: elementwise.cpp.
#include "xgrad/ops/shape_ops.hpp"

#include <algorithm>
#include <numeric>

#include "ops/op_utils.hpp"
#include "ops/unsafe_split.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/reduction.hpp"

namespace xgrad {

using autograd::record;
using autograd::save;
using autograd::variable_list;

namespace {

/// Replaces a -1 in `shape` by what makes the element count `numel`.
DimVector infer_view_size(IntArrayRef shape, int64_t numel) {
  DimVector out(shape);
  int64_t known = 1;
  std::optional<size_t> infer;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      XGRAD_CHECK(!infer, "only one dimension can be inferred");
      infer = i;
    } else {
      XGRAD_CHECK(shape[i] >= 0, "invalid shape dimension {}", shape[i]);
      known *= shape[i];
    }
  }
  bool ok = infer ? (known != 0 && numel % known == 0) : known == numel;
  XGRAD_CHECK(ok, "shape '{}' is invalid for input of size {}", format_sizes(shape), numel);
  if (infer) out[*infer] = numel / known;
  return out;
}

/// The strides that view `old` (sizes, strides) as `shape` without copying, if there are any
/// (PyTorch's computeStride: each run of dims that is contiguous in memory may be re-split freely).
std::optional<DimVector> view_strides(IntArrayRef old_sizes, IntArrayRef old_strides, IntArrayRef shape) {
  DimVector strides(shape.size());
  int64_t numel = 1;
  for (int64_t s : old_sizes) numel *= s;
  if (old_sizes.empty()) return DimVector(shape.size(), 1);
  if (numel == 0) return old_sizes.equals(shape) ? DimVector(old_strides) : contiguous_strides(shape);
  int64_t view_d = static_cast<int64_t>(shape.size()) - 1;
  int64_t chunk_base_stride = old_strides.back();
  int64_t tensor_numel = 1, view_numel = 1;
  for (int64_t tensor_d = static_cast<int64_t>(old_sizes.size()) - 1; tensor_d >= 0; --tensor_d) {
    tensor_numel *= old_sizes[tensor_d];
    if (tensor_d == 0 ||
        (old_sizes[tensor_d - 1] != 1 && old_strides[tensor_d - 1] != tensor_numel * chunk_base_stride)) {
      while (view_d >= 0 && (view_numel < tensor_numel || shape[view_d] == 1)) {
        strides[view_d] = view_numel * chunk_base_stride;
        view_numel *= shape[view_d];
        --view_d;
      }
      if (view_numel != tensor_numel) return std::nullopt;
      if (tensor_d > 0) {
        chunk_base_stride = old_strides[tensor_d - 1];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  if (view_d != -1) return std::nullopt;
  return strides;
}

/// The view itself, before recording: used by view and reshape.
Tensor view_raw(const Tensor& x, const DimVector& shape, const DimVector& strides) {
  return detail::view_of(x, shape, strides, x.storage_offset());
}

/// The reverse of a slice: a zero tensor of `sizes` with `grad` placed in the sliced positions.
Tensor slice_backward(const Tensor& grad, IntArrayRef sizes, int64_t dim, int64_t start, int64_t end, int64_t step) {
  Tensor out = zeros(sizes, grad.scalar_type());
  detail::copy_raw(slice(out, dim, start, end, step), grad);
  return record("SliceBackwardBackward0", out, {grad},
                [dim, start, end, step](const Tensor& g) -> variable_list { return {slice(g, dim, start, end, step)}; });
}

/// The reverse of select: a zero tensor of `sizes` with `grad` placed at `index` along `dim`.
Tensor select_backward(const Tensor& grad, IntArrayRef sizes, int64_t dim, int64_t index) {
  Tensor out = zeros(sizes, grad.scalar_type());
  detail::copy_raw(select(out, dim, index), grad);
  return record("SelectBackwardBackward0", out, {grad},
                [dim, index](const Tensor& g) -> variable_list { return {select(g, dim, index)}; });
}

}  // namespace

/// view(x, shape): the same elements under a new shape, sharing storage.   d/dx: grad.reshape(x.sizes())
Tensor view(const Tensor& x, IntArrayRef size) {
  DimVector shape = infer_view_size(size, x.numel());
  auto strides = view_strides(x.sizes(), x.strides(), shape);
  XGRAD_CHECK(strides.has_value(),
              "view size is not compatible with input tensor's size and stride (at least one dimension spans across "
              "two contiguous subspaces). Use .reshape(...) instead.");
  DimVector in_sizes(x.sizes());
  return record("ViewBackward0", view_raw(x, shape, *strides), {x},
                [in_sizes](const Tensor& g) -> variable_list { return {reshape(g, in_sizes)}; });
}

/// reshape(x, shape): a view when the strides allow one, else a contiguous copy viewed.
Tensor reshape(const Tensor& x, IntArrayRef shape_in) {
  DimVector shape = infer_view_size(shape_in, x.numel());
  DimVector in_sizes(x.sizes());
  if (auto strides = view_strides(x.sizes(), x.strides(), shape)) {
    return record("ReshapeAliasBackward0", view_raw(x, shape, *strides), {x},
                  [in_sizes](const Tensor& g) -> variable_list { return {reshape(g, in_sizes)}; });
  }
  return detail::unsafe_view(xgrad::clone(x), shape);  // CloneBackward0 then UnsafeViewBackward0, as in PyTorch
}

Tensor detail::unsafe_view(const Tensor& x, IntArrayRef shape_in) {
  DimVector shape = infer_view_size(shape_in, x.numel());
  DimVector in_sizes(x.sizes());
  Tensor out = detail::make_view(x, shape, contiguous_strides(shape), x.storage_offset());  // not a view for autograd
  return record("UnsafeViewBackward0", out, {x},
                [in_sizes](const Tensor& g) -> variable_list { return {reshape(g, in_sizes)}; });
}

Tensor flatten(const Tensor& x, int64_t start_dim, int64_t end_dim) {
  start_dim = maybe_wrap_dim(start_dim, x.dim());
  end_dim = maybe_wrap_dim(end_dim, x.dim());
  XGRAD_CHECK(start_dim <= end_dim, "flatten() has invalid args: start_dim cannot come after end_dim");
  if (x.dim() == 0) return reshape(x, {1});
  if (start_dim == end_dim) return x;
  DimVector shape;
  for (int64_t d = 0; d < start_dim; ++d) shape.push_back(x.size(d));
  int64_t n = 1;
  for (int64_t d = start_dim; d <= end_dim; ++d) n *= x.size(d);
  shape.push_back(n);
  for (int64_t d = end_dim + 1; d < x.dim(); ++d) shape.push_back(x.size(d));
  return reshape(x, shape);
}

/// transpose(x, d0, d1): swaps two dims (their sizes and strides).   d/dx: grad.transpose(d0, d1)
Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1) {
  dim0 = maybe_wrap_dim(dim0, x.dim());
  dim1 = maybe_wrap_dim(dim1, x.dim());
  DimVector sizes(x.sizes()), strides(x.strides());
  if (x.dim() > 0) {
    std::swap(sizes[dim0], sizes[dim1]);
    std::swap(strides[dim0], strides[dim1]);
  }
  return record("TransposeBackward0", detail::view_of(x, sizes, strides, x.storage_offset()), {x},
                [dim0, dim1](const Tensor& g) -> variable_list { return {transpose(g, dim0, dim1)}; });
}

/// t(x): transpose of a matrix (a 0-d or 1-d tensor is returned as a view of itself).   d/dx: grad.t()
Tensor t(const Tensor& x) {
  XGRAD_CHECK(x.dim() <= 2, "t() expects a tensor with <= 2 dimensions, but self is {}D", x.dim());
  DimVector sizes(x.sizes()), strides(x.strides());
  if (x.dim() == 2) {
    std::swap(sizes[0], sizes[1]);
    std::swap(strides[0], strides[1]);
  }
  return record("TBackward0", detail::view_of(x, sizes, strides, x.storage_offset()), {x},
                [](const Tensor& g) -> variable_list { return {t(g)}; });
}

/// permute(x, dims): reorders dims.   d/dx: grad.permute(inverse of dims)
Tensor permute(const Tensor& x, IntArrayRef dims) {
  XGRAD_CHECK(static_cast<int64_t>(dims.size()) == x.dim(),
              "permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired "
              "ordering of dimensions i.e. input.dim() = {} is not equal to len(dims) = {}",
              x.dim(), dims.size());
  DimVector sizes(dims.size()), strides(dims.size()), inverse(dims.size());
  std::vector<bool> seen(dims.size(), false);
  for (size_t i = 0; i < dims.size(); ++i) {
    int64_t d = maybe_wrap_dim(dims[i], x.dim());
    XGRAD_CHECK(!seen[d], "permute(): duplicate dims are not allowed.");
    seen[d] = true;
    sizes[i] = x.size(d);
    strides[i] = x.stride(d);
    inverse[d] = static_cast<int64_t>(i);
  }
  return record("PermuteBackward0", detail::view_of(x, sizes, strides, x.storage_offset()), {x},
                [inverse](const Tensor& g) -> variable_list { return {permute(g, inverse)}; });
}

/// slice(x, dim, start, end, step): every step-th index in [start, end) along dim (Python's x[a:b:c]).
/// d/dx: zeros of x's shape with grad placed in the slice
Tensor slice(const Tensor& x, int64_t dim, std::optional<int64_t> start_opt, std::optional<int64_t> end_opt,
             int64_t step) {
  XGRAD_CHECK_T(IndexError, x.dim() > 0, "slice() cannot be applied to a 0-dim tensor.");
  dim = maybe_wrap_dim(dim, x.dim());
  XGRAD_CHECK(step > 0, "slice step must be positive");
  int64_t n = x.size(dim);
  int64_t start = start_opt.value_or(0), end = end_opt.value_or(n);
  if (start < 0) start += n;
  if (end < 0) end += n;
  start = std::clamp<int64_t>(start, 0, n);
  end = std::clamp<int64_t>(end, start, n);
  DimVector sizes(x.sizes()), strides(x.strides());
  sizes[dim] = (end - start + step - 1) / step;
  strides[dim] *= step;
  Tensor out = detail::view_of(x, sizes, strides, x.storage_offset() + start * x.stride(dim));
  DimVector in_sizes(x.sizes());
  return record("SliceBackward0", out, {x}, [in_sizes, dim, start, end, step](const Tensor& g) -> variable_list {
    return {slice_backward(g, in_sizes, dim, start, end, step)};
  });
}

Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length) {
  XGRAD_CHECK(x.dim() > 0, "narrow() cannot be applied to a 0-dim tensor.");
  dim = maybe_wrap_dim(dim, x.dim());
  int64_t n = x.size(dim);
  XGRAD_CHECK_T(IndexError, start >= -n && start <= n,
                "start out of range (expected to be in range of [{}, {}], but got {})", -n, n, start);
  if (start < 0) start += n;
  XGRAD_CHECK(length >= 0, "narrow(): length must be non-negative.");
  XGRAD_CHECK(start + length <= n, "start ({}) + length ({}) exceeds dimension size ({}).", start, length, n);
  return slice(x, dim, start, start + length, 1);
}

/// select(x, dim, i): the sub-tensor at index i along dim, which disappears (x[i] for dim 0).
/// d/dx: zeros of x's shape with grad placed at index i
Tensor select(const Tensor& x, int64_t dim, int64_t index) {
  XGRAD_CHECK_T(IndexError, x.dim() > 0, "select() cannot be applied to a 0-dim tensor.");
  dim = maybe_wrap_dim(dim, x.dim());
  int64_t n = x.size(dim);
  XGRAD_CHECK_T(IndexError, index >= -n && index < n, "index {} is out of bounds for dimension {} with size {}",
                index, dim, n);
  if (index < 0) index += n;
  DimVector sizes(x.sizes()), strides(x.strides());
  int64_t offset = x.storage_offset() + index * strides[dim];
  sizes.erase(dim);
  strides.erase(dim);
  DimVector in_sizes(x.sizes());
  return record("SelectBackward0", detail::view_of(x, sizes, strides, offset), {x},
                [in_sizes, dim, index](const Tensor& g) -> variable_list {
                  return {select_backward(g, in_sizes, dim, index)};
                });
}

/// squeeze(x): drops every dim of size 1.   d/dx: grad.reshape(x.sizes())
Tensor squeeze(const Tensor& x) {
  DimVector sizes, strides;
  for (int64_t d = 0; d < x.dim(); ++d) {
    if (x.size(d) == 1) continue;
    sizes.push_back(x.size(d));
    strides.push_back(x.stride(d));
  }
  DimVector in_sizes(x.sizes());
  return record("SqueezeBackward0", detail::view_of(x, sizes, strides, x.storage_offset()), {x},
                [in_sizes](const Tensor& g) -> variable_list {
                  Tensor r = g;  // PyTorch's unsqueeze_to: a dim back at each place x had size 1
                  for (size_t d = 0; d < in_sizes.size(); ++d)
                    if (in_sizes[d] == 1) r = unsqueeze(r, static_cast<int64_t>(d));
                  return {r};
                });
}

/// squeeze(x, dim): drops dim if its size is 1.   d/dx: grad.unsqueeze(dim) where it was dropped
Tensor squeeze(const Tensor& x, int64_t dim) {
  dim = maybe_wrap_dim(dim, x.dim());
  DimVector sizes(x.sizes()), strides(x.strides());
  bool dropped = x.dim() > 0 && x.size(dim) == 1;
  if (dropped) {
    sizes.erase(dim);
    strides.erase(dim);
  }
  return record("SqueezeBackward1", detail::view_of(x, sizes, strides, x.storage_offset()), {x},
                [dim, dropped](const Tensor& g) -> variable_list { return {dropped ? unsqueeze(g, dim) : g}; });
}

/// unsqueeze(x, dim): inserts a dim of size 1.   d/dx: grad.squeeze(dim)
Tensor unsqueeze(const Tensor& x, int64_t dim) {
  dim = maybe_wrap_dim(dim, x.dim() + 1);
  DimVector sizes(x.sizes()), strides(x.strides());
  int64_t stride = dim < x.dim() ? x.size(dim) * x.stride(dim) : 1;
  sizes.insert(dim, 1);
  strides.insert(dim, stride);
  return record("UnsqueezeBackward0", detail::view_of(x, sizes, strides, x.storage_offset()), {x},
                [dim](const Tensor& g) -> variable_list { return {squeeze(g, dim)}; });
}

/// expand(x, sizes): repeats size-1 dims (and adds leading dims) without copying: stride 0.
/// -1 keeps a size.   d/dx: grad summed over the expanded dims (sum_to)
Tensor expand(const Tensor& x, IntArrayRef size) {
  XGRAD_CHECK(static_cast<int64_t>(size.size()) >= x.dim(),
              "expand({}{{{}}}, size={}): the number of sizes provided ({}) must be greater or equal to the number of "
              "dimensions in the tensor ({})",
              legacy_type_name(x.scalar_type()), format_sizes(x.sizes()), format_sizes(size), size.size(), x.dim());
  size_t n = size.size();
  int64_t lead = static_cast<int64_t>(n) - x.dim();
  DimVector sizes(n), strides(n);
  for (int64_t i = static_cast<int64_t>(n) - 1; i >= 0; --i) {
    int64_t d = i - lead;
    int64_t target = size[i];
    if (d < 0) {
      XGRAD_CHECK(target >= 0, "The expanded size of the tensor ({}) isn't allowed in a leading, non-existing dimension {}",
                  target, i);
      sizes[i] = target;
      strides[i] = 0;
      continue;
    }
    int64_t cur = x.size(d);
    if (target == -1) target = cur;
    if (cur != target) {
      XGRAD_CHECK(cur == 1,
                  "The expanded size of the tensor ({}) must match the existing size ({}) at non-singleton dimension "
                  "{}.  Target sizes: {}.  Tensor sizes: {}",
                  target, cur, i, format_sizes(size), format_sizes(x.sizes()));
      sizes[i] = target;
      strides[i] = 0;
    } else {
      sizes[i] = cur;
      strides[i] = x.stride(d);
    }
  }
  DimVector in_sizes(x.sizes());
  return record("ExpandBackward0", detail::view_of(x, sizes, strides, x.storage_offset()), {x},
                [in_sizes](const Tensor& g) -> variable_list { return {sum_to(g, in_sizes)}; });
}

/// contiguous(x): x itself when already contiguous, else a copy (CloneBackward0).
Tensor contiguous(const Tensor& x) { return x.is_contiguous() ? x : xgrad::clone(x); }

namespace {
/// What the views unbind and split return are: one node makes them all, so none may be written
/// in place while autograd records (See Note [Views and in-place ops]).
autograd::CreationMeta multi_output_creation_meta() {
  if (InferenceMode::is_enabled()) return autograd::CreationMeta::INFERENCE_MODE;
  return GradMode::is_enabled() ? autograd::CreationMeta::MULTI_OUTPUT_NODE : autograd::CreationMeta::NO_GRAD_MODE;
}
void mark_views(const std::vector<Tensor>& outs, const Tensor& x, autograd::CreationMeta creation_meta) {
  autograd::CreationMeta prev = autograd::CreationMeta::DEFAULT;
  if (const auto* meta = autograd::get_view_autograd_meta(x)) prev = meta->get_creation_meta();
  for (const Tensor& o : outs)
    if (auto* meta = autograd::get_view_autograd_meta(o); meta && !o.is_same(x))
      meta->set_creation_meta(autograd::propagate_creation_meta(prev, creation_meta));
}
}  // namespace

/// unbind(x, dim): the slices along dim, as a list.   d/dx: stack of the grads (zeros for unused)
std::vector<Tensor> unbind(const Tensor& x, int64_t dim) {
  dim = maybe_wrap_dim(dim, x.dim());
  std::vector<Tensor> outs;
  const autograd::CreationMeta creation_meta = multi_output_creation_meta();
  {
    NoGradGuard no_grad;
    for (int64_t i = 0; i < x.size(dim); ++i) outs.push_back(select(x, dim, i));
  }
  mark_views(outs, x, creation_meta);
  DimVector in_sizes(x.sizes());
  ScalarType dt = x.scalar_type();
  return autograd::record_multi("UnbindBackward0", outs, {x}, save(),
                                [dim, in_sizes, dt](const variable_list& grads) -> variable_list {
                                  DimVector slice_sizes(in_sizes);
                                  slice_sizes.erase(dim);
                                  std::vector<Tensor> parts;
                                  for (const Tensor& g : grads) parts.push_back(g.defined() ? g : zeros(slice_sizes, dt));
                                  return {stack(parts, dim)};
                                });
}

namespace {
/// The lengths of split(x, split_size, dim)'s pieces (dim wrapped already).
std::vector<int64_t> split_lengths(const Tensor& x, int64_t split_size, int64_t dim) {
  XGRAD_CHECK(split_size >= 0, "split expects split_size be non-negative, but got split_size={}", split_size);
  int64_t n = x.size(dim);
  std::vector<int64_t> lengths;
  if (n == 0) lengths.push_back(0);
  for (int64_t start = 0; start < n; start += std::max<int64_t>(split_size, 1))
    lengths.push_back(std::min(split_size, n - start));
  return lengths;
}

/// The pieces of x along dim of the given lengths, as views one node makes (`name`).
/// d/dx: cat of the grads (zeros for unused)
std::vector<Tensor> split_pieces(const char* name, const Tensor& x, const std::vector<int64_t>& lengths, int64_t dim) {
  std::vector<Tensor> outs;
  const autograd::CreationMeta creation_meta = multi_output_creation_meta();
  {
    NoGradGuard no_grad;
    int64_t start = 0;
    for (int64_t length : lengths) {
      outs.push_back(narrow(x, dim, start, length));
      start += length;
    }
  }
  mark_views(outs, x, creation_meta);
  ScalarType dt = x.scalar_type();
  std::vector<DimVector> part_sizes;
  for (const Tensor& o : outs) part_sizes.emplace_back(o.sizes());
  return autograd::record_multi(name, outs, {x}, save(),
                                [dim, part_sizes, dt](const variable_list& grads) -> variable_list {
                                  std::vector<Tensor> parts;
                                  for (size_t i = 0; i < grads.size(); ++i)
                                    parts.push_back(grads[i].defined() ? grads[i] : zeros(part_sizes[i], dt));
                                  return {cat(parts, dim)};
                                });
}
}  // namespace

/// split(x, size, dim): consecutive pieces of `size` along dim (the last may be smaller).
/// d/dx: cat of the grads (zeros for unused)
std::vector<Tensor> split(const Tensor& x, int64_t split_size, int64_t dim) {
  dim = maybe_wrap_dim(dim, x.dim());
  return split_pieces("SplitBackward0", x, split_lengths(x, split_size, dim), dim);
}

/// split_with_sizes(x, sizes, dim): consecutive pieces of the given sizes along dim (they must
/// sum to x.size(dim)).   d/dx: cat of the grads (zeros for unused)
std::vector<Tensor> split_with_sizes(const Tensor& x, IntArrayRef split_sizes, int64_t dim) {
  XGRAD_CHECK(x.dim() != 0, "split expects at least a 1-dimensional tensor");
  dim = maybe_wrap_dim(dim, x.dim());
  const int64_t n = x.size(dim);
  int64_t total = 0;
  for (int64_t s : split_sizes) {
    XGRAD_CHECK(s >= 0, "split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes={}",
                format_sizes(split_sizes));
    total += s;
  }
  XGRAD_CHECK(total == n,
              "split_with_sizes expects split_sizes to sum exactly to {} (input tensor's size at dimension {}), but got "
              "split_sizes={}",
              n, dim, format_sizes(split_sizes));
  return split_pieces("SplitWithSizesBackward0", x, std::vector<int64_t>(split_sizes.begin(), split_sizes.end()), dim);
}

std::vector<Tensor> chunk(const Tensor& x, int64_t chunks, int64_t dim) {
  XGRAD_CHECK(x.dim() > 0, "chunk expects at least a 1-dimensional tensor");
  XGRAD_CHECK(chunks > 0, "chunk expects `chunks` to be greater than 0, got: {}", chunks);
  int64_t n = x.size(maybe_wrap_dim(dim, x.dim()));
  return split(x, (n + chunks - 1) / chunks, dim);
}

/// unsafe_split(x, size, dim): split's pieces, but tensors of their own rather than views
/// autograd tracks (ATen's unsafe_split, which its RNN cells use for the gates): the caller
/// promises not to modify them in place, and nothing records them as views of x. They still
/// share x's storage, so here (one version counter per storage) they share its version too, where
/// PyTorch gives each a fresh one.   d/dx: cat of the grads (zeros for unused)
std::vector<Tensor> unsafe_split(const Tensor& x, int64_t split_size, int64_t dim) {
  dim = maybe_wrap_dim(dim, x.dim());
  std::vector<Tensor> outs;
  std::vector<DimVector> part_sizes;
  int64_t offset = x.storage_offset();
  for (const int64_t length : split_lengths(x, split_size, dim)) {
    DimVector sizes(x.sizes());
    sizes[dim] = length;
    outs.push_back(detail::make_view(x, sizes, DimVector(x.strides()), offset));
    part_sizes.push_back(sizes);
    offset += length * x.stride(dim);
  }
  const ScalarType dt = x.scalar_type();
  return autograd::record_multi("UnsafeSplitBackward0", outs, {x}, save(),
                                [dim, part_sizes, dt](const variable_list& grads) -> variable_list {
                                  std::vector<Tensor> parts;
                                  for (size_t i = 0; i < grads.size(); ++i)
                                    parts.push_back(grads[i].defined() ? grads[i] : zeros(part_sizes[i], dt));
                                  return {cat(parts, dim)};
                                });
}

/// unsafe_chunk(x, chunks, dim): chunk's pieces as unsafe_split gives them (UnsafeSplitBackward0).
std::vector<Tensor> unsafe_chunk(const Tensor& x, int64_t chunks, int64_t dim) {
  XGRAD_CHECK(x.dim() > 0, "chunk expects at least a 1-dimensional tensor");
  XGRAD_CHECK(chunks > 0, "chunk expects `chunks` to be greater than 0, got: {}", chunks);
  int64_t n = x.size(maybe_wrap_dim(dim, x.dim()));
  return unsafe_split(x, (n + chunks - 1) / chunks, dim);
}

/// cat(tensors, dim): joins along dim.   d/d(tensors[i]): grad.narrow(dim, offset_i, size_i)
Tensor cat(TensorList tensors, int64_t dim) {
  XGRAD_CHECK(!tensors.empty(), "torch.cat(): expected a non-empty list of Tensors");
  // PyTorch skips 1-d empty tensors (legacy behaviour), so cat([x, tensor([])]) works.
  const Tensor* ref = nullptr;
  for (const Tensor& t : tensors)
    if (!(t.dim() == 1 && t.numel() == 0)) ref = ref ? ref : &t;
  if (ref == nullptr) ref = &tensors[0];
  XGRAD_CHECK(ref->dim() > 0, "zero-dimensional tensor (at position 0) cannot be concatenated");
  dim = maybe_wrap_dim(dim, ref->dim());
  ScalarType dtype = tensors[0].scalar_type();
  DimVector sizes(ref->sizes());
  sizes[dim] = 0;
  std::vector<int64_t> offsets, lengths;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    dtype = promote_types(dtype, t.scalar_type());
    if (t.dim() == 1 && t.numel() == 0) {
      offsets.push_back(sizes[dim]);
      lengths.push_back(0);
      continue;
    }
    XGRAD_CHECK(t.dim() == ref->dim(), "Tensors must have same number of dimensions: got {} and {}", ref->dim(),
                t.dim());
    for (int64_t d = 0; d < t.dim(); ++d)
      XGRAD_CHECK(d == dim || t.size(d) == ref->size(d),
                  "Sizes of tensors must match except in dimension {}. Expected size {} but got size {} for tensor "
                  "number {} in the list.",
                  dim, ref->size(d), t.size(d), i);
    offsets.push_back(sizes[dim]);
    lengths.push_back(t.size(dim));
    sizes[dim] += t.size(dim);
  }
  Tensor out = detail::make_empty(sizes, dtype);
  for (size_t i = 0; i < tensors.size(); ++i)
    if (lengths[i] > 0) detail::copy_raw(slice(out.detach(), dim, offsets[i], offsets[i] + lengths[i]), tensors[i]);
  return autograd::record_list("CatBackward0", out, tensors, save(),
                               [dim, offsets, lengths](const Tensor& g) -> variable_list {
                                 variable_list grads;
                                 for (size_t i = 0; i < offsets.size(); ++i)
                                   grads.push_back(lengths[i] > 0 ? narrow(g, dim, offsets[i], lengths[i]) : Tensor());
                                 return grads;
                               });
}

/// stack(tensors, dim): joins along a new dim.   d/d(tensors[i]): grad.select(dim, i)
Tensor stack(TensorList tensors, int64_t dim) {
  XGRAD_CHECK(!tensors.empty(), "stack expects a non-empty TensorList");
  dim = maybe_wrap_dim(dim, tensors[0].dim() + 1);
  for (size_t i = 1; i < tensors.size(); ++i)
    XGRAD_CHECK(tensors[i].sizes().equals(tensors[0].sizes()),
                "stack expects each tensor to be equal size, but got {} at entry 0 and {} at entry {}",
                format_sizes(tensors[0].sizes()), format_sizes(tensors[i].sizes()), i);
  std::vector<Tensor> parts;
  {
    NoGradGuard no_grad;
    for (const Tensor& t : tensors) parts.push_back(unsqueeze(t, dim));
  }
  Tensor out;
  {
    NoGradGuard no_grad;
    out = cat(parts, dim);
  }
  size_t n = tensors.size();
  return autograd::record_list("StackBackward0", out, tensors, save(), [dim, n](const Tensor& g) -> variable_list {
    variable_list grads;
    for (size_t i = 0; i < n; ++i) grads.push_back(select(g, dim, static_cast<int64_t>(i)));
    return grads;
  });
}

/// repeat(x, repeats): x tiled repeats[d] times along each dim; extra leading repeats add dims.
/// d/dx: the tiles' gradients summed (PyTorch's repeat_backward: the gradient reshaped so that each
/// repeated dim splits into (repeat, size), then summed over the repeat dims)
Tensor repeat(const Tensor& x, IntArrayRef repeats) {
  XGRAD_CHECK(static_cast<int64_t>(repeats.size()) >= x.dim(),
              "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor");
  const size_t lead = repeats.size() - static_cast<size_t>(x.dim());
  DimVector padded(lead, 1), tiles, tiled, target;
  for (int64_t s : x.sizes()) padded.push_back(s);
  for (size_t i = 0; i < repeats.size(); ++i) target.push_back(repeats[i] * padded[i]);
  for (int64_t s : target)
    XGRAD_CHECK(s >= 0, "Trying to create tensor with negative dimension {}: {}", s, format_sizes(target));
  for (size_t i = 0; i < repeats.size(); ++i) {
    tiles.push_back(1);
    tiles.push_back(padded[i]);
    tiled.push_back(repeats[i]);
    tiled.push_back(padded[i]);
  }
  Tensor out;
  {
    NoGradGuard no_grad;
    out = detail::contiguous_raw(expand(reshape(x, tiles), tiled), /*force=*/true).view(target);
  }
  DimVector in_sizes(x.sizes()), reps(repeats);
  ScalarType dtype = x.scalar_type();
  return record("RepeatBackward0", out, {x}, [in_sizes, reps, dtype](const Tensor& g_in) -> variable_list {
    if (std::find(reps.begin(), reps.end(), 0) != reps.end()) return {zeros(in_sizes, dtype)};
    Tensor g = g_in;
    const size_t lead_dims = reps.size() - in_sizes.size();
    for (size_t i = 0; i < lead_dims; ++i) g = sum(g, {0}, false);
    DimVector grad_size, sum_dims;
    for (size_t d = 0; d < in_sizes.size(); ++d) {
      if (reps[d + lead_dims] != 1) {
        grad_size.push_back(reps[d + lead_dims]);
        sum_dims.push_back(static_cast<int64_t>(grad_size.size()) - 1);
      }
      grad_size.push_back(in_sizes[d]);
    }
    if (!sum_dims.empty()) g = sum(reshape(g, grad_size), sum_dims);
    return {g};
  });
}

std::vector<Tensor> broadcast_tensors(TensorList tensors) {
  DimVector shape;
  for (const Tensor& t : tensors) shape = infer_size(shape, t.sizes());
  std::vector<Tensor> out;
  for (const Tensor& t : tensors) out.push_back(t.sizes().equals(shape) ? t : expand(t, shape));
  return out;
}

}  // namespace xgrad
