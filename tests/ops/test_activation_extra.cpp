// test_activation_extra.cpp: src/ops/activation_{elu,rectifier,smooth,shrink}.cpp and the F::
// activations of src/nn/functional/activation.cpp against tests/reference/activation.json
// (python3-torch): values, grad_fn names and graphs, create_graph gradients and second derivatives,
// float64 gradcheck and gradgradcheck, the errors bad input raises, and libtorch's module printing.
#include <catch2/catch.hpp>

#include <sstream>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

using torch::Tensor;
using V = xgrad_test::Inputs;
namespace F = torch::nn::functional;

namespace {
/// In-place ops save self's old value without PyTorch's extra clone (Note [In-place ops and
/// autograd]): the graphs of the first gradients of those that save self have one CloneBackward0
/// fewer. Everything else about them (values, names, requires_grad) is PyTorch's.
const std::map<std::string, std::string> kGraphDifferences = {
    {"hardtanh_", "in-place ops save self's old value without PyTorch's extra clone"},
    {"relu6_", "in-place ops save self's old value without PyTorch's extra clone"},
    {"threshold_", "in-place ops save self's old value without PyTorch's extra clone"},
    {"silu_", "in-place ops save self's old value without PyTorch's extra clone"},
    {"mish_", "in-place ops save self's old value without PyTorch's extra clone"},
    {"hardsigmoid_", "in-place ops save self's old value without PyTorch's extra clone"},
    {"hardswish_", "in-place ops save self's old value without PyTorch's extra clone"},
};

void replay(const std::string& group, const xgrad_test::OpTable& table) {
  xgrad_test::run_reference_file("activation.json", group, table, kGraphDifferences);
}

template <class Fn>
Tensor seeded(uint64_t seed, Fn&& fn) {
  torch::manual_seed(seed);
  return fn();
}
}  // namespace

TEST_CASE("activations: the elu family matches PyTorch", "[activation]") {
  replay("elu", {
      {"elu", [](const V& a) { return F::elu(a[0]); }},
      {"elu_alpha", [](const V& a) { return F::elu(a[0], F::ELUFuncOptions().alpha(0.5)); }},
      {"elu_double", [](const V& a) { return F::elu(a[0]); }},
      {"elu_scale", [](const V& a) { return torch::elu(a[0], 0.7, 1.3, 0.8); }},
      {"elu_large", [](const V& a) { return torch::elu(a[0]); }},
      {"selu", [](const V& a) { return F::selu(a[0]); }},
      {"celu", [](const V& a) { return F::celu(a[0]); }},
      {"celu_alpha", [](const V& a) { return F::celu(a[0], F::CELUFuncOptions().alpha(0.7)); }},
      {"elu_", [](const V& a) { return F::elu(a[0].clone(), F::ELUFuncOptions().inplace(true)); }},
      {"elu_alpha_", [](const V& a) { return F::elu(a[0].clone(), F::ELUFuncOptions().alpha(2.0).inplace(true)); }},
      {"selu_", [](const V& a) { return F::selu(a[0].clone(), true); }},
      {"celu_", [](const V& a) { return F::celu(a[0].clone(), F::CELUFuncOptions().alpha(0.7).inplace(true)); }},
  });
}

