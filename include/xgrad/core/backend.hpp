// backend.hpp: the legacy "type" of a tensor as old libtorch code names it: a Backend (a device
// type and a layout: CPU, SparseCPU, CUDA, ...) with a dtype, as c10's Backend and ATen's
// DeprecatedTypeProperties (`at::CPU(kFloat)`, `getDeprecatedTypeProperties(Backend::CPU, kByte)`),
// which convert to the TensorOptions they stand for. CPU gives strided tensors, SparseCPU sparse COO
// ones (ops/sparse.hpp); other backends are names that convert, and factories refuse them.
// Read next: tensor_options.hpp.
#pragma once

#include <cstdint>
#include <string>

#include "xgrad/core/device.hpp"
#include "xgrad/core/dtype.hpp"
#include "xgrad/core/optional.hpp"
#include "xgrad/core/tensor_options.hpp"

namespace xgrad {

/// c10::Backend, with c10's members in c10's order.
enum class Backend {
  CPU,
  CUDA,
  HIP,
  VE,
  FPGA,
  IPU,
  XPU,
  SparseCPU,
  SparseCUDA,
  SparseCsrCPU,
  SparseCsrCUDA,
  SparseHIP,
  SparseVE,
  SparseXPU,
  ORT,
  XLA,
  Vulkan,
  Metal,
  Meta,
  QuantizedCPU,
  QuantizedCUDA,
  QuantizedXPU,
  Undefined,
  MkldnnCPU,
  MPS,
  HPU,
  Lazy,
  PrivateUse1,
  NumOptions
};

/// c10::toString(Backend): "CPU", "SparseCPU", ... ("UNKNOWN_BACKEND" for Undefined).
const char* toString(Backend b);
/// The layout a backend stands for: Sparse for the Sparse* ones, Mkldnn for MkldnnCPU, else
/// Strided; SparseCsrCPU and SparseCsrCUDA throw, as in c10 (they map to several layouts).
Layout layout_from_backend(Backend backend);
/// The device type a backend computes on (SparseCPU -> kCPU); Undefined throws.
DeviceType backendToDeviceType(Backend b);

/// at::DeprecatedTypeProperties: a (Backend, ScalarType) pair, "CPUFloatType". One object per
/// pair lives for the program (getDeprecatedTypeProperties returns references to it, as ATen's
/// registry does); it converts to TensorOptions: dtype, device type and layout.
class DeprecatedTypeProperties {
 public:
  DeprecatedTypeProperties(Backend backend, ScalarType scalar_type) : backend_(backend), scalar_type_(scalar_type) {}

  Backend backend() const { return backend_; }
  Layout layout() const { return layout_from_backend(backend_); }
  bool is_sparse() const { return layout() == kSparse; }
  bool is_sparse_csr() const { return layout() == kSparseCsr; }
  DeviceType device_type() const { return backendToDeviceType(backend_); }
  bool is_cuda() const { return device_type() == kCUDA; }
  ScalarType scalarType() const { return scalar_type_; }
  TypeMeta typeMeta() const { return scalarTypeToTypeMeta(scalar_type_); }

  bool operator==(const DeprecatedTypeProperties& other) const {
    return backend_ == other.backend_ && scalar_type_ == other.scalar_type_;
  }
  bool operator!=(const DeprecatedTypeProperties& other) const { return !(*this == other); }

  /// "CPUFloatType", "SparseCPUByteType"; "UndefinedType" if either part is undefined.
  std::string toString() const;

  DeprecatedTypeProperties& toBackend(Backend b) const;
  DeprecatedTypeProperties& toScalarType(ScalarType s) const;
  DeprecatedTypeProperties& cpu() const { return toBackend(Backend::CPU); }
  DeprecatedTypeProperties& cuda() const { return toBackend(Backend::CUDA); }
  DeprecatedTypeProperties& hip() const { return toBackend(Backend::HIP); }

  /// The options a factory needs to make a tensor of this type (device index -1: none).
  TensorOptions options(int16_t device_index = -1) const {
    return TensorOptions().dtype(scalar_type_).device(Device(device_type(), static_cast<DeviceIndex>(device_index))).layout(layout());
  }
  /// The same on `device`, whose type must be this backend's.
  TensorOptions options(optional<Device> device_opt) const;
  operator TensorOptions() const { return options(); }  // NOLINT(google-explicit-constructor): as ATen

  /// A number per (backend, dtype) pair: backend * ScalarType::NumOptions + dtype, as ATen counts.
  int64_t id() const;

 private:
  Backend backend_;
  ScalarType scalar_type_;
};

/// The type properties of (backend, dtype): at::getDeprecatedTypeProperties.
DeprecatedTypeProperties& getDeprecatedTypeProperties(Backend p, ScalarType s);
/// at::CPU(kFloat): getDeprecatedTypeProperties(Backend::CPU, kFloat); CUDA and HIP likewise.
inline DeprecatedTypeProperties& CPU(ScalarType s) { return getDeprecatedTypeProperties(Backend::CPU, s); }
inline DeprecatedTypeProperties& CUDA(ScalarType s) { return getDeprecatedTypeProperties(Backend::CUDA, s); }
inline DeprecatedTypeProperties& HIP(ScalarType s) { return getDeprecatedTypeProperties(Backend::HIP, s); }

}  // namespace xgrad
