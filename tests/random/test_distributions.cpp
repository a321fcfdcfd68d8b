// test_distributions.cpp: src/random/distributions.cpp draws PyTorch's bits: every case of
// tests/reference/rng.json (written by python3-torch) replayed call by call, each element's bit
// pattern compared, and the generator's whole state compared after each case (so the number of
// draws is right too); plus the vectors of the RNG spec (torch_rng_vectors.json).
#include <catch2/catch.hpp>

#include <xgrad/torch.hpp>

#include "random/rng_steps.hpp"
#include "support/reference.hpp"

using nlohmann::json;

namespace {
bool is_init_case(const std::string& name) {
  return name.rfind("init_", 0) == 0 || name.rfind("linear_", 0) == 0 || name.rfind("mlp_", 0) == 0;
}
}  // namespace

namespace xgrad_test::rng {
/// Replays the cases of rng.json for which `wanted(name)` holds; returns how many.
int replay_cases(const std::function<bool(const std::string&)>& wanted) {
  int n = 0;
  for (const json& c : xgrad_test::reference("rng.json").at("cases")) {
    const std::string name = c.at("name");
    if (!wanted(name)) continue;
    INFO("case " << name);
    json got = xgrad_test::rng::replay(c);
    for (size_t i = 0; i < c.at("outputs").size(); ++i) {
      INFO("step " << i << ": " << c.at("steps")[i].dump());
      CHECK(got["outputs"][i] == c.at("outputs")[i]);
    }
    CHECK(got["state"] == c.at("state"));
    ++n;
  }
  return n;
}
}  // namespace xgrad_test::rng

TEST_CASE("every sequence of rng.json gives PyTorch's bits and generator state") {
  // (the nn.init and nn.Linear cases run in tests/nn/test_init.cpp)
  CHECK(xgrad_test::rng::replay_cases([](const std::string& name) { return !is_init_case(name); }) > 500);
}

TEST_CASE("the RNG spec's test vectors, bit for bit") {
  int checked = 0;
  for (const json& v : xgrad_test::reference("torch_rng_vectors.json").at("vectors")) {
    const std::string call = v.at("call");
    const std::string dtype = v.at("dtype");
    INFO(call << " seed " << v.at("seed").dump());
    // Re-express the Python call as a step of rng.json's language.
    json step;
    auto shape = v.at("shape");
    step["shape"] = shape;
    step["dtype"] = dtype;
    auto num = [&](const std::string& s) { return json::parse(s); };
    auto args_of = [&](const std::string& head) {
      std::string inside = call.substr(call.find(head) + head.size());
      inside = inside.substr(0, inside.find(')'));
      std::vector<std::string> out;
      size_t pos = 0;
      while (pos <= inside.size() && !inside.empty()) {
        size_t comma = inside.find(',', pos);
        std::string part = inside.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        part.erase(0, part.find_first_not_of(' '));
        if (!part.empty()) out.push_back(part);
        if (comma == std::string::npos) break;
        pos = comma + 1;
      }
      return out;
    };
    auto pow2 = [](std::string s) {  // "2**32-1" -> number
      bool neg = s[0] == '-';
      if (neg) s = s.substr(1);
      if (s.rfind("2**", 0) == 0) {
        int e = std::stoi(s.substr(3));
        int64_t val = static_cast<int64_t>(uint64_t{1} << e);
        if (s.find("-1") != std::string::npos) val -= 1;
        return neg ? -val : val;
      }
      return static_cast<int64_t>(std::stoll(neg ? "-" + s : s));
    };
    if (call.rfind("sequence", 0) == 0 || call.find("Linear") != std::string::npos ||
        call.find("generator=") != std::string::npos) {
      continue;  // covered by rng.json's own sequence, Linear and Generator cases
    }
    if (call.find("torch.randn(") == 0) {
      step["op"] = "randn";
    } else if (call.find("torch.rand(") == 0) {
      step["op"] = "rand";
    } else if (call.find(".normal_(") != std::string::npos) {
      auto a = args_of(".normal_(");
      step["op"] = "normal_";
      step["mean"] = num(a[0]);
      step["std"] = num(a[1]);
    } else if (call.find(".uniform_(") != std::string::npos) {
      auto a = args_of(".uniform_(");
      step["op"] = "uniform_";
      step["from"] = num(a[0]);
      step["to"] = num(a[1]);
    } else if (call.find("torch.randint(") == 0) {
      auto a = args_of("torch.randint(");
      step["op"] = "randint";
      step["low"] = a.size() >= 3 && a[1].find('(') == std::string::npos ? pow2(a[0]) : 0;
      step["high"] = a.size() >= 3 && a[1].find('(') == std::string::npos ? pow2(a[1]) : pow2(a[0]);
    } else if (call.find(".random_(") != std::string::npos) {
      auto a = args_of(".random_(");
      step["op"] = "random_";
      json args = json::array();
      for (const std::string& s : a) args.push_back(s == "None" ? json(nullptr) : json(pow2(s)));
      step["args"] = args;
    } else if (call.find("torch.randperm(") == 0) {
      step["op"] = "randperm";
      step["n"] = shape[0];
    } else if (call.find(".bernoulli_(") != std::string::npos) {
      step["op"] = "bernoulli_";
      step["p"] = num(args_of(".bernoulli_(")[0]);
    } else if (call.find("F.dropout") == 0) {
      step["op"] = "dropout";
      step["p"] = 0.5;
    } else {
      FAIL("a vector this test does not know how to run: " << call);
    }
    std::string seed_text = v.at("seed").dump();
    uint64_t seed = seed_text[0] == '-' ? static_cast<uint64_t>(std::stoll(seed_text)) : std::stoull(seed_text);
    torch::manual_seed(seed);
    torch::Tensor out = xgrad_test::rng::run_step(step, std::nullopt)[0].reshape({-1});
    auto got = xgrad_test::rng::bits(out);
    const auto& idx = v.at("indices");
    for (size_t k = 0; k < idx.size(); ++k) {
      size_t i = idx[k].get<size_t>();
      if (v.contains("bits_hex")) {
        CHECK("0x" + got[i] == v.at("bits_hex")[k].get<std::string>());
      } else {
        CHECK(got[i] == v.at("values")[k].dump());
      }
    }
    ++checked;
  }
  CHECK(checked >= 90);
}

