// test_linalg_shapes.cpp: every matrix product over shapes with size-1 and size-0 dims and
// transposed, sliced and expanded operands, float32 and float64: forward, backward and double
// backward against PyTorch (tests/reference/make_linalg_reference.py, whose lists and case names
// this file repeats), then gradcheck and gradgradcheck. Also the BLAS error handler.
// Read next: src/kernels/gemm.hpp.

#include <catch2/catch.hpp>

#include <xgrad/torch.hpp>

#include <array>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <unistd.h>

#include "kernels/blas.hpp"
#include "kernels/gemm_simd.hpp"
#include "support/reference.hpp"

using torch::Tensor;
using V = xgrad_test::Inputs;
using Shape = std::vector<int64_t>;
namespace F = torch::nn::functional;

namespace {

/// The view that makes an operand stored as make_linalg_reference.py's stored(layout, shape)
/// have the logical shape (..., r, c) again.
Tensor view(const std::string& layout, const Tensor& x, const Shape& shape) {
  if (layout == "contig") return x;
  if (layout == "t") return x.transpose(-1, -2);
  if (layout == "slice") return x.slice(-1, std::nullopt, std::nullopt, 2);
  if (layout == "rows") return x.slice(-2, std::nullopt, std::nullopt, 2);
  if (layout == "expand" || layout == "bcast") return x.expand(shape);
  throw std::runtime_error("layout " + layout);
}

std::string shape_name(const Shape& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) out += (i ? "x" : "") + std::to_string(s[i]);
  return out;
}

const std::array<std::string, 2> kDtypes = {"f32", "f64"};
using Layouts = std::vector<std::pair<std::string, std::string>>;

void replay(const std::string& group, const xgrad_test::OpTable& table) {
  xgrad_test::run_reference_file("linalg.json", group, table);
}

}  // namespace

TEST_CASE("mm over size-1, size-0 and strided operands matches PyTorch", "[linalg]") {
  const std::vector<Shape> shapes = {{2, 3, 4}, {1, 3, 4}, {2, 1, 4}, {2, 3, 1}, {1, 1, 1}, {1, 4, 1},
                                     {4, 1, 1}, {1, 1, 4}, {0, 3, 4}, {2, 0, 4}, {2, 3, 0}};
  const Layouts layouts = {{"contig", "contig"}, {"t", "contig"},   {"contig", "t"},     {"t", "t"},
                           {"slice", "rows"},    {"expand", "t"},   {"rows", "expand"}, {"contig", "slice"}};
  xgrad_test::OpTable table;
  for (const auto& dt : kDtypes)
    for (const Shape& s : shapes)
      for (size_t l = 0; l < (dt == "f32" ? layouts.size() : 4); ++l) {
        auto [la, lb] = layouts[l];
        Shape sa = {s[0], s[1]}, sb = {s[1], s[2]};
        table.insert_or_assign("mm/" + shape_name(s) + "/" + la + "-" + lb + "/" + dt, [=](const V& a) {
          return torch::mm(view(la, a[0], sa), view(lb, a[1], sb));
        });
      }
  replay("mm", table);
}

TEST_CASE("a product of a tensor with its own transpose matches PyTorch (issue 9)", "[linalg]") {
  xgrad_test::OpTable table;
  for (const auto& dt : kDtypes) {
    for (const Shape& s : std::vector<Shape>{{4, 1}, {1, 4}, {1, 1}, {3, 2}, {0, 2}}) {
      table.insert_or_assign("mm_same/" + shape_name(s) + "/" + dt, [](const V& a) { return a[0].t().mm(a[0]); });
      table.insert_or_assign("matmul_same/" + shape_name(s) + "/" + dt, [](const V& a) { return a[0].t().matmul(a[0]); });
      table.insert_or_assign("matmul_same_t/" + shape_name(s) + "/" + dt, [](const V& a) { return a[0].matmul(a[0].t()); });
    }
    table.insert_or_assign("bmm_same/2x4x1/" + dt, [](const V& a) { return torch::bmm(a[0], a[0].transpose(1, 2)); });
    table.insert_or_assign("bmm_same_t/2x4x1/" + dt, [](const V& a) { return torch::bmm(a[0].transpose(1, 2), a[0]); });
    table.insert_or_assign("matmul_same_mT/2x4x1/" + dt, [](const V& a) { return a[0].matmul(a[0].mT()); });
  }
  replay("mm_same", table);
}

