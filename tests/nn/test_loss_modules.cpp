// test_loss_modules.cpp: src/nn/modules/loss.cpp: the modules call the functional forms with
// their options, register weights as buffers, and print as libtorch prints them.
#include <catch2/catch.hpp>

#include <sstream>

#include <xgrad/torch.hpp>

namespace F = torch::nn::functional;

TEST_CASE("loss modules equal their functional forms") {
  torch::manual_seed(0);
  auto x = torch::randn({4, 5}, torch::requires_grad());
  auto y = torch::tensor({1, 0, 4, 2});
  auto w = torch::rand({5});
  torch::nn::CrossEntropyLoss ce(torch::nn::CrossEntropyLossOptions().weight(w).label_smoothing(0.1));
  CHECK(ce(x, y).equal(F::cross_entropy(x, y, F::CrossEntropyFuncOptions().weight(w).label_smoothing(0.1))));
  torch::nn::NLLLoss nll(torch::nn::NLLLossOptions().ignore_index(0).reduction(torch::kSum));
  auto lp = torch::log_softmax(x, 1);
  CHECK(nll(lp, y).equal(F::nll_loss(lp, y, F::NLLLossFuncOptions().ignore_index(0).reduction(torch::kSum))));
  torch::nn::BCELoss bce;
  auto p = torch::sigmoid(x), t = torch::rand({4, 5});
  CHECK(bce(p, t).equal(F::binary_cross_entropy(p, t)));
  torch::nn::BCEWithLogitsLoss bcel(torch::nn::BCEWithLogitsLossOptions().pos_weight(torch::ones({5}) * 2));
  CHECK(bcel(x, t).equal(F::binary_cross_entropy_with_logits(x, t, F::BinaryCrossEntropyWithLogitsFuncOptions().pos_weight(torch::ones({5}) * 2))));
  torch::nn::KLDivLoss kl(torch::kBatchMean);
  CHECK(kl(lp, torch::softmax(t, 1)).equal(F::kl_div(lp, torch::softmax(t, 1), torch::kBatchMean)));
  torch::nn::MSELoss mse(torch::kSum);
  CHECK(mse(x, t).equal(F::mse_loss(x, t, torch::kSum)));
  torch::nn::L1Loss l1;
  CHECK(l1(x, t).equal(F::l1_loss(x, t)));
  torch::nn::MultiLabelMarginLoss mlm;
  auto my = torch::tensor({{3, 0, -1, 1, 2}, {0, 1, 2, 3, 4}, {2, 2, -1, 0, 0}, {1, -1, 0, 0, 0}});
  CHECK(mlm(x, my).equal(F::multilabel_margin_loss(x, my)));
  torch::nn::MultiLabelSoftMarginLoss mlsm(torch::nn::MultiLabelSoftMarginLossOptions().weight(w));
  CHECK(mlsm(x, t).equal(F::multilabel_soft_margin_loss(x, t, F::MultilabelSoftMarginLossFuncOptions().weight(w))));
  torch::nn::SmoothL1Loss sl1(torch::nn::SmoothL1LossOptions(torch::kSum).beta(0.5));
  CHECK(sl1(x, t).equal(F::smooth_l1_loss(x, t, F::SmoothL1LossFuncOptions(torch::kSum).beta(0.5))));
  torch::nn::HuberLoss huber(torch::nn::HuberLossOptions().delta(0.3));
  CHECK(huber(x, t).equal(F::huber_loss(x, t, F::HuberLossFuncOptions().delta(0.3))));
  auto x2 = torch::randn({4, 5}), ey = torch::tensor({1.0f, -1.0f, -1.0f, 1.0f});
  torch::nn::CosineEmbeddingLoss cel(torch::nn::CosineEmbeddingLossOptions().margin(0.2));
  CHECK(cel(x, x2, ey).equal(F::cosine_embedding_loss(x, x2, ey, F::CosineEmbeddingLossFuncOptions().margin(0.2))));
  torch::nn::MarginRankingLoss mrl(torch::nn::MarginRankingLossOptions().margin(0.1).reduction(torch::kSum));
  auto c0 = x.select(1, 0), c1 = x2.select(1, 0);
  CHECK(mrl(c0, c1, ey).equal(F::margin_ranking_loss(c0, c1, ey, F::MarginRankingLossFuncOptions().margin(0.1).reduction(torch::kSum))));
  torch::nn::HingeEmbeddingLoss hel(torch::nn::HingeEmbeddingLossOptions().margin(2));
  CHECK(hel(x, torch::sign(t - 0.5)).equal(F::hinge_embedding_loss(x, torch::sign(t - 0.5), F::HingeEmbeddingLossFuncOptions().margin(2))));
  torch::nn::SoftMarginLoss sm(torch::kNone);
  CHECK(sm(x, torch::sign(t - 0.5)).equal(F::soft_margin_loss(x, torch::sign(t - 0.5), torch::kNone)));
}

