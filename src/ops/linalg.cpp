// linalg.cpp: mm, bmm, mv, dot, matmul, addmm, baddbmm and addbmm. The derivative of C = A @ B is
// dA = dC @ B^T and dB = A^T @ dC; the transposes are views, handed to BLAS without copying. The
// backward formulas are PyTorch's (tools/autograd/derivatives.yaml and FunctionsManual.cpp), so
// the graph a create_graph backward records is PyTorch's too, and matmul takes PyTorch 1.13's
// paths (dot, mv, mm, folded mm/mv, or bmm over broadcast batch dims) with their grad_fn chains.
// Read next: src/kernels/gemm.hpp (how BLAS reads a strided matrix), then the nn/ folder.
#include "xgrad/ops/linalg.hpp"

#include "kernels/gemm.hpp"
#include "ops/inplace.hpp"
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

/// Same dtypes, and one PyTorch's CPU kernel `kernel` has: not bool, not float16.
void check_same_dtype(const Tensor& a, const Tensor& b, const char* kernel = "addmm_impl_cpu_") {
  XGRAD_CHECK(a.scalar_type() == b.scalar_type(), "expected scalar type {} but found {}", scalar_type_name(a.scalar_type()),
              scalar_type_name(b.scalar_type()));
  XGRAD_CHECK(a.scalar_type() != kBool && a.scalar_type() != kHalf, "\"{}\" not implemented for '{}'", kernel,
              scalar_type_name(a.scalar_type()));
}

/// A 2-d or 3-d tensor as the kernel takes it: a batch of strided matrices (one for 2-d). When
/// BLAS cannot read the matrices' strides (Note [BLAS layouts] in kernels/blas.hpp), they are
/// copied to a contiguous buffer first, which `keep_alive` holds; a broadcast batch (stride 0)
/// is copied as the one matrix it is.
template <class T>
kernels::BatchRef<T> operand(const Tensor& t, Tensor& keep_alive) {
  NoGradGuard no_grad;  // select() below is a raw step, not part of the graph
  const bool batched = t.dim() == 3;
  const int64_t batch = batched ? t.size(0) : 1, bs = batched && batch > 1 ? t.stride(0) : 0;
  const int64_t r = t.size(-2), c = t.size(-1);
  kernels::BatchRef<T> ref{{t.data_ptr<T>(), r, c, t.stride(-2), t.stride(-1)}, batch, bs};
  if (t.numel() == 0) return {{ref.matrix.data, r, c, std::max<int64_t>(c, 1), 1}, batch, 0};  // nothing is read
  if (!std::is_floating_point<T>::value || kernels::blas_operand(ref.matrix).readable) return ref;
  const bool one_matrix = bs == 0;
  keep_alive = detail::contiguous_raw(one_matrix && batched ? t.select(0, 0) : t, /*force=*/true);
  return {{keep_alive.data_ptr<T>(), r, c, c, 1}, batch, one_matrix ? 0 : r * c};
}

/// Kernel errors name the op and its operands' shapes: a BLAS error is always xgrad's bug, and
/// this is what a bug report needs.
[[noreturn]] void rethrow(const kernels::BlasError& e, const char* op, const Tensor& a, const Tensor& b) {
  throw Error(fmt::format("{}: {} for operands of shapes {} and {} (strides {} and {}); please report this", op,
                          e.what(), format_sizes(a.sizes()), format_sizes(b.sizes()), format_sizes(a.strides()),
                          format_sizes(b.strides())));
}

/// out = beta * out + alpha * a @ b in bfloat16 as PyTorch 1.13's CPU kernels compute it: when b is
/// column-major and a row-major (a Linear layer's x @ W^T), dot products in float32 rounded once;
/// otherwise (its gemm_notrans_ and friends) out accumulates one product at a time, each product
/// rounded to bfloat16 and each sum rounded again. Checked against torch.mm, mv, dot and bmm.
void bfloat16_gemm(const char* op, const Tensor& out, const Tensor& a, const Tensor& b, const Scalar& alpha,
                   const Scalar& beta);

