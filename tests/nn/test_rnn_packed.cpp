// test_rnn_packed.cpp: packed sequences (nn::utils::rnn) and RNN, LSTM, GRU run on them, against
// PyTorch's numbers (tests/reference/rnn_packed.json, from make_rnn_packed_reference.py): packed
// data, batch_sizes, indices, padded outputs, final states, grad_fn names and every gradient;
// PyTorch's errors; float64 gradchecks.
#include <catch2/catch.hpp>

#include <functional>
#include <map>
#include <memory>

#include "support/reference.hpp"

using namespace xgrad;
using xgrad_test::decode;
using xgrad_test::reference;
using nlohmann::json;
using xgrad::autograd::variable_list;
namespace rnn_utils = xgrad::nn::utils::rnn;

namespace {

Tensor decode_or_undefined(const json& j) { return j.is_null() ? Tensor() : decode(j); }

std::vector<Tensor> packed_parts(const rnn_utils::PackedSequence& p) {
  return {p.data(), p.batch_sizes(), p.sorted_indices(), p.unsorted_indices()};
}

/// The same rebuilt with data as a leaf of its own: the gradient of pad_packed_sequence alone.
rnn_utils::PackedSequence with_leaf_data(const rnn_utils::PackedSequence& p) {
  return rnn_utils::PackedSequence(p.data(), p.batch_sizes(), p.sorted_indices(), p.unsorted_indices());
}

std::vector<Tensor> pad_packed(const Tensor& x, const std::vector<int64_t>& lengths, bool enforce_sorted,
                               bool batch_first, double padding_value, std::optional<int64_t> total_length) {
  auto packed = rnn_utils::pack_padded_sequence(x, tensor(lengths), false, enforce_sorted);
  auto [out, lens] =
      rnn_utils::pad_packed_sequence(with_leaf_data(packed), batch_first, padding_value, total_length);
  return {out, lens};
}

using UtilsFn = std::function<std::vector<Tensor>(const std::vector<Tensor>&)>;

const std::map<std::string, UtilsFn>& utils_cases() {
  static const std::vector<int64_t> lengths{5, 3, 3, 1}, shuffled{3, 5, 1, 3};
  static const std::vector<int64_t> tied{2, 4, 2, 4, 1, 2, 4, 3, 2, 1, 4, 2, 2, 3, 4, 1, 2, 2, 4, 3};
  static const std::map<std::string, UtilsFn> cases{
      {"pack_padded", [](auto& v) { return packed_parts(rnn_utils::pack_padded_sequence(v[0], tensor(lengths))); }},
      {"pack_padded_batch_first",
       [](auto& v) { return packed_parts(rnn_utils::pack_padded_sequence(v[0], tensor(lengths), true)); }},
      {"pack_padded_unsorted",
       [](auto& v) { return packed_parts(rnn_utils::pack_padded_sequence(v[0], tensor(shuffled), false, false)); }},
      {"pack_padded_unsorted_batch_first",
       [](auto& v) { return packed_parts(rnn_utils::pack_padded_sequence(v[0], tensor(shuffled), true, false)); }},
      {"pack_padded_unsorted_ties",
       [](auto& v) { return packed_parts(rnn_utils::pack_padded_sequence(v[0], tensor(tied), false, false)); }},
      {"pack_padded_2d",
       [](auto& v) { return packed_parts(rnn_utils::pack_padded_sequence(v[0], tensor({3, 2, 2}))); }},
      {"pad_packed", [](auto& v) { return pad_packed(v[0], lengths, true, false, 0.0, std::nullopt); }},
      {"pad_packed_batch_first_value_total", [](auto& v) { return pad_packed(v[0], lengths, true, true, -1.5, 7); }},
      {"pad_packed_unsorted", [](auto& v) { return pad_packed(v[0], shuffled, false, false, 2.0, std::nullopt); }},
      {"pad_packed_unsorted_batch_first_total",
       [](auto& v) { return pad_packed(v[0], shuffled, false, true, 0.0, 6); }},
      {"pad_sequence", [](auto& v) { return std::vector<Tensor>{rnn_utils::pad_sequence(v)}; }},
      {"pad_sequence_batch_first_value",
       [](auto& v) { return std::vector<Tensor>{rnn_utils::pad_sequence(v, true, 0.25)}; }},
      {"pad_sequence_1d", [](auto& v) { return std::vector<Tensor>{rnn_utils::pad_sequence(v, true)}; }},
      {"pack_sequence_unsorted", [](auto& v) { return packed_parts(rnn_utils::pack_sequence(v, false)); }},
      {"pack_sequence_sorted",
       [](auto& v) { return packed_parts(rnn_utils::pack_sequence({v[1], v[0], v[2]})); }},
  };
  return cases;
}

/// A layer case's module, run on a PackedSequence: (packed output, h_n, c_n or undefined).
struct PackedLayer {
  std::shared_ptr<nn::Module> module;
  std::function<std::tuple<rnn_utils::PackedSequence, Tensor, Tensor>(const rnn_utils::PackedSequence&,
                                                                      const Tensor&, const Tensor&)>
      forward;
  bool batch_first;
};

PackedLayer build(const json& c) {
  const std::string kind = c["kind"];
  const json& o = c["opts"];
  const int64_t in = o["input_size"], hid = o["hidden_size"];
  auto get = [&](const char* k, auto dflt) { return o.contains(k) ? o[k].get<decltype(dflt)>() : dflt; };
  const int64_t layers = get("num_layers", int64_t{1});
  const bool bias = get("bias", true), batch_first = get("batch_first", false), bidir = get("bidirectional", false);
  const double dropout = get("dropout", 0.0);
  if (kind == "LSTM") {
    nn::LSTM m(nn::LSTMOptions(in, hid).num_layers(layers).bias(bias).batch_first(batch_first).dropout(dropout)
                   .bidirectional(bidir).proj_size(get("proj_size", int64_t{0})));
    return {m.ptr(),
            [m](const rnn_utils::PackedSequence& x, const Tensor& h0, const Tensor& c0) mutable {
              auto [out, hc] = h0.defined() ? m->forward_with_packed_input(x, std::make_tuple(h0, c0))
                                            : m->forward_with_packed_input(x);
              return std::make_tuple(out, std::get<0>(hc), std::get<1>(hc));
            },
            batch_first};
  }
  if (kind == "GRU") {
    nn::GRU m(nn::GRUOptions(in, hid).num_layers(layers).bias(bias).batch_first(batch_first).dropout(dropout)
                  .bidirectional(bidir));
    return {m.ptr(),
            [m](const rnn_utils::PackedSequence& x, const Tensor& h0, const Tensor&) mutable {
              auto [out, h] = m->forward_with_packed_input(x, h0);
              return std::make_tuple(out, h, Tensor());
            },
            batch_first};
  }
  REQUIRE(kind == "RNN");
  nn::RNN m(nn::RNNOptions(in, hid)
                .num_layers(layers)
                .nonlinearity(get("nonlinearity", std::string("tanh")) == "relu" ? kReLU : kTanh)
                .bias(bias)
                .batch_first(batch_first)
                .dropout(dropout)
                .bidirectional(bidir));
  return {m.ptr(),
          [m](const rnn_utils::PackedSequence& x, const Tensor& h0, const Tensor&) mutable {
            auto [out, h] = m->forward_with_packed_input(x, h0);
            return std::make_tuple(out, h, Tensor());
          },
          batch_first};
}

}  // namespace

