// test_dtype_api.cpp: the C++ side of dtypes as libtorch 1.13 has it: names and sizes, Half and
// BFloat16, Scalar::to's overflow checks, item<T>() and data_ptr<T>() for every type, the default
// dtype (TypeMeta) and the factories that follow it, and torch::tensor's rules for braced lists,
// vectors and their errors (libtorch's messages, from its TensorDataContainer and c10).
#include <catch2/catch.hpp>

#include <sstream>

#include <xgrad/torch.hpp>

using torch::Tensor;

namespace {
/// Restores the default dtype at the end of a test (libtorch's AutoDefaultDtypeMode).
struct DefaultDtype {
  explicit DefaultDtype(torch::ScalarType t) : previous(torch::get_default_dtype()) {
    torch::set_default_dtype(torch::scalarTypeToTypeMeta(t));
  }
  ~DefaultDtype() { torch::set_default_dtype(previous); }
  torch::TypeMeta previous;
};
std::string text(const torch::TensorDataContainer& c) {
  std::ostringstream os;
  os << c;
  return os.str();
}
}  // namespace

TEST_CASE("dtype names, sizes and kinds are c10's") {
  CHECK(static_cast<int>(torch::kByte) == 0);
  CHECK(static_cast<int>(torch::kLong) == 4);
  CHECK(static_cast<int>(torch::kBool) == 11);
  CHECK(static_cast<int>(torch::kBFloat16) == 15);
  CHECK(torch::kUInt8 == torch::kByte);
  CHECK(torch::kInt8 == torch::kChar);
  CHECK(torch::kInt16 == torch::kShort);
  CHECK(torch::kInt32 == torch::kInt);
  CHECK(torch::kFloat16 == torch::kHalf);
  CHECK(std::string(torch::toString(torch::kChar)) == "Char");
  CHECK(std::string(torch::toString(torch::kBFloat16)) == "BFloat16");
  CHECK(std::string(torch::dtype_name(torch::kHalf)) == "float16");
  std::ostringstream os;
  os << torch::kInt;
  CHECK(os.str() == "Int");
  CHECK(torch::elementSize(torch::kHalf) == 2);
  CHECK(torch::elementSize(torch::kInt) == 4);
  CHECK(torch::isFloatingType(torch::kBFloat16));
  CHECK_FALSE(torch::isFloatingType(torch::kInt));
  CHECK(torch::isIntegralType(torch::kByte, false));
  CHECK_FALSE(torch::isIntegralType(torch::kBool, false));
  CHECK(torch::isIntegralType(torch::kBool, true));
  CHECK(torch::ones({2}, torch::kInt16).element_size() == 2);
  CHECK(torch::ones({3}, torch::kHalf).nbytes() == 6);
  CHECK_FALSE(torch::ones({2}, torch::kInt).is_floating_point());
  CHECK(torch::ones({2}, torch::kBFloat16).is_floating_point());
}

TEST_CASE("Half and BFloat16 convert as c10 does: round to nearest even, a double through float") {
  CHECK(static_cast<float>(torch::Half(0.1f)) == 0.0999755859375f);
  CHECK(torch::Half(1.0f + 1.0f / 2048).x == torch::Half(1.0f).x);  // a tie goes to the even neighbour
  CHECK(torch::Half(65520.0f).x == 0x7C00);                          // rounds up to infinity
  CHECK(torch::Half(1e-8f).x == 0);
  CHECK(static_cast<float>(torch::Half(6e-8f)) == 5.960464477539063e-08f);  // the smallest subnormal
  CHECK(torch::Half(std::nanf("")).x == 0x7E00);
  CHECK(torch::BFloat16(std::nanf("")).x == 0x7FC0);
  CHECK(static_cast<float>(torch::BFloat16(0.1f)) == 0.10009765625f);
  CHECK(static_cast<float>(torch::BFloat16(3.0078125f)) == 3.0f);      // a tie, to even
  CHECK(static_cast<float>(torch::BFloat16(3.0234375f)) == 3.03125f);  // a tie, to even (up)
  // 1 + 2^-11 + 2^-40: float rounds it to the tie 1 + 2^-11, which half rounds to 1 (not 1 + 2^-10).
  CHECK(static_cast<float>(torch::Half(1.0 + 1.0 / 2048 + 1.0 / (1ULL << 40))) == 1.0f);
  torch::Half a = 1.5f, b = 0.25f;
  CHECK(static_cast<float>(a + b) == 1.75f);
  CHECK(static_cast<float>(a * 2) == 3.0f);
  CHECK(a > b);
  std::ostringstream os;
  os << torch::BFloat16(2.5f);
  CHECK(os.str() == "2.5");
  CHECK(static_cast<float>(std::numeric_limits<torch::Half>::max()) == 65504.0f);
  CHECK(std::numeric_limits<torch::BFloat16>::digits == 8);
}

