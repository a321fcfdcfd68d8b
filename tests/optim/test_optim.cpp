// test_optim.cpp: src/optim/ against PyTorch: the same model (same seed, so the same initial
// weights) takes the same steps under every optimizer configuration of tests/reference/optim.json,
// and every parameter is compared after every step.
#include <catch2/catch.hpp>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

using nlohmann::json;
using torch::Tensor;
namespace nn = torch::nn;
namespace F = torch::nn::functional;
namespace optim = torch::optim;

namespace {

struct Setup {
  nn::Sequential model{nullptr};
  Tensor x, y;
};

Setup model_and_data() {
  torch::manual_seed(0);
  Setup s;
  // C++ leaves the evaluation order of function arguments unspecified (GCC goes right to left),
  // so the layers are made one statement at a time to draw their weights in Python's order.
  nn::Linear first(4, 5);
  nn::Linear second(5, 3);
  s.model = nn::Sequential(first, nn::ReLU(), second);
  s.x = torch::randn({6, 4});
  s.y = torch::randint(0, 3, {6});
  return s;
}

std::unique_ptr<optim::Optimizer> make(const std::string& name, const json& o, std::vector<Tensor> params) {
  if (name == "sgd") {
    auto opts = optim::SGDOptions(o.at("lr").get<double>())
                    .momentum(o.value("momentum", 0.0))
                    .dampening(o.value("dampening", 0.0))
                    .weight_decay(o.value("weight_decay", 0.0))
                    .nesterov(o.value("nesterov", false));
    return std::make_unique<optim::SGD>(params, opts);
  }
  if (name == "adam" || name == "adamw") {
    auto betas = o.contains("betas") ? std::make_tuple(o.at("betas")[0].get<double>(), o.at("betas")[1].get<double>())
                                     : std::make_tuple(0.9, 0.999);
    if (name == "adam")
      return std::make_unique<optim::Adam>(params, optim::AdamOptions(o.at("lr").get<double>())
                                                       .betas(betas)
                                                       .eps(o.value("eps", 1e-8))
                                                       .weight_decay(o.value("weight_decay", 0.0))
                                                       .amsgrad(o.value("amsgrad", false)));
    return std::make_unique<optim::AdamW>(params, optim::AdamWOptions(o.at("lr").get<double>())
                                                      .betas(betas)
                                                      .eps(o.value("eps", 1e-8))
                                                      .weight_decay(o.value("weight_decay", 1e-2))
                                                      .amsgrad(o.value("amsgrad", false)));
  }
  if (name == "rmsprop")
    return std::make_unique<optim::RMSprop>(params, optim::RMSpropOptions(o.at("lr").get<double>())
                                                        .alpha(o.value("alpha", 0.99))
                                                        .momentum(o.value("momentum", 0.0))
                                                        .centered(o.value("centered", false))
                                                        .weight_decay(o.value("weight_decay", 0.0)));
  if (name == "adagrad")
    return std::make_unique<optim::Adagrad>(params, optim::AdagradOptions(o.at("lr").get<double>())
                                                        .lr_decay(o.value("lr_decay", 0.0))
                                                        .weight_decay(o.value("weight_decay", 0.0))
                                                        .initial_accumulator_value(o.value("initial_accumulator_value", 0.0)));
  throw std::runtime_error("unknown optimizer " + name);
}

void check_step(const json& expected, const Tensor& loss, const std::vector<Tensor>& params) {
  CHECK(loss.item<double>() == Approx(expected.at("loss").get<double>()).epsilon(1e-5));
  for (size_t k = 0; k < params.size(); ++k) {
    INFO("parameter " << k);
    std::vector<float> values = expected.at("params")[k].get<std::vector<float>>();
    Tensor want = torch::from_blob(values.data(), {static_cast<int64_t>(values.size())}).clone();
    CHECK_CLOSE(params[k].detach().reshape({-1}), want, 1e-5, 1e-6);
  }
}

}  // namespace

TEST_CASE("every optimizer configuration follows PyTorch step by step") {
  int n = 0;
  for (const json& c : xgrad_test::reference("optim.json").at("cases")) {
    const std::string name = c.at("optimizer");
    if (name == "sgd_groups_steplr") continue;
    INFO(name << " " << c.at("options").dump());
    Setup s = model_and_data();
    auto opt = make(name, c.at("options"), s.model->parameters());
    for (const json& step : c.at("steps")) {
      opt->zero_grad();
      Tensor loss = F::cross_entropy(s.model->forward(s.x), s.y);
      loss.backward();
      opt->step();
      check_step(step, loss, s.model->parameters());
    }
    ++n;
  }
  CHECK(n == 13);
}

TEST_CASE("parameter groups with their own options, and StepLR") {
  const json* c = nullptr;
  for (const json& e : xgrad_test::reference("optim.json").at("cases"))
    if (e.at("optimizer") == "sgd_groups_steplr") c = &e;
  REQUIRE(c != nullptr);
  Setup s = model_and_data();
  std::vector<optim::OptimizerParamGroup> groups;
  groups.emplace_back(s.model[0]->parameters());
  groups.emplace_back(s.model[2]->parameters(), std::make_unique<optim::SGDOptions>(optim::SGDOptions(0.01).momentum(0.9)));
  optim::SGD opt(groups, optim::SGDOptions(0.1).momentum(0.9));
  optim::StepLR scheduler(opt, 2, 0.5);
  for (const json& step : c->at("steps")) {
    opt.zero_grad();
    Tensor loss = F::cross_entropy(s.model->forward(s.x), s.y);
    loss.backward();
    opt.step();
    scheduler.step();
    check_step(step, loss, s.model->parameters());
    auto lrs = scheduler.get_last_lr();
    CHECK(lrs[0] == Approx(step.at("lrs")[0].get<double>()));
    CHECK(lrs[1] == Approx(step.at("lrs")[1].get<double>()));
  }
}

TEST_CASE("optimizers check their options and zero gradients as PyTorch 1.13") {
  auto w = torch::ones({2}, torch::requires_grad());
  CHECK_THROWS_WITH(optim::SGD({w}, optim::SGDOptions(-1)), "Invalid learning rate: -1");
  CHECK_THROWS_WITH(optim::SGD({w}, optim::SGDOptions(0.1).nesterov(true)),
                    "Nesterov momentum requires a momentum and zero dampening");
  CHECK_THROWS_WITH(optim::Adam({w}, optim::AdamOptions(0.1).betas(std::make_tuple(1.0, 0.9))),
                    "Invalid beta parameter at index 0: 1");
  CHECK_THROWS_WITH(optim::SGD({w * 2}, optim::SGDOptions(0.1)), "can't optimize a non-leaf Tensor");
  optim::SGD opt({w}, optim::SGDOptions(0.1));
  (w * w).sum().backward();
  opt.zero_grad();
  CHECK(w.grad().defined());
  CHECK(w.grad().sum().item<float>() == 0.0f);
  opt.zero_grad(/*set_to_none=*/true);
  CHECK_FALSE(w.grad().defined());
  CHECK(opt.size() == 1);
  // A closure recomputes the loss; step returns it.
  auto loss = opt.step([&] {
    opt.zero_grad();
    auto l = (w * w).sum();
    l.backward();
    return l;
  });
  CHECK(loss.item<float>() == 2.0f);
  CHECK(w.equal(torch::full({2}, 0.8f)));
}
