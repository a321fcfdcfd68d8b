// ops/rnn.cpp: the recurrences, composed as ATen's CPU path composes them (aten/src/ATen/native/
// RNN.cpp in 1.13): a layer first projects the whole sequence (x W_ih^T + b_ih, one addmm), then
// runs the cell step by step on those rows, stacks the outputs, and layers are chained with dropout
// between them. Packed sequences run the same cells on shrinking batches (PackedLayer); packing
// and padding themselves: ops/packed_sequence.cpp. Read next: nn/modules/rnn.cpp (the modules).
#include "xgrad/ops/rnn.hpp"

#include <algorithm>
#include <vector>

#include "ops/unsafe_split.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/exception.hpp"
#include "xgrad/core/tensor_impl.hpp"
#include "xgrad/ops/activation.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/linalg.hpp"
#include "xgrad/ops/shape_ops.hpp"
#include "xgrad/random/distributions.hpp"

namespace xgrad {
namespace {

/// at::linear: one addmm for a 2-d input with a bias (AddmmBackward0), one addmm over the
/// flattened rows for a contiguous 3-d one, matmul (+ bias) otherwise.
Tensor linear(const Tensor& x, const Tensor& w, const Tensor& b) {
  if (x.dim() == 2 && b.defined()) return addmm(b, x, w.t());
  if (x.dim() == 3 && b.defined() && x.is_contiguous()) {
    Tensor out = addmm(b, x.view({x.size(0) * x.size(1), x.size(2)}), w.t());
    return out.view({x.size(0), x.size(1), out.size(1)});
  }
  Tensor out = matmul(x, w.t());
  return b.defined() ? out + b : out;
}

/// One layer-direction's weights (ATen's CellParams); b_ih, b_hh and w_hr may be undefined.
struct CellParams {
  Tensor w_ih, w_hh, b_ih, b_hh, w_hr;
  Tensor linear_ih(const Tensor& x) const { return linear(x, w_ih, b_ih); }
  Tensor linear_hh(const Tensor& h) const { return linear(h, w_hh, b_hh); }
  Tensor matmul_hr(const Tensor& h) const { return w_hr.defined() ? matmul(h, w_hr.t()) : h; }
};

enum class Cell { Tanh, ReLU, LSTM, GRU };

/// A cell's state: h, and c for an LSTM.
struct Hidden {
  Tensor h, c;
};

/// One step. With pre_computed, `input` already is x W_ih^T + b_ih (the layer projected it).
Hidden cell_step(Cell cell, const Tensor& input, const Hidden& hx, const CellParams& p, bool pre_computed) {
  switch (cell) {
    case Cell::Tanh:
    case Cell::ReLU: {
      Tensor pre = p.linear_hh(hx.h) + (pre_computed ? input : p.linear_ih(input));
      return {cell == Cell::Tanh ? tanh(pre) : relu(pre), {}};
    }
    case Cell::LSTM: {
      Tensor gates = p.linear_hh(hx.h) + (pre_computed ? input : p.linear_ih(input));
      std::vector<Tensor> g = unsafe_chunk(gates, 4, 1);
      Tensor ingate = sigmoid(g[0]), forgetgate = sigmoid(g[1]), cellgate = tanh(g[2]), outgate = sigmoid(g[3]);
      Tensor cy = forgetgate * hx.c + ingate * cellgate;
      Tensor hy = outgate * tanh(cy);
      return {p.matmul_hr(hy), cy};
    }
    case Cell::GRU: {
      std::vector<Tensor> ig = unsafe_chunk(pre_computed ? input : p.linear_ih(input), 3, 1);
      std::vector<Tensor> hg = unsafe_chunk(p.linear_hh(hx.h), 3, 1);
      Tensor reset_gate = sigmoid(hg[0] + ig[0]);
      Tensor input_gate = sigmoid(hg[1] + ig[1]);
      Tensor new_gate = tanh(ig[2] + hg[2] * reset_gate);
      return {(hx.h - new_gate) * input_gate + new_gate, {}};
    }
  }
  XGRAD_CHECK(false, "unknown RNN cell");
  return {};
}

/// One layer in one direction over the whole sequence: project all of x at once, then step
/// (backwards through time for the reverse direction; outputs stay in time order).
Hidden full_layer(Cell cell, const Tensor& input, Hidden hidden, const CellParams& p, bool reverse,
                  Tensor& output) {
  std::vector<Tensor> steps = p.linear_ih(input).unbind(0);
  std::vector<Tensor> outputs(steps.size());
  const auto n = static_cast<int64_t>(steps.size());
  for (int64_t k = 0; k < n; ++k) {
    const int64_t t = reverse ? n - 1 - k : k;
    hidden = cell_step(cell, steps[static_cast<size_t>(t)], hidden, p, true);
    outputs[static_cast<size_t>(t)] = hidden.h;
  }
  XGRAD_CHECK(!outputs.empty(), "Expected sequence length to be larger than 0 in RNN");
  output = stack(outputs, 0);
  return hidden;
}

/// ATen's `output.transpose_(0, 1)` on the output of rnn_tanh, rnn_relu and gru with batch_first:
/// the same storage with dims 0 and 1 swapped, recorded as the in-place transpose's node
/// (TransposeBackward1; its gradient is grad.transpose(0, 1)). The stacked output belongs to this
/// run alone, so nothing else sees the storage change shape. (lstm transposes out of place.)
Tensor transpose_output_(const Tensor& x) {
  const TensorImpl& impl = *x.impl();
  DimVector sizes = impl.sizes, strides = impl.strides;
  std::swap(sizes[0], sizes[1]);
  std::swap(strides[0], strides[1]);
  Tensor y(std::make_shared<TensorImpl>(impl.storage, impl.storage_offset, sizes, strides, impl.dtype));
  return autograd::record("TransposeBackward1", y, {x},
                          [](const Tensor& grad) -> autograd::variable_list { return {grad.transpose(0, 1)}; });
}

/// ATen's hidden_slice / hidden_concat: rows [start, end) of a state, and states joined by rows.
Hidden hidden_slice(const Hidden& h, int64_t start, int64_t end) {
  return {h.h.narrow(0, start, end - start), h.c.defined() ? h.c.narrow(0, start, end - start) : Tensor()};
}

Hidden hidden_concat(const std::vector<Hidden>& hs) {
  std::vector<Tensor> h, c;
  for (const Hidden& x : hs) {
    h.push_back(x.h);
    if (x.c.defined()) c.push_back(x.c);
  }
  return {cat(h, 0), c.empty() ? Tensor() : cat(c, 0)};
}

/// ATen's PackedLayer: step t runs the first batch_sizes[t] sequences. When the batch shrinks,
/// the states of the sequences that just ended are set aside; the final state is those pieces
/// joined back in batch order. `output`: every step's h, concatenated (the packed output data).
Hidden packed_layer(Cell cell, const Tensor& data, const std::vector<int64_t>& batch_sizes, const Hidden& input_hidden,
                    const CellParams& p, Tensor& output) {
  const Tensor input_w = p.linear_ih(data);
  std::vector<Tensor> step_outputs;
  std::vector<Hidden> hiddens;
  Hidden hidden = input_hidden;
  int64_t offset = 0, last = batch_sizes[0];
  for (const int64_t bs : batch_sizes) {
    const Tensor step = input_w.narrow(0, offset, bs);
    offset += bs;
    if (last > bs) {
      hiddens.push_back(hidden_slice(hidden, bs, last));
      hidden = hidden_slice(hidden, 0, bs);
    }
    last = bs;
    hidden = cell_step(cell, step, hidden, p, true);
    step_outputs.push_back(hidden.h);
  }
  hiddens.push_back(hidden);
  std::reverse(hiddens.begin(), hiddens.end());
  output = cat(step_outputs, 0);
  return hidden_concat(hiddens);
}

/// ATen's ReversedPackedLayer: from the last step back to the first, starting with the states of
/// the sequences that run longest and taking in the others' initial states as they start.
Hidden reversed_packed_layer(Cell cell, const Tensor& data, const std::vector<int64_t>& batch_sizes,
                             const Hidden& input_hidden, const CellParams& p, Tensor& output) {
  const Tensor input_w = p.linear_ih(data);
  std::vector<Tensor> step_outputs;
  int64_t offset = data.size(0), last = batch_sizes.back();
  Hidden hidden = hidden_slice(input_hidden, 0, last);
  for (auto it = batch_sizes.rbegin(); it != batch_sizes.rend(); ++it) {
    const int64_t bs = *it;
    if (bs > last) hidden = hidden_concat({hidden, hidden_slice(input_hidden, last, bs)});
    const Tensor step = input_w.narrow(0, offset - bs, bs);
    offset -= bs;
    last = bs;
    hidden = cell_step(cell, step, hidden, p, true);
    step_outputs.push_back(hidden.h);
  }
  std::reverse(step_outputs.begin(), step_outputs.end());
  output = cat(step_outputs, 0);
  return hidden;
}

/// batch_sizes as numbers, checked: a 1-d int64 CPU tensor of positive, non-increasing sizes
/// whose sum is data's row count, the first equal to the state's batch.
std::vector<int64_t> read_batch_sizes(const Tensor& data, const Tensor& batch_sizes, int64_t hidden_batch) {
  XGRAD_CHECK(batch_sizes.defined() && batch_sizes.dim() == 1 && batch_sizes.scalar_type() == kLong,
              "batch_sizes must be a 1-d int64 tensor");
  XGRAD_CHECK(batch_sizes.numel() > 0, "Expected sequence length to be larger than 0 in RNN");
  Tensor b = batch_sizes.contiguous();
  const int64_t* ptr = b.data_ptr<int64_t>();
  std::vector<int64_t> out(ptr, ptr + b.numel());
  int64_t total = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    XGRAD_CHECK(out[i] > 0 && (i == 0 || out[i] <= out[i - 1]),
                "batch_sizes must be positive and non-increasing, got {} at step {}", out[i], i);
    total += out[i];
  }
  XGRAD_CHECK(data.dim() == 2 && total == data.size(0),
              "packed data must have one row per sequence and step: expected {} rows, got {}", total,
              data.dim() > 0 ? data.size(0) : 0);
  XGRAD_CHECK(out[0] == hidden_batch, "Expected hidden batch size {}, got {}", out[0], hidden_batch);
  return out;
}

std::vector<CellParams> gather_params(TensorList params, bool has_biases, bool has_projections) {
  const size_t stride = (has_biases ? 4 : 2) + (has_projections ? 1 : 0);
  XGRAD_CHECK(params.size() % stride == 0, "got an incorrect number of RNN parameters");
  std::vector<CellParams> result;
  for (size_t i = 0; i < params.size(); i += stride) {
    CellParams p;
    p.w_ih = params[i];
    p.w_hh = params[i + 1];
    if (has_biases) {
      p.b_ih = params[i + 2];
      p.b_hh = params[i + 3];
    }
    if (has_projections) p.w_hr = params[i + stride - 1];
    result.push_back(p);
  }
  return result;
}

/// The layer stack: each layer (both directions on the same input, outputs concatenated on the
/// feature dim), dropout(p, train) on every layer's output but the last. Returns the output and
/// the final states in (layer, direction) order.
Tensor apply_layers(Cell cell, const Tensor& input_, const std::vector<Hidden>& hiddens, TensorList params,
                    bool has_biases, bool has_projections, int64_t num_layers, double dropout_p, bool train,
                    bool bidirectional, bool batch_first, std::vector<Hidden>& final_hiddens,
                    bool transpose_in_place) {
  const int64_t dirs = bidirectional ? 2 : 1;
  std::vector<CellParams> weights = gather_params(params, has_biases, has_projections);
  XGRAD_CHECK(static_cast<int64_t>(hiddens.size()) == num_layers * dirs, "Expected more hidden states in stacked_rnn");
  XGRAD_CHECK(static_cast<int64_t>(weights.size()) == num_layers * dirs, "Expected more weights in stacked_rnn");
  Tensor layer_input = batch_first ? input_.transpose(0, 1) : input_;
  for (int64_t l = 0; l < num_layers; ++l) {
    Tensor fw_output;
    const auto i = static_cast<size_t>(l * dirs);
    final_hiddens.push_back(full_layer(cell, layer_input, hiddens[i], weights[i], false, fw_output));
    if (bidirectional) {
      Tensor rev_output;
      final_hiddens.push_back(full_layer(cell, layer_input, hiddens[i + 1], weights[i + 1], true, rev_output));
      layer_input = cat({fw_output, rev_output}, fw_output.dim() - 1);
    } else {
      layer_input = fw_output;
    }
    if (dropout_p != 0 && train && l < num_layers - 1) layer_input = dropout(layer_input, dropout_p, true);
  }
  if (!batch_first) return layer_input;
  return transpose_in_place ? transpose_output_(layer_input) : layer_input.transpose(0, 1);
}

/// The layer stack over packed data (ATen's _rnn_impl with PackedLayer and
/// PackedBidirectionalLayer): as apply_layers, the directions' outputs joined on the feature dim.
Tensor apply_packed_layers(Cell cell, const Tensor& data, const Tensor& batch_sizes_t,
                           const std::vector<Hidden>& hiddens, TensorList params, bool has_biases,
                           bool has_projections, int64_t num_layers, double dropout_p, bool train,
                           bool bidirectional, std::vector<Hidden>& final_hiddens) {
  const int64_t dirs = bidirectional ? 2 : 1;
  std::vector<CellParams> weights = gather_params(params, has_biases, has_projections);
  XGRAD_CHECK(static_cast<int64_t>(hiddens.size()) == num_layers * dirs, "Expected more hidden states in stacked_rnn");
  XGRAD_CHECK(static_cast<int64_t>(weights.size()) == num_layers * dirs, "Expected more weights in stacked_rnn");
  const std::vector<int64_t> batch_sizes = read_batch_sizes(data, batch_sizes_t, hiddens[0].h.size(0));
  Tensor layer_input = data;
  for (int64_t l = 0; l < num_layers; ++l) {
    const auto i = static_cast<size_t>(l * dirs);
    Tensor fw_output;
    final_hiddens.push_back(packed_layer(cell, layer_input, batch_sizes, hiddens[i], weights[i], fw_output));
    if (bidirectional) {
      Tensor rev_output;
      final_hiddens.push_back(
          reversed_packed_layer(cell, layer_input, batch_sizes, hiddens[i + 1], weights[i + 1], rev_output));
      layer_input = cat({fw_output, rev_output}, -1);
    } else {
      layer_input = fw_output;
    }
    if (dropout_p != 0 && train && l < num_layers - 1) layer_input = dropout(layer_input, dropout_p, true);
  }
  return layer_input;
}

std::tuple<Tensor, Tensor> simple_packed_rnn(Cell cell, const Tensor& data, const Tensor& batch_sizes,
                                             const Tensor& hx, TensorList params, bool has_biases,
                                             int64_t num_layers, double dropout, bool train, bool bidirectional) {
  std::vector<Hidden> hiddens;
  for (const Tensor& h : hx.unbind(0)) hiddens.push_back({h, {}});
  std::vector<Hidden> finals;
  Tensor output = apply_packed_layers(cell, data, batch_sizes, hiddens, params, has_biases, false, num_layers,
                                      dropout, train, bidirectional, finals);
  std::vector<Tensor> hy;
  for (const Hidden& h : finals) hy.push_back(h.h);
  return {output, stack(hy, 0)};
}

std::tuple<Tensor, Tensor> simple_rnn(Cell cell, const Tensor& input, const Tensor& hx, TensorList params,
                                      bool has_biases, int64_t num_layers, double dropout, bool train,
                                      bool bidirectional, bool batch_first) {
  std::vector<Hidden> hiddens;
  for (const Tensor& h : hx.unbind(0)) hiddens.push_back({h, {}});
  std::vector<Hidden> finals;
  Tensor output = apply_layers(cell, input, hiddens, params, has_biases, false, num_layers, dropout, train,
                               bidirectional, batch_first, finals, true);
  std::vector<Tensor> hy;
  for (const Hidden& h : finals) hy.push_back(h.h);
  return {output, stack(hy, 0)};
}

void check_cell_input(const Tensor& input, int64_t input_size) {
  XGRAD_CHECK(input.size(1) == input_size, "input has inconsistent input_size: got {} expected {}", input.size(1),
              input_size);
}

void check_cell_hidden(const Tensor& input, const Tensor& hx, int64_t hidden_size, int64_t label) {
  XGRAD_CHECK(input.size(0) == hx.size(0), "Input batch size {} doesn't match hidden{} batch size {}", input.size(0),
              label, hx.size(0));
  XGRAD_CHECK(hx.size(1) == hidden_size, "hidden{} has inconsistent hidden_size: got {}, expected {}", label,
              hx.size(1), hidden_size);
}

Tensor simple_cell(Cell cell, const Tensor& input, const Tensor& hx, const Tensor& w_ih, const Tensor& w_hh,
                   const Tensor& b_ih, const Tensor& b_hh) {
  check_cell_input(input, w_ih.size(1));
  check_cell_hidden(input, hx, w_hh.size(1), 0);
  return cell_step(cell, input, {hx, {}}, CellParams{w_ih, w_hh, b_ih, b_hh, {}}, false).h;
}

}  // namespace

