// test_hooks_reference.cpp: what a hook on every node of a graph sees, against PyTorch
// (tests/reference/hooks.json, written by make_hooks_reference.py): at each node, in the order
// the engine runs them, the gradients it receives and those it returns, their grad_fn under
// create_graph, and double backward through the first graph. These are the graphs where xgrad
// takes a shortcut when nobody watches (Note [Shortcuts nobody can see] in src/autograd/engine.cpp);
// registering the hooks is what makes somebody watch.
#include <catch2/catch.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

namespace F = torch::nn::functional;
using torch::Tensor;
using torch::autograd::Node;
using torch::autograd::variable_list;
using V = xgrad_test::Inputs;

namespace {

/// What one hook saw.
struct Event {
  std::string node, name, kind;
  variable_list grads;
};

/// Every node reachable from root, keyed by the first path to it (next_edges indices, depth
/// first), exactly as the Python script keys them.
std::vector<std::pair<std::string, Node*>> nodes_of(Node* root) {
  std::vector<std::pair<std::string, Node*>> out;
  std::vector<std::pair<Node*, std::string>> stack{{root, "r"}};
  while (!stack.empty()) {
    auto [fn, key] = stack.back();
    stack.pop_back();
    bool seen = fn == nullptr;
    for (const auto& [k, n] : out) seen = seen || n == fn;
    if (seen) continue;
    out.emplace_back(key, fn);
    const auto& edges = fn->next_edges();
    for (size_t i = edges.size(); i-- > 0;) stack.emplace_back(edges[i].function.get(), key + "." + std::to_string(i));
  }
  return out;
}

Tensor constant(const std::string& name) { return xgrad_test::decode(xgrad_test::reference("hooks.json").at("constants").at(name)); }

std::string grad_fn_name(const Tensor& t) { return t.defined() && t.grad_fn() ? t.grad_fn()->name() : ""; }

/// Compares the events the hooks saw with those PyTorch's hooks saw.
void check_events(const std::vector<Event>& actual, const nlohmann::json& expected) {
  REQUIRE(actual.size() == expected.size());
  for (size_t k = 0; k < actual.size(); ++k) {
    const auto& e = expected[k];
    INFO("event " << k << ": " << e.at("kind").get<std::string>() << " hook of " << e.at("name").get<std::string>()
                  << " at " << e.at("node").get<std::string>());
    CHECK(actual[k].node == e.at("node").get<std::string>());
    CHECK(actual[k].name == e.at("name").get<std::string>());
    CHECK(actual[k].kind == e.at("kind").get<std::string>());
    REQUIRE(actual[k].grads.size() == e.at("grads").size());
    for (size_t i = 0; i < actual[k].grads.size(); ++i) {
      INFO("gradient " << i);
      const auto& eg = e.at("grads")[i];
      const Tensor& g = actual[k].grads[i];
      if (eg.is_null()) {
        CHECK(!g.defined());
        continue;
      }
      REQUIRE(g.defined());
      CHECK_CLOSE(g, xgrad_test::decode(eg), 1e-5, 1e-6);
      const auto& fn = e.at("grad_fns")[i];
      CHECK(grad_fn_name(g) == (fn.is_null() ? std::string() : fn.get<std::string>()));
    }
  }
}

void check_grads(const variable_list& actual, const nlohmann::json& expected) {
  REQUIRE(actual.size() == expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    INFO("gradient of input " << i);
    if (expected[i].is_null()) {
      CHECK(!actual[i].defined());
      continue;
    }
    REQUIRE(actual[i].defined());
    CHECK_CLOSE(actual[i], xgrad_test::decode(expected[i]), 1e-5, 1e-6);
  }
}

}  // namespace

