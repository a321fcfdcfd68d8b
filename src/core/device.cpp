// device.cpp: parsing and printing devices as c10 does (c10/core/Device.cpp, DeviceType.cpp).
// Read next: factory.cpp, which refuses every device but the CPU.
#include "xgrad/core/device.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include "xgrad/core/exception.hpp"

namespace xgrad {

namespace {
// Upper-case names, in c10's order; the parser accepts their lower-case forms.
constexpr std::pair<DeviceType, const char*> kNames[] = {
    {DeviceType::CPU, "CPU"},       {DeviceType::CUDA, "CUDA"},       {DeviceType::IPU, "IPU"},
    {DeviceType::XPU, "XPU"},       {DeviceType::MKLDNN, "MKLDNN"},   {DeviceType::OPENGL, "OPENGL"},
    {DeviceType::OPENCL, "OPENCL"}, {DeviceType::IDEEP, "IDEEP"},     {DeviceType::HIP, "HIP"},
    {DeviceType::VE, "VE"},         {DeviceType::FPGA, "FPGA"},       {DeviceType::ORT, "ORT"},
    {DeviceType::XLA, "XLA"},       {DeviceType::Lazy, "LAZY"},       {DeviceType::Vulkan, "VULKAN"},
    {DeviceType::MPS, "MPS"},       {DeviceType::Meta, "META"},       {DeviceType::HPU, "HPU"},
    {DeviceType::Metal, "METAL"},   {DeviceType::PrivateUse1, "PRIVATEUSEONE"},
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

DeviceType parse_type(const std::string& name) {
  for (const auto& [type, upper] : kNames)
    if (type != DeviceType::Metal && lower(upper) == name) return type;
  throw Error(
      "Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, ort, xla, lazy, vulkan, "
      "mps, meta, hpu, privateuseone device type at start of device string: " +
      name);
}
}  // namespace

std::string DeviceTypeName(DeviceType type, bool lower_case) {
  for (const auto& [t, upper] : kNames)
    if (t == type) return lower_case ? lower(upper) : std::string(upper);
  throw Error("Unknown device: " + std::to_string(static_cast<int>(type)));
}

std::ostream& operator<<(std::ostream& os, DeviceType type) { return os << DeviceTypeName(type, true); }

Device::Device(DeviceType type, DeviceIndex index) : type_(type), index_(index) {
  if (index < -1) throw Error("Device index must not be negative");
}

// c10's grammar: a name of letters and '_', then optionally ':' and a non-negative index (no sign, no
// leading zero but "0" itself).
Device::Device(const std::string& device_string) : type_(DeviceType::CPU), index_(-1) {
  if (device_string.empty()) throw Error("Device string must not be empty");
  size_t i = 0;
  while (i < device_string.size() && (std::isalpha(static_cast<unsigned char>(device_string[i])) ||
                                      device_string[i] == '_'))
    ++i;
  const std::string name = device_string.substr(0, i);
  std::string digits;
  bool ok = !name.empty();
  if (ok && i < device_string.size()) {
    ok = device_string[i] == ':';
    digits = device_string.substr(i + 1);
    ok = ok && !digits.empty() &&
         std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c) != 0; }) &&
         !(digits.size() > 1 && digits[0] == '0');
  }
  if (!ok) throw Error("Invalid device string: '" + device_string + "'");
  type_ = parse_type(name);
  if (!digits.empty()) {
    if (digits.size() > 3 || std::stoi(digits) > 127) throw Error("Device index out of range: " + digits);
    const int index = std::stoi(digits);
    index_ = static_cast<DeviceIndex>(index);
  }
}

void Device::set_index(DeviceIndex index) {
  if (index < -1) throw Error("Device index must not be negative");
  index_ = index;
}

std::string Device::str() const {
  std::string s = DeviceTypeName(type_, true);
  if (has_index()) s += ":" + std::to_string(index_);
  return s;
}

std::ostream& operator<<(std::ostream& os, const Device& device) { return os << device.str(); }

std::ostream& operator<<(std::ostream& os, Layout layout) {
  switch (layout) {
    case Layout::Strided: return os << "Strided";
    case Layout::Sparse: return os << "Sparse";
    case Layout::SparseCsr: return os << "SparseCsr";
    case Layout::Mkldnn: return os << "Mkldnn";
    case Layout::SparseCsc: return os << "SparseCsc";
    case Layout::SparseBsr: return os << "SparseBsr";
    case Layout::SparseBsc: return os << "SparseBsc";
  }
  return os << "UNKNOWN_LAYOUT";
}

}  // namespace xgrad
