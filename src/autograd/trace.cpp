// trace.cpp: the engine trace of trace.hpp: one line per node, in the order the engine runs them.
#include "xgrad/autograd/trace.hpp"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "xgrad/autograd/node.hpp"
#include "xgrad/core/format.hpp"

namespace xgrad::autograd {

namespace {

/// The stream of the innermost guard on this thread (null: none).
std::ostream*& guard_stream() {
  thread_local std::ostream* stream = nullptr;
  return stream;
}

/// XGRAD_TRACE_BACKWARD=1 (or any value but 0) traces to stdout for the whole program.
bool traced_by_environment() {
  static const bool on = [] {
    const char* v = std::getenv("XGRAD_TRACE_BACKWARD");
    return v != nullptr && *v != '\0' && std::string(v) != "0";
  }();
  return on;
}

/// "[3, 5]" for one gradient, "[3, 5], -" for several ("-": none), "[ ]" for no gradient at all.
std::string shapes(const variable_list& grads) {
  if (grads.empty()) return "[ ]";
  std::string out;
  for (size_t i = 0; i < grads.size(); ++i)
    out += (i ? ", " : "") + (grads[i].defined() ? format_sizes(grads[i].sizes()) : std::string("-"));
  return out;
}

}  // namespace

EngineTraceGuard::EngineTraceGuard(std::ostream& out) : previous_(guard_stream()) { guard_stream() = &out; }
EngineTraceGuard::EngineTraceGuard() : EngineTraceGuard(std::cout) {}
EngineTraceGuard::~EngineTraceGuard() { guard_stream() = previous_; }

namespace detail {

std::unique_ptr<EngineTracer> make_engine_tracer() {
  std::ostream* out = guard_stream();
  if (out == nullptr && traced_by_environment()) out = &std::cout;
  if (out == nullptr) return nullptr;
  return std::make_unique<EngineTracer>(*out);
}

bool tracing() { return guard_stream() != nullptr || traced_by_environment(); }

void EngineTracer::start(const Node& root, const std::vector<Node*>& nodes) {
  for (const Node* fn : nodes) width_ = std::max(width_, fn->name().size() + 1);
  out_ << "backward from " << root.name() << ": " << nodes.size() << (nodes.size() == 1 ? " node\n" : " nodes\n");
}

void EngineTracer::before(const Node& fn, const variable_list& grads) {
  received_ = shapes(grads);
  leaf_.clear();
  if (const auto* acc = dynamic_cast<const AccumulateGrad*>(&fn)) {
    const Tensor& leaf = acc->variable();
    leaf_ = fmt::format("-> .grad of leaf {} {} ({})", format_sizes(leaf.sizes()), dtype_name(leaf.scalar_type()),
                        leaf.grad().defined() ? "added to the gradient already there" : "new");
  }
}

void EngineTracer::after(const Node& fn, const variable_list& grads) {
  const std::string result = leaf_.empty() ? "out " + shapes(grads) : leaf_;
  out_ << fmt::format("  {:>2}. {:<{}} in {:<10} {}\n", ++step_, fn.name(), width_, received_, result);
}

void EngineTracer::skipped(const Node& fn, const char* why) {
  out_ << fmt::format("   -. {:<{}} not run: {}\n", fn.name(), width_, why);
}

}  // namespace detail

}  // namespace xgrad::autograd
