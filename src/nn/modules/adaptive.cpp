// modules/adaptive.cpp: AdaptiveLogSoftmaxWithLoss, composed of Linear, log_softmax, gather and the
// index ops as Python's torch.nn.AdaptiveLogSoftmaxWithLoss composes them (so grad_fn chains
// and initialisation draws are PyTorch's). Read next: modules/loss.hpp.
#include "xgrad/nn/modules/adaptive.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/ops/activation.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/tensor_indexing.hpp"

namespace xgrad::nn {

using indexing::None;
using indexing::Slice;

AdaptiveLogSoftmaxWithLossImpl::AdaptiveLogSoftmaxWithLossImpl(AdaptiveLogSoftmaxWithLossOptions options_)
    : options(std::move(options_)) {
  reset();
}

void AdaptiveLogSoftmaxWithLossImpl::reset() {
  const auto& c = options.cutoffs();
  XGRAD_CHECK_T(ValueError,
                !c.empty() && std::is_sorted(c.begin(), c.end()) && *std::min_element(c.begin(), c.end()) > 0 &&
                    *std::max_element(c.begin(), c.end()) <= options.n_classes() - 1 &&
                    std::set<int64_t>(c.begin(), c.end()).size() == c.size(),
                "cutoffs should be a sequence of unique, positive integers sorted in an increasing order, where "
                "each value is between 1 and n_classes-1");
  // Python computes in_features // div_value ** (i + 1) and fails on a zero div_value there.
  XGRAD_CHECK_T(ValueError, options.div_value() != 0, "float floor division by zero");
  cutoffs = c;
  cutoffs.push_back(options.n_classes());
  shortlist_size = cutoffs[0];
  n_clusters = static_cast<int64_t>(cutoffs.size()) - 1;
  head_size = shortlist_size + n_clusters;
  head = register_module("head", Linear(LinearOptions(options.in_features(), head_size).bias(options.head_bias())));
  tail = register_module("tail", ModuleList());
  for (int64_t i = 0; i < n_clusters; ++i) {
    const auto hsz = static_cast<int64_t>(
        std::floor(static_cast<double>(options.in_features()) / std::pow(options.div_value(), i + 1)));
    const int64_t osz = cutoffs[i + 1] - cutoffs[i];
    // Made one after the other (function arguments have no order): their draws are PyTorch's.
    Linear i2h(LinearOptions(options.in_features(), hsz).bias(false));
    Linear h2o(LinearOptions(hsz, osz).bias(false));
    tail->push_back(Sequential(i2h, h2o));
  }
}

void AdaptiveLogSoftmaxWithLossImpl::reset_parameters() {
  head->reset_parameters();
  for (size_t i = 0; i < tail->size(); ++i) {
    auto& projection = tail->at<SequentialImpl>(i);
    std::dynamic_pointer_cast<LinearImpl>(projection.ptr(0))->reset_parameters();
    std::dynamic_pointer_cast<LinearImpl>(projection.ptr(1))->reset_parameters();
  }
}

void AdaptiveLogSoftmaxWithLossImpl::pretty_print(std::ostream& stream) const {
  stream << "torch::nn::AdaptiveLogSoftmaxWithLoss";
}

/// output[n] = head_logprob[n, t] for a target t in the shortlist; for t in cluster i,
/// head_logprob[n, shortlist_size + i] + log_softmax(tail[i](input[n]))[t - cutoff_i].
/// loss = mean(-output). Rows of each cluster go through its projection together (index_select),
/// their log-probabilities are written with index_copy_, as Python does.
ASMoutput AdaptiveLogSoftmaxWithLossImpl::forward(const Tensor& input_, const Tensor& target_) {
  const int64_t targ_dim = target_.dim();
  if (targ_dim == 1) {
    XGRAD_CHECK(input_.size(0) == target_.size(0),
                "Input and target should have the same size in the batch dimension.");
    XGRAD_CHECK(input_.dim() == 2, "1D target tensor expects 2D input tensors, but found inputs with size {}",
                format_sizes(input_.sizes()));
  } else if (targ_dim == 0) {
    XGRAD_CHECK(input_.dim() == 1, "0D target tensor expects 1D input tensors, but found inputs with size {}",
                format_sizes(input_.sizes()));
  } else {
    throw Error("0D or 1D target tensor expected, multi-target not supported");
  }
  const bool is_batched = targ_dim > 0;
  const Tensor input = is_batched ? input_ : input_.unsqueeze(0);
  const Tensor target = is_batched ? target_ : target_.unsqueeze(0);

  int64_t used_rows = 0;
  const int64_t batch_size = target.size(0);
  Tensor output = zeros({batch_size}, input.options());
  Tensor gather_inds = empty({batch_size}, target.options());
  std::vector<int64_t> cutoff_values = cutoffs;
  cutoff_values.insert(cutoff_values.begin(), 0);
  for (size_t i = 0; i + 1 < cutoff_values.size(); ++i) {
    const int64_t low_idx = cutoff_values[i], high_idx = cutoff_values[i + 1];
    const Tensor target_mask = logical_and(target >= low_idx, target < high_idx);
    // Python squeezes nonzero()'s (k, 1) to k; one index stays 1-d here (the same rows).
    const Tensor row_indices = target_mask.nonzero().reshape({-1});
    if (row_indices.numel() == 0) continue;
    if (i == 0) {
      gather_inds.index_copy_(0, row_indices, target.index({target_mask}));
    } else {
      const Tensor relative_target = target.index({target_mask}) - low_idx;
      const Tensor input_subset = input.index_select(0, row_indices);
      const Tensor cluster_output = tail->at<SequentialImpl>(i - 1).forward(input_subset);
      const int64_t cluster_index = shortlist_size + static_cast<int64_t>(i) - 1;
      gather_inds.index_fill_(0, row_indices, cluster_index);
      const Tensor cluster_logprob = log_softmax(cluster_output, 1);
      const Tensor local_logprob = cluster_logprob.gather(1, relative_target.unsqueeze(1));
      output.index_copy_(0, row_indices, local_logprob.squeeze(1));
    }
    used_rows += row_indices.numel();
  }
  XGRAD_CHECK(used_rows == batch_size,
              "Target values should be in [0, {}], but values in range [{}, {}] were found. ", options.n_classes() - 1,
              target.min().item<int64_t>(), target.max().item<int64_t>());
  const Tensor head_output = head(input);
  const Tensor head_logprob = log_softmax(head_output, 1);
  output += head_logprob.gather(1, gather_inds.unsqueeze(1)).squeeze();
  const double loss = (-output).mean().item<double>();
  if (!is_batched) output = output.squeeze(0);
  return ASMoutput(output, loss);
}

Tensor AdaptiveLogSoftmaxWithLossImpl::_get_full_log_prob(const Tensor& input, const Tensor& head_output) {
  Tensor out = empty({head_output.size(0), options.n_classes()}, input.options());
  const Tensor head_logprob = log_softmax(head_output, 1);
  out.index_put_({Slice(), Slice(None, shortlist_size)}, head_logprob.index({Slice(), Slice(None, shortlist_size)}));
  for (size_t i = 0; i + 1 < cutoffs.size(); ++i) {
    const int64_t start_idx = cutoffs[i], stop_idx = cutoffs[i + 1];
    const Tensor cluster_output = tail->at<SequentialImpl>(i).forward(input);
    const Tensor cluster_logprob = log_softmax(cluster_output, 1);
    const Tensor output_logprob =
        cluster_logprob + head_logprob.index({Slice(), shortlist_size + static_cast<int64_t>(i)}).unsqueeze(1);
    out.index_put_({Slice(), Slice(start_idx, stop_idx)}, output_logprob);
  }
  return out;
}

Tensor AdaptiveLogSoftmaxWithLossImpl::log_prob(const Tensor& input) {
  const Tensor head_output = head(input);
  return _get_full_log_prob(input, head_output);
}

Tensor AdaptiveLogSoftmaxWithLossImpl::predict(const Tensor& input) {
  const Tensor head_output = head(input);
  Tensor output = argmax(head_output, 1);
  const Tensor not_in_shortlist = output >= shortlist_size;
  if (!not_in_shortlist.any().item<bool>()) return output;
  if (not_in_shortlist.all().item<bool>()) return argmax(_get_full_log_prob(input, head_output), 1);
  const Tensor log_prob = _get_full_log_prob(input.index({not_in_shortlist}), head_output.index({not_in_shortlist}));
  output.index_put_({not_in_shortlist}, argmax(log_prob, 1));
  return output;
}

}  // namespace xgrad::nn