Tensor rnn_tanh_cell(const Tensor& input, const Tensor& hx, const Tensor& w_ih, const Tensor& w_hh, const Tensor& b_ih,
                     const Tensor& b_hh) {
  return simple_cell(Cell::Tanh, input, hx, w_ih, w_hh, b_ih, b_hh);
}

Tensor rnn_relu_cell(const Tensor& input, const Tensor& hx, const Tensor& w_ih, const Tensor& w_hh, const Tensor& b_ih,
                     const Tensor& b_hh) {
  return simple_cell(Cell::ReLU, input, hx, w_ih, w_hh, b_ih, b_hh);
}

Tensor gru_cell(const Tensor& input, const Tensor& hx, const Tensor& w_ih, const Tensor& w_hh, const Tensor& b_ih,
                const Tensor& b_hh) {
  return simple_cell(Cell::GRU, input, hx, w_ih, w_hh, b_ih, b_hh);
}

std::tuple<Tensor, Tensor> lstm_cell(const Tensor& input, TensorList hx, const Tensor& w_ih, const Tensor& w_hh,
                                     const Tensor& b_ih, const Tensor& b_hh) {
  XGRAD_CHECK(hx.size() == 2, "lstm_cell expects two hidden states");
  check_cell_input(input, w_ih.size(1));
  check_cell_hidden(input, hx[0], w_hh.size(1), 0);
  check_cell_hidden(input, hx[1], w_hh.size(1), 0);
  Hidden out = cell_step(Cell::LSTM, input, {hx[0], hx[1]}, CellParams{w_ih, w_hh, b_ih, b_hh, {}}, false);
  return {out.h, out.c};
}

