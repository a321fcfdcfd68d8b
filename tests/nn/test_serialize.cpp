// test_serialize.cpp: .npy and .npz files against numpy's own (tests/reference/npy/, written by
// make_npy_reference.py): xgrad writes the very bytes np.save writes, reads what np.save,
// np.savez and np.savez_compressed write, round-trips a module's parameters, and refuses broken
// files with a clear error. tests/nn/numpy_reads_xgrad.py checks the other direction with numpy.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

namespace fs = std::filesystem;
namespace nn = torch::nn;
using torch::Tensor;

namespace {

std::string fixture(const std::string& name) { return std::string(XGRAD_TEST_REFERENCE_DIR) + "/npy/" + name; }

std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

/// A fresh directory for one test case, removed afterwards.
struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("xgrad_serialize_" + std::to_string(::getpid()) + "_" + std::to_string(counter()++));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
  static int& counter() {
    static int n = 0;
    return n;
  }
};

Tensor grid() { return torch::arange(6).to(torch::kFloat).reshape({2, 3}) / 4; }

}  // namespace

TEST_CASE("save_npy writes the bytes np.save writes") {
  TempDir dir;
  struct Case {
    const char* file;
    Tensor tensor;
  };
  std::vector<Case> cases{{"f4_2x3.npy", grid()},
                          {"f8_scalar.npy", torch::tensor(-2.5, torch::kDouble)},
                          {"i8_4.npy", torch::tensor({int64_t(3), int64_t(-1), int64_t(0), int64_t(1) << 40})},
                          {"b1_3.npy", torch::tensor({true, false, true})},
                          {"f4_empty.npy", torch::zeros({0, 3})},
                          {"i4_2.npy", torch::tensor({1, 2}, torch::kInt32)},
                          {"u1_3.npy", torch::tensor({0, 200, 255}, torch::kUInt8)},
                          {"i1_3.npy", torch::tensor({-128, 5, 127}, torch::kInt8)},
                          {"i2_2.npy", torch::tensor({-32768, 300}, torch::kInt16)},
                          {"f2_3.npy", torch::tensor({1.5, -0.0999755859375, 65504.0}, torch::kFloat16)}};
  for (const auto& c : cases) {
    INFO(c.file);
    torch::save_npy(c.tensor, dir / c.file);
    CHECK(bytes_of(dir / c.file) == bytes_of(fixture(c.file)));
  }
  // A non-contiguous tensor is written in its logical (row-major) order.
  torch::save_npy(grid().t().contiguous().t(), dir / "strided.npy");
  CHECK(bytes_of(dir / "strided.npy") == bytes_of(fixture("f4_2x3.npy")));
  CHECK_FALSE(fs::exists(dir / "strided.npy.partial"));
}

TEST_CASE("load_npy reads numpy's files, C or Fortran order") {
  CHECK(torch::load_npy(fixture("f4_2x3.npy")).equal(grid()));
  CHECK(torch::load_npy(fixture("f4_fortran.npy")).equal(grid()));
  Tensor scalar = torch::load_npy(fixture("f8_scalar.npy"));
  CHECK(scalar.dim() == 0);
  CHECK(scalar.scalar_type() == torch::kDouble);
  CHECK(scalar.item<double>() == -2.5);
  CHECK(torch::load_npy(fixture("i8_4.npy")).equal(torch::tensor({int64_t(3), int64_t(-1), int64_t(0), int64_t(1) << 40})));
  CHECK(torch::load_npy(fixture("b1_3.npy")).equal(torch::tensor({true, false, true})));
  // The other dtypes numpy shares with PyTorch.
  for (const auto& [file, expected] : std::vector<std::pair<const char*, Tensor>>{
           {"i4_2.npy", torch::tensor({1, 2}, torch::kInt32)},
           {"u1_3.npy", torch::tensor({0, 200, 255}, torch::kUInt8)},
           {"i1_3.npy", torch::tensor({-128, 5, 127}, torch::kInt8)},
           {"i2_2.npy", torch::tensor({-32768, 300}, torch::kInt16)},
           {"f2_3.npy", torch::tensor({1.5, -0.0999755859375, 65504.0}, torch::kFloat16)}}) {
    INFO(file);
    Tensor t = torch::load_npy(fixture(file));
    CHECK(t.scalar_type() == expected.scalar_type());
    CHECK(t.equal(expected));
  }
  Tensor empty = torch::load_npy(fixture("f4_empty.npy"));
  CHECK(empty.sizes().vec() == std::vector<int64_t>{0, 3});
}

TEST_CASE("load_npy refuses what it cannot read, with the reason") {
  TempDir dir;
  CHECK_THROWS_WITH(torch::load_npy(fixture("f4_big_endian.npy")), Catch::Contains("unsupported .npy dtype '>f4'"));
  CHECK_THROWS_WITH(torch::load_npy(fixture("u4_2.npy")), Catch::Contains("unsupported .npy dtype '<u4'"));
  CHECK_THROWS_WITH(torch::save_npy(torch::ones({2}, torch::kBFloat16), dir / "bf16.npy"),
                    "cannot save a bfloat16 tensor as .npy (numpy has no bfloat16); convert it with .to(torch::kFloat) first");
  CHECK_THROWS_WITH(torch::load_npy(dir / "missing.npy"), Catch::Contains("cannot open"));
  const std::string good = bytes_of(fixture("f4_2x3.npy"));
  write_bytes(dir / "short_data.npy", good.substr(0, good.size() - 4));
  CHECK_THROWS_WITH(torch::load_npy(dir / "short_data.npy"), Catch::Contains("truncated .npy data"));
  write_bytes(dir / "short_header.npy", good.substr(0, 40));
  CHECK_THROWS_WITH(torch::load_npy(dir / "short_header.npy"), Catch::Contains("truncated or corrupt .npy header"));
  write_bytes(dir / "text.npy", "hello, world\n");
  CHECK_THROWS_WITH(torch::load_npy(dir / "text.npy"), Catch::Contains("not a .npy file"));
  std::string empty_header = good.substr(0, 8) + std::string("\0\0", 2);
  write_bytes(dir / "empty_header.npy", empty_header);
  CHECK_THROWS_WITH(torch::load_npy(dir / "empty_header.npy"), Catch::Contains("corrupt .npy header"));
  std::string bad_shape = good;
  bad_shape.replace(bad_shape.find("(2, 3)"), 6, "(2, x)");
  write_bytes(dir / "bad_shape.npy", bad_shape);
  CHECK_THROWS_WITH(torch::load_npy(dir / "bad_shape.npy"), Catch::Contains("corrupt .npy header (shape (2, x))"));
}

