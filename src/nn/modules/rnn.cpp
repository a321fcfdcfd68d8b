// modules/rnn.cpp: RNN, LSTM, GRU and their cells: parameters, initialisation, Python's checks
// and unbatched inputs around the recurrences of ops/rnn.cpp.
#include "xgrad/nn/modules/rnn.hpp"

#include <cmath>

#include "xgrad/core/exception.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/warning.hpp"
#include "xgrad/nn/init.hpp"
#include "xgrad/ops/rnn.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad::nn {
namespace detail {

namespace {
int64_t gate_count(RNNMode mode) {
  switch (mode) {
    case RNNMode::LSTM: return 4;
    case RNNMode::GRU: return 3;
    default: return 1;
  }
}

const char* mode_name(RNNMode mode) {
  switch (mode) {
    case RNNMode::LSTM: return "torch::nn::LSTM";
    case RNNMode::GRU: return "torch::nn::GRU";
    default: return "torch::nn::RNN";
  }
}

std::string sizes_str(const Tensor& t) {
  std::string s = "[";
  for (int64_t i = 0; i < t.dim(); ++i) s += (i ? ", " : "") + std::to_string(t.size(i));
  return s + "]";
}

/// Python's str.format with two "{}".
std::string format2(const std::string& msg, const std::string& a, const std::string& b) {
  std::string out = msg;
  auto pos = out.find("{}");
  if (pos != std::string::npos) out.replace(pos, 2, a);
  pos = out.find("{}", pos == std::string::npos ? 0 : pos + a.size());
  if (pos != std::string::npos) out.replace(pos, 2, b);
  return out;
}
}  // namespace

template <class Derived>
RNNImplBase<Derived>::RNNImplBase(const RNNOptionsBase& options_) : options_base(options_) {
  reset();
}

template <class Derived>
void RNNImplBase<Derived>::reset() {
  const auto& o = options_base;
  XGRAD_CHECK_T(ValueError, o.dropout() >= 0 && o.dropout() <= 1,
                "dropout should be a number in range [0, 1] representing the probability of an element being zeroed");
  if (o.dropout() > 0 && o.num_layers() == 1)
    warn(fmt::format("dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects "
                     "num_layers greater than 1, but got dropout={} and num_layers={}",
                     o.dropout(), o.num_layers()));
  XGRAD_CHECK_T(ValueError, o.proj_size() >= 0,
                "proj_size should be a positive integer or zero to disable projections");
  XGRAD_CHECK_T(ValueError, o.proj_size() < o.hidden_size(), "proj_size has to be smaller than hidden_size");

  const int64_t gate_size = gate_count(o.mode()) * o.hidden_size();
  const int64_t dirs = o.bidirectional() ? 2 : 1;
  const int64_t real_hidden = o.proj_size() > 0 ? o.proj_size() : o.hidden_size();
  flat_weights_names_.clear();
  all_weights_.clear();
  for (int64_t layer = 0; layer < o.num_layers(); ++layer) {
    for (int64_t direction = 0; direction < dirs; ++direction) {
      const int64_t layer_input_size = layer == 0 ? o.input_size() : real_hidden * dirs;
      const std::string suffix = std::to_string(layer) + (direction == 1 ? "_reverse" : "");
      std::vector<std::pair<std::string, Tensor>> params{
          {"weight_ih_l" + suffix, empty({gate_size, layer_input_size})},
          {"weight_hh_l" + suffix, empty({gate_size, real_hidden})}};
      if (o.bias()) {
        params.emplace_back("bias_ih_l" + suffix, empty({gate_size}));
        params.emplace_back("bias_hh_l" + suffix, empty({gate_size}));
      }
      if (o.proj_size() > 0) params.emplace_back("weight_hr_l" + suffix, empty({o.proj_size(), o.hidden_size()}));
      std::vector<std::string> names;
      for (auto& [name, tensor] : params) {
        this->register_parameter(name, tensor);
        names.push_back(name);
        flat_weights_names_.push_back(name);
      }
      all_weights_.push_back(names);
    }
  }
  reset_parameters();
}

void reset_recurrent_parameters(std::vector<Tensor> parameters, int64_t hidden_size) {
  const double stdv = hidden_size > 0 ? 1.0 / std::sqrt(static_cast<double>(hidden_size)) : 0;
  NoGradGuard no_grad;
  for (Tensor& p : parameters)
    if (p.defined()) init::uniform_(p, -stdv, stdv);
}

template <class Derived>
void RNNImplBase<Derived>::reset_parameters() {
  reset_recurrent_parameters(this->parameters(), options_base.hidden_size());
}

template <class Derived>
void RNNImplBase<Derived>::pretty_print(std::ostream& stream) const {
  const auto& o = options_base;
  stream << std::boolalpha << mode_name(o.mode()) << "(input_size=" << o.input_size()
         << ", hidden_size=" << o.hidden_size() << ", num_layers=" << o.num_layers() << ", bias=" << o.bias()
         << ", batch_first=" << o.batch_first() << ", dropout=" << o.dropout()
         << ", bidirectional=" << o.bidirectional();
  if (o.proj_size() > 0) stream << ", proj_size=" << o.proj_size();
  stream << ")";
}

template <class Derived>
std::vector<Tensor> RNNImplBase<Derived>::flat_weights() const {
  std::vector<Tensor> out;
  for (const auto& name : flat_weights_names_) out.push_back(this->parameters_[name]);
  return out;
}

template <class Derived>
std::vector<Tensor> RNNImplBase<Derived>::all_weights() const {
  return flat_weights();
}

template <class Derived>
void RNNImplBase<Derived>::check_input(const Tensor& input, const Tensor& batch_sizes) const {
  const int64_t expected_dim = batch_sizes.defined() ? 2 : 3;
  XGRAD_CHECK(input.dim() == expected_dim, "input must have {} dimensions, got {}", expected_dim, input.dim());
  XGRAD_CHECK(options_base.input_size() == input.size(-1),
              "input.size(-1) must be equal to input_size. Expected {}, got {}", options_base.input_size(),
              input.size(-1));
}

template <class Derived>
std::tuple<int64_t, int64_t, int64_t> RNNImplBase<Derived>::get_expected_hidden_size(
    const Tensor& input, const Tensor& batch_sizes) const {
  const auto& o = options_base;
  const int64_t mini_batch = batch_sizes.defined()   ? batch_sizes[0].template item<int64_t>()
                             : o.batch_first() ? input.size(0)
                                               : input.size(1);
  const int64_t dirs = o.bidirectional() ? 2 : 1;
  return {o.num_layers() * dirs, mini_batch, o.proj_size() > 0 ? o.proj_size() : o.hidden_size()};
}

template <class Derived>
void RNNImplBase<Derived>::check_hidden_size(const Tensor& hx, std::tuple<int64_t, int64_t, int64_t> expected,
                                             const std::string& msg) const {
  auto [a, b, c] = expected;
  if (hx.dim() == 3 && hx.size(0) == a && hx.size(1) == b && hx.size(2) == c) return;
  XGRAD_CHECK(false, "{}", format2(msg, fmt::format("({}, {}, {})", a, b, c), sizes_str(hx)));
}

template <class Derived>
Tensor RNNImplBase<Derived>::permute_hidden(const Tensor& hx, const Tensor& permutation) {
  return permutation.defined() ? hx.index_select(1, permutation) : hx;
}

namespace {
/// batch_sizes[0], the batch a packed run starts with, checked to be there.
int64_t max_batch_size(const utils::rnn::PackedSequence& packed) {
  const Tensor& b = packed.batch_sizes();
  XGRAD_CHECK(b.defined() && b.dim() == 1 && b.numel() > 0 && b.scalar_type() == kLong,
              "a PackedSequence's batch_sizes must be a non-empty 1-d int64 tensor");
  return b[0].item<int64_t>();
}
}  // namespace

template <class Derived>
std::tuple<utils::rnn::PackedSequence, Tensor> RNNImplBase<Derived>::forward_packed_one_state(
    const utils::rnn::PackedSequence& packed_input, Tensor hx, PackedRun run) {
  const auto& o = options_base;
  const Tensor& input = packed_input.data();
  const Tensor& batch_sizes = packed_input.batch_sizes();
  const int64_t max_batch = max_batch_size(packed_input);
  if (!hx.defined())
    hx = zeros({o.num_layers() * (o.bidirectional() ? 2 : 1), max_batch, o.hidden_size()}, input.scalar_type());
  else
    hx = permute_hidden(hx, packed_input.sorted_indices());
  check_input(input, batch_sizes);
  check_hidden_size(hx, get_expected_hidden_size(input, batch_sizes));
  auto [output, hidden] = run(input, batch_sizes, hx, flat_weights(), o.bias(), o.num_layers(), o.dropout(),
                              this->is_training(), o.bidirectional());
  return {utils::rnn::PackedSequence(output, batch_sizes, packed_input.sorted_indices(),
                                     packed_input.unsorted_indices()),
          permute_hidden(hidden, packed_input.unsorted_indices())};
}

template class RNNImplBase<RNNImpl>;
template class RNNImplBase<LSTMImpl>;
template class RNNImplBase<GRUImpl>;

}  // namespace detail