/// out (contiguous, m x n) = alpha * a @ b + beta * out (beta == 0: out's values are ignored).
/// Integer dtypes multiply in int64 and wrap (see Note [Compute dtypes] in pointwise.hpp), so the
/// kernels are compiled for int64, float and double only.
void gemm_into(const char* op, const Tensor& out, const Tensor& a, const Tensor& b, const Scalar& alpha,
               const Scalar& beta) {
  const ScalarType dtype = a.scalar_type(), wide = detail::compute_dtype(dtype);
  if (dtype == kBFloat16) return bfloat16_gemm(op, out, a, b, alpha, beta);
  if (wide != dtype) {
    Tensor out_wide = detail::convert(out, wide);
    gemm_into(op, out_wide, detail::convert(a, wide), detail::convert(b, wide), detail::checked_scalar_in(alpha, dtype),
              detail::checked_scalar_in(beta, dtype));
    detail::copy_raw(out, out_wide);
    return;
  }
  detail::visit_compute(dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (!std::is_same<T, bool>::value) {
      Tensor ka, kb;
      try {
        const int64_t ldc = std::max<int64_t>(out.size(1), 1);
        kernels::gemm<T>(operand<T>(a, ka).matrix, operand<T>(b, kb).matrix, out.data_ptr<T>(), ldc, alpha.to<T>(),
                         beta.to<T>());
      } catch (const kernels::BlasError& e) {
        rethrow(e, op, a, b);
      }
    }
  });
}

/// a @ b for matrices, no graph; `op` names the op in error messages.
Tensor mm_raw(const Tensor& a, const Tensor& b, const char* op = "mm") {
  Tensor out = detail::make_empty({a.size(0), b.size(1)}, a.scalar_type());
  gemm_into(op, out, a, b, 1, 0);
  return out;
}

void bfloat16_gemm(const char* op, const Tensor& out, const Tensor& a, const Tensor& b, const Scalar& alpha,
                   const Scalar& beta) {
  const bool b_column_major = b.size(1) > 1 && b.stride(0) == 1 && b.stride(1) != 1;
  const bool a_row_major = a.size(1) <= 1 || a.stride(1) == 1;
  const int64_t m = a.size(0), k = a.size(1), n = b.size(1);
  const float al = alpha.to<float>(), be = beta.to<float>();
  Tensor af = detail::convert(a, kFloat), bf = detail::convert(b, kFloat);
  if (b_column_major && a_row_major) {
    Tensor outf = detail::convert(out, kFloat);
    gemm_into(op, outf, af, bf, al, be);
    detail::copy_raw(out, outf);
    return;
  }
  Tensor c = detail::contiguous_raw(out, /*force=*/true);
  BFloat16* cp = c.data_ptr<BFloat16>();
  const float* ap = af.data_ptr<float>();
  const float* bp = bf.data_ptr<float>();
  if (be == 0)
    std::fill(cp, cp + m * n, BFloat16(0.0f));
  else if (be != 1)
    for (int64_t i = 0; i < m * n; ++i) cp[i] = static_cast<float>(cp[i]) * be;
  for (int64_t l = 0; l < k; ++l)
    for (int64_t j = 0; j < n; ++j) {
      const float val = bp[l * n + j] * al;
      for (int64_t i = 0; i < m; ++i) cp[i * n + j] += BFloat16(ap[i * k + l] * val);
    }
  detail::copy_raw(out, c);
}

/// out[i] = alpha * a[i] @ b[i] + beta * out[i] for 3-d a and b (batch strides may be 0: a
/// broadcast batch) into a contiguous 3-d out; beta == 0 ignores out's values.
void bmm_into(const char* op, const Tensor& out, const Tensor& a, const Tensor& b, const Scalar& alpha,
              const Scalar& beta) {
  if (detail::compute_dtype(a.scalar_type()) != a.scalar_type()) {  // one product at a time (see gemm_into)
    NoGradGuard no_grad;
    for (int64_t i = 0; i < a.size(0); ++i) gemm_into(op, out.select(0, i), a.select(0, i), b.select(0, i), alpha, beta);
    return;
  }
  detail::visit_compute(a.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (!std::is_same<T, bool>::value) {
      Tensor ka, kb;
      try {
        kernels::gemm_batched<T>(operand<T>(a, ka), operand<T>(b, kb), out.data_ptr<T>(), alpha.to<T>(), beta.to<T>());
      } catch (const kernels::BlasError& e) {
        rethrow(e, op, a, b);
      }
    }
  });
}

/// out[i] = a[i] @ b[i] for 3-d a and b, no graph.
Tensor bmm_raw(const Tensor& a, const Tensor& b) {
  Tensor out = detail::make_empty({a.size(0), a.size(1), b.size(2)}, a.scalar_type());
  bmm_into("bmm", out, a, b, 1, 0);
  return out;
}