TEST_CASE("Scalar::to checks that the value fits, as c10's checked_convert") {
  CHECK(torch::Scalar(127).to<int8_t>() == 127);
  CHECK_THROWS_WITH(torch::Scalar(128).to<int8_t>(), "value cannot be converted to type int8_t without overflow");
  CHECK(torch::Scalar(-1).to<uint8_t>() == 255);  // integers may wrap into uint8 from -255 on
  CHECK_THROWS_WITH(torch::Scalar(-256).to<uint8_t>(), "value cannot be converted to type uint8_t without overflow");
  CHECK_THROWS_WITH(torch::Scalar(-0.5).to<uint8_t>(), "value cannot be converted to type uint8_t without overflow");
  CHECK_THROWS_WITH(torch::Scalar(3e9).to<int32_t>(), "value cannot be converted to type int without overflow");
  CHECK_THROWS_WITH(torch::Scalar(std::nan("")).to<int64_t>(), "value cannot be converted to type int64_t without overflow");
  CHECK_THROWS_WITH(torch::Scalar(70000).to<torch::Half>(), "value cannot be converted to type at::Half without overflow");
  CHECK_THROWS_WITH(torch::Scalar(1e40).to<float>(), "value cannot be converted to type float without overflow");
  CHECK(std::isinf(torch::Scalar(INFINITY).to<float>()));
  CHECK(std::isnan(static_cast<float>(torch::Scalar(std::nan("")).to<torch::BFloat16>())));
  CHECK(torch::Scalar(2.9).to<int>() == 2);
  CHECK(torch::Scalar(torch::Half(1.5f)).isFloatingPoint());
}

TEST_CASE("item<T>() and data_ptr<T>() for every dtype, with libtorch's checks") {
  CHECK(torch::tensor(200, torch::kUInt8).item<uint8_t>() == 200);
  CHECK(torch::tensor(-5, torch::kInt8).item<int8_t>() == -5);
  CHECK(torch::tensor(-300, torch::kInt16).item<int16_t>() == -300);
  CHECK(torch::tensor(123, torch::kInt).item<int32_t>() == 123);
  CHECK(static_cast<float>(torch::tensor(1.5, torch::kHalf).item<torch::Half>()) == 1.5f);
  CHECK(static_cast<float>(torch::tensor(1.5, torch::kBFloat16).item<torch::BFloat16>()) == 1.5f);
  CHECK(torch::tensor(0.1, torch::kHalf).item<double>() == 0.0999755859375);
  CHECK(torch::tensor(200, torch::kUInt8).item<int64_t>() == 200);
  CHECK(torch::tensor(3.7).item<int>() == 3);
  CHECK_THROWS_WITH(torch::tensor(200, torch::kUInt8).item<int8_t>(), "value cannot be converted to type int8_t without overflow");
  CHECK_THROWS_WITH(torch::tensor(-1.0).item<uint8_t>(), "value cannot be converted to type uint8_t without overflow");
  Tensor t = torch::tensor({1, 2, 3}, torch::kInt32);
  int32_t* p = t.data_ptr<int32_t>();
  p[1] = 7;
  CHECK(t[1].item<int>() == 7);
  CHECK_THROWS_WITH(t.data_ptr<int64_t>(), "expected scalar type Long but found Int");
  CHECK_THROWS_WITH(torch::ones({1}).data_ptr<torch::Half>(), "expected scalar type Half but found Float");
  CHECK(torch::ones({2}, torch::kBFloat16).data_ptr<torch::BFloat16>()[1].x == 0x3F80);
  CHECK(torch::ones({2}, torch::kUInt8).data_ptr<uint8_t>()[0] == 1);
  CHECK(torch::ones({2}, torch::kInt8).data_ptr<int8_t>()[0] == 1);
  CHECK(torch::ones({2}, torch::kInt16).data_ptr<int16_t>()[0] == 1);
}

