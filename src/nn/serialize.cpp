// serialize.cpp: .npy through xtensor's npy reader and writer, .npz as a zip archive of .npy
// entries (zlib for the CRC and for inflating compressed archives).
#include "xgrad/nn/serialize.hpp"

#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <optional>
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
  XGRAD_CHECK(c.scalar_type() != kBFloat16,
              "cannot save a bfloat16 tensor as .npy (numpy has no bfloat16); convert it with .to(torch::kFloat) first");
  if (c.scalar_type() == kHalf) {  // numpy's float16 ('<f2'): the same 16 bits, written as uint16
    auto view = xt::adapt(reinterpret_cast<const uint16_t*>(c.data_ptr()), static_cast<size_t>(c.numel()),
                          xt::no_ownership(), shape);
    std::string bytes = xt::dump_npy(view);
    const size_t at = bytes.find("'<u2'");
    XGRAD_CHECK(at != std::string::npos, "internal error: unexpected .npy header for float16");
    bytes.replace(at, 5, "'<f2'");
    return bytes;
  }
  return visit_dtype(c.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same<T, Half>::value || std::is_same<T, BFloat16>::value) {
      return std::string();  // handled above
    } else {
      auto view = xt::adapt(c.data_ptr<T>(), static_cast<size_t>(c.numel()), xt::no_ownership(), shape);
      return xt::dump_npy(view);
    }
  });
}

/// The checks xtensor's reader leaves out, made before it runs: the magic string, a known format
/// version and a header that ends in a newline (xtensor reads an empty header's last character).
void check_npy_header(const std::string& bytes, const std::string& what) {
  static const char magic[] = "\x93NUMPY";
  XGRAD_CHECK(bytes.size() >= 10 && bytes.compare(0, 6, magic, 6) == 0, "{}: not a .npy file", what);
  const unsigned major = static_cast<unsigned char>(bytes[6]);
  XGRAD_CHECK(major == 1 || major == 2, "{}: unsupported .npy format version {}", what, major);
  const size_t length_bytes = major == 1 ? 2 : 4;
  XGRAD_CHECK(bytes.size() >= 8 + length_bytes, "{}: truncated .npy header", what);
  size_t header_len = 0;
  for (size_t k = 0; k < length_bytes; ++k) header_len |= size_t(static_cast<unsigned char>(bytes[8 + k])) << (8 * k);
  const size_t header_end = 8 + length_bytes + header_len;
  XGRAD_CHECK(header_len > 0 && bytes.size() >= header_end && bytes[header_end - 1] == '\n',
              "{}: truncated or corrupt .npy header", what);
  // 'shape': a tuple of non-negative integers (xtensor would read anything else as garbage).
  const std::string header = bytes.substr(8 + length_bytes, header_len);
  const size_t key = header.find("'shape'");
  const size_t open = key == std::string::npos ? key : header.find('(', key);
  const size_t close = open == std::string::npos ? open : header.find(')', open);
  XGRAD_CHECK(close != std::string::npos, "{}: corrupt .npy header (no shape)", what);
  bool digit_seen = false;
  for (size_t k = open + 1; k < close; ++k) {
    const char c = header[k];
    if (c >= '0' && c <= '9') {
      digit_seen = true;
    } else if (c == ',') {
      XGRAD_CHECK(digit_seen, "{}: corrupt .npy header (shape {})", what, header.substr(open, close - open + 1));
      digit_seen = false;
    } else {
      XGRAD_CHECK(c == ' ' || c == 'L', "{}: corrupt .npy header (shape {})", what, header.substr(open, close - open + 1));
    }
  }
}

Tensor tensor_from_npy(const std::string& bytes, const std::string& what) {
  check_npy_header(bytes, what);
  std::istringstream in(bytes);
  std::optional<xt::detail::npy_file> file;
  try {
    file.emplace(xt::detail::load_npy_file(in));
  } catch (const std::logic_error& e) {  // std::stoul on a malformed shape
    throw Error(fmt::format("{}: corrupt .npy header ({})", what, e.what()));
  } catch (const std::runtime_error& e) {
    throw Error(fmt::format("{}: {}", what, e.what()));
  }
  XGRAD_CHECK(static_cast<bool>(in), "{}: truncated .npy data", what);
  std::string& ty = file->m_typestring;
  ScalarType dtype;
  if (ty == "<f4") dtype = kFloat;
  else if (ty == "<f8") dtype = kDouble;
  else if (ty == "<f2") dtype = kHalf;
  else if (ty == "<i8") dtype = kLong;
  else if (ty == "<i4") dtype = kInt;
  else if (ty == "<i2") dtype = kShort;
  else if (ty == "|i1") dtype = kChar;
  else if (ty == "|u1") dtype = kByte;
  else if (ty == "|b1") dtype = kBool;
  else
    throw Error(fmt::format("{}: unsupported .npy dtype '{}' (xgrad reads <f2, <f4, <f8, |u1, |i1, <i2, <i4, <i8 and |b1)",
                            what, ty));
  std::vector<int64_t> sizes(file->m_shape.begin(), file->m_shape.end());
  Tensor out = empty(sizes, dtype);
  if (dtype == kHalf) {
    ty = "<u2";  // read the 16 bits as uint16
    auto values = std::move(*file).cast<uint16_t>();
    std::copy(values.begin(), values.end(), reinterpret_cast<uint16_t*>(out.data_ptr()));
    return out;
  }
  visit_dtype(dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (!std::is_same<T, Half>::value && !std::is_same<T, BFloat16>::value) {
      auto values = std::move(*file).cast<T>();
      std::copy(values.begin(), values.end(), out.data_ptr<T>());  // row-major, whatever the file's order
    }
  });
  return out;
}

