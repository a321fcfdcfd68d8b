// options/embedding.hpp: the options of nn::Embedding and nn::EmbeddingBag, of their
// from_pretrained and of F::embedding / F::embedding_bag, as libtorch spells them:
// `EmbeddingOptions(10, 3).padding_idx(0).max_norm(1.0)`, `EmbeddingBagOptions(10, 3).mode(torch::kSum)`.
// Read next: modules/embedding.hpp.
#pragma once

#include <cstdint>
#include <optional>

#include "xgrad/core/tensor.hpp"
#include "xgrad/nn/options/arg.hpp"
#include "xgrad/nn/options/loss.hpp"

namespace xgrad {

/// torch::kMax, the third mode of EmbeddingBag (kSum and kMean are the loss reductions' constants).
enum class EmbeddingBagMax { Max };
constexpr EmbeddingBagMax kMax = EmbeddingBagMax::Max;

namespace nn {

/// How EmbeddingBag reduces a bag: torch::kSum, torch::kMean or torch::kMax (libtorch: a variant of
/// the three; here one class that accepts them and refuses kNone / kBatchMean).
class EmbeddingBagMode {
 public:
  EmbeddingBagMode(LossReduction r) : mode_(r == kSum ? 0 : 1) {  // NOLINT(google-explicit-constructor)
    XGRAD_CHECK(r == kSum || r == kMean, "mode has to be one of sum, mean or max");
  }
  EmbeddingBagMode(EmbeddingBagMax) : mode_(2) {}  // NOLINT(google-explicit-constructor)
  /// ATen's mode number: 0 sum, 1 mean, 2 max.
  int64_t value() const { return mode_; }
  bool operator==(LossReduction r) const { return mode_ == (r == kSum ? 0 : r == kMean ? 1 : -1); }
  bool operator==(EmbeddingBagMax) const { return mode_ == 2; }
  template <class T>
  bool operator!=(T other) const { return !(*this == other); }

 private:
  int64_t mode_;
};

struct EmbeddingOptions {
  EmbeddingOptions(int64_t num_embeddings, int64_t embedding_dim)
      : num_embeddings_(num_embeddings), embedding_dim_(embedding_dim) {}
  XGRAD_ARG(int64_t, num_embeddings);
  XGRAD_ARG(int64_t, embedding_dim);
  /// The row that gets no gradient (and is initialised to zeros); negative counts from the end.
  XGRAD_ARG(std::optional<int64_t>, padding_idx) = std::nullopt;
  /// Rows looked up are renormalised in place to at most this norm.
  XGRAD_ARG(std::optional<double>, max_norm) = std::nullopt;
  XGRAD_ARG(double, norm_type) = 2.;
  /// Divide each row's gradient by how often its index occurs in the batch.
  XGRAD_ARG(bool, scale_grad_by_freq) = false;
  /// A sparse gradient: not supported by xgrad (forward throws).
  XGRAD_ARG(bool, sparse) = false;
  /// A weight to use instead of a freshly initialised one.
  XGRAD_ARG(Tensor, _weight) = Tensor();
};

struct EmbeddingFromPretrainedOptions {
  /// Whether the weight stays fixed (requires_grad false).
  XGRAD_ARG(bool, freeze) = true;
  XGRAD_ARG(std::optional<int64_t>, padding_idx) = std::nullopt;
  XGRAD_ARG(std::optional<double>, max_norm) = std::nullopt;
  XGRAD_ARG(double, norm_type) = 2.;
  XGRAD_ARG(bool, scale_grad_by_freq) = false;
  XGRAD_ARG(bool, sparse) = false;
};

struct EmbeddingBagOptions {
  EmbeddingBagOptions(int64_t num_embeddings, int64_t embedding_dim)
      : num_embeddings_(num_embeddings), embedding_dim_(embedding_dim) {}
  XGRAD_ARG(int64_t, num_embeddings);
  XGRAD_ARG(int64_t, embedding_dim);
  XGRAD_ARG(std::optional<double>, max_norm) = std::nullopt;
  XGRAD_ARG(double, norm_type) = 2.;
  XGRAD_ARG(bool, scale_grad_by_freq) = false;
  XGRAD_ARG(EmbeddingBagMode, mode) = kMean;
  XGRAD_ARG(bool, sparse) = false;
  XGRAD_ARG(Tensor, _weight) = Tensor();
  /// offsets has one more entry than there are bags: the end of the last bag.
  XGRAD_ARG(bool, include_last_offset) = false;
  XGRAD_ARG(std::optional<int64_t>, padding_idx) = std::nullopt;
};

struct EmbeddingBagFromPretrainedOptions {
  XGRAD_ARG(bool, freeze) = true;
  XGRAD_ARG(std::optional<double>, max_norm) = std::nullopt;
  XGRAD_ARG(double, norm_type) = 2.;
  XGRAD_ARG(bool, scale_grad_by_freq) = false;
  XGRAD_ARG(EmbeddingBagMode, mode) = kMean;
  XGRAD_ARG(bool, sparse) = false;
  XGRAD_ARG(bool, include_last_offset) = false;
  XGRAD_ARG(std::optional<int64_t>, padding_idx) = std::nullopt;
};

namespace functional {
struct EmbeddingFuncOptions {
  XGRAD_ARG(std::optional<int64_t>, padding_idx) = std::nullopt;
  XGRAD_ARG(std::optional<double>, max_norm) = std::nullopt;
  XGRAD_ARG(double, norm_type) = 2.;
  XGRAD_ARG(bool, scale_grad_by_freq) = false;
  XGRAD_ARG(bool, sparse) = false;
};

struct EmbeddingBagFuncOptions {
  /// Where each bag starts in a 1-d input (none for a 2-d input: one bag per row).
  XGRAD_ARG(Tensor, offsets) = Tensor();
  XGRAD_ARG(std::optional<double>, max_norm) = std::nullopt;
  XGRAD_ARG(double, norm_type) = 2.;
  XGRAD_ARG(bool, scale_grad_by_freq) = false;
  XGRAD_ARG(EmbeddingBagMode, mode) = kMean;
  XGRAD_ARG(bool, sparse) = false;
  /// One weight per index, multiplying its row (mode kSum only).
  XGRAD_ARG(Tensor, per_sample_weights) = Tensor();
  XGRAD_ARG(bool, include_last_offset) = false;
  XGRAD_ARG(std::optional<int64_t>, padding_idx) = std::nullopt;
};
}  // namespace functional

}  // namespace nn

namespace enumtype {
/// "kSum", "kMean" or "kMax".
const char* get_enum_name(nn::EmbeddingBagMode mode);
}  // namespace enumtype

}  // namespace xgrad
