// test_modules.cpp: nn::Module and the modules of issue 5 behave as libtorch's: registration and
// its errors, names, children, train/eval, zero_grad, to(dtype), holder semantics, printing (the
// strings libtorch 1.13 prints for the same program), and Dropout's draws equal PyTorch's.
#include <catch2/catch.hpp>

#include <sstream>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

namespace nn = torch::nn;
namespace F = torch::nn::functional;
using torch::Tensor;

// A user's own module, declared as libtorch users declare theirs (at global scope: the printed
// name is the demangled class name, namespaces included, in libtorch as in xgrad).
struct NetImpl : nn::Module {
  NetImpl()
      : fc1(register_module("fc1", nn::Linear(4, 8))),
        fc2(register_module("fc2", nn::Linear(nn::LinearOptions(8, 2).bias(false)))) {
    scale = register_parameter("scale", torch::ones({2}));
    register_buffer("steps", torch::zeros({1}));
    drop = register_module("drop", nn::Dropout(0.25));
  }
  Tensor forward(Tensor x) { return fc2(drop(torch::relu(fc1(x)))) * scale; }
  nn::Linear fc1, fc2;
  nn::Dropout drop{nullptr};
  Tensor scale;
};
TORCH_MODULE(Net);

namespace {

template <class T>
std::string printed(const T& module) {
  std::ostringstream s;
  s << module;
  return s.str();
}

std::vector<std::string> keys(const torch::OrderedDict<std::string, Tensor>& dict) {
  std::vector<std::string> out;
  for (const auto& item : dict) out.push_back(item.key());
  return out;
}

}  // namespace

TEST_CASE("a module declared as in libtorch registers, names and prints its parts") {
  Net net;
  // libtorch 1.13 prints exactly this for the same declaration.
  CHECK(printed(net) ==
        "NetImpl(\n"
        "  (fc1): torch::nn::Linear(in_features=4, out_features=8, bias=true)\n"
        "  (fc2): torch::nn::Linear(in_features=8, out_features=2, bias=false)\n"
        "  (drop): torch::nn::Dropout(p=0.25, inplace=false)\n"
        ")");
  CHECK(keys(net->named_parameters()) == std::vector<std::string>{"scale", "fc1.weight", "fc1.bias", "fc2.weight"});
  CHECK(keys(net->named_parameters(/*recurse=*/false)) == std::vector<std::string>{"scale"});
  CHECK(keys(net->named_buffers()) == std::vector<std::string>{"steps"});
  CHECK(net->parameters().size() == 4);
  CHECK(net->children().size() == 3);
  CHECK(net->modules().size() == 4);
  CHECK(net->modules(/*include_self=*/false).size() == 3);
  CHECK(net->fc1->weight.sizes().vec() == std::vector<int64_t>{8, 4});
  CHECK_FALSE(net->fc2->bias.defined());
  CHECK(net->named_parameters()["fc1.bias"].sizes().vec() == std::vector<int64_t>{8});

  CHECK_THROWS_WITH(net->register_parameter("scale", torch::ones({1})), "Parameter 'scale' already defined");
  CHECK_THROWS_WITH(net->register_module("fc1", nn::Linear(1, 1)), "Submodule 'fc1' already defined");
  CHECK_THROWS_WITH(net->register_parameter("a.b", torch::ones({1})), "Parameter name must not contain a dot (got 'a.b')");
  CHECK_THROWS_WITH(net->register_parameter("", torch::ones({1})), "Parameter name must not be empty");
}

