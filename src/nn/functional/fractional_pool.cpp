// functional/fractional_pool.cpp: F::fractional_max_pool2d/3d (and _with_indices), as Python's
// F.fractional_max_pool2d: the output size from output_size or int(in * output_ratio), and, when
// no _random_samples are given, one torch::rand draw of (N, C, dims) in the input's dtype from the
// default generator, so the windows after torch::manual_seed are PyTorch's. Read next:
// src/ops/fractional_max_pool.cpp.
#include "xgrad/core/exception.hpp"
#include "xgrad/nn/functional/pooling.hpp"
#include "xgrad/random/distributions.hpp"

namespace xgrad::nn::functional {

namespace {

template <size_t D>
std::tuple<Tensor, Tensor> fractional_max_pool_with_indices(const Tensor& input,
                                                            const FractionalMaxPoolOptions<D>& options) {
  XGRAD_CHECK_T(ValueError, options.output_size() || options.output_ratio(),
                "fractional_max_pool{}d requires specifying either an output_size or an output_ratio", D);
  std::vector<int64_t> output_size;
  if (options.output_size()) {
    output_size.assign((*options.output_size())->begin(), (*options.output_size())->end());
  } else {
    const auto& ratio = **options.output_ratio();
    for (size_t i = 0; i < D; ++i)
      output_size.push_back(static_cast<int64_t>(static_cast<double>(input.size(static_cast<int64_t>(i) - static_cast<int64_t>(D))) * ratio[i]));
  }
  Tensor samples = options._random_samples();
  if (!samples.defined()) {
    const int64_t n_batch = input.dim() == static_cast<int64_t>(D) + 1 ? 1 : input.size(0);
    samples = rand({n_batch, input.size(-static_cast<int64_t>(D) - 1), static_cast<int64_t>(D)},
                   TensorOptions().dtype(input.scalar_type()));
  }
  const std::vector<int64_t> kernel(options.kernel_size()->begin(), options.kernel_size()->end());
  return D == 2 ? xgrad::fractional_max_pool2d(input, kernel, output_size, samples)
                : xgrad::fractional_max_pool3d(input, kernel, output_size, samples);
}

}  // namespace

std::tuple<Tensor, Tensor> fractional_max_pool2d_with_indices(const Tensor& input,
                                                              const FractionalMaxPool2dFuncOptions& options) {
  return fractional_max_pool_with_indices<2>(input, options);
}
std::tuple<Tensor, Tensor> fractional_max_pool3d_with_indices(const Tensor& input,
                                                              const FractionalMaxPool3dFuncOptions& options) {
  return fractional_max_pool_with_indices<3>(input, options);
}
Tensor fractional_max_pool2d(const Tensor& input, const FractionalMaxPool2dFuncOptions& options) {
  return std::get<0>(fractional_max_pool_with_indices<2>(input, options));
}
Tensor fractional_max_pool3d(const Tensor& input, const FractionalMaxPool3dFuncOptions& options) {
  return std::get<0>(fractional_max_pool_with_indices<3>(input, options));
}

}  // namespace xgrad::nn::functional