TEST_CASE("the default dtype: get_default_dtype, set_default_dtype, and the factories that follow it") {
  CHECK(torch::get_default_dtype() == torch::kFloat);
  CHECK(torch::typeMetaToScalarType(torch::get_default_dtype()) == torch::kFloat);
  CHECK(torch::TypeMeta::Make<int>() == torch::kInt);
  CHECK(std::string(torch::TypeMeta::Make<int64_t>().name()) == "long int");
  {
    DefaultDtype scope(torch::kDouble);
    CHECK(torch::get_default_dtype() == torch::kDouble);
    CHECK(torch::TensorOptions().dtype() == torch::kDouble);
    CHECK(torch::zeros({2}).scalar_type() == torch::kDouble);
    CHECK(torch::ones({2}).scalar_type() == torch::kDouble);
    CHECK(torch::empty({2}).scalar_type() == torch::kDouble);
    CHECK(torch::rand({2}).scalar_type() == torch::kDouble);
    CHECK(torch::randn({2}).scalar_type() == torch::kDouble);
    CHECK(torch::full({2}, 2.5).scalar_type() == torch::kDouble);
    CHECK(torch::full({2}, 2).scalar_type() == torch::kLong);
    CHECK(torch::arange(0., 5).scalar_type() == torch::kDouble);
    CHECK(torch::arange(0, 5).scalar_type() == torch::kLong);
    CHECK(torch::linspace(0, 1, 3).scalar_type() == torch::kDouble);
    CHECK(torch::eye(2).scalar_type() == torch::kDouble);
    CHECK(torch::tensor({1.5}).scalar_type() == torch::kDouble);
    CHECK(torch::tensor(1.5f).scalar_type() == torch::kDouble);
    CHECK(torch::tensor({1, 2}).scalar_type() == torch::kLong);
    CHECK(torch::scalar_tensor(1).scalar_type() == torch::kDouble);
    CHECK((torch::ones({2}, torch::kInt) * 2.5).scalar_type() == torch::kDouble);  // a float number lifts to the default
    CHECK(torch::exp(torch::ones({2}, torch::kInt)).scalar_type() == torch::kDouble);
    CHECK(torch::ones({2}, torch::kFloat).scalar_type() == torch::kFloat);
  }
  CHECK(torch::get_default_dtype() == torch::kFloat);
  {
    // libtorch (unlike Python) takes any dtype here; tensor_options.cpp of its tests sets int.
    DefaultDtype scope(torch::kInt);
    CHECK(torch::ones(5).scalar_type() == torch::kInt);
    CHECK(torch::TensorOptions().dtype() == torch::kInt);
  }
  torch::set_default_dtype(torch::TypeMeta::Make<double>());
  CHECK(torch::get_default_dtype() == torch::kDouble);
  torch::set_default_dtype(torch::kFloat);
  CHECK(torch::get_default_dtype() == torch::TypeMeta::Make<float>());
}

TEST_CASE("torch::tensor: braced lists and vectors of every C++ type, with libtorch's dtypes") {
  CHECK(torch::tensor(123).scalar_type() == torch::kLong);
  CHECK(torch::tensor(123).dim() == 0);
  CHECK(torch::tensor({1, 2, 3}).scalar_type() == torch::kLong);
  CHECK(torch::tensor({1.5, 2.25}).scalar_type() == torch::kFloat);
  CHECK(torch::tensor({1.5f, 2.25f}).scalar_type() == torch::kFloat);
  CHECK(torch::tensor({true, false}).scalar_type() == torch::kBool);
  CHECK(torch::tensor({{1, 2}}, torch::kInt).scalar_type() == torch::kInt);
  CHECK(torch::tensor({1.1, 2.2, 3.3}, torch::kInt).equal(torch::tensor({1, 2, 3}, torch::kInt)));
  // vectors: int and int64 give int64, float and double the default dtype, the others themselves
  CHECK(torch::tensor(std::vector<int>{1, 2}).scalar_type() == torch::kLong);
  CHECK(torch::tensor(std::vector<int64_t>{1, 2}).scalar_type() == torch::kLong);
  CHECK(torch::tensor(std::vector<double>{1, 2}).scalar_type() == torch::kFloat);
  CHECK(torch::tensor(std::vector<float>{1, 2}).scalar_type() == torch::kFloat);
  CHECK(torch::tensor(std::vector<uint8_t>{1, 255}).scalar_type() == torch::kByte);
  CHECK(torch::tensor(std::vector<int8_t>{-1, 2}).scalar_type() == torch::kChar);
  CHECK(torch::tensor(std::vector<int16_t>{-1, 2}).scalar_type() == torch::kShort);
  CHECK(torch::tensor(std::vector<torch::Half>{1.5f}).scalar_type() == torch::kHalf);
  CHECK(torch::tensor(std::vector<torch::BFloat16>{1.5f}).scalar_type() == torch::kBFloat16);
  CHECK(torch::tensor(torch::ArrayRef<bool>({true, false})).scalar_type() == torch::kBool);
  CHECK(torch::tensor(std::vector<int>{1, 2}, torch::kInt32).scalar_type() == torch::kInt32);
  CHECK(torch::tensor(std::vector<uint8_t>{7, 200}).equal(torch::tensor({7, 200}, torch::kUInt8)));
  std::vector<int32_t> v = {1, 2, 3};
  Tensor from_vector = torch::tensor(v);
  v[0] = 9;  // the tensor holds its own copy
  CHECK(from_vector[0].item<int64_t>() == 1);
  // A vector converts as Tensor::to does (wrapping); a braced list fills each element checked.
  CHECK(torch::tensor(std::vector<int>{1000}, torch::kInt8).item<int8_t>() == -24);
  CHECK_THROWS_WITH(torch::tensor({1000}, torch::kInt8), "value cannot be converted to type int8_t without overflow");
  CHECK_THROWS_WITH(torch::tensor(1000, torch::kInt8), "value cannot be converted to type int8_t without overflow");
  CHECK(torch::tensor({{}, {}}).sizes().vec() == std::vector<int64_t>{2, 0});
  CHECK(torch::tensor({{}, {}}).scalar_type() == torch::kFloat);
}

