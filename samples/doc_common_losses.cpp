// doc_common_losses: the examples of an article on PyTorch's common loss functions, each ported
// line for line with its Python quoted above it: CrossEntropyLoss, L1Loss, NLLLoss, MSELoss,
// BCELoss. The article does not seed; this program seeds with 0 so the numbers can be compared.
// Run it: ./build/samples/doc_common_losses
#ifdef XGRAD_SAMPLE_LIBTORCH
#include "common/libtorch_print.hpp"
#else
#include <xgrad/torch.hpp>
#endif

namespace nn = torch::nn;

int main() {
  // torch.manual_seed(0)        (added)
  torch::manual_seed(0);

  // 1. CrossEntropyLoss
  // logits = torch.randn(10, 5, requires_grad=True)   # 10 samples, 5 classes
  auto logits = torch::randn({10, 5}, torch::requires_grad());
  // labels = torch.randint(0, 5, (10,))
  auto labels = torch::randint(0, 5, {10});
  // loss_fn = nn.CrossEntropyLoss()
  nn::CrossEntropyLoss ce_fn;
  // loss = loss_fn(logits, labels); loss.backward()
  auto loss = ce_fn(logits, labels);
  loss.backward();
  fmt::print("CrossEntropyLoss {}\n{}\n", loss, logits.grad());

  // 2. L1Loss
  // loss_fn = nn.L1Loss()
  nn::L1Loss l1_fn;
  // predictions = torch.randn(3, 5, requires_grad=True); targets = torch.randn(3, 5)
  auto predictions = torch::randn({3, 5}, torch::requires_grad());
  auto targets = torch::randn({3, 5});
  // loss = loss_fn(predictions, targets); loss.backward()
  loss = l1_fn(predictions, targets);
  loss.backward();
  fmt::print("L1Loss {}\n{}\n", loss, predictions.grad());

  // 3. NLLLoss
  // logits = torch.randn(3, 5, requires_grad=True)
  logits = torch::randn({3, 5}, torch::requires_grad());
  // log_probs = torch.log_softmax(logits, dim=1)
  auto log_probs = torch::log_softmax(logits, 1);
  // loss_fn = nn.NLLLoss()
  nn::NLLLoss nll_fn;
  // labels = torch.tensor([1, 0, 4], dtype=torch.long)
  labels = torch::tensor({1, 0, 4}, torch::kLong);
  // loss = loss_fn(log_probs, labels); loss.backward()
  loss = nll_fn(log_probs, labels);
  loss.backward();
  fmt::print("NLLLoss {}\n{}\n", loss, logits.grad());

  // 4. MSELoss
  // loss_fn = nn.MSELoss()
  nn::MSELoss mse_fn;
  // predictions = torch.randn(3, 5, requires_grad=True); targets = torch.randn(3, 5)
  predictions = torch::randn({3, 5}, torch::requires_grad());
  targets = torch::randn({3, 5});
  // loss = loss_fn(predictions, targets); loss.backward()
  loss = mse_fn(predictions, targets);
  loss.backward();
  fmt::print("MSELoss {}\n{}\n", loss, predictions.grad());

  // 5. BCELoss
  // loss_fn = nn.BCELoss()
  nn::BCELoss bce_fn;
  // predictions = torch.sigmoid(torch.randn(3, requires_grad=True))
  auto raw = torch::randn({3}, torch::requires_grad());
  predictions = torch::sigmoid(raw);
  // targets = torch.empty(3).random_(2).float()
  targets = torch::empty({3}).random_(2).to(torch::kFloat);
  // loss = loss_fn(predictions, targets); loss.backward()
  loss = bce_fn(predictions, targets);
  loss.backward();
  fmt::print("BCELoss {}\n{}\n", loss, raw.grad());
  return 0;
}
