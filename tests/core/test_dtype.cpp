// test_dtype.cpp: every dtype against PyTorch: the promotion table, result_type with its
// dimension and wrapped-number categories, can_cast, element conversions (edge values included),
// and each op on inputs of every dtype (and every pair for mixed binary ops): the result's dtype
// and values, or PyTorch's error message. The numbers come from tests/reference/dtype.json
// (make_dtype_reference.py). Hand-written checks for the C++ API (item, data_ptr, Scalar::to,
// TypeMeta, the default dtype) follow.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <functional>
#include <map>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

using nlohmann::json;
using torch::Tensor;

namespace {

torch::ScalarType dtype_of(const std::string& name) {
  static const std::map<std::string, torch::ScalarType> names = {
      {"uint8", torch::kUInt8},     {"int8", torch::kInt8},       {"int16", torch::kInt16},  {"int32", torch::kInt32},
      {"int64", torch::kInt64},     {"float16", torch::kFloat16}, {"float32", torch::kFloat32},
      {"float64", torch::kFloat64}, {"bool", torch::kBool},       {"bfloat16", torch::kBFloat16}};
  return names.at(name);
}

double number(const json& v) {
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (s == "nan") return std::nan("");
    return s[0] == '-' ? -INFINITY : INFINITY;
  }
  return v.get<double>();
}

/// A float64 tensor of the listed values (exact for every value the scripts write but large int64).
Tensor doubles(const json& values) {
  std::vector<double> v;
  for (const auto& x : values) v.push_back(number(x));
  return torch::tensor(v, torch::kDouble);
}

/// The {"dtype", "shape", "values"} a script wrote, as a tensor of that dtype (int64 read exactly).
Tensor decode(const json& j) {
  const torch::ScalarType dt = dtype_of(j.at("dtype"));
  std::vector<int64_t> shape = j.at("shape").get<std::vector<int64_t>>();
  if (dt == torch::kLong) {
    std::vector<int64_t> v;
    for (const auto& x : j.at("values")) v.push_back(x.get<int64_t>());
    return torch::tensor(v).reshape(shape);
  }
  return doubles(j.at("values")).to(dt).reshape(shape);
}

/// The values as doubles (int64 through double is exact for what the scripts write, except huge
/// values, which are compared as int64 separately).
std::vector<double> values_of(const Tensor& t) {
  Tensor d = t.detach().contiguous().to(torch::kDouble);
  return std::vector<double>(d.data_ptr<double>(), d.data_ptr<double>() + d.numel());
}

/// Exact for integer and bool results; floating results within a unit in the last place of their
/// dtype (libm and Sleef differ there), and NaN, infinities and zero signs as PyTorch.
bool same_values(const Tensor& got, const json& expected, std::string& why) {
  const torch::ScalarType dt = got.scalar_type();
  if (got.sizes().vec() != expected.at("shape").get<std::vector<int64_t>>()) {
    why = "shape " + torch::format_sizes(got.sizes());
    return false;
  }
  if (dt == torch::kLong) {
    Tensor c = got.contiguous();
    for (int64_t i = 0; i < c.numel(); ++i)
      if (c.data_ptr<int64_t>()[i] != expected.at("values")[i].get<int64_t>()) {
        why = fmt::format("element {}: {} vs {}", i, c.data_ptr<int64_t>()[i], expected.at("values")[i].dump());
        return false;
      }
    return true;
  }
  const double ulp = dt == torch::kHalf ? 1.0 / 1024 : dt == torch::kBFloat16 ? 1.0 / 128 : dt == torch::kFloat ? 2.4e-7 : 4e-16;
  std::vector<double> g = values_of(got);
  for (size_t i = 0; i < g.size(); ++i) {
    const double e = number(expected.at("values")[i]);
    // Below float32's smallest normal number PyTorch's Sleef keeps denormals xsimd flushes.
    const double atol = dt == torch::kFloat || dt == torch::kBFloat16 ? 1.2e-38 : 0;
    const bool ok = torch::isFloatingType(dt)
                        ? (std::isnan(e) ? std::isnan(g[i]) : (g[i] == e || std::fabs(g[i] - e) <= atol + ulp * std::fabs(e)))
                        : g[i] == e;
    if (!ok) {
      why = fmt::format("element {}: {} vs {}", i, g[i], e);
      return false;
    }
  }
  return true;
}