namespace {
detail::RNNOptionsBase rnn_base(const RNNOptions& o) {
  XGRAD_CHECK_T(ValueError, o.nonlinearity() == kTanh || o.nonlinearity() == kReLU,
                "Unknown nonlinearity: an RNN takes torch::kTanh or torch::kReLU");
  return detail::RNNOptionsBase(o.nonlinearity() == kTanh ? kRNN_TANH : kRNN_RELU, o.input_size(), o.hidden_size())
      .num_layers(o.num_layers())
      .bias(o.bias())
      .batch_first(o.batch_first())
      .dropout(o.dropout())
      .bidirectional(o.bidirectional());
}
}  // namespace

RNNImpl::RNNImpl(const RNNOptions& options_) : RNNImplBase(rnn_base(options_)), options(options_) {}

std::tuple<Tensor, Tensor> RNNImpl::forward(const Tensor& input_, Tensor hx) {
  const bool is_batched = input_.dim() == 3;
  const int64_t batch_dim = options.batch_first() ? 0 : 1;
  Tensor input = input_;
  if (!is_batched) {
    input = input.unsqueeze(batch_dim);
    if (hx.defined()) {
      XGRAD_CHECK(hx.dim() == 2, "For unbatched 2-D input, hx should also be 2-D but got {}-D tensor", hx.dim());
      hx = hx.unsqueeze(1);
    }
  } else {
    XGRAD_CHECK(!hx.defined() || hx.dim() == 3, "For batched 3-D input, hx should also be 3-D but got {}-D tensor",
                hx.dim());
  }
  const int64_t dirs = options.bidirectional() ? 2 : 1;
  if (!hx.defined()) {
    const int64_t max_batch = options.batch_first() ? input.size(0) : input.size(1);
    hx = zeros({options.num_layers() * dirs, max_batch, options.hidden_size()}, input.scalar_type());
  }
  check_input(input);
  check_hidden_size(hx, get_expected_hidden_size(input));
  using Run = std::tuple<Tensor, Tensor> (*)(const Tensor&, const Tensor&, TensorList, bool, int64_t, double, bool,
                                             bool, bool);
  Run fn = options.nonlinearity() == kTanh ? Run(&xgrad::rnn_tanh) : Run(&xgrad::rnn_relu);
  auto [output, hidden] = fn(input, hx, flat_weights(), options.bias(), options.num_layers(), options.dropout(),
                             is_training(), options.bidirectional(), options.batch_first());
  if (!is_batched) return {output.squeeze(batch_dim), hidden.squeeze(1)};
  return {output, hidden};
}

