// optimizer.hpp: the optimizer base, libtorch's API: parameter groups (each with its own options),
// per-parameter state, zero_grad(), step(). The update rules are in sgd.hpp, adam.hpp, ...
// Read next: sgd.hpp.
#pragma once

#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "xgrad/core/tensor.hpp"
#include "xgrad/nn/options/arg.hpp"

namespace xgrad::optim {

/// The options every optimizer has: a learning rate (the rest is per optimizer).
class OptimizerOptions {
 public:
  virtual ~OptimizerOptions() = default;
  virtual std::unique_ptr<OptimizerOptions> clone() const = 0;
  virtual double get_lr() const = 0;
  virtual void set_lr(double lr) = 0;
};

/// Implements clone/get_lr/set_lr for an options struct with an `lr` argument.
template <class Derived>
class OptimizerCloneableOptions : public OptimizerOptions {
 public:
  std::unique_ptr<OptimizerOptions> clone() const override {
    return std::make_unique<Derived>(static_cast<const Derived&>(*this));
  }
  double get_lr() const override { return static_cast<const Derived&>(*this).lr(); }
  void set_lr(double lr) override { static_cast<Derived&>(*this).lr(lr); }
};

/// What an optimizer remembers about one parameter between steps (momentum, moments, ...).
class OptimizerParamState {
 public:
  virtual ~OptimizerParamState() = default;
};

/// Some parameters and, optionally, options that override the optimizer's defaults for them.
class OptimizerParamGroup {
 public:
  OptimizerParamGroup(std::vector<Tensor> params) : params_(std::move(params)) {}  // NOLINT
  OptimizerParamGroup(std::vector<Tensor> params, std::unique_ptr<OptimizerOptions> options)
      : params_(std::move(params)), options_(std::move(options)) {}
  OptimizerParamGroup(const OptimizerParamGroup& other)
      : params_(other.params_), options_(other.options_ ? other.options_->clone() : nullptr) {}
  OptimizerParamGroup& operator=(const OptimizerParamGroup& other) {
    params_ = other.params_;
    options_ = other.options_ ? other.options_->clone() : nullptr;
    return *this;
  }
  OptimizerParamGroup(OptimizerParamGroup&&) = default;
  OptimizerParamGroup& operator=(OptimizerParamGroup&&) = default;

  bool has_options() const { return options_ != nullptr; }
  OptimizerOptions& options() { return *options_; }
  const OptimizerOptions& options() const { return *options_; }
  void set_options(std::unique_ptr<OptimizerOptions> options) { options_ = std::move(options); }
  std::vector<Tensor>& params() { return params_; }
  const std::vector<Tensor>& params() const { return params_; }

 private:
  std::vector<Tensor> params_;
  std::unique_ptr<OptimizerOptions> options_;
};

class Optimizer {
 public:
  using LossClosure = std::function<Tensor()>;

  Optimizer(std::vector<OptimizerParamGroup> param_groups, std::unique_ptr<OptimizerOptions> defaults);
  virtual ~Optimizer() = default;

  /// Adds a group; a group without options takes a copy of the defaults.
  void add_param_group(const OptimizerParamGroup& param_group);
  /// One update of every parameter that has a gradient. If given, `closure` recomputes the loss
  /// (and its gradients) first, and its loss is returned.
  virtual Tensor step(LossClosure closure = nullptr) = 0;
  /// Sets every parameter's gradient to zero (or undefined, with set_to_none), as PyTorch 1.13.
  void zero_grad(bool set_to_none = false);

  std::vector<OptimizerParamGroup>& param_groups() noexcept { return param_groups_; }
  const std::vector<OptimizerParamGroup>& param_groups() const noexcept { return param_groups_; }
  std::unordered_map<const TensorImpl*, std::unique_ptr<OptimizerParamState>>& state() noexcept { return state_; }
  const OptimizerOptions& defaults() const noexcept { return *defaults_; }
  /// The number of parameters over all groups.
  size_t size() const noexcept;

 protected:
  /// The state of `param`, created by `make` on first use.
  template <class State>
  State& state_of(const Tensor& param) {
    auto& slot = state_[param.unsafeGetTensorImpl()];
    if (!slot) slot = std::make_unique<State>();
    return static_cast<State&>(*slot);
  }

  std::vector<OptimizerParamGroup> param_groups_;
  std::unordered_map<const TensorImpl*, std::unique_ptr<OptimizerParamState>> state_;
  std::unique_ptr<OptimizerOptions> defaults_;
};

}  // namespace xgrad::optim
