// format.hpp: printing tensors exactly as Python's repr() does (torch/_tensor_str.py, default
// print options): `fmt::print("{}\n", t)` or `std::cout << t`. The rules, with their reasons,
// are in src/core/format.cpp. Read next: autograd/node.hpp.
#pragma once

#include <string>

#include <fmt/format.h>

#include "xgrad/core/tensor.hpp"

namespace xgrad {

/// Python's repr(t): `tensor([[ 1.5410, -0.2934],\n        [-2.1788,  0.5684]], requires_grad=True)`.
std::string repr(const Tensor& t);
/// repr() of `values` as if it carried the given autograd state (grad_fn name, or requires_grad).
/// Lets the samples print another library's tensors exactly as xgrad's (see samples/common).
std::string repr_with(const Tensor& values, const std::string& grad_fn_name, bool requires_grad);
/// "[2, 3]", as PyTorch writes sizes in messages.
std::string format_sizes(IntArrayRef sizes);
/// "torch.Size([2, 3])", as Python prints a shape.
std::string format_torch_size(IntArrayRef sizes);

}  // namespace xgrad

template <>
struct fmt::formatter<xgrad::Tensor> {
  constexpr auto parse(format_parse_context& ctx) -> decltype(ctx.begin()) { return ctx.begin(); }
  template <class FormatContext>
  auto format(const xgrad::Tensor& t, FormatContext& ctx) const -> decltype(ctx.out()) {
    std::string s = xgrad::repr(t);
    return std::copy(s.begin(), s.end(), ctx.out());
  }
};

template <>
struct fmt::formatter<xgrad::ScalarType> : fmt::formatter<fmt::string_view> {
  template <class FormatContext>
  auto format(xgrad::ScalarType t, FormatContext& ctx) const -> decltype(ctx.out()) {
    return fmt::formatter<fmt::string_view>::format(xgrad::scalar_type_name(t), ctx);
  }
};