TEST_CASE("hooks on every node see PyTorch's gradients, fused paths included") {
  const Tensor Y = constant("Y"), W = constant("W"), T = constant("T"), YW = constant("YW");
  const std::map<std::string, std::function<Tensor(const V&)>> table = {
      {"ce_mean", [&](const V& a) { return F::cross_entropy(a[0], Y); }},
      {"ce_mean_weight_ignore", [&](const V& a) { return F::cross_entropy(a[0], Y, F::CrossEntropyFuncOptions().weight(W)); }},
      {"ce_sum", [&](const V& a) { return F::cross_entropy(a[0], Y, F::CrossEntropyFuncOptions().reduction(torch::kSum)); }},
      {"ce_none_weight",
       [&](const V& a) { return F::cross_entropy(a[0], Y, F::CrossEntropyFuncOptions().weight(W).reduction(torch::kNone)); }},
      {"ce_unbatched", [&](const V& a) { return F::cross_entropy(a[0], torch::tensor(3)); }},
      {"ce_double",
       [&](const V& a) { return F::cross_entropy(a[0], Y, F::CrossEntropyFuncOptions().weight(W.to(torch::kDouble))); }},
      {"ce_wide", [&](const V& a) { return F::cross_entropy(a[0], YW); }},
      {"ce_after_linear",
       [&](const V& a) { return F::cross_entropy(F::linear(a[0], a[1], a[2]), torch::tensor({2, 0, 1})); }},
      {"ce_create_graph", [&](const V& a) { return F::cross_entropy(a[0], Y, F::CrossEntropyFuncOptions().weight(W)); }},
      {"ce_none_create_graph",
       [&](const V& a) { return F::cross_entropy(a[0], Y, F::CrossEntropyFuncOptions().reduction(torch::kNone)); }},
      {"nll_create_graph", [&](const V& a) { return F::nll_loss(a[0], Y, F::NLLLossFuncOptions().weight(W)); }},
      {"bce_of_sigmoid", [&](const V& a) { return F::binary_cross_entropy(torch::sigmoid(a[0]), T); }},
      {"bce_weight_none",
       [&](const V& a) {
         return F::binary_cross_entropy(torch::sigmoid(a[0]), a[1],
                                        F::BinaryCrossEntropyFuncOptions().weight(W).reduction(torch::kNone));
       }},
      {"bce_with_logits",
       [&](const V& a) {
         return F::binary_cross_entropy_with_logits(a[0], T, F::BinaryCrossEntropyWithLogitsFuncOptions().pos_weight(W));
       }},
      {"mse_of_tanh", [&](const V& a) { return F::mse_loss(torch::tanh(a[0]), T); }},
      {"nll_of_log_softmax",
       [&](const V& a) { return F::nll_loss(F::log_softmax(a[0], 1), Y, F::NLLLossFuncOptions().weight(W)); }},
      {"softmax_dim0", [&](const V& a) { return torch::softmax(a[0], 0) * T; }},
      {"ce_probabilities", [&](const V& a) { return F::cross_entropy(a[0], T.softmax(1)); }},
      {"ce_3d", [&](const V& a) { return F::cross_entropy(a[0], torch::tensor({{0, 2}, {1, 1}})); }},
  };
  size_t cases = 0;
  for (const auto& c : xgrad_test::reference("hooks.json").at("cases")) {
    const std::string name = c.at("name");
    INFO("case " << name);
    auto it = table.find(name);
    REQUIRE(it != table.end());
    ++cases;
    V inputs;
    for (const auto& j : c.at("inputs")) {
      Tensor t = xgrad_test::decode(j);
      if (t.is_floating_point()) t.set_requires_grad(true);
      inputs.push_back(t);
    }
    Tensor out = it->second(inputs);
    REQUIRE(out.grad_fn());

    // The same graph: node for node, the same names under the same paths.
    const auto nodes = nodes_of(out.grad_fn().get());
    std::map<std::string, std::string> names;
    for (const auto& [key, fn] : nodes) names[key] = fn->name();
    CHECK(names == c.at("nodes").get<std::map<std::string, std::string>>());

    std::vector<Event> events;
    for (const auto& [key, fn] : nodes) {
      if (fn->name() == "AccumulateGrad") continue;
      const std::string k = key, n = fn->name();
      fn->register_prehook([&events, k, n](const variable_list& go) -> variable_list {
        events.push_back({k, n, "pre", go});
        return {};
      });
      fn->register_hook([&events, k, n](const variable_list& gi, const variable_list&) -> variable_list {
        events.push_back({k, n, "post", gi});
        return {};
      });
    }
    const bool create_graph = c.at("create_graph");
    variable_list diff;
    for (const Tensor& t : inputs)
      if (t.requires_grad()) diff.push_back(t);
    variable_list grads =
        torch::autograd::grad({out}, diff, {xgrad_test::decode(c.at("upstream"))}, std::nullopt, create_graph);
    check_events(events, c.at("events"));
    check_grads(grads, c.at("grads"));
    for (size_t i = 0; i < grads.size(); ++i) {
      const auto& fn = c.at("grad_grad_fns")[i];
      CHECK(grad_fn_name(grads[i]) == (fn.is_null() ? std::string() : fn.get<std::string>()));
    }
    if (!c.contains("double")) continue;
    // Double backward: the hooks of the first graph fire again where the second passes through it.
    events.clear();
    const auto& d = c.at("double");
    Tensor total;
    for (size_t i = 0; i < grads.size(); ++i) {
      Tensor term = (grads[i] * xgrad_test::decode(d.at("weights")[i])).sum();
      total = total.defined() ? total + term : term;
    }
    variable_list second = torch::autograd::grad({total}, diff, {}, std::nullopt, false, /*allow_unused=*/true);
    check_events(events, d.at("events"));
    check_grads(second, d.at("grads"));
  }
  CHECK(cases == table.size());
}
