// linalg.cpp: mm, bmm, mv, dot, matmul and addmm. The derivative of C = A @ B is
// dA = dC @ B^T and dB = A^T @ dC; the transposes are views, handed to BLAS without copying.
// Read next: the nn/ folder (Linear is addmm).
#include "xgrad/ops/linalg.hpp"

#include "kernels/gemm.hpp"
#include "ops/op_utils.hpp"
#include "xgrad/autograd/record.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/shape_ops.hpp"

namespace xgrad {

using autograd::needs_input_grad;
using autograd::record;
using autograd::save;
using autograd::variable_list;

namespace {

void check_same_dtype(const Tensor& a, const Tensor& b) {
  XGRAD_CHECK(a.scalar_type() == b.scalar_type(), "expected scalar type {} but found {}", scalar_type_name(a.scalar_type()),
              scalar_type_name(b.scalar_type()));
  XGRAD_CHECK(a.scalar_type() != kBool, "\"addmm_impl_cpu_\" not implemented for 'Bool'");
}

/// A 2-d tensor as a MatrixRef, copied to contiguous first if BLAS cannot read its strides.
template <class T>
kernels::MatrixRef<T> matrix(const Tensor& t, Tensor& keep_alive) {
  kernels::MatrixRef<T> m{t.data_ptr<T>(), t.size(0), t.size(1), t.stride(0), t.stride(1)};
  if (kernels::blas_compatible(m)) return m;
  keep_alive = detail::contiguous_raw(t, /*force=*/true);
  return {keep_alive.data_ptr<T>(), t.size(0), t.size(1), t.size(1), 1};
}

/// out (contiguous, n x m) = alpha * a @ b + beta * out.
void gemm_into(const Tensor& out, const Tensor& a, const Tensor& b, const Scalar& alpha, const Scalar& beta) {
  visit_dtype(a.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (!std::is_same<T, bool>::value) {
      Tensor ka, kb;
      kernels::gemm<T>(matrix<T>(a, ka), matrix<T>(b, kb), out.data_ptr<T>(), out.size(1), alpha.to<T>(), beta.to<T>());
    }
  });
}

Tensor mm_raw(const Tensor& a, const Tensor& b) {
  Tensor out = detail::make_empty({a.size(0), b.size(1)}, a.scalar_type());
  gemm_into(out, a, b, 1, 0);
  return out;
}

}  // namespace

/// mm(a, b) = a @ b for matrices      d/da = grad @ b^T, d/db = a^T @ grad      saves: a, b
Tensor mm(const Tensor& a, const Tensor& b) {
  XGRAD_CHECK(a.dim() == 2, "self must be a matrix");
  XGRAD_CHECK(b.dim() == 2, "mat2 must be a matrix");
  XGRAD_CHECK(a.size(1) == b.size(0), "mat1 and mat2 shapes cannot be multiplied ({}x{} and {}x{})", a.size(0),
              a.size(1), b.size(0), b.size(1));
  check_same_dtype(a, b);
  return record("MmBackward0", mm_raw(a, b), {a, b}, save(a, b), [](const Tensor& g, const Tensor& a, const Tensor& b) {
    return variable_list{needs_input_grad(0) ? mm(g, b.t()) : Tensor(), needs_input_grad(1) ? mm(a.t(), g) : Tensor()};
  });
}

/// addmm(c, a, b, beta, alpha) = beta * c + alpha * (a @ b)
/// d/dc = beta * grad, d/da = alpha * grad @ b^T, d/db = alpha * a^T @ grad      saves: a, b
Tensor addmm(const Tensor& c, const Tensor& a, const Tensor& b, const Scalar& beta, const Scalar& alpha) {
  XGRAD_CHECK(a.dim() == 2, "mat1 must be a matrix, got {}-D tensor", a.dim());
  XGRAD_CHECK(b.dim() == 2, "mat2 must be a matrix, got {}-D tensor", b.dim());
  XGRAD_CHECK(a.size(1) == b.size(0), "mat1 and mat2 shapes cannot be multiplied ({}x{} and {}x{})", a.size(0),
              a.size(1), b.size(0), b.size(1));
  check_same_dtype(a, b);
  check_same_dtype(a, c);
  Tensor out = detail::make_empty({a.size(0), b.size(1)}, a.scalar_type());
  detail::copy_raw(out, c.expand({a.size(0), b.size(1)}).detach());  // c broadcast into the result, then gemm adds
  gemm_into(out, a, b, alpha, beta);
  return record("AddmmBackward0", out, {c, a, b}, save(a, b),
                [alpha, beta](const Tensor& g, const Tensor& a, const Tensor& b) -> variable_list {
                  auto scaled = [](const Tensor& t, const Scalar& s) { return s.toDouble() == 1 ? t : t * s; };
                  return {needs_input_grad(0) ? scaled(g, beta) : Tensor(),
                          needs_input_grad(1) ? scaled(mm(g, b.t()), alpha) : Tensor(),
                          needs_input_grad(2) ? scaled(mm(a.t(), g), alpha) : Tensor()};
                });
}

