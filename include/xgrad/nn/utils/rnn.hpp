// nn/utils/rnn.hpp: packed sequences, as libtorch's torch::nn::utils::rnn: PackedSequence (the
// time steps of a batch of sequences of different lengths, one row per live sequence and step),
// pack_padded_sequence, pad_packed_sequence, pad_sequence, pack_sequence. The ops underneath
// (_pack_padded_sequence, _pad_packed_sequence, pad_sequence): ops/rnn.hpp. The layers that run on
// a PackedSequence: nn/modules/rnn.hpp (forward_with_packed_input).
#pragma once

#include <optional>
#include <tuple>

#include "xgrad/core/tensor.hpp"
#include "xgrad/core/tensor_options.hpp"

namespace xgrad::nn::utils::rnn {

/// The inverse of a permutation: output[permutation[i]] = i. Undefined in, undefined out.
Tensor invert_permutation(const Tensor& permutation);

/// A batch of sequences packed step by step: data (sum of lengths, *) holds step 0 of every
/// sequence, then step 1 of every sequence still running, ...; batch_sizes[t] (int64, on the CPU)
/// says how many rows step t has. The sequences are in decreasing length order inside;
/// sorted_indices (when defined) says which input sequence each column is, unsorted_indices the
/// way back. Built by pack_padded_sequence and pack_sequence, not by hand.
class PackedSequence {
 public:
  explicit PackedSequence(Tensor data, Tensor batch_sizes, Tensor sorted_indices = {},
                          Tensor unsorted_indices = {});

  const Tensor& data() const { return data_; }
  const Tensor& batch_sizes() const { return batch_sizes_; }
  const Tensor& sorted_indices() const { return sorted_indices_; }
  const Tensor& unsorted_indices() const { return unsorted_indices_; }

  /// data converted as Tensor::to; the same PackedSequence when data does not change, else
  /// the indices follow data's device (batch_sizes stays on the CPU).
  PackedSequence to(TensorOptions options) const;
  PackedSequence cpu() const { return to(kCPU); }
  /// xgrad computes on the CPU only: throws as Tensor::to(kCUDA) does.
  PackedSequence cuda() const { return to(kCUDA); }
  bool is_cuda() const { return false; }
  /// No pinned memory without CUDA: always false.
  bool is_pinned() const { return false; }

 private:
  Tensor data_;
  Tensor batch_sizes_;
  Tensor sorted_indices_;
  Tensor unsorted_indices_;
};

/// input (T, B, *) (or (B, T, *) with batch_first) padded, lengths (B) -> the PackedSequence of
/// the first lengths[b] steps of each sequence b. enforce_sorted: lengths must decrease (else
/// PyTorch's "`lengths` array must be sorted in decreasing order ..."); without it the sequences
/// are sorted here and sorted_indices records the order. data's grad_fn:
/// PackPaddedSequenceBackward0 (the gradient scatters back into the padded shape, zeros in the
/// padding).
PackedSequence pack_padded_sequence(Tensor input, Tensor lengths, bool batch_first = false,
                                    bool enforce_sorted = true);

/// The inverse: (padded (T, B, *) or (B, T, *), lengths (B), int64), padding_value where a sequence
/// has ended, T = total_length when given (ValueError if shorter than the longest sequence).
std::tuple<Tensor, Tensor> pad_packed_sequence(PackedSequence sequence, bool batch_first = false,
                                               double padding_value = 0.0,
                                               std::optional<int64_t> total_length = std::nullopt);

/// A list of (L_i, *) tensors -> (max L, B, *) (or (B, max L, *)), padding_value after each end.
Tensor pad_sequence(ArrayRef<Tensor> sequences, bool batch_first = false, double padding_value = 0);

/// pack_padded_sequence(pad_sequence(sequences), their lengths, false, enforce_sorted).
PackedSequence pack_sequence(ArrayRef<Tensor> sequences, bool enforce_sorted = true);

}  // namespace xgrad::nn::utils::rnn
