// grad_mode.cpp: the thread-local switch behind NoGradGuard.
#include "xgrad/core/grad_mode.hpp"

namespace xgrad {

namespace {
thread_local bool grad_mode_enabled = true;
}

bool GradMode::is_enabled() { return grad_mode_enabled; }
void GradMode::set_enabled(bool enabled) { grad_mode_enabled = enabled; }

}  // namespace xgrad
