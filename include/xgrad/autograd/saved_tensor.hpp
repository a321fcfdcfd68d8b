// saved_tensor.hpp: SavedTensor, a tensor an op keeps for its backward (PyTorch's SavedVariable).
// Read next: record.hpp, where ops save tensors this way.
//
// Note [Version counters]
// Every Storage counts the in-place writes made to it. A SavedTensor remembers the count when it
// was saved; if the count has moved by the time backward unpacks it, the values backward needs are
// gone, and unpack() throws PyTorch's "modified by an inplace operation" error.
//
// Note [Saving without cycles]
// An op that saves its own output (sigmoid saves y) must not own its node through it: the output
// owns the node (as grad_fn), so the node owning the output would be a cycle that never frees.
// A SavedTensor therefore keeps the data (a plain alias of the storage, without autograd state)
// and refers to the tensor's grad_fn weakly. For the op's inputs the weak reference is enough as
// well: the node already owns their grad_fns through its next_edges. When backward runs with grad
// mode off (the usual case) unpack() returns the plain alias; with create_graph it rebuilds a
// tensor attached to the original grad_fn, so double backward flows through the first graph.
#pragma once

#include <memory>

#include "xgrad/autograd/node.hpp"

namespace xgrad::autograd {

class SavedTensor {
 public:
  SavedTensor() = default;
  /// `is_output`: the tensor is an output of the node that saves it (see Note [Saving without cycles]).
  /// `keep_grad_fn`: hold grad_fn strongly, for tensors that are not among the node's inputs.
  SavedTensor(const Tensor& t, bool is_output, bool keep_grad_fn = false);

  /// The saved tensor, after checking that no in-place op changed it (Note [Version counters]).
  Tensor unpack() const;
  /// Frees the data (after backward, unless retain_graph); unpack() then throws.
  void reset();
  bool defined() const { return defined_; }

 private:
  Tensor data_;                      // shares the storage; has no autograd state
  uint32_t version_ = 0;
  bool defined_ = false;
  bool released_ = false;
  bool requires_grad_ = false;
  uint32_t output_nr_ = 0;
  std::weak_ptr<Node> weak_grad_fn_;
  std::shared_ptr<Node> strong_grad_fn_;
  Tensor leaf_;                      // a leaf that requires grad is kept whole
};

}  // namespace xgrad::autograd