/// torch.arange(10) % 3 == 0, torch.arange(10) % 2 == 0, and x.flip(0) for 10 elements.
Tensor every_third() { return torch::tensor({true, false, false, true, false, false, true, false, false, true}); }
Tensor every_other() { return torch::tensor({true, false, true, false, true, false, true, false, true, false}); }
Tensor reversed(const Tensor& x) { return x.index_select(0, torch::arange(x.size(0) - 1, -1, -1)); }

using Unary = std::function<Tensor(const Tensor&)>;
using Binary = std::function<Tensor(const Tensor&, const Tensor&)>;

std::map<std::string, Unary> unary_ops() {
  namespace F = torch::nn::functional;
  return {
      {"neg", [](const Tensor& x) { return -x; }},
      {"exp", [](const Tensor& x) { return torch::exp(x); }},
      {"log", [](const Tensor& x) { return torch::log(x); }},
      {"log1p", [](const Tensor& x) { return torch::log1p(x); }},
      {"sqrt", [](const Tensor& x) { return torch::sqrt(x); }},
      {"rsqrt", [](const Tensor& x) { return torch::rsqrt(x); }},
      {"abs", [](const Tensor& x) { return torch::abs(x); }},
      {"sign", [](const Tensor& x) { return torch::sign(x); }},
      {"square", [](const Tensor& x) { return torch::square(x); }},
      {"reciprocal", [](const Tensor& x) { return torch::reciprocal(x); }},
      {"sin", [](const Tensor& x) { return torch::sin(x); }},
      {"cos", [](const Tensor& x) { return torch::cos(x); }},
      {"relu", [](const Tensor& x) { return torch::relu(x); }},
      {"sigmoid", [](const Tensor& x) { return torch::sigmoid(x); }},
      {"tanh", [](const Tensor& x) { return torch::tanh(x); }},
      {"softplus", [](const Tensor& x) { return torch::softplus(x); }},
      {"log_sigmoid", [](const Tensor& x) { return F::logsigmoid(x); }},
      {"logical_not", [](const Tensor& x) { return torch::logical_not(x); }},
      {"isnan", [](const Tensor& x) { return torch::isnan(x); }},
      {"isfinite", [](const Tensor& x) { return torch::isfinite(x); }},
      {"clone", [](const Tensor& x) { return x.clone(); }},
      {"add_2", [](const Tensor& x) { return x + 2; }},
      {"add_1000", [](const Tensor& x) { return x + 1000; }},
      {"add_2.5", [](const Tensor& x) { return x + 2.5; }},
      {"add_0.1", [](const Tensor& x) { return x + 0.1; }},
      {"add_true", [](const Tensor& x) { return x + true; }},
      {"sub_3", [](const Tensor& x) { return x - 3; }},
      {"rsub_3", [](const Tensor& x) { return 3 - x; }},
      {"mul_2", [](const Tensor& x) { return x * 2; }},
      {"mul_2.5", [](const Tensor& x) { return x * 2.5; }},
      {"mul_0.1", [](const Tensor& x) { return x * 0.1; }},
      {"mul_1000", [](const Tensor& x) { return x * 1000; }},
      {"div_2", [](const Tensor& x) { return x / 2; }},
      {"div_0.1", [](const Tensor& x) { return x / 0.1; }},
      {"rdiv_2", [](const Tensor& x) { return 2 / x; }},
      {"add_2_alpha_3", [](const Tensor& x) { return torch::add(x, 2, 3); }},
      {"add_2_alpha_300", [](const Tensor& x) { return torch::add(x, 2, 300); }},
      {"pow_2", [](const Tensor& x) { return x.pow(2); }},
      {"pow_3", [](const Tensor& x) { return x.pow(3); }},
      {"pow_0.5", [](const Tensor& x) { return x.pow(0.5); }},
      {"pow_2.5", [](const Tensor& x) { return x.pow(2.5); }},
      {"pow_-1", [](const Tensor& x) { return x.pow(-1); }},
      {"pow_0", [](const Tensor& x) { return x.pow(0); }},
      {"rpow_2", [](const Tensor& x) { return torch::pow(2, x); }},
      {"clamp_-1_5", [](const Tensor& x) { return x.clamp(-1, 5); }},
      {"clamp_-1.5_5.5", [](const Tensor& x) { return x.clamp(-1.5, 5.5); }},
      {"clamp_-1000_1000", [](const Tensor& x) { return x.clamp(-1000, 1000); }},
      {"clamp_min_1", [](const Tensor& x) { return x.clamp_min(1); }},
      {"clamp_max_1", [](const Tensor& x) { return x.clamp_max(1); }},
      {"clamp_min_0.5", [](const Tensor& x) { return x.clamp_min(0.5); }},
      {"eq_2", [](const Tensor& x) { return x == 2; }},
      {"lt_1000", [](const Tensor& x) { return x < 1000; }},
      {"gt_-1", [](const Tensor& x) { return x > -1; }},
      {"le_0.5", [](const Tensor& x) { return x <= 0.5; }},
      {"ne_-1", [](const Tensor& x) { return x != -1; }},
      {"ge_true", [](const Tensor& x) { return x >= true; }},
      {"floor_divide_2", [](const Tensor& x) { return torch::floor_divide(x, 2); }},
      {"floor_divide_-1.5", [](const Tensor& x) { return torch::floor_divide(x, -1.5); }},
      {"sum", [](const Tensor& x) { return x.sum(); }},
      {"sum_dim", [](const Tensor& x) { return x.reshape({2, 5}).sum({1}); }},
      {"sum_keepdim", [](const Tensor& x) { return x.reshape({2, 5}).sum({0}, true); }},
      {"sum_float64", [](const Tensor& x) { return x.sum(torch::kFloat64); }},
      {"sum_int16", [](const Tensor& x) { return x.sum(torch::kInt16); }},
      {"mean", [](const Tensor& x) { return x.mean(); }},
      {"mean_dim", [](const Tensor& x) { return x.reshape({2, 5}).mean({1}); }},
      {"mean_float64", [](const Tensor& x) { return x.mean(torch::kFloat64); }},
      {"max", [](const Tensor& x) { return x.max(); }},
      {"min", [](const Tensor& x) { return x.min(); }},
      {"amax", [](const Tensor& x) { return x.reshape({2, 5}).amax({1}); }},
      {"amin", [](const Tensor& x) { return x.reshape({2, 5}).amin({0}); }},
      {"argmax", [](const Tensor& x) { return x.argmax(); }},
      {"argmin", [](const Tensor& x) { return x.argmin(); }},
      {"argmax_dim", [](const Tensor& x) { return x.reshape({2, 5}).argmax(1); }},
      {"logsumexp", [](const Tensor& x) { return x.reshape({2, 5}).logsumexp({1}); }},
      {"all", [](const Tensor& x) { return x.all(); }},
      {"any", [](const Tensor& x) { return x.any(); }},
      {"softmax", [](const Tensor& x) { return x.reshape({2, 5}).softmax(1); }},
      {"log_softmax", [](const Tensor& x) { return x.reshape({2, 5}).log_softmax(1); }},
      {"to_float32", [](const Tensor& x) { return x.to(torch::kFloat); }},
      {"item_double", [](const Tensor& x) { return torch::tensor(x[1].item<double>(), torch::kDouble); }},
      {"cat_self", [](const Tensor& x) { return torch::cat({x, x}); }},
      {"stack_self", [](const Tensor& x) { return torch::stack({x, x}); }},
      {"index_select", [](const Tensor& x) { return x.index_select(0, torch::tensor({3, 0, 9})); }},
      {"gather", [](const Tensor& x) { return x.gather(0, torch::tensor({9, 1, 1})); }},
      {"masked_fill_2", [](const Tensor& x) { return x.masked_fill(every_third(), 2); }},
      {"masked_fill_1000", [](const Tensor& x) { return x.masked_fill(every_third(), 1000); }},
      {"where_self", [](const Tensor& x) { return torch::where(every_other(), x, reversed(x)); }},
      {"mm", [](const Tensor& x) { return x.reshape({2, 5}).mm(x.reshape({5, 2})); }},
      {"mv", [](const Tensor& x) { return x.reshape({2, 5}).mv(x.slice(0, 0, 5)); }},
      {"dot", [](const Tensor& x) { return x.dot(x); }},
      {"bmm", [](const Tensor& x) { return x.reshape({1, 2, 5}).bmm(x.reshape({1, 5, 2})); }},
      {"matmul", [](const Tensor& x) { return x.reshape({2, 5}).matmul(x.slice(0, 0, 5)); }},
      {"fill_7", [](const Tensor& x) { return x.clone().fill_(7); }},
      {"fill_1000", [](const Tensor& x) { return x.clone().fill_(1000); }},
      {"fill_-1", [](const Tensor& x) { return x.clone().fill_(-1); }},
      {"fill_2.5", [](const Tensor& x) { return x.clone().fill_(2.5); }},
      {"zero_", [](const Tensor& x) { return x.clone().zero_(); }},
      {"add__2", [](const Tensor& x) { return x.clone().add_(2); }},
      {"mul__2.5", [](const Tensor& x) { return x.clone().mul_(2.5); }},
      {"div__2", [](const Tensor& x) { return x.clone().div_(2); }},
      {"add__1000", [](const Tensor& x) { return x.clone().add_(1000); }},
      {"full_like_1000", [](const Tensor& x) { return torch::full_like(x, 1000); }},
      {"full_like_2.5", [](const Tensor& x) { return torch::full_like(x, 2.5); }},
      {"zeros_like", [](const Tensor& x) { return torch::zeros_like(x); }},
      {"ones_like", [](const Tensor& x) { return torch::ones_like(x); }},
  };
}