TEST_CASE("matmul in every rank combination matches PyTorch", "[linalg]") {
  const std::vector<Shape> nkm = {{2, 3, 2}, {1, 3, 1}, {2, 1, 3}, {1, 1, 1}, {0, 3, 2}, {2, 0, 2}, {2, 3, 0}};
  xgrad_test::OpTable table;
  auto matmul = [](const V& a) { return torch::matmul(a[0], a[1]); };
  for (const auto& dt : kDtypes) {
    for (int ra = 1; ra <= 4; ++ra)
      for (int rb = 1; rb <= 4; ++rb)
        for (size_t i = 0; i < (dt == "f32" ? nkm.size() : 2); ++i)
          table.insert_or_assign(
              "matmul/" + std::to_string(ra) + "d-" + std::to_string(rb) + "d/" + shape_name(nkm[i]) + "/" + dt, matmul);
    const Layouts layouts = {{"t", "contig"},     {"contig", "t"},     {"t", "t"},
                             {"bcast", "contig"}, {"contig", "bcast"}, {"slice", "rows"}};
    for (const Shape& s : std::vector<Shape>{{2, 3, 2}, {1, 3, 1}, {2, 1, 3}}) {
      for (auto [la, lb] : layouts) {
        Shape sa = {2, s[0], s[1]}, sb = {2, s[1], s[2]};
        table.insert_or_assign("matmul/3d-3d/" + shape_name(s) + "/" + la + "-" + lb + "/" + dt, [=](const V& a) {
          return torch::matmul(view(la, a[0], sa), view(lb, a[1], sb));
        });
      }
    }
    for (const Shape& s : std::vector<Shape>{{2, 3, 2}, {1, 3, 1}}) {
      table.insert_or_assign("matmul/2d-3d/" + shape_name(s) + "/t-t/" + dt, [](const V& a) {
        return torch::matmul(a[0].t(), a[1].transpose(1, 2));
      });
      table.insert_or_assign("matmul/3d-2d/" + shape_name(s) + "/t-t/" + dt, [](const V& a) {
        return torch::matmul(a[0].transpose(1, 2), a[1].t());
      });
    }
    for (const char* name : {"vec4-4x1", "vec1-1x4", "1x5x4-vec4", "vec4-2x4x1", "0x2x3-3x2", "2x0x3-2x3x2",
                             "0x1x2x3-4x3x2"})
      table.insert_or_assign(std::string("matmul/") + name + "/" + dt, matmul);
  }
  replay("matmul", table);
}

TEST_CASE("bmm over size-1, size-0, transposed and broadcast batches matches PyTorch", "[linalg]") {
  const std::vector<Shape> shapes = {{2, 2, 3, 4}, {2, 1, 3, 1}, {3, 4, 1, 1}, {1, 1, 1, 1}, {2, 1, 1, 3},
                                     {0, 2, 3, 4}, {2, 0, 3, 4}, {2, 2, 0, 4}, {2, 2, 3, 0}};
  const Layouts layouts = {{"contig", "contig"}, {"t", "contig"},     {"contig", "t"},   {"t", "t"},
                           {"bcast", "contig"},  {"contig", "bcast"}, {"slice", "rows"}, {"expand", "t"}};
  xgrad_test::OpTable table;
  for (const auto& dt : kDtypes)
    for (const Shape& s : shapes)
      for (size_t l = 0; l < (dt == "f32" ? layouts.size() : 4); ++l) {
        auto [la, lb] = layouts[l];
        Shape sa = {s[0], s[1], s[2]}, sb = {s[0], s[2], s[3]};
        table.insert_or_assign("bmm/" + shape_name(s) + "/" + la + "-" + lb + "/" + dt, [=](const V& a) {
          return torch::bmm(view(la, a[0], sa), view(lb, a[1], sb));
        });
      }
  replay("bmm", table);
}

