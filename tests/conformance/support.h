// support.h: what libtorch's test/cpp/api/support.h and test/cpp/common/support.h give its tests
// (torch::test::*, ASSERT_THROWS_WITH), written against xgrad's public API. conformance.py points
// the tests' `#include <test/cpp/api/support.h>` here; the tests themselves are unchanged. Each
// helper does what libtorch's does; where xgrad lacks the call libtorch's uses, the comment says
// which call stands in for it (assert_tensor_creation_meta reads xgrad's view state where
// libtorch's reads its TensorImpl). The helpers that need no GoogleTest are in support.cpp, built
// into the library the tests link to (GoogleTest itself is linked into each test program, never
// into that library: one copy of its state).
// Read next: conformance.py.
#pragma once

#include <gtest/gtest.h>

#include <limits>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <xgrad/torch.hpp>

// test/cpp/common/support.h: the statement must throw, and the message must contain substring.
#define ASSERT_THROWS_WITH(statement, substring)                        \
  {                                                                     \
    std::string assert_throws_with_error_message;                       \
    try {                                                               \
      (void)statement;                                                  \
      FAIL() << "Expected statement `" #statement                       \
                "` to throw an exception, but it did not";              \
    } catch (const c10::Error& e) {                                     \
      assert_throws_with_error_message = e.what_without_backtrace();    \
    } catch (const std::exception& e) {                                 \
      assert_throws_with_error_message = e.what();                      \
    }                                                                   \
    if (assert_throws_with_error_message.find(substring) ==             \
        std::string::npos) {                                            \
      FAIL() << "Error message \"" << assert_throws_with_error_message  \
             << "\" did not contain expected substring \"" << substring \
             << "\"";                                                   \
    }                                                                   \
  }

// torch::test (torch is a name for xgrad, and a namespace alias cannot be reopened).
namespace xgrad {
namespace test {

// Lets you use a container without making a new class, for experimental implementations.
class SimpleContainer : public nn::Cloneable<SimpleContainer> {
 public:
  void reset() override {}

  template <typename ModuleHolder>
  ModuleHolder add(ModuleHolder module_holder, std::string name = std::string()) {
    Module::register_module(std::move(name), module_holder);
    return module_holder;
  }
};

struct SeedingFixture : public ::testing::Test {
  SeedingFixture() { torch::manual_seed(0); }
};

// Collects the warnings raised while it lives (this thread's), instead of printing them.
struct WarningCapture : public WarningHandler {
  WarningCapture();
  ~WarningCapture() override;

  const std::vector<std::string>& messages() { return messages_; }
  std::string str() { return c10::Join("\n", messages_); }

  void process(const SourceLocation& source_location, const std::string& msg, const bool verbatim) override;

