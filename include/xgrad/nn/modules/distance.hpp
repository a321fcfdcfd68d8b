// modules/distance.hpp: F::cosine_similarity, F::pairwise_distance (with their Options), F::pdist, and the
// modules nn::CosineSimilarity and nn::PairwiseDistance that hold them. The ops are in
// ops/distance.hpp (src/ops/distance.cpp). Read next: modules/linear.hpp (nn::Bilinear).
#pragma once

#include "xgrad/nn/module.hpp"
#include "xgrad/nn/options/distance.hpp"

namespace xgrad::nn {

namespace functional {
/// <x1, x2> / (max(||x1||, eps) max(||x2||, eps)) along options.dim().
Tensor cosine_similarity(const Tensor& x1, const Tensor& x2, const CosineSimilarityFuncOptions& options = {});
/// || x1 - x2 + eps ||_p over the last dimension.
Tensor pairwise_distance(const Tensor& x1, const Tensor& x2, const PairwiseDistanceFuncOptions& options = {});
/// The p-norm distance between every pair of rows of a 2-d input (torch::pdist).
Tensor pdist(const Tensor& input, double p = 2.0);
}  // namespace functional

class CosineSimilarityImpl : public Cloneable<CosineSimilarityImpl> {
 public:
  explicit CosineSimilarityImpl(const CosineSimilarityOptions& options_ = {}) : options(options_) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input1, const Tensor& input2);
  CosineSimilarityOptions options;
};
TORCH_MODULE(CosineSimilarity);

class PairwiseDistanceImpl : public Cloneable<PairwiseDistanceImpl> {
 public:
  explicit PairwiseDistanceImpl(const PairwiseDistanceOptions& options_ = {}) : options(options_) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input1, const Tensor& input2);
  PairwiseDistanceOptions options;
};
TORCH_MODULE(PairwiseDistance);

}  // namespace xgrad::nn