std::map<std::string, Binary> binary_ops() {
  auto as_tensor = [](bool b) { return torch::tensor(b); };
  return {
      {"add", [](const Tensor& a, const Tensor& b) { return torch::add(a, b); }},
      {"sub", [](const Tensor& a, const Tensor& b) { return torch::sub(a, b); }},
      {"mul", [](const Tensor& a, const Tensor& b) { return torch::mul(a, b); }},
      {"div", [](const Tensor& a, const Tensor& b) { return torch::div(a, b); }},
      {"pow", [](const Tensor& a, const Tensor& b) { return torch::pow(a, b); }},
      {"maximum", [](const Tensor& a, const Tensor& b) { return torch::maximum(a, b); }},
      {"minimum", [](const Tensor& a, const Tensor& b) { return torch::minimum(a, b); }},
      {"xlogy", [](const Tensor& a, const Tensor& b) { return torch::xlogy(a, b); }},
      {"eq", [](const Tensor& a, const Tensor& b) { return torch::eq(a, b); }},
      {"ne", [](const Tensor& a, const Tensor& b) { return torch::ne(a, b); }},
      {"lt", [](const Tensor& a, const Tensor& b) { return torch::lt(a, b); }},
      {"le", [](const Tensor& a, const Tensor& b) { return torch::le(a, b); }},
      {"gt", [](const Tensor& a, const Tensor& b) { return torch::gt(a, b); }},
      {"ge", [](const Tensor& a, const Tensor& b) { return torch::ge(a, b); }},
      {"logical_and", [](const Tensor& a, const Tensor& b) { return torch::logical_and(a, b); }},
      {"logical_or", [](const Tensor& a, const Tensor& b) { return torch::logical_or(a, b); }},
      {"floor_divide", [](const Tensor& a, const Tensor& b) { return torch::floor_divide(a, b); }},
      {"div_floor", [](const Tensor& a, const Tensor& b) { return torch::div(a, b, "floor"); }},
      {"div_trunc", [](const Tensor& a, const Tensor& b) { return torch::div(a, b, "trunc"); }},
      {"add_alpha_2", [](const Tensor& a, const Tensor& b) { return torch::add(a, b, 2); }},
      {"isclose", [](const Tensor& a, const Tensor& b) { return torch::isclose(a, b); }},
      {"allclose", [as_tensor](const Tensor& a, const Tensor& b) { return as_tensor(torch::allclose(a, b)); }},
      {"equal", [as_tensor](const Tensor& a, const Tensor& b) { return as_tensor(torch::equal(a, b)); }},
      {"copy_", [](const Tensor& a, const Tensor& b) { return a.clone().copy_(b); }},
      {"add_", [](const Tensor& a, const Tensor& b) { return a.clone().add_(b); }},
      {"mul_", [](const Tensor& a, const Tensor& b) { return a.clone().mul_(b); }},
      {"add_0dim", [](const Tensor& a, const Tensor& b) { return a + b[4]; }},
      {"mul_0dim", [](const Tensor& a, const Tensor& b) { return a * b[1]; }},
  };
}