TEST_CASE("packing utilities match PyTorch: values, indices, grad_fns, gradients", "[nn][rnn][packed]") {
  const auto& table = utils_cases();
  const json& cases = reference("rnn_packed.json")["utils"];
  CHECK(cases.size() == table.size());
  for (const json& c : cases) {
    const std::string name = c["name"];
    SECTION(name) {
      REQUIRE(table.count(name) == 1);
      std::vector<Tensor> leaves;
      for (const json& t : c["inputs"]) {
        Tensor x = decode(t);
        leaves.push_back(x.is_floating_point() ? x.set_requires_grad(true) : x);
      }
      std::vector<Tensor> outs = table.at(name)(leaves);
      REQUIRE(outs.size() == c["outputs"].size());
      Tensor loss;
      for (size_t k = 0; k < outs.size(); ++k) {
        INFO("output " << k);
        const Tensor expected = decode_or_undefined(c["outputs"][k]);
        CHECK_CLOSE(outs[k], expected, 0.0, 0.0);  // packing and padding move values, never change them
        if (expected.defined()) CHECK(outs[k].scalar_type() == expected.scalar_type());
        const json& fn = c["grad_fns"][k];
        CHECK((outs[k].defined() && outs[k].grad_fn() ? outs[k].grad_fn()->name() : std::string("None")) ==
              (fn.is_null() ? std::string("None") : fn.get<std::string>()));
        if (outs[k].defined() && outs[k].requires_grad()) {
          Tensor w = (arange(outs[k].numel(), outs[k].scalar_type()) / 10 + static_cast<double>(k + 1))
                         .reshape(outs[k].sizes());
          Tensor term = (outs[k] * w).sum();
          loss = loss.defined() ? loss + term : term;
        }
      }
      if (loss.defined()) loss.backward();
      for (size_t i = 0; i < leaves.size(); ++i) {
        INFO("gradient of input " << i);
        CHECK_CLOSE(leaves[i].grad(), decode_or_undefined(c["grads"][i]), 1e-6, 1e-6);
      }
    }
  }
}