 private:
  WarningHandler* prev_;
  std::vector<std::string> messages_;
};

bool pointer_equal(at::Tensor first, at::Tensor second);

namespace detail {
// libtorch's helpers write `diff.index_put_({mask}, 0)`; masked_fill is the same assignment.
inline at::Tensor zero_where(const at::Tensor& t, const at::Tensor& mask) { return t.masked_fill(mask, 0); }
// torch::isinf, as `x.abs() == inf` (true for +inf and -inf, false for NaN).
inline at::Tensor isinf(const at::Tensor& x) {
  return x.is_floating_point() ? x.abs() == std::numeric_limits<double>::infinity()
                               : torch::zeros(x.sizes(), torch::kBool);
}
// 16-bit floating types (kFloat16, kBFloat16) by their size, so this compiles before they exist.
inline bool is_half_or_bfloat16(const at::Tensor& x) { return x.is_floating_point() && x.element_size() == 2; }
}  // namespace detail

// This mirrors the `isinstance(x, torch.Tensor) and isinstance(y, torch.Tensor)` branch in
// `TestCase.assertEqual` in torch/testing/_internal/common_utils.py.
inline void assert_tensor_equal(at::Tensor a, at::Tensor b, bool allow_inf = false) {
  ASSERT_TRUE(a.sizes() == b.sizes());
  if (a.numel() > 0) {
    if (detail::is_half_or_bfloat16(a)) {
      // CPU half and bfloat16 tensors don't have the methods we need below
      a = a.to(torch::kFloat32);
    }
    b = b.to(a.options());  // libtorch: b.to(a)

    if ((a.scalar_type() == torch::kBool) != (b.scalar_type() == torch::kBool)) {
      TORCH_CHECK(false, "Was expecting both tensors to be bool type.");
    } else {
      if (a.scalar_type() == torch::kBool && b.scalar_type() == torch::kBool) {
        // we want to respect precision but as bool doesn't support subtraction,
        // boolean tensor has to be converted to int (libtorch: kInt; kLong holds the same values)
        a = a.to(torch::kLong);
        b = b.to(torch::kLong);
      }

      auto diff = a - b;
      if (a.is_floating_point()) {
        // check that NaNs are in the same locations
        auto nan_mask = torch::isnan(a);
        ASSERT_TRUE(torch::equal(nan_mask, torch::isnan(b)));
        diff = detail::zero_where(diff, nan_mask);
        // inf check if allow_inf=true
        if (allow_inf) {
          auto inf_mask = detail::isinf(a);
          ASSERT_TRUE(torch::equal(inf_mask, detail::isinf(b)));
          diff = detail::zero_where(diff, inf_mask);
        }
      }
      // libtorch takes abs of signed types only; abs leaves unsigned values as they are.
      diff = diff.abs();
      auto max_err = diff.max().item<double>();
      ASSERT_LE(max_err, 1e-5);
    }
  }
}

// This mirrors the `isinstance(x, torch.Tensor) and isinstance(y, torch.Tensor)` branch in
// `TestCase.assertNotEqual` in torch/testing/_internal/common_utils.py.
inline void assert_tensor_not_equal(at::Tensor x, at::Tensor y) {
  if (x.sizes() != y.sizes()) {
    return;
  }
  ASSERT_GT(x.numel(), 0);
  y = y.type_as(x);
  y = y.cpu();
  auto nan_mask = x != x;
  if (torch::equal(nan_mask, y != y)) {
    auto diff = x - y;
    diff = diff.abs();
    diff = detail::zero_where(diff, nan_mask);
    // Use `item()` to work around: https://github.com/pytorch/pytorch/issues/22301
    auto max_err = diff.max().item<double>();
    ASSERT_GE(max_err, 1e-5);
  }
}

int count_substr_occurrences(const std::string& str, const std::string& substr);

// For its lifetime, the default dtype is default_dtype (tests that create tensors without a dtype
// under float64, say); one such guard at a time across threads, as libtorch's.
struct AutoDefaultDtypeMode {
  static std::mutex default_dtype_mutex;

  AutoDefaultDtypeMode(c10::ScalarType default_dtype)
      : prev_default_dtype(torch::typeMetaToScalarType(torch::get_default_dtype())) {
    default_dtype_mutex.lock();
    torch::set_default_dtype(torch::scalarTypeToTypeMeta(default_dtype));
  }
  ~AutoDefaultDtypeMode() {
    default_dtype_mutex.unlock();
    torch::set_default_dtype(torch::scalarTypeToTypeMeta(prev_default_dtype));
  }
  c10::ScalarType prev_default_dtype;
};

// x is a view whose CreationMeta (how it was made: under no_grad, in inference mode, ...) is
// creation_meta. libtorch's casts x's TensorImpl's autograd meta; xgrad's view state is found by
// autograd::get_view_autograd_meta.
inline void assert_tensor_creation_meta(torch::Tensor& x, torch::autograd::CreationMeta creation_meta) {
  auto* view_meta = torch::autograd::get_view_autograd_meta(x);
  TORCH_CHECK(view_meta);
  TORCH_CHECK(view_meta->has_bw_view());
  ASSERT_EQ(view_meta->get_creation_meta(), creation_meta);
}

}  // namespace test
}  // namespace xgrad