TEST_CASE("addmm over broadcast biases and degenerate shapes matches PyTorch", "[linalg]") {
  xgrad_test::OpTable table;
  for (const auto& dt : kDtypes)
    for (const Shape& s : std::vector<Shape>{{2, 3, 4}, {1, 3, 1}, {2, 1, 4}, {4, 1, 1}, {0, 3, 4}, {2, 0, 4}, {2, 3, 0}}) {
      Shape sa = {s[0], s[1]}, sb = {s[1], s[2]};
      for (const char* c : {"full", "row", "col", "one", "scalar"})
        for (auto [la, lb] : Layouts{{"contig", "contig"}, {"t", "t"}})
          table.insert_or_assign("addmm/" + shape_name(s) + "/" + c + "/" + la + "-" + lb + "/" + dt, [=](const V& a) {
            return torch::addmm(a[0], view(la, a[1], sa), view(lb, a[2], sb));
          });
      table.insert_or_assign("addmm/" + shape_name(s) + "/scaled/" + dt, [](const V& a) { return torch::addmm(a[0], a[1], a[2], 0.5, 2); });
      table.insert_or_assign("addmm/" + shape_name(s) + "/beta0/" + dt, [](const V& a) { return torch::addmm(a[0], a[1], a[2], 0, -1.5); });
    }
  replay("addmm", table);
}

TEST_CASE("mv and dot over size-1, size-0 and strided operands match PyTorch", "[linalg]") {
  xgrad_test::OpTable mv, dot;
  for (const auto& dt : kDtypes) {
    for (const Shape& s : std::vector<Shape>{{2, 3}, {1, 3}, {3, 1}, {1, 1}, {0, 3}, {2, 0}}) {
      const std::string p = "mv/" + shape_name(s) + "/";
      const int64_t n = s[0], k = s[1];
      mv.insert_or_assign(p + "contig/" + dt, [](const V& a) { return torch::mv(a[0], a[1]); });
      mv.insert_or_assign(p + "t/" + dt, [](const V& a) { return torch::mv(a[0].t(), a[1]); });
      mv.insert_or_assign(p + "slice/" + dt, [](const V& a) {
        return torch::mv(a[0].slice(1, std::nullopt, std::nullopt, 2), a[1].slice(0, std::nullopt, std::nullopt, 2));
      });
      mv.insert_or_assign(p + "expand/" + dt, [n, k](const V& a) { return torch::mv(a[0].expand({n, k}), a[1].expand({k})); });
    }
    for (int64_t k : {3, 1, 0}) {
      const std::string p = "dot/" + std::to_string(k) + "/";
      dot.insert_or_assign(p + "contig/" + dt, [](const V& a) { return torch::dot(a[0], a[1]); });
      dot.insert_or_assign(p + "slice/" + dt, [](const V& a) {
        return torch::dot(a[0].slice(0, std::nullopt, std::nullopt, 2), a[1].slice(0, std::nullopt, std::nullopt, 3));
      });
      dot.insert_or_assign(p + "expand/" + dt, [k](const V& a) { return torch::dot(a[0].expand({k}), a[1]); });
      dot.insert_or_assign(p + "self/" + dt, [](const V& a) { return torch::dot(a[0], a[0]); });
    }
  }
  replay("mv", mv);
  replay("dot", dot);
}

TEST_CASE("F::linear over every input rank and degenerate features matches PyTorch", "[linalg]") {
  xgrad_test::OpTable table;
  for (const auto& dt : kDtypes) {
    for (auto [in_f, out_f] : std::vector<std::pair<int64_t, int64_t>>{{3, 2}, {1, 2}, {3, 1}, {1, 1}, {0, 2}, {3, 0}})
      for (const Shape& ishape : std::vector<Shape>{{4, in_f}, {in_f}, {2, 3, in_f}, {1, in_f}, {0, in_f}, {2, 1, 3, in_f}}) {
        const std::string name = "linear/" + shape_name(ishape) + "->" + std::to_string(out_f);
        table.insert_or_assign(name + "/bias/" + dt, [](const V& a) { return F::linear(a[0], a[1], a[2]); });
        table.insert_or_assign(name + "/nobias/" + dt, [](const V& a) { return F::linear(a[0], a[1]); });
      }
    table.insert_or_assign("linear/3x2x4-t->2/bias/" + dt, [](const V& a) { return F::linear(a[0].transpose(0, 1), a[1], a[2]); });
  }
  replay("linear", table);
}

