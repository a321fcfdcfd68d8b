// tensor_options.hpp: TensorOptions, the bundle of settings a factory takes
// (`torch::zeros({2}, torch::dtype(torch::kDouble).requires_grad(true))`). Its device and layout
// are kept as given; another device throws (CPU only: device.hpp); layout kSparse makes a sparse
// COO tensor where PyTorch's factories do (ops/sparse.hpp). Read next: tensor.hpp.
#pragma once

#include <utility>

#include "xgrad/core/device.hpp"
#include "xgrad/core/dtype.hpp"

namespace xgrad {

class TensorOptions {
 public:
  TensorOptions() = default;
  TensorOptions(ScalarType dtype) : dtype_(dtype), has_dtype_(true) {}  // NOLINT: kFloat converts, as in libtorch
  TensorOptions(TypeMeta dtype) : TensorOptions(dtype.toScalarType()) {}  // NOLINT
  TensorOptions(Device device) : device_(device), has_device_(true) {}   // NOLINT
  TensorOptions(DeviceType type) : TensorOptions(Device(type)) {}        // NOLINT
  TensorOptions(Layout layout) : layout_(layout), has_layout_(true) {}   // NOLINT

  TensorOptions dtype(ScalarType d) const {
    TensorOptions o = *this;
    o.dtype_ = d;
    o.has_dtype_ = true;
    return o;
  }
  template <class T>
  TensorOptions dtype() const { return dtype(CppTypeToScalarType<T>::value); }
  TensorOptions requires_grad(bool r) const {
    TensorOptions o = *this;
    o.requires_grad_ = r;
    return o;
  }
  TensorOptions device(Device d) const {
    TensorOptions o = *this;
    o.device_ = d;
    o.has_device_ = true;
    return o;
  }
  /// device(kCUDA, 1), device("cuda:1"): the arguments of a Device.
  template <class... Args>
  TensorOptions device(Args&&... args) const { return device(Device(std::forward<Args>(args)...)); }
  /// A CUDA device of that index (libtorch's shorthand).
  TensorOptions device_index(int16_t index) const { return device(Device(kCUDA, static_cast<DeviceIndex>(index))); }
  TensorOptions layout(Layout l) const {
    TensorOptions o = *this;
    o.layout_ = l;
    o.has_layout_ = true;
    return o;
  }

  /// The dtype given, or else the default dtype at the time of asking (as libtorch).
  ScalarType dtype() const { return has_dtype_ ? dtype_ : default_dtype(); }
  bool has_dtype() const { return has_dtype_; }
  bool requires_grad() const { return requires_grad_; }
  Device device() const { return device_; }
  bool has_device() const { return has_device_; }
  Layout layout() const { return layout_; }
  bool has_layout() const { return has_layout_; }

 private:
  ScalarType dtype_ = kFloat;
  bool has_dtype_ = false;
  bool requires_grad_ = false;
  Device device_ = kCPU;
  bool has_device_ = false;
  Layout layout_ = kStrided;
  bool has_layout_ = false;
};

inline TensorOptions dtype(ScalarType d) { return TensorOptions().dtype(d); }
template <class T>
TensorOptions dtype() { return TensorOptions().dtype<T>(); }
inline TensorOptions requires_grad(bool r = true) { return TensorOptions().requires_grad(r); }
inline TensorOptions device(Device d) { return TensorOptions().device(d); }
inline TensorOptions device_index(int16_t index) { return TensorOptions().device_index(index); }
inline TensorOptions layout(Layout l) { return TensorOptions().layout(l); }

}  // namespace xgrad
