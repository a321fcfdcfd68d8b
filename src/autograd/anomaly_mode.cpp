// anomaly_mode.cpp: the switch, and how a node's forward op is described. The engine's checks
// are in engine.cpp (check_anomaly).
#include "xgrad/autograd/anomaly_mode.hpp"

#include <atomic>
#include <cctype>

#include "xgrad/core/warning.hpp"

namespace xgrad::autograd {

namespace {
std::atomic<bool> enabled{false};
std::atomic<bool> check_nan{true};
}  // namespace

bool AnomalyMode::is_enabled() { return enabled.load(std::memory_order_relaxed); }
bool AnomalyMode::should_check_nan() { return check_nan.load(std::memory_order_relaxed); }
void AnomalyMode::set_enabled(bool on, bool nan) {
  if (on)
    warn("Anomaly Detection has been enabled. This mode will increase the runtime and should only be enabled for "
         "debugging.");
  enabled = on;
  check_nan = nan;
}

DetectAnomalyGuard::DetectAnomalyGuard(bool nan)
    : previous_enabled_(AnomalyMode::is_enabled()), previous_check_nan_(AnomalyMode::should_check_nan()) {
  AnomalyMode::set_enabled(true, nan);
}

DetectAnomalyGuard::~DetectAnomalyGuard() {
  enabled = previous_enabled_;
  check_nan = previous_check_nan_;
}

std::string detail::forward_op_name(const std::string& node_name) {
  std::string base = node_name;
  const size_t at = base.rfind("Backward");
  if (at != std::string::npos && at > 0) base.resize(at);
  std::string out;
  for (size_t i = 0; i < base.size(); ++i) {
    const char c = base[i];
    if (std::isupper(static_cast<unsigned char>(c)) && i > 0 && std::islower(static_cast<unsigned char>(base[i - 1])))
      out += '_';
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace xgrad::autograd
