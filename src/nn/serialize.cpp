// serialize.cpp: .npy through xtensor's npy reader and writer, .npz as a zip archive of .npy
// entries (zlib for the CRC and for inflating compressed archives).
#include "xgrad/nn/serialize.hpp"

#include <zlib.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include <xtensor/xadapt.hpp>
#include <xtensor/xnpy.hpp>

#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/core/grad_mode.hpp"

namespace xgrad {

namespace {

std::string npy_bytes(const Tensor& t) {
  Tensor c = t.detach().contiguous();
  std::vector<size_t> shape(c.sizes().begin(), c.sizes().end());
  return visit_dtype(c.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    auto view = xt::adapt(c.data_ptr<T>(), static_cast<size_t>(c.numel()), xt::no_ownership(), shape);
    return xt::dump_npy(view);
  });
}

Tensor tensor_from_npy(std::istream& in, const std::string& what) {
  xt::detail::npy_file file = xt::detail::load_npy_file(in);
  XGRAD_CHECK(static_cast<bool>(in), "{}: truncated .npy data", what);
  const std::string& ty = file.m_typestring;
  ScalarType dtype;
  if (ty == "<f4") dtype = kFloat;
  else if (ty == "<f8") dtype = kDouble;
  else if (ty == "<i8") dtype = kLong;
  else if (ty == "|b1") dtype = kBool;
  else throw Error(fmt::format("{}: unsupported .npy dtype '{}' (xgrad reads <f4, <f8, <i8 and |b1)", what, ty));
  std::vector<int64_t> sizes(file.m_shape.begin(), file.m_shape.end());
  Tensor out = empty(sizes, dtype);
  visit_dtype(dtype, [&](auto tag) {
    using T = decltype(tag);
    auto values = std::move(file).cast<T>();
    std::copy(values.begin(), values.end(), out.data_ptr<T>());  // row-major, whatever the file's order
  });
  return out;
}

// ---- a minimal zip archive (what numpy's .npz is) -----------------------------------------------

void put16(std::string& s, uint16_t v) { s.append({static_cast<char>(v & 0xff), static_cast<char>(v >> 8)}); }
void put32(std::string& s, uint32_t v) {
  put16(s, static_cast<uint16_t>(v & 0xffff));
  put16(s, static_cast<uint16_t>(v >> 16));
}
uint16_t get16(const std::string& s, size_t at) {
  return static_cast<uint16_t>(static_cast<unsigned char>(s.at(at)) | (static_cast<unsigned char>(s.at(at + 1)) << 8));
}
uint32_t get32(const std::string& s, size_t at) { return get16(s, at) | (static_cast<uint32_t>(get16(s, at + 2)) << 16); }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  XGRAD_CHECK(static_cast<bool>(in), "cannot open '{}' for reading", path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string inflate_raw(const std::string& data, size_t size, const std::string& what) {
  std::string out(size, '\0');
  z_stream z{};
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  XGRAD_CHECK(inflateInit2(&z, -MAX_WBITS) == Z_OK, "{}: cannot start zlib", what);
  int rc = inflate(&z, Z_FINISH);
  inflateEnd(&z);
  XGRAD_CHECK(rc == Z_STREAM_END, "{}: corrupt deflated entry", what);
  return out;
}

}  // namespace

void save_npy(const Tensor& tensor, const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  XGRAD_CHECK(static_cast<bool>(out), "cannot open '{}' for writing", path);
  out << npy_bytes(tensor);
  XGRAD_CHECK(static_cast<bool>(out), "writing '{}' failed", path);
}

Tensor load_npy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  XGRAD_CHECK(static_cast<bool>(in), "cannot open '{}' for reading", path);
  return tensor_from_npy(in, path);
}

