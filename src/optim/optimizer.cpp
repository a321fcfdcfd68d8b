// optimizer.cpp: the Optimizer base and the learning-rate schedulers.
#include "xgrad/optim/optimizer.hpp"

#include "xgrad/optim/schedulers.hpp"

namespace xgrad::optim {

Optimizer::Optimizer(std::vector<OptimizerParamGroup> param_groups, std::unique_ptr<OptimizerOptions> defaults)
    : defaults_(std::move(defaults)) {
  for (const auto& group : param_groups) add_param_group(group);
}

void Optimizer::add_param_group(const OptimizerParamGroup& param_group) {
  OptimizerParamGroup group(param_group.params(),
                            param_group.has_options() ? param_group.options().clone() : defaults_->clone());
  for (const Tensor& p : group.params()) {
    XGRAD_CHECK(p.is_leaf(), "can't optimize a non-leaf Tensor");
    for (const auto& other : param_groups_)
      for (const Tensor& q : other.params())
        XGRAD_CHECK(!p.is_same(q), "some parameters appear in more than one parameter group");
  }
  param_groups_.push_back(std::move(group));
}

void Optimizer::zero_grad(bool set_to_none) {
  for (auto& group : param_groups_)
    for (Tensor& p : group.params()) {
      Tensor& g = p.mutable_grad();
      if (!g.defined()) continue;
      if (set_to_none) {
        g = Tensor();
      } else {
        if (g.grad_fn()) g = g.detach();
        g.zero_();
      }
    }
}

size_t Optimizer::size() const noexcept {
  size_t n = 0;
  for (const auto& group : param_groups_) n += group.params().size();
  return n;
}

void LRScheduler::step() {
  ++step_count_;
  std::vector<double> lrs = get_lrs();
  for (size_t i = 0; i < optimizer_.param_groups().size(); ++i) optimizer_.param_groups()[i].options().set_lr(lrs[i]);
}

std::vector<double> LRScheduler::get_current_lrs() const {
  std::vector<double> lrs;
  for (const auto& group : optimizer_.param_groups()) lrs.push_back(group.options().get_lr());
  return lrs;
}

std::vector<double> LRScheduler::get_last_lr() const { return get_current_lrs(); }

StepLR::StepLR(Optimizer& optimizer, unsigned step_size, double gamma)
    : LRScheduler(optimizer), step_size_(step_size), gamma_(gamma) {
  XGRAD_CHECK(step_size > 0, "step_size must be positive");
}

std::vector<double> StepLR::get_lrs() {
  std::vector<double> lrs = get_current_lrs();
  if (step_count_ == 0 || step_count_ % step_size_ != 0) return lrs;
  for (double& lr : lrs) lr *= gamma_;
  return lrs;
}

}  // namespace xgrad::optim
