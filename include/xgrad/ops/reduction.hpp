// reduction.hpp: reductions over all elements or over dims (with keepdim). sum_to, which undoes
// broadcasting, is a shape rule: core/shape.hpp. Read next: shape_ops.hpp.
#pragma once

#include <optional>
#include <tuple>

#include "xgrad/core/shape.hpp"  // sum_to, is_expandable_to
#include "xgrad/core/tensor.hpp"

namespace xgrad {

Tensor sum(const Tensor& x, std::optional<ScalarType> dtype = std::nullopt);
Tensor sum(const Tensor& x, IntArrayRef dim, bool keepdim = false, std::optional<ScalarType> dtype = std::nullopt);
Tensor mean(const Tensor& x, std::optional<ScalarType> dtype = std::nullopt);
Tensor mean(const Tensor& x, IntArrayRef dim, bool keepdim = false, std::optional<ScalarType> dtype = std::nullopt);
Tensor max(const Tensor& x);
Tensor min(const Tensor& x);
std::tuple<Tensor, Tensor> max(const Tensor& x, int64_t dim, bool keepdim = false);
std::tuple<Tensor, Tensor> min(const Tensor& x, int64_t dim, bool keepdim = false);
Tensor amax(const Tensor& x, IntArrayRef dim = {}, bool keepdim = false);
Tensor amin(const Tensor& x, IntArrayRef dim = {}, bool keepdim = false);
Tensor argmax(const Tensor& x, std::optional<int64_t> dim = std::nullopt, bool keepdim = false);
Tensor argmin(const Tensor& x, std::optional<int64_t> dim = std::nullopt, bool keepdim = false);
Tensor logsumexp(const Tensor& x, IntArrayRef dim, bool keepdim = false);
/// The p-norm of all elements or over dims (NormBackward1, as Python names both): (sum |x|^p)^(1/p), with
/// p = inf the largest |x|, p = 0 the count of nonzeros. Defined in src/ops/norm.cpp.
Tensor norm(const Tensor& x, const Scalar& p = 2);
Tensor norm(const Tensor& x, const std::optional<Scalar>& p, IntArrayRef dim, bool keepdim = false);
/// var(x) = sum (x - mean)^2 / (N - correction) over all elements or over `dim` (VarBackward0),
/// std(x) = sqrt(var(x)) (StdBackward0); unbiased means correction 1 (the default), else 0.
/// var_mean and std_mean return (var or std, mean) from one node (VarMeanBackward0,
/// StdMeanBackward0). Floating dtypes only. Defined in src/ops/std_var.cpp.
Tensor var(const Tensor& x, bool unbiased = true);
Tensor var(const Tensor& x, OptionalIntArrayRef dim, bool unbiased = true, bool keepdim = false);
Tensor var(const Tensor& x, OptionalIntArrayRef dim, std::optional<int64_t> correction, bool keepdim = false);
inline Tensor var(const Tensor& x, int dim) { return var(x, IntArrayRef{dim}); }  // dim 0, not unbiased=false
Tensor std(const Tensor& x, bool unbiased = true);
Tensor std(const Tensor& x, OptionalIntArrayRef dim, bool unbiased = true, bool keepdim = false);
Tensor std(const Tensor& x, OptionalIntArrayRef dim, std::optional<int64_t> correction, bool keepdim = false);
inline Tensor std(const Tensor& x, int dim) { return std(x, IntArrayRef{dim}); }
std::tuple<Tensor, Tensor> var_mean(const Tensor& x, bool unbiased = true);
std::tuple<Tensor, Tensor> var_mean(const Tensor& x, OptionalIntArrayRef dim, bool unbiased = true, bool keepdim = false);
std::tuple<Tensor, Tensor> var_mean(const Tensor& x, OptionalIntArrayRef dim, std::optional<int64_t> correction,
                                    bool keepdim = false);
inline std::tuple<Tensor, Tensor> var_mean(const Tensor& x, int dim) { return var_mean(x, IntArrayRef{dim}); }
std::tuple<Tensor, Tensor> std_mean(const Tensor& x, bool unbiased = true);
std::tuple<Tensor, Tensor> std_mean(const Tensor& x, OptionalIntArrayRef dim, bool unbiased = true, bool keepdim = false);
std::tuple<Tensor, Tensor> std_mean(const Tensor& x, OptionalIntArrayRef dim, std::optional<int64_t> correction,
                                    bool keepdim = false);
inline std::tuple<Tensor, Tensor> std_mean(const Tensor& x, int dim) { return std_mean(x, IntArrayRef{dim}); }
Tensor all(const Tensor& x);
Tensor any(const Tensor& x);

}  // namespace xgrad
