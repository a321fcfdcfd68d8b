// test_compat.cpp: the names libtorch code uses beyond torch:: (at::, c10::, TORCH_CHECK and its
// family, warning handlers, irange, str, OptionalIntArrayRef), checked against what libtorch 1.13
// does with them (its headers in /usr/include/c10/util/Exception.h, irange.h, StringUtil.h).
#include <catch2/catch.hpp>

#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <xgrad/torch.hpp>

namespace {

// A WarningHandler that keeps what it is given, as libtorch's tests capture warnings.
struct Capture : c10::WarningHandler {
  std::vector<std::string> messages;
  void process(const c10::SourceLocation& /*loc*/, const std::string& msg, bool /*verbatim*/) override {
    messages.push_back(msg);
  }
};

void check_positive(int x) { TORCH_CHECK(x > 0, "x must be positive, got ", x); }
void check_positive_no_message(int x) { TORCH_CHECK(x > 0, ""); }
void warn_once_here() { TORCH_WARN_ONCE("once from here"); }

template <class E, class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "<nothing thrown>";
}

}  // namespace

TEST_CASE("at:: and c10:: name xgrad's types, as torch:: does") {
  STATIC_REQUIRE(std::is_same<at::Tensor, torch::Tensor>::value);
  STATIC_REQUIRE(std::is_same<c10::ScalarType, torch::ScalarType>::value);
  STATIC_REQUIRE(std::is_same<c10::IntArrayRef, torch::IntArrayRef>::value);
  STATIC_REQUIRE(std::is_same<c10::optional<int>, std::optional<int>>::value);
  STATIC_REQUIRE(std::is_same<torch::autograd::tensor_list, std::vector<at::Tensor>>::value);
  STATIC_REQUIRE(std::is_same<torch::autograd::tensor_list, torch::autograd::variable_list>::value);
  STATIC_REQUIRE(std::is_base_of<c10::Error, c10::NotImplementedError>::value);
  STATIC_REQUIRE(std::is_base_of<std::exception, c10::Error>::value);
  c10::optional<int64_t> none = c10::nullopt;
  CHECK_FALSE(none.has_value());
}

TEST_CASE("torch::make_unique forwards its arguments and value-initialises arrays") {
  struct Value {
    explicit Value(const int& x) : lvalue(x) {}
    explicit Value(int&& x) : rvalue(x) {}
    c10::optional<int> lvalue, rvalue;
  };
  int five = 5;
  auto from_lvalue = torch::make_unique<Value>(five);
  CHECK(from_lvalue->lvalue == 5);
  CHECK_FALSE(from_lvalue->rvalue.has_value());
  auto from_rvalue = torch::make_unique<Value>(123);
  CHECK(from_rvalue->rvalue == 123);
  CHECK_FALSE(from_rvalue->lvalue.has_value());
  auto array = torch::make_unique<int[]>(3);
  CHECK((array[0] == 0 && array[1] == 0 && array[2] == 0));
}

TEST_CASE("TORCH_CHECK throws c10::Error with the caller's words, or libtorch's default") {
  CHECK_NOTHROW(check_positive(1));
  CHECK(message_of<c10::Error>([] { check_positive(-2); }) == "x must be positive, got -2");
  // An empty message stays empty, as libtorch's str("") is "".
  CHECK(message_of<c10::Error>([] { check_positive_no_message(0); }).empty());
  // With no message at all: "Expected <cond> to be true, but got false.  (Could this ...)".
  auto bare = [] {
    int y = 0;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
    TORCH_CHECK(y == 1);
#pragma GCC diagnostic pop
  };
  CHECK(message_of<c10::Error>(bare) ==
        "Expected y == 1 to be true, but got false.  (Could this error message be improved?  If so, please "
        "report an enhancement request to PyTorch.)");
  c10::Error e("plain");
  CHECK(std::string(e.what_without_backtrace()) == "plain");
  CHECK(e.msg() == "plain");
}

TEST_CASE("the typed checks throw libtorch's exception classes") {
  CHECK(message_of<c10::IndexError>([] { TORCH_CHECK_INDEX(false, "index ", 3, " is out of bounds"); }) ==
        "index 3 is out of bounds");
  CHECK(message_of<c10::ValueError>([] { TORCH_CHECK_VALUE(false, "bad value"); }) == "bad value");
  CHECK(message_of<c10::TypeError>([] { TORCH_CHECK_TYPE(false, "bad type"); }) == "bad type");
  CHECK(message_of<c10::NotImplementedError>([] { TORCH_CHECK_NOT_IMPLEMENTED(false, "not here"); }) == "not here");
  CHECK(message_of<c10::LinAlgError>([] { TORCH_CHECK_LINALG(false, "singular"); }) == "singular");
  CHECK(message_of<c10::IndexError>([] { TORCH_CHECK_WITH(IndexError, 1 > 2, "custom"); }) == "custom");
  CHECK(message_of<c10::Error>([] { AT_ERROR("at ", "error"); }) == "at error");
  CHECK(message_of<c10::Error>([] { C10_THROW_ERROR(ValueError, "thrown"); }) == "thrown");
  // Every one of them is also a c10::Error.
  CHECK(message_of<c10::Error>([] { TORCH_CHECK_INDEX(false, "as Error"); }) == "as Error");
}