TEST_CASE("int64 products match PyTorch", "[linalg]") {
  replay("int64", {
      {"int64/mm", [](const V& a) { return torch::mm(a[0], a[1]); }},
      {"int64/mm_t", [](const V& a) { return a[0].t().mm(a[1]); }},
      {"int64/mm_1", [](const V& a) { return a[0].t().mm(a[0]); }},
      {"int64/mm_0", [](const V& a) { return torch::mm(a[0], a[1]); }},
      {"int64/bmm", [](const V& a) { return torch::bmm(a[0], a[1]); }},
      {"int64/matmul_broadcast", [](const V& a) { return torch::matmul(a[0], a[1]); }},
      {"int64/mv", [](const V& a) { return torch::mv(a[0], a[1]); }},
      {"int64/dot", [](const V& a) { return torch::dot(a[0], a[1]); }},
      {"int64/addmm", [](const V& a) { return torch::addmm(a[0], a[1], a[2], 2, 3); }},
  });
}

namespace {
/// Runs f with the process's stderr (file descriptor 2, where OpenBLAS's own handler prints)
/// sent to a temporary file, and returns what was written there.
template <class F>
std::string captured_stderr(F&& f) {
  std::fflush(stderr);
  std::FILE* tmp = std::tmpfile();
  REQUIRE(tmp != nullptr);
  const int saved = dup(2);
  dup2(fileno(tmp), 2);
  try {
    f();
  } catch (...) {
    std::fflush(stderr);
    dup2(saved, 2);
    close(saved);
    std::fclose(tmp);
    throw;
  }
  std::fflush(stderr);
  dup2(saved, 2);
  close(saved);
  std::string out;
  std::rewind(tmp);
  for (int ch; (ch = std::fgetc(tmp)) != EOF;) out.push_back(static_cast<char>(ch));
  std::fclose(tmp);
  return out;
}
}  // namespace

TEST_CASE("a BLAS argument error becomes an exception, and nothing is printed", "[linalg][blas]") {
  // A 1 x 4 matrix read as is needs lda >= 4; lda = 1 is what issue 9's bug passed.
  float a[4] = {1, 2, 3, 4}, c[1] = {-7};
  xgrad::kernels::GemmCall<float> bad{false, false, 1, 1, 4, 1.f, a, 1, a, 1, 0.f, c, 1};
  CHECK(xgrad::kernels::gemm_call_problem(bad) == "lda = 1 but it must be >= 4");
  std::string printed = captured_stderr([&] {
    CHECK_THROWS_WITH(xgrad::kernels::blas_gemm(bad),
                      "OpenBLAS rejected argument 10 of SGEMM (m = 1, n = 1, k = 4, lda = 1, ldb = 1, ldc = 1)");
  });
  CHECK(printed.empty());
  CHECK(c[0] == -7);  // BLAS returned without writing

  // The same through double, and a legal call afterwards on the same thread reports nothing.
  double ad[4] = {1, 2, 3, 4}, cd[1] = {0};
  xgrad::kernels::GemmCall<double> bad_d{false, true, 1, 1, 4, 1.0, ad, 4, ad, 0, 0.0, cd, 1};
  printed = captured_stderr([&] { CHECK_THROWS_AS(xgrad::kernels::blas_gemm(bad_d), xgrad::kernels::BlasError); });
  CHECK(printed.empty());
  xgrad::kernels::GemmCall<double> good{false, true, 1, 1, 4, 1.0, ad, 4, ad, 4, 0.0, cd, 1};
  CHECK_NOTHROW(xgrad::kernels::blas_gemm(good));
  CHECK(cd[0] == 30);
}

