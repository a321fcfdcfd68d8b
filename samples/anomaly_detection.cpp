// anomaly_detection: a NaN gradient and how DetectAnomalyGuard finds where it comes from. The
// length of a vector, sqrt(sum(v * v)), has no derivative at v = 0: backward computes
// 0 * inf = NaN and every .grad becomes NaN, silently. Under the guard, backward stops at the
// first node that returns a NaN, and names it and the forward op that made it.
// Run it: ./build/release/samples/anomaly_detection
#include <xgrad/torch.hpp>

int main() {
  // v = torch.zeros(3, requires_grad=True)
  auto v = torch::zeros({3}, torch::requires_grad());
  // (v * v).sum().sqrt().backward(); print(v.grad)       tensor([nan, nan, nan])
  (v * v).sum().sqrt().backward();
  fmt::print("without the guard, v.grad = {}\n", v.grad());

  v.mutable_grad() = torch::Tensor();
  // with torch.autograd.detect_anomaly():
  {
    torch::autograd::DetectAnomalyGuard guard;
    try {
      // (v * v).sum().sqrt().backward()
      (v * v).sum().sqrt().backward();
    } catch (const std::exception& e) {
      // RuntimeError: Function 'MulBackward0' returned nan values in its 0th output.
      fmt::print("with the guard: {}\n", e.what());
    }
  }
  // The fix: keep sqrt away from 0. ((v * v).sum() + 1e-12).sqrt().backward(); print(v.grad)
  v.mutable_grad() = torch::Tensor();
  ((v * v).sum() + 1e-12).sqrt().backward();
  fmt::print("with sqrt(sum + 1e-12), v.grad = {}\n", v.grad());
  return 0;
}
