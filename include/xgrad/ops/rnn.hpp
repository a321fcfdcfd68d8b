// ops/rnn.hpp: the recurrences as libtorch's free functions: whole multi-layer runs (torch::lstm,
// torch::gru, torch::rnn_tanh, torch::rnn_relu) and single steps (torch::lstm_cell, ...). Each is
// composed of differentiable ops exactly as ATen composes them on the CPU (RNN.cpp), so the graph
// and its grad_fns are PyTorch's. The layers wrapping them: nn/modules/rnn.hpp.
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

}  // namespace xgrad
