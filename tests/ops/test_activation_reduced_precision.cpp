// test_activation_reduced_precision.cpp: the activations on bfloat16 and float16 tensors against
// tests/reference/activation_reduced_precision.json (python3-torch 1.13): forward values and input
// gradients compared bit for bit, rrelu's training draws included, and the exact message of every
// activation that PyTorch's CPU kernels refuse for bfloat16 or float16.
// See Note [Reduced-precision activations] in src/ops/activation_utils.hpp.
#include <catch2/catch.hpp>

#include <functional>
#include <cmath>
#include <cstring>
#include <map>
#include <set>
#include <sstream>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

using torch::Tensor;
namespace F = torch::nn::functional;

namespace {
using Fn = std::function<Tensor(const Tensor&)>;

/// The python script's OPS, one C++ expression per name (x requires grad where the case has "gx").
const std::map<std::string, Fn>& ops() {
  static const std::map<std::string, Fn> table = {
      {"elu", [](const Tensor& x) { return F::elu(x); }},
      {"elu_alpha", [](const Tensor& x) { return F::elu(x, F::ELUFuncOptions().alpha(0.42)); }},
      {"elu_scale", [](const Tensor& x) { return torch::elu(x, 0.7, 1.3, 0.8); }},
      {"elu_", [](const Tensor& x) { return F::elu(x * 1, F::ELUFuncOptions().inplace(true)); }},
      {"selu", [](const Tensor& x) { return F::selu(x); }},
      {"selu_", [](const Tensor& x) { return F::selu(x * 1, F::SELUFuncOptions().inplace(true)); }},
      {"celu", [](const Tensor& x) { return F::celu(x); }},
      {"celu_alpha", [](const Tensor& x) { return F::celu(x, F::CELUFuncOptions().alpha(0.3)); }},
      {"celu_", [](const Tensor& x) { return F::celu(x * 1, F::CELUFuncOptions().alpha(0.3).inplace(true)); }},
      {"leaky_relu", [](const Tensor& x) { return F::leaky_relu(x); }},
      {"leaky_relu_slope", [](const Tensor& x) { return F::leaky_relu(x, F::LeakyReLUFuncOptions().negative_slope(0.3)); }},
      {"leaky_relu_",
       [](const Tensor& x) { return F::leaky_relu(x * 1, F::LeakyReLUFuncOptions().negative_slope(0.3).inplace(true)); }},
      {"rrelu_eval", [](const Tensor& x) { return F::rrelu(x); }},
      {"rrelu_train", [](const Tensor& x) { return F::rrelu(x, F::RReLUFuncOptions().training(true)); }},
      {"rrelu_train_bounds",
       [](const Tensor& x) { return F::rrelu(x, F::RReLUFuncOptions().lower(0.1).upper(0.3).training(true)); }},
      {"rrelu_train_", [](const Tensor& x) { return F::rrelu(x * 1, F::RReLUFuncOptions().training(true).inplace(true)); }},
      {"relu", [](const Tensor& x) { return F::relu(x); }},
      {"relu6_fwd", [](const Tensor& x) { return F::relu6(x.detach()); }},
      {"hardtanh_fwd", [](const Tensor& x) { return F::hardtanh(x.detach(), F::HardtanhFuncOptions().min_val(-0.3).max_val(0.7)); }},
      {"threshold", [](const Tensor& x) { return F::threshold(x, F::ThresholdFuncOptions(0.1, 20.3)); }},
      {"threshold_", [](const Tensor& x) { return F::threshold(x * 1, F::ThresholdFuncOptions(-0.3, 0.3333).inplace(true)); }},
      {"prelu", [](const Tensor& x) { return F::prelu(x, torch::tensor({0.3}).to(torch::kBFloat16)); }},
      {"sigmoid", [](const Tensor& x) { return torch::sigmoid(x); }},
      {"tanh", [](const Tensor& x) { return torch::tanh(x); }},
      {"softplus", [](const Tensor& x) { return F::softplus(x); }},
      {"softplus_beta", [](const Tensor& x) { return F::softplus(x, F::SoftplusFuncOptions().beta(2.0).threshold(3.0)); }},
      {"logsigmoid", [](const Tensor& x) { return F::logsigmoid(x); }},
      {"hardsigmoid", [](const Tensor& x) { return torch::hardsigmoid(x); }},
      {"hardswish", [](const Tensor& x) { return torch::hardswish(x); }},
      {"softshrink", [](const Tensor& x) { return F::softshrink(x, F::SoftshrinkFuncOptions(0.3)); }},
      {"softshrink_default", [](const Tensor& x) { return F::softshrink(x); }},
      {"hardshrink", [](const Tensor& x) { return F::hardshrink(x, F::HardshrinkFuncOptions(0.3)); }},
      {"hardshrink_01", [](const Tensor& x) { return F::hardshrink(x, F::HardshrinkFuncOptions(0.1)); }},
      {"tanhshrink", [](const Tensor& x) { return F::tanhshrink(x); }},
      {"softsign", [](const Tensor& x) { return F::softsign(x); }},
      {"glu", [](const Tensor& x) { return F::glu(x, 0); }},
      {"softmax", [](const Tensor& x) { return F::softmax(x, 0); }},
      {"gelu", [](const Tensor& x) { return F::gelu(x); }},
      {"gelu_tanh", [](const Tensor& x) { return F::gelu(x, F::GELUFuncOptions().approximate("tanh")); }},
      {"silu", [](const Tensor& x) { return F::silu(x); }},
      {"softsign_half", [](const Tensor& x) { return F::softsign(x); }},
  };
  return table;
}

const std::set<std::string> kSeeded = {"rrelu_train", "rrelu_train_bounds", "rrelu_train_"};

/// A 1-d tensor of `dtype` (bfloat16 or float16) holding the 16-bit patterns `bits`.
Tensor from_bits(const std::vector<uint16_t>& bits, torch::ScalarType dtype) {
  Tensor t = torch::empty({static_cast<int64_t>(bits.size())}, dtype);
  std::memcpy(t.data_ptr(), bits.data(), bits.size() * sizeof(uint16_t));
  return t;
}
std::vector<uint16_t> to_bits(const Tensor& t) {
  Tensor c = t.contiguous();
  std::vector<uint16_t> bits(static_cast<size_t>(c.numel()));
  std::memcpy(bits.data(), c.data_ptr(), bits.size() * sizeof(uint16_t));
  return bits;
}

/// Where two lists of 16-bit patterns differ (NaN equals NaN), as "i: x=.. got .. want .." lines.
std::string differences(const Tensor& x, const std::vector<uint16_t>& got, const std::vector<uint16_t>& want,
                        torch::ScalarType dtype, int* count) {
  std::ostringstream out;
  *count = 0;
  if (got.size() != want.size()) {
    *count = 1;
    return "sizes differ";
  }
  auto value = [&](uint16_t b) { return from_bits({b}, dtype).to(torch::kFloat).item<float>(); };
  for (size_t i = 0; i < got.size(); ++i) {
    const float g = value(got[i]), w = value(want[i]);
    if (got[i] == want[i] || (std::isnan(g) && std::isnan(w))) continue;
    if (++*count <= 8)
      out << i << ": x=" << (i < static_cast<size_t>(x.numel()) ? x[static_cast<int64_t>(i)].to(torch::kFloat).item<float>() : 0.f)
          << " got " << g << " want " << w << "\n";
  }
  return out.str();
}

torch::ScalarType dtype_named(const std::string& name) { return name == "float16" ? torch::kHalf : torch::kBFloat16; }
}  // namespace

