// modules/fractional_pool.cpp: nn::FractionalMaxPool2d/3d. The options are checked in reset() as
// libtorch checks them (with Python's exception types); forward is F::fractional_max_pool with the
// module's options and its _random_samples buffer. Read next: src/nn/functional/fractional_pool.cpp.
#include <algorithm>
#include <sstream>

#include "xgrad/nn/modules/pooling.hpp"

namespace xgrad::nn {

namespace F = functional;

template <size_t D, class Derived>
FractionalMaxPoolImpl<D, Derived>::FractionalMaxPoolImpl(FractionalMaxPoolOptions<D> options_)
    : options(std::move(options_)) {
  reset();
}

template <size_t D, class Derived>
void FractionalMaxPoolImpl<D, Derived>::reset() {
  _random_samples = this->register_buffer("_random_samples", options._random_samples());
  XGRAD_CHECK_T(ValueError, options.output_size() || options.output_ratio(),
                "FractionalMaxPool{}d requires specifying either an output size, or a pooling ratio", D);
  XGRAD_CHECK_T(ValueError, !(options.output_size() && options.output_ratio()),
                "only one of output_size and output_ratio may be specified");
  if (options.output_ratio()) {
    const auto& r = **options.output_ratio();
    const auto [lo, hi] = std::minmax_element(r.begin(), r.end());
    if (!(0 < *lo && *hi < 1)) {
      std::ostringstream got;
      got << *options.output_ratio();
      throw ValueError(fmt::format("output_ratio must be between 0 and 1 (got {})", got.str()));
    }
  }
}

template class FractionalMaxPoolImpl<2, FractionalMaxPool2dImpl>;
template class FractionalMaxPoolImpl<3, FractionalMaxPool3dImpl>;

namespace {
template <size_t D>
FractionalMaxPoolOptions<D> with_samples(FractionalMaxPoolOptions<D> o, const Tensor& samples) {
  return o._random_samples(samples);
}
}  // namespace

Tensor FractionalMaxPool2dImpl::forward(const Tensor& input) {
  return F::fractional_max_pool2d(input, with_samples(options, _random_samples));
}
std::tuple<Tensor, Tensor> FractionalMaxPool2dImpl::forward_with_indices(const Tensor& input) {
  return F::fractional_max_pool2d_with_indices(input, with_samples(options, _random_samples));
}
Tensor FractionalMaxPool3dImpl::forward(const Tensor& input) {
  return F::fractional_max_pool3d(input, with_samples(options, _random_samples));
}
std::tuple<Tensor, Tensor> FractionalMaxPool3dImpl::forward_with_indices(const Tensor& input) {
  return F::fractional_max_pool3d_with_indices(input, with_samples(options, _random_samples));
}

}  // namespace xgrad::nn