/// PyTorch's maybe_multiply: t * s, recorded as MulBackward1, unless s is 1.
Tensor maybe_multiply(const Tensor& t, const Scalar& s) { return s.toDouble() == 1 ? t : detail::mul_scalar_aten(t, s); }

/// Whether a matrix of these sizes and strides is column-major (its transpose is contiguous).
/// PyTorch's mm backward then computes the gradient column-major too, as the transpose of a
/// product, so its graph ends in TBackward0; so does ours.
bool column_major(IntArrayRef sizes, IntArrayRef strides) { return strides[0] == 1 && strides[1] == sizes[0]; }

/// d(mat1 @ mat2)/d(mat1) for the upstream gradient g: alpha * g @ mat2^T (PyTorch's mm_mat1_backward).
Tensor mm_mat1_backward(const Tensor& g, const Tensor& mat2, IntArrayRef sizes, IntArrayRef strides, const Scalar& alpha) {
  if (column_major(sizes, strides)) return maybe_multiply(mm(mat2, g.t()).t(), alpha);
  return maybe_multiply(mm(g, mat2.t()), alpha);
}

/// d(mat1 @ mat2)/d(mat2) for the upstream gradient g: alpha * mat1^T @ g (PyTorch's mm_mat2_backward).
Tensor mm_mat2_backward(const Tensor& g, const Tensor& mat1, IntArrayRef sizes, IntArrayRef strides, const Scalar& alpha) {
  if (column_major(sizes, strides)) return maybe_multiply(mm(g.t(), mat1).t(), alpha);
  return maybe_multiply(mm(mat1.t(), g), alpha);
}

}  // namespace

/// mm(a, b) = a @ b for matrices      d/da = grad @ b^T, d/db = a^T @ grad      saves: a, b
/// (and a's and b's strides, which decide the layout of the gradient, as in PyTorch)
Tensor mm(const Tensor& a, const Tensor& b) {
  XGRAD_CHECK(a.dim() == 2, "self must be a matrix");
  XGRAD_CHECK(b.dim() == 2, "mat2 must be a matrix");
  XGRAD_CHECK(a.size(1) == b.size(0), "mat1 and mat2 shapes cannot be multiplied ({}x{} and {}x{})", a.size(0),
              a.size(1), b.size(0), b.size(1));
  check_same_dtype(a, b);
  DimVector as(a.sizes()), ast(a.strides()), bs(b.sizes()), bst(b.strides());
  return record("MmBackward0", mm_raw(a, b), {a, b}, save(a, b),
                [as, ast, bs, bst](const Tensor& g, const Tensor& a, const Tensor& b) {
                  return variable_list{needs_input_grad(0) ? mm_mat1_backward(g, b, as, ast, 1) : Tensor(),
                                       needs_input_grad(1) ? mm_mat2_backward(g, a, bs, bst, 1) : Tensor()};
                });
}