TEST_CASE("reduced precision: bfloat16 activations give PyTorch's bits, forward and backward", "[activation][bfloat16]") {
  const auto& ref = xgrad_test::reference("activation_reduced_precision.json");
  std::set<std::string> seen;
  for (const auto& c : ref.at("cases")) {
    const std::string name = c.at("name");
    seen.insert(name);
    SECTION(name) {
      const auto it = ops().find(name);
      REQUIRE(it != ops().end());
      const torch::ScalarType dtype = dtype_named(c.value("dtype", "bfloat16"));
      Tensor x = from_bits(c.at("x").get<std::vector<uint16_t>>(), dtype);
      const bool backward = c.contains("gx");
      if (backward) x.requires_grad_(true);
      if (kSeeded.count(name)) torch::manual_seed(7);
      Tensor y = it->second(x);
      CHECK(y.scalar_type() == dtype);
      int count = 0;
      std::string why = differences(x, to_bits(y), c.at("y").get<std::vector<uint16_t>>(), dtype, &count);
      INFO("forward:\n" << why);
      CHECK(count == 0);
      if (backward) {
        Tensor g = from_bits(c.at("g").get<std::vector<uint16_t>>(), dtype).reshape(y.sizes());
        y.backward(g);
        REQUIRE(x.grad().defined());
        std::string gwhy = differences(x, to_bits(x.grad()), c.at("gx").get<std::vector<uint16_t>>(), dtype, &count);
        INFO("backward:\n" << gwhy);
        CHECK(count == 0);
      }
    }
  }
  for (const auto& [name, fn] : ops()) {
    INFO(name << " has no case in the reference file");
    CHECK(seen.count(name) == 1);
  }
}