TEST_CASE("activations: the rectifiers match PyTorch, rrelu's draws bit for bit", "[activation]") {
  replay("rectifier", {
      {"hardtanh", [](const V& a) { return F::hardtanh(a[0]); }},
      {"hardtanh_bounds", [](const V& a) { return F::hardtanh(a[0], F::HardtanhFuncOptions().min_val(-0.5).max_val(2.0)); }},
      {"relu6", [](const V& a) { return F::relu6(a[0]); }},
      {"leaky_relu", [](const V& a) { return F::leaky_relu(a[0]); }},
      {"leaky_relu_slope", [](const V& a) { return F::leaky_relu(a[0], F::LeakyReLUFuncOptions().negative_slope(0.2)); }},
      {"leaky_relu_negative_slope", [](const V& a) { return torch::leaky_relu(a[0], -0.3); }},
      {"threshold", [](const V& a) { return F::threshold(a[0], F::ThresholdFuncOptions(0.1, 2.0)); }},
      {"prelu", [](const V& a) { return F::prelu(a[0], a[1]); }},
      {"prelu_channels", [](const V& a) { return F::prelu(a[0], a[1]); }},
      {"prelu_1d", [](const V& a) { return F::prelu(a[0], a[1]); }},
      {"prelu_0d_weight", [](const V& a) { return torch::prelu(a[0], a[1]); }},
      {"rrelu_eval", [](const V& a) { return F::rrelu(a[0]); }},
      {"rrelu_eval_bounds", [](const V& a) { return F::rrelu(a[0], F::RReLUFuncOptions().lower(0.2).upper(0.6)); }},
      {"rrelu_train",
       [](const V& a) { return seeded(11, [&] { return F::rrelu(a[0], F::RReLUFuncOptions().training(true)); }); }},
      {"rrelu_train_bounds",
       [](const V& a) {
         return seeded(12, [&] { return F::rrelu(a[0], F::RReLUFuncOptions().lower(0.05).upper(0.9).training(true)); });
       }},
      {"rrelu_train_double", [](const V& a) { return seeded(13, [&] { return torch::rrelu(a[0], 1.0 / 8, 1.0 / 3, true); }); }},
      {"hardtanh_", [](const V& a) { return F::hardtanh(a[0].clone(), F::HardtanhFuncOptions().inplace(true)); }},
      {"relu6_", [](const V& a) { return F::relu6(a[0].clone(), true); }},
      {"leaky_relu_",
       [](const V& a) { return F::leaky_relu(a[0].clone(), F::LeakyReLUFuncOptions().negative_slope(0.2).inplace(true)); }},
      {"threshold_", [](const V& a) { return F::threshold(a[0].clone(), F::ThresholdFuncOptions(0.1, 2.0).inplace(true)); }},
      {"rrelu_", [](const V& a) { return F::rrelu(a[0].clone(), F::RReLUFuncOptions().inplace(true)); }},
      {"rrelu_train_",
       [](const V& a) {
         return seeded(14, [&] { return F::rrelu(a[0].clone(), F::RReLUFuncOptions().training(true).inplace(true)); });
       }},
  });
}

TEST_CASE("activations: gelu, silu, mish, hardsigmoid, hardswish match PyTorch", "[activation]") {
  replay("smooth", {
      {"gelu", [](const V& a) { return F::gelu(a[0]); }},
      {"gelu_tanh", [](const V& a) { return F::gelu(a[0], F::GELUFuncOptions().approximate("tanh")); }},
      {"gelu_double", [](const V& a) { return torch::gelu(a[0]); }},
      {"gelu_tanh_double", [](const V& a) { return torch::gelu(a[0], "tanh"); }},
      {"silu", [](const V& a) { return F::silu(a[0]); }},
      {"mish", [](const V& a) { return F::mish(a[0]); }},
      {"hardsigmoid", [](const V& a) { return F::hardsigmoid(a[0]); }},
      {"hardswish", [](const V& a) { return F::hardswish(a[0]); }},
      {"silu_", [](const V& a) { Tensor c = a[0].clone(); return torch::silu_(c); }},
      {"mish_", [](const V& a) { Tensor c = a[0].clone(); return torch::mish_(c); }},
      {"hardsigmoid_", [](const V& a) { return F::hardsigmoid(a[0].clone(), true); }},
      {"hardswish_", [](const V& a) { return F::hardswish(a[0].clone(), true); }},
  });
}

TEST_CASE("activations: shrinks and glu match PyTorch", "[activation]") {
  replay("shrink", {
      {"softshrink", [](const V& a) { return F::softshrink(a[0]); }},
      {"softshrink_lambda", [](const V& a) { return F::softshrink(a[0], 1.0); }},
      {"hardshrink", [](const V& a) { return F::hardshrink(a[0]); }},
      {"hardshrink_lambda", [](const V& a) { return F::hardshrink(a[0], F::HardshrinkFuncOptions().lambda(0.2)); }},
      {"glu", [](const V& a) { return F::glu(a[0]); }},
      {"glu_dim0", [](const V& a) { return F::glu(a[0], 0); }},
      {"glu_3d", [](const V& a) { return torch::glu(a[0], 1); }},
  });
}