std::tuple<utils::rnn::PackedSequence, Tensor> RNNImpl::forward_with_packed_input(
    const utils::rnn::PackedSequence& packed_input, Tensor hx) {
  PackedRun run = options.nonlinearity() == kTanh ? PackedRun(&xgrad::rnn_tanh) : PackedRun(&xgrad::rnn_relu);
  return forward_packed_one_state(packed_input, std::move(hx), run);
}

LSTMImpl::LSTMImpl(const LSTMOptions& o)
    : RNNImplBase(detail::RNNOptionsBase(kLSTM, o.input_size(), o.hidden_size())
                      .num_layers(o.num_layers())
                      .bias(o.bias())
                      .batch_first(o.batch_first())
                      .dropout(o.dropout())
                      .bidirectional(o.bidirectional())
                      .proj_size(o.proj_size())),
      options(o) {}

std::tuple<Tensor, std::tuple<Tensor, Tensor>> LSTMImpl::forward(const Tensor& input_,
                                                                 std::optional<std::tuple<Tensor, Tensor>> hx_opt) {
  const bool is_batched = input_.dim() == 3;
  const int64_t batch_dim = options.batch_first() ? 0 : 1;
  Tensor input = is_batched ? input_ : input_.unsqueeze(batch_dim);
  const int64_t max_batch = options.batch_first() ? input.size(0) : input.size(1);
  Tensor h0, c0;
  if (!hx_opt) {
    const int64_t dirs = options.bidirectional() ? 2 : 1;
    const int64_t real_hidden = options.proj_size() > 0 ? options.proj_size() : options.hidden_size();
    h0 = zeros({options.num_layers() * dirs, max_batch, real_hidden}, input.scalar_type());
    c0 = zeros({options.num_layers() * dirs, max_batch, options.hidden_size()}, input.scalar_type());
  } else {
    std::tie(h0, c0) = *hx_opt;
    if (is_batched) {
      XGRAD_CHECK(h0.dim() == 3 && c0.dim() == 3,
                  "For batched 3-D input, hx and cx should also be 3-D but got ({}-D, {}-D) tensors", h0.dim(),
                  c0.dim());
    } else {
      XGRAD_CHECK(h0.dim() == 2 && c0.dim() == 2,
                  "For unbatched 2-D input, hx and cx should also be 2-D but got ({}-D, {}-D) tensors", h0.dim(),
                  c0.dim());
      h0 = h0.unsqueeze(1);
      c0 = c0.unsqueeze(1);
    }
  }
  check_input(input);
  check_hidden_size(h0, get_expected_hidden_size(input), "Expected hidden[0] size {}, got {}");
  auto [l, b, h] = get_expected_hidden_size(input);
  (void)h;
  check_hidden_size(c0, {l, b, options.hidden_size()}, "Expected hidden[1] size {}, got {}");
  auto [output, hy, cy] = xgrad::lstm(input, {h0, c0}, flat_weights(), options.bias(), options.num_layers(),
                                      options.dropout(), is_training(), options.bidirectional(), options.batch_first());
  if (!is_batched) return {output.squeeze(batch_dim), {hy.squeeze(1), cy.squeeze(1)}};
  return {output, {hy, cy}};
}

