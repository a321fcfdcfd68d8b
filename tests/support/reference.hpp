// reference.hpp: reading the numbers PyTorch printed (tests/reference/*.json) and comparing
// xgrad's results with them. See tests/reference/make_ops_reference.py for how they were made.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <xgrad/xgrad.hpp>

namespace xgrad_test {

using xgrad::Tensor;
using Inputs = std::vector<Tensor>;
using OpFn = std::function<Tensor(const Inputs&)>;

/// One expression of a reference table: the C++ for a case PyTorch printed numbers for, or, for an
/// op it has not printed numbers for yet (see no_reference_yet), the C++ and the shapes to check it at.
struct OpEntry {
  template <class F, class = std::enable_if_t<std::is_invocable_r<Tensor, F, const Inputs&>::value>>
  OpEntry(F&& f) : fn(std::forward<F>(f)) {}  // NOLINT: implicit, so a table lists plain lambdas
  OpFn fn;
  std::vector<std::vector<int64_t>> shapes;  // non-empty: no PyTorch numbers yet
};
using OpTable = std::map<std::string, OpEntry>;

/// A table entry for a new op before python3-torch has printed its numbers: its derivative is
/// checked by gradcheck and gradgradcheck at float64 test values of the given shapes (and the
/// test warns that the values themselves are unchecked). Once the reference script has a case of
/// that name, plain `fn` replaces it (the test fails while both exist).
OpEntry no_reference_yet(std::vector<std::vector<int64_t>> shapes, OpFn fn);

/// The parsed contents of tests/reference/<file>.
const nlohmann::json& reference(const std::string& file);
/// A tensor from {"shape", "dtype", "values"} as the scripts write it.
Tensor decode(const nlohmann::json& j);
/// Values equal within float32 rounding: |a - b| <= atol + rtol * |b|, NaN matching NaN. On
/// failure the message says where and by how much.
bool close(const Tensor& actual, const Tensor& expected, std::string& why, double rtol = 1e-5, double atol = 1e-6);
/// Deterministic float64 test values in about [-2, 2], different for each `phase`, requiring grad.
Tensor test_values(xgrad::IntArrayRef shape, double phase = 0.0);
/// Replays every case of `group` in `file` (ops.json unless said) with the C++ expression of the
/// same name: value, dtype, grad_fn name, gradients, and a float64 gradcheck. Every case must have
/// an expression and every expression a case (or be marked no_reference_yet), so the two lists
/// cannot drift apart. `atol`: the absolute tolerance of values and gradients, for ops whose
/// float32 results sum many products (a convolution's rounding differs from PyTorch's by more
/// than 1e-6 where its terms cancel). `gradcheck` false leaves out the float64 gradcheck, for
/// cases too large for central differences whose formula smaller cases of the same code check.
void run_reference_group(const std::string& group, const OpTable& table, const std::string& file = "ops.json",
                         double atol = 1e-6, bool gradcheck = true);
/// Replays every case of `group` in `file`, written by tests/reference/second_order.py: what
/// run_reference_group checks plus the whole graph behind the output, and under create_graph=true
/// whether each first gradient requires grad, its grad_fn name and graph, and the second
/// derivative (the gradients of sum_i <g_i, w_i>, or PyTorch's error when it has none); then
/// gradcheck and gradgradcheck in float64. `graph_differences` names the cases whose graphs are
/// known to differ from PyTorch's inside (case -> why): for them the graphs must still differ
/// (so the list cannot go stale), and everything else is checked as for any case.
void run_reference_file(const std::string& file, const std::string& group, const OpTable& table,
                        const std::map<std::string, std::string>& graph_differences = {});

/// The name of the Python exception PyTorch raises where xgrad throws `e`: IndexError,
/// ValueError, TypeError, NotImplementedError, RuntimeError for any other xgrad::Error, and
/// "std::exception" for anything else.
std::string type_of(const std::exception& e);

/// One call of an error table: the C++ that must throw. Where libtorch's C++ API words an error
/// differently from Python's, xgrad gives libtorch's, and `type` / `message` (when not empty) are
/// what is checked instead of what PyTorch printed.
struct ErrorCall {
  template <class F, class = std::enable_if_t<std::is_invocable<F>::value>>
  ErrorCall(F&& f, std::string t = {}, std::string m = {})  // NOLINT: implicit, so a table lists plain lambdas
      : fn(std::forward<F>(f)), type(std::move(t)), message(std::move(m)) {}
  std::function<void()> fn;
  std::string type, message;
};
using ErrorCalls = std::map<std::string, ErrorCall>;

/// Runs `call` and checks that it throws PyTorch's error `error` ({"type", "message"} as the
/// scripts write it, unless `call` says otherwise): the same type_of and the same what(), letter
/// for letter. Fails the test case when nothing is thrown.
void check_error(const nlohmann::json& error, const ErrorCall& call);
/// Replays every case of an "errors" list ({"name", "type", "message"}) with the call of the same
/// name, as check_error does. Every case must have a call and every call a case.
void check_error_cases(const nlohmann::json& errors, const ErrorCalls& calls);
/// The same for the "errors" list of tests/reference/<file>.
void check_error_cases(const std::string& file, const ErrorCalls& calls);
inline void check_error_cases(const char* file, const ErrorCalls& calls) {
  check_error_cases(std::string(file), calls);
}

}  // namespace xgrad_test

/// CHECK that two tensors are close (see close()), saying where they differ when they are not.
#define CHECK_CLOSE(actual, expected, ...)                                              \
  do {                                                                                  \
    std::string why_;                                                                   \
    bool ok_ = xgrad_test::close((actual), (expected), why_, ##__VA_ARGS__);           \
    INFO(why_);                                                                         \
    CHECK(ok_);                                                                         \
  } while (0)
