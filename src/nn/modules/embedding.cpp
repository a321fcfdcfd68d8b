// modules/embedding.cpp: F::embedding and F::embedding_bag (Python's argument checks, then the ops
// of ops/embedding.cpp), and the Embedding and EmbeddingBag layers with their initialisation,
// printing and from_pretrained. Read next: src/ops/embedding.cpp.
#include "xgrad/nn/modules/embedding.hpp"

#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/nn/init.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

const char* enumtype::get_enum_name(nn::EmbeddingBagMode mode) {
  switch (mode.value()) {
    case 0: return "kSum";
    case 1: return "kMean";
    default: return "kMax";
  }
}

namespace nn {

namespace {

/// Python's padding_idx handling: a negative index counts from the end; none is -1 for ATen.
int64_t resolve_padding_idx(const std::optional<int64_t>& padding_idx, int64_t num_embeddings) {
  if (!padding_idx) return -1;
  const int64_t p = *padding_idx;
  XGRAD_CHECK(p < num_embeddings && p >= -num_embeddings, "Padding_idx must be within num_embeddings");
  return p < 0 ? p + num_embeddings : p;
}

/// Python's "'sum'" for a mode.
const char* python_mode_name(const EmbeddingBagMode& mode) {
  return mode.value() == 0 ? "sum" : mode.value() == 1 ? "mean" : "max";
}

/// Embedding's and EmbeddingBag's reset_parameters: N(0, 1), the padding row zero.
void init_embedding_weight(Tensor& weight, const std::optional<int64_t>& padding_idx) {
  init::normal_(weight);
  if (padding_idx) {
    NoGradGuard no_grad;
    weight.select(0, *padding_idx).fill_(0);
  }
}

/// The weight Embedding and EmbeddingBag register (their options name the same fields):
/// options._weight() if given (from_pretrained), checked against the sizes, else a fresh one
/// initialised as reset_parameters does. Resolves a negative padding_idx in `options` first.
template <class Options>
Tensor embedding_weight(Options& options) {
  if (options.padding_idx())
    options.padding_idx(resolve_padding_idx(options.padding_idx(), options.num_embeddings()));
  if (!options._weight().defined()) {
    Tensor weight = empty({options.num_embeddings(), options.embedding_dim()});
    init_embedding_weight(weight, options.padding_idx());
    return weight;
  }
  XGRAD_CHECK(options._weight().dim() == 2 && options._weight().size(0) == options.num_embeddings() &&
                  options._weight().size(1) == options.embedding_dim(),
              "Shape of weight does not match num_embeddings and embedding_dim");
  return options._weight();
}

}  // namespace

Tensor functional::embedding(const Tensor& input, const Tensor& weight, const EmbeddingFuncOptions& options) {
  const int64_t padding_idx = resolve_padding_idx(options.padding_idx(), weight.dim() > 0 ? weight.size(0) : 0);
  Tensor input_ = input;
  if (options.max_norm()) {
    input_ = input.contiguous();
    NoGradGuard no_grad;
    Tensor w = weight;
    embedding_renorm_(w, input_, *options.max_norm(), options.norm_type());
  }
  return xgrad::embedding(weight, input_, padding_idx, options.scale_grad_by_freq(), options.sparse());
}

Tensor functional::embedding_bag(const Tensor& input, const Tensor& weight, const EmbeddingBagFuncOptions& options) {
  Tensor input_ = input, offsets = options.offsets(), psw = options.per_sample_weights();
  XGRAD_CHECK_T(ValueError, !psw.defined() || input.sizes() == psw.sizes(),
                "embedding_bag: If per_sample_weights ({}) is not None, then it must have the same shape as the input ({})",
                psw.defined() ? format_sizes(psw.sizes()) : std::string("None"), format_sizes(input.sizes()));
  if (input.dim() == 2) {
    XGRAD_CHECK_T(ValueError, !offsets.defined(),
                  "if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length "
                  "sequences. However, found offsets of type <class 'torch.Tensor'>");
    offsets = arange(0, input.numel(), input.size(1), kLong);
    input_ = input.reshape({-1});
    if (psw.defined()) psw = psw.reshape({-1});
  } else if (input.dim() == 1) {
    XGRAD_CHECK_T(ValueError, offsets.defined(), "offsets has to be a 1D Tensor but got None");
    XGRAD_CHECK_T(ValueError, offsets.dim() == 1, "offsets has to be a 1D Tensor");
  } else {
    XGRAD_CHECK_T(ValueError, false, "input has to be 1D or 2D Tensor, but got Tensor of dimension {}", input.dim());
  }
  const int64_t mode = options.mode().value();
  if (mode == 2) {
    XGRAD_CHECK_T(ValueError, !options.scale_grad_by_freq(),
                  "max mode does not support scaling the gradient by the frequency");
    XGRAD_CHECK_T(ValueError, !options.sparse(), "max mode does not support sparse weights");
  }
  if (options.max_norm()) {
    NoGradGuard no_grad;
    Tensor w = weight;
    embedding_renorm_(w, input_, *options.max_norm(), options.norm_type());
  }
  XGRAD_CHECK_T(NotImplementedError, !psw.defined() || mode == 0,
                "embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' "
                "(got mode='{}'). Please open a feature request on GitHub.",
                python_mode_name(options.mode()));
  const int64_t padding_idx = resolve_padding_idx(options.padding_idx(), weight.dim() > 0 ? weight.size(0) : 0);
  return std::get<0>(xgrad::embedding_bag(weight, input_, offsets, options.scale_grad_by_freq(), mode,
                                          options.sparse(), psw, options.include_last_offset(), padding_idx));
}

// ---- Embedding ----

EmbeddingImpl::EmbeddingImpl(EmbeddingOptions options_) : options(std::move(options_)) { reset(); }

void EmbeddingImpl::reset() { weight = register_parameter("weight", embedding_weight(options)); }

void EmbeddingImpl::reset_parameters() { init_embedding_weight(weight, options.padding_idx()); }

void EmbeddingImpl::pretty_print(std::ostream& stream) const {
  stream << std::boolalpha << "torch::nn::Embedding(num_embeddings=" << options.num_embeddings()
         << ", embedding_dim=" << options.embedding_dim();
  if (options.padding_idx()) stream << ", padding_idx=" << *options.padding_idx();
  if (options.max_norm()) stream << ", max_norm=" << *options.max_norm();
  if (options.norm_type() != 2) stream << ", norm_type=" << options.norm_type();
  if (options.scale_grad_by_freq()) stream << ", scale_grad_by_freq=" << options.scale_grad_by_freq();
  if (options.sparse()) stream << ", sparse=" << options.sparse();
  stream << ")";
}

Tensor EmbeddingImpl::forward(const Tensor& input) {
  return functional::embedding(input, weight,
                               functional::EmbeddingFuncOptions()
                                   .padding_idx(options.padding_idx())
                                   .max_norm(options.max_norm())
                                   .norm_type(options.norm_type())
                                   .scale_grad_by_freq(options.scale_grad_by_freq())
                                   .sparse(options.sparse()));
}

Embedding Embedding::from_pretrained(const Tensor& embeddings, const EmbeddingFromPretrainedOptions& options) {
  XGRAD_CHECK(embeddings.dim() == 2, "Embeddings parameter is expected to be 2-dimensional");
  Embedding embedding(EmbeddingOptions(embeddings.size(0), embeddings.size(1))
                          ._weight(embeddings)
                          .padding_idx(options.padding_idx())
                          .max_norm(options.max_norm())
                          .norm_type(options.norm_type())
                          .scale_grad_by_freq(options.scale_grad_by_freq())
                          .sparse(options.sparse()));
  embedding->weight.set_requires_grad(!options.freeze());
  return embedding;
}

// ---- EmbeddingBag ----

EmbeddingBagImpl::EmbeddingBagImpl(EmbeddingBagOptions options_) : options(std::move(options_)) { reset(); }

void EmbeddingBagImpl::reset() { weight = register_parameter("weight", embedding_weight(options)); }

void EmbeddingBagImpl::reset_parameters() { init_embedding_weight(weight, options.padding_idx()); }

void EmbeddingBagImpl::pretty_print(std::ostream& stream) const {
  stream << std::boolalpha << "torch::nn::EmbeddingBag(num_embeddings=" << options.num_embeddings()
         << ", embedding_dim=" << options.embedding_dim();
  if (options.max_norm()) stream << ", max_norm=" << *options.max_norm();
  if (options.norm_type() != 2) stream << ", norm_type=" << options.norm_type();
  if (options.scale_grad_by_freq()) stream << ", scale_grad_by_freq=" << options.scale_grad_by_freq();
  if (options.sparse()) stream << ", sparse=" << options.sparse();
  if (options.mode() != kMean) stream << ", mode=" << enumtype::get_enum_name(options.mode());
  if (options.include_last_offset()) stream << ", include_last_offset=" << options.include_last_offset();
  if (options.padding_idx()) stream << ", padding_idx=" << *options.padding_idx();
  stream << ")";
}

Tensor EmbeddingBagImpl::forward(const Tensor& input, const Tensor& offsets, const Tensor& per_sample_weights) {
  return functional::embedding_bag(input, weight,
                                   functional::EmbeddingBagFuncOptions()
                                       .offsets(offsets)
                                       .max_norm(options.max_norm())
                                       .norm_type(options.norm_type())
                                       .scale_grad_by_freq(options.scale_grad_by_freq())
                                       .mode(options.mode())
                                       .sparse(options.sparse())
                                       .per_sample_weights(per_sample_weights)
                                       .include_last_offset(options.include_last_offset())
                                       .padding_idx(options.padding_idx()));
}

EmbeddingBag EmbeddingBag::from_pretrained(const Tensor& embeddings, const EmbeddingBagFromPretrainedOptions& options) {
  XGRAD_CHECK(embeddings.dim() == 2, "Embeddings parameter is expected to be 2-dimensional");
  EmbeddingBag bag(EmbeddingBagOptions(embeddings.size(0), embeddings.size(1))
                       ._weight(embeddings)
                       .max_norm(options.max_norm())
                       .norm_type(options.norm_type())
                       .scale_grad_by_freq(options.scale_grad_by_freq())
                       .mode(options.mode())
                       .sparse(options.sparse())
                       .include_last_offset(options.include_last_offset())
                       .padding_idx(options.padding_idx()));
  bag->weight.set_requires_grad(!options.freeze());
  return bag;
}

}  // namespace nn
}  // namespace xgrad
