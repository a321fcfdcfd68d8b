// ops/rnn.hpp: the recurrences as libtorch's free functions: whole multi-layer runs (torch::lstm,
// torch::gru, torch::rnn_tanh, torch::rnn_relu) and single steps (torch::lstm_cell, ...). Each is
// composed of differentiable ops exactly as ATen composes them on the CPU (RNN.cpp), so the graph
// and its grad_fns are PyTorch's; the same runs over packed sequences (data, batch_sizes), and
// the ops that pack and pad them. The layers wrapping them: nn/modules/rnn.hpp; the packing
// functions users call: nn/utils/rnn.hpp.
#pragma once

#include <tuple>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)
/// Derivative: through addmm and tanh (the graph of the composition).
Tensor rnn_tanh_cell(const Tensor& input, const Tensor& hx, const Tensor& w_ih, const Tensor& w_hh,
                     const Tensor& b_ih = {}, const Tensor& b_hh = {});
/// h' = relu(x W_ih^T + b_ih + h W_hh^T + b_hh)
Tensor rnn_relu_cell(const Tensor& input, const Tensor& hx, const Tensor& w_ih, const Tensor& w_hh,
                     const Tensor& b_ih = {}, const Tensor& b_hh = {});
/// gates = h W_hh^T + b_hh + x W_ih^T + b_ih, split in four: i, f, g, o
/// c' = sigmoid(f) * c + sigmoid(i) * tanh(g);  h' = sigmoid(o) * tanh(c').  Returns (h', c').
std::tuple<Tensor, Tensor> lstm_cell(const Tensor& input, TensorList hx, const Tensor& w_ih, const Tensor& w_hh,
                                     const Tensor& b_ih = {}, const Tensor& b_hh = {});
/// r = sigmoid(W_ir x + b_ir + W_hr h + b_hr);  z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
/// n = tanh(W_in x + b_in + r * (W_hn h + b_hn));  h' = (h - n) * z + n
Tensor gru_cell(const Tensor& input, const Tensor& hx, const Tensor& w_ih, const Tensor& w_hh,
                const Tensor& b_ih = {}, const Tensor& b_hh = {});

/// A whole run: input (T, B, I) (or (B, T, I) with batch_first), hx (layers * directions, B, H),
/// params = [w_ih, w_hh, (b_ih, b_hh)] per layer and direction (forward, then reverse).
/// Returns (output (T, B, directions * H), h_n). Dropout (train only) between layers.
std::tuple<Tensor, Tensor> rnn_tanh(const Tensor& input, const Tensor& hx, TensorList params, bool has_biases,
                                    int64_t num_layers, double dropout, bool train, bool bidirectional,
                                    bool batch_first);
std::tuple<Tensor, Tensor> rnn_relu(const Tensor& input, const Tensor& hx, TensorList params, bool has_biases,
                                    int64_t num_layers, double dropout, bool train, bool bidirectional,
                                    bool batch_first);
std::tuple<Tensor, Tensor> gru(const Tensor& input, const Tensor& hx, TensorList params, bool has_biases,
                               int64_t num_layers, double dropout, bool train, bool bidirectional, bool batch_first);
/// hx = {h_0, c_0}; params add w_hr per layer and direction when h_0 is narrower than c_0 (proj_size).
/// Returns (output, h_n, c_n).
std::tuple<Tensor, Tensor, Tensor> lstm(const Tensor& input, TensorList hx, TensorList params, bool has_biases,
                                        int64_t num_layers, double dropout, bool train, bool bidirectional,
                                        bool batch_first);

/// The same runs over a packed sequence: data (sum of lengths, I), batch_sizes (steps, int64,
/// decreasing), hx's batch = batch_sizes[0]. A sequence that ends at step t leaves its state
/// there; the returned state is each sequence's last one. Returns (output data (sum of lengths,
/// directions * H), h_n) as ATen's PackedLayer / ReversedPackedLayer compose it.
std::tuple<Tensor, Tensor> rnn_tanh(const Tensor& data, const Tensor& batch_sizes, const Tensor& hx,
                                    TensorList params, bool has_biases, int64_t num_layers, double dropout,
                                    bool train, bool bidirectional);
std::tuple<Tensor, Tensor> rnn_relu(const Tensor& data, const Tensor& batch_sizes, const Tensor& hx,
                                    TensorList params, bool has_biases, int64_t num_layers, double dropout,
                                    bool train, bool bidirectional);
std::tuple<Tensor, Tensor> gru(const Tensor& data, const Tensor& batch_sizes, const Tensor& hx, TensorList params,
                               bool has_biases, int64_t num_layers, double dropout, bool train, bool bidirectional);
std::tuple<Tensor, Tensor, Tensor> lstm(const Tensor& data, const Tensor& batch_sizes, TensorList hx,
                                        TensorList params, bool has_biases, int64_t num_layers, double dropout,
                                        bool train, bool bidirectional);

/// Packs input (T, B, *) (batch_first: (B, T, *)) with lengths (B, int64, decreasing) into
/// (data (sum of lengths, *), batch_sizes (T')): step t's rows are the first batch_sizes[t]
/// sequences' step t.   d/dinput: the gradient rows put back where they came from, zeros in the
/// padding (PackPaddedSequenceBackward0; saves: batch_sizes and input's sizes).
std::tuple<Tensor, Tensor> _pack_padded_sequence(const Tensor& input, const Tensor& lengths, bool batch_first);
/// The inverse of _pack_padded_sequence, composed as ATen composes it: new_full(padding_value)
/// and one slice copy_ per run of equal batch sizes (CopySlices), transposed for batch_first.
/// total_length > 0 pads to that many steps. Returns (padded, lengths).
std::tuple<Tensor, Tensor> _pad_packed_sequence(const Tensor& data, const Tensor& batch_sizes, bool batch_first,
                                                const Scalar& padding_value, int64_t total_length);
/// sequences (L_i, *) -> full((max L, B, *), padding_value) with each copied in (CopySlices).
Tensor pad_sequence(TensorList sequences, bool batch_first = false, double padding_value = 0);

}  // namespace xgrad