TEST_CASE("activations: softsign, tanhshrink, softmin, Softmax2d are composed as in Python", "[activation]") {
  replay("composite", {
      {"softsign", [](const V& a) { return F::softsign(a[0]); }},
      {"tanhshrink", [](const V& a) { return F::tanhshrink(a[0]); }},
      {"softmin", [](const V& a) { return F::softmin(a[0], 1); }},
      {"softmin_dim0", [](const V& a) { return F::softmin(a[0], 0); }},
      {"softmin_double", [](const V& a) { return F::softmin(a[0], F::SoftminFuncOptions(1).dtype(torch::kFloat64)); }},
      {"softmax2d", [](const V& a) { return torch::nn::Softmax2d()(a[0]); }},
      {"softmax2d_4d", [](const V& a) { return torch::nn::Softmax2d()(a[0]); }},
      {"softplus_options", [](const V& a) { return F::softplus(a[0], F::SoftplusFuncOptions().beta(0.5).threshold(2.0)); }},
  });
}

TEST_CASE("activations: every error of activation.json, with PyTorch's type and message", "[activation]") {
  Tensor x = torch::randn({2, 3});
  Tensor xi = torch::tensor({1, -2, 3});
  Tensor xb = xi > 0;
  xgrad_test::ErrorCalls calls = {
      {"prelu_weight_size", [&] { F::prelu(x, torch::rand({2})); }},
      {"prelu_weight_2d", [&] { F::prelu(x, torch::rand({3, 1})); }},
      {"prelu_0d_input", [&] { F::prelu(torch::tensor(1.0f), torch::rand({3})); }},
      {"prelu_1d_input", [&] { F::prelu(torch::randn({3}), torch::rand({3})); }},
      {"prelu_weight_dtype", [&] { F::prelu(x, torch::rand({3}, torch::kDouble)); }},
      {"prelu_long", [&] { F::prelu(xi, torch::tensor({1})); }},
      {"elu_long", [&] { F::elu(xi); }},
      {"selu_long", [&] { F::selu(xi); }},
      {"celu_zero_alpha", [&] { F::celu(x, F::CELUFuncOptions().alpha(0.0)); }},
      {"gelu_approximate", [&] { F::gelu(x, F::GELUFuncOptions().approximate("foo")); }},
      {"gelu_long", [&] { F::gelu(xi); }},
      {"silu_long", [&] { F::silu(xi); }},
      {"mish_long", [&] { F::mish(xi); }},
      {"hardtanh_bool", [&] { F::hardtanh(xb); }},
      {"leaky_relu_long", [&] { F::leaky_relu(xi); }},
      {"threshold_bool", [&] { F::threshold(xb, F::ThresholdFuncOptions(1, 5)); }},
      {"softshrink_negative", [&] { F::softshrink(x, -1.0); }},
      {"softshrink_long", [&] { F::softshrink(xi); }},
      {"hardshrink_long", [&] { F::hardshrink(xi); }},
      {"glu_odd", [&] { F::glu(x, 1); }},
      {"glu_0d", [&] { F::glu(torch::tensor(1.0f)); }},
      {"glu_dim", [&] { F::glu(x, 2); }},
      {"glu_long", [&] { F::glu(torch::tensor({{1, 2}}), 1); }},
      {"hardsigmoid_long", [&] { F::hardsigmoid(xi); }},
      {"hardswish_long", [&] { F::hardswish(xi); }},
      {"rrelu_bounds", [&] { F::rrelu(x, F::RReLUFuncOptions().lower(0.5).upper(0.1)); }},
      {"rrelu_long", [&] { F::rrelu(xi); }},
      {"rrelu_long_training", [&] { F::rrelu(xi, F::RReLUFuncOptions().training(true)); }},
      {"softmin_long", [&] { F::softmin(xi, 0); }},
      // Python's Softmax2d asserts (AssertionError); libtorch's and xgrad's throw their Error.
      {"softmax2d_2d", {[&] { torch::nn::Softmax2d()(x); }, "RuntimeError"}},
      {"elu_inplace_leaf", [&] { F::elu(x.clone().set_requires_grad(true), F::ELUFuncOptions().inplace(true)); }},
      {"elu_inplace_negative_alpha_backward",
       [&] {
         F::elu(x.clone().set_requires_grad(true).clone(), F::ELUFuncOptions().alpha(-1.0).inplace(true)).sum().backward();
       }},
      {"leaky_relu_inplace_negative_slope_backward",
       [&] {
         F::leaky_relu(x.clone().set_requires_grad(true).clone(), F::LeakyReLUFuncOptions().negative_slope(-0.1).inplace(true))
             .sum()
             .backward();
       }},
  };
  xgrad_test::check_error_cases("activation.json", calls);
}