TEST_CASE("torch::tensor refuses ragged lists and mixed C++ types with libtorch's messages") {
  CHECK_THROWS_WITH(torch::tensor({{{2, 3, 4}, {{5, 6}, {7}}}}),
                    "Expected all sub-lists to have sizes: 2 (e.g. {5, 6}), but got sub-list {7} with sizes: 1");
  CHECK_THROWS_WITH(torch::tensor({{1, 2}, {3}}),
                    "Expected all sub-lists to have sizes: 2 (e.g. {1, 2}), but got sub-list {3} with sizes: 1");
  CHECK_THROWS_WITH(torch::tensor({{{1, 2.0}, {1, 2.0}}}),
                    "Expected all elements of the tensor to have the same scalar type: Int, but got element of scalar type: Double");
  CHECK_THROWS_WITH(torch::tensor({{{true, 2.0, 3}, {true, 2.0, 3}}}),
                    "Expected all elements of the tensor to have the same scalar type: Bool, but got element of scalar type: Double");
  CHECK_THROWS_WITH(torch::tensor({{{true}, {2}}}),
                    "Expected all elements of the tensor to have the same scalar type: Bool, but got element of scalar type: Int");
}

TEST_CASE("TensorDataContainer prints and answers as libtorch's") {
  CHECK(text(torch::detail::TensorDataContainer(1.1)) == "1.1");
  CHECK(text(torch::detail::TensorDataContainer({1.1, 2.2})) == "{1.1, 2.2}");
  CHECK(text(torch::detail::TensorDataContainer({{1, 2}, {3, 4}})) == "{{1, 2}, {3, 4}}");
  CHECK(text(torch::detail::TensorDataContainer({{{{{{{{{{1}}}}}}}}}})) == "{{{{{{{{{{1}}}}}}}}}}");
  CHECK(text(torch::detail::TensorDataContainer(std::vector<double>({1.1, 2.2}))) == "{1.1, 2.2}");
  CHECK(text(torch::detail::TensorDataContainer(torch::ArrayRef<double>({1.1, 2.2}))) == "{1.1, 2.2}");
  CHECK(text(torch::detail::TensorDataContainer({true, false})) == "{1, 0}");
  CHECK_THROWS_WITH(torch::detail::TensorDataContainer(1.1).init_list(),
                    "Can only call `init_list()` on a TensorDataContainer that has `is_init_list() == true`");
  CHECK_THROWS_WITH(torch::detail::TensorDataContainer(1.1).tensor(),
                    "Can only call `tensor()` on a TensorDataContainer that has `is_tensor() == true`");
  CHECK_THROWS_WITH(torch::detail::TensorDataContainer({1.1, 2.2}).scalar(),
                    "Can only call `scalar()` on a TensorDataContainer that has `is_scalar() == true`");
  CHECK(torch::detail::TensorDataContainer(std::vector<int>{1, 2}).is_tensor());
  CHECK(torch::detail::TensorDataContainer({1, 2}).sizes() == std::vector<int64_t>{2});
  CHECK(torch::detail::TensorDataContainer(2.5f).scalar_type() == torch::kFloat);
}

