// doc_cross_entropy_function: the example of an article titled "Calculation of cross_entropy loss
// function of torch", ported line for line, each Python line quoted above its C++. The article
// draws without a seed; this program seeds with 0 so its numbers can be compared with PyTorch's
// (and with libtorch's, by the parity test).
// Run it: ./build/samples/doc_cross_entropy_function
#ifdef XGRAD_SAMPLE_LIBTORCH
#include "common/libtorch_print.hpp"
#else
#include <xgrad/torch.hpp>
#endif

namespace F = torch::nn::functional;

int main() {
  // torch.manual_seed(0)        (added: the article does not seed)
  torch::manual_seed(0);
  // input = torch.randn(3, 5, requires_grad=True)
  auto input = torch::randn({3, 5}, torch::requires_grad());
  // target = torch.randint(5, (3,), dtype=torch.int64)
  auto target = torch::randint(5, {3}, torch::kInt64);
  // loss = F.cross_entropy(input, target)
  auto loss = F::cross_entropy(input, target);
  // loss.backward()
  loss.backward();
  // print(input); print(target); print(loss)
  fmt::print("input:\n{}\ntarget:\n{}\nloss:\n{}\n", input, target, loss);
  fmt::print("input.grad:\n{}\n", input.grad());

  // The article: "The torch.nn.functional.cross_entropy function in python is implemented as
  // follows": nll_loss(log_softmax(input, 1), target, weight, None, ignore_index, None, reduction)
  // same = F.nll_loss(F.log_softmax(input, 1), target); print(same)
  auto same = F::nll_loss(F::log_softmax(input, F::LogSoftmaxFuncOptions(1)), target);
  fmt::print("nll_loss(log_softmax(input)):\n{}\n", same);
  return 0;
}