TEST_CASE("activations: integer inputs and NaN as PyTorch computes them", "[activation]") {
  const auto& values = xgrad_test::reference("activation.json").at("values");
  Tensor xi = torch::tensor({1, -2, 3});
  auto as_vector = [](const Tensor& t) {
    std::vector<double> v;
    Tensor d = t.to(torch::kDouble).contiguous();
    for (int64_t i = 0; i < d.numel(); ++i) v.push_back(d.data_ptr<double>()[i]);
    return v;
  };
  Tensor h = F::hardtanh(xi);
  CHECK(h.scalar_type() == torch::kLong);
  CHECK(as_vector(h) == values.at("hardtanh_long").get<std::vector<double>>());
  CHECK(as_vector(F::relu6(xi * 3)) == values.at("relu6_long").get<std::vector<double>>());
  CHECK(as_vector(F::threshold(xi, F::ThresholdFuncOptions(1, 5))) == values.at("threshold_long").get<std::vector<double>>());
  Tensor s = F::softsign(xi);
  CHECK(s.scalar_type() == torch::kFloat);
  CHECK_CLOSE(s, torch::tensor(values.at("softsign_long").get<std::vector<double>>()));

  Tensor nan = torch::tensor({NAN});
  std::vector<Tensor> results = {F::elu(nan),  F::gelu(nan),       F::silu(nan),       F::mish(nan),
                                 F::hardtanh(nan), F::relu6(nan), F::leaky_relu(nan), F::threshold(nan, F::ThresholdFuncOptions(0.0, 1.0)),
                                 F::softshrink(nan), F::hardshrink(nan), F::hardsigmoid(nan), F::hardswish(nan)};
  const auto& expected = values.at("nan");
  REQUIRE(expected.size() == results.size());
  for (size_t i = 0; i < results.size(); ++i) {
    INFO("function " << i);
    double want = std::stod(expected[i].get<std::string>());
    double got = results[i].item<double>();
    CHECK((std::isnan(want) ? std::isnan(got) : got == want));
  }
}

