// backend.cpp: c10's tables for Backend (its name, layout and device type) and the registry of
// DeprecatedTypeProperties, one object per (backend, dtype) pair, as ATen keeps them.
#include "xgrad/core/backend.hpp"

#include <memory>
#include <vector>

namespace xgrad {

const char* toString(Backend b) {
  switch (b) {
    case Backend::CPU: return "CPU";
    case Backend::CUDA: return "CUDA";
    case Backend::HIP: return "HIP";
    case Backend::VE: return "VE";
    case Backend::FPGA: return "FPGA";
    case Backend::XPU: return "XPU";
    case Backend::IPU: return "IPU";
    case Backend::ORT: return "ORT";
    case Backend::XLA: return "XLA";
    case Backend::Lazy: return "Lazy";
    case Backend::MPS: return "MPS";
    case Backend::SparseCPU: return "SparseCPU";
    case Backend::SparseCUDA: return "SparseCUDA";
    case Backend::SparseHIP: return "SparseHIP";
    case Backend::SparseVE: return "SparseVE";
    case Backend::SparseXPU: return "SparseXPU";
    case Backend::SparseCsrCPU: return "SparseCsrCPU";
    case Backend::SparseCsrCUDA: return "SparseCsrCUDA";
    case Backend::MkldnnCPU: return "MkldnnCPU";
    case Backend::Vulkan: return "Vulkan";
    case Backend::Metal: return "Metal";
    case Backend::Meta: return "Meta";
    case Backend::QuantizedCPU: return "QuantizedCPU";
    case Backend::QuantizedCUDA: return "QuantizedCUDA";
    case Backend::QuantizedXPU: return "QuantizedXPU";
    case Backend::HPU: return "HPU";
    case Backend::PrivateUse1: return "PrivateUseOne";
    default: return "UNKNOWN_BACKEND";
  }
}

Layout layout_from_backend(Backend backend) {
  switch (backend) {
    case Backend::SparseCPU:
    case Backend::SparseCUDA:
    case Backend::SparseHIP:
    case Backend::SparseVE:
    case Backend::SparseXPU:
      return kSparse;
    case Backend::MkldnnCPU:
      return kMkldnn;
    case Backend::SparseCsrCPU:
    case Backend::SparseCsrCUDA:
      throw Error("Cannot map Backend SparseCsrCPU|SparseCsrCUDA to a unique layout.");
    default:
      return kStrided;
  }
}

DeviceType backendToDeviceType(Backend b) {
  switch (b) {
    case Backend::CPU:
    case Backend::SparseCPU:
    case Backend::SparseCsrCPU:
    case Backend::MkldnnCPU:
    case Backend::QuantizedCPU:
      return kCPU;
    case Backend::CUDA:
    case Backend::SparseCUDA:
    case Backend::SparseCsrCUDA:
    case Backend::QuantizedCUDA:
      return kCUDA;
    case Backend::HIP:
    case Backend::SparseHIP:
      return kHIP;
    case Backend::VE:
    case Backend::SparseVE:
      return kVE;
    case Backend::FPGA: return kFPGA;
    case Backend::ORT: return kORT;
    case Backend::XLA: return kXLA;
    case Backend::Lazy: return kLazy;
    case Backend::IPU: return kIPU;
    case Backend::XPU:
    case Backend::SparseXPU:
    case Backend::QuantizedXPU:
      return kXPU;
    case Backend::Vulkan: return kVulkan;
    case Backend::Metal: return kMetal;
    case Backend::Meta: return kMeta;
    case Backend::MPS: return kMPS;
    case Backend::HPU: return kHPU;
    case Backend::PrivateUse1: return kPrivateUse1;
    case Backend::Undefined: throw Error("Undefined backend is not a valid device type");
    default: throw Error("Unknown backend");
  }
}

namespace {
// c10::ScalarType::NumOptions: one more than the last dtype, Undefined (xgrad keeps c10's values).
constexpr int kNumScalarTypes = static_cast<int>(ScalarType::Undefined) + 1;
constexpr int kNumBackends = static_cast<int>(Backend::NumOptions);
}  // namespace

std::string DeprecatedTypeProperties::toString() const {
  if (backend_ == Backend::Undefined || scalar_type_ == ScalarType::Undefined) return "UndefinedType";
  return std::string(xgrad::toString(backend_)) + xgrad::toString(scalar_type_) + "Type";
}

DeprecatedTypeProperties& DeprecatedTypeProperties::toBackend(Backend b) const {
  return getDeprecatedTypeProperties(b, scalar_type_);
}

DeprecatedTypeProperties& DeprecatedTypeProperties::toScalarType(ScalarType s) const {
  return getDeprecatedTypeProperties(backend_, s);
}

TensorOptions DeprecatedTypeProperties::options(optional<Device> device_opt) const {
  if (!device_opt) return options(-1);
  XGRAD_CHECK(device_opt->type() == device_type(), "{} is not a device of backend {}", device_opt->str(),
              xgrad::toString(backend_));
  return options(device_opt->index());
}

int64_t DeprecatedTypeProperties::id() const {
  return static_cast<int64_t>(backend_) * kNumScalarTypes + static_cast<int64_t>(scalar_type_);
}

DeprecatedTypeProperties& getDeprecatedTypeProperties(Backend p, ScalarType s) {
  // Made once, never moved: the references handed out stay valid for the program.
  static const std::vector<std::unique_ptr<DeprecatedTypeProperties>> registry = [] {
    std::vector<std::unique_ptr<DeprecatedTypeProperties>> all;
    for (int b = 0; b < kNumBackends; ++b)
      for (int t = 0; t < kNumScalarTypes; ++t)
        all.push_back(std::make_unique<DeprecatedTypeProperties>(static_cast<Backend>(b), static_cast<ScalarType>(t)));
    return all;
  }();
  const int b = static_cast<int>(p), t = static_cast<int>(s);
  XGRAD_CHECK(b >= 0 && b < kNumBackends && t >= 0 && t < kNumScalarTypes, "no type properties for backend {} and dtype {}",
              b, t);
  return *registry[static_cast<size_t>(b * kNumScalarTypes + t)];
}

}  // namespace xgrad
