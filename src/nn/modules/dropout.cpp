// modules/dropout.cpp: Dropout, Dropout2d, Dropout3d, Flatten, Unflatten, Identity, F::dropout,
// F::dropout2d, F::dropout3d, torch::feature_dropout, F::one_hot.
#include "xgrad/nn/modules/dropout.hpp"

#include "xgrad/core/factory.hpp"
#include "xgrad/core/warning.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/indexing.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/shape_ops.hpp"
#include "xgrad/random/distributions.hpp"

namespace xgrad::nn {

Tensor functional::dropout(Tensor input, const DropoutFuncOptions& options) {
  XGRAD_CHECK_T(ValueError, options.p() >= 0 && options.p() <= 1,
                "dropout probability has to be between 0 and 1, but got {}", options.p());
  return options.inplace() ? xgrad::dropout_(input, options.p(), options.training())
                           : xgrad::dropout(input, options.p(), options.training());
}

namespace {
/// The noise of feature dropout: one draw per (sample, channel), shaped to broadcast over the rest.
Tensor make_feature_noise(const Tensor& input, double p) {
  XGRAD_CHECK(input.dim() >= 2, "Feature dropout requires at least 2 dimensions in the input");
  DimVector sizes{input.size(0), input.size(1)};
  for (int64_t i = 2; i < input.dim(); ++i) sizes.push_back(1);
  Tensor noise = empty(sizes, input.scalar_type());
  noise.bernoulli_(1 - p);
  NoGradGuard no_grad;
  noise.div_(1 - p);  // in the input's dtype, as PyTorch divides
  return noise;
}

/// Python's F.dropout2d / F.dropout3d: warnings for unusual ranks, then feature dropout (with a
/// batch dim added for an unbatched input where Python adds one).
Tensor feature_dropout_nd(Tensor input, const functional::DropoutFuncOptions& o, int64_t spatial) {
  XGRAD_CHECK_T(ValueError, o.p() >= 0 && o.p() <= 1, "dropout probability has to be between 0 and 1, but got {}", o.p());
  const int64_t dim = input.dim();
  const std::string name = "dropout" + std::to_string(spatial) + "d";
  if (dim != spatial + 1 && dim != spatial + 2)
    warn(fmt::format("{}: Received a {}-D input to {}, which is deprecated and will result in an error in a future "
                     "release. To retain the behavior and silence this warning, please use dropout instead. Note that "
                     "{} exists to provide channel-wise dropout on inputs with {} spatial dimensions, a channel "
                     "dimension, and an optional batch dimension (i.e. {}D or {}D inputs).",
                     name, dim, name, name, spatial, spatial + 1, spatial + 2));
  const bool unbatch = spatial == 3 && dim == 4;
  if (spatial == 2 && dim == 3)
    warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is desired - "
         "input is interpreted as shape (N, C, L), where C is the channel dim. This behavior will change in a future "
         "release to interpret the input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D "
         "channel-wise dropout behavior, please switch to using dropout1d instead.");
  if (o.inplace()) {
    Tensor target = unbatch ? input.unsqueeze(0) : input;
    feature_dropout_(target, o.p(), o.training());
    return input;
  }
  Tensor result = feature_dropout(unbatch ? input.unsqueeze(0) : input, o.p(), o.training());
  return unbatch ? result.squeeze(0) : result;
}
}  // namespace

Tensor functional::dropout2d(Tensor input, const Dropout2dFuncOptions& options) {
  return feature_dropout_nd(std::move(input), options, 2);
}
Tensor functional::dropout3d(Tensor input, const Dropout3dFuncOptions& options) {
  return feature_dropout_nd(std::move(input), options, 3);
}

Tensor functional::one_hot(const Tensor& tensor, int64_t num_classes) {
  XGRAD_CHECK(tensor.scalar_type() == kLong, "one_hot is only applicable to index tensor.");
  if (num_classes == -1) {
    XGRAD_CHECK(tensor.numel() > 0, "Can not infer total number of classes from empty tensor.");
    num_classes = tensor.max().item<int64_t>() + 1;
  }
  if (tensor.numel() > 0) {
    XGRAD_CHECK(tensor.min().item<int64_t>() >= 0, "Class values must be non-negative.");
    XGRAD_CHECK(tensor.max().item<int64_t>() < num_classes, "Class values must be smaller than num_classes.");
  }
  DimVector shape(tensor.sizes());
  shape.push_back(num_classes);
  // A 1 at each index along a new last dim (PyTorch: zeros(...).scatter_(-1, index.unsqueeze(-1), 1)).
  Tensor index = tensor.unsqueeze(-1);
  return zeros(shape, kLong).scatter_add(-1, index, ones(index.sizes(), kLong));
}

DropoutImpl::DropoutImpl(const DropoutOptions& options_) : options(options_) { reset(); }

void DropoutImpl::reset() {
  XGRAD_CHECK(options.p() >= 0 && options.p() <= 1, "dropout probability has to be between 0 and 1, but got {}",
              options.p());
}