TEST_CASE("activations: in place without autograd writes the input; modules forward as the functionals", "[activation]") {
  Tensor x = torch::tensor({-1.0f, 0.5f, 2.0f});
  Tensor y = F::elu(x, F::ELUFuncOptions().inplace(true));
  CHECK(y.is_same(x));
  CHECK(x[0].item<float>() == Approx(std::expm1(-1.0f)));
  Tensor z = torch::tensor({-1.0f, 0.5f, 7.0f});
  torch::nn::ReLU6 relu6(torch::nn::ReLU6Options(true));
  relu6(z);
  CHECK(z[0].item<float>() == 0.0f);
  CHECK(z[2].item<float>() == 6.0f);

  // RReLU: random slopes in training, the mean slope in eval mode.
  torch::nn::RReLU rrelu;
  Tensor neg = -torch::ones({1000});
  Tensor train = rrelu(neg);
  CHECK(train.min().item<float>() >= -1.0f / 3.0f - 1e-6f);
  CHECK(train.max().item<float>() <= -1.0f / 8.0f + 1e-6f);
  CHECK((train.max() - train.min()).item<float>() > 0.1f);  // not one slope for all
  rrelu->eval();
  CHECK_CLOSE(rrelu(neg), torch::full({1000}, -(1.0 / 8 + 1.0 / 3) / 2));

  // PReLU: num_parameters slopes, init 0.25, a parameter named weight.
  torch::nn::PReLU prelu(torch::nn::PReLUOptions().num_parameters(3).init(0.1));
  REQUIRE(prelu->named_parameters().size() == 1);
  CHECK(prelu->named_parameters().contains("weight"));
  CHECK_CLOSE(prelu->weight, torch::full({3}, 0.1));
  Tensor out = prelu(-torch::ones({2, 3, 4}));
  out.sum().backward();
  CHECK_CLOSE(prelu->weight.grad(), torch::full({3}, -8.0));
  CHECK_CLOSE(torch::nn::PReLU()->weight, torch::full({1}, 0.25));

  CHECK_THROWS_WITH(torch::nn::Hardtanh(torch::nn::HardtanhOptions().min_val(2).max_val(1)),
                    "max_val must be greater than min_val");
  CHECK_CLOSE(torch::nn::GLU(0)(torch::tensor({1.0f, 0.0f})), torch::tensor({0.5f}));
  CHECK_CLOSE(torch::nn::Softmin(0)(torch::tensor({0.0f, 0.0f})), torch::tensor({0.5f, 0.5f}));
  CHECK_CLOSE(torch::nn::Threshold(0.5, -1.0)(torch::tensor({0.2f, 0.7f})), torch::tensor({-1.0f, 0.7f}));
}

TEST_CASE("activations: in place on a view of a graph records CopySlices, as PyTorch", "[activation][views]") {
  // y = 2x; an in-place activation on y[1:, 1:]; (y * w).sum().backward(). Numbers: python3-torch.
  using Fn = std::function<void(Tensor&)>;
  const std::vector<std::tuple<std::string, Fn, std::vector<float>, std::vector<float>>> cases = {
      {"elu_", [](Tensor& v) { F::elu(v, F::ELUFuncOptions().alpha(0.5).inplace(true)); },
       {-3.0f, 0.5f, 4.0f, 1.0f, -0.38843491673469543f, -0.4987606108188629f, 2.5f, -0.1648399829864502f, 8.0f},
       {2.0f, 4.0f, 6.0f, 8.0f, 1.1156508922576904f, 0.01487267017364502f, 14.0f, 5.362560272216797f, 18.0f}},
      {"hardtanh_", [](Tensor& v) { torch::hardtanh_(v, -1.0, 1.0); },
       {-3.0f, 0.5f, 4.0f, 1.0f, -1.0f, -1.0f, 2.5f, -0.4000000059604645f, 1.0f},
       {2.0f, 4.0f, 6.0f, 8.0f, 0.0f, 0.0f, 14.0f, 16.0f, 0.0f}},
      {"leaky_relu_", [](Tensor& v) { F::leaky_relu(v, F::LeakyReLUFuncOptions().negative_slope(0.1).inplace(true)); },
       {-3.0f, 0.5f, 4.0f, 1.0f, -0.15000000596046448f, -0.6000000238418579f, 2.5f, -0.04000000283122063f, 8.0f},
       {2.0f, 4.0f, 6.0f, 8.0f, 1.0f, 1.2000000476837158f, 14.0f, 1.600000023841858f, 18.0f}},
      {"silu_", [](Tensor& v) { torch::silu_(v); },
       {-3.0f, 0.5f, 4.0f, 1.0f, -0.2736382782459259f, -0.014835738576948643f, 2.5f, -0.16052494943141937f, 7.997317314147949f},
       {2.0f, 4.0f, 6.0f, 8.0f, -0.4129416048526764f, -0.14791718125343323f, 14.0f, 4.883328914642334f, 18.042236328125f}},
      {"threshold_", [](Tensor& v) { F::threshold(v, F::ThresholdFuncOptions(0.3, -2.0).inplace(true)); },
       {-3.0f, 0.5f, 4.0f, 1.0f, -2.0f, -2.0f, 2.5f, -2.0f, 8.0f},
       {2.0f, 4.0f, 6.0f, 8.0f, 0.0f, 0.0f, 14.0f, 0.0f, 18.0f}},
  };
  for (const auto& [name, fn, values, grads] : cases) {
    SECTION(name) {
      Tensor x = torch::tensor({{-1.5f, 0.25f, 2.0f}, {0.5f, -0.75f, -3.0f}, {1.25f, -0.2f, 4.0f}}).requires_grad_();
      Tensor w = torch::arange(1, 10).reshape({3, 3}).to(torch::kFloat);
      Tensor y = x * 2;
      Tensor v = y.slice(0, 1).slice(1, 1);
      fn(v);
      CHECK(y.grad_fn()->name() == "CopySlices");
      CHECK(v.grad_fn()->name() == "AsStridedBackward0");
      (y * w).sum().backward();
      CHECK_CLOSE(y.detach().flatten(), torch::tensor(values));
      CHECK_CLOSE(x.grad().flatten(), torch::tensor(grads));
    }
  }
}

