// sgd.cpp: SGD's step, element by element (the formula is in sgd.hpp): after backward has
// filled every parameter's .grad, step() moves each parameter against its gradient, in place.
// Read next: adam.cpp; then autograd/graph_view.hpp and trace.hpp, to watch a graph at work.
#include "xgrad/optim/sgd.hpp"

#include "optim/update.hpp"

namespace xgrad::optim {

SGD::SGD(std::vector<OptimizerParamGroup> param_groups, SGDOptions defaults)
    : Optimizer(std::move(param_groups), std::make_unique<SGDOptions>(defaults)) {
  XGRAD_CHECK(defaults.lr() >= 0, "Invalid learning rate: {}", defaults.lr());
  XGRAD_CHECK(defaults.momentum() >= 0, "Invalid momentum value: {}", defaults.momentum());
  XGRAD_CHECK(defaults.weight_decay() >= 0, "Invalid weight_decay value: {}", defaults.weight_decay());
  XGRAD_CHECK(!defaults.nesterov() || (defaults.momentum() > 0 && defaults.dampening() == 0),
              "Nesterov momentum requires a momentum and zero dampening");
}

Tensor SGD::step(LossClosure closure) {
  Tensor loss = detail::run_closure(closure);
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    const auto& o = static_cast<const SGDOptions&>(group.options());
    for (Tensor& p : group.params()) {
      if (!p.grad().defined()) continue;
      SGDParamState& state = state_of<SGDParamState>(p);
      const bool first = !state.momentum_buffer().defined();
      if (o.momentum() != 0 && first) state.momentum_buffer(zeros_like(p));
      detail::apply_update(p, p.grad(), {&state.momentum_buffer(), nullptr, nullptr}, [&](auto tag, int64_t n, auto arrays) {
        using T = decltype(tag);
        const T lr = static_cast<T>(o.lr()), wd = static_cast<T>(o.weight_decay()),
                momentum = static_cast<T>(o.momentum()), one_minus_dampening = static_cast<T>(1 - o.dampening());
        const bool decay = o.weight_decay() != 0, use_momentum = o.momentum() != 0, nesterov = o.nesterov();
        kernels::update_elements<T>(n, arrays, [=](auto& param, auto grad, auto& buf, auto&, auto&) {
          auto d = decay ? grad + param * wd : grad;
          if (use_momentum) {
            buf = first ? d : buf * momentum + d * one_minus_dampening;
            d = nesterov ? d + buf * momentum : buf;
          }
          param = param - d * lr;
        });
      });
    }
  }
  return loss;
}

}  // namespace xgrad::optim