/// bmm(a, b): a batch of matrix products      d/da = grad @ b^T, d/db = a^T @ grad (per batch)   saves: a, b
Tensor bmm(const Tensor& a, const Tensor& b) {
  XGRAD_CHECK(a.dim() == 3, "batch1 must be a 3D tensor");
  XGRAD_CHECK(b.dim() == 3, "batch2 must be a 3D tensor");
  XGRAD_CHECK(a.size(0) == b.size(0), "batch1 and batch2 must have same number of batches, got {} and {}", a.size(0),
              b.size(0));
  XGRAD_CHECK(a.size(2) == b.size(1), "Expected size for first two dimensions of batch2 tensor to be: [{}, {}] but got: [{}, {}].",
              a.size(0), a.size(2), b.size(0), b.size(1));
  check_same_dtype(a, b);
  Tensor out = detail::make_empty({a.size(0), a.size(1), b.size(2)}, a.scalar_type());
  {
    NoGradGuard no_grad;
    for (int64_t i = 0; i < a.size(0); ++i) gemm_into(out.select(0, i), a.select(0, i), b.select(0, i), 1, 0);
  }
  return record("BmmBackward0", out, {a, b}, save(a, b), [](const Tensor& g, const Tensor& a, const Tensor& b) {
    return variable_list{needs_input_grad(0) ? bmm(g, b.transpose(1, 2)) : Tensor(),
                         needs_input_grad(1) ? bmm(a.transpose(1, 2), g) : Tensor()};
  });
}

/// mv(a, v) = a @ v      d/da = outer(grad, v), d/dv = a^T @ grad      saves: a, v
Tensor mv(const Tensor& a, const Tensor& v) {
  XGRAD_CHECK(a.dim() == 2 && v.dim() == 1, "vector + matrix @ vector expected, got 1, {}, {}", a.dim(), v.dim());
  XGRAD_CHECK(a.size(1) == v.size(0), "size mismatch, got {}, {}x{},{}", a.size(0), a.size(0), a.size(1), v.size(0));
  check_same_dtype(a, v);
  Tensor out;
  {
    NoGradGuard no_grad;
    out = mm_raw(a, v.unsqueeze(1)).view({a.size(0)});
  }
  return record("MvBackward0", out, {a, v}, save(a, v), [](const Tensor& g, const Tensor& a, const Tensor& v) {
    return variable_list{needs_input_grad(0) ? mm(g.unsqueeze(1), v.unsqueeze(0)) : Tensor(),
                         needs_input_grad(1) ? mv(a.t(), g) : Tensor()};
  });
}

/// dot(a, b) = sum(a * b) for vectors      d/da = grad * b, d/db = grad * a      saves: a, b
Tensor dot(const Tensor& a, const Tensor& b) {
  XGRAD_CHECK(a.dim() == 1 && b.dim() == 1, "1D tensors expected, but got {}D and {}D tensors", a.dim(), b.dim());
  XGRAD_CHECK(a.numel() == b.numel(),
              "inconsistent tensor size, expected tensor [{}] and src [{}] to have the same number of elements, but got "
              "{} and {} elements respectively",
              a.numel(), b.numel(), a.numel(), b.numel());
  check_same_dtype(a, b);
  Tensor out;
  {
    NoGradGuard no_grad;
    out = mm_raw(a.unsqueeze(0), b.unsqueeze(1)).view({});
  }
  return record("DotBackward0", out, {a, b}, save(a, b), [](const Tensor& g, const Tensor& a, const Tensor& b) {
    return variable_list{needs_input_grad(0) ? g * b : Tensor(), needs_input_grad(1) ? g * a : Tensor()};
  });
}

/// matmul(a, b), numpy's rules: dot, mv, mm, or bmm over broadcast batch dims (result viewed back
/// with UnsafeViewBackward0, as PyTorch records it).
Tensor matmul(const Tensor& a, const Tensor& b) {
  XGRAD_CHECK(a.dim() > 0 && b.dim() > 0, "both arguments to matmul need to be at least 1D, but they are {}D and {}D",
              a.dim(), b.dim());
  if (a.dim() == 1 && b.dim() == 1) return dot(a, b);
  if (a.dim() == 2 && b.dim() == 1) return mv(a, b);
  if (a.dim() == 1 && b.dim() == 2) {
    // PyTorch squeezes in place here (squeeze_), which records SqueezeBackward3.
    Tensor r = mm(a.unsqueeze(0), b);
    Tensor out;
    {
      NoGradGuard no_grad;
      out = r.squeeze(0);
    }
    return record("SqueezeBackward3", out, {r}, [](const Tensor& g) -> variable_list { return {g.unsqueeze(0)}; });
  }
  if (a.dim() == 2 && b.dim() == 2) return mm(a, b);
  if (a.dim() >= 3 && b.dim() <= 2) {
    // Fold a's batch dims into its rows: one mm.
    DimVector out_shape(a.sizes());
    out_shape.pop_back();
    if (b.dim() == 2) out_shape.push_back(b.size(1));
    Tensor a2 = a.reshape({-1, a.size(-1)});
    Tensor r = b.dim() == 2 ? mm(a2, b) : mv(a2, b);
    return detail::unsafe_view(r, out_shape);
  }
  // Batched: broadcast the batch dims, then one bmm.
  Tensor a3 = a.dim() == 1 ? a.unsqueeze(0) : a, b3 = b.dim() == 1 ? b.unsqueeze(1) : b;
  DimVector batch_a(a3.sizes()), batch_b(b3.sizes());
  batch_a.pop_back();
  batch_a.pop_back();
  batch_b.pop_back();
  batch_b.pop_back();
  DimVector batch = infer_size(batch_a, batch_b);
  int64_t nbatch = 1;
  for (int64_t s : batch) nbatch *= s;
  int64_t n = a3.size(-2), k = a3.size(-1), m = b3.size(-1);
  DimVector ea(batch), eb(batch);
  ea.push_back(n);
  ea.push_back(k);
  eb.push_back(k);
  eb.push_back(m);
  Tensor r = bmm(a3.expand(ea).reshape({nbatch, n, k}), b3.expand(eb).reshape({nbatch, k, m}));
  DimVector out_shape(batch);
  if (a.dim() > 1) out_shape.push_back(n);
  if (b.dim() > 1) out_shape.push_back(m);
  return detail::unsafe_view(r, out_shape);
}

}  // namespace xgrad
