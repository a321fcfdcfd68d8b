// shape.hpp: the shape rules every layer shares: wrapping a negative dim, the shape two shapes
// broadcast to, whether one shape broadcasts to another, and sum_to, which undoes a broadcast
// (the engine applies it to every gradient it hands along: Note [Broadcasting and gradients] in
// src/autograd/engine.cpp). Read next: tensor.hpp.
#pragma once

#include <cstdint>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// Wraps a possibly negative dim into [0, ndim), throwing PyTorch's IndexError when out of range.
int64_t maybe_wrap_dim(int64_t dim, int64_t ndim);
/// The shape two shapes broadcast to, or PyTorch's error.
DimVector infer_size(IntArrayRef a, IntArrayRef b);
/// Whether `shape` broadcasts to `desired`.
bool is_expandable_to(IntArrayRef shape, IntArrayRef desired);
/// Sums `x` down to `shape`, which x's shape must be a broadcast of (x itself if it has that shape).
Tensor sum_to(const Tensor& x, IntArrayRef shape);

}  // namespace xgrad