TEST_CASE("holders share their module, forward through operator(), and refuse to be empty") {
  torch::manual_seed(0);
  nn::Linear fc(3, 2);
  nn::Linear alias = fc;  // a holder is a shared pointer: both name one module
  CHECK(alias.get() == fc.get());
  CHECK(alias->weight.data_ptr() == fc->weight.data_ptr());
  auto x = torch::randn({5, 3});
  CHECK(fc(x).equal(fc->forward(x)));
  CHECK(fc(x).allclose(torch::matmul(x, fc->weight.t()) + fc->bias));
  CHECK(fc(x).grad_fn()->name() == "AddmmBackward0");
  CHECK(F::linear(x, fc->weight, fc->bias).equal(fc(x)));
  CHECK_THROWS_WITH(fc(torch::ones({2, 4})), "mat1 and mat2 shapes cannot be multiplied (2x4 and 3x2)");
  nn::Linear empty{nullptr};
  CHECK(empty.is_empty());
  CHECK_THROWS_WITH(empty->forward(x), "Accessing empty ModuleHolder");
  // clone() is a deep copy: new tensors with the same values.
  auto copy = std::dynamic_pointer_cast<nn::LinearImpl>(fc->clone());
  REQUIRE(copy);
  CHECK(copy->weight.equal(fc->weight));
  CHECK(copy->weight.data_ptr() != fc->weight.data_ptr());
  CHECK(copy->weight.requires_grad());
  nn::Sequential seq(nn::Linear(3, 2), nn::ReLU());
  auto seq_copy = std::dynamic_pointer_cast<nn::SequentialImpl>(seq->clone());
  REQUIRE(seq_copy);
  CHECK(seq_copy->size() == 2);
  CHECK(seq_copy->forward(x).equal(seq->forward(x)));
  CHECK(seq_copy->parameters()[0].data_ptr() != seq->parameters()[0].data_ptr());
  Net net;
  CHECK_THROWS_WITH(net->clone(), Catch::StartsWith("clone() has not been implemented for NetImpl."));
}

TEST_CASE("train, eval, zero_grad and to(dtype) reach every submodule") {
  Net net;
  CHECK(net->is_training());
  net->eval();
  CHECK_FALSE(net->is_training());
  CHECK_FALSE(net->drop->is_training());
  net->train();
  CHECK(net->drop->is_training());

  auto loss = net(torch::ones({3, 4})).sum();
  loss.backward();
  for (const auto& p : net->parameters()) CHECK(p.grad().defined());
  net->zero_grad();
  for (const auto& p : net->parameters()) CHECK(p.grad().abs().sum().item<float>() == 0.0f);
  net->zero_grad(/*set_to_none=*/true);
  for (const auto& p : net->parameters()) CHECK_FALSE(p.grad().defined());

  (net(torch::ones({3, 4})).sum()).backward();
  torch::optim::SGD opt(net->parameters(), torch::optim::SGDOptions(0.1));
  net->to(torch::kDouble);
  for (const auto& p : net->parameters()) CHECK(p.grad().scalar_type() == torch::kDouble);
  opt.step();  // the optimizer holds the same (now double) tensors
  for (const auto& p : net->parameters()) {
    CHECK(p.scalar_type() == torch::kDouble);
    CHECK(p.requires_grad());
    CHECK(p.is_leaf());
  }
  CHECK(net->named_buffers()["steps"].scalar_type() == torch::kDouble);
  CHECK(net->fc1->weight.scalar_type() == torch::kDouble);  // the member handles see the new tensors
  CHECK(net->scale.scalar_type() == torch::kDouble);
  CHECK(net(torch::ones({1, 4}, torch::kDouble)).scalar_type() == torch::kDouble);
  CHECK_THROWS_AS(net->to(torch::kLong), torch::TypeError);
  CHECK_THROWS_WITH(net->to(torch::kLong),
                    "nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.int64");
}

