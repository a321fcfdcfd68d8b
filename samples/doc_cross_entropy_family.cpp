// doc_cross_entropy_family: the losses of an article titled "Pytorch - Cross Entropy Loss"
// (CrossEntropyLoss, KLDivLoss, BCELoss, BCEWithLogitsLoss, MultiLabelSoftMarginLoss,
// MultiLabelMarginLoss) with their options, including the legacy size_average / reduce pair it
// describes. Its two code examples are ported line for line; the other losses are written the
// same way. Every C++ line has the Python it stands for above it. Seeded with 0 (the article
// does not seed).
// Run it: ./build/samples/doc_cross_entropy_family
#ifdef XGRAD_SAMPLE_LIBTORCH
#include "common/libtorch_print.hpp"
#else
#include <xgrad/torch.hpp>
#endif

namespace nn = torch::nn;

int main() {
  // torch.manual_seed(0)        (added)
  torch::manual_seed(0);

  // 1. CrossEntropyLoss (the article's example)
  // loss = nn.CrossEntropyLoss()
  nn::CrossEntropyLoss loss;
  // input = torch.randn(2, 3, requires_grad=True)       # N x C = 2 x 3
  auto input = torch::randn({2, 3}, torch::requires_grad());
  // target = torch.empty(2, dtype=torch.long).random_(3)
  auto target = torch::empty({2}, torch::kLong).random_(3);
  // output = loss(input, target); output.backward()
  auto output = loss(input, target);
  output.backward();
  fmt::print("CrossEntropyLoss {}\n{}\n", output, input.grad());

  // With a class weight, and the legacy flags: size_average=False sums, reduce=False returns
  // the per-sample losses. libtorch has no size_average/reduce; its build uses the reductions
  // they map to, so both builds print the same.
  // weight = torch.tensor([1.0, 2.0, 0.5])
  auto weight = torch::tensor({1.0, 2.0, 0.5});
#ifdef XGRAD_SAMPLE_LIBTORCH
  auto summed = nn::CrossEntropyLossOptions().weight(weight).reduction(torch::kSum);
  auto per_sample = nn::CrossEntropyLossOptions().weight(weight).reduction(torch::kNone);
#else
  // nn.CrossEntropyLoss(weight=weight, size_average=False)
  auto summed = nn::CrossEntropyLossOptions().weight(weight).size_average(false);
  // nn.CrossEntropyLoss(weight=weight, reduce=False)
  auto per_sample = nn::CrossEntropyLossOptions().weight(weight).reduce(false);
#endif
  // print("weighted mean", nn.CrossEntropyLoss(weight=weight)(input, target))
  fmt::print("weighted mean {}\n", nn::CrossEntropyLoss(nn::CrossEntropyLossOptions().weight(weight))(input, target));
  // print("size_average=False", nn.CrossEntropyLoss(weight=weight, size_average=False)(input, target))
  fmt::print("size_average=False {}\n", nn::CrossEntropyLoss(summed)(input, target));
  // print("reduce=False", nn.CrossEntropyLoss(weight=weight, reduce=False)(input, target))
  fmt::print("reduce=False {}\n", nn::CrossEntropyLoss(per_sample)(input, target));
  // ignore_index: the ignored target adds nothing, and the mean is over the others.
  // ignoring = torch.tensor([1, -100]); print("ignore_index", loss(input, ignoring))
  auto ignoring = torch::tensor({1, -100});
  fmt::print("ignore_index {}\n", loss(input, ignoring));

  // 2. KLDivLoss: the input holds log-probabilities.
  // kl = nn.KLDivLoss(reduction="batchmean")
  nn::KLDivLoss kl(nn::KLDivLossOptions(torch::kBatchMean));
  // log_q = torch.log_softmax(torch.randn(2, 3, requires_grad=True), 1)
  auto log_q = torch::log_softmax(torch::randn({2, 3}, torch::requires_grad()), 1);
  // p = torch.softmax(torch.randn(2, 3), 1)
  auto p = torch::softmax(torch::randn({2, 3}), 1);
  // print("KLDivLoss", kl(log_q, p))
  fmt::print("KLDivLoss {}\n", kl(log_q, p));

  // 3. BCELoss (the article's example)
  // sig = nn.Sigmoid()
  nn::Sigmoid sig;
  // loss = nn.BCELoss()
  nn::BCELoss bce;
  // input = torch.randn(3, requires_grad=True)
  input = torch::randn({3}, torch::requires_grad());
  // target = torch.empty(3).random_(2)
  target = torch::empty({3}).random_(2);
  // output = loss(sig(input), target); output.backward()
  output = bce(sig(input), target);
  output.backward();
  fmt::print("BCELoss {}\n{}\n", output, input.grad());

  // 4. BCEWithLogitsLoss: sigmoid and BCE in one, stable for large logits.
  // bce_logits = nn.BCEWithLogitsLoss()
  nn::BCEWithLogitsLoss bce_logits;
  // logits = torch.tensor([1000.0, -1000.0, 0.5], requires_grad=True)
  auto logits = torch::tensor({1000.0, -1000.0, 0.5}, torch::requires_grad());
  // labels = torch.tensor([1.0, 0.0, 1.0])
  auto labels = torch::tensor({1.0, 0.0, 1.0});
  // output = bce_logits(logits, labels); output.backward()
  output = bce_logits(logits, labels);
  output.backward();
  fmt::print("BCEWithLogitsLoss {}\n{}\n", output, logits.grad());

  // 5. MultiLabelSoftMarginLoss: several labels per sample, one-versus-all.
  // mlsm = nn.MultiLabelSoftMarginLoss()
  nn::MultiLabelSoftMarginLoss mlsm;
  // scores = torch.randn(2, 4, requires_grad=True)
  auto scores = torch::randn({2, 4}, torch::requires_grad());
  // multi_hot = torch.tensor([[1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 1.0, 1.0]])
  auto multi_hot = torch::tensor({{1.0, 0.0, 1.0, 0.0}, {0.0, 1.0, 1.0, 1.0}});
  // output = mlsm(scores, multi_hot); output.backward()
  output = mlsm(scores, multi_hot);
  output.backward();
  fmt::print("MultiLabelSoftMarginLoss {}\n{}\n", output, scores.grad());

  // 6. MultiLabelMarginLoss: the target lists class indices and ends at the first -1.
  // mlm = nn.MultiLabelMarginLoss()
  nn::MultiLabelMarginLoss mlm;
  // x = torch.tensor([[0.1, 0.2, 0.4, 0.8]], requires_grad=True)
  auto x = torch::tensor({{0.1, 0.2, 0.4, 0.8}}, torch::requires_grad());
  // y = torch.tensor([[3, 0, -1, 1]])
  auto y = torch::tensor({{3, 0, -1, 1}});
  // output = mlm(x, y); output.backward()
  output = mlm(x, y);
  output.backward();
  fmt::print("MultiLabelMarginLoss {}\n{}\n", output, x.grad());
  return 0;
}
