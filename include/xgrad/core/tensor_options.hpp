// tensor_options.hpp: TensorOptions, the bundle of settings a factory takes
// (`torch::zeros({2}, torch::dtype(torch::kDouble).requires_grad(true))`), and Device, which
// xgrad has for source compatibility only: every tensor lives on the CPU. Read next: tensor.hpp.
#pragma once

#include "xgrad/core/dtype.hpp"

namespace xgrad {

enum class DeviceType : int8_t { CPU = 0 };
constexpr DeviceType kCPU = DeviceType::CPU;

class Device {
 public:
  Device(DeviceType type = kCPU) : type_(type) {}  // NOLINT(google-explicit-constructor)
  DeviceType type() const { return type_; }
  bool is_cpu() const { return true; }
  bool operator==(const Device& o) const { return type_ == o.type_; }

 private:
  DeviceType type_;
};

class TensorOptions {
 public:
  TensorOptions() = default;
  TensorOptions(ScalarType dtype) : dtype_(dtype), has_dtype_(true) {}  // NOLINT: kFloat converts, as in libtorch
  TensorOptions(TypeMeta dtype) : TensorOptions(dtype.toScalarType()) {}  // NOLINT
  TensorOptions(Device) {}                                               // NOLINT

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
  TensorOptions device(Device) const { return *this; }

  /// The dtype given, or else the default dtype at the time of asking (as libtorch).
  ScalarType dtype() const { return has_dtype_ ? dtype_ : default_dtype(); }
  bool has_dtype() const { return has_dtype_; }
  bool requires_grad() const { return requires_grad_; }
  Device device() const { return Device(); }

 private:
  ScalarType dtype_ = kFloat;
  bool has_dtype_ = false;
  bool requires_grad_ = false;
};

inline TensorOptions dtype(ScalarType d) { return TensorOptions().dtype(d); }
template <class T>
TensorOptions dtype() { return TensorOptions().dtype<T>(); }
inline TensorOptions requires_grad(bool r = true) { return TensorOptions().requires_grad(r); }
inline TensorOptions device(Device d) { return TensorOptions().device(d); }

}  // namespace xgrad
