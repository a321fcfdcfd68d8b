// gradcheck.cpp: the Jacobian two ways. Numerical: nudge each input element by +-eps and watch
// every output element move. Analytical: backward once per output element with a one-hot
// gradient, which yields one row of the Jacobian. Read next: src/ops/elementwise.cpp.
#include "xgrad/autograd/gradcheck.hpp"

#include <cmath>
#include <vector>

#include "xgrad/autograd/engine.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/format.hpp"
#include "xgrad/core/grad_mode.hpp"

namespace xgrad::autograd {

namespace {

/// The address of element `i` (row-major position) of a tensor of any strides.
double& element(const Tensor& t, int64_t i) {
  int64_t off = 0;
  for (int64_t d = t.dim() - 1; d >= 0; --d) {
    off += (i % t.size(d)) * t.stride(d);
    i /= t.size(d);
  }
  return t.data_ptr<double>()[off];
}

std::vector<double> values_of(const Tensor& t) {
  Tensor c = t.detach().to(kDouble).contiguous();
  const double* p = c.data_ptr<double>();
  return std::vector<double>(p, p + c.numel());
}

Tensor as_tensor(const std::vector<double>& v, int64_t rows, int64_t cols) {
  Tensor t = zeros({rows, cols}, kDouble);
  std::copy(v.begin(), v.end(), t.data_ptr<double>());
  return t;
}

}  // namespace

bool gradcheck(const std::function<Tensor(const variable_list&)>& fn, const variable_list& inputs, double eps,
               double atol, double rtol, bool raise_exception) {
  Tensor out = fn(inputs);
  XGRAD_CHECK(out.defined(), "gradcheck: the function returned an undefined tensor");
  const int64_t n_out = out.numel();
  variable_list diff;
  std::vector<size_t> diff_index;
  for (size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i].defined() && inputs[i].requires_grad()) {
      XGRAD_CHECK(inputs[i].scalar_type() == kDouble,
                  "gradcheck: input {} is {}; use float64 inputs, float32 is too coarse for finite differences", i,
                  dtype_name(inputs[i].scalar_type()));
      diff.push_back(inputs[i]);
      diff_index.push_back(i);
    }
  XGRAD_CHECK(!diff.empty(), "gradcheck expects at least one input tensor to require gradient");

  // Analytical: row k of the Jacobian is the gradient of output element k.
  std::vector<std::vector<double>> analytical(diff.size());
  for (size_t j = 0; j < diff.size(); ++j) analytical[j].assign(static_cast<size_t>(n_out * diff[j].numel()), 0);
  if (out.requires_grad()) {
    for (int64_t k = 0; k < n_out; ++k) {
      Tensor go = zeros(out.sizes(), out.scalar_type());
      go.reshape({-1}).select(0, k).fill_(1);
      variable_list grads = grad({out}, diff, {go}, /*retain_graph=*/true, false, /*allow_unused=*/true);
      for (size_t j = 0; j < diff.size(); ++j) {
        if (!grads[j].defined()) continue;
        std::vector<double> row = values_of(grads[j]);
        for (size_t e = 0; e < row.size(); ++e) analytical[j][k * row.size() + e] = row[e];
      }
    }
  }

  // Numerical: column e of the Jacobian from nudging input element e.
  for (size_t j = 0; j < diff.size(); ++j) {
    const Tensor& x = diff[j];
    const int64_t n_in = x.numel();
    std::vector<double> numerical(static_cast<size_t>(n_out * n_in), 0);
    for (int64_t e = 0; e < n_in; ++e) {
      double& v = element(x, e);
      const double orig = v;
      std::vector<double> plus, minus;
      {
        NoGradGuard no_grad;
        v = orig + eps;
        plus = values_of(fn(inputs));
        v = orig - eps;
        minus = values_of(fn(inputs));
        v = orig;
      }
      for (int64_t k = 0; k < n_out; ++k) numerical[k * n_in + e] = (plus[k] - minus[k]) / (2 * eps);
    }
    for (size_t idx = 0; idx < numerical.size(); ++idx) {
      double a = analytical[j][idx], num = numerical[idx];
      bool ok = std::fabs(a - num) <= atol + rtol * std::fabs(num) || (std::isnan(a) && std::isnan(num));
      if (ok) continue;
      if (!raise_exception) return false;
      throw GradcheckError(fmt::format("Jacobian mismatch for output 0 with respect to input {},\nnumerical:{}\nanalytical:{}\n",
                                       diff_index[j], repr(as_tensor(numerical, n_out, n_in)),
                                       repr(as_tensor(analytical[j], n_out, n_in))));
    }
  }
  return true;
}

bool gradgradcheck(const std::function<Tensor(const variable_list&)>& fn, const variable_list& inputs, double eps,
                   double atol, double rtol, bool raise_exception) {
  // The function under test becomes x -> sum of d(fn)/dx (with a fixed random-free weighting).
  auto first_grad = [&fn](const variable_list& xs) -> Tensor {
    AutoGradMode enable(true);  // the first derivative needs autograd, even while gradcheck nudges inputs
    Tensor out = fn(xs);
    variable_list diff;
    for (const Tensor& x : xs)
      if (x.defined() && x.requires_grad()) diff.push_back(x);
    Tensor go = ones_like(out);
    variable_list g = grad({out}, diff, {go}, true, /*create_graph=*/true, true);
    Tensor total;
    for (size_t i = 0; i < g.size(); ++i) {
      if (!g[i].defined()) continue;
      // Weight each element differently so that no second derivative can cancel out.
      Tensor w = arange(1, g[i].numel() + 1, kDouble).reshape(g[i].sizes()) / static_cast<double>(g[i].numel());
      Tensor term = (g[i] * w).sum();
      total = total.defined() ? total + term : term;
    }
    return total.defined() ? total : zeros({}, kDouble);
  };
  return gradcheck(first_grad, inputs, eps, atol, rtol, raise_exception);
}

}  // namespace xgrad::autograd
