// tensor_impl.cpp: the bookkeeping of a TensorImpl (element count, contiguity).
#include "xgrad/core/tensor_impl.hpp"

#include "xgrad/autograd/autograd_meta.hpp"
#include "xgrad/core/exception.hpp"
#include "xgrad/core/grad_mode.hpp"

namespace xgrad {

DimVector contiguous_strides(IntArrayRef sizes) {
  DimVector strides(sizes.size());
  int64_t s = 1;
  for (size_t i = sizes.size(); i-- > 0;) {
    strides[i] = s;
    s *= std::max<int64_t>(sizes[i], 1);
  }
  return strides;
}

TensorImpl::TensorImpl(std::shared_ptr<StorageImpl> st, int64_t offset, DimVector sz, DimVector str, ScalarType dt)
    : storage(std::move(st)), storage_offset(offset), sizes(std::move(sz)), strides(std::move(str)), dtype(dt),
      is_inference(InferenceMode::is_enabled()) {
  refresh();
}

uint32_t VariableVersion::current_version() const {
  if (storage_ == nullptr) throw Error("Inference tensors do not track version counter.");
  return storage_->version();
}

void TensorImpl::bump_version() {
  if (is_inference) {
    if (!InferenceMode::is_enabled())
      throw Error(
          "Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get a "
          "normal tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 for more details.");
    return;  // an inference tensor counts no versions
  }
  storage->bump_version();
}

TensorImpl::~TensorImpl() = default;

void TensorImpl::refresh() {
  numel = 1;
  for (int64_t s : sizes) numel *= s;
  // Contiguous: strides are the row-major ones, ignoring dims of size 1 (their stride never matters).
  is_contiguous = true;
  if (numel == 0) return;
  int64_t expected = 1;
  for (size_t i = sizes.size(); i-- > 0;) {
    if (sizes[i] == 1) continue;
    if (strides[i] != expected) {
      is_contiguous = false;
      return;
    }
    expected *= sizes[i];
  }
}

}  // namespace xgrad