TEST_CASE("RNN, LSTM and GRU on packed sequences match PyTorch: outputs, states, gradients", "[nn][rnn][packed]") {
  for (const json& c : reference("rnn_packed.json")["layers"]) {
    const std::string name = c["name"];
    SECTION(name) {
      manual_seed(c["seed"].get<uint64_t>());
      PackedLayer layer = build(c);
      layer.module->train(c["train"].get<bool>());
      Tensor x = randn(c["input_shape"].get<std::vector<int64_t>>(), requires_grad());
      Tensor h0, c0;
      if (c["hx"].get<bool>()) {
        h0 = randn(c["h0_grad"]["shape"].get<std::vector<int64_t>>(), requires_grad());
        if (!c["c0_grad"].is_null()) c0 = randn(c["c0_grad"]["shape"].get<std::vector<int64_t>>(), requires_grad());
      }
      auto packed = rnn_utils::pack_padded_sequence(x, tensor(c["lengths"].get<std::vector<int64_t>>()),
                                                    layer.batch_first, c["enforce_sorted"].get<bool>());
      auto [out, h, cn] = layer.forward(packed, h0, c0);
      CHECK(out.batch_sizes().equal(decode(c["batch_sizes"]).to(kLong)));
      CHECK(out.sorted_indices().is_same(packed.sorted_indices()));
      CHECK(out.unsorted_indices().is_same(packed.unsorted_indices()));
      auto [padded, out_lengths] = rnn_utils::pad_packed_sequence(out, layer.batch_first);
      CHECK(out.data().grad_fn()->name() == c["data_grad_fn"].get<std::string>());
      CHECK(h.grad_fn()->name() == c["h_grad_fn"].get<std::string>());
      CHECK(padded.grad_fn()->name() == c["padded_grad_fn"].get<std::string>());
      CHECK_CLOSE(out.data(), decode(c["data"]), 1e-5, 1e-6);
      CHECK_CLOSE(padded, decode(c["padded"]), 1e-5, 1e-6);
      CHECK(out_lengths.equal(decode(c["out_lengths"]).to(kLong)));
      CHECK_CLOSE(h, decode(c["h"]), 1e-5, 1e-6);
      CHECK_CLOSE(cn, decode_or_undefined(c["c"]), 1e-5, 1e-6);

      Tensor loss = (padded * padded).sum() + h.sum();
      if (cn.defined()) loss = loss + cn.sum() * 0.5;
      loss.backward();
      auto params = layer.module->named_parameters();
      CHECK(params.size() == c["grads"].size());
      for (const auto& [k, v] : c["grads"].items()) {
        INFO("gradient of " << k);
        CHECK_CLOSE(params[k].grad(), decode(v), 1e-5, 1e-5);
      }
      CHECK_CLOSE(x.grad(), decode(c["input_grad"]), 1e-5, 1e-5);
      if (h0.defined()) CHECK_CLOSE(h0.grad(), decode(c["h0_grad"]), 1e-5, 1e-5);
      if (c0.defined()) CHECK_CLOSE(c0.grad(), decode(c["c0_grad"]), 1e-5, 1e-5);
    }
  }
}

