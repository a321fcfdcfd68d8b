// modules/functional.hpp: nn::Functional, a module that wraps a function Tensor -> Tensor (torch::relu,
// a lambda, or a function with its trailing arguments bound), as libtorch's container/functional.h.
// It has no parameters; it lets a plain function sit in a Sequential. Read next: modules/container.hpp.
#pragma once

#include <functional>
#include <type_traits>
#include <utility>

#include "xgrad/nn/module.hpp"

namespace xgrad::nn {

class FunctionalImpl : public Cloneable<FunctionalImpl> {
 public:
  using Function = std::function<Tensor(Tensor)>;

  /// Functional(torch::relu), Functional([](Tensor x) { return x * 2; }).
  explicit FunctionalImpl(Function function) : function_(std::move(function)) {}

  /// Functional(torch::elu, /*alpha=*/1, /*scale=*/0, /*input_scale=*/1): the input is the first
  /// argument, the rest are bound (std::bind), as libtorch's variadic constructor does.
  template <class SomeFunction, class... Args, class = std::enable_if_t<(sizeof...(Args) > 0)>>
  explicit FunctionalImpl(SomeFunction original_function, Args&&... args)
      : function_(std::bind(original_function, /*input=*/std::placeholders::_1, std::forward<Args>(args)...)) {}

  void reset() override {}
  void pretty_print(std::ostream& stream) const override { stream << "torch::nn::Functional()"; }

  /// Calls the wrapped function on the input.
  Tensor forward(Tensor input) { return function_(std::move(input)); }
  Tensor operator()(Tensor input) { return forward(std::move(input)); }

 private:
  Function function_;
};
TORCH_MODULE(Functional);

}  // namespace xgrad::nn
