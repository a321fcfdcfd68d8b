// modules/distance.cpp: the F:: forms of cosine_similarity and pairwise_distance (options in,
// ops/distance.hpp called) and their modules' printing (libtorch's strings) and forward.
#include "xgrad/nn/modules/distance.hpp"

#include "xgrad/ops/distance.hpp"

namespace xgrad::nn {

Tensor functional::cosine_similarity(const Tensor& x1, const Tensor& x2, const CosineSimilarityFuncOptions& options) {
  return xgrad::cosine_similarity(x1, x2, options.dim(), options.eps());
}

Tensor functional::pdist(const Tensor& input, double p) { return xgrad::pdist(input, p); }

Tensor functional::pairwise_distance(const Tensor& x1, const Tensor& x2, const PairwiseDistanceFuncOptions& options) {
  return xgrad::pairwise_distance(x1, x2, options.p(), options.eps(), options.keepdim());
}

void CosineSimilarityImpl::pretty_print(std::ostream& stream) const {
  stream << "torch::nn::CosineSimilarity(dim=" << options.dim() << ", eps=" << options.eps() << ")";
}
Tensor CosineSimilarityImpl::forward(const Tensor& input1, const Tensor& input2) {
  return functional::cosine_similarity(input1, input2, options);
}

void PairwiseDistanceImpl::pretty_print(std::ostream& stream) const {
  stream << std::boolalpha << "torch::nn::PairwiseDistance(p=" << options.p() << ", eps=" << options.eps()
         << ", keepdim=" << options.keepdim() << ")";
}
Tensor PairwiseDistanceImpl::forward(const Tensor& input1, const Tensor& input2) {
  return functional::pairwise_distance(input1, input2, options);
}

}  // namespace xgrad::nn
