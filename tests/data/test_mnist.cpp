// test_mnist.cpp: data::datasets::MNIST reads Debian's gzipped Fashion-MNIST as numpy reads it
// (labels and pixel sums below from python3-numpy), also uncompressed, and refuses missing or
// damaged files with the reason.
#include <catch2/catch.hpp>

#include <zlib.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <xgrad/torch.hpp>

namespace fs = std::filesystem;
using torch::data::datasets::MNIST;

namespace {

const std::string kFashion = "/usr/share/datasets/fashion-mnist";

std::string read_gz(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  REQUIRE(f != nullptr);
  std::string out;
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  gzclose(f);
  return out;
}

void write_file(const fs::path& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("xgrad_mnist_" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

}  // namespace

TEST_CASE("MNIST reads the gzipped Fashion-MNIST files as numpy does") {
  MNIST train(kFashion);
  CHECK(train.is_train());
  CHECK(train.size().value() == 60000);
  CHECK(train.images().sizes().vec() == std::vector<int64_t>{60000, 1, 28, 28});
  CHECK(train.images().scalar_type() == torch::kFloat);
  CHECK(train.targets().scalar_type() == torch::kLong);
  CHECK(train.targets().slice(0, 0, 10).equal(torch::tensor({9, 0, 0, 3, 0, 2, 7, 2, 5, 5})));
  // Pixels are bytes / 255: image 0's bytes sum to 76247, its first lit pixel (index 96) is 1.
  auto first = train.images()[0].reshape({-1});
  CHECK(first.to(torch::kDouble).mul(255).sum().item<double>() == Approx(76247).epsilon(1e-6));
  CHECK(first[96].item<float>() == 1.0f / 255.0f);
  CHECK(train.images().max().item<float>() == 1.0f);
  auto example = train.get(3);
  CHECK(example.data.sizes().vec() == std::vector<int64_t>{1, 28, 28});
  CHECK(example.target.item<int64_t>() == 3);
  CHECK_THROWS_AS(train.get(60000), torch::IndexError);

  MNIST test(kFashion, MNIST::Mode::kTest);
  CHECK_FALSE(test.is_train());
  CHECK(test.size().value() == 10000);
  CHECK(test.targets().slice(0, 0, 10).equal(torch::tensor({9, 2, 1, 1, 6, 1, 4, 6, 5, 7})));
}

TEST_CASE("MNIST reads uncompressed files too, and refuses missing or damaged ones") {
  TempDir dir;
  // The test split, uncompressed (as libtorch expects it).
  write_file(dir.path / "t10k-images-idx3-ubyte", read_gz(kFashion + "/t10k-images-idx3-ubyte.gz"));
  const std::string labels = read_gz(kFashion + "/t10k-labels-idx1-ubyte.gz");
  write_file(dir.path / "t10k-labels-idx1-ubyte", labels);
  MNIST test(dir.path.string(), MNIST::Mode::kTest);
  CHECK(test.targets().slice(0, 0, 4).equal(torch::tensor({9, 2, 1, 1})));
  CHECK(test.images().equal(MNIST(kFashion, MNIST::Mode::kTest).images()));

  CHECK_THROWS_WITH(MNIST(dir.path.string(), MNIST::Mode::kTrain), Catch::Contains("Error opening images file at"));
  CHECK_THROWS_WITH(MNIST((dir.path / "nowhere").string()), Catch::Contains("train-images-idx3-ubyte"));

  write_file(dir.path / "t10k-labels-idx1-ubyte", labels.substr(0, 5000));  // cut short
  CHECK_THROWS_WITH(MNIST(dir.path.string(), MNIST::Mode::kTest), Catch::Contains("file ends early"));
  std::string wrong_magic = labels;
  wrong_magic[3] = 3;
  write_file(dir.path / "t10k-labels-idx1-ubyte", wrong_magic);
  CHECK_THROWS_WITH(MNIST(dir.path.string(), MNIST::Mode::kTest),
                    Catch::Contains("Expected to read number 2049 but found 2051 instead"));
}