TEST_CASE("packed sequences give PyTorch's errors", "[nn][rnn][packed]") {
  std::map<std::string, std::string> msg;
  for (const json& e : reference("rnn_packed.json")["errors"]) msg[e["name"]] = e["message"];
  REQUIRE(msg.size() == 8);
  CHECK_THROWS_WITH(rnn_utils::pack_padded_sequence(randn({3, 3}), tensor({1, 3, 2})),
                    Catch::Contains(msg["unsorted_lengths"]));
  CHECK_THROWS_WITH(rnn_utils::pack_padded_sequence(randn({0, 0}), tensor(std::vector<int64_t>{})),
                    Catch::Contains(msg["empty"]));
  CHECK_THROWS_WITH(rnn_utils::pack_padded_sequence(randn({3, 2}), tensor({3, 2, 1})),
                    Catch::Contains(msg["lengths_count"]));
  CHECK_THROWS_WITH(rnn_utils::pack_padded_sequence(randn({3, 2}), tensor({3, 0})), Catch::Contains(msg["zero_length"]));
  auto packed = rnn_utils::pack_padded_sequence(randn({3, 2}), tensor({3, 2}));
  CHECK_THROWS_AS(rnn_utils::pad_packed_sequence(packed, false, 0.0, 2), ValueError);
  CHECK_THROWS_WITH(rnn_utils::pad_packed_sequence(packed, false, 0.0, 2), Catch::Contains(msg["total_length"]));
  CHECK_THROWS_WITH(rnn_utils::pad_sequence({}), Catch::Contains(msg["pad_sequence_empty"]));
  nn::GRU gru(3, 4);
  CHECK_THROWS_WITH(gru->forward_with_packed_input(rnn_utils::PackedSequence(randn({4, 2, 3}), tensor({2, 2}))),
                    Catch::Contains(msg["packed_input_dim"]));
  CHECK_THROWS_WITH(gru->forward_with_packed_input(rnn_utils::pack_padded_sequence(randn({3, 2, 3}), tensor({3, 2})),
                                                   zeros({1, 3, 4})),
                    Catch::Contains(msg["packed_hidden_size"]));
  // Beyond PyTorch's checks: a length past the padded input is refused instead of packing garbage.
  CHECK_THROWS_AS(rnn_utils::pack_padded_sequence(randn({2, 2}), tensor({3, 1})), Error);
  CHECK_THROWS_AS(xgrad::gru(randn({5, 3}), tensor({3, 1}), zeros({1, 3, 4}), gru->all_weights(), true, 1, 0.0, false,
                             false),
                  Error);
}

TEST_CASE("PackedSequence: indices, to() and cpu()", "[nn][rnn][packed]") {
  auto a = tensor({1, 2, 3}), b = tensor({4, 5}), c = tensor({6});
  auto packed = rnn_utils::pack_sequence({b, c, a}, false);
  CHECK(packed.sorted_indices().equal(tensor({2, 0, 1})));
  CHECK(packed.unsorted_indices().equal(tensor({1, 2, 0})));
  CHECK(rnn_utils::invert_permutation(tensor({2, 0, 1})).equal(tensor({1, 2, 0})));
  CHECK_FALSE(rnn_utils::invert_permutation(Tensor()).defined());
  CHECK_THROWS_AS(rnn_utils::invert_permutation(tensor({0, 0})), IndexError);
  for (const auto& same : {packed.to(kCPU), packed.cpu(), packed.to(kLong)}) {
    CHECK(same.data().is_same(packed.data()));
    CHECK(same.sorted_indices().is_same(packed.sorted_indices()));
    CHECK(same.unsorted_indices().is_same(packed.unsorted_indices()));
  }
  auto as_double = packed.to(kDouble);
  CHECK(as_double.data().scalar_type() == kDouble);
  CHECK(as_double.batch_sizes().is_same(packed.batch_sizes()));
  CHECK(as_double.sorted_indices().scalar_type() == kLong);
  CHECK(as_double.unsorted_indices().equal(packed.unsorted_indices()));
  CHECK_FALSE(packed.is_cuda());
  CHECK_FALSE(packed.is_pinned());
  CHECK_THROWS(packed.cuda());
}