void DropoutImpl::pretty_print(std::ostream& stream) const {
  stream << std::boolalpha << "torch::nn::Dropout(p=" << options.p() << ", inplace=" << options.inplace() << ")";
}

Tensor DropoutImpl::forward(Tensor input) {
  return functional::dropout(std::move(input),
                             functional::DropoutFuncOptions().p(options.p()).inplace(options.inplace()).training(is_training()));
}

Dropout2dImpl::Dropout2dImpl(const Dropout2dOptions& options_) : options(options_) { reset(); }
void Dropout2dImpl::reset() {
  XGRAD_CHECK_T(ValueError, options.p() >= 0 && options.p() <= 1,
                "dropout probability has to be between 0 and 1, but got {}", options.p());
}
void Dropout2dImpl::pretty_print(std::ostream& stream) const {
  stream << std::boolalpha << "torch::nn::Dropout2d(p=" << options.p() << ", inplace=" << options.inplace() << ")";
}
Tensor Dropout2dImpl::forward(Tensor input) {
  return functional::dropout2d(std::move(input),
                               functional::Dropout2dFuncOptions().p(options.p()).inplace(options.inplace()).training(is_training()));
}

Dropout3dImpl::Dropout3dImpl(const Dropout3dOptions& options_) : options(options_) { reset(); }
void Dropout3dImpl::reset() {
  XGRAD_CHECK_T(ValueError, options.p() >= 0 && options.p() <= 1,
                "dropout probability has to be between 0 and 1, but got {}", options.p());
}
void Dropout3dImpl::pretty_print(std::ostream& stream) const {
  stream << std::boolalpha << "torch::nn::Dropout3d(p=" << options.p() << ", inplace=" << options.inplace() << ")";
}
Tensor Dropout3dImpl::forward(Tensor input) {
  return functional::dropout3d(std::move(input),
                               functional::Dropout3dFuncOptions().p(options.p()).inplace(options.inplace()).training(is_training()));
}

void UnflattenImpl::pretty_print(std::ostream& stream) const {
  const auto& named = options.namedshape();
  if (!named.empty()) {
    stream << "torch::nn::Unflatten(dim=\"" << options.dimname() << "\", unflattened_size={";
    for (size_t i = 0; i < named.size(); ++i)
      stream << (i ? ", " : "") << "{\"" << named[i].first << "\", " << named[i].second << "}";
    stream << "})";
    return;
  }
  stream << "torch::nn::Unflatten(dim=" << options.dim() << ", unflattened_size={";
  for (size_t i = 0; i < options.sizes().size(); ++i) stream << (i ? ", " : "") << options.sizes()[i];
  stream << "})";
}

/// Python's Tensor.unflatten: a view with dim replaced by sizes (ViewBackward0).
Tensor UnflattenImpl::forward(const Tensor& input) {
  XGRAD_CHECK_T(NotImplementedError, options.namedshape().empty(),
                "Unflatten: dim=\"{}\" names a dimension, and xgrad has no named tensors (torch::Dimname); "
                "give the dimension's index and its sizes instead",
                options.dimname());
  const int64_t dim = options.dim() < 0 ? options.dim() + input.dim() : options.dim();
  XGRAD_CHECK_T(IndexError, dim >= 0 && dim < input.dim(),
                "Dimension out of range (expected to be in range of [{}, {}], but got {})", -input.dim(), input.dim() - 1,
                options.dim());
  DimVector shape(IntArrayRef(input.sizes().data(), static_cast<size_t>(dim)));
  for (int64_t s : options.sizes()) shape.push_back(s);
  for (int64_t i = dim + 1; i < input.dim(); ++i) shape.push_back(input.size(i));
  return input.view(shape);
}

void FlattenImpl::pretty_print(std::ostream& stream) const {
  stream << "torch::nn::Flatten(start_dim=" << options.start_dim() << ", end_dim=" << options.end_dim() << ")";
}

Tensor FlattenImpl::forward(const Tensor& input) { return input.flatten(options.start_dim(), options.end_dim()); }

void IdentityImpl::pretty_print(std::ostream& stream) const { stream << "torch::nn::Identity()"; }

}  // namespace xgrad::nn

namespace xgrad {

/// feature_dropout(x) = x * noise, noise (N, C, 1, ...) ~ Bernoulli(1 - p) / (1 - p)
/// d/dx = grad * noise (MulBackward0)      saves: noise
Tensor feature_dropout(const Tensor& input, double p, bool train) {
  XGRAD_CHECK(p >= 0 && p <= 1, "dropout probability has to be between 0 and 1, but got {}", p);
  if (p == 0 || !train || input.numel() == 0) return input;
  if (p == 1) return input * zeros({}, input.scalar_type());
  return input * nn::make_feature_noise(input, p);
}

Tensor& feature_dropout_(Tensor& input, double p, bool train) {
  XGRAD_CHECK(p >= 0 && p <= 1, "dropout probability has to be between 0 and 1, but got {}", p);
  if (p == 0 || !train || input.numel() == 0) return input;
  if (p == 1) return input.mul_(zeros({}, input.scalar_type()));
  return input.mul_(nn::make_feature_noise(input, p));
}

}  // namespace xgrad