std::tuple<utils::rnn::PackedSequence, std::tuple<Tensor, Tensor>> LSTMImpl::forward_with_packed_input(
    const utils::rnn::PackedSequence& packed_input, std::optional<std::tuple<Tensor, Tensor>> hx_opt) {
  const Tensor& input = packed_input.data();
  const Tensor& batch_sizes = packed_input.batch_sizes();
  const int64_t max_batch = detail::max_batch_size(packed_input);
  Tensor h0, c0;
  if (!hx_opt) {
    const int64_t dirs = options.bidirectional() ? 2 : 1;
    const int64_t real_hidden = options.proj_size() > 0 ? options.proj_size() : options.hidden_size();
    h0 = zeros({options.num_layers() * dirs, max_batch, real_hidden}, input.scalar_type());
    c0 = zeros({options.num_layers() * dirs, max_batch, options.hidden_size()}, input.scalar_type());
  } else {
    // Each sequence's state goes with it into the packed (sorted) order.
    h0 = permute_hidden(std::get<0>(*hx_opt), packed_input.sorted_indices());
    c0 = permute_hidden(std::get<1>(*hx_opt), packed_input.sorted_indices());
  }
  check_input(input, batch_sizes);
  check_hidden_size(h0, get_expected_hidden_size(input, batch_sizes), "Expected hidden[0] size {}, got {}");
  auto [l, b, h] = get_expected_hidden_size(input, batch_sizes);
  (void)h;
  check_hidden_size(c0, {l, b, options.hidden_size()}, "Expected hidden[1] size {}, got {}");
  auto [output, hy, cy] = xgrad::lstm(input, batch_sizes, {h0, c0}, flat_weights(), options.bias(),
                                      options.num_layers(), options.dropout(), is_training(), options.bidirectional());
  const Tensor& unsorted = packed_input.unsorted_indices();
  return {utils::rnn::PackedSequence(output, batch_sizes, packed_input.sorted_indices(), unsorted),
          {permute_hidden(hy, unsorted), permute_hidden(cy, unsorted)}};
}

