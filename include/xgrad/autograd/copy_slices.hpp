// copy_slices.hpp: CopySlices, the node a base tensor's history becomes when one of its views is
// written in place (See Note [Views and in-place ops] in autograd_meta.hpp), and TensorGeometry,
// the sizes/strides/offset it keeps of the base and of the view. Read next:
// src/autograd/copy_slices.cpp, then src/autograd/view.cpp.
#pragma once

#include <memory>
#include <string>

#include "xgrad/autograd/node.hpp"

namespace xgrad::autograd {

/// Where a tensor lies in its storage: sizes, strides and offset (in elements).
struct TensorGeometry {
  TensorGeometry() = default;
  explicit TensorGeometry(const Tensor& t)
      : sizes(t.sizes()), strides(t.strides()), storage_offset(t.storage_offset()) {}
  DimVector sizes;
  DimVector strides;
  int64_t storage_offset = 0;
};

/// base.grad_fn after view.op_(...): with `fn` the in-place op's node (its input 0 the view's old
/// values, its other inputs the op's operands),
///
///     backward(grad of base):  result = grad (copied);  slice = result's part the view covers;
///                              grads of fn = fn(slice);  slice = grad of fn's input 0;
///                              -> (result, grads of fn's other inputs)
///
/// Edges: 0 to the base's previous history, then fn's edges 1... (fn's edge 0, to the view's old
/// history, is never followed: the slice of the base's gradient replaces it).
class CopySlices final : public Node {
 public:
  CopySlices(const Tensor& base, TensorGeometry view, std::shared_ptr<Node> fn);
  ~CopySlices() override;
  std::string name() const override { return "CopySlices"; }
  variable_list apply(variable_list&& grads) override;
  void release_variables() override;
  /// The in-place op's node, wrapped.
  const std::shared_ptr<Node>& fn() const { return fn_; }

 private:
  TensorGeometry base_;
  TensorGeometry view_;
  std::shared_ptr<Node> fn_;
  bool released_ = false;
};

}  // namespace xgrad::autograd
