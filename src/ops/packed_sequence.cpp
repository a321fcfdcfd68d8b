// ops/packed_sequence.cpp: the ops under torch::nn::utils::rnn, as ATen has them in
// aten/src/ATen/native/PackedSequence.cpp (1.13): _pack_padded_sequence (one graph node,
// PackPaddedSequenceBackward0), _pad_packed_sequence and pad_sequence (composed of full and slice
// copies, so their graph is CopySlices as in PyTorch). Read next: nn/utils/rnn.cpp.
#include <algorithm>
#include <vector>

#include "xgrad/autograd/record.hpp"
#include "xgrad/core/exception.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/ops/rnn.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {
namespace {

void check_long_1d(const Tensor& t, const char* name) {
  XGRAD_CHECK(t.scalar_type() == kLong, "Expected tensor for argument #1 '{}' to have scalar type Long; but got {} instead",
              name, toString(t.scalar_type()));
  XGRAD_CHECK(t.dim() == 1, "'{}' must be a 1-d tensor, got {} dimensions", name, t.dim());
}

/// [-1, *sizes[from:]]: the shape of a block of rows.
DimVector rows_shape(IntArrayRef sizes, size_t from) {
  DimVector shape{-1};
  for (size_t d = from; d < sizes.size(); ++d) shape.push_back(sizes[d]);
  return shape;
}

/// _pack_padded_sequence_backward: the rows of grad written back to their steps and batch
/// positions in a zero tensor of the input's shape (transposed back for batch_first). Made of
/// slice copies, so under create_graph it is differentiable again (CopySlices).
Tensor pack_padded_sequence_backward(const Tensor& grad, const DimVector& input_sizes,
                                     const std::vector<int64_t>& batch_sizes, bool batch_first) {
  DimVector sizes = input_sizes;
  if (batch_first) std::swap(sizes[0], sizes[1]);
  Tensor grad_input = zeros(sizes, grad.scalar_type());
  int64_t offset = 0;
  for (size_t i = 0; i < batch_sizes.size(); ++i) {
    grad_input.select(0, static_cast<int64_t>(i))
        .slice(0, 0, batch_sizes[i])
        .copy_(grad.slice(0, offset, offset + batch_sizes[i]));
    offset += batch_sizes[i];
  }
  return batch_first ? grad_input.transpose(0, 1) : grad_input;
}

}  // namespace

std::tuple<Tensor, Tensor> _pack_padded_sequence(const Tensor& _input, const Tensor& _lengths, bool batch_first) {
  XGRAD_CHECK(_input.dim() >= 2, "_pack_padded_sequence: input must have at least 2 dimensions, got {}",
              _input.dim());
  const Tensor input = batch_first ? _input.transpose(0, 1) : _input;
  check_long_1d(_lengths, "lengths");
  const Tensor lengths_t = _lengths.contiguous();
  const int64_t batch_size = input.size(1);
  const int64_t* lengths = lengths_t.data_ptr<int64_t>();
  XGRAD_CHECK(input.numel() > 0, "Cannot pack empty tensors.");
  XGRAD_CHECK(lengths_t.size(0) == batch_size,
              "Expected `len(lengths)` to be equal to batch_size, but got {} (batch_size={})", lengths_t.size(0),
              batch_size);
  XGRAD_CHECK(lengths[batch_size - 1] > 0,
              "Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0");
  for (int64_t i = 0; i < batch_size - 1; ++i)
    XGRAD_CHECK(lengths[batch_size - 1 - i] <= lengths[batch_size - 2 - i],
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass "
                "`enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement "
                "if you do not need ONNX exportability.");
  // ATen slices past the end silently and returns a broken PackedSequence; refuse instead.
  XGRAD_CHECK(lengths[0] <= input.size(0),
              "_pack_padded_sequence: the longest sequence ({} steps) is longer than the padded input ({} steps)",
              lengths[0], input.size(0));

  // Runs of steps with the same batch size are one block each: steps [prev_l, l) of the first
  // current_batch_size sequences, in step-major order.
  std::vector<Tensor> steps;
  std::vector<int64_t> batch_sizes;
  const DimVector step_shape = rows_shape(input.sizes(), 2);
  {
    NoGradGuard no_grad;  // the node below stands for the whole gather
    int64_t prev_l = 0;
    for (int64_t i = 0; i < batch_size; ++i) {
      const int64_t l = lengths[batch_size - 1 - i];
      if (l > prev_l) {
        const int64_t current_batch_size = batch_size - i;
        steps.push_back(input.slice(0, prev_l, l).slice(1, 0, current_batch_size).contiguous().view(step_shape));
        batch_sizes.insert(batch_sizes.end(), static_cast<size_t>(l - prev_l), current_batch_size);
        prev_l = l;
      }
    }
  }
  Tensor data = cat(steps, 0).detach();
  Tensor batch_sizes_t = empty({static_cast<int64_t>(batch_sizes.size())}, kLong);
  std::copy(batch_sizes.begin(), batch_sizes.end(), batch_sizes_t.data_ptr<int64_t>());

  const DimVector input_sizes(_input.sizes());
  data = autograd::record("PackPaddedSequenceBackward0", data, {_input},
                          [input_sizes, batch_sizes, batch_first](const Tensor& grad) -> autograd::variable_list {
                            return {pack_padded_sequence_backward(grad, input_sizes, batch_sizes, batch_first)};
                          });
  return {data, batch_sizes_t};
}

