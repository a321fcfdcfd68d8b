// datasets/mnist.cpp: the IDX format (big-endian 32-bit header words, then bytes) read through
// zlib's gzread, which passes plain files through unchanged.
#include "xgrad/data/datasets/mnist.hpp"

#include <zlib.h>

#include <cstdint>
#include <fstream>
#include <vector>

#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"

namespace xgrad::data::datasets {

namespace {

constexpr uint32_t kImageMagicNumber = 2051;
constexpr uint32_t kTargetMagicNumber = 2049;
constexpr uint32_t kImageRows = 28;
constexpr uint32_t kImageColumns = 28;
constexpr uint32_t kTrainSize = 60000;
constexpr uint32_t kTestSize = 10000;

/// An IDX file, gzipped or not, opened by zlib; `name` is tried as is, then with ".gz".
class IdxFile {
 public:
  IdxFile(const std::string& root, const std::string& name, const char* what) {
    std::string base = root.empty() || root.back() == '/' ? root + name : root + "/" + name;
    for (const std::string& candidate : {base, base + ".gz"}) {
      if (!std::ifstream(candidate).good()) continue;
      file_ = gzopen(candidate.c_str(), "rb");
      path_ = candidate;
      break;
    }
    XGRAD_CHECK(file_ != nullptr, "Error opening {} file at {} (or {}.gz)", what, base, base);
  }
  ~IdxFile() {
    if (file_) gzclose(file_);
  }
  IdxFile(const IdxFile&) = delete;
  IdxFile& operator=(const IdxFile&) = delete;

  void read(void* out, size_t n) {
    auto* p = static_cast<char*>(out);
    while (n > 0) {  // gzread takes an unsigned int count
      const unsigned chunk = static_cast<unsigned>(std::min<size_t>(n, 1u << 30));
      const int got = gzread(file_, p, chunk);
      XGRAD_CHECK(got > 0, "{}: {}", path_, got < 0 ? "corrupt gzip data" : "file ends early (truncated?)");
      p += got;
      n -= static_cast<size_t>(got);
    }
  }
  uint32_t read_int32() {
    unsigned char b[4];
    read(b, 4);
    return (uint32_t(b[0]) << 24) | (uint32_t(b[1]) << 16) | (uint32_t(b[2]) << 8) | uint32_t(b[3]);
  }
  void expect_int32(uint32_t expected) {
    const uint32_t value = read_int32();
    XGRAD_CHECK(value == expected, "{}: Expected to read number {} but found {} instead", path_, expected, value);
  }

 private:
  gzFile file_ = nullptr;
  std::string path_;
};

Tensor read_images(const std::string& root, bool train) {
  IdxFile file(root, train ? "train-images-idx3-ubyte" : "t10k-images-idx3-ubyte", "images");
  const uint32_t count = train ? kTrainSize : kTestSize;
  file.expect_int32(kImageMagicNumber);
  file.expect_int32(count);
  file.expect_int32(kImageRows);
  file.expect_int32(kImageColumns);
  std::vector<unsigned char> bytes(size_t(count) * kImageRows * kImageColumns);
  file.read(bytes.data(), bytes.size());
  Tensor images = empty({count, 1, kImageRows, kImageColumns}, kFloat);
  float* out = images.data_ptr<float>();
  for (size_t i = 0; i < bytes.size(); ++i) out[i] = static_cast<float>(bytes[i]) / 255.0f;  // libtorch: .div_(255)
  return images;
}

Tensor read_targets(const std::string& root, bool train) {
  IdxFile file(root, train ? "train-labels-idx1-ubyte" : "t10k-labels-idx1-ubyte", "targets");
  const uint32_t count = train ? kTrainSize : kTestSize;
  file.expect_int32(kTargetMagicNumber);
  file.expect_int32(count);
  std::vector<unsigned char> bytes(count);
  file.read(bytes.data(), bytes.size());
  Tensor targets = empty({count}, kLong);
  int64_t* out = targets.data_ptr<int64_t>();
  for (size_t i = 0; i < bytes.size(); ++i) out[i] = bytes[i];
  return targets;
}

}  // namespace

MNIST::MNIST(const std::string& root, Mode mode)
    : images_(read_images(root, mode == Mode::kTrain)),
      targets_(read_targets(root, mode == Mode::kTrain)),
      is_train_(mode == Mode::kTrain) {}

Example<> MNIST::get(size_t index) {
  XGRAD_CHECK_T(IndexError, index < static_cast<size_t>(images_.size(0)), "index {} is out of bounds for a dataset of {}",
                index, images_.size(0));
  return {images_[static_cast<int64_t>(index)], targets_[static_cast<int64_t>(index)]};
}

std::optional<size_t> MNIST::size() const { return static_cast<size_t>(images_.size(0)); }

bool MNIST::is_train() const noexcept { return is_train_; }

const Tensor& MNIST::images() const { return images_; }

const Tensor& MNIST::targets() const { return targets_; }

}  // namespace xgrad::data::datasets