std::tuple<Tensor, Tensor> rnn_tanh(const Tensor& input, const Tensor& hx, TensorList params, bool has_biases,
                                    int64_t num_layers, double dropout, bool train, bool bidirectional,
                                    bool batch_first) {
  return simple_rnn(Cell::Tanh, input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first);
}

std::tuple<Tensor, Tensor> rnn_relu(const Tensor& input, const Tensor& hx, TensorList params, bool has_biases,
                                    int64_t num_layers, double dropout, bool train, bool bidirectional,
                                    bool batch_first) {
  return simple_rnn(Cell::ReLU, input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first);
}

std::tuple<Tensor, Tensor> gru(const Tensor& input, const Tensor& hx, TensorList params, bool has_biases,
                               int64_t num_layers, double dropout, bool train, bool bidirectional, bool batch_first) {
  return simple_rnn(Cell::GRU, input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first);
}

std::tuple<Tensor, Tensor, Tensor> lstm(const Tensor& input, TensorList hx, TensorList params, bool has_biases,
                                        int64_t num_layers, double dropout, bool train, bool bidirectional,
                                        bool batch_first) {
  XGRAD_CHECK(hx.size() == 2, "lstm expects two hidden states");
  // ATen's test for projections: h_0 narrower than c_0.
  const bool has_projections = hx[0].size(2) != hx[1].size(2);
  std::vector<Tensor> layer_hx = hx[0].unbind(0), layer_cx = hx[1].unbind(0);
  XGRAD_CHECK(layer_hx.size() == layer_cx.size(), "Expected as many hidden states as cell states in lstm");
  std::vector<Hidden> hiddens;
  for (size_t i = 0; i < layer_hx.size(); ++i) hiddens.push_back({layer_hx[i], layer_cx[i]});
  std::vector<Hidden> finals;
  Tensor output = apply_layers(Cell::LSTM, input, hiddens, params, has_biases, has_projections, num_layers, dropout,
                               train, bidirectional, batch_first, finals, false);
  std::vector<Tensor> hy, cy;
  for (const Hidden& h : finals) {
    hy.push_back(h.h);
    cy.push_back(h.c);
  }
  return {output, stack(hy, 0), stack(cy, 0)};
}

