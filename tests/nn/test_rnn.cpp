// test_rnn.cpp: nn::RNN, nn::LSTM, nn::GRU and their cells against PyTorch's numbers
// (tests/reference/rnn.json, from make_rnn_reference.py): initial parameters bit for bit, outputs,
// final states, grad_fn names and every gradient; PyTorch's errors; float64 gradchecks.
#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <sstream>
#include <memory>

#include "support/reference.hpp"

using namespace xgrad;
using xgrad_test::decode;
using xgrad_test::reference;
using nlohmann::json;
using xgrad::autograd::variable_list;

namespace {

/// What a case's forward gives: output, final h (the cell's h' for cells) and c (LSTM, LSTMCell).
struct Result {
  Tensor output, h, c;
};

struct Built {
  std::shared_ptr<nn::Module> module;
  std::function<Result(const Tensor&, const Tensor&, const Tensor&)> forward;  // input, h0, c0 (may be undefined)
};

Built build(const json& c) {
  const std::string kind = c["kind"];
  const json& o = c["opts"];
  const int64_t in = o["input_size"], hid = o["hidden_size"];
  auto get = [&](const char* k, auto dflt) { return o.contains(k) ? o[k].get<decltype(dflt)>() : dflt; };
  if (kind == "RNN") {
    nn::RNN m(nn::RNNOptions(in, hid)
                  .num_layers(get("num_layers", int64_t{1}))
                  .nonlinearity(get("nonlinearity", std::string("tanh")) == "relu" ? kReLU : kTanh)
                  .bias(get("bias", true))
                  .batch_first(get("batch_first", false))
                  .dropout(get("dropout", 0.0))
                  .bidirectional(get("bidirectional", false)));
    return {m.ptr(), [m](const Tensor& x, const Tensor& h0, const Tensor&) mutable {
              auto [out, h] = m->forward(x, h0);
              return Result{out, h, {}};
            }};
  }
  if (kind == "GRU") {
    nn::GRU m(nn::GRUOptions(in, hid)
                  .num_layers(get("num_layers", int64_t{1}))
                  .bias(get("bias", true))
                  .batch_first(get("batch_first", false))
                  .dropout(get("dropout", 0.0))
                  .bidirectional(get("bidirectional", false)));
    return {m.ptr(), [m](const Tensor& x, const Tensor& h0, const Tensor&) mutable {
              auto [out, h] = m->forward(x, h0);
              return Result{out, h, {}};
            }};
  }
  if (kind == "LSTM") {
    nn::LSTM m(nn::LSTMOptions(in, hid)
                   .num_layers(get("num_layers", int64_t{1}))
                   .bias(get("bias", true))
                   .batch_first(get("batch_first", false))
                   .dropout(get("dropout", 0.0))
                   .bidirectional(get("bidirectional", false))
                   .proj_size(get("proj_size", int64_t{0})));
    return {m.ptr(), [m](const Tensor& x, const Tensor& h0, const Tensor& c0) mutable {
              auto [out, hc] = h0.defined() ? m->forward(x, std::make_tuple(h0, c0)) : m->forward(x);
              return Result{out, std::get<0>(hc), std::get<1>(hc)};
            }};
  }
  if (kind == "RNNCell") {
    nn::RNNCell m(nn::RNNCellOptions(in, hid)
                      .bias(get("bias", true))
                      .nonlinearity(get("nonlinearity", std::string("tanh")) == "relu" ? kReLU : kTanh));
    return {m.ptr(), [m](const Tensor& x, const Tensor& h0, const Tensor&) mutable {
              Tensor h = m->forward(x, h0);
              return Result{h, h, {}};
            }};
  }
  if (kind == "GRUCell") {
    nn::GRUCell m(nn::GRUCellOptions(in, hid).bias(get("bias", true)));
    return {m.ptr(), [m](const Tensor& x, const Tensor& h0, const Tensor&) mutable {
              Tensor h = m->forward(x, h0);
              return Result{h, h, {}};
            }};
  }
  REQUIRE(kind == "LSTMCell");
  nn::LSTMCell m(nn::LSTMCellOptions(in, hid).bias(get("bias", true)));
  return {m.ptr(), [m](const Tensor& x, const Tensor& h0, const Tensor& c0) mutable {
            auto [h, c] = h0.defined() ? m->forward(x, std::make_tuple(h0, c0)) : m->forward(x);
            return Result{h, h, c};
          }};
}

std::vector<int64_t> shape_of(const json& j) { return j["shape"].get<std::vector<int64_t>>(); }

}  // namespace

