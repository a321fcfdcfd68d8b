// options/rnn.hpp: the options of the recurrent layers, as libtorch spells them: RNNOptions,
// LSTMOptions (proj_size), GRUOptions, RNNCellOptions, LSTMCellOptions, GRUCellOptions, and the
// base options every recurrent layer keeps (`options_base`). Read next: nn/modules/rnn.hpp.
#pragma once

#include <cstdint>

#include "xgrad/nn/init.hpp"
#include "xgrad/nn/options/arg.hpp"

namespace xgrad {

/// Which recurrence a layer runs (libtorch: torch::kLSTM, kGRU, kRNN_TANH, kRNN_RELU).
enum class RNNMode { LSTM, GRU, RNN_TANH, RNN_RELU };
constexpr RNNMode kLSTM = RNNMode::LSTM;
constexpr RNNMode kGRU = RNNMode::GRU;
constexpr RNNMode kRNN_TANH = RNNMode::RNN_TANH;
constexpr RNNMode kRNN_RELU = RNNMode::RNN_RELU;

namespace nn {
namespace detail {
/// What every recurrent layer keeps: its mode and the options of RNN, LSTM and GRU together.
struct RNNOptionsBase {
  using rnn_options_base_mode_t = RNNMode;
  RNNOptionsBase(RNNMode mode, int64_t input_size, int64_t hidden_size)
      : mode_(mode), input_size_(input_size), hidden_size_(hidden_size) {}
  XGRAD_ARG(RNNMode, mode);
  XGRAD_ARG(int64_t, input_size);
  XGRAD_ARG(int64_t, hidden_size);
  XGRAD_ARG(int64_t, num_layers) = 1;
  XGRAD_ARG(bool, bias) = true;
  XGRAD_ARG(bool, batch_first) = false;
  XGRAD_ARG(double, dropout) = 0.0;
  XGRAD_ARG(bool, bidirectional) = false;
  XGRAD_ARG(int64_t, proj_size) = 0;
};

/// What every recurrent cell keeps: sizes, bias, and how many gates (1, 4 or 3).
struct RNNCellOptionsBase {
  RNNCellOptionsBase(int64_t input_size, int64_t hidden_size, bool bias, int64_t num_chunks)
      : input_size_(input_size), hidden_size_(hidden_size), bias_(bias), num_chunks_(num_chunks) {}
  virtual ~RNNCellOptionsBase() = default;
  RNNCellOptionsBase(const RNNCellOptionsBase&) = default;
  RNNCellOptionsBase& operator=(const RNNCellOptionsBase&) = default;
  XGRAD_ARG(int64_t, input_size);
  XGRAD_ARG(int64_t, hidden_size);
  XGRAD_ARG(bool, bias);
  XGRAD_ARG(int64_t, num_chunks);
};
}  // namespace detail

/// nn::RNN: h_t = nonlinearity(x_t W_ih^T + b_ih + h_(t-1) W_hh^T + b_hh); nonlinearity kTanh or kReLU.
struct RNNOptions {
  using nonlinearity_t = Nonlinearity;
  RNNOptions(int64_t input_size, int64_t hidden_size) : input_size_(input_size), hidden_size_(hidden_size) {}
  XGRAD_ARG(int64_t, input_size);
  XGRAD_ARG(int64_t, hidden_size);
  XGRAD_ARG(int64_t, num_layers) = 1;
  XGRAD_ARG(Nonlinearity, nonlinearity) = kTanh;
  XGRAD_ARG(bool, bias) = true;
  XGRAD_ARG(bool, batch_first) = false;
  /// Dropout on the outputs of each layer but the last, in training mode.
  XGRAD_ARG(double, dropout) = 0.0;
  XGRAD_ARG(bool, bidirectional) = false;
};

/// nn::LSTM; proj_size > 0 projects each h_t to proj_size features (weight_hr).
struct LSTMOptions {
  LSTMOptions(int64_t input_size, int64_t hidden_size) : input_size_(input_size), hidden_size_(hidden_size) {}
  XGRAD_ARG(int64_t, input_size);
  XGRAD_ARG(int64_t, hidden_size);
  XGRAD_ARG(int64_t, num_layers) = 1;
  XGRAD_ARG(bool, bias) = true;
  XGRAD_ARG(bool, batch_first) = false;
  XGRAD_ARG(double, dropout) = 0.0;
  XGRAD_ARG(bool, bidirectional) = false;
  XGRAD_ARG(int64_t, proj_size) = 0;
};

/// nn::GRU.
struct GRUOptions {
  GRUOptions(int64_t input_size, int64_t hidden_size) : input_size_(input_size), hidden_size_(hidden_size) {}
  XGRAD_ARG(int64_t, input_size);
  XGRAD_ARG(int64_t, hidden_size);
  XGRAD_ARG(int64_t, num_layers) = 1;
  XGRAD_ARG(bool, bias) = true;
  XGRAD_ARG(bool, batch_first) = false;
  XGRAD_ARG(double, dropout) = 0.0;
  XGRAD_ARG(bool, bidirectional) = false;
};

struct RNNCellOptions {
  using nonlinearity_t = Nonlinearity;
  RNNCellOptions(int64_t input_size, int64_t hidden_size) : input_size_(input_size), hidden_size_(hidden_size) {}
  XGRAD_ARG(int64_t, input_size);
  XGRAD_ARG(int64_t, hidden_size);
  XGRAD_ARG(bool, bias) = true;
  XGRAD_ARG(Nonlinearity, nonlinearity) = kTanh;
};

struct LSTMCellOptions {
  LSTMCellOptions(int64_t input_size, int64_t hidden_size) : input_size_(input_size), hidden_size_(hidden_size) {}
  XGRAD_ARG(int64_t, input_size);
  XGRAD_ARG(int64_t, hidden_size);
  XGRAD_ARG(bool, bias) = true;
};

struct GRUCellOptions {
  GRUCellOptions(int64_t input_size, int64_t hidden_size) : input_size_(input_size), hidden_size_(hidden_size) {}
  XGRAD_ARG(int64_t, input_size);
  XGRAD_ARG(int64_t, hidden_size);
  XGRAD_ARG(bool, bias) = true;
};

}  // namespace nn
}  // namespace xgrad
