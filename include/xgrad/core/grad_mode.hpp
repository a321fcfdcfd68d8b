// grad_mode.hpp: whether ops record the graph. Thread-local, as in PyTorch: a NoGradGuard in one
// thread leaves other threads recording. InferenceMode goes further (Note [Inference tensors]).
// Read next: autograd/node.hpp.
//
// Note [Inference tensors]
// Under `c10::InferenceMode guard;` grad mode is off and every tensor made is an *inference
// tensor* (Tensor::is_inference()): a tensor autograd will never see. PyTorch's rules, kept here:
//  - a view of an inference tensor is an inference tensor, and no view for autograd; a view of a
//    normal tensor made in inference mode stays normal, a view with CreationMeta::INFERENCE_MODE
//    (it refuses in-place writes while autograd records, as a no_grad view does);
//  - an op records only if some input is a normal tensor (inference tensors alone never record),
//    and an inference tensor cannot be saved for backward ("Inference tensors cannot be saved...");
//  - outside inference mode an inference tensor may not be written in place, nor be made to
//    require grad, and it has no version counter to read (_version() throws).
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

/// `c10::InferenceMode guard;`: grad mode off and new tensors are inference tensors for the scope
/// (See Note [Inference tensors]); `InferenceMode guard(false)` turns both back to normal inside
/// an inference-mode scope. Restores the previous state when the scope ends. Thread-local.
class InferenceMode {
 public:
  InferenceMode(bool enabled = true)  // NOLINT(google-explicit-constructor): as libtorch's
      : prev_grad_(GradMode::is_enabled()), prev_inference_(is_enabled()) {
    GradMode::set_enabled(!enabled);
    set_enabled(enabled);
  }
  ~InferenceMode() {
    GradMode::set_enabled(prev_grad_);
    set_enabled(prev_inference_);
  }
  InferenceMode(const InferenceMode&) = delete;
  InferenceMode& operator=(const InferenceMode&) = delete;
  static bool is_enabled();

 private:
  static void set_enabled(bool enabled);
  bool prev_grad_;
  bool prev_inference_;
};

/// libtorch's deprecated `at::AutoNonVariableTypeMode` (it hid the autograd kernels): here grad
/// mode off for the scope, with libtorch's deprecation warning.
class AutoNonVariableTypeMode : public AutoGradMode {
 public:
  explicit AutoNonVariableTypeMode(bool enabled = true);
};

namespace autograd {
using xgrad::AutoGradMode;
using xgrad::InferenceMode;
using xgrad::GradMode;
}  // namespace autograd

}  // namespace xgrad