/// Compares one recorded outcome (values, a tuple of them, a bool, or an error) with what `run` gives.
void check_outcome(const json& c, const std::function<Tensor()>& run, const std::function<std::vector<Tensor>()>& run_tuple) {
  if (c.contains("error")) {
    std::string got = "no error";
    try {
      if (c.contains("tuple"))
        run_tuple();
      else
        run();
    } catch (const std::exception& e) {
      got = e.what();
    }
    CHECK(got == c.at("error").get<std::string>());
    return;
  }
  std::vector<Tensor> outs;
  std::vector<json> expected;
  try {
    if (c.contains("tuple")) {
      outs = run_tuple();
      for (const auto& e : c.at("tuple")) expected.push_back(e);
    } else if (c.contains("bool")) {
      outs = {run()};
      expected.push_back({{"dtype", "bool"}, {"shape", json::array()}, {"values", {c.at("bool").get<bool>() ? 1 : 0}}});
    } else {
      outs = {run()};
      expected.push_back(c);
    }
  } catch (const std::exception& e) {
    FAIL_CHECK("unexpected error: " << e.what());
    return;
  }
  for (size_t k = 0; k < outs.size(); ++k) {
    CHECK(torch::dtype_name(outs[k].scalar_type()) == expected[k].at("dtype").get<std::string>());
    std::string why;
    bool ok = same_values(outs[k], expected[k], why);
    INFO(why);
    CHECK(ok);
  }
}

}  // namespace

