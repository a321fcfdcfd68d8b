// shape.cpp: the shape rules of core/shape.hpp. sum_to is written with Tensor's own methods
// (sum over dims, view), so the engine that calls it needs nothing from ops/.
#include "xgrad/core/shape.hpp"

#include <algorithm>
#include <vector>

#include "xgrad/core/exception.hpp"
#include "xgrad/core/format.hpp"

namespace xgrad {

int64_t maybe_wrap_dim(int64_t dim, int64_t ndim) {
  int64_t n = std::max<int64_t>(ndim, 1);  // a 0-d tensor takes dims -1 and 0, as PyTorch allows
  if (dim < -n || dim >= n)
    detail::fail<IndexError>("Dimension out of range (expected to be in range of [{}, {}], but got {})", -n, n - 1,
                             dim);
  return dim < 0 ? dim + n : dim;
}

DimVector infer_size(IntArrayRef a, IntArrayRef b) {
  size_t n = std::max(a.size(), b.size());
  DimVector out(n);
  for (size_t i = n; i-- > 0;) {  // from the last dim, as PyTorch reports the first mismatch from the right
    int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    if (da != db && da != 1 && db != 1)
      detail::fail<Error>("The size of tensor a ({}) must match the size of tensor b ({}) at non-singleton dimension {}",
                          da, db, i);
    out[i] = da == 1 ? db : da;
  }
  return out;
}

bool is_expandable_to(IntArrayRef shape, IntArrayRef desired) {
  if (shape.size() > desired.size()) return false;
  size_t off = desired.size() - shape.size();
  for (size_t i = 0; i < shape.size(); ++i)
    if (shape[i] != desired[off + i] && shape[i] != 1) return false;
  return true;
}

Tensor sum_to(const Tensor& x, IntArrayRef shape) {
  if (x.sizes().equals(shape)) return x;
  if (shape.empty()) return x.sum();  // as PyTorch's sum_to: SumBackward0, not a keepdim sum viewed
  XGRAD_CHECK(is_expandable_to(shape, x.sizes()), "size {{{}}} is not expandable to size {{{}}}.",
              format_sizes(shape), format_sizes(x.sizes()));
  std::vector<int64_t> dims;  // the leading dims, and those broadcast from 1
  size_t lead = x.sizes().size() - shape.size();
  for (size_t i = 0; i < x.sizes().size(); ++i)
    if (i < lead || (shape[i - lead] == 1 && x.sizes()[i] != 1)) dims.push_back(static_cast<int64_t>(i));
  Tensor r = dims.empty() ? x : x.sum(dims, true);
  return lead > 0 || !r.sizes().equals(shape) ? r.view(shape) : r;
}

}  // namespace xgrad
