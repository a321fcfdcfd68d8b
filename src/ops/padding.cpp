// padding.cpp: constant_pad_nd, reflection and replication padding, circular padding and
// torch::pad, with ATen's checks and messages. Each padding is linear, so its gradient is its
// adjoint (crop for constant padding; a scatter-add along the index map for the others), and the
// adjoint's gradient is the padding again: every order of derivative is one of the two.
// Read next: src/ops/pooling.cpp.
#include "xgrad/ops/padding.hpp"

#include <sstream>

#include "kernels/padding.hpp"
#include "ops/op_utils.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

using autograd::record;
using autograd::variable_list;
using kernels::PadIndex;

namespace {

DimVector negated(IntArrayRef pad) {
  DimVector out;
  for (int64_t p : pad) out.push_back(-p);
  return out;
}

/// The node names of an index padding and of its gradient, as PyTorch names them.
struct PadNames {
  const char* forward;
  const char* backward;
};
PadNames pad_names(PadIndex mode, int64_t dims) {
  static const PadNames reflect[] = {{"ReflectionPad1DBackward0", "ReflectionPad1DBackwardBackward0"},
                                     {"ReflectionPad2DBackward0", "ReflectionPad2DBackwardBackward0"},
                                     {"ReflectionPad3DBackward0", "ReflectionPad3DBackwardBackward0"}};
  static const PadNames replicate[] = {{"ReplicationPad1DBackward0", "ReplicationPad1DBackwardBackward0"},
                                       {"ReplicationPad2DBackward0", "ReplicationPad2DBackwardBackward0"},
                                       {"ReplicationPad3DBackward0", "ReplicationPad3DBackwardBackward0"}};
  // PyTorch writes a circular padding as copies into slices of a new tensor; its result shows
  // CopySlices, and the gradient of that, a slice's (SliceBackwardBackward0).
  static const PadNames circular = {"CopySlices", "SliceBackwardBackward0"};
  if (mode == PadIndex::Circular) return circular;
  return (mode == PadIndex::Reflect ? reflect : replicate)[dims - 1];
}

/// The index maps of the last `dims` dims of a tensor of `sizes` padded by `pad` (last dim first).
kernels::PadMaps pad_maps(IntArrayRef sizes, IntArrayRef pad, PadIndex mode, int64_t dims) {
  kernels::PadMaps m;
  const int64_t ndim = static_cast<int64_t>(sizes.size());
  for (int64_t i = 0; i < dims; ++i) {
    const int64_t size = sizes[static_cast<size_t>(ndim - dims + i)];
    const int64_t left = pad[static_cast<size_t>(2 * (dims - 1 - i))], right = pad[static_cast<size_t>(2 * (dims - 1 - i) + 1)];
    m.in[static_cast<size_t>(3 - dims + i)] = size;
    m.map[static_cast<size_t>(3 - dims + i)] = kernels::pad_index_map(mode, size, left, size + left + right);
  }
  return m;
}

DimVector padded_sizes(IntArrayRef sizes, IntArrayRef pad, int64_t dims) {
  DimVector out(sizes);
  const int64_t ndim = static_cast<int64_t>(sizes.size());
  for (int64_t i = 0; i < dims; ++i)
    out[static_cast<size_t>(ndim - dims + i)] += pad[static_cast<size_t>(2 * (dims - 1 - i))] + pad[static_cast<size_t>(2 * (dims - 1 - i) + 1)];
  return out;
}

const char* pad_kernel_name(PadIndex mode, int64_t dims) {
  static const char* reflect[] = {"reflection_pad1d", "reflection_pad2d", "reflection_pad3d_cpu"};
  static const char* replicate[] = {"replication_pad1d_cpu", "replication_pad2d_cpu", "replication_pad3d_cpu"};
  return (mode == PadIndex::Reflect ? reflect : replicate)[dims - 1];
}

Tensor index_pad_backward(const Tensor& g, const Tensor& self, IntArrayRef input_sizes, IntArrayRef pad, PadIndex mode,
                          int64_t dims);

/// x padded along its last `dims` dims by the index map of `mode`.
/// d/dx = the scatter-add of grad back along the map (index_pad_backward)
/// saves: x (PyTorch's reflection and replication backward take it; the circular one does not)
Tensor index_pad(const Tensor& x_, IntArrayRef pad, PadIndex mode, int64_t dims) {
  const Tensor x = detail::contiguous_raw(x_);
  const kernels::PadMaps maps = pad_maps(x.sizes(), pad, mode, dims);
  Tensor out = detail::make_empty(padded_sizes(x.sizes(), pad, dims), x.scalar_type());
  const int64_t planes = x.numel() / std::max<int64_t>(1, maps.in_plane());
  visit_dtype(x.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    if (mode != PadIndex::Circular && !std::is_floating_point<T>::value)
      throw Error(fmt::format("\"{}\" not implemented for '{}'", pad_kernel_name(mode, dims), scalar_type_name(x.scalar_type())));
    if (maps.in_plane() > 0) kernels::pad_gather<T>(x.data_ptr<T>(), out.data_ptr<T>(), planes, maps);
  });
  const Tensor saved = mode == PadIndex::Circular ? Tensor() : x_;
  return record(pad_names(mode, dims).forward, out, {x_}, autograd::save(saved),
                [sizes = DimVector(x.sizes()), pad = DimVector(pad), mode, dims](const Tensor& g, const Tensor& self) -> variable_list {
                  return {index_pad_backward(g, self, sizes, pad, mode, dims)};
                });
}

