// device.hpp: Device and DeviceType, c10's names for where a tensor lives. xgrad computes on the
// CPU only: every name parses and compares as in libtorch ("cuda:1", kCUDA, Device(kCUDA, 1)),
// and asking for a tensor anywhere else throws (factory.cpp). Read next: tensor_options.hpp.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

namespace xgrad {

/// c10::DeviceType, with c10's values.
enum class DeviceType : int8_t {
  CPU = 0,
  CUDA = 1,
  MKLDNN = 2,
  OPENGL = 3,
  OPENCL = 4,
  IDEEP = 5,
  HIP = 6,
  FPGA = 7,
  ORT = 8,
  XLA = 9,
  Vulkan = 10,
  Metal = 11,
  XPU = 12,
  MPS = 13,
  Meta = 14,
  HPU = 15,
  VE = 16,
  Lazy = 17,
  IPU = 18,
  PrivateUse1 = 19,
};
constexpr DeviceType kCPU = DeviceType::CPU;
constexpr DeviceType kCUDA = DeviceType::CUDA;
constexpr DeviceType kHIP = DeviceType::HIP;
constexpr DeviceType kFPGA = DeviceType::FPGA;
constexpr DeviceType kORT = DeviceType::ORT;
constexpr DeviceType kXLA = DeviceType::XLA;
constexpr DeviceType kMPS = DeviceType::MPS;
constexpr DeviceType kMeta = DeviceType::Meta;
constexpr DeviceType kVulkan = DeviceType::Vulkan;
constexpr DeviceType kMetal = DeviceType::Metal;
constexpr DeviceType kXPU = DeviceType::XPU;
constexpr DeviceType kHPU = DeviceType::HPU;
constexpr DeviceType kVE = DeviceType::VE;
constexpr DeviceType kLazy = DeviceType::Lazy;
constexpr DeviceType kIPU = DeviceType::IPU;
constexpr DeviceType kPrivateUse1 = DeviceType::PrivateUse1;

/// c10::DeviceTypeName: "CPU", "CUDA", ... or, lower_case, "cpu", "cuda", ...
std::string DeviceTypeName(DeviceType type, bool lower_case = false);
std::ostream& operator<<(std::ostream& os, DeviceType type);

using DeviceIndex = int8_t;

/// A device type and, optionally, an index (-1: none, "the current one").
class Device {
 public:
  using Type = DeviceType;
  Device(DeviceType type = kCPU, DeviceIndex index = -1);  // NOLINT(google-explicit-constructor): as libtorch
  /// Parses "cpu", "cuda", "cuda:1", ... with c10's errors for anything else.
  Device(const std::string& device_string);  // NOLINT(google-explicit-constructor)
  Device(const char* device_string) : Device(std::string(device_string)) {}  // NOLINT

  DeviceType type() const noexcept { return type_; }
  DeviceIndex index() const noexcept { return index_; }
  bool has_index() const noexcept { return index_ != -1; }
  void set_index(DeviceIndex index);
  bool is_cpu() const noexcept { return type_ == DeviceType::CPU; }
  bool is_cuda() const noexcept { return type_ == DeviceType::CUDA; }
  bool is_hip() const noexcept { return type_ == DeviceType::HIP; }
  bool is_mps() const noexcept { return type_ == DeviceType::MPS; }
  bool is_meta() const noexcept { return type_ == DeviceType::Meta; }
  bool operator==(const Device& o) const noexcept { return type_ == o.type_ && index_ == o.index_; }
  bool operator!=(const Device& o) const noexcept { return !(*this == o); }
  /// "cpu", "cuda:1": what parses back to this device.
  std::string str() const;

 private:
  DeviceType type_;
  DeviceIndex index_;
};

std::ostream& operator<<(std::ostream& os, const Device& device);

/// c10::Layout. xgrad's tensors are all strided (dense); the others are names only.
enum class Layout : int8_t { Strided, Sparse, SparseCsr, Mkldnn, SparseCsc, SparseBsr, SparseBsc };
constexpr Layout kStrided = Layout::Strided;
constexpr Layout kSparse = Layout::Sparse;
constexpr Layout kSparseCsr = Layout::SparseCsr;
constexpr Layout kMkldnn = Layout::Mkldnn;
std::ostream& operator<<(std::ostream& os, Layout layout);

}  // namespace xgrad