TEST_CASE("reduced precision: activations refuse float16, and bfloat16 where PyTorch does, with its message",
          "[activation][bfloat16]") {
  const auto& ref = xgrad_test::reference("activation_reduced_precision.json");
  const std::map<std::string, Fn> refusals = {
      {"mish", [](const Tensor& x) { return F::mish(x); }},
      {"hardtanh_backward",
       [](const Tensor& x) {
         Tensor v = x.clone().requires_grad_(true);
         F::hardtanh(v).sum().backward();
         return v.grad();
       }},
      {"relu6_backward",
       [](const Tensor& x) {
         Tensor v = x.clone().requires_grad_(true);
         F::relu6(v).sum().backward();
         return v.grad();
       }},
      {"prelu", [](const Tensor& x) { return F::prelu(x, torch::tensor({0.3}).to(torch::kHalf)); }},
      {"log_softmax", [](const Tensor& x) { return F::log_softmax(x, 0); }},
  };
  for (const auto& e : ref.at("errors")) {
    const std::string name = e.at("name"), dtype = e.at("dtype"), message = e.at("message");
    SECTION(name + " " + dtype) {
      auto it = refusals.find(name);
      const Fn& fn = it != refusals.end() ? it->second : ops().at(name);
      Tensor x = torch::tensor({-1.0, 0.5}).to(dtype_named(dtype));
      if (kSeeded.count(name)) torch::manual_seed(7);
      CHECK_THROWS_WITH(fn(x), message);
    }
  }
}

TEST_CASE("reduced precision: rrelu's bfloat16 draws are its float32 draws rounded, the same stream", "[activation][bfloat16]") {
  // The generator is advanced once per non-positive element whatever the dtype: after a bfloat16
  // rrelu, the next float32 draw is the one PyTorch makes.
  Tensor x = -torch::arange(1, 6, torch::kFloat);
  torch::manual_seed(3);
  Tensor y32 = F::rrelu(x, F::RReLUFuncOptions().training(true));
  Tensor after32 = torch::rand({1});
  torch::manual_seed(3);
  Tensor y16 = F::rrelu(x.to(torch::kBFloat16), F::RReLUFuncOptions().training(true));
  Tensor after16 = torch::rand({1});
  CHECK(torch::equal(after32, after16));
  // each slope is lower + u (upper - lower) with lower, upper rounded to bfloat16, so within a
  // bfloat16 step of the float32 slope
  CHECK(torch::allclose(y16.to(torch::kFloat), y32, 1e-2, 0));
}