TEST_CASE("load_npz reads np.savez and np.savez_compressed archives") {
  for (const char* file : {"savez.npz", "savez_compressed.npz"}) {
    INFO(file);
    auto arrays = torch::load_npz(fixture(file));
    REQUIRE(arrays.size() == 3);
    CHECK(arrays.at("weight").equal(grid()));
    CHECK(arrays.at("bias").equal(torch::tensor({0.5f, -0.5f})));
    CHECK(arrays.at("steps").item<int64_t>() == 7);
  }
}

TEST_CASE("a module's parameters go through .npz and come back into the same tensors") {
  TempDir dir;
  torch::manual_seed(0);
  nn::Linear first(3, 4);
  nn::Linear second(4, 2);
  nn::Sequential saved(first, nn::ReLU(), second);
  torch::save(saved, dir / "model.npz");
  auto arrays = torch::load_npz(dir / "model.npz");
  CHECK(arrays.size() == 4);
  CHECK(arrays.at("0.weight").equal(first->weight.detach()));
  CHECK(arrays.at("2.bias").equal(second->bias.detach()));

  torch::manual_seed(1);
  nn::Linear other_first(3, 4);
  nn::Linear other_second(4, 2);
  nn::Sequential loaded(other_first, nn::ReLU(), other_second);
  const void* weight_storage = other_first->weight.data_ptr();
  torch::optim::SGD opt(loaded->parameters(), torch::optim::SGDOptions(0.1));
  torch::load(loaded, dir / "model.npz");
  auto before = saved->parameters(), after = loaded->parameters();
  for (size_t k = 0; k < before.size(); ++k) CHECK(after[k].equal(before[k]));
  // Loaded in place: the same tensors (an optimizer built before still holds them), still leaves.
  CHECK(other_first->weight.data_ptr() == weight_storage);
  CHECK(other_first->weight.requires_grad());
  CHECK(other_first->weight.is_leaf());
  auto x = torch::randn({5, 3});
  CHECK(loaded->forward(x).equal(saved->forward(x)));

  nn::Sequential wrong_shape(nn::Linear(3, 5), nn::ReLU(), nn::Linear(5, 2));
  CHECK_THROWS_WITH(torch::load(wrong_shape, dir / "model.npz"),
                    Catch::Contains("'0.weight' has shape [4, 3] but the module's is [5, 3]"));
  nn::Sequential deeper(nn::Linear(3, 4), nn::ReLU(), nn::Linear(4, 2), nn::Linear(2, 2));
  CHECK_THROWS_WITH(torch::load(deeper, dir / "model.npz"), Catch::Contains("has no array named '3.weight'"));
}

TEST_CASE("save_npz and load_npz keep every dtype and refuse damaged archives") {
  TempDir dir;
  std::map<std::string, Tensor> arrays{{"f", grid()},
                                      {"d", torch::tensor({1.0, 2.0}, torch::kDouble)},
                                      {"l", torch::tensor({int64_t(5)})},
                                      {"b", torch::tensor({false, true})},
                                      {"scalar", torch::tensor(3.0f)}};
  torch::save_npz(arrays, dir / "all.npz");
  auto back = torch::load_npz(dir / "all.npz");
  REQUIRE(back.size() == arrays.size());
  for (const auto& [name, tensor] : arrays) {
    INFO(name);
    CHECK(back.at(name).scalar_type() == tensor.scalar_type());
    CHECK(back.at(name).equal(tensor));
  }
  std::string zip = bytes_of(dir / "all.npz");
  std::string flipped = zip;
  const size_t data_at = flipped.find("\x93NUMPY") + 128;  // the first entry's first data byte
  flipped[data_at] = static_cast<char>(flipped[data_at] ^ 0x5a);
  write_bytes(dir / "flipped.npz", flipped);
  CHECK_THROWS_WITH(torch::load_npz(dir / "flipped.npz"), Catch::Contains("CRC mismatch"));
  write_bytes(dir / "cut.npz", zip.substr(0, zip.size() / 2));
  CHECK_THROWS_WITH(torch::load_npz(dir / "cut.npz"), Catch::Contains("not a .npz (zip) archive"));
  write_bytes(dir / "cut_directory.npz", zip.substr(0, zip.size() - 40) + zip.substr(zip.size() - 22));
  CHECK_THROWS_AS(torch::load_npz(dir / "cut_directory.npz"), torch::Error);
  CHECK_THROWS_WITH(torch::save_npz(arrays, dir / "no/such/dir/x.npz"), Catch::Contains("cannot open"));
}