TEST_CASE("blas_operand reads size-1 and size-0 dims by the smallest legal leading dimension", "[linalg][blas]") {
  using xgrad::kernels::blas_operand;
  using M = xgrad::kernels::MatrixRef<float>;
  const float* p = nullptr;
  auto check = [](xgrad::kernels::BlasOperand o, bool readable, bool transposed, int64_t ld) {
    CHECK(o.readable == readable);
    if (readable) {
      CHECK(o.transposed == transposed);
      CHECK(o.ld == ld);
    }
  };
  check(blas_operand(M{p, 4, 1, 1, 1}), true, false, 1);  // a [4, 1] column
  check(blas_operand(M{p, 1, 4, 1, 1}), true, false, 4);  // its transpose: lda 4, not 1
  check(blas_operand(M{p, 1, 4, 4, 1}), true, false, 4);
  check(blas_operand(M{p, 1, 1, 1, 1}), true, false, 1);
  check(blas_operand(M{p, 0, 3, 3, 1}), true, false, 3);
  check(blas_operand(M{p, 3, 0, 1, 3}), true, false, 1);
  check(blas_operand(M{p, 2, 0, 0, 1}), true, false, 1);  // no elements: any strides
  check(blas_operand(M{p, 2, 3, 1, 2}), true, true, 2);   // a transposed 3 x 2
  check(blas_operand(M{p, 2, 3, 6, 2}), false, false, 0); // a slice with a step along both dims
  check(blas_operand(M{p, 3, 4, 0, 1}), false, false, 0); // broadcast rows
  check(blas_operand(M{p, 4, 1, 0, 1}), false, false, 0); // broadcast column
  check(blas_operand(M{p, 4, 1, 3, 0}), true, false, 3);  // a column sliced out of a [4, 3]
  check(blas_operand(M{p, 1, 4, 7, 0}), false, false, 0); // broadcast row of 4: no unit stride
}

TEST_CASE("issue 9: a.t() @ a for a [4, 1] column gives PyTorch's numbers, silently", "[linalg][blas]") {
  std::string printed = captured_stderr([] {
    auto a = torch::tensor({1.f, 2.f, 3.f, 4.f}).view({4, 1}).requires_grad_();
    auto y = a.t().matmul(a);
    y.sum().backward();
    CHECK(y.item<float>() == 30);
    CHECK(a.grad().equal(torch::tensor({2.f, 4.f, 6.f, 8.f}).view({4, 1})));
    auto b = torch::tensor({1.f, 2.f, 3.f, 4.f, 5.f, 6.f, 7.f, 8.f}).view({2, 4, 1}).requires_grad_();
    auto z = b.matmul(b.mT());
    z.sum().backward();
    CHECK(z.sum().item<float>() == 10 * 10 + 26 * 26);
    CHECK(b.grad().equal(torch::tensor({20.f, 20.f, 20.f, 20.f, 52.f, 52.f, 52.f, 52.f}).view({2, 4, 1})));
  });
  CHECK(printed.empty());
}

TEST_CASE("mT, mH and adjoint swap the last two dims, with PyTorch's errors", "[linalg]") {
  auto x = torch::arange(6.0).reshape({1, 2, 3}).requires_grad_();
  CHECK(x.mT().sizes().equals({1, 3, 2}));
  CHECK(x.mT().grad_fn()->name() == "TransposeBackward0");
  CHECK(x.mH().equal(x.transpose(1, 2)));
  CHECK(x.adjoint().equal(torch::adjoint(x)));
  CHECK_THROWS_WITH(torch::ones({3}).mT(), "tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.");
  CHECK_THROWS_WITH(torch::ones({3}).mH(), "tensor.mH is only supported on matrices or batches of matrices. Got 1-D tensor.");
  CHECK_THROWS_WITH(torch::ones({3}).adjoint(),
                    "tensor.adjoint() is only supported on matrices or batches of matrices. Got 1-D tensor.");
}

