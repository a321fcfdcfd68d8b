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
// A SavedTensor therefore keeps an output's data as a plain alias of the storage, without autograd
// state, and refers to its grad_fn weakly; with create_graph, unpack() rebuilds a tensor attached
// to that grad_fn, so double backward flows through the first graph. An input of the op is older
// than the node and cannot own it, so it is simply kept, grad_fn and all (see Note [Destroying
// long graphs] in node.cpp for the one consequence).
#pragma once

#include <memory>

#include "xgrad/autograd/node.hpp"

namespace xgrad::autograd {

/// PyTorch's error for reading saved tensors after backward freed them (retain_graph=False).
extern const char* const kFreedSavedTensorsMessage;

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
  /// Whether backward has freed it (unpack() would throw).
  bool released() const { return released_; }
  /// The saved data as is, unchecked, for display (sizes and dtype); undefined once released.
  const Tensor& peek() const { return data_; }

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
  Tensor input_;                     // an input of the saving op is kept whole
};

}  // namespace xgrad::autograd
