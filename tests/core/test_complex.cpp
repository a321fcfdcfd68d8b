// test_complex.cpp: the complex dtypes against PyTorch: c10::complex as a value type, the
// promotion table and result_type with complex operands, torch::tensor / at::tensor from complex
// data, Scalar and item(), add/sub/mul/div/abs, printing, the views view_as_real /
// view_as_complex / real / imag with PyTorch's errors, and the refusals (other ops, autograd).
// The numbers come from tests/reference/complex.json (make_complex_reference.py).
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <map>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

using nlohmann::json;
using torch::Tensor;

namespace {

torch::ScalarType dtype_named(const std::string& name) {
  static const std::map<std::string, torch::ScalarType> names = {
      {"uint8", torch::kUInt8},     {"int8", torch::kInt8},         {"int16", torch::kInt16},
      {"int32", torch::kInt32},     {"int64", torch::kInt64},       {"float16", torch::kFloat16},
      {"float32", torch::kFloat32}, {"float64", torch::kFloat64},   {"bool", torch::kBool},
      {"bfloat16", torch::kBFloat16}, {"complex64", torch::kComplexFloat}, {"complex128", torch::kComplexDouble}};
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

/// {"dtype", "shape", "values"} as the script wrote it: complex values as [re, im] pairs.
Tensor decode_complex(const json& j) {
  const torch::ScalarType dt = dtype_named(j.at("dtype"));
  const auto shape = j.at("shape").get<std::vector<int64_t>>();
  std::vector<double> flat;
  if (torch::isComplexType(dt)) {
    for (const json& z : j.at("values")) {
      flat.push_back(number(z[0]));
      flat.push_back(number(z[1]));
    }
    Tensor pairs = torch::tensor(flat, torch::kDouble).reshape({-1, 2});
    return torch::view_as_complex(pairs).to(dt).reshape(shape);
  }
  for (const json& v : j.at("values")) flat.push_back(number(v));
  return torch::tensor(flat, torch::kDouble).to(dt).reshape(shape);
}

/// Values equal to float32 rounding (complex64, float32) or to float64 rounding, part by part.
void check_close(const Tensor& got, const json& want) {
  const Tensor expected = decode_complex(want);
  REQUIRE(got.scalar_type() == expected.scalar_type());
  REQUIRE(got.sizes() == expected.sizes());
  const bool single = got.scalar_type() == torch::kComplexFloat || got.scalar_type() == torch::kFloat;
  const double eps = single ? 4e-7 : 4e-16;
  const Tensor g = got.is_complex() ? torch::view_as_real(got.contiguous()).to(torch::kDouble) : got.to(torch::kDouble);
  const Tensor e = expected.is_complex() ? torch::view_as_real(expected.contiguous()).to(torch::kDouble)
                                         : expected.to(torch::kDouble);
  const Tensor gf = g.reshape({-1}), ef = e.reshape({-1});
  for (int64_t i = 0; i < gf.numel(); ++i) {
    const double a = gf[i].item<double>(), b = ef[i].item<double>();
    INFO("element " << i << ": got " << a << ", PyTorch " << b);
    CHECK(std::abs(a - b) <= eps * std::max(1.0, std::abs(b)));
  }
}

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

/// A WarningHandler that keeps the messages.
struct Capture : c10::WarningHandler {
  std::vector<std::string> messages;
  void process(const c10::SourceLocation&, const std::string& msg, bool) override { messages.push_back(msg); }
};

}  // namespace

TEST_CASE("c10::complex is a value type with c10's arithmetic") {
  c10::complex<float> z(1.5f, -2.0f);
  CHECK(z.real() == 1.5f);
  CHECK(z.imag() == -2.0f);
  CHECK(c10::complex<double>(2.5).imag() == 0.0);
  const c10::complex<double> w = z;  // widening is implicit
  CHECK(w == c10::complex<double>(1.5, -2.0));
  CHECK(static_cast<c10::complex<float>>(c10::complex<double>(0.1, 0.2)) == c10::complex<float>(0.1f, 0.2f));
  CHECK(z + c10::complex<float>(0.5f, 1.0f) == c10::complex<float>(2.0f, -1.0f));
  CHECK(z - 0.5f == c10::complex<float>(1.0f, -2.0f));
  CHECK(z * c10::complex<float>(0.0f, 1.0f) == c10::complex<float>(2.0f, 1.5f));
  CHECK(2.0f * z == c10::complex<float>(3.0f, -4.0f));
  const c10::complex<double> q = c10::complex<double>(1, 2) / c10::complex<double>(3, -4);
  CHECK(q.real() == Approx(-0.2).epsilon(1e-15));
  CHECK(q.imag() == Approx(0.4).epsilon(1e-15));
  CHECK(-z == c10::complex<float>(-1.5f, 2.0f));
  CHECK(z != c10::complex<float>(1.5f, 2.0f));
  CHECK(std::abs(c10::complex<double>(3, 4)) == 5.0);
  CHECK(std::arg(c10::complex<double>(0, 1)) == Approx(M_PI / 2));
  CHECK(std::conj(c10::complex<double>(1, 2)) == c10::complex<double>(1, -2));
  const std::complex<double> s = static_cast<std::complex<double>>(w);
  CHECK(s == std::complex<double>(1.5, -2.0));
  CHECK(c10::complex<double>(std::complex<double>(3, 4)) == c10::complex<double>(3, 4));
  CHECK(sizeof(c10::complex<float>) == 8);
  CHECK(sizeof(c10::complex<double>) == 16);
  std::ostringstream os;
  os << c10::complex<double>(1.5, 2);
  CHECK(os.str() == "(1.5,2)");
}

TEST_CASE("complex ScalarTypes: names, sizes, categories and c10's promotion table") {
  CHECK(torch::kComplexFloat == c10::ScalarType::ComplexFloat);
  CHECK(static_cast<int>(at::kComplexFloat) == 9);
  CHECK(static_cast<int>(at::kComplexDouble) == 10);
  CHECK(torch::elementSize(torch::kComplexFloat) == 8);
  CHECK(torch::elementSize(torch::kComplexDouble) == 16);
  CHECK(std::string(torch::toString(torch::kComplexFloat)) == "ComplexFloat");
  CHECK(std::string(torch::dtype_name(torch::kComplexDouble)) == "complex128");
  CHECK(torch::isComplexType(torch::kComplexFloat));
  CHECK_FALSE(torch::isComplexType(torch::kDouble));
  CHECK_FALSE(torch::isFloatingType(torch::kComplexFloat));
  CHECK(torch::toRealValueType(torch::kComplexDouble) == torch::kDouble);
  CHECK(torch::toComplexType(torch::kFloat) == torch::kComplexFloat);
  CHECK_FALSE(torch::canCast(torch::kComplexFloat, torch::kDouble));
  CHECK(torch::canCast(torch::kDouble, torch::kComplexFloat));
  CHECK(caffe2::TypeMeta::Make<c10::complex<float>>() == torch::kComplexFloat);
  CHECK(std::string(caffe2::TypeMeta::Make<c10::complex<double>>().name()) == "c10::complex<double>");
  for (const auto& [pair, result] : xgrad_test::reference("complex.json").at("promote").items()) {
    const auto comma = pair.find(',');
    INFO(pair);
    CHECK(torch::promote_types(dtype_named(pair.substr(0, comma)), dtype_named(pair.substr(comma + 1))) ==
          dtype_named(result));
  }
}

TEST_CASE("result_type with complex operands follows PyTorch's categories") {
  for (const json& c : xgrad_test::reference("complex.json").at("result_type")) {
    INFO(c.dump());
    const auto make = [](const json& side) {
      const torch::ScalarType dt = dtype_named(side[1]);
      return side[0] == "dim" ? torch::ones({2}, dt) : torch::ones({}, dt);
    };
    const Tensor a = make(c.at("a"));
    const torch::ScalarType want = dtype_named(c.at("result"));
    if (c.at("b")[0] == "number")
      CHECK(torch::result_type(a, c10::complex<double>(0, 1)) == want);
    else
      CHECK(torch::result_type(a, make(c.at("b"))) == want);
  }
}

TEST_CASE("Scalar holds complex values and converts them as c10 does") {
  c10::Scalar s(c10::complex<float>(0.5f, -1.5f));
  CHECK(s.isComplex());
  CHECK_FALSE(s.isFloatingPoint());
  CHECK(s.type() == torch::kComplexDouble);
  CHECK(s.to<c10::complex<double>>() == c10::complex<double>(0.5, -1.5));
  CHECK(s.toComplexDouble() == c10::complex<double>(0.5, -1.5));
  CHECK((-s).to<c10::complex<double>>() == c10::complex<double>(-0.5, 1.5));
  CHECK(error_of([&] { s.to<float>(); }) == "value cannot be converted to type float without overflow");
  CHECK(error_of([&] { s.toDouble(); }) == "value cannot be converted to type double without overflow");
  CHECK(c10::Scalar(c10::complex<double>(2.0, 0.0)).toDouble() == 2.0);
  CHECK(c10::Scalar(1.5).to<c10::complex<double>>() == c10::complex<double>(1.5, 0));
  CHECK(c10::Scalar(int64_t{3}).to<c10::complex<float>>() == c10::complex<float>(3, 0));
  CHECK(c10::Scalar(std::complex<double>(1, 2)).equal(c10::complex<double>(1, 2)));
}

TEST_CASE("torch::tensor and at::tensor from complex data, with libtorch's dtypes and errors") {
  Tensor t = torch::tensor(c10::complex<float>(1.0f, 2.0f));
  CHECK(t.dim() == 0);
  CHECK(t.dtype() == torch::kComplexFloat);
  CHECK(t.is_complex());
  CHECK(t.item<c10::complex<float>>() == c10::complex<float>(1.0f, 2.0f));
  CHECK(t.item<c10::complex<double>>() == c10::complex<double>(1.0, 2.0));
  CHECK(error_of([&] { t.item<float>(); }) == "value cannot be converted to type float without overflow");

  t = torch::tensor({c10::complex<double>(1.5, 0.15), c10::complex<double>(3.125, 0.3125)});
  CHECK(t.dtype() == torch::kComplexDouble);
  CHECK(t[1].item<c10::complex<double>>() == c10::complex<double>(3.125, 0.3125));
  t = torch::tensor(std::vector<c10::complex<float>>{{1, -1}, {2, -2}}, torch::kComplexDouble);
  CHECK(t.dtype() == torch::kComplexDouble);
  CHECK(t[1].item<c10::complex<double>>() == c10::complex<double>(2, -2));
  t = torch::tensor({1.5, 2.5}, torch::kComplexDouble);
  CHECK(t[0].item<c10::complex<double>>() == c10::complex<double>(1.5, 0));
  CHECK(torch::tensor({{c10::complex<float>(1, 2)}, {c10::complex<float>(3, 4)}}).sizes() == std::vector<int64_t>{2, 1});

  CHECK(error_of([] { torch::tensor(c10::complex<float>(0.1f, 0.2f), torch::kFloat); }) ==
        "value cannot be converted to type float without overflow");
  CHECK(error_of([] { torch::tensor(std::vector<c10::complex<float>>{{0.1f, 0.2f}}, torch::kFloat); }) ==
        "can not do torch::tensor(complex, dtype=non-complex) because complex can not be casted to real number "
        "without loss of information");

  // at::tensor: 1-d, the C++ type's dtype, ATen's tensor_cpu errors.
  t = at::tensor(c10::complex<float>(1.0f, 2.0f));
  CHECK(t.sizes() == std::vector<int64_t>{1});
  CHECK(t.dtype() == at::kComplexFloat);
  CHECK(at::tensor({1, 2, 3}).dtype() == at::kInt);
  CHECK(at::tensor(1.5).dtype() == at::kDouble);
  CHECK(at::tensor(1.5, at::kComplexDouble)[0].item<c10::complex<double>>() == c10::complex<double>(1.5, 0));
  CHECK(error_of([] { at::tensor(c10::complex<float>(0.1f, 0.2f), at::kFloat); }) ==
        "\"tensor_cpu\" not implemented for 'Float'");
  CHECK(error_of([] { at::tensor({1.5}, at::kHalf); }) == "\"tensor_cpu\" not implemented for 'Half'");
  // zeros / ones / full make complex tensors too.
  CHECK(torch::ones({2}, torch::kComplexFloat)[1].item<c10::complex<float>>() == c10::complex<float>(1, 0));
  CHECK(torch::zeros({2}, torch::kComplexDouble)[0].item<c10::complex<double>>() == c10::complex<double>(0, 0));
  t = torch::full({2}, c10::complex<double>(1, -1));
  CHECK(t.dtype() == torch::kComplexFloat);  // a complex number gives the default complex dtype
  CHECK(t[1].item<c10::complex<double>>() == c10::complex<double>(1, -1));
}

TEST_CASE("add, sub, mul, div and abs on complex tensors match PyTorch") {
  const json& ref = xgrad_test::reference("complex.json");
  const Tensor z1d = decode_complex(ref.at("inputs").at("z1")), z2d = decode_complex(ref.at("inputs").at("z2"));
  const Tensor r = decode_complex(ref.at("inputs").at("r")).to(torch::kFloat);
  for (const auto d : {torch::kComplexFloat, torch::kComplexDouble}) {
    const Tensor z1 = z1d.to(d), z2 = z2d.to(d);
    const std::string suffix = std::string("/") + torch::dtype_name(d);
    const std::map<std::string, Tensor> got = {
        {"add", z1 + z2},
        {"add_alpha", torch::add(z1, z2, 2.5)},
        {"add_complex_alpha", torch::add(z1, z2, c10::complex<double>(0.5, -2))},
        {"sub", z1 - z2},
        {"mul", z1 * z2},
        {"div", z1 / z2},
        {"abs", z1.abs()},
        {"add_real", z1 + r},
        {"mul_real", r * z1},
        {"div_real", z1 / r},
        {"rdiv_real", r / z1},
        {"add_number", z1 + 0.5},
        {"mul_number", z1 * 3},
        {"sub_complex_number", z1 - c10::complex<double>(1, 2)},
        {"rsub_number", 1 - z1},
        {"div_number", z1 / 4},
        {"broadcast_mul", z1.reshape({4, 1}) * z2.reshape({1, 4})},
        {"real_to_complex", r.to(d)},
    };
    for (const auto& [name, value] : got) {
      INFO(name + suffix);
      check_close(value, ref.at("arith").at(name + suffix));
    }
  }
}

TEST_CASE("complex tensors print as Python's repr") {
  for (const auto& [name, c] : xgrad_test::reference("complex.json").at("print").items()) {
    INFO(name);
    CHECK(torch::repr(decode_complex(c.at("value"))) == c.at("repr").get<std::string>());
  }
}

TEST_CASE("view_as_real, view_as_complex, real and imag are views with PyTorch's errors") {
  Tensor s = torch::arange(12, torch::kFloat).reshape({3, 2, 2});
  Tensor z = torch::view_as_complex(s);
  CHECK(z.dtype() == torch::kComplexFloat);
  CHECK(z.sizes() == std::vector<int64_t>{3, 2});
  CHECK(z.strides() == std::vector<int64_t>{2, 1});
  CHECK(z[1][1].item<c10::complex<float>>() == c10::complex<float>(6, 7));
  Tensor back = torch::view_as_real(z);
  CHECK(back.dtype() == torch::kFloat);
  CHECK(back.sizes() == std::vector<int64_t>{3, 2, 2});
  CHECK(back.data_ptr() == s.data_ptr());
  CHECK(torch::equal(back, s));
  // real and imag share memory: writes go through.
  z.imag().fill_(-1);
  CHECK(s[2][0][1].item<float>() == -1);
  CHECK(z.real()[2][1].item<float>() == 10);
  CHECK(torch::real(s).is_same(s));  // a real tensor is its own real part
  // A view of a view: offset and strides in complex elements.
  Tensor zs = torch::view_as_complex(s.select(0, 1));
  CHECK(zs.storage_offset() == 2);
  CHECK(zs[0].item<c10::complex<float>>() == c10::complex<float>(4, -1));
  Tensor zt = z.t();
  CHECK(torch::view_as_real(zt).strides() == std::vector<int64_t>{2, 4, 1});
  CHECK(torch::imag(zt)[1][2].item<float>() == -1);

  const json& errors = xgrad_test::reference("complex.json").at("errors");
  const auto expect = [&](const char* key, const std::function<void()>& f) {
    INFO(key);
    CHECK(error_of(f) == errors.at(key).get<std::string>());
  };
  expect("last_dim_not_2", [] { torch::view_as_complex(torch::ones({3, 3})); });
  expect("last_stride_not_1", [] { torch::view_as_complex(torch::ones({2, 3}).t()); });
  expect("odd_stride", [] { torch::view_as_complex(torch::ones({3, 3}).narrow(1, 0, 2)); });
  expect("odd_offset", [] { torch::view_as_complex(torch::ones({5}).narrow(0, 1, 4).view({2, 2})); });
  expect("long_input", [] { torch::view_as_complex(torch::ones({3, 2}, torch::kLong)); });
  expect("zero_dim", [] { torch::view_as_complex(torch::ones({})); });
  expect("view_as_real_real", [] { torch::view_as_real(torch::ones({3})); });
  expect("imag_real", [] { torch::imag(torch::ones({3})); });
  expect("real_alpha_complex", [] { torch::add(torch::ones({2}), torch::ones({2}), c10::complex<double>(0, 1)); });
}

TEST_CASE("views of complex tensors keep InferenceMode's rules") {
  Tensor s = torch::ones({3, 3, 2});
  Tensor t = torch::view_as_complex(s);
  {
    c10::InferenceMode guard;
    CHECK_FALSE(torch::view_as_real(t).is_inference());
    Tensor e = torch::ones({3, 3, 2});
    Tensor v = torch::view_as_complex(e);
    CHECK(v.is_inference());
    CHECK(torch::view_as_real(v).is_inference());
  }
}

TEST_CASE("ops without a complex kernel refuse complex tensors; no autograd through complex values") {
  Tensor z = torch::tensor({c10::complex<float>(1, 2), c10::complex<float>(3, -4)});
  // (PyTorch names the kernel, "\"lt_cpu\" not implemented for 'ComplexFloat'"; xgrad's shared
  // compute loops do not know the op's name.)
  CHECK(error_of([&] { return z < z; }).find("not implemented for 'ComplexFloat'") != std::string::npos);
  for (const auto& f : std::vector<std::function<Tensor()>>{
           [&] { return z.exp(); }, [&] { return z.sum(); }, [&] { return z.max(); }, [&] { return -z; },
           [&] { return torch::relu(z); }, [&] { return z.sigmoid(); }, [&] { return z.pow(2); },
           [&] { return z.mean(); }, [&] { return z.reshape({1, 2}).matmul(z.reshape({2, 1})); },
           [&] { return z.reshape({1, 2}).mH(); }}) {
    static int op = 0;
    const std::string e = error_of(f);
    INFO("op " << op++ << ": " << e);
    CHECK((e.find("not implemented for 'ComplexFloat'") != std::string::npos ||
           e.find("ComplexFloat") != std::string::npos));
  }
  // Ops that only move elements work on complex tensors too.
  CHECK(z.index_select(0, torch::tensor({int64_t{1}}))[0].item<c10::complex<float>>() == c10::complex<float>(3, -4));
  CHECK(torch::cat({z, z}).sizes() == std::vector<int64_t>{4});
  // A complex tensor cannot require grad; a real one that does cannot flow into a complex result.
  CHECK(error_of([&] { z.set_requires_grad(true); }).find("xgrad does not support autograd on complex tensors") !=
        std::string::npos);
  Tensor x = torch::ones({2}, torch::requires_grad());
  CHECK(error_of([&] { return x * z; }).find("does not support autograd through complex values") != std::string::npos);
  CHECK(error_of([&] { return x.to(torch::kComplexFloat); }).find("does not support autograd through complex values") !=
        std::string::npos);
  CHECK(error_of([&] { return torch::view_as_complex(torch::ones({2, 2}, torch::requires_grad())); })
            .find("does not support autograd through complex values") != std::string::npos);
  {
    torch::NoGradGuard no_grad;
    CHECK((x * z)[1].item<c10::complex<float>>() == c10::complex<float>(3, -4));
    CHECK(x.to(torch::kComplexFloat).dtype() == torch::kComplexFloat);
  }
  // complex -> real keeps the real part and warns, as PyTorch's copy_.
  Capture capture;
  c10::Warning::WarningHandlerGuard guard(&capture);
  Tensor re = z.to(torch::kDouble);
  CHECK(re[1].item<double>() == 3);
  REQUIRE(capture.messages.size() == 1);
  CHECK(capture.messages[0] == "Casting complex values to real discards the imaginary part");
}
