// doc_multiclass_cross_entropy: the example of an article titled "多分类交叉熵损失函数" (multi-class
// cross-entropy loss): a Linear model scored with CrossEntropyLoss, and the same with LogSoftmax
// then NLLLoss, which must agree. Ported line for line, each Python line quoted above its C++;
// seeded with 0 (the article does not seed).
// Run it: ./build/samples/doc_multiclass_cross_entropy
#ifdef XGRAD_SAMPLE_LIBTORCH
#include "common/libtorch_print.hpp"
#else
#include <xgrad/torch.hpp>
#endif

namespace nn = torch::nn;

int main() {
  // torch.manual_seed(0)        (added)
  torch::manual_seed(0);
  // model = nn.Linear(10, 3)
  nn::Linear model(10, 3);
  // criterion = nn.CrossEntropyLoss()
  nn::CrossEntropyLoss criterion;
  // x = torch.randn(16, 10)
  auto x = torch::randn({16, 10});
  // y = torch.randint(0, 3, size=(16,))  # (16, )
  auto y = torch::randint(0, 3, {16});
  // logits = model(x)  # (16, 3)
  auto logits = model(x);
  // loss = criterion(logits, y)
  auto loss = criterion(logits, y);
  loss.backward();
  fmt::print("CrossEntropyLoss {}\nweight.grad {}\n", loss, model->weight.grad());

  // The same with log-probabilities and NLLLoss: nn.LogSoftmax() (dim 1 for 2-d input; libtorch
  // and xgrad need the dim written out).
  // torch.manual_seed(0)
  torch::manual_seed(0);
  // model = nn.Sequential(nn.Linear(10, 3), nn.LogSoftmax())
  nn::Sequential model2(nn::Linear(10, 3), nn::LogSoftmax(1));
  // criterion = nn.NLLLoss()
  nn::NLLLoss criterion2;
  // x = torch.randn(16, 10); y = torch.randint(0, 3, size=(16,))
  x = torch::randn({16, 10});
  y = torch::randint(0, 3, {16});
  // out = model(x)  # (16, 3)
  auto out = model2->forward(x);
  // loss = criterion(out, y)
  auto loss2 = criterion2(out, y);
  loss2.backward();
  fmt::print("NLLLoss {}\n", loss2);
  // The same seed and draws give the same model: the two losses agree.
  fmt::print("same loss: {}\n", loss.item<float>() == loss2.item<float>() ? "yes" : "no");
  return 0;
}