std::tuple<Tensor, Tensor> _pad_packed_sequence(const Tensor& data, const Tensor& _batch_sizes, bool batch_first,
                                                const Scalar& padding_value, int64_t total_length) {
  check_long_1d(_batch_sizes, "batch_sizes");
  XGRAD_CHECK(_batch_sizes.numel() > 0, "_pad_packed_sequence: batch_sizes must not be empty");
  XGRAD_CHECK(data.dim() >= 1, "_pad_packed_sequence: data must have at least 1 dimension");
  const Tensor batch_sizes_t = _batch_sizes.contiguous();
  const int64_t* batch_sizes = batch_sizes_t.data_ptr<int64_t>();
  const int64_t max_batch_size = batch_sizes[0];
  const int64_t max_real_seq_length = batch_sizes_t.size(0);
  int64_t rows = 0;
  for (int64_t i = 0; i < max_real_seq_length; ++i) {
    XGRAD_CHECK(batch_sizes[i] > 0 && batch_sizes[i] <= (i == 0 ? max_batch_size : batch_sizes[i - 1]),
                "_pad_packed_sequence: batch_sizes must be positive and non-increasing");
    rows += batch_sizes[i];
  }
  XGRAD_CHECK(rows == data.size(0), "_pad_packed_sequence: batch_sizes add up to {} rows, data has {}", rows,
              data.size(0));
  int64_t max_seq_length = max_real_seq_length;
  if (total_length > 0) {
    XGRAD_CHECK(total_length >= max_seq_length,
                "Expected total_length to be at least the length of the longest sequence in input, but got "
                "total_length={} and max sequence length being {}",
                total_length, max_seq_length);
    max_seq_length = total_length;
  }

  DimVector output_size{max_seq_length, max_batch_size};
  for (int64_t d = 1; d < data.dim(); ++d) output_size.push_back(data.size(d));
  Tensor output = full(output_size, padding_value, data.scalar_type());
  DimVector tmp_view_size = output_size;

  Tensor lengths_t = empty({max_batch_size}, kLong);
  int64_t* lengths = lengths_t.data_ptr<int64_t>() + max_batch_size - 1;
  int64_t data_offset = 0, prev_batch_size = max_batch_size, prev_i = 0;
  for (int64_t i = 0; i <= max_real_seq_length; ++i) {
    const int64_t batch_size = i != max_real_seq_length ? batch_sizes[i] : 0;
    if (batch_size != prev_batch_size) {
      // output[prev_i:i, :prev_batch_size] = data rows viewed as (i - prev_i, prev_batch_size, *)
      const int64_t l = prev_batch_size * (i - prev_i);
      tmp_view_size[0] = i - prev_i;
      tmp_view_size[1] = prev_batch_size;
      output.slice(0, prev_i, i)
          .slice(1, 0, prev_batch_size)
          .copy_(data.slice(0, data_offset, data_offset + l).view(tmp_view_size));
      data_offset += l;
      prev_i = i;
    }
    for (int64_t j = 0; j < prev_batch_size - batch_size; ++j) *lengths-- = i;
    prev_batch_size = batch_size;
  }
  if (batch_first) output = output.transpose(0, 1);
  return {output, lengths_t};
}

Tensor pad_sequence(TensorList sequences, bool batch_first, double padding_value) {
  XGRAD_CHECK(!sequences.empty(), "received an empty list of sequences");
  const auto n = static_cast<int64_t>(sequences.size());
  int64_t max_len = 0;
  for (const Tensor& s : sequences) {
    XGRAD_CHECK(s.dim() >= 1, "pad_sequence: every sequence must have at least 1 dimension");
    max_len = std::max(max_len, s.size(0));
  }
  DimVector out_dims = batch_first ? DimVector{n, max_len} : DimVector{max_len, n};
  for (int64_t d = 1; d < sequences[0].dim(); ++d) out_dims.push_back(sequences[0].size(d));
  Tensor out = full(out_dims, padding_value, sequences[0].scalar_type());
  for (int64_t i = 0; i < n; ++i) {
    const Tensor& seq = sequences[static_cast<size_t>(i)];
    if (batch_first)
      out.select(0, i).narrow(0, 0, seq.size(0)).copy_(seq);
    else
      out.narrow(0, 0, seq.size(0)).select(1, i).copy_(seq);
  }
  return out;
}

}  // namespace xgrad