TEST_CASE("a loss module keeps its weight as a buffer and prints like libtorch") {
  torch::nn::CrossEntropyLoss ce(torch::nn::CrossEntropyLossOptions().weight(torch::ones({3})));
  CHECK(ce->named_buffers().contains("weight"));
  CHECK(ce->parameters().empty());
  ce->to(torch::kDouble);
  CHECK(ce->named_buffers()["weight"].scalar_type() == torch::kDouble);
  auto loss = ce(torch::zeros({2, 3}, torch::kDouble), torch::tensor({0, 2}));
  CHECK(loss.scalar_type() == torch::kDouble);
  std::ostringstream os;
  os << ce;
  CHECK(os.str() == "torch::nn::CrossEntropyLoss()");
  auto str = [](const auto& module) {
    std::ostringstream s;
    s << module;
    return s.str();
  };
  // libtorch's test/cpp/api/modules.cpp (PrettyPrint*) and its loss.cpp.
  CHECK(str(torch::nn::SmoothL1Loss()) == "torch::nn::SmoothL1Loss()");
  CHECK(str(torch::nn::HuberLoss()) == "torch::nn::HuberLoss()");
  CHECK(str(torch::nn::SoftMarginLoss()) == "torch::nn::SoftMarginLoss()");
  CHECK(str(torch::nn::HingeEmbeddingLoss(torch::nn::HingeEmbeddingLossOptions().margin(4))) ==
        "torch::nn::HingeEmbeddingLoss(margin=4)");
  CHECK(str(torch::nn::CosineEmbeddingLoss(torch::nn::CosineEmbeddingLossOptions().margin(0.25))) ==
        "torch::nn::CosineEmbeddingLoss(margin=0.25)");
  CHECK(str(torch::nn::MarginRankingLoss()) == "torch::nn::MarginRankingLoss()");
  std::ostringstream os2;
  os2 << torch::nn::LogSoftmax(1);
  CHECK(os2.str() == "torch::nn::LogSoftmax(dim=1)");
}

TEST_CASE("activation modules and functional forms") {
  auto x = torch::tensor({{-1.0f, 0.5f, 2.0f}});
  CHECK(torch::nn::Sigmoid()(x).equal(torch::sigmoid(x)));
  CHECK(torch::nn::LogSigmoid()(x).equal(F::logsigmoid(x)));
  CHECK(torch::nn::LogSoftmax(1)(x).equal(F::log_softmax(x, F::LogSoftmaxFuncOptions(1))));
  CHECK(torch::nn::Softmax(1)(x).equal(F::softmax(x, F::SoftmaxFuncOptions(1))));
  CHECK(torch::nn::ReLU()(x).equal(torch::relu(x)));
  CHECK(torch::nn::Tanh()(x).equal(torch::tanh(x)));
  CHECK(F::log_softmax(x, F::LogSoftmaxFuncOptions(1).dtype(torch::kDouble)).scalar_type() == torch::kDouble);
}