// Packed runs.

std::tuple<Tensor, Tensor> rnn_tanh(const Tensor& data, const Tensor& batch_sizes, const Tensor& hx,
                                    TensorList params, bool has_biases, int64_t num_layers, double dropout,
                                    bool train, bool bidirectional) {
  return simple_packed_rnn(Cell::Tanh, data, batch_sizes, hx, params, has_biases, num_layers, dropout, train,
                           bidirectional);
}

std::tuple<Tensor, Tensor> rnn_relu(const Tensor& data, const Tensor& batch_sizes, const Tensor& hx,
                                    TensorList params, bool has_biases, int64_t num_layers, double dropout,
                                    bool train, bool bidirectional) {
  return simple_packed_rnn(Cell::ReLU, data, batch_sizes, hx, params, has_biases, num_layers, dropout, train,
                           bidirectional);
}

std::tuple<Tensor, Tensor> gru(const Tensor& data, const Tensor& batch_sizes, const Tensor& hx, TensorList params,
                               bool has_biases, int64_t num_layers, double dropout, bool train, bool bidirectional) {
  return simple_packed_rnn(Cell::GRU, data, batch_sizes, hx, params, has_biases, num_layers, dropout, train,
                           bidirectional);
}

std::tuple<Tensor, Tensor, Tensor> lstm(const Tensor& data, const Tensor& batch_sizes, TensorList hx,
                                        TensorList params, bool has_biases, int64_t num_layers, double dropout,
                                        bool train, bool bidirectional) {
  XGRAD_CHECK(hx.size() == 2, "lstm expects two hidden states");
  const bool has_projections = hx[0].size(2) != hx[1].size(2);
  std::vector<Tensor> layer_hx = hx[0].unbind(0), layer_cx = hx[1].unbind(0);
  XGRAD_CHECK(layer_hx.size() == layer_cx.size(), "Expected as many hidden states as cell states in lstm");
  std::vector<Hidden> hiddens;
  for (size_t i = 0; i < layer_hx.size(); ++i) hiddens.push_back({layer_hx[i], layer_cx[i]});
  std::vector<Hidden> finals;
  Tensor output = apply_packed_layers(Cell::LSTM, data, batch_sizes, hiddens, params, has_biases, has_projections,
                                      num_layers, dropout, train, bidirectional, finals);
  std::vector<Tensor> hy, cy;
  for (const Hidden& h : finals) {
    hy.push_back(h.h);
    cy.push_back(h.c);
  }
  return {output, stack(hy, 0), stack(cy, 0)};
}

}  // namespace xgrad
