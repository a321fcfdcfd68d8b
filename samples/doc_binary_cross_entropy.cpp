// doc_binary_cross_entropy: the examples of a short article on F.binary_cross_entropy, ported line
// for line: each Python line is quoted above the C++ it became. PyTorch prints 0.8580, and 0.2031
// with the weight; so does this program.
// Run it: ./build/samples/doc_binary_cross_entropy
#ifdef XGRAD_SAMPLE_LIBTORCH
#include "common/libtorch_print.hpp"  // the same source built against libtorch, for the parity test
#else
#include <xgrad/torch.hpp>            // namespace torch = xgrad;
#endif

namespace F = torch::nn::functional;

int main() {
  // Example 1
  // torch.manual_seed(0)
  torch::manual_seed(0);
  // input = torch.randn((2, 2), requires_grad=True)
  auto input = torch::randn({2, 2}, torch::requires_grad());
  // target = torch.rand((2, 2), requires_grad=False)
  auto target = torch::rand({2, 2});
  // input = F.sigmoid(input)
  auto probs = torch::sigmoid(input);
  // loss = F.binary_cross_entropy(input, target)            # loss 0.8580
  auto loss = F::binary_cross_entropy(probs, target);
  fmt::print("loss {}\n", loss);
  // loss_compare = torch.sum(-(target * torch.log(input) + (1 - target) * torch.log(1 - input))) / 4
  auto loss_compare = torch::sum(-(target * torch::log(probs) + (1 - target) * torch::log(1 - probs))) / 4;
  fmt::print("loss_compare {}\n", loss_compare);
  loss.backward();
  fmt::print("input.grad {}\n", input.grad());

  // Example 2: the same draws, then a weight drawn next. (The article's code forgets to pass the
  // weight to the loss, but the 0.2031 it prints is the weighted loss: this passes it.)
  // torch.manual_seed(0)
  torch::manual_seed(0);
  // input = torch.randn((2, 2), requires_grad=True)
  input = torch::randn({2, 2}, torch::requires_grad());
  // target = torch.rand((2, 2), requires_grad=False)
  target = torch::rand({2, 2});
  // input = F.sigmoid(input)
  probs = torch::sigmoid(input);
  // weight = torch.rand(2, 2)
  auto weight = torch::rand({2, 2});
  // loss = F.binary_cross_entropy(input, target, weight)     # loss 0.2031
  loss = F::binary_cross_entropy(probs, target, F::BinaryCrossEntropyFuncOptions().weight(weight));
  fmt::print("loss {}\n", loss);
  // loss_compare = torch.sum(-weight * (target * torch.log(input) + (1 - target) * torch.log(1 - input))) / 4
  loss_compare = torch::sum(-weight * (target * torch::log(probs) + (1 - target) * torch::log(1 - probs))) / 4;
  fmt::print("loss_compare {}\n", loss_compare);
  loss.backward();
  fmt::print("input.grad {}\n", input.grad());
  return 0;
}
