// modules/rnn.hpp: the recurrent layers nn::RNN, nn::LSTM, nn::GRU (layers, bias, batch_first,
// dropout between layers, bidirectional, LSTM's proj_size, unbatched 2-d inputs as Python's) and
// the single-step cells nn::RNNCell, nn::LSTMCell, nn::GRUCell, with libtorch's forward signatures
// and PyTorch's parameters (names, order, initial values); forward_with_packed_input runs them on
// a PackedSequence (nn/utils/rnn.hpp). The maths: ops/rnn.hpp. Read next: nn/modules/dropout.hpp.
#pragma once

#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "xgrad/nn/module.hpp"
#include "xgrad/nn/options/rnn.hpp"
#include "xgrad/nn/utils/rnn.hpp"

namespace xgrad::nn {
namespace detail {

/// What RNNImplBase and RNNCellImplBase both do in reset_parameters: every defined parameter
/// ~ U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), in registration order, without recording.
void reset_recurrent_parameters(std::vector<Tensor> parameters, int64_t hidden_size);

/// What RNN, LSTM and GRU share: the parameters (weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k},
/// bias_hh_l{k}, weight_hr_l{k}, and the same with _reverse, per layer and direction in that
/// order), their initialisation, the input checks and printing.
template <class Derived>
class RNNImplBase : public Cloneable<Derived> {
 public:
  explicit RNNImplBase(const RNNOptionsBase& options_);
  /// Checks the options and creates the parameters, then initialises them.
  void reset() override;
  /// Every parameter, in registration order, ~ U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)).
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;
  /// libtorch lays the weights out for cuDNN here; on the CPU there is nothing to do.
  void flatten_parameters() {}
  /// Every parameter of every layer and direction, in PyTorch's order.
  std::vector<Tensor> all_weights() const;

  RNNOptionsBase options_base;

 protected:
  /// The parameters in the order the recurrence takes them.
  std::vector<Tensor> flat_weights() const;
  /// "input must have 3 dimensions, got 2" (2 for packed data, batch_sizes defined),
  /// "input.size(-1) must be equal to input_size. ..."
  void check_input(const Tensor& input, const Tensor& batch_sizes = {}) const;
  /// (layers * directions, batch, proj_size or hidden_size); the batch is batch_sizes[0] for
  /// packed data.
  std::tuple<int64_t, int64_t, int64_t> get_expected_hidden_size(const Tensor& input,
                                                                 const Tensor& batch_sizes = {}) const;
  void check_hidden_size(const Tensor& hx, std::tuple<int64_t, int64_t, int64_t> expected,
                         const std::string& msg = "Expected hidden size {}, got {}") const;
  /// hx with its batch (dim 1) reordered by permutation; hx itself when there is none.
  static Tensor permute_hidden(const Tensor& hx, const Tensor& permutation);
  /// A packed run of torch::rnn_tanh, rnn_relu or gru (ops/rnn.hpp).
  using PackedRun = std::tuple<Tensor, Tensor> (*)(const Tensor&, const Tensor&, const Tensor&, TensorList, bool,
                                                   int64_t, double, bool, bool);
  /// forward_with_packed_input of RNN and GRU (one state tensor): h_0 zeros or hx in the packed
  /// order, the checks, the run, and h_n back in the caller's order.
  std::tuple<utils::rnn::PackedSequence, Tensor> forward_packed_one_state(
      const utils::rnn::PackedSequence& packed_input, Tensor hx, PackedRun run);