TEST_CASE("TORCH_INTERNAL_ASSERT and AT_ASSERT give libtorch's internal-assert message") {
  auto msg = message_of<c10::Error>([] { TORCH_INTERNAL_ASSERT(1 + 1 == 3, "extra ", 7); });
  CHECK(msg.rfind("1 + 1 == 3 INTERNAL ASSERT FAILED at \"", 0) == 0);
  CHECK(msg.find("test_compat.cpp\":") != std::string::npos);
  CHECK(msg.find(", please report a bug to PyTorch. extra 7") != std::string::npos);
  CHECK(message_of<c10::Error>([] { AT_ASSERT(false); }).find("false INTERNAL ASSERT FAILED") == 0);
  CHECK_NOTHROW([] { AT_ASSERT(true); }());
}

TEST_CASE("c10::irange counts as libtorch's does") {
  std::vector<int64_t> seen;
  for (const auto i : c10::irange(int64_t{3})) seen.push_back(i);
  CHECK(seen == std::vector<int64_t>{0, 1, 2});
  seen.clear();
  for (const auto i : c10::irange(2, int64_t{5})) seen.push_back(i);
  CHECK(seen == std::vector<int64_t>{2, 3, 4});
  int count = 0;
  for (const auto i : c10::irange(5, 2)) count += i + 1;  // end before begin: empty
  for (const auto i : c10::irange(-4)) count += i + 1;    // negative end: empty
  CHECK(count == 0);
  STATIC_REQUIRE(std::is_same<decltype(*c10::irange(size_t{3}).begin()), size_t>::value);
}

TEST_CASE("c10::str and c10::Join build messages as libtorch's do") {
  CHECK(c10::str("a", 1, ' ', 2.5, std::string("z")) == "a1 2.5z");
  CHECK(torch::str().empty());
  CHECK(c10::str(torch::IntArrayRef{2, 3}) == "[2, 3]");
  CHECK(c10::Join(", ", std::vector<int>{1, 2, 3}) == "1, 2, 3");
  CHECK(c10::Join("\n", std::vector<std::string>{}).empty());
}

TEST_CASE("warnings go to the thread's handler; TORCH_WARN_ONCE warns once unless WarnAlways") {
  Capture capture;
  {
    c10::Warning::WarningHandlerGuard guard(&capture);
    CHECK(c10::Warning::get_warning_handler() == &capture);
    TORCH_WARN("value ", 3, " is odd");
    TORCH_WARN("value ", 3, " is odd");  // a handler sees every warning, repeated or not
    torch::warn("from the library");
    for (int i = 0; i < 3; ++i) warn_once_here();
    {
      c10::Warning::WarnAlways always(true);
      CHECK(c10::Warning::get_warnAlways());
      warn_once_here();
    }
    CHECK_FALSE(c10::Warning::get_warnAlways());
    // Another thread has its own handler: the default one, not this capture.
    std::thread([&] { CHECK(c10::Warning::get_warning_handler() != &capture); }).join();
  }
  CHECK(c10::Warning::get_warning_handler() != &capture);
  CHECK(capture.messages ==
        std::vector<std::string>{"value 3 is odd", "value 3 is odd", "from the library", "once from here",
                                 "once from here"});
}

TEST_CASE("OptionalIntArrayRef takes nothing, one value, a list or a vector") {
  auto first = [](c10::OptionalIntArrayRef a) { return a.has_value() ? a.value()[0] : int64_t{-1}; };
  CHECK(first(300) == 300);  // c10's DanglingPointerFix case: one value, still alive in the call
  CHECK(first({400, 1}) == 400);
  std::vector<int64_t> v{7, 8};
  CHECK(first(v) == 7);
  CHECK(first(torch::IntArrayRef(v)) == 7);
  CHECK(first(c10::nullopt) == -1);
  CHECK(first({}) == -1);  // {} is "no list", as for c10's
  c10::OptionalIntArrayRef some = v;
  CHECK(some == torch::IntArrayRef{7, 8});
  CHECK_FALSE(c10::OptionalIntArrayRef() == torch::IntArrayRef{7, 8});
}
