// nn/utils/rnn.cpp: PackedSequence and the packing functions of torch::nn::utils::rnn, written
// as Python's torch/nn/utils/rnn.py (which libtorch's header follows) around the ops of
// ops/packed_sequence.cpp. Read next: nn/modules/rnn.cpp (forward_with_packed_input).
#include "xgrad/nn/utils/rnn.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "xgrad/core/exception.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/ops/indexing.hpp"
#include "xgrad/ops/rnn.hpp"

namespace xgrad::nn::utils::rnn {
namespace {

/// torch::sort(lengths, -1, descending=true) of a 1-d int64 tensor: (values, indices). ATen's CPU
/// sort is std::sort on (value, index) pairs compared by value, so equal lengths keep the order
/// that std::sort leaves them in: sorting the same pairs the same way here gives PyTorch's indices.
std::pair<Tensor, Tensor> sort_descending(const Tensor& lengths) {
  const Tensor l = lengths.contiguous();
  const int64_t* p = l.data_ptr<int64_t>();
  std::vector<std::pair<int64_t, int64_t>> v;
  for (int64_t i = 0; i < l.numel(); ++i) v.emplace_back(p[i], i);
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  Tensor values = empty({l.numel()}, kLong), indices = empty({l.numel()}, kLong);
  for (size_t i = 0; i < v.size(); ++i) {
    values.data_ptr<int64_t>()[i] = v[i].first;
    indices.data_ptr<int64_t>()[i] = v[i].second;
  }
  return {values, indices};
}

}  // namespace

Tensor invert_permutation(const Tensor& permutation) {
  if (!permutation.defined()) return {};
  XGRAD_CHECK(permutation.scalar_type() == kLong && permutation.dim() == 1,
              "invert_permutation: expected a 1-d int64 permutation");
  const Tensor perm = permutation.contiguous();
  const int64_t n = perm.numel();
  Tensor output = empty({n}, kLong);
  const int64_t* p = perm.data_ptr<int64_t>();
  int64_t* out = output.data_ptr<int64_t>();
  std::vector<bool> seen(static_cast<size_t>(n), false);
  for (int64_t i = 0; i < n; ++i) {
    XGRAD_CHECK_T(IndexError, p[i] >= 0 && p[i] < n && !seen[static_cast<size_t>(p[i])],
                  "invert_permutation: {} is not a permutation of 0..{}", p[i], n - 1);
    seen[static_cast<size_t>(p[i])] = true;
    out[p[i]] = i;
  }
  return output;
}

PackedSequence::PackedSequence(Tensor data, Tensor batch_sizes, Tensor sorted_indices, Tensor unsorted_indices) {
  if (!unsorted_indices.defined()) unsorted_indices = invert_permutation(sorted_indices);
  XGRAD_CHECK(!batch_sizes.defined() || batch_sizes.device().type() == kCPU,
              "batch_sizes should always be on CPU. Instances of PackedSequence should never be created manually. "
              "They should be instantiated by functions like pack_sequence and pack_padded_sequences in "
              "nn::utils::rnn. https://pytorch.org/docs/stable/nn.html#torch.nn.utils.rnn.pack_sequence");
  data_ = std::move(data);
  batch_sizes_ = std::move(batch_sizes);
  sorted_indices_ = std::move(sorted_indices);
  unsorted_indices_ = std::move(unsorted_indices);
}

PackedSequence PackedSequence::to(TensorOptions options) const {
  Tensor data = data_.to(options);
  if (data.is_same(data_)) return *this;
  // The indices keep their dtype and follow data's device.
  auto index_to = [&](const Tensor& t) {
    return t.defined() ? t.to(TensorOptions(t.scalar_type()).device(data.device())) : Tensor();
  };
  return PackedSequence(data, batch_sizes_, index_to(sorted_indices_), index_to(unsorted_indices_));
}

PackedSequence pack_padded_sequence(Tensor input, Tensor lengths, bool batch_first, bool enforce_sorted) {
  lengths = lengths.to(kLong);
  Tensor sorted_indices;
  if (!enforce_sorted) {
    XGRAD_CHECK(lengths.dim() == 1, "pack_padded_sequence: lengths must be a 1-d tensor, got {} dimensions",
                lengths.dim());
    std::tie(lengths, sorted_indices) = sort_descending(lengths);
    input = input.index_select(batch_first ? 0 : 1, sorted_indices);
  }
  auto [data, batch_sizes] = _pack_padded_sequence(input, lengths, batch_first);
  return PackedSequence(data, batch_sizes, sorted_indices, {});
}

std::tuple<Tensor, Tensor> pad_packed_sequence(PackedSequence sequence, bool batch_first, double padding_value,
                                               std::optional<int64_t> total_length) {
  int64_t max_seq_length = sequence.batch_sizes().size(0);
  if (total_length) {
    // Python raises ValueError here (libtorch a c10::Error with the same text).
    XGRAD_CHECK_T(ValueError, *total_length >= max_seq_length,
                  "Expected total_length to be at least the length of the longest sequence in input, but got "
                  "total_length={} and max sequence length being {}",
                  *total_length, max_seq_length);
    max_seq_length = *total_length;
  }
  auto [padded_output, lengths] =
      _pad_packed_sequence(sequence.data(), sequence.batch_sizes(), batch_first, padding_value, max_seq_length);
  const Tensor& unsorted_indices = sequence.unsorted_indices();
  if (unsorted_indices.defined())
    return {padded_output.index_select(batch_first ? 0 : 1, unsorted_indices),
            lengths.index_select(0, unsorted_indices)};
  return {padded_output, lengths};
}

Tensor pad_sequence(ArrayRef<Tensor> sequences, bool batch_first, double padding_value) {
  return xgrad::pad_sequence(sequences, batch_first, padding_value);
}

PackedSequence pack_sequence(ArrayRef<Tensor> sequences, bool enforce_sorted) {
  Tensor lengths = empty({static_cast<int64_t>(sequences.size())}, kLong);
  for (size_t i = 0; i < sequences.size(); ++i) {
    XGRAD_CHECK(sequences[i].dim() >= 1, "pack_sequence: every sequence must have at least 1 dimension");
    lengths.data_ptr<int64_t>()[i] = sequences[i].size(0);
  }
  return pack_padded_sequence(xgrad::pad_sequence(sequences), lengths, false, enforce_sorted);
}

}  // namespace xgrad::nn::utils::rnn