void save_npz(const std::map<std::string, Tensor>& tensors, const std::string& path) {
  std::string archive, directory;
  uint16_t count = 0;
  for (const auto& [name, tensor] : tensors) {
    const std::string file = name + ".npy";
    const std::string data = npy_bytes(tensor);
    const uint32_t crc = static_cast<uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
    const uint32_t offset = static_cast<uint32_t>(archive.size());
    // Local file header: stored (no compression), as np.savez writes.
    put32(archive, 0x04034b50);
    put16(archive, 20);
    put16(archive, 0);
    put16(archive, 0);
    put16(archive, 0);
    put16(archive, 0x21);  // a fixed DOS date/time (1980-01-01)
    put32(archive, crc);
    put32(archive, static_cast<uint32_t>(data.size()));
    put32(archive, static_cast<uint32_t>(data.size()));
    put16(archive, static_cast<uint16_t>(file.size()));
    put16(archive, 0);
    archive += file + data;
    // Its central directory entry.
    put32(directory, 0x02014b50);
    put16(directory, 20);
    put16(directory, 20);
    put16(directory, 0);
    put16(directory, 0);
    put16(directory, 0);
    put16(directory, 0x21);
    put32(directory, crc);
    put32(directory, static_cast<uint32_t>(data.size()));
    put32(directory, static_cast<uint32_t>(data.size()));
    put16(directory, static_cast<uint16_t>(file.size()));
    put16(directory, 0);
    put16(directory, 0);
    put16(directory, 0);
    put16(directory, 0);
    put32(directory, 0);
    put32(directory, offset);
    directory += file;
    ++count;
  }
  const uint32_t directory_offset = static_cast<uint32_t>(archive.size());
  archive += directory;
  put32(archive, 0x06054b50);
  put16(archive, 0);
  put16(archive, 0);
  put16(archive, count);
  put16(archive, count);
  put32(archive, static_cast<uint32_t>(directory.size()));
  put32(archive, directory_offset);
  put16(archive, 0);
  std::ofstream out(path, std::ios::binary);
  XGRAD_CHECK(static_cast<bool>(out), "cannot open '{}' for writing", path);
  out << archive;
  XGRAD_CHECK(static_cast<bool>(out), "writing '{}' failed", path);
}

std::map<std::string, Tensor> load_npz(const std::string& path) {
  const std::string zip = read_file(path);
  // The end-of-central-directory record is in the last 22 bytes plus any comment.
  size_t end = zip.size() >= 22 ? zip.size() - 22 : std::string::npos;
  while (end != std::string::npos && get32(zip, end) != 0x06054b50) end = end == 0 ? std::string::npos : end - 1;
  XGRAD_CHECK(end != std::string::npos, "'{}' is not a .npz (zip) archive", path);
  const uint16_t entries = get16(zip, end + 10);
  size_t at = get32(zip, end + 16);
  std::map<std::string, Tensor> out;
  for (uint16_t e = 0; e < entries; ++e) {
    XGRAD_CHECK(get32(zip, at) == 0x02014b50, "'{}': corrupt zip directory", path);
    const uint16_t method = get16(zip, at + 10);
    const uint32_t compressed = get32(zip, at + 20), size = get32(zip, at + 24);
    const uint16_t name_len = get16(zip, at + 28), extra_len = get16(zip, at + 30), comment_len = get16(zip, at + 32);
    const uint32_t local = get32(zip, at + 42);
    std::string name = zip.substr(at + 46, name_len);
    at += 46 + name_len + extra_len + comment_len;
    const size_t data_at = local + 30 + get16(zip, local + 26) + get16(zip, local + 28);
    std::string data = zip.substr(data_at, compressed);
    if (method == 8)
      data = inflate_raw(data, size, path + ":" + name);
    else
      XGRAD_CHECK(method == 0, "'{}': entry '{}' uses zip method {} (stored and deflated are read)", path, name, method);
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".npy") == 0) name.resize(name.size() - 4);
    std::istringstream in(data);
    out[name] = tensor_from_npy(in, path + ":" + name);
  }
  return out;
}

void nn::save_npz(const Module& module, const std::string& path) {
  std::map<std::string, Tensor> all;
  for (const auto& item : module.named_parameters()) all[item.key()] = item.value();
  for (const auto& item : module.named_buffers()) all[item.key()] = item.value();
  xgrad::save_npz(all, path);
}

void nn::load_npz(Module& module, const std::string& path) {
  std::map<std::string, Tensor> stored = xgrad::load_npz(path);
  NoGradGuard no_grad;
  auto copy_in = [&](const std::string& name, Tensor& target) {
    auto it = stored.find(name);
    XGRAD_CHECK(it != stored.end(), "'{}' has no array named '{}'", path, name);
    XGRAD_CHECK(it->second.sizes().equals(target.sizes()), "'{}': '{}' has shape {} but the module's is {}", path, name,
                format_sizes(it->second.sizes()), format_sizes(target.sizes()));
    target.copy_(it->second);
  };
  for (auto& item : module.named_parameters()) copy_in(item.key(), item.value());
  for (auto& item : module.named_buffers()) copy_in(item.key(), item.value());
}

}  // namespace xgrad