/// The adjoint of index_pad: grad summed back into a tensor of input_sizes.
/// d/dgrad = index_pad of the incoming gradient; d/dself = 0 (self, the forward's input, is an
/// input of this node in PyTorch, so a gradient taken with create_graph has a grad_fn)
Tensor index_pad_backward(const Tensor& g_, const Tensor& self, IntArrayRef input_sizes, IntArrayRef pad, PadIndex mode,
                          int64_t dims) {
  const Tensor g = detail::contiguous_raw(g_);
  const kernels::PadMaps maps = pad_maps(input_sizes, pad, mode, dims);
  Tensor out = detail::make_empty(input_sizes, g.scalar_type());
  const int64_t planes = out.numel() / std::max<int64_t>(1, maps.in_plane());
  visit_dtype(g.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (!std::is_same<T, bool>::value)
      if (maps.in_plane() > 0) kernels::pad_scatter_add<T>(g.data_ptr<T>(), out.data_ptr<T>(), planes, maps);
  });
  return record(pad_names(mode, dims).backward, out, {g_, self}, autograd::save(self),
                [pad = DimVector(pad), mode, dims](const Tensor& gg, const Tensor& self) -> variable_list {
                  return {index_pad(gg, pad, mode, dims),
                          self.defined() && autograd::needs_input_grad(1) ? zeros_like(self) : Tensor()};
                });
}

std::string legacy_tensor_text(const Tensor& t) {
  std::ostringstream out;
  out << "[ " << legacy_type_name(t.scalar_type()) << '{';
  for (int64_t i = 0; i < t.dim(); ++i) out << (i ? "," : "") << t.size(i);
  out << "} ]";
  return out.str();
}

/// reflection_pad{1,2,3}d's checks (ATen's ReflectionPad.cpp).
void check_reflection(const Tensor& x, IntArrayRef padding, int64_t dims) {
  XGRAD_CHECK(static_cast<int64_t>(padding.size()) == 2 * dims, "padding size is expected to be {}, but got: {}",
              2 * dims, padding.size());
  const int64_t dim = x.dim();
  bool valid = dim == dims + 1 || dim == dims + 2;
  for (int64_t i = 1; i < dim && valid; ++i) valid = x.size(i) != 0;
  if (dims == 3)
    XGRAD_CHECK(valid, "Expected 4D or 5D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions "
                       "for input, but got: {}", format_sizes(x.sizes()));
  else
    XGRAD_CHECK(valid, "{}D or {}D (batch mode) tensor expected for input, but got: {}", dims + 1, dims + 2,
                legacy_tensor_text(x));
  static const int arg[] = {4, 6, 8};
  for (int64_t i = 0; i < dims; ++i) {
    const int64_t d = dim - 1 - i, size = x.size(d);
    const int64_t l = padding[static_cast<size_t>(2 * i)], r = padding[static_cast<size_t>(2 * i + 1)];
    const std::string of = dims == 2 ? std::to_string(dim) : format_sizes(x.sizes());
    XGRAD_CHECK(l < size && r < size,
                "Argument #{}: Padding size should be less than the corresponding input dimension, but got: padding "
                "({}, {}) at dimension {} of input {}",
                arg[i], l, r, d, of);
  }
}

/// replication_pad{1,2,3}d's checks (ATen's ReplicationPadding.cpp).
void check_replication(const Tensor& x, IntArrayRef padding, int64_t dims) {
  XGRAD_CHECK(static_cast<int64_t>(padding.size()) == 2 * dims, "padding size is expected to be {}, but got: {}",
              2 * dims, padding.size());
  const int64_t dim = x.dim();
  bool valid = dim == dims + 1 || dim == dims + 2;
  for (int64_t i = 1; i < dim && valid; ++i) valid = x.size(i) != 0;
  XGRAD_CHECK(valid, "Expected {}D or {}D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions "
                     "for input, but got: {}", dims + 1, dims + 2, format_sizes(x.sizes()));
}

}  // namespace