TEST_CASE("Sequential and ModuleList hold, run and print modules as libtorch does") {
  torch::manual_seed(0);
  nn::Sequential seq(nn::Linear(3, 4), nn::ReLU(), nn::Dropout(0.5), nn::Flatten(), nn::Identity(), nn::Tanh(),
                     nn::Sigmoid(), nn::Softmax(1), nn::LogSoftmax(1));
  CHECK(printed(seq) ==
        "torch::nn::Sequential(\n"
        "  (0): torch::nn::Linear(in_features=3, out_features=4, bias=true)\n"
        "  (1): torch::nn::ReLU()\n"
        "  (2): torch::nn::Dropout(p=0.5, inplace=false)\n"
        "  (3): torch::nn::Flatten(start_dim=1, end_dim=-1)\n"
        "  (4): torch::nn::Identity()\n"
        "  (5): torch::nn::Tanh()\n"
        "  (6): torch::nn::Sigmoid()\n"
        "  (7): torch::nn::Softmax(dim=1)\n"
        "  (8): torch::nn::LogSoftmax(dim=1)\n"
        ")");
  CHECK(seq->size() == 9);
  seq->eval();
  auto x = torch::randn({2, 3});
  auto linear = std::dynamic_pointer_cast<nn::LinearImpl>(seq[0]);
  REQUIRE(linear);
  Tensor expected = torch::log_softmax(torch::softmax(torch::sigmoid(torch::tanh(torch::relu(linear->forward(x)))), 1), 1);
  CHECK(seq->forward(x).equal(expected));
  CHECK(keys(seq->named_parameters()) == std::vector<std::string>{"0.weight", "0.bias"});

  nn::ModuleList list(nn::Linear(2, 2), nn::ReLU());
  CHECK(printed(list) ==
        "torch::nn::ModuleList(\n"
        "  (0): torch::nn::Linear(in_features=2, out_features=2, bias=true)\n"
        "  (1): torch::nn::ReLU()\n"
        ")");
  list->push_back(nn::Linear(2, 1));
  CHECK(list->size() == 3);
  CHECK(list->at<nn::LinearImpl>(2).weight.sizes().vec() == std::vector<int64_t>{1, 2});
  CHECK(keys(list->named_parameters()) == std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias"});
  CHECK(printed(nn::Flatten(nn::FlattenOptions().start_dim(0))) == "torch::nn::Flatten(start_dim=0, end_dim=-1)");
  CHECK(printed(nn::Linear(nn::LinearOptions(2, 3).bias(false))) ==
        "torch::nn::Linear(in_features=2, out_features=3, bias=false)");
}

TEST_CASE("Dropout draws PyTorch's mask, scales by 1/(1-p) and knows train from eval") {
  // Python: torch.manual_seed(0); nn.Dropout(0.3)(torch.arange(1., 13.).reshape(3, 4))
  torch::manual_seed(0);
  nn::Dropout drop(0.3);
  auto x = torch::arange(1, 13).to(torch::kFloat).reshape({3, 4}).requires_grad_();
  auto y = drop(x);
  auto expected = torch::tensor({0.0f, 0.0f, 4.285714149475098f, 0.0f, 7.142857551574707f, 0.0f, 10.0f,
                                 11.428571701049805f, 12.85714340209961f, 14.285715103149414f, 15.714285850524902f,
                                 17.14285659790039f})
                      .reshape({3, 4});
  CHECK(y.detach().equal(expected));
  CHECK(y.grad_fn()->name() == "MulBackward0");
  y.sum().backward();
  CHECK(x.grad().equal((expected > 0).to(torch::kFloat) * (1.0f / 0.7f)));

  torch::manual_seed(0);
  CHECK(F::dropout(torch::ones({10}), F::DropoutFuncOptions().p(0.5))
            .equal(torch::tensor({0.0f, 0.0f, 2.0f, 0.0f, 0.0f, 0.0f, 2.0f, 2.0f, 0.0f, 2.0f})));
  // In place: the input itself is overwritten (Python: F.dropout(x2, 0.25, True, True)).
  torch::manual_seed(0);
  auto ones = torch::ones({3, 4});
  auto same = F::dropout(ones, F::DropoutFuncOptions().p(0.25).inplace(true));
  CHECK(same.data_ptr() == ones.data_ptr());
  CHECK(ones.equal(torch::tensor({0.0f, 1.3333333730697632f, 1.3333333730697632f, 0.0f, 1.3333333730697632f, 0.0f,
                                  1.3333333730697632f, 1.3333333730697632f, 1.3333333730697632f, 1.3333333730697632f,
                                  1.3333333730697632f, 1.3333333730697632f})
                       .reshape({3, 4})));

  drop->eval();
  CHECK(drop(x).equal(x));
  CHECK(F::dropout(x, F::DropoutFuncOptions().p(0.0)).equal(x));
  CHECK(F::dropout(x, F::DropoutFuncOptions().p(1.0)).equal(torch::zeros({3, 4})));
  CHECK_THROWS_WITH(nn::Dropout(1.5), "dropout probability has to be between 0 and 1, but got 1.5");
  CHECK_THROWS_WITH(F::dropout(x, F::DropoutFuncOptions().p(-0.1)),
                    "dropout probability has to be between 0 and 1, but got -0.1");
}

TEST_CASE("Flatten, Identity and one_hot") {
  CHECK(nn::Flatten()(torch::zeros({2, 3, 4, 5})).sizes().vec() == std::vector<int64_t>{2, 60});
  CHECK(nn::Flatten(nn::FlattenOptions().start_dim(0).end_dim(1))(torch::zeros({2, 3, 4})).sizes().vec() ==
        std::vector<int64_t>{6, 4});
  auto x = torch::randn({2, 2});
  CHECK(nn::Identity()(x).data_ptr() == x.data_ptr());
  CHECK(F::one_hot(torch::tensor({0, 2, 1, 0}).reshape({2, 2}))
            .equal(torch::tensor({1, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0}).reshape({2, 2, 3})));
  CHECK(F::one_hot(torch::tensor({1}), 4).equal(torch::tensor({0, 1, 0, 0}).reshape({1, 4})));
  CHECK_THROWS_WITH(F::one_hot(torch::tensor({1, 5}), 3), "Class values must be smaller than num_classes.");
  CHECK_THROWS_WITH(F::one_hot(torch::tensor({-1}), 3), "Class values must be non-negative.");
  CHECK_THROWS_WITH(F::one_hot(torch::tensor({1.0f}), 3), "one_hot is only applicable to index tensor.");
}

TEST_CASE("Sequential holds and prints a module that is not Tensor -> Tensor, and refuses to run it") {
  torch::nn::Sequential seq(torch::nn::Linear(4, 4), torch::nn::LSTM(4, 5));
  CHECK(seq->size() == 2);
  std::ostringstream out;
  out << *seq;
  CHECK(out.str().find("(1): torch::nn::LSTM(input_size=4, hidden_size=5") != std::string::npos);
  CHECK_THROWS_WITH(seq->forward(torch::ones({2, 3, 4})),
                    Catch::Contains("module (1) does not take and return one Tensor"));
  torch::nn::Sequential plain(torch::nn::Linear(4, 2));
  CHECK(plain->forward(torch::ones({3, 4})).sizes() == std::vector<int64_t>{3, 2});
}

TEST_CASE("Functional wraps a function, binds trailing arguments, and runs inside a Sequential") {
  int calls = 0;
  nn::Functional counted([&calls](Tensor x) {
    ++calls;
    return x * 2;
  });
  CHECK(counted(torch::ones(3)).equal(torch::full({3}, 2.)));
  CHECK(counted->forward(torch::ones(3)).equal(torch::full({3}, 2.)));
  CHECK(calls == 2);
  nn::Functional relu(torch::relu);
  CHECK(relu(torch::tensor({-1., 2.})).equal(torch::tensor({0., 2.})));
  // elu(x, alpha, scale, input_scale) with the three scalars bound: scale 0 zeroes everything.
  nn::Functional elu(torch::elu, /*alpha=*/1, /*scale=*/0, /*input_scale=*/1);
  CHECK(elu(torch::ones({})).item<float>() == 0);
  nn::Functional elu2(torch::elu, /*alpha=*/2, /*scale=*/3, /*input_scale=*/1);
  auto x = torch::tensor({-1., 1.}, torch::requires_grad());
  auto y = elu2(x);
  CHECK(y.grad_fn()->name() == "EluBackward0");
  CHECK(y.allclose(torch::tensor({3. * 2. * (std::exp(-1.) - 1.), 3.})));
  nn::Sequential seq(nn::Linear(2, 2), nn::Functional(torch::relu));
  CHECK(seq->forward(torch::ones({1, 2})).min().item<float>() >= 0);
  CHECK(printed(relu) == "torch::nn::Functional()");
  auto copy = std::dynamic_pointer_cast<nn::FunctionalImpl>(relu->clone());
  REQUIRE(copy != nullptr);
  CHECK(copy->forward(torch::tensor({-3.})).item<float>() == 0);
}