TEST_CASE("promote_types and can_cast follow c10's tables for every pair of dtypes") {
  const json& ref = xgrad_test::reference("dtype.json");
  int n = 0;
  for (const auto& [a, row] : ref.at("promote").items())
    for (const auto& [b, result] : row.items()) {
      INFO(a << " with " << b);
      CHECK(torch::dtype_name(torch::promote_types(dtype_of(a), dtype_of(b))) == result.get<std::string>());
      CHECK(torch::canCast(dtype_of(a), dtype_of(b)) == ref.at("can_cast").at(a).at(b).get<bool>());
      ++n;
    }
  CHECK(n == 100);
}

TEST_CASE("result_type: dimensioned tensors, 0-dim tensors and numbers promote by category") {
  int n = 0;
  for (const json& c : xgrad_test::reference("dtype.json").at("result_type")) {
    INFO(c.dump());
    auto operand = [](const json& spec) {
      const torch::ScalarType dt = dtype_of(spec[1]);
      return spec[0] == "dim" ? torch::ones({2}, dt) : torch::ones({}, dt);
    };
    Tensor a = operand(c.at("a"));
    const std::string kind = c.at("b")[0];
    torch::ScalarType got;
    if (kind == "int")
      got = torch::result_type(a, 3);
    else if (kind == "float")
      got = torch::result_type(a, 2.5);
    else if (kind == "bool")
      got = torch::result_type(a, true);
    else
      got = torch::result_type(a, operand(c.at("b")));
    CHECK(torch::dtype_name(got) == c.at("result").get<std::string>());
    ++n;
  }
  CHECK(n == 460);
}

