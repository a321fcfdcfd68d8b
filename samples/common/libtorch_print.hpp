// libtorch_print.hpp: only for the libtorch build of a sample (the parity test). It prints a
// libtorch tensor as Python does, through xgrad's printer, so that the xgrad and libtorch builds
// of the same source print comparable text. A sample built against xgrad never includes this.
#pragma once

#include <torch/torch.h>

#include <fmt/format.h>

#include <xgrad/core/factory.hpp>
#include <xgrad/core/format.hpp>

namespace xgrad_samples {

inline xgrad::ScalarType to_xgrad(c10::ScalarType t) {
  switch (t) {
    case c10::ScalarType::Bool: return xgrad::kBool;
    case c10::ScalarType::Long: return xgrad::kLong;
    case c10::ScalarType::Double: return xgrad::kDouble;
    default: return xgrad::kFloat;
  }
}

inline std::string python_repr(const at::Tensor& t) {
  if (!t.defined()) return "[ Tensor (undefined) ]";
  at::Tensor c = t.detach().contiguous();
  if (c.scalar_type() != at::kBool && c.scalar_type() != at::kLong && c.scalar_type() != at::kDouble)
    c = c.to(at::kFloat);
  std::vector<int64_t> sizes(c.sizes().begin(), c.sizes().end());
  xgrad::Tensor copy = xgrad::empty(sizes, to_xgrad(c.scalar_type()));
  std::memcpy(copy.data_ptr(), c.data_ptr(), copy.nbytes());
  return xgrad::repr_with(copy, t.grad_fn() ? t.grad_fn()->name() : "", t.requires_grad());
}

}  // namespace xgrad_samples

template <>
struct fmt::formatter<at::Tensor> {
  constexpr auto parse(format_parse_context& ctx) -> decltype(ctx.begin()) { return ctx.begin(); }
  template <class FormatContext>
  auto format(const at::Tensor& t, FormatContext& ctx) const -> decltype(ctx.out()) {
    std::string s = xgrad_samples::python_repr(t);
    return std::copy(s.begin(), s.end(), ctx.out());
  }
};
