// grad_mode.hpp: whether ops record the graph. Thread-local, as in PyTorch: a NoGradGuard in one
// thread leaves other threads recording. Read next: autograd/node.hpp.
#pragma once

namespace xgrad {

struct GradMode {
  static bool is_enabled();
  static void set_enabled(bool enabled);
};

/// Sets grad mode for a scope and restores the previous mode when the scope ends.
class AutoGradMode {
 public:
  explicit AutoGradMode(bool enabled) : prev_(GradMode::is_enabled()) { GradMode::set_enabled(enabled); }
  ~AutoGradMode() { GradMode::set_enabled(prev_); }
  AutoGradMode(const AutoGradMode&) = delete;
  AutoGradMode& operator=(const AutoGradMode&) = delete;

 private:
  bool prev_;
};

/// `torch::NoGradGuard no_grad;`: nothing in this scope is recorded (Python's `with torch.no_grad()`).
class NoGradGuard : public AutoGradMode {
 public:
  NoGradGuard() : AutoGradMode(false) {}
};

namespace autograd {
using xgrad::AutoGradMode;
using xgrad::GradMode;
}  // namespace autograd

}  // namespace xgrad