GRUImpl::GRUImpl(const GRUOptions& o)
    : RNNImplBase(detail::RNNOptionsBase(kGRU, o.input_size(), o.hidden_size())
                      .num_layers(o.num_layers())
                      .bias(o.bias())
                      .batch_first(o.batch_first())
                      .dropout(o.dropout())
                      .bidirectional(o.bidirectional())),
      options(o) {}

std::tuple<Tensor, Tensor> GRUImpl::forward(const Tensor& input_, Tensor hx) {
  const bool is_batched = input_.dim() == 3;
  const int64_t batch_dim = options.batch_first() ? 0 : 1;
  Tensor input = input_;
  if (!is_batched) {
    input = input.unsqueeze(batch_dim);
    if (hx.defined()) {
      XGRAD_CHECK(hx.dim() == 2, "For unbatched 2-D input, hx should also be 2-D but got {}-D tensor", hx.dim());
      hx = hx.unsqueeze(1);
    }
  } else {
    XGRAD_CHECK(!hx.defined() || hx.dim() == 3, "For batched 3-D input, hx should also be 3-D but got {}-D tensor",
                hx.dim());
  }
  if (!hx.defined()) {
    const int64_t dirs = options.bidirectional() ? 2 : 1;
    const int64_t max_batch = options.batch_first() ? input.size(0) : input.size(1);
    hx = zeros({options.num_layers() * dirs, max_batch, options.hidden_size()}, input.scalar_type());
  }
  check_input(input);
  check_hidden_size(hx, get_expected_hidden_size(input));
  auto [output, hidden] = xgrad::gru(input, hx, flat_weights(), options.bias(), options.num_layers(),
                                     options.dropout(), is_training(), options.bidirectional(), options.batch_first());
  if (!is_batched) return {output.squeeze(batch_dim), hidden.squeeze(1)};
  return {output, hidden};
}

std::tuple<utils::rnn::PackedSequence, Tensor> GRUImpl::forward_with_packed_input(
    const utils::rnn::PackedSequence& packed_input, Tensor hx) {
  return forward_packed_one_state(packed_input, std::move(hx), &xgrad::gru);
}

// ----------------------------------------------------------------------------------------------
// Cells

namespace detail {

template <class Derived>
RNNCellImplBase<Derived>::RNNCellImplBase(const RNNCellOptionsBase& options_) : options_base(options_) {
  reset();
}

template <class Derived>
void RNNCellImplBase<Derived>::reset() {
  const auto& o = options_base;
  weight_ih = this->register_parameter("weight_ih", empty({o.num_chunks() * o.hidden_size(), o.input_size()}));
  weight_hh = this->register_parameter("weight_hh", empty({o.num_chunks() * o.hidden_size(), o.hidden_size()}));
  if (o.bias()) {
    bias_ih = this->register_parameter("bias_ih", empty({o.num_chunks() * o.hidden_size()}));
    bias_hh = this->register_parameter("bias_hh", empty({o.num_chunks() * o.hidden_size()}));
  } else {
    bias_ih = this->register_parameter("bias_ih", Tensor(), false);
    bias_hh = this->register_parameter("bias_hh", Tensor(), false);
  }
  reset_parameters();
}

template <class Derived>
void RNNCellImplBase<Derived>::reset_parameters() {
  reset_recurrent_parameters(this->parameters(), options_base.hidden_size());
}

template <class Derived>
void RNNCellImplBase<Derived>::pretty_print(std::ostream& stream) const {
  const std::string name = std::is_same<Derived, RNNCellImpl>::value    ? "torch::nn::RNNCell"
                           : std::is_same<Derived, LSTMCellImpl>::value ? "torch::nn::LSTMCell"
                                                                        : "torch::nn::GRUCell";
  stream << name << "(" << options_base.input_size() << ", " << options_base.hidden_size();
  if (!options_base.bias()) stream << ", bias=" << std::boolalpha << false;
  const std::string nl = get_nonlinearity_str();
  if (!nl.empty() && nl != "kTanh") stream << ", nonlinearity=" << nl;
  stream << ")";
}

template <class Derived>
void RNNCellImplBase<Derived>::check_forward_input(const Tensor& input, const char* cell) const {
  XGRAD_CHECK(input.dim() == 1 || input.dim() == 2, "{}: Expected input to be 1-D or 2-D but received {}-D tensor",
              cell, input.dim());
}

template class RNNCellImplBase<RNNCellImpl>;
template class RNNCellImplBase<LSTMCellImpl>;
template class RNNCellImplBase<GRUCellImpl>;

}  // namespace detail