TEST_CASE("to() among all dtypes: no copy for the same dtype, conversions exact where PyTorch's are") {
  Tensor x = torch::tensor({-1.5, 0.5, 300.7, std::nan("")});
  CHECK(x.to(torch::kFloat).is_same(x));
  CHECK(x.to(torch::kInt8).equal(torch::tensor({-1, 0, 44, 0}, torch::kInt8)));
  CHECK(x.to(torch::kUInt8).equal(torch::tensor({255, 0, 44, 0}, torch::kUInt8)));
  CHECK(x.to(torch::kInt32)[3].item<int>() == INT32_MIN);
  CHECK(x.to(torch::kLong)[3].item<int64_t>() == INT64_MIN);
  CHECK(x.to(torch::kBool).equal(torch::tensor({true, true, true, true})));
  CHECK(x.to(torch::kHalf).to(torch::kFloat)[2].item<float>() == 300.75f);
  CHECK(x.to(torch::kBFloat16).to(torch::kFloat)[2].item<float>() == 300.0f);
  Tensor g = torch::tensor({1.5, 2.5}, torch::requires_grad());
  Tensor h = g.to(torch::kHalf);
  CHECK(h.grad_fn()->name() == "ToCopyBackward0");
  h.sum().backward();
  CHECK(g.grad().scalar_type() == torch::kFloat);
  CHECK(g.grad().equal(torch::ones({2})));
  // An integer or bool result is not differentiable: no grad_fn, as in PyTorch
  // (x.to(torch.int32).grad_fn is None; torch.zeros(2, dtype=torch.int32).copy_(x) too).
  for (torch::ScalarType dt : {torch::kInt32, torch::kLong, torch::kUInt8, torch::kBool}) {
    Tensor i = g.to(dt);
    CHECK_FALSE(i.requires_grad());
    CHECK(i.grad_fn() == nullptr);
  }
  CHECK_FALSE(g.type_as(torch::ones({1}, torch::kLong)).requires_grad());
  Tensor into = torch::zeros({2}, torch::kInt32);
  into.copy_(g);
  CHECK(into.equal(torch::tensor({1, 2}, torch::kInt32)));  // 1.5, 2.5 truncated
  CHECK_FALSE(into.requires_grad());
  CHECK(g.to(torch::kBFloat16).grad_fn()->name() == "ToCopyBackward0");
}

TEST_CASE("isclose and allclose take one dtype and non-negative tolerances, with PyTorch's messages") {
  CHECK_THROWS_WITH(torch::allclose(torch::ones({2}, torch::kInt), torch::ones({2})), "Int did not match Float");
  CHECK_THROWS_WITH(torch::isclose(torch::ones({2}, torch::kHalf), torch::ones({2})), "Half did not match Float");
  CHECK_THROWS_WITH(torch::isclose(torch::ones({2}), torch::ones({2}), -1), "rtol must be greater than or equal to zero, but got -1");
  CHECK_THROWS_WITH(torch::isclose(torch::ones({2}), torch::ones({2}), 1e-5, -1), "atol must be greater than or equal to zero, but got -1");
  CHECK(torch::allclose(torch::tensor({1, 2}, torch::kInt16), torch::tensor({1, 2}, torch::kInt16)));
  CHECK(torch::equal(torch::ones({2}, torch::kHalf), torch::ones({2})));  // equal promotes (PyTorch: True)
}

TEST_CASE("a uint8 index tensor is a mask (deprecated in PyTorch, which warns), as a bool one") {
  using torch::indexing::Slice;
  Tensor x = torch::arange(6.).reshape({2, 3});
  // x[torch.tensor([1, 0], dtype=torch.uint8)] -> tensor([[0., 1., 2.]])
  CHECK(x.index({torch::tensor({1, 0}, torch::kUInt8)}).equal(torch::tensor({{0., 1., 2.}})));
  // y[uint8 mask] = -1 -> [[-1, 1, -1], [3, 4, -1]]
  Tensor y = x.clone();
  y.index_put_({torch::tensor({{1, 0, 1}, {0, 0, 1}}, torch::kUInt8)}, -1);
  CHECK(y.equal(torch::tensor({{-1., 1., -1.}, {3., 4., -1.}})));
  CHECK_THROWS_WITH(x.index({torch::tensor({1, 0}, torch::kInt32)}), "tensors used as indices must be long, byte or bool tensors");
  // A 0-d uint8 tensor indexes as True/False (x[torch.tensor(2, dtype=torch.uint8)] has shape [1, 3]);
  // a 0-d int32 one selects.
  Tensor r = torch::arange(3.);
  CHECK(r.index({torch::tensor(2, torch::kUInt8)}).sizes().vec() == std::vector<int64_t>{1, 3});
  CHECK(r.index({torch::tensor(0, torch::kUInt8)}).sizes().vec() == std::vector<int64_t>{0, 3});
  CHECK(r.index({torch::tensor(2, torch::kInt32)}).item<double>() == 2.0);
}