/// Writes `bytes` to `path` through a temporary file renamed into place, so a failed write (a
/// full disk) leaves the previous file whole.
void write_file(const std::string& path, const std::string& bytes) {
  const std::string partial = path + ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    XGRAD_CHECK(static_cast<bool>(out), "cannot open '{}' for writing", partial);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      std::remove(partial.c_str());
      throw Error(fmt::format("writing '{}' failed", path));
    }
  }
  if (std::rename(partial.c_str(), path.c_str()) != 0) {
    std::remove(partial.c_str());
    throw Error(fmt::format("cannot replace '{}'", path));
  }
}

// ---- a minimal zip archive (what numpy's .npz is) -----------------------------------------------

void put16(std::string& s, uint16_t v) { s.append({static_cast<char>(v & 0xff), static_cast<char>(v >> 8)}); }
void put32(std::string& s, uint32_t v) {
  put16(s, static_cast<uint16_t>(v & 0xffff));
  put16(s, static_cast<uint16_t>(v >> 16));
}
/// Little-endian reads inside the archive; a read past its end means a truncated archive.
uint16_t get16(const std::string& s, size_t at) {
  XGRAD_CHECK(at + 2 <= s.size() && at + 2 > at, "truncated .npz (zip) archive");
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

void save_npy(const Tensor& tensor, const std::string& path) { write_file(path, npy_bytes(tensor)); }

Tensor load_npy(const std::string& path) { return tensor_from_npy(read_file(path), path); }

void save_npz(const std::map<std::string, Tensor>& tensors, const std::string& path) {
  XGRAD_CHECK(tensors.size() < 0xffff, "save_npz: {} arrays are more than a zip archive holds", tensors.size());
  std::string archive, directory;
  uint16_t count = 0;
  for (const auto& [name, tensor] : tensors) {
    const std::string file = name + ".npy";
    const std::string data = npy_bytes(tensor);
    XGRAD_CHECK(data.size() < 0xffffffffu && archive.size() + data.size() < 0xffffffffu,
                "save_npz: '{}' would pass 4 GiB, the limit of a zip archive without zip64", name);
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
  write_file(path, archive);
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
    const size_t at_entry = at;
    const uint16_t method = get16(zip, at + 10);
    const uint32_t compressed = get32(zip, at + 20), size = get32(zip, at + 24);
    const uint16_t name_len = get16(zip, at + 28), extra_len = get16(zip, at + 30), comment_len = get16(zip, at + 32);
    const uint32_t local = get32(zip, at + 42);
    XGRAD_CHECK(at + 46 + name_len <= zip.size(), "'{}': truncated zip directory", path);
    std::string name = zip.substr(at + 46, name_len);
    at += 46 + name_len + extra_len + comment_len;
    XGRAD_CHECK(get32(zip, local) == 0x04034b50, "'{}': corrupt zip entry '{}'", path, name);
    const size_t data_at = local + 30 + get16(zip, local + 26) + get16(zip, local + 28);
    XGRAD_CHECK(data_at <= zip.size() && compressed <= zip.size() - data_at, "'{}': truncated entry '{}'", path, name);
    std::string data = zip.substr(data_at, compressed);
    if (method == 8)
      data = inflate_raw(data, size, path + ":" + name);
    else
      XGRAD_CHECK(method == 0, "'{}': entry '{}' uses zip method {} (stored and deflated are read)", path, name, method);
    const uint32_t crc = static_cast<uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
    XGRAD_CHECK(data.size() == size && crc == get32(zip, at_entry + 16), "'{}': entry '{}' is corrupt (CRC mismatch)", path,
                name);
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".npy") == 0) name.resize(name.size() - 4);
    out[name] = tensor_from_npy(data, path + ":" + name);
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