TEST_CASE("recurrent layers match PyTorch: parameters, outputs, states, gradients", "[nn][rnn]") {
  for (const json& c : reference("rnn.json")["cases"]) {
    const std::string name = c["name"];
    SECTION(name) {
      manual_seed(c["seed"].get<uint64_t>());
      Built b = build(c);
      b.module->train(c["train"].get<bool>());
      // The parameters: PyTorch's names, order and values, bit for bit.
      auto params = b.module->named_parameters();
      std::vector<std::string> names;
      for (const auto& p : params)
        if (p.value().defined()) names.push_back(p.key());
      std::vector<std::string> expected_names;
      for (const auto& [k, v] : c["params"].items()) expected_names.push_back(k);
      // json objects iterate sorted; compare as sets here, the order is checked against all_weights below.
      std::vector<std::string> sorted_names = names;
      std::sort(sorted_names.begin(), sorted_names.end());
      CHECK(sorted_names == expected_names);
      for (const auto& [k, v] : c["params"].items()) CHECK_CLOSE(params[k], decode(v), 0.0, 0.0);

      const bool is_cell = c["kind"].get<std::string>().find("Cell") != std::string::npos;
      const bool is_lstm = c["kind"].get<std::string>().rfind("LSTM", 0) == 0;
      Tensor x = randn(c["input_shape"].get<std::vector<int64_t>>(), requires_grad());
      Tensor h0, c0;
      if (c["hx"].get<bool>()) {
        h0 = randn(shape_of(c["h0_grad"]), requires_grad());
        if (is_lstm) c0 = randn(shape_of(c["c0_grad"]), requires_grad());
      }
      Result r = b.forward(x, h0, c0);
      CHECK(r.output.grad_fn()->name() == c["grad_fn"].get<std::string>());
      CHECK_CLOSE(r.output, decode(c["output"]), 1e-5, 1e-6);
      CHECK_CLOSE(r.h, decode(c["h"]), 1e-5, 1e-6);
      if (!c["c"].is_null()) CHECK_CLOSE(r.c, decode(c["c"]), 1e-5, 1e-6);

      Tensor loss = (r.output * r.output).sum();
      if (!is_cell) loss = loss + r.h.sum();
      if (r.c.defined()) loss = loss + r.c.sum() * 0.5;
      loss.backward();
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

TEST_CASE("recurrent layers register their parameters in PyTorch's order", "[nn][rnn]") {
  nn::LSTM lstm(nn::LSTMOptions(3, 5).num_layers(2).bidirectional(true).proj_size(2));
  std::vector<std::string> names;
  for (const auto& p : lstm->named_parameters()) names.push_back(p.key());
  std::vector<std::string> expected;
  for (std::string l : {"0", "1"})
    for (std::string s : {"", "_reverse"})
      for (std::string w : {"weight_ih_l", "weight_hh_l", "bias_ih_l", "bias_hh_l", "weight_hr_l"})
        expected.push_back(w + l + s);
  CHECK(names == expected);
  auto all = lstm->all_weights();
  REQUIRE(all.size() == expected.size());
  for (size_t i = 0; i < all.size(); ++i) CHECK(all[i].is_same(lstm->named_parameters()[expected[i]]));
  CHECK(lstm->named_parameters()["weight_ih_l1"].sizes() == IntArrayRef{20, 4});
  CHECK(lstm->named_parameters()["weight_hh_l0"].sizes() == IntArrayRef{20, 2});
  CHECK(lstm->named_parameters()["weight_hr_l0_reverse"].sizes() == IntArrayRef{2, 5});
  lstm->flatten_parameters();
}

TEST_CASE("recurrent layers give PyTorch's errors", "[nn][rnn]") {
  std::map<std::string, std::string> msg;
  for (const json& e : reference("rnn.json")["errors"]) msg[e["name"]] = e["message"];
  nn::LSTM lstm(nn::LSTMOptions(3, 4).num_layers(2));
  nn::GRU gru(nn::GRUOptions(3, 4).bidirectional(true));
  CHECK_THROWS_WITH(lstm(randn({5, 2, 4})), Catch::Contains(msg["lstm_input_size"]));
  CHECK_THROWS_WITH(lstm(randn({5, 2, 3, 1})), Catch::Contains(msg["lstm_input_dim"]));
  CHECK_THROWS_WITH(lstm(randn({5, 2, 3}), std::make_tuple(zeros({1, 2, 4}), zeros({2, 2, 4}))),
                    Catch::Contains(msg["lstm_hidden_size"]));
  CHECK_THROWS_WITH(lstm(randn({5, 2, 3}), std::make_tuple(zeros({2, 2, 4}), zeros({2, 3, 4}))),
                    Catch::Contains(msg["lstm_cell_size"]));
  CHECK_THROWS_WITH(lstm(randn({5, 2, 3}), std::make_tuple(zeros({2, 4}), zeros({2, 2, 4}))),
                    Catch::Contains(msg["lstm_hx_dims"]));
  CHECK_THROWS_WITH(gru(randn({5, 2, 4})), Catch::Contains(msg["gru_input_size"]));
  CHECK_THROWS_WITH(gru(randn({5, 2, 3}), zeros({1, 2, 4})), Catch::Contains(msg["gru_hidden_size"]));
  CHECK_THROWS_WITH(gru(randn({5, 3}), zeros({2, 1, 4})), Catch::Contains(msg["gru_hx_dims"]));
  CHECK_THROWS_WITH(gru(randn({0, 2, 3})), Catch::Contains(msg["gru_empty_sequence"]));
  nn::LSTMCell lstm_cell(3, 4);
  CHECK_THROWS_WITH(lstm_cell(randn({2, 5})), Catch::Contains(msg["lstmcell_input_size"]));
  CHECK_THROWS_WITH(lstm_cell(randn({2, 3}), std::make_tuple(zeros({3, 4}), zeros({2, 4}))),
                    Catch::Contains(msg["lstmcell_hidden_batch"]));
  CHECK_THROWS_WITH(lstm_cell(randn({2, 3}), std::make_tuple(zeros({2, 4}), zeros({2, 5}))),
                    Catch::Contains(msg["lstmcell_cell_size"]));
  CHECK_THROWS_WITH(nn::GRUCell(3, 4)(randn({2, 3}), zeros({2, 5})), Catch::Contains(msg["grucell_hidden_size"]));
  CHECK_THROWS_WITH(nn::RNNCell(3, 4)(randn({2, 2, 3})), Catch::Contains(msg["rnncell_input_dim"]));
  CHECK_THROWS_AS(nn::LSTM(nn::LSTMOptions(3, 4).proj_size(4)), ValueError);
  CHECK_THROWS_WITH(nn::LSTM(nn::LSTMOptions(3, 4).proj_size(4)), Catch::Contains(msg["lstm_proj_size"]));
  CHECK_THROWS_AS(nn::LSTM(nn::LSTMOptions(3, 4).dropout(1.5)), ValueError);
  CHECK_THROWS_WITH(nn::LSTM(nn::LSTMOptions(3, 4).dropout(1.5)), Catch::Contains(msg["lstm_dropout_range"]));
  CHECK(msg.size() == 16);
}

TEST_CASE("recurrent layers print as libtorch's", "[nn][rnn]") {
  auto str = [](const auto& m) {
    std::ostringstream s;
    s << m;
    return s.str();
  };
  CHECK(str(nn::LSTM(nn::LSTMOptions(128, 64).num_layers(3).dropout(0.2).proj_size(32))) ==
        "torch::nn::LSTM(input_size=128, hidden_size=64, num_layers=3, bias=true, batch_first=false, dropout=0.2, "
        "bidirectional=false, proj_size=32)");
  CHECK(str(nn::GRU(nn::GRUOptions(128, 64).num_layers(3).dropout(0.5))) ==
        "torch::nn::GRU(input_size=128, hidden_size=64, num_layers=3, bias=true, batch_first=false, dropout=0.5, "
        "bidirectional=false)");
  CHECK(str(nn::RNN(nn::RNNOptions(128, 64).bidirectional(true))) ==
        "torch::nn::RNN(input_size=128, hidden_size=64, num_layers=1, bias=true, batch_first=false, dropout=0, "
        "bidirectional=true)");
  CHECK(str(nn::RNNCell(nn::RNNCellOptions(20, 10).bias(false).nonlinearity(kReLU))) ==
        "torch::nn::RNNCell(20, 10, bias=false, nonlinearity=kReLU)");
  CHECK(str(nn::LSTMCell(20, 10)) == "torch::nn::LSTMCell(20, 10)");
  CHECK(str(nn::GRUCell(nn::GRUCellOptions(20, 10).bias(false))) == "torch::nn::GRUCell(20, 10, bias=false)");
}

namespace {
/// A float64 gradcheck of a whole run with respect to the input, the initial states and every
/// weight of `m`: run(x, states, weights) returns the outputs it checks.
template <class Module>
bool gradcheck_run(Module& m, std::vector<int64_t> input_shape, std::vector<std::vector<int64_t>> state_shapes,
                   std::function<Tensor(const Tensor&, TensorList, TensorList)> run) {
  m->to(kFloat64);
  const auto f64 = TensorOptions().dtype(kFloat64).requires_grad(true);
  variable_list inputs{randn(input_shape, f64)};
  for (const auto& shape : state_shapes) inputs.push_back(randn(shape, f64));
  auto w = m->all_weights();
  inputs.insert(inputs.end(), w.begin(), w.end());
  const size_t n_states = state_shapes.size();
  return autograd::gradcheck(
      [&](const variable_list& v) {
        return run(v[0], TensorList(v.data() + 1, n_states),
                   TensorList(v.data() + 1 + n_states, v.size() - 1 - n_states));
      },
      inputs);
}
}  // namespace

TEST_CASE("recurrent layers pass a float64 gradcheck", "[nn][rnn]") {
  manual_seed(0);
  SECTION("LSTM, 2 layers, bidirectional, projections") {
    nn::LSTM m(nn::LSTMOptions(2, 3).num_layers(2).bidirectional(true).proj_size(2));
    CHECK(gradcheck_run(m, {3, 2, 2}, {{4, 2, 2}, {4, 2, 3}}, [](const Tensor& x, TensorList hx, TensorList w) {
      auto [out, hy, cy] = xgrad::lstm(x, hx, w, true, 2, 0.0, false, true, false);
      return cat({out.reshape({-1}), hy.reshape({-1}), cy.reshape({-1})});
    }));
  }
  SECTION("GRU, 2 layers, bidirectional, batch_first") {
    nn::GRU m(nn::GRUOptions(2, 3).num_layers(2).bidirectional(true).batch_first(true));
    CHECK(gradcheck_run(m, {2, 3, 2}, {{4, 2, 3}}, [](const Tensor& x, TensorList hx, TensorList w) {
      auto [out, hy] = xgrad::gru(x, hx[0], w, true, 2, 0.0, false, true, true);
      return cat({out.reshape({-1}), hy.reshape({-1})});
    }));
  }
  SECTION("cells") {
    Tensor x = randn({2, 3}, TensorOptions().dtype(kFloat64).requires_grad(true));
    Tensor h = randn({2, 4}, TensorOptions().dtype(kFloat64).requires_grad(true));
    Tensor c = randn({2, 4}, TensorOptions().dtype(kFloat64).requires_grad(true));
    auto opts = TensorOptions().dtype(kFloat64).requires_grad(true);
    Tensor w_ih = randn({16, 3}, opts), w_hh = randn({16, 4}, opts), b_ih = randn({16}, opts), b_hh = randn({16}, opts);
    CHECK(autograd::gradcheck(
        [](const variable_list& v) {
          auto [hy, cy] = lstm_cell(v[0], {v[1], v[2]}, v[3], v[4], v[5], v[6]);
          return cat({hy.reshape({-1}), cy.reshape({-1})});
        },
        {x, h, c, w_ih, w_hh, b_ih, b_hh}));
    Tensor g_ih = randn({12, 3}, opts), g_hh = randn({12, 4}, opts);
    CHECK(autograd::gradcheck([](const variable_list& v) { return gru_cell(v[0], v[1], v[2], v[3]); },
                              {x, h, g_ih, g_hh}));
    Tensor r_ih = randn({4, 3}, opts), r_hh = randn({4, 4}, opts), rb = randn({4}, opts);
    CHECK(autograd::gradcheck([](const variable_list& v) { return rnn_tanh_cell(v[0], v[1], v[2], v[3], v[4]); },
                              {x, h, r_ih, r_hh, rb}));
  }
}

TEST_CASE("LSTM gives libtorch's CheckOutputValuesMatchPyTorch numbers", "[nn][rnn]") {
  // libtorch's test/cpp/api/rnn.cpp fills the parameters and the input through raw pointers
  // (Tensor::storage(), which xgrad lacks); the same values through data_ptr.
  nn::LSTM model(2, 2);
  for (auto& v : model->parameters()) {
    const auto size = static_cast<float>(v.numel());
    auto* p = v.data_ptr<float>();
    for (int64_t i = 0; i < v.numel(); ++i) p[i] = static_cast<float>(i) / size;
  }
  Tensor x = empty({3, 4, 2}, requires_grad());
  const auto size = static_cast<float>(x.numel());
  auto* p = x.data_ptr<float>();
  for (int64_t i = 0; i < x.numel(); ++i) p[i] = (size - static_cast<float>(i)) / size;
  auto [out, hc] = model->forward(x);
  Tensor expected_out = tensor({0.4391f, 0.5402f, 0.4330f, 0.5324f, 0.4261f, 0.5239f, 0.4183f, 0.5147f,
                                0.6822f, 0.8064f, 0.6726f, 0.7968f, 0.6620f, 0.7860f, 0.6501f, 0.7741f,
                                0.7889f, 0.9003f, 0.7769f, 0.8905f, 0.7635f, 0.8794f, 0.7484f, 0.8666f});
  CHECK_CLOSE(out.view({24}), expected_out, 0.0, 1e-4);
  Tensor expected_hc = tensor({0.7889f, 0.9003f, 0.7769f, 0.8905f, 0.7635f, 0.8794f, 0.7484f, 0.8666f,
                               1.1647f, 1.6106f, 1.1425f, 1.5726f, 1.1187f, 1.5329f, 1.0931f, 1.4911f});
  CHECK_CLOSE(cat({std::get<0>(hc), std::get<1>(hc)}, 0).view({16}), expected_hc, 0.0, 1e-4);
}

TEST_CASE("recurrent layers clone with their own parameters", "[nn][rnn]") {
  manual_seed(0);
  nn::GRU gru(nn::GRUOptions(3, 4).num_layers(2).bidirectional(true));
  auto copy = std::dynamic_pointer_cast<nn::GRUImpl>(gru->clone());
  REQUIRE(copy != nullptr);
  auto a = gru->named_parameters(), b = copy->named_parameters();
  REQUIRE(a.size() == b.size());
  for (const auto& p : a) {
    CHECK_FALSE(p.value().is_same(b[p.key()]));
    CHECK_CLOSE(b[p.key()], p.value(), 0.0, 0.0);
  }
  Tensor x = randn({5, 2, 3});
  CHECK_CLOSE(std::get<0>(copy->forward(x)), std::get<0>(gru->forward(x)), 0.0, 0.0);
  {
    NoGradGuard no_grad;
    copy->named_parameters()["weight_ih_l0"].fill_(0.5);  // the clone's forward uses its own weights
  }
  CHECK_FALSE(std::get<0>(copy->forward(x)).equal(std::get<0>(gru->forward(x))));
}

TEST_CASE("tanh_ and sigmoid_ in place (libtorch's RNN tests use them) record PyTorch's nodes", "[nn][rnn]") {
  manual_seed(0);
  Tensor x = randn({2, 3}, requires_grad());
  for (bool is_tanh : {true, false}) {
    Tensor y = x * 1;
    const uint32_t version = y._version();
    Tensor& r = is_tanh ? y.tanh_() : y.sigmoid_();
    CHECK(&r == &y);
    CHECK(y._version() == version + 1);
    CHECK(y.grad_fn()->name() == (is_tanh ? "TanhBackward0" : "SigmoidBackward0"));
    Tensor expected = is_tanh ? tanh(x) : sigmoid(x);
    CHECK_CLOSE(y, expected, 0.0, 0.0);
    Tensor g = autograd::grad({y.sum()}, {x})[0];
    Tensor expected_g = autograd::grad({expected.sum()}, {x})[0];
    CHECK_CLOSE(g, expected_g, 0.0, 0.0);
  }
  Tensor leaf = randn({2}, requires_grad());
  CHECK_THROWS(leaf.tanh_());  // a leaf requiring grad cannot be changed in place
}
