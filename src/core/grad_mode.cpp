// grad_mode.cpp: the thread-local switch behind NoGradGuard.
#include "xgrad/core/grad_mode.hpp"

#include "xgrad/core/macros.hpp"

namespace xgrad {

namespace {
thread_local bool grad_mode_enabled = true;
thread_local bool inference_mode_enabled = false;
}

bool GradMode::is_enabled() { return grad_mode_enabled; }
void GradMode::set_enabled(bool enabled) { grad_mode_enabled = enabled; }

bool InferenceMode::is_enabled() { return inference_mode_enabled; }
void InferenceMode::set_enabled(bool enabled) { inference_mode_enabled = enabled; }

AutoNonVariableTypeMode::AutoNonVariableTypeMode(bool enabled) : AutoGradMode(false) {
  TORCH_WARN_ONCE(
      "AutoNonVariableTypeMode is deprecated and will be removed in 1.10 release. For kernel implementations please "
      "use AutoDispatchBelowADInplaceOrView instead, If you are looking for a user facing API to enable running your "
      "inference-only workload, please use c10::InferenceMode. Using AutoDispatchBelowADInplaceOrView in user code is "
      "under risk of producing silent wrong result in some edge cases. See Note [AutoDispatchBelowAutograd] for more "
      "details.");
  TORCH_INTERNAL_ASSERT(enabled);
}

}  // namespace xgrad