/// constant_pad_nd(x, pad, value): x inside a border of `value`, or cut where pad is negative.
/// d/dx = constant_pad_nd(grad, -pad) (the crop back)      saves: nothing
Tensor constant_pad_nd(const Tensor& self, IntArrayRef pad, const Scalar& value) {
  XGRAD_CHECK(pad.size() % 2 == 0, "Length of pad must be even but instead it equals {}", pad.size());
  const int64_t l_inp = self.dim(), l_pad = static_cast<int64_t>(pad.size()) / 2, l_diff = l_inp - l_pad;
  XGRAD_CHECK(l_inp >= l_pad,
              "Length of pad should be no more than twice the number of dimensions of the input. Pad length is {}while "
              "the input has {}dimensions.",
              pad.size(), l_inp);
  Tensor out;
  {
    NoGradGuard no_grad;
    // The kept part of the input (negative pads cut it) and where it lands in the result.
    Tensor kept = self;
    DimVector new_shape(self.sizes());
    for (int64_t i = l_diff; i < l_inp; ++i) {
      const int64_t before = pad[static_cast<size_t>(2 * (l_inp - i - 1))], after = pad[static_cast<size_t>(2 * (l_inp - i - 1) + 1)];
      if (before < 0) kept = kept.narrow(i, -before, kept.size(i) + before);
      if (after < 0) kept = kept.narrow(i, 0, kept.size(i) + after);
      const int64_t new_dim = self.size(i) + before + after;
      XGRAD_CHECK(new_dim >= 0,
                  "The input size {}, plus negative padding {} and {} resulted in a negative output size, which is "
                  "invalid. Check dimension {} of your input.",
                  self.size(i), before, after, i);
      new_shape[static_cast<size_t>(i)] = new_dim;
    }
    out = detail::make_empty(new_shape, self.scalar_type());
    detail::fill_raw(out, value);
    Tensor window = out;
    for (int64_t i = l_diff; i < l_inp; ++i) {
      const int64_t before = pad[static_cast<size_t>(2 * (l_inp - i - 1))];
      window = window.narrow(i, std::max<int64_t>(before, 0), kept.size(i));
    }
    if (kept.numel() > 0) detail::copy_raw(window, kept);
  }
  return record("ConstantPadNdBackward0", out, {self}, [pad = DimVector(pad)](const Tensor& g) -> variable_list {
    return {constant_pad_nd(g, negated(pad), 0)};
  });
}

Tensor reflection_pad1d(const Tensor& self, IntArrayRef padding) {
  check_reflection(self, padding, 1);
  return index_pad(self, padding, PadIndex::Reflect, 1);
}
Tensor reflection_pad2d(const Tensor& self, IntArrayRef padding) {
  check_reflection(self, padding, 2);
  return index_pad(self, padding, PadIndex::Reflect, 2);
}
Tensor reflection_pad3d(const Tensor& self, IntArrayRef padding) {
  check_reflection(self, padding, 3);
  return index_pad(self, padding, PadIndex::Reflect, 3);
}
Tensor replication_pad1d(const Tensor& self, IntArrayRef padding) {
  check_replication(self, padding, 1);
  return index_pad(self, padding, PadIndex::Replicate, 1);
}
Tensor replication_pad2d(const Tensor& self, IntArrayRef padding) {
  check_replication(self, padding, 2);
  return index_pad(self, padding, PadIndex::Replicate, 2);
}
Tensor replication_pad3d(const Tensor& self, IntArrayRef padding) {
  check_replication(self, padding, 3);
  return index_pad(self, padding, PadIndex::Replicate, 3);
}

Tensor _pad_circular(const Tensor& self, IntArrayRef pad) {
  const int64_t ndim = self.dim() - 2;
  XGRAD_CHECK(static_cast<int64_t>(pad.size()) + 4 == self.dim() * 2, "Invalid padding size, expected {} but got {}",
              ndim * 2, pad.size());
  for (int64_t i = 0; i < ndim; ++i) {
    const int64_t l = pad[static_cast<size_t>(2 * (ndim - i - 1))], r = pad[static_cast<size_t>(2 * (ndim - i - 1) + 1)];
    const int64_t size = self.size(2 + i);
    XGRAD_CHECK(l <= size && r <= size, "Padding value causes wrapping around more than once.");
    XGRAD_CHECK(size + l + r >= 0, "Negative padding value is resulting in an empty dimension");
  }
  if (ndim == 0) return self.clone();
  return index_pad(self, pad, PadIndex::Circular, ndim);
}

Tensor pad(const Tensor& self, IntArrayRef pad, std::string_view mode, std::optional<double> value) {
  const int64_t dim = self.dim(), n = static_cast<int64_t>(pad.size());
  XGRAD_CHECK(n % 2 == 0, "Padding length must be divisible by 2");
  XGRAD_CHECK(n <= dim * 2, "Padding length too large");
  if (mode != "constant" && mode != "reflect" && mode != "replicate" && mode != "circular")
    throw NotImplementedError("Unrecognised padding mode " + std::string(mode));
  if (mode == "constant") return constant_pad_nd(self, pad, value.value_or(0.0));
  XGRAD_CHECK(!value.has_value() || *value == 0, "Padding mode \"{}\" doesn't take in value argument", std::string(mode));
  const int64_t dims = n / 2;
  if (dims >= 1 && dims <= 3 && (dim == dims + 1 || dim == dims + 2)) {
    if (mode == "circular") return _pad_circular(self, pad);
    if (mode == "reflect")
      return dims == 1 ? reflection_pad1d(self, pad) : dims == 2 ? reflection_pad2d(self, pad) : reflection_pad3d(self, pad);
    return dims == 1 ? replication_pad1d(self, pad) : dims == 2 ? replication_pad2d(self, pad) : replication_pad3d(self, pad);
  }
  throw NotImplementedError("Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now");
}

}  // namespace xgrad
