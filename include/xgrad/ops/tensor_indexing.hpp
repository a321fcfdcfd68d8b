// tensor_indexing.hpp: the index types of x.index({...}) and x.index_put_({...}, v), libtorch's
// spelling of Python's x[...] (torch::indexing::{Slice, None, Ellipsis, TensorIndex}):
//
//     Python                    C++
//     x[1, :, None, ...]        x.index({1, Slice(), None, "..."})
//     x[1:3, ::2]               x.index({Slice(1, 3), Slice(None, None, 2)})
//     x[mask] = 0               x.index_put_({mask}, 0)
//
// Integers, slices, None, Ellipsis and booleans make views (select, slice, unsqueeze, alias);
// index tensors make copies (advanced indexing, ops/indexing.hpp: index, index_put_).
// Read next: src/ops/tensor_indexing.cpp, which turns a list of these into those ops.
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <ostream>
#include <utility>
#include <vector>

#include "xgrad/core/exception.hpp"
#include "xgrad/core/tensor.hpp"

namespace xgrad::indexing {

constexpr int64_t INDEX_MAX = std::numeric_limits<int64_t>::max();
constexpr int64_t INDEX_MIN = std::numeric_limits<int64_t>::min();

enum class TensorIndexType { None, Ellipsis, Integer, Boolean, Slice, Tensor };

/// Python's None in an index: a new axis of size 1.
constexpr std::nullopt_t None = std::nullopt;

/// Python's `...`: as many whole dims as the other indices leave. `"..."` is the same.
struct EllipsisIndexType final {
  EllipsisIndexType() = default;
};
inline const EllipsisIndexType Ellipsis;

/// Python's start:stop:step. Missing parts are None: Slice() is `:`, Slice(1, None) is `1:`.
/// A missing start/stop becomes 0/INDEX_MAX (INDEX_MAX/INDEX_MIN for a negative step), as
/// Python's slice unpacking does; slicing clamps them to the dim's size.
class Slice final {
 public:
  Slice(std::optional<int64_t> start_index = std::nullopt, std::optional<int64_t> stop_index = std::nullopt,
        std::optional<int64_t> step_index = std::nullopt) {
    if (!step_index.has_value()) {
      step_ = 1;
    } else {
      step_ = *step_index;
      XGRAD_CHECK_T(ValueError, step_ != 0, "slice step cannot be zero");
      if (step_ < -INDEX_MAX) step_ = -INDEX_MAX;  // so that -step never overflows
    }
    start_ = start_index.has_value() ? *start_index : (step_ < 0 ? INDEX_MAX : 0);
    stop_ = stop_index.has_value() ? *stop_index : (step_ < 0 ? INDEX_MIN : INDEX_MAX);
  }
  int64_t start() const { return start_; }
  int64_t stop() const { return stop_; }
  int64_t step() const { return step_; }

 private:
  int64_t start_;
  int64_t stop_;
  int64_t step_;
};

/// One entry of an index list: None, Ellipsis ("..."), an integer, a bool, a Slice or a Tensor.
class TensorIndex final {
 public:
  TensorIndex(std::nullopt_t) : type_(TensorIndexType::None) {}  // NOLINT(google-explicit-constructor)
  TensorIndex(EllipsisIndexType) : type_(TensorIndexType::Ellipsis) {}  // NOLINT
  TensorIndex(const char* str) : type_(TensorIndexType::Ellipsis) {  // NOLINT
    XGRAD_CHECK_T(ValueError, std::strcmp(str, "...") == 0,
                  "Expected \"...\" to represent an ellipsis index, but got \"{}\"", str);
  }
  TensorIndex(int64_t integer) : integer_(integer), type_(TensorIndexType::Integer) {}  // NOLINT
  TensorIndex(int integer) : TensorIndex(static_cast<int64_t>(integer)) {}  // NOLINT
  /// Only a real bool (not an int or a pointer converting to one) is a boolean index.
  template <class T, class = std::enable_if_t<std::is_same<bool, T>::value>>
  TensorIndex(T boolean) : boolean_(boolean), type_(TensorIndexType::Boolean) {}  // NOLINT
  TensorIndex(Slice slice) : slice_(slice), type_(TensorIndexType::Slice) {}  // NOLINT
  TensorIndex(Tensor tensor) : tensor_(std::move(tensor)), type_(TensorIndexType::Tensor) {}  // NOLINT

  bool is_none() const { return type_ == TensorIndexType::None; }
  bool is_ellipsis() const { return type_ == TensorIndexType::Ellipsis; }
  bool is_integer() const { return type_ == TensorIndexType::Integer; }
  int64_t integer() const { return integer_; }
  bool is_boolean() const { return type_ == TensorIndexType::Boolean; }
  bool boolean() const { return boolean_; }
  bool is_slice() const { return type_ == TensorIndexType::Slice; }
  const Slice& slice() const { return slice_; }
  bool is_tensor() const { return type_ == TensorIndexType::Tensor; }
  const Tensor& tensor() const { return tensor_; }

 private:
  int64_t integer_ = 0;
  bool boolean_ = false;
  Slice slice_;
  Tensor tensor_;
  TensorIndexType type_;
};

/// "1:3:2", as libtorch prints a Slice (with INDEX_MAX/INDEX_MIN for the missing parts).
std::ostream& operator<<(std::ostream& stream, const Slice& slice);
/// "None", "...", "0", "true", "1:3:1" or the tensor.
std::ostream& operator<<(std::ostream& stream, const TensorIndex& tensor_index);
/// "(None, ..., 0)".
std::ostream& operator<<(std::ostream& stream, const std::vector<TensorIndex>& tensor_indices);

/// Python's x[indices] (libtorch's at::indexing::get_item).
Tensor get_item(const Tensor& self, ArrayRef<TensorIndex> indices, bool disable_slice_optimization = false);
/// Python's x[indices] = value (libtorch's at::indexing::set_item).
void set_item(const Tensor& self, ArrayRef<TensorIndex> indices, const Tensor& value,
              bool disable_slice_optimization = false);

}  // namespace xgrad::indexing
