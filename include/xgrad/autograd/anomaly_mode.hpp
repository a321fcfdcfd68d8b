// anomaly_mode.hpp: anomaly detection, as libtorch spells it. While a DetectAnomalyGuard lives,
// every op notes on its node which forward op made it (name and input shapes), and backward
// checks what each node returns: a NaN stops backward with PyTorch's error, "Function
// 'DivBackward0' returned nan values in its 1th output.", followed by the forward op that
// created the node. It costs time (every gradient is scanned), so it is for debugging only.
// Read next: autograd/graph_view.hpp.
#pragma once

#include <string>

namespace xgrad::autograd {

class Node;

struct AnomalyMode {
  static bool is_enabled();
  static bool should_check_nan();
  static void set_enabled(bool enabled, bool check_nan = true);
};

/// Anomaly detection on for its lifetime (torch.autograd.detect_anomaly() in Python).
class DetectAnomalyGuard {
 public:
  explicit DetectAnomalyGuard(bool check_nan = true);
  ~DetectAnomalyGuard();
  DetectAnomalyGuard(const DetectAnomalyGuard&) = delete;
  DetectAnomalyGuard& operator=(const DetectAnomalyGuard&) = delete;

 private:
  bool previous_enabled_;
  bool previous_check_nan_;
};

namespace detail {
/// The forward op a node name stands for: "NllLossBackward0" -> "nll_loss".
std::string forward_op_name(const std::string& node_name);
}  // namespace detail

}  // namespace xgrad::autograd
