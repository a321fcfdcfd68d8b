// schedulers.hpp: learning-rate schedules: StepLR, which multiplies every group's learning rate
// by gamma each step_size epochs (torch.optim.lr_scheduler.StepLR).
#pragma once

#include <vector>

#include "xgrad/optim/optimizer.hpp"

namespace xgrad::optim {

class LRScheduler {
 public:
  explicit LRScheduler(Optimizer& optimizer) : optimizer_(optimizer) {}
  virtual ~LRScheduler() = default;
  /// Call once per epoch, after the optimizer's steps.
  void step();
  /// The learning rate of each group, as last set.
  std::vector<double> get_last_lr() const;

 protected:
  virtual std::vector<double> get_lrs() = 0;
  std::vector<double> get_current_lrs() const;
  unsigned step_count_ = 0;
  Optimizer& optimizer_;
};

class StepLR : public LRScheduler {
 public:
  StepLR(Optimizer& optimizer, unsigned step_size, double gamma = 0.1);

 private:
  std::vector<double> get_lrs() override;
  unsigned step_size_;
  double gamma_;
};

}  // namespace xgrad::optim
