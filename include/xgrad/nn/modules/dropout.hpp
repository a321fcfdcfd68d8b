// modules/dropout.hpp: nn::Dropout, nn::Dropout2d and nn::Dropout3d (PyTorch's draws, active only
// in training mode; the 2d/3d ones drop whole channels), nn::AlphaDropout and
// nn::FeatureAlphaDropout (src/nn/modules/alpha_dropout.cpp), nn::Flatten, nn::Unflatten,
// nn::Identity, and their F:: forms and F::one_hot. Read next: nn/serialize.hpp.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "xgrad/nn/module.hpp"
#include "xgrad/nn/options/arg.hpp"

namespace xgrad::nn {

struct DropoutOptions {
  DropoutOptions(double p = 0.5) : p_(p) {}  // NOLINT
  XGRAD_ARG(double, p);
  XGRAD_ARG(bool, inplace) = false;
};

using Dropout2dOptions = DropoutOptions;
using Dropout3dOptions = DropoutOptions;
using AlphaDropoutOptions = DropoutOptions;
using FeatureAlphaDropoutOptions = DropoutOptions;

struct FlattenOptions {
  XGRAD_ARG(int64_t, start_dim) = 1;
  XGRAD_ARG(int64_t, end_dim) = -1;
};

/// Unflatten(dim, sizes): dim of the input viewed as the given sizes (one of them may be -1).
/// libtorch's named form, UnflattenOptions("B", {{"B1", 2}, {"B2", 3}}), is held and printed, but
/// xgrad has no named tensors (torch::Dimname), so forward refuses it.
struct UnflattenOptions {
  using namedshape_t = std::vector<std::pair<std::string, int64_t>>;
  UnflattenOptions(int64_t dim, std::vector<int64_t> sizes) : dim_(dim), sizes_(std::move(sizes)) {}
  UnflattenOptions(const char* dimname, namedshape_t namedshape)
      : dimname_(dimname), namedshape_(std::move(namedshape)) {}
  UnflattenOptions(std::string dimname, namedshape_t namedshape)
      : dimname_(std::move(dimname)), namedshape_(std::move(namedshape)) {}
  XGRAD_ARG(int64_t, dim) = 0;
  XGRAD_ARG(std::string, dimname);
  XGRAD_ARG(std::vector<int64_t>, sizes);
  XGRAD_ARG(namedshape_t, namedshape);
};

namespace functional {
struct DropoutFuncOptions {
  XGRAD_ARG(double, p) = 0.5;
  XGRAD_ARG(bool, training) = true;
  XGRAD_ARG(bool, inplace) = false;
};
using Dropout2dFuncOptions = DropoutFuncOptions;
using Dropout3dFuncOptions = DropoutFuncOptions;
/// Zeroes each element with probability p and scales the rest by 1/(1-p), when training.
Tensor dropout(Tensor input, const DropoutFuncOptions& options = {});
/// Zeroes whole channels (input[n, c]) with probability p and scales the rest by 1/(1-p), when
/// training. As Python's F.dropout2d, a 3-d input is taken as (N, C, L), with a warning.
Tensor dropout2d(Tensor input, const Dropout2dFuncOptions& options = {});
/// The same for (N, C, D, H, W) or unbatched (C, D, H, W) inputs.
Tensor dropout3d(Tensor input, const Dropout3dFuncOptions& options = {});
/// Options of F::alpha_dropout and F::feature_alpha_dropout; training is off by default (libtorch).
struct AlphaDropoutFuncOptions {
  XGRAD_ARG(double, p) = 0.5;
  XGRAD_ARG(bool, training) = false;
  XGRAD_ARG(bool, inplace) = false;
};
using FeatureAlphaDropoutFuncOptions = AlphaDropoutFuncOptions;
namespace detail {
Tensor alpha_dropout(Tensor input, double p, bool training, bool inplace);
Tensor feature_alpha_dropout(Tensor input, double p, bool training, bool inplace);
}  // namespace detail
/// SELU-preserving dropout: dropped elements are set to -alpha' (SELU's negative saturation) and
/// the result is scaled and shifted back to the input's mean and variance (torch::alpha_dropout).
Tensor alpha_dropout(Tensor input, const AlphaDropoutFuncOptions& options = {});
/// The same dropping whole channels (torch::feature_alpha_dropout).
Tensor feature_alpha_dropout(Tensor input, const FeatureAlphaDropoutFuncOptions& options = {});
/// (..., num_classes) of 0 and 1, int64; num_classes = -1 means max(tensor) + 1.
Tensor one_hot(const Tensor& tensor, int64_t num_classes = -1);
}  // namespace functional

class DropoutImpl : public Cloneable<DropoutImpl> {
 public:
  explicit DropoutImpl(const DropoutOptions& options_ = {});
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(Tensor input);
  DropoutOptions options;
};
TORCH_MODULE(Dropout);

class Dropout2dImpl : public Cloneable<Dropout2dImpl> {
 public:
  explicit Dropout2dImpl(const Dropout2dOptions& options_ = {});
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(Tensor input);
  Dropout2dOptions options;
};
TORCH_MODULE(Dropout2d);

class Dropout3dImpl : public Cloneable<Dropout3dImpl> {
 public:
  explicit Dropout3dImpl(const Dropout3dOptions& options_ = {});
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(Tensor input);
  Dropout3dOptions options;
};
TORCH_MODULE(Dropout3d);

class AlphaDropoutImpl : public Cloneable<AlphaDropoutImpl> {
 public:
  explicit AlphaDropoutImpl(const AlphaDropoutOptions& options_ = {});
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  AlphaDropoutOptions options;
};
TORCH_MODULE(AlphaDropout);

class FeatureAlphaDropoutImpl : public Cloneable<FeatureAlphaDropoutImpl> {
 public:
  explicit FeatureAlphaDropoutImpl(const FeatureAlphaDropoutOptions& options_ = {});
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  FeatureAlphaDropoutOptions options;
};
TORCH_MODULE(FeatureAlphaDropout);

class FlattenImpl : public Cloneable<FlattenImpl> {
 public:
  explicit FlattenImpl(const FlattenOptions& options_ = {}) : options(options_) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  FlattenOptions options;
};
TORCH_MODULE(Flatten);

class UnflattenImpl : public Cloneable<UnflattenImpl> {
 public:
  UnflattenImpl(int64_t dim, std::vector<int64_t> sizes) : UnflattenImpl(UnflattenOptions(dim, std::move(sizes))) {}
  explicit UnflattenImpl(UnflattenOptions options_) : options(std::move(options_)) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  UnflattenOptions options;
};
TORCH_MODULE(Unflatten);

class IdentityImpl : public Cloneable<IdentityImpl> {
 public:
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input) { return input; }
};
TORCH_MODULE(Identity);

}  // namespace xgrad::nn

namespace xgrad {
/// torch::feature_dropout: dropout of whole channels, noise of shape (N, C, 1, ...) drawn as
/// PyTorch draws it (bernoulli_(1 - p), divided by 1 - p), then input * noise (MulBackward0).
Tensor feature_dropout(const Tensor& input, double p, bool train);
Tensor& feature_dropout_(Tensor& input, double p, bool train);
/// torch::alpha_dropout: with noise ~ Bernoulli(1 - p), a = 1 / sqrt((alpha^2 p + 1)(1 - p)),
/// alpha = 1.7580993408473766, b = (noise - 1) alpha a + alpha a p:
///   y = x * (noise a) + b   (MulBackward0, then AddBackward0 from the in-place add_)
Tensor alpha_dropout(const Tensor& input, double p, bool train);
Tensor& alpha_dropout_(Tensor& input, double p, bool train);
/// The same with one noise value per (sample, channel).
Tensor feature_alpha_dropout(const Tensor& input, double p, bool train);
Tensor& feature_alpha_dropout_(Tensor& input, double p, bool train);
/// torch::one_hot.
inline Tensor one_hot(const Tensor& tensor, int64_t num_classes = -1) { return nn::functional::one_hot(tensor, num_classes); }
}  // namespace xgrad