TEST_CASE("addmm with beta = 0 ignores the bias, NaN included, as PyTorch", "[linalg]") {
  auto c = torch::full({2, 2}, std::nan(""));
  auto a = torch::arange(4.0).reshape({2, 2}), b = torch::eye(2);
  CHECK(torch::addmm(c, a, b, 0, 1).equal(a));
  CHECK(torch::addmm(c.to(torch::kDouble), a.to(torch::kDouble), b.to(torch::kDouble), 0, 2).equal(a.to(torch::kDouble) * 2));
  CHECK(torch::addmm(torch::full({2, 2}, 7, torch::kLong), torch::arange(4).reshape({2, 2}), torch::eye(2, torch::kLong), 0, 1)
            .equal(torch::arange(4).reshape({2, 2})));
}

TEST_CASE("xgrad's own gemm kernels agree with a float64 sum in every layout, tail and alpha/beta", "[linalg][blas]") {
  // kernels/gemm_simd.hpp: rows_kernel (B's rows contiguous, A either way) and dots_kernel (A's
  // rows and B's columns contiguous), over sizes that leave tails of vectors and of register blocks.
  namespace k = xgrad::kernels;
  const std::array<std::array<int64_t, 3>, 7> sizes = {{{1, 1, 1}, {3, 5, 7}, {5, 33, 17}, {4, 64, 16}, {9, 70, 300},
                                                        {64, 128, 1568}, {128, 1568, 64}}};
  uint32_t state = 12345;
  auto next = [&state] {
    state = state * 1664525u + 1013904223u;
    return static_cast<float>(static_cast<int32_t>(state >> 8) - (1 << 23)) / static_cast<float>(1 << 23);
  };
  for (const auto& s : sizes) {
    const int64_t m = s[0], n = s[1], kk = s[2];
    std::vector<float> a(m * kk), b(kk * n), c0(m * n);
    for (float& v : a) v = next();
    for (float& v : b) v = next();
    for (float& v : c0) v = next();
    for (int layout = 0; layout < 3; ++layout) {  // A@B, A^T@B, A@B^T
      const bool ta = layout == 1, tb = layout == 2;
      // The same logical A (m x k) and B (k x n), stored transposed where the layout says.
      std::vector<float> as(a.size()), bs(b.size());
      for (int64_t i = 0; i < m; ++i)
        for (int64_t p = 0; p < kk; ++p) as[ta ? p * m + i : i * kk + p] = a[i * kk + p];
      for (int64_t p = 0; p < kk; ++p)
        for (int64_t j = 0; j < n; ++j) bs[tb ? j * kk + p : p * n + j] = b[p * n + j];
      for (const auto& ab : std::vector<std::array<float, 2>>{{1.f, 0.f}, {0.5f, 1.f}, {-2.f, -0.25f}}) {
        std::vector<float> c = c0;
        k::GemmCall<float> g{ta, tb, m, n, kk, ab[0], as.data(), ta ? m : kk, bs.data(), tb ? kk : n, ab[1], c.data(), n};
        REQUIRE(k::simd_gemm::try_gemm(g));
        for (int64_t i = 0; i < m; ++i)
          for (int64_t j = 0; j < n; ++j) {
            double sum = 0, size = 0;
            for (int64_t p = 0; p < kk; ++p) {
              sum += double(a[i * kk + p]) * b[p * n + j];
              size += std::abs(double(a[i * kk + p]) * b[p * n + j]);
            }
            const double want = ab[0] * sum + ab[1] * c0[i * n + j];
            INFO("m " << m << " n " << n << " k " << kk << " layout " << layout << " at " << i << ", " << j);
            // The float32 rounding bound of a k-term sum: about k * 2^-24 of the terms' sizes.
            REQUIRE(std::abs(c[i * n + j] - want) <= (kk + 2) * 6e-8 * (std::abs(ab[0]) * size + std::abs(c0[i * n + j])));
          }
      }
    }
  }
  // A transposed and B transposed at once is left to BLAS, and so is alpha = 0.
  float x[4] = {1, 2, 3, 4}, y[1] = {0};
  CHECK_FALSE(k::simd_gemm::try_gemm(k::GemmCall<float>{true, true, 1, 1, 4, 1.f, x, 1, x, 4, 0.f, y, 1}));
  CHECK_FALSE(k::simd_gemm::try_gemm(k::GemmCall<float>{false, false, 1, 1, 4, 0.f, x, 4, x, 1, 0.f, y, 1}));
}
