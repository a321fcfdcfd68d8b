// autograd_meta.hpp: the autograd state of one tensor beyond its identity in the graph (which
// TensorImpl holds: requires_grad, grad_fn, output_nr): its .grad, its hooks, retain_grad, and a
// leaf's AccumulateGrad node, held weakly. A leaf has no grad_fn; its gradients reach it through
// that AccumulateGrad. Read next: node.hpp.
#pragma once

#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "xgrad/core/tensor.hpp"

namespace xgrad::autograd {

using TensorHook = std::function<Tensor(const Tensor&)>;

struct AutogradMeta {
  bool retains_grad = false;
  Tensor grad;
  std::weak_ptr<Node> grad_accumulator;  // a leaf's AccumulateGrad, while a graph uses it
  std::vector<std::pair<unsigned, TensorHook>> hooks;  // a leaf's hooks (a non-leaf's live on grad_fn)
};

/// The tensor's AutogradMeta, created on first use.
AutogradMeta& materialize_autograd_meta(const Tensor& t);
/// The tensor's AutogradMeta, or nullptr if it has none.
inline AutogradMeta* autograd_meta(const Tensor& t) { return t.unsafeGetTensorImpl()->autograd.get(); }
/// Makes `t` the output number `output_nr` of `fn`.
void set_history(const Tensor& t, const std::shared_ptr<Node>& fn, uint32_t output_nr);
/// A leaf's AccumulateGrad node (created if no graph holds one now).
std::shared_ptr<Node> grad_accumulator(const Tensor& leaf);

}  // namespace xgrad::autograd