TEST_CASE("activation modules print as libtorch prints them", "[activation]") {
  namespace nn = torch::nn;
  auto str = [](const auto& module) {
    std::ostringstream s;
    s << module;
    return s.str();
  };
  // The strings of libtorch's test/cpp/api/modules.cpp (PrettyPrint*).
  CHECK(str(nn::ELU()) == "torch::nn::ELU(alpha=1)");
  CHECK(str(nn::ELU(nn::ELUOptions().alpha(42.42).inplace(true))) == "torch::nn::ELU(alpha=42.42, inplace=true)");
  CHECK(str(nn::SELU()) == "torch::nn::SELU()");
  CHECK(str(nn::SELU(nn::SELUOptions().inplace(true))) == "torch::nn::SELU(inplace=true)");
  CHECK(str(nn::GLU()) == "torch::nn::GLU(dim=-1)");
  CHECK(str(nn::GLU(1)) == "torch::nn::GLU(dim=1)");
  CHECK(str(nn::Hardshrink()) == "torch::nn::Hardshrink(0.5)");
  CHECK(str(nn::Hardshrink(nn::HardshrinkOptions().lambda(42.42))) == "torch::nn::Hardshrink(42.42)");
  CHECK(str(nn::Hardtanh()) == "torch::nn::Hardtanh(min_val=-1, max_val=1)");
  CHECK(str(nn::Hardtanh(nn::HardtanhOptions().min_val(-42.42).max_val(0.42).inplace(true))) ==
        "torch::nn::Hardtanh(min_val=-42.42, max_val=0.42, inplace=true)");
  CHECK(str(nn::LeakyReLU()) == "torch::nn::LeakyReLU(negative_slope=0.01)");
  CHECK(str(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.42).inplace(true))) ==
        "torch::nn::LeakyReLU(negative_slope=0.42, inplace=true)");
  CHECK(str(nn::LogSigmoid()) == "torch::nn::LogSigmoid()");
  CHECK(str(nn::Softmin(nn::SoftminOptions(1))) == "torch::nn::Softmin(dim=1)");
  CHECK(str(nn::Softmax2d()) == "torch::nn::Softmax2d()");
  CHECK(str(nn::PReLU()) == "torch::nn::PReLU(num_parameters=1)");
  CHECK(str(nn::PReLU(nn::PReLUOptions().num_parameters(42))) == "torch::nn::PReLU(num_parameters=42)");
  CHECK(str(nn::ReLU6()) == "torch::nn::ReLU6()");
  CHECK(str(nn::ReLU6(nn::ReLU6Options().inplace(true))) == "torch::nn::ReLU6(inplace=true)");
  CHECK(str(nn::ReLU6(/*inplace=*/true)) == "torch::nn::ReLU6(inplace=true)");
  CHECK(str(nn::RReLU()) == "torch::nn::RReLU(lower=0.125, upper=0.333333)");
  CHECK(str(nn::RReLU(nn::RReLUOptions().lower(0.24).upper(0.42).inplace(true))) ==
        "torch::nn::RReLU(lower=0.24, upper=0.42, inplace=true)");
  CHECK(str(nn::CELU()) == "torch::nn::CELU(alpha=1)");
  CHECK(str(nn::CELU(nn::CELUOptions().alpha(42.42).inplace(true))) == "torch::nn::CELU(alpha=42.42, inplace=true)");
  CHECK(str(nn::Softplus()) == "torch::nn::Softplus(beta=1, threshold=20)");
  CHECK(str(nn::Softplus(nn::SoftplusOptions().beta(0.24).threshold(42.42))) ==
        "torch::nn::Softplus(beta=0.24, threshold=42.42)");
  CHECK(str(nn::Softshrink()) == "torch::nn::Softshrink(0.5)");
  CHECK(str(nn::Softshrink(nn::SoftshrinkOptions(42.42))) == "torch::nn::Softshrink(42.42)");
  CHECK(str(nn::Softsign()) == "torch::nn::Softsign()");
  CHECK(str(nn::Tanhshrink()) == "torch::nn::Tanhshrink()");
  CHECK(str(nn::Threshold(24.24, 42.42)) == "torch::nn::Threshold(threshold=24.24, value=42.42)");
  CHECK(str(nn::Threshold(nn::ThresholdOptions(42.42, 24.24).inplace(true))) ==
        "torch::nn::Threshold(threshold=42.42, value=24.24, inplace=true)");
  // libtorch's source (torch/csrc/api/src/nn/modules/activation.cpp) for those its tests skip.
  CHECK(str(nn::GELU()) == "torch::nn::GELU()");
  CHECK(str(nn::GELU(nn::GELUOptions().approximate("tanh"))) == "torch::nn::GELU()");
  CHECK(str(nn::SiLU()) == "torch::nn::SiLU()");
  CHECK(str(nn::Mish()) == "torch::nn::Mish()");
  // Python's modules that libtorch lacks, printed in the same style.
  CHECK(str(nn::Hardsigmoid()) == "torch::nn::Hardsigmoid()");
  CHECK(str(nn::Hardswish(true)) == "torch::nn::Hardswish(inplace=true)");
}