  std::vector<std::string> flat_weights_names_;
  std::vector<std::vector<std::string>> all_weights_;
};

}  // namespace detail

/// h_t = tanh or relu(x_t W_ih^T + b_ih + h_(t-1) W_hh^T + b_hh), layer after layer.
/// forward(input (T, B, I) or (T, I), h_0) -> (output (T, B, D * H), h_n (L * D, B, H)).
class RNNImpl : public detail::RNNImplBase<RNNImpl> {
 public:
  RNNImpl(int64_t input_size, int64_t hidden_size) : RNNImpl(RNNOptions(input_size, hidden_size)) {}
  explicit RNNImpl(const RNNOptions& options_);
  std::tuple<Tensor, Tensor> forward(const Tensor& input, Tensor hx = {});
  /// The same over a PackedSequence: (packed output with the input's batch_sizes and indices,
  /// h_n in the caller's batch order). hx, when given, is in the caller's order too.
  std::tuple<utils::rnn::PackedSequence, Tensor> forward_with_packed_input(
      const utils::rnn::PackedSequence& packed_input, Tensor hx = {});
  RNNOptions options;
};
TORCH_MODULE(RNN);

/// forward(input, (h_0, c_0)) -> (output, (h_n, c_n)); see lstm_cell in ops/rnn.hpp for the maths.
class LSTMImpl : public detail::RNNImplBase<LSTMImpl> {
 public:
  LSTMImpl(int64_t input_size, int64_t hidden_size) : LSTMImpl(LSTMOptions(input_size, hidden_size)) {}
  explicit LSTMImpl(const LSTMOptions& options_);
  std::tuple<Tensor, std::tuple<Tensor, Tensor>> forward(const Tensor& input,
                                                         std::optional<std::tuple<Tensor, Tensor>> hx_opt = {});
  std::tuple<utils::rnn::PackedSequence, std::tuple<Tensor, Tensor>> forward_with_packed_input(
      const utils::rnn::PackedSequence& packed_input, std::optional<std::tuple<Tensor, Tensor>> hx_opt = {});
  LSTMOptions options;

};
TORCH_MODULE(LSTM);

/// forward(input, h_0) -> (output, h_n); see gru_cell in ops/rnn.hpp for the maths.
class GRUImpl : public detail::RNNImplBase<GRUImpl> {
 public:
  GRUImpl(int64_t input_size, int64_t hidden_size) : GRUImpl(GRUOptions(input_size, hidden_size)) {}
  explicit GRUImpl(const GRUOptions& options_);
  std::tuple<Tensor, Tensor> forward(const Tensor& input, Tensor hx = {});
  std::tuple<utils::rnn::PackedSequence, Tensor> forward_with_packed_input(
      const utils::rnn::PackedSequence& packed_input, Tensor hx = {});
  GRUOptions options;
};
TORCH_MODULE(GRU);

namespace detail {
/// What the cells share: weight_ih (chunks * H, I), weight_hh (chunks * H, H), bias_ih, bias_hh.
template <class Derived>
class RNNCellImplBase : public Cloneable<Derived> {
 public:
  explicit RNNCellImplBase(const RNNCellOptionsBase& options_);
  void reset() override;
  /// weight_ih, weight_hh, bias_ih, bias_hh ~ U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), in order.
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;

  RNNCellOptionsBase options_base;
  Tensor weight_ih;
  Tensor weight_hh;
  Tensor bias_ih;
  Tensor bias_hh;

 protected:
  /// Python's "RNNCell: Expected input to be 1-D or 2-D but received 3-D tensor".
  void check_forward_input(const Tensor& input, const char* cell) const;
  virtual std::string get_nonlinearity_str() const { return ""; }
};
}  // namespace detail

/// h' = tanh or relu(x W_ih^T + b_ih + h W_hh^T + b_hh); h defaults to zeros.
class RNNCellImpl : public detail::RNNCellImplBase<RNNCellImpl> {
 public:
  RNNCellImpl(int64_t input_size, int64_t hidden_size) : RNNCellImpl(RNNCellOptions(input_size, hidden_size)) {}
  explicit RNNCellImpl(const RNNCellOptions& options_);
  Tensor forward(const Tensor& input, Tensor hx = {});
  RNNCellOptions options;

 protected:
  std::string get_nonlinearity_str() const override;
};
TORCH_MODULE(RNNCell);

/// forward(input, (h, c)) -> (h', c'); the state defaults to zeros.
class LSTMCellImpl : public detail::RNNCellImplBase<LSTMCellImpl> {
 public:
  LSTMCellImpl(int64_t input_size, int64_t hidden_size) : LSTMCellImpl(LSTMCellOptions(input_size, hidden_size)) {}
  explicit LSTMCellImpl(const LSTMCellOptions& options_);
  std::tuple<Tensor, Tensor> forward(const Tensor& input, std::optional<std::tuple<Tensor, Tensor>> hx_opt = {});
  LSTMCellOptions options;
};
TORCH_MODULE(LSTMCell);

/// forward(input, h) -> h'; h defaults to zeros.
class GRUCellImpl : public detail::RNNCellImplBase<GRUCellImpl> {
 public:
  GRUCellImpl(int64_t input_size, int64_t hidden_size) : GRUCellImpl(GRUCellOptions(input_size, hidden_size)) {}
  explicit GRUCellImpl(const GRUCellOptions& options_);
  Tensor forward(const Tensor& input, Tensor hx = {});
  GRUCellOptions options;
};
TORCH_MODULE(GRUCell);

}  // namespace xgrad::nn
