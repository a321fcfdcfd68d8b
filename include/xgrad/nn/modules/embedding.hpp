// modules/embedding.hpp: nn::Embedding (a lookup table of learnt vectors), nn::EmbeddingBag (the
// vectors of each bag of indices summed, averaged or maxed), their from_pretrained, and
// F::embedding / F::embedding_bag, as libtorch has them (the ops are in ops/embedding.hpp).
// Read next: src/nn/modules/embedding.cpp.
#pragma once

#include "xgrad/nn/module.hpp"
#include "xgrad/nn/options/embedding.hpp"
#include "xgrad/ops/embedding.hpp"

namespace xgrad::nn {

namespace functional {
/// weight's rows at input's indices: (*) -> (*, embedding_dim). With max_norm the rows named in
/// input are first renormalised in place (no graph), as PyTorch does.
Tensor embedding(const Tensor& input, const Tensor& weight, const EmbeddingFuncOptions& options = {});
/// One reduced row per bag: input 1-d with offsets, or 2-d (one bag per row) without.
Tensor embedding_bag(const Tensor& input, const Tensor& weight, const EmbeddingBagFuncOptions& options = {});
}  // namespace functional

class EmbeddingImpl : public Cloneable<EmbeddingImpl> {
 public:
  EmbeddingImpl(int64_t num_embeddings, int64_t embedding_dim)
      : EmbeddingImpl(EmbeddingOptions(num_embeddings, embedding_dim)) {}
  explicit EmbeddingImpl(EmbeddingOptions options_);
  /// Checks padding_idx (a negative one counts from the end) and creates the weight (or takes _weight).
  void reset() override;
  /// weight ~ N(0, 1), then the padding row set to zero.
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);

  EmbeddingOptions options;
  Tensor weight;
};

class Embedding : public ModuleHolder<EmbeddingImpl> {
 public:
  using ModuleHolder<EmbeddingImpl>::ModuleHolder;
  /// An Embedding whose weight is `embeddings` (2-d), frozen unless options.freeze(false).
  static Embedding from_pretrained(const Tensor& embeddings, const EmbeddingFromPretrainedOptions& options = {});
};

class EmbeddingBagImpl : public Cloneable<EmbeddingBagImpl> {
 public:
  EmbeddingBagImpl(int64_t num_embeddings, int64_t embedding_dim)
      : EmbeddingBagImpl(EmbeddingBagOptions(num_embeddings, embedding_dim)) {}
  explicit EmbeddingBagImpl(EmbeddingBagOptions options_);
  void reset() override;
  /// weight ~ N(0, 1), then the padding row set to zero.
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input, const Tensor& offsets = {}, const Tensor& per_sample_weights = {});

  EmbeddingBagOptions options;
  Tensor weight;
};

class EmbeddingBag : public ModuleHolder<EmbeddingBagImpl> {
 public:
  using ModuleHolder<EmbeddingBagImpl>::ModuleHolder;
  /// An EmbeddingBag whose weight is `embeddings` (2-d), frozen unless options.freeze(false).
  static EmbeddingBag from_pretrained(const Tensor& embeddings, const EmbeddingBagFromPretrainedOptions& options = {});
};

}  // namespace xgrad::nn