TEST_CASE("the documents' first draws") {
  // torch.manual_seed(0); torch.randn(2, 2) -> [[1.5410, -0.2934], [-2.1788, 0.5684]]
  torch::manual_seed(0);
  CHECK(fmt::format("{}", torch::randn({2, 2})) == "tensor([[ 1.5410, -0.2934],\n        [-2.1788,  0.5684]])");
  // torch.empty(3).random_(2) after seed 0 -> [0., 1., 1.]
  torch::manual_seed(0);
  CHECK(torch::empty({3}).random_(2).equal(torch::tensor({0.0f, 1.0f, 1.0f})));
}

TEST_CASE("random functions check their arguments as PyTorch does") {
  CHECK_THROWS_WITH(torch::randint(5, 5, {2}), "random_ expects 'from' to be less than 'to', but got from=5 >= to=5");
  CHECK_THROWS_WITH(torch::empty({2}).bernoulli_(1.5), "bernoulli_ expects p to be in [0, 1], but got p=1.5");
  CHECK_THROWS_AS(torch::dropout(torch::ones({2}), 1.5, true), torch::ValueError);
  CHECK_THROWS_WITH(torch::empty({2}).normal_(0, -1), "normal expects std >= 0.0, but found std -1");
  auto leaf = torch::zeros({2}, torch::requires_grad());
  CHECK_THROWS_WITH(leaf.uniform_(), "a leaf Variable that requires grad is being used in an in-place operation.");
  torch::NoGradGuard no_grad;
  CHECK_NOTHROW(leaf.uniform_());
}

TEST_CASE("dropout: nothing drawn when not training or p == 0, zeros when p == 1, gradient through the mask") {
  auto x = torch::ones({8}, torch::requires_grad());
  torch::manual_seed(3);
  auto state_before = xgrad_test::rng::state(torch::default_generator());
  CHECK(torch::dropout(x, 0.5, false).is_same(x));
  CHECK(torch::dropout(x, 0.0, true).is_same(x));
  CHECK(xgrad_test::rng::state(torch::default_generator()) == state_before);
  CHECK(torch::dropout(x, 1.0, true).equal(torch::zeros({8})));
  auto y = torch::dropout(x, 0.5, true);
  CHECK(y.grad_fn()->name() == "MulBackward0");
  y.sum().backward();
  CHECK(x.grad().equal(y.detach()));  // the gradient is the scaled mask itself
}