TEST_CASE("packed recurrences pass a float64 gradcheck", "[nn][rnn][packed]") {
  manual_seed(0);
  const auto f64 = TensorOptions().dtype(kFloat64).requires_grad(true);
  const Tensor batch_sizes = tensor({3, 2, 2, 1});  // lengths 4, 3, 1
  SECTION("LSTM, 2 layers, bidirectional, projections, and the packing itself") {
    nn::LSTM m(nn::LSTMOptions(2, 3).num_layers(2).bidirectional(true).proj_size(2));
    m->to(kFloat64);
    auto w = m->all_weights();
    Tensor x = randn({4, 3, 2}, f64);
    Tensor h0 = randn({4, 3, 2}, f64), c0 = randn({4, 3, 3}, f64);
    variable_list inputs{x, h0, c0};
    inputs.insert(inputs.end(), w.begin(), w.end());
    CHECK(autograd::gradcheck(
        [](const variable_list& v) {
          auto packed = rnn_utils::pack_padded_sequence(v[0], tensor({3, 4, 1}), false, false);
          auto [out, hy, cy] = xgrad::lstm(packed.data(), packed.batch_sizes(), {v[1], v[2]},
                                           TensorList(v.data() + 3, v.size() - 3), true, 2, 0.0, false, true);
          Tensor padded = std::get<0>(rnn_utils::pad_packed_sequence(
              rnn_utils::PackedSequence(out, packed.batch_sizes(), packed.sorted_indices()), true, 0.5));
          return cat({padded.reshape({-1}), hy.reshape({-1}), cy.reshape({-1})});
        },
        inputs));
  }
  SECTION("GRU and RNN, 2 layers, bidirectional") {
    nn::GRU m(nn::GRUOptions(2, 3).num_layers(2).bidirectional(true));
    nn::RNN r(nn::RNNOptions(2, 3).bidirectional(true).nonlinearity(kReLU));
    m->to(kFloat64);
    r->to(kFloat64);
    Tensor data = randn({8, 2}, f64), h0 = randn({4, 3, 3}, f64), h0_rnn = randn({2, 3, 3}, f64);
    for (bool is_gru : {true, false}) {
      auto w = is_gru ? m->all_weights() : r->all_weights();
      variable_list inputs{data, is_gru ? h0 : h0_rnn};
      inputs.insert(inputs.end(), w.begin(), w.end());
      CHECK(autograd::gradcheck(
          [&](const variable_list& v) {
            TensorList params(v.data() + 2, v.size() - 2);
            auto [out, hy] = is_gru ? xgrad::gru(v[0], batch_sizes, v[1], params, true, 2, 0.0, false, true)
                                    : xgrad::rnn_relu(v[0], batch_sizes, v[1], params, true, 1, 0.0, false, true);
            return cat({out.reshape({-1}), hy.reshape({-1})});
          },
          inputs));
    }
  }
  SECTION("pad_sequence") {
    Tensor a = randn({3, 2}, f64), b = randn({1, 2}, f64);
    CHECK(autograd::gradcheck([](const variable_list& v) { return rnn_utils::pad_sequence(v, true, -1.0); }, {a, b}));
  }
  SECTION("packing and padding, first and second order") {
    // PackPaddedSequenceBackward0's backward is made of slice copies, so it differentiates again.
    Tensor x = randn({3, 4, 2}, f64);  // batch_first: 3 sequences of up to 4 steps
    auto pack_pad = [](const variable_list& v) {
      auto packed = rnn_utils::pack_padded_sequence(v[0] * v[0], tensor({2, 4, 3}), true, false);
      return std::get<0>(rnn_utils::pad_packed_sequence(packed, true, 0.0, 5));
    };
    CHECK(autograd::gradcheck(pack_pad, {x}));
    CHECK(autograd::gradgradcheck(pack_pad, {x}));
  }
}
