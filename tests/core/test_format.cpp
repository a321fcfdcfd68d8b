// test_format.cpp: src/core/format.cpp prints every tensor of tests/reference/print.json exactly
// as Python's repr() printed it.
#include <catch2/catch.hpp>

#include <sstream>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

using torch::Tensor;

namespace {
Tensor apply_op(const std::string& op, const Tensor& t) {
  if (op == "mul2") return t * 2;
  if (op == "sum") return t.sum();
  if (op == "pow2_mean") return t.pow(2).mean();
  if (op == "add1") return t + 1;
  if (op == "view_col") return t.view({-1, 1});
  if (op == "div7") return t / 7;
  throw std::runtime_error("unknown op " + op);
}
}  // namespace

TEST_CASE("tensors print exactly as Python's repr") {
  int n = 0;
  for (const auto& c : xgrad_test::reference("print.json").at("cases")) {
    Tensor t = xgrad_test::decode(c);
    if (c.at("requires_grad").get<bool>()) t.set_requires_grad(true);
    // Python compares the dtype with torch.get_default_dtype() to decide on the suffix.
    const torch::ScalarType previous = torch::default_dtype();
    if (c.contains("default_dtype"))
      torch::set_default_dtype(xgrad_test::decode({{"shape", {0}}, {"dtype", c.at("default_dtype")}, {"values", {}}}).dtype());
    if (!c.at("op").is_null()) t = apply_op(c.at("op").get<std::string>(), t);
    const std::string expected = c.at("repr");
    INFO("case " << n << ", expected:\n" << expected);
    CHECK(torch::repr(t) == expected);
    torch::set_default_dtype(torch::scalarTypeToTypeMeta(previous));
    ++n;
  }
  CHECK(n > 200);
}

TEST_CASE("fmt and ostream print the same text") {
  auto t = torch::tensor({{1.5410f, -0.2934f}, {-2.1788f, 0.5684f}}, torch::requires_grad());
  std::ostringstream os;
  os << t;
  CHECK(fmt::format("{}", t) == os.str());
  CHECK(os.str() == "tensor([[ 1.5410, -0.2934],\n        [-2.1788,  0.5684]], requires_grad=True)");
  CHECK(torch::format_torch_size({2, 3}) == "torch.Size([2, 3])");
}
