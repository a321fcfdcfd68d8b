// reference.cpp: see reference.hpp.
#include "support/reference.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>

namespace xgrad_test {

const nlohmann::json& reference(const std::string& file) {
  static std::map<std::string, nlohmann::json> cache;
  auto it = cache.find(file);
  if (it != cache.end()) return it->second;
  std::ifstream in(std::string(XGRAD_TEST_REFERENCE_DIR) + "/" + file);
  if (!in) throw std::runtime_error("cannot open reference file " + file);
  return cache[file] = nlohmann::json::parse(in);
}

Tensor decode(const nlohmann::json& j) {
  std::vector<int64_t> shape = j.at("shape").get<std::vector<int64_t>>();
  std::string dtype = j.at("dtype").get<std::string>();
  xgrad::ScalarType t = xgrad::kFloat;
  bool known = false;
  for (xgrad::ScalarType d : {xgrad::kByte, xgrad::kChar, xgrad::kShort, xgrad::kInt, xgrad::kLong, xgrad::kHalf,
                              xgrad::kFloat, xgrad::kDouble, xgrad::kBool, xgrad::kBFloat16})
    if (dtype == xgrad::dtype_name(d)) {
      t = d;
      known = true;
    }
  if (!known) throw std::runtime_error("dtype " + dtype);
  Tensor out = xgrad::empty(shape, xgrad::kDouble);
  const auto& values = j.at("values");
  double* p = out.data_ptr<double>();
  for (size_t i = 0; i < values.size(); ++i) {
    const auto& v = values[i];
    p[i] = v.is_string() ? std::stod(v.get<std::string>()) : v.get<double>();
  }
  if (t == xgrad::kLong) {
    Tensor l = xgrad::empty(shape, xgrad::kLong);
    for (size_t i = 0; i < values.size(); ++i) l.data_ptr<int64_t>()[i] = values[i].get<int64_t>();
    return l;
  }
  return out.to(t);
}

bool close(const Tensor& actual, const Tensor& expected, std::string& why, double rtol, double atol) {
  if (!actual.defined() || !expected.defined()) {
    why = "undefined tensor";
    return actual.defined() == expected.defined();
  }
  if (!actual.sizes().equals(expected.sizes())) {
    why = "shape " + xgrad::format_sizes(actual.sizes()) + " != " + xgrad::format_sizes(expected.sizes());
    return false;
  }
  Tensor a = actual.detach().to(xgrad::kDouble).contiguous(), e = expected.detach().to(xgrad::kDouble).contiguous();
  const double* pa = a.data_ptr<double>();
  const double* pe = e.data_ptr<double>();
  for (int64_t i = 0; i < a.numel(); ++i) {
    if (std::isnan(pe[i]) && std::isnan(pa[i])) continue;
    if (pa[i] == pe[i]) continue;  // also equal infinities
    if (!(std::fabs(pa[i] - pe[i]) <= atol + rtol * std::fabs(pe[i]))) {
      why = fmt::format("element {}: {} vs expected {}", i, pa[i], pe[i]);
      return false;
    }
  }
  return true;
}

Tensor test_values(xgrad::IntArrayRef shape, double phase) {
  Tensor t = xgrad::empty(shape, xgrad::kDouble);
  double* p = t.data_ptr<double>();
  for (int64_t i = 0; i < t.numel(); ++i) p[i] = 2.0 * std::sin(1.7 * static_cast<double>(i) + 0.3 + phase);
  return t.set_requires_grad(true);
}

namespace {
Tensor as_leaf(const Tensor& t) {
  Tensor c = t.clone();
  if (c.is_floating_point()) c.set_requires_grad(true);
  return c;
}
}  // namespace

OpEntry no_reference_yet(std::vector<std::vector<int64_t>> shapes, OpFn fn) {
  OpEntry entry(std::move(fn));
  entry.shapes = std::move(shapes);
  if (entry.shapes.empty()) entry.shapes.push_back({});  // a 0-d input still marks the entry
  return entry;
}

namespace {
/// The derivative checks of an op without PyTorch's numbers: gradcheck and gradgradcheck.
void check_derivatives_only(const std::string& name, const OpEntry& entry) {
  INFO("expression without PyTorch's numbers yet: " << name);
  WARN("no PyTorch numbers yet for '" << name << "': only its derivatives are checked");
  Inputs inputs;
  for (size_t i = 0; i < entry.shapes.size(); ++i) inputs.push_back(test_values(entry.shapes[i], static_cast<double>(i)));
  CHECK_NOTHROW(xgrad::autograd::gradcheck(entry.fn, inputs));
  CHECK_NOTHROW(xgrad::autograd::gradgradcheck(entry.fn, inputs));
}
}  // namespace

void run_reference_group(const std::string& group, const OpTable& table, const std::string& file, double atol,
                         bool gradcheck) {
  std::set<std::string> seen;
  for (const auto& c : reference(file).at("cases")) {
    if (c.at("group") != group) continue;
    const std::string name = c.at("name");
    seen.insert(name);
    INFO("case " << name);
    auto it = table.find(name);
    REQUIRE(it != table.end());
    INFO("PyTorch has numbers for it now: list it without no_reference_yet");
    CHECK(it->second.shapes.empty());
    const OpFn& fn = it->second.fn;

    Inputs inputs;
    for (const auto& j : c.at("inputs")) inputs.push_back(as_leaf(decode(j)));
    Tensor out = fn(inputs);
    Tensor expected = decode(c.at("output"));
    CHECK(out.scalar_type() == expected.scalar_type());
    CHECK_CLOSE(out, expected, 1e-5, atol);
    if (c.at("grad_fn").is_null()) {
      CHECK(out.grad_fn() == nullptr);
      continue;
    }
    REQUIRE(out.grad_fn() != nullptr);
    CHECK(out.grad_fn()->name() == c.at("grad_fn").get<std::string>());

    // Gradients for the same upstream gradient PyTorch used.
    xgrad::autograd::variable_list diff;
    std::vector<size_t> where;
    for (size_t i = 0; i < inputs.size(); ++i)
      if (inputs[i].requires_grad()) {
        diff.push_back(inputs[i]);
        where.push_back(i);
      }
    auto grads = xgrad::autograd::grad({out}, diff, {decode(c.at("upstream"))}, std::nullopt, false, true);
    for (size_t k = 0; k < diff.size(); ++k) {
      const auto& eg = c.at("grads")[where[k]];
      INFO("gradient of input " << where[k]);
      if (eg.is_null()) {
        CHECK(!grads[k].defined());
        continue;
      }
      Tensor expected_grad = decode(eg);
      Tensor actual = grads[k].defined() ? grads[k] : xgrad::zeros_like(expected_grad);
      CHECK_CLOSE(actual, expected_grad, 1e-5, std::max(atol, 1e-5));
    }

    // The derivative formula itself, by central differences in float64.
    if (!gradcheck) continue;
    Inputs doubles;
    for (const Tensor& t : inputs) {
      Tensor d = t.is_floating_point() ? t.detach().to(xgrad::kDouble) : t.detach();
      if (d.is_floating_point()) d.set_requires_grad(true);
      doubles.push_back(d);
    }
    // "gradcheck": false marks a gradient that is by design not the derivative (embedding's
    // padding_idx and scale_grad_by_freq): PyTorch's gradcheck refuses it too.
    if (c.value("gradcheck", true)) CHECK_NOTHROW(xgrad::autograd::gradcheck(fn, doubles));
  }
  for (const auto& [name, entry] : table) {
    if (seen.count(name) == 1) continue;
    INFO("expression without a reference case: " << name << " (no_reference_yet, if PyTorch has printed none yet)");
    CHECK(!entry.shapes.empty());
    if (!entry.shapes.empty()) check_derivatives_only(name, entry);
  }
}

namespace {
std::string name_or_null(const Tensor& t) { return t.defined() && t.grad_fn() ? t.grad_fn()->name() : "null"; }

/// The graph behind a node as second_order.py's graph() writes it: "Name(child,child)".
std::string graph_text(const xgrad::autograd::Node* node) {
  std::string out = node->name();
  std::string kids;
  for (const auto& e : node->next_edges())
    if (e.is_valid()) kids += (kids.empty() ? "" : ",") + graph_text(e.function.get());
  return kids.empty() ? out : out + "(" + kids + ")";
}
std::string graph_or_null(const Tensor& t) { return t.defined() && t.grad_fn() ? graph_text(t.grad_fn().get()) : "null"; }
std::string expected_name(const nlohmann::json& j) { return j.is_null() ? "null" : j.get<std::string>(); }

/// Compares gradients with PyTorch's, input by input; a null expectation means "no gradient".
void check_grads(const nlohmann::json& expected, const std::vector<size_t>& where, const xgrad::autograd::variable_list& got,
                 double rtol, double atol) {
  for (size_t k = 0; k < where.size(); ++k) {
    const auto& e = expected[where[k]];
    INFO("input " << where[k]);
    if (e.is_null()) {
      CHECK(!got[k].defined());
      continue;
    }
    Tensor expected_grad = decode(e);
    Tensor actual = got[k].defined() ? got[k] : xgrad::zeros_like(expected_grad);
    CHECK(actual.scalar_type() == expected_grad.scalar_type());
    CHECK_CLOSE(actual, expected_grad, rtol, atol);
  }
}
}  // namespace

void run_reference_file(const std::string& file, const std::string& group, const OpTable& table,
                        const std::map<std::string, std::string>& graph_differences) {
  std::set<std::string> seen;
  for (const auto& c : reference(file).at("cases")) {
    if (c.at("group") != group) continue;
    const std::string name = c.at("name");
    seen.insert(name);
    INFO("case " << name);
    auto it = table.find(name);
    REQUIRE(it != table.end());
    CHECK(it->second.shapes.empty());  // no_reference_yet is for ops.json's tables only
    const OpFn& fn = it->second.fn;
    auto known = graph_differences.find(name);
    const bool graphs_differ = known != graph_differences.end();
    INFO("graph known to differ from PyTorch's: " << (graphs_differ ? known->second : std::string("no")));
    bool some_graph_differs = false;
    auto check_graph = [&](const std::string& actual, const std::string& expected) {
      if (graphs_differ)
        some_graph_differs = some_graph_differs || actual != expected;
      else
        CHECK(actual == expected);
    };

    Inputs inputs;
    xgrad::autograd::variable_list diff;
    std::vector<size_t> where;
    for (size_t i = 0; i < c.at("inputs").size(); ++i) {
      Tensor t = decode(c.at("inputs")[i]);
      if (c.at("requires_grad")[i].get<bool>()) {
        t.set_requires_grad(true);
        diff.push_back(t);
        where.push_back(i);
      }
      inputs.push_back(t);
    }
    Tensor out = fn(inputs);
    Tensor expected = decode(c.at("output"));
    CHECK(out.scalar_type() == expected.scalar_type());
    CHECK_CLOSE(out, expected);
    CHECK(name_or_null(out) == expected_name(c.at("grad_fn")));
    check_graph(graph_or_null(out), expected_name(c.at("graph")));
    CHECK(out.requires_grad() == c.contains("upstream"));
    if (!c.contains("upstream") || !out.requires_grad()) continue;

    // First gradients, recorded as a graph of their own (create_graph), as PyTorch records them.
    auto grads = xgrad::autograd::grad({out}, diff, {decode(c.at("upstream"))}, true, /*create_graph=*/true, true);
    check_grads(c.at("grads"), where, grads, 1e-5, 1e-5);
    for (size_t k = 0; k < diff.size(); ++k) {
      INFO("first gradient of input " << where[k]);
      const auto& rg = c.at("grad_requires_grad")[where[k]];
      CHECK((grads[k].defined() && grads[k].requires_grad()) == (!rg.is_null() && rg.get<bool>()));
      CHECK(name_or_null(grads[k]) == expected_name(c.at("grad_grad_fn")[where[k]]));
      check_graph(graph_or_null(grads[k]), expected_name(c.at("grad_graphs")[where[k]]));
    }

    // Second derivatives: the gradients of sum_i <g_i, w_i> over the g_i that require grad.
    bool second_order = c.contains("weights");
    if (second_order) {
      Tensor s;
      for (size_t k = 0; k < diff.size(); ++k) {
        if (!grads[k].defined() || !grads[k].requires_grad()) continue;
        Tensor term = (grads[k] * decode(c.at("weights")[where[k]])).sum();
        s = s.defined() ? s + term : term;
      }
      CHECK(s.defined());  // else the checks of the first gradients above failed
      if (!s.defined()) {
        second_order = false;
      } else if (c.contains("second_error")) {
        CHECK_THROWS_WITH(xgrad::autograd::grad({s}, diff, {}, std::nullopt, false, true),
                          c.at("second_error").get<std::string>());
        second_order = false;
      } else {
        auto second = xgrad::autograd::grad({s}, diff, {}, std::nullopt, false, true);
        INFO("second derivative");
        check_grads(c.at("second"), where, second, 1e-4, 1e-5);
      }
    }

    // The formulas themselves, by central differences in float64.
    Inputs doubles;
    for (size_t i = 0; i < inputs.size(); ++i) {
      Tensor d = inputs[i].is_floating_point() ? inputs[i].detach().to(xgrad::kDouble) : inputs[i].detach();
      if (c.at("requires_grad")[i].get<bool>()) d.set_requires_grad(true);
      doubles.push_back(d);
    }
    CHECK_NOTHROW(xgrad::autograd::gradcheck(fn, doubles));
    if (second_order) CHECK_NOTHROW(xgrad::autograd::gradgradcheck(fn, doubles));
    if (graphs_differ) {
      INFO("a case listed as differing has PyTorch's graphs now: take it off the list");
      CHECK(some_graph_differs);
    }
  }
  for (const auto& [name, fn] : table) {
    INFO("expression without a reference case: " << name);
    CHECK(seen.count(name) == 1);
  }
}

std::string type_of(const std::exception& e) {
  if (dynamic_cast<const xgrad::IndexError*>(&e)) return "IndexError";
  if (dynamic_cast<const xgrad::ValueError*>(&e)) return "ValueError";
  if (dynamic_cast<const xgrad::TypeError*>(&e)) return "TypeError";
  if (dynamic_cast<const xgrad::NotImplementedError*>(&e)) return "NotImplementedError";
  if (dynamic_cast<const xgrad::Error*>(&e)) return "RuntimeError";
  return "std::exception";
}

void check_error(const nlohmann::json& error, const ErrorCall& call) {
  try {
    call.fn();
  } catch (const std::exception& ex) {
    CHECK(type_of(ex) == (call.type.empty() ? error.at("type").get<std::string>() : call.type));
    CHECK(std::string(ex.what()) == (call.message.empty() ? error.at("message").get<std::string>() : call.message));
    return;
  }
  FAIL("no exception; PyTorch raised " << error.dump());
}

void check_error_cases(const nlohmann::json& errors, const ErrorCalls& calls) {
  CHECK(errors.size() == calls.size());
  for (const auto& e : errors) {
    const std::string name = e.at("name");
    INFO("error case " << name);
    auto it = calls.find(name);
    REQUIRE(it != calls.end());
    check_error(e, it->second);
  }
}

void check_error_cases(const std::string& file, const ErrorCalls& calls) {
  check_error_cases(reference(file).at("errors"), calls);
}

}  // namespace xgrad_test