/// addmm(c, a, b, beta, alpha) = beta * c + alpha * (a @ b), c broadcast to the product's shape
/// d/dc = beta * grad, d/da = alpha * grad @ b^T, d/db = alpha * a^T @ grad      saves: a, b
Tensor addmm(const Tensor& c, const Tensor& a, const Tensor& b, const Scalar& beta, const Scalar& alpha) {
  XGRAD_CHECK(a.dim() == 2, "mat1 must be a matrix, got {}-D tensor", a.dim());
  XGRAD_CHECK(b.dim() == 2, "mat2 must be a matrix, got {}-D tensor", b.dim());
  XGRAD_CHECK(a.size(1) == b.size(0), "mat1 and mat2 shapes cannot be multiplied ({}x{} and {}x{})", a.size(0),
              a.size(1), b.size(0), b.size(1));
  check_same_dtype(a, b);
  check_same_dtype(a, c);
  Tensor out = detail::make_empty({a.size(0), b.size(1)}, a.scalar_type());
  if (beta.toDouble() == 0)
    detail::fill_raw(out, 0);  // PyTorch ignores c then, NaN and infinity included
  else
    detail::copy_raw(out, c.expand({a.size(0), b.size(1)}).detach());  // c broadcast into the result, then gemm adds
  gemm_into("addmm", out, a, b, alpha, beta);
  DimVector as(a.sizes()), ast(a.strides()), bs(b.sizes()), bst(b.strides());
  return record("AddmmBackward0", out, {c, a, b}, save(a, b),
                [alpha, beta, as, ast, bs, bst](const Tensor& g, const Tensor& a, const Tensor& b) -> variable_list {
                  return {needs_input_grad(0) ? maybe_multiply(g, beta) : Tensor(),
                          needs_input_grad(1) ? mm_mat1_backward(g, b, as, ast, alpha) : Tensor(),
                          needs_input_grad(2) ? mm_mat2_backward(g, a, bs, bst, alpha) : Tensor()};
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
  check_same_dtype(a, b, "bmm");
  return record("BmmBackward0", bmm_raw(a, b), {a, b}, save(a, b), [](const Tensor& g, const Tensor& a, const Tensor& b) {
    return variable_list{needs_input_grad(0) ? bmm(g, b.transpose(1, 2)) : Tensor(),
                         needs_input_grad(1) ? bmm(a.transpose(1, 2), g) : Tensor()};
  });
}

/// baddbmm(c, a, b, beta, alpha)[i] = beta * c[i] + alpha * (a[i] @ b[i]), c broadcast to (B, n, p)
/// d/dc = beta * grad, d/da = alpha * grad @ b^T, d/db = alpha * a^T @ grad (per batch)   saves: a, b
/// With beta == 0, c is ignored (NaN and infinity in it included), as PyTorch does.
Tensor baddbmm(const Tensor& c, const Tensor& a, const Tensor& b, const Scalar& beta, const Scalar& alpha) {
  const DimVector shape{a.size(0), a.size(1), b.size(2)};  // IndexError first, as PyTorch's expand_size
  const Tensor c_expanded = c.expand(shape);
  XGRAD_CHECK(c.scalar_type() == a.scalar_type(), "expected scalar type {} but found {}", scalar_type_name(c.scalar_type()),
              scalar_type_name(a.scalar_type()));
  XGRAD_CHECK(c.scalar_type() == b.scalar_type(), "expected scalar type {} but found {}", scalar_type_name(c.scalar_type()),
              scalar_type_name(b.scalar_type()));
  XGRAD_CHECK(a.dim() == 3, "batch1 must be a 3D tensor");
  XGRAD_CHECK(b.dim() == 3, "batch2 must be a 3D tensor");
  XGRAD_CHECK(b.size(0) == a.size(0) && b.size(1) == a.size(2),
              "Expected size for first two dimensions of batch2 tensor to be: [{}, {}] but got: [{}, {}].", a.size(0),
              a.size(2), b.size(0), b.size(1));
  check_same_dtype(a, b, "baddbmm");
  Tensor out = detail::make_empty(shape, a.scalar_type());
  if (beta.toDouble() == 0)
    detail::fill_raw(out, 0);
  else
    detail::copy_raw(out, c_expanded.detach());
  bmm_into("baddbmm", out, a, b, alpha, beta);
  return record("BaddbmmBackward0", out, {c, a, b}, save(a, b),
                [alpha, beta](const Tensor& g, const Tensor& a, const Tensor& b) -> variable_list {
                  return {needs_input_grad(0) ? maybe_multiply(g, beta) : Tensor(),
                          needs_input_grad(1) ? maybe_multiply(bmm(g, b.transpose(1, 2)), alpha) : Tensor(),
                          needs_input_grad(2) ? maybe_multiply(bmm(a.transpose(1, 2), g), alpha) : Tensor()};
                });
}

/// addbmm(c, a, b, beta, alpha) = beta * c + alpha * sum_i a[i] @ b[i], c broadcast to (n, p)
/// d/dc = beta * grad, d/da[i] = alpha * grad @ b[i]^T, d/db[i] = alpha * a[i]^T @ grad   saves: a, b
/// The sum is accumulated one product at a time into the result, as PyTorch's addbmm does.
Tensor addbmm(const Tensor& c, const Tensor& a, const Tensor& b, const Scalar& beta, const Scalar& alpha) {
  const DimVector shape{a.size(1), b.size(2)};  // IndexError first, as PyTorch's expand_size
  const Tensor c_expanded = c.expand(shape);
  XGRAD_CHECK(a.dim() == 3, "batch1 must be a 3D tensor");
  XGRAD_CHECK(b.dim() == 3, "batch2 must be a 3D tensor");
  XGRAD_CHECK(a.size(0) == b.size(0), "batch1 and batch2 must have same number of batches, got {} and {}", a.size(0),
              b.size(0));
  XGRAD_CHECK(a.size(2) == b.size(1), "Incompatible matrix sizes for bmm ({}x{} and {}x{})", a.size(1), a.size(2),
              b.size(1), b.size(2));
  Tensor out = detail::make_empty(shape, c.scalar_type());
  if (beta.toDouble() == 0)
    detail::fill_raw(out, 0);
  else
    detail::copy_raw(out, c_expanded.detach());
  if (a.size(0) > 0) {  // PyTorch's per-batch addmm_ checks the dtypes (not reached for an empty batch)
    XGRAD_CHECK(c.scalar_type() == b.scalar_type(), "self and mat2 must have the same dtype");
    XGRAD_CHECK(a.scalar_type() == b.scalar_type(), "mat1 and mat2 must have the same dtype");
    check_same_dtype(a, b);
  } else if (beta.toDouble() != 0 && beta.toDouble() != 1) {
    NoGradGuard no_grad;
    detail::copy_raw(out, detail::mul_scalar_aten(out, beta));
  }
  {
    NoGradGuard no_grad;
    Scalar step_beta = beta;
    for (int64_t i = 0; i < a.size(0); ++i) {
      gemm_into("addbmm", out, a.select(0, i), b.select(0, i), alpha, step_beta);
      step_beta = 1;  // accumulate into the result after the first product
    }
  }
  return record("AddbmmBackward0", out, {c, a, b}, save(a, b),
                [alpha, beta](const Tensor& g, const Tensor& a, const Tensor& b) -> variable_list {
                  const Tensor ge = needs_input_grad(1) || needs_input_grad(2)
                                        ? g.unsqueeze(0).expand({a.size(0), a.size(1), b.size(2)})
                                        : Tensor();
                  return {needs_input_grad(0) ? maybe_multiply(g, beta) : Tensor(),
                          needs_input_grad(1) ? maybe_multiply(bmm(ge, b.transpose(1, 2)), alpha) : Tensor(),
                          needs_input_grad(2) ? maybe_multiply(bmm(a.transpose(1, 2), ge), alpha) : Tensor()};
                });
}

/// self.baddbmm_(a, b, beta, alpha) and self.addbmm_(...): the ops above written into self (no
/// broadcasting of self), recorded as in-place ops (Note [In-place ops and autograd]).
Tensor& Tensor::baddbmm_(const Tensor& b1, const Tensor& b2, const Scalar& beta, const Scalar& alpha) const {
  Tensor& self = mutable_this();
  return detail::inplace_with_autograd(self, {b1, b2}, [&](const Tensor& s) {
    return xgrad::baddbmm(s, detail::alias_for_inplace(b1, self), detail::alias_for_inplace(b2, self), beta, alpha);
  });
}

Tensor& Tensor::addbmm_(const Tensor& b1, const Tensor& b2, const Scalar& beta, const Scalar& alpha) const {
  Tensor& self = mutable_this();
  return detail::inplace_with_autograd(self, {b1, b2}, [&](const Tensor& s) {
    return xgrad::addbmm(s, detail::alias_for_inplace(b1, self), detail::alias_for_inplace(b2, self), beta, alpha);
  });
}

/// mv(a, v) = a @ v      d/da = outer(grad, v) = grad[:, None] * v, d/dv = a^T @ grad      saves: a, v
Tensor mv(const Tensor& a, const Tensor& v) {
  XGRAD_CHECK(a.dim() == 2 && v.dim() == 1, "vector + matrix @ vector expected, got 1, {}, {}", a.dim(), v.dim());
  XGRAD_CHECK(a.size(1) == v.size(0), "size mismatch, got {}, {}x{},{}", a.size(0), a.size(0), a.size(1), v.size(0));
  check_same_dtype(a, v, "addmv_impl_cpu");
  Tensor out;
  {
    NoGradGuard no_grad;
    out = mm_raw(a, v.unsqueeze(1), "mv").view({a.size(0)});
  }
  return record("MvBackward0", out, {a, v}, save(a, v), [](const Tensor& g, const Tensor& a, const Tensor& v) {
    return variable_list{needs_input_grad(0) ? g.reshape({g.size(0), 1}) * v : Tensor(),
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
  check_same_dtype(a, b, "dot");
  Tensor out;
  {
    NoGradGuard no_grad;
    out = mm_raw(a.unsqueeze(0), b.unsqueeze(1), "dot").view({});
  }
  return record("DotBackward0", out, {a, b}, save(a, b), [](const Tensor& g, const Tensor& a, const Tensor& b) {
    return variable_list{needs_input_grad(0) ? g * b : Tensor(), needs_input_grad(1) ? g * a : Tensor()};
  });
}

Tensor adjoint(const Tensor& x) {
  if (x.is_complex()) throw_not_implemented_for(x.scalar_type(), "adjoint (conjugation)");
  XGRAD_CHECK(x.dim() >= 2, "tensor.adjoint() is only supported on matrices or batches of matrices. Got {}-D tensor.",
              x.dim());
  return transpose(x, -2, -1);
}

namespace {

/// PyTorch 1.13's should_fold: whether a product of a >= 3-d `t1` with a 1-d or 2-d operand is
/// done as one mm (or mv) over t1 folded into a matrix. Not when t1 is a 3-d batch of transposed
/// matrices stored batch-major (folding would copy; bmm reads each matrix transposed).
bool should_fold(const Tensor& t1, int64_t dim2) {
  if (!(t1.dim() >= 3 && (dim2 == 1 || dim2 == 2))) return false;
  return !(t1.dim() == 3 && dim2 == 2 && t1.stride(-1) != 1 && t1.stride(0) == t1.size(1) * t1.size(2));
}

}  // namespace

/// matmul(a, b), numpy's rules, by PyTorch 1.13's paths: dot, mv, mm; a >= 3-d operand with a
/// 1-d or 2-d one folded into one mm or mv (transposed when the larger one is on the right);
/// otherwise bmm over the broadcast batch dims. Results are viewed back with UnsafeViewBackward0,
/// as PyTorch records them.
Tensor matmul(const Tensor& a, const Tensor& b) {
  const int64_t da = a.dim(), db = b.dim();
  XGRAD_CHECK(da > 0 && db > 0, "both arguments to matmul need to be at least 1D, but they are {}D and {}D", da, db);
  if (da == 1 && db == 1) return dot(a, b);
  if (da == 2 && db == 1) return mv(a, b);
  if (da == 1 && db == 2) {
    // PyTorch squeezes in place here (squeeze_), which records SqueezeBackward3.
    Tensor r = mm(a.unsqueeze(0), b);
    Tensor out;
    {
      NoGradGuard no_grad;
      out = r.squeeze(0);
    }
    return record("SqueezeBackward3", out, {r}, [](const Tensor& g) -> variable_list { return {g.unsqueeze(0)}; });
  }
  if (da == 2 && db == 2) return mm(a, b);
  if (should_fold(a, db) || should_fold(b, da)) {
    // t1 (>= 3-d) @ t2 (1-d or 2-d); when the larger operand is b, compute (b^T @ a^T)^T.
    const bool transpose = db > da;
    const Tensor t1 = transpose ? b.mT() : a;
    const Tensor t2 = !transpose ? b : da == 2 ? a.t() : a;
    DimVector out_shape(t1.sizes());
    out_shape.pop_back();
    int64_t folded = 1;
    for (int64_t s : out_shape) folded *= s;
    const Tensor t1_folded = t1.reshape({folded, t1.size(-1)});
    if (t2.dim() == 2) {
      out_shape.push_back(t2.size(1));
      Tensor out = detail::unsafe_view(mm(t1_folded, t2), out_shape);
      return transpose ? out.mT().contiguous() : out;
    }
    return detail::unsafe_view(mv(t1_folded, t2), out_shape);
  }
  // Batched: broadcast the batch dims, then one bmm.
  const int64_t n = da > 1 ? a.size(-2) : 1, k = a.size(-1);
  const int64_t k2 = db > 1 ? b.size(-2) : b.size(0), p = db > 1 ? b.size(-1) : 1;
  DimVector batch_a, batch_b;
  for (int64_t d = 0; d + 2 < da; ++d) batch_a.push_back(a.size(d));
  for (int64_t d = 0; d + 2 < db; ++d) batch_b.push_back(b.size(d));
  DimVector out_shape = infer_size(batch_a, batch_b);
  int64_t nbatch = 1;
  for (int64_t s : out_shape) nbatch *= s;
  DimVector ea(out_shape), eb(out_shape);
  ea.push_back(n);
  ea.push_back(k);
  eb.push_back(k2);
  if (db > 1) eb.push_back(p);
  const Tensor a3 = a.expand(ea).reshape({nbatch, n, k});
  const Tensor b3 = db == 1 ? b.expand(eb).reshape({nbatch, k2}).unsqueeze(2) : b.expand(eb).reshape({nbatch, k2, p});
  if (da > 1) out_shape.push_back(n);
  if (db > 1) out_shape.push_back(p);
  Tensor r = bmm(a3, b3);
  return detail::unsafe_view(db == 1 ? r.squeeze(-1) : r, out_shape);
}

}  // namespace xgrad
