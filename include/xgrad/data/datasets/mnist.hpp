// mnist.hpp: data::datasets::MNIST, libtorch's reader of the MNIST files, which Fashion-MNIST
// shares (same IDX format, names and sizes). As in libtorch, images() is every image as floats
// in [0, 1], shaped (N, 1, 28, 28), and targets() the int64 labels. xgrad also reads the files
// gzipped, as distributions ship them (Debian's dataset-fashion-mnist: *-ubyte.gz): for each file
// it opens `name`, or else `name.gz`, through zlib. Read next: samples/fashion_mnist_mlp.cpp.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "xgrad/data/example.hpp"

namespace xgrad::data::datasets {

class MNIST {
 public:
  enum class Mode { kTrain, kTest };

  /// Reads {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz] from `root`.
  explicit MNIST(const std::string& root, Mode mode = Mode::kTrain);

  /// The image at `index` (1, 28, 28) and its label.
  Example<> get(size_t index);
  std::optional<size_t> size() const;
  bool is_train() const noexcept;
  /// All images, (N, 1, 28, 28) float32 in [0, 1] (the bytes divided by 255).
  const Tensor& images() const;
  /// All labels, (N) int64.
  const Tensor& targets() const;

 private:
  Tensor images_, targets_;
  bool is_train_;
};

}  // namespace xgrad::data::datasets
