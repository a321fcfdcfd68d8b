// trace.hpp: watching the engine work (an xgrad addition, for learning how backward runs).
// While an EngineTraceGuard lives, or for a whole program run with XGRAD_TRACE_BACKWARD=1 in the
// environment, every backward prints each node as it runs: its name, the shapes of the gradients
// it receives and returns, and for AccumulateGrad the leaf whose .grad receives the gradient:
//
//   backward from NllLossBackward0: 3 nodes
//      1. NllLossBackward0       in []         out [3, 5]
//      2. LogSoftmaxBackward0    in [3, 5]     out [3, 5]
//      3. AccumulateGrad         in [3, 5]     -> .grad of leaf [3, 5] float32 (new)
//
// ("in []": the gradient of a scalar loss has shape []; "-": no gradient for that input.)
// Read next: autograd/anomaly_mode.hpp.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "xgrad/core/tensor.hpp"

namespace xgrad::autograd {

class Node;

/// Traces every backward on this thread to `out` for the guard's lifetime.
class EngineTraceGuard {
 public:
  explicit EngineTraceGuard(std::ostream& out);
  EngineTraceGuard();  // to std::cout
  ~EngineTraceGuard();
  EngineTraceGuard(const EngineTraceGuard&) = delete;
  EngineTraceGuard& operator=(const EngineTraceGuard&) = delete;

 private:
  std::ostream* previous_;
};

namespace detail {
/// What the engine calls while tracing; null when tracing is off.
class EngineTracer {
 public:
  explicit EngineTracer(std::ostream& out) : out_(out) {}
  /// At the start of a backward: the nodes it may run (for the header and the column width).
  void start(const Node& root, const std::vector<Node*>& nodes);
  /// Before a node runs: remembers the gradients it receives.
  void before(const Node& fn, const variable_list& grads);
  /// After it ran: prints its line.
  void after(const Node& fn, const variable_list& grads);
  /// A node the engine reached but did not run (nothing to compute behind it, or grad() not
  /// accumulating into leaves).
  void skipped(const Node& fn, const char* why);

 private:
  std::ostream& out_;
  size_t step_ = 0;
  size_t width_ = 22;  // of the name column
  std::string received_;
  std::string leaf_;
};
/// A tracer for one backward, or null when tracing is off; the engine asks once per backward.
std::unique_ptr<EngineTracer> make_engine_tracer();
/// Whether backward on this thread is traced now (a guard lives, or XGRAD_TRACE_BACKWARD is set).
bool tracing();
}  // namespace detail

}  // namespace xgrad::autograd
