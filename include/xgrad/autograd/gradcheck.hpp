// gradcheck.hpp: checking a backward formula against finite differences (PyTorch's
// torch.autograd.gradcheck, here in C++). Every differentiable op's test uses it; learners can
// use it on their own functions. Read next: graph_view.hpp.
#pragma once

#include <functional>

#include "xgrad/core/tensor.hpp"

namespace xgrad::autograd {

/// Thrown when the analytical and numerical Jacobians disagree; the message shows both.
class GradcheckError : public Error {
 public:
  using Error::Error;
};

/// Compares, for every input that requires grad, the Jacobian computed by backward with central
/// differences (f(x + eps) - f(x - eps)) / (2 eps). Inputs should be float64 (float32 is too coarse
/// for eps = 1e-6). An element passes if |analytical - numerical| <= atol + rtol * |numerical|.
/// Returns true, or throws GradcheckError (or returns false when raise_exception is false).
bool gradcheck(const std::function<Tensor(const variable_list&)>& fn, const variable_list& inputs, double eps = 1e-6,
               double atol = 1e-5, double rtol = 1e-3, bool raise_exception = true);

/// The same check on the gradient itself: gradcheck of x -> d(fn)/dx with create_graph, which
/// tests double backward. `grad_outputs` weight the outputs (ones when empty).
bool gradgradcheck(const std::function<Tensor(const variable_list&)>& fn, const variable_list& inputs, double eps = 1e-6,
                   double atol = 1e-5, double rtol = 1e-3, bool raise_exception = true);

}  // namespace xgrad::autograd