TEST_CASE("conversions between every pair of dtypes round, truncate and wrap as PyTorch on x86") {
  int n = 0;
  for (const json& c : xgrad_test::reference("dtype.json").at("convert")) {
    INFO(c.at("from").get<std::string>() << " -> " << c.at("to").get<std::string>());
    Tensor in = decode(c.at("input"));
    REQUIRE(torch::dtype_name(in.scalar_type()) == c.at("from").get<std::string>());
    Tensor out = in.to(dtype_of(c.at("to")));
    CHECK(torch::dtype_name(out.scalar_type()) == c.at("to").get<std::string>());
    // Exactly: compare through float64 (every value here is exact in it) and, for int64, exactly.
    const json& e = c.at("output");
    if (out.scalar_type() == torch::kLong) {
      for (int64_t i = 0; i < out.numel(); ++i) {
        INFO("element " << i);
        CHECK(out.data_ptr<int64_t>()[i] == e.at("values")[i].get<int64_t>());
      }
    } else {
      std::vector<double> got = values_of(out);
      for (size_t i = 0; i < got.size(); ++i) {
        const double want = number(e.at("values")[i]);
        INFO("element " << i << ": " << got[i] << " vs " << want);
        CHECK((std::isnan(want) ? std::isnan(got[i]) : (got[i] == want && std::signbit(got[i]) == std::signbit(want))));
      }
    }
    ++n;
  }
  CHECK(n == 150);
}

TEST_CASE("every op on every dtype: PyTorch's result dtype, values and errors") {
  const json& ref = xgrad_test::reference("dtype.json");
  const auto unary = unary_ops();
  const auto binary = binary_ops();
  const std::vector<double> A = ref.at("inputs").at("a").get<std::vector<double>>();
  const std::vector<double> B = ref.at("inputs").at("b").get<std::vector<double>>();
  int n = 0;
  for (const json& c : ref.at("ops")) {
    const std::string op = c.at("op");
    const torch::ScalarType da = dtype_of(c.at("a"));
    Tensor x = torch::tensor(A, torch::kDouble).to(da);
    INFO(op << " " << c.at("a").get<std::string>() << (c.contains("b") ? " " + c.at("b").get<std::string>() : ""));
    if (c.contains("b")) {
      const torch::ScalarType db = dtype_of(c.at("b"));
      Tensor y = c.contains("special") ? torch::zeros({10}, db) : torch::tensor(B, torch::kDouble).to(db);
      const auto& fn = binary.at(op);
      check_outcome(c, [&] { return fn(x, y); }, nullptr);
    } else if (op == "max_dim" || op == "min_dim") {
      auto run_tuple = [&]() -> std::vector<Tensor> {
        auto r = op == "max_dim" ? x.reshape({2, 5}).max(1) : x.reshape({2, 5}).min(0);
        return {std::get<0>(r), std::get<1>(r)};
      };
      check_outcome(c, nullptr, run_tuple);
    } else {
      const auto& fn = unary.at(op);
      check_outcome(c, [&] { return fn(x); }, nullptr);
    }
    ++n;
  }
  CHECK(n == static_cast<int>(ref.at("ops").size()));
}

TEST_CASE("float16 and bfloat16 sums accumulate in float32 and round once, as PyTorch's") {
  const json& ref = xgrad_test::reference("dtype.json");
  Tensor r = torch::tensor(ref.at("reduced_input").get<std::vector<double>>(), torch::kDouble);
  for (const json& c : ref.at("reduced_sums")) {
    INFO(c.at("op").get<std::string>() << " " << c.at("a").get<std::string>());
    Tensor x = r.to(dtype_of(c.at("a")));
    const std::string op = c.at("op");
    Tensor out = op == "sum" ? x.sum()
                 : op == "mean" ? x.mean()
                 : op == "sum_dim" ? x.reshape({30, 100}).sum({1})
                 : op == "mean_dim" ? x.reshape({30, 100}).mean({0})
                 : op == "mul_0.1" ? x * 0.1
                 : op == "add_self" ? x + reversed(x)
                                    : x / 3;
    CHECK(torch::dtype_name(out.scalar_type()) == c.at("dtype").get<std::string>());
    std::string why;
    bool ok = same_values(out, c, why);
    INFO(why);
    CHECK(ok);
  }
}
