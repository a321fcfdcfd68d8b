// resize.cpp: Tensor::resize_, which changes a tensor's sizes in place and grows its storage when
// the new sizes need more memory (ATen's resize_ and resize_impl_cpu_). It is not a view op and
// not recorded: a tensor that requires grad cannot be resized, as in PyTorch. The out= forms
// (out.cpp) resize their output with it. Read next: out.cpp.
#include "xgrad/core/format.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// resize_(size): the tensor becomes contiguous with `size` over its storage, starting at its
/// storage offset. If the sizes are already `size`, nothing changes (not even the strides). If the
/// storage is too small for storage_offset + numel elements it grows, keeping its bytes and
/// zeroing the new ones (PyTorch leaves them uninitialised: never rely on their value); every
/// tensor sharing the storage sees the new memory. A smaller size keeps the storage whole, so
/// resizing back gives the old values again. No version bump, as in PyTorch.
/// Unlike ATen, which changes the sizes before growing the storage, a storage that cannot grow
/// (from_blob memory) is refused before anything changes, so the tensor stays valid.
const Tensor& Tensor::resize_(IntArrayRef size) const {
  // The autograd layer's check (VariableTypeManual.cpp), which InferenceMode skips.
  XGRAD_CHECK(!(requires_grad() && !InferenceMode::is_enabled()), "cannot resize variables that require grad");
  TensorImpl* impl = impl_.get();
  if (impl->sizes.ref().equals(size)) return *this;
  int64_t numel = 1;
  for (int64_t s : size) {
    XGRAD_CHECK(s >= 0, "Trying to create tensor with negative dimension {}: {}", s, format_sizes(size));
    XGRAD_CHECK(!__builtin_mul_overflow(numel, s, &numel), "numel: integer multiplication overflow");
  }
  if (numel > 0) {  // ATen leaves the storage alone for an empty result
    int64_t nbytes = 0;
    XGRAD_CHECK(!__builtin_add_overflow(numel, impl->storage_offset, &nbytes) &&
                    !__builtin_mul_overflow(nbytes, static_cast<int64_t>(element_size()), &nbytes),
                "numel: integer multiplication overflow");
    if (static_cast<size_t>(nbytes) > impl->storage->nbytes()) impl->storage->resize_bytes(static_cast<size_t>(nbytes));
  }
  impl->sizes = DimVector(size);
  impl->strides = contiguous_strides(size);
  impl->refresh();
  return *this;
}

const Tensor& Tensor::resize_as_(const Tensor& other) const { return resize_(other.sizes()); }

}  // namespace xgrad
