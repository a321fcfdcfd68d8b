// test_rnn_graph.cpp: the autograd graph nn::LSTM, nn::GRU and nn::RNN record is PyTorch's, node
// for node and edge for edge (tests/reference/rnn_graph.json, from make_rnn_graph_reference.py):
// whatever makes the recurrences faster must leave this graph as ATen's composite path records it.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "support/reference.hpp"

using namespace xgrad;
using nlohmann::json;
using xgrad_test::reference;

namespace {

/// The listing the script writes: one line per node in depth-first preorder from root
/// (next_edges in order), "id Name child_id:input_nr ...", "-" for an edge that needs no gradient.
std::vector<std::string> listing(const std::shared_ptr<autograd::Node>& root) {
  std::map<const autograd::Node*, size_t> ids;
  std::vector<autograd::Node*> order;
  std::vector<autograd::Node*> stack{root.get()};
  while (!stack.empty()) {
    autograd::Node* fn = stack.back();
    stack.pop_back();
    if (ids.count(fn) != 0) continue;
    ids[fn] = order.size();
    order.push_back(fn);
    const auto& edges = fn->next_edges();
    for (auto it = edges.rbegin(); it != edges.rend(); ++it)
      if (it->function && ids.count(it->function.get()) == 0) stack.push_back(it->function.get());
  }
  std::vector<std::string> lines;
  for (autograd::Node* fn : order) {
    std::string line = std::to_string(ids[fn]) + " " + fn->name();
    for (const auto& e : fn->next_edges())
      line += e.function ? " " + std::to_string(ids[e.function.get()]) + ":" + std::to_string(e.input_nr) : " -";
    lines.push_back(line);
  }
  return lines;
}

/// The case's module run on a random input (and initial state): the graph of output.sum() plus
/// the sums of the final states, as the script builds it.
Tensor run(const json& c) {
  const std::string kind = c["kind"];
  const json& o = c["opts"];
  auto get = [&](const char* k, auto dflt) { return o.contains(k) ? o[k].get<decltype(dflt)>() : dflt; };
  const int64_t in = o["input_size"], hid = o["hidden_size"], layers = get("num_layers", int64_t{1});
  const bool bidir = get("bidirectional", false), batch_first = get("batch_first", false);
  const auto shape = c["input_shape"].get<std::vector<int64_t>>();
  Tensor x = randn(shape, requires_grad());
  const int64_t dirs = bidir ? 2 : 1, batch = shape[batch_first ? 0 : 1];
  const bool hx = c["hx"].get<bool>();
  if (kind == "LSTM") {
    const int64_t proj = get("proj_size", int64_t{0});
    nn::LSTM m(nn::LSTMOptions(in, hid).num_layers(layers).bias(get("bias", true)).batch_first(batch_first)
                   .bidirectional(bidir).proj_size(proj));
    auto [out, hc] = hx ? m->forward(x, std::make_tuple(randn({layers * dirs, batch, proj > 0 ? proj : hid}, requires_grad()),
                                                        randn({layers * dirs, batch, hid}, requires_grad())))
                        : m->forward(x);
    return out.sum() + std::get<0>(hc).sum() + std::get<1>(hc).sum();
  }
  Tensor h0 = hx ? randn({layers * dirs, batch, hid}, requires_grad()) : Tensor();
  if (kind == "GRU") {
    nn::GRU m(nn::GRUOptions(in, hid).num_layers(layers).bias(get("bias", true)).batch_first(batch_first)
                  .bidirectional(bidir));
    auto [out, h] = m->forward(x, h0);
    return out.sum() + h.sum();
  }
  REQUIRE(kind == "RNN");
  nn::RNN m(nn::RNNOptions(in, hid).num_layers(layers).bias(get("bias", true)).batch_first(batch_first)
                .bidirectional(bidir)
                .nonlinearity(get("nonlinearity", std::string("tanh")) == "relu" ? kReLU : kTanh));
  auto [out, h] = m->forward(x, h0);
  return out.sum() + h.sum();
}

}  // namespace

TEST_CASE("recurrent layers record PyTorch's autograd graph, node for node", "[nn][rnn]") {
  for (const json& c : reference("rnn_graph.json")["cases"]) {
    SECTION(c["name"].get<std::string>()) {
      manual_seed(0);
      const std::vector<std::string> expected = c["graph"].get<std::vector<std::string>>();
      const std::vector<std::string> got = listing(run(c).grad_fn());
      // The first line that differs says where the graphs part; then the sizes.
      for (size_t i = 0; i < std::min(expected.size(), got.size()); ++i) {
        INFO("node " << i);
        REQUIRE(got[i] == expected[i]);
      }
      CHECK(got.size() == expected.size());
    }
  }
}