RNNCellImpl::RNNCellImpl(const RNNCellOptions& o)
    : RNNCellImplBase(detail::RNNCellOptionsBase(o.input_size(), o.hidden_size(), o.bias(), 1)), options(o) {
  XGRAD_CHECK_T(ValueError, o.nonlinearity() == kTanh || o.nonlinearity() == kReLU,
                "Unknown nonlinearity: an RNNCell takes torch::kTanh or torch::kReLU");
}

std::string RNNCellImpl::get_nonlinearity_str() const { return options.nonlinearity() == kTanh ? "kTanh" : "kReLU"; }

Tensor RNNCellImpl::forward(const Tensor& input_, Tensor hx) {
  check_forward_input(input_, "RNNCell");
  const bool is_batched = input_.dim() == 2;
  Tensor input = is_batched ? input_ : input_.unsqueeze(0);
  if (!hx.defined())
    hx = zeros({input.size(0), options.hidden_size()}, input.scalar_type());
  else if (!is_batched)
    hx = hx.unsqueeze(0);
  Tensor ret = options.nonlinearity() == kTanh ? rnn_tanh_cell(input, hx, weight_ih, weight_hh, bias_ih, bias_hh)
                                               : rnn_relu_cell(input, hx, weight_ih, weight_hh, bias_ih, bias_hh);
  return is_batched ? ret : ret.squeeze(0);
}

LSTMCellImpl::LSTMCellImpl(const LSTMCellOptions& o)
    : RNNCellImplBase(detail::RNNCellOptionsBase(o.input_size(), o.hidden_size(), o.bias(), 4)), options(o) {}

std::tuple<Tensor, Tensor> LSTMCellImpl::forward(const Tensor& input_,
                                                 std::optional<std::tuple<Tensor, Tensor>> hx_opt) {
  check_forward_input(input_, "LSTMCell");
  const bool is_batched = input_.dim() == 2;
  Tensor input = is_batched ? input_ : input_.unsqueeze(0);
  Tensor h, c;
  if (!hx_opt) {
    h = c = zeros({input.size(0), options.hidden_size()}, input.scalar_type());
  } else {
    std::tie(h, c) = *hx_opt;
    if (!is_batched) {
      h = h.unsqueeze(0);
      c = c.unsqueeze(0);
    }
  }
  auto [hy, cy] = lstm_cell(input, {h, c}, weight_ih, weight_hh, bias_ih, bias_hh);
  if (!is_batched) return {hy.squeeze(0), cy.squeeze(0)};
  return {hy, cy};
}

GRUCellImpl::GRUCellImpl(const GRUCellOptions& o)
    : RNNCellImplBase(detail::RNNCellOptionsBase(o.input_size(), o.hidden_size(), o.bias(), 3)), options(o) {}

Tensor GRUCellImpl::forward(const Tensor& input_, Tensor hx) {
  check_forward_input(input_, "GRUCell");
  const bool is_batched = input_.dim() == 2;
  Tensor input = is_batched ? input_ : input_.unsqueeze(0);
  if (!hx.defined())
    hx = zeros({input.size(0), options.hidden_size()}, input.scalar_type());
  else if (!is_batched)
    hx = hx.unsqueeze(0);
  Tensor ret = gru_cell(input, hx, weight_ih, weight_hh, bias_ih, bias_hh);
  return is_batched ? ret : ret.squeeze(0);
}

}  // namespace xgrad::nn