TEST_CASE("activations: rrelu's training draws are PyTorch's, bit for bit", "[activation]") {
  for (const auto& c : xgrad_test::reference("activation.json").at("cases")) {
    const std::string name = c.at("name");
    if (name.rfind("rrelu_train", 0) != 0) continue;
    INFO("case " << name);
    Tensor x = xgrad_test::decode(c.at("inputs")[0]);
    const uint64_t seed = name == "rrelu_train" ? 11 : name == "rrelu_train_bounds" ? 12 : name == "rrelu_train_double" ? 13 : 14;
    const double lower = name == "rrelu_train_bounds" ? 0.05 : 1.0 / 8, upper = name == "rrelu_train_bounds" ? 0.9 : 1.0 / 3;
    torch::manual_seed(seed);
    Tensor y = torch::rrelu(x, lower, upper, /*training=*/true);
    // float32 values are stored exactly (9 digits); float64 ones to 12 digits.
    if (x.scalar_type() == torch::kFloat)
      CHECK(y.equal(xgrad_test::decode(c.at("output"))));
    else
      CHECK_CLOSE(y, xgrad_test::decode(c.at("output")), 1e-11, 1e-12);
  }
}

TEST_CASE("activations: float16 is refused with PyTorch 1.13's kernel names", "[activation]") {
  // python3-torch 1.13 on the CPU: F.elu(x.half()) -> '"elu_cpu" not implemented for \'Half\'', and
  // likewise for the others below. (bfloat16, which PyTorch computes for most of them, is checked
  // bit for bit in test_activation_reduced_precision.cpp.)
  auto x = torch::tensor({-1.0, 0.5, 2.0, -0.3}).to(torch::kHalf);
  CHECK_THROWS_WITH(torch::elu(x), "\"elu_cpu\" not implemented for 'Half'");
  CHECK_THROWS_WITH(torch::leaky_relu(x), "\"leaky_relu_cpu\" not implemented for 'Half'");
  CHECK_THROWS_WITH(torch::hardshrink(x), "\"hardshrink_cpu\" not implemented for 'Half'");
  CHECK_THROWS_WITH(torch::softshrink(x), "\"softshrink_cpu\" not implemented for 'Half'");
}
