// cross_entropy_trace: the documents' cross-entropy example (samples/doc_cross_entropy_function)
// with the engine trace on: backward prints each node as it runs it. Cross entropy is
// nll_loss(log_softmax(x)), so backward runs NllLossBackward0, then LogSoftmaxBackward0, then
// AccumulateGrad, which writes input.grad.
// Run it: ./build/release/samples/cross_entropy_trace
// Any program can be traced the same way without changing it: XGRAD_TRACE_BACKWARD=1 ./program
#include <xgrad/torch.hpp>

namespace F = torch::nn::functional;

int main() {
  // torch.manual_seed(0)
  torch::manual_seed(0);
  // input = torch.randn(3, 5, requires_grad=True)
  auto input = torch::randn({3, 5}, torch::requires_grad());
  // target = torch.randint(5, (3,), dtype=torch.int64)
  auto target = torch::randint(5, {3}, torch::kInt64);
  // loss = F.cross_entropy(input, target)
  auto loss = F::cross_entropy(input, target);
  fmt::print("loss: {}\n\nits graph:\n{}\n", loss, torch::autograd::to_text(loss));
  {
    // (xgrad only) print each step of the backward pass
    torch::autograd::EngineTraceGuard trace;
    // loss.backward()
    loss.backward();
  }
  // print(input.grad): each row is softmax(input row) minus the one-hot target, divided by 3
  fmt::print("\ninput.grad:\n{}\n", input.grad());
  return 0;
}
