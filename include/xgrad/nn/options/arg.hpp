// arg.hpp: XGRAD_ARG(T, name), the option setter/getter pair libtorch's TORCH_ARG makes:
// `options.name(value)` sets and returns the options (so calls chain), `options.name()` reads.
// Read next: options/loss.hpp.
#pragma once

#include <utility>

#define XGRAD_ARG(T, name)                                  \
 public:                                                    \
  inline auto name(const T& new_##name)->decltype(*this) {  \
    this->name##_ = new_##name;                             \
    return *this;                                           \
  }                                                         \
  inline auto name(T&& new_##name)->decltype(*this) {       \
    this->name##_ = std::move(new_##name);                  \
    return *this;                                           \
  }                                                         \
  inline const T& name() const noexcept { return this->name##_; } \
  inline T& name() noexcept { return this->name##_; }       \
                                                            \
 private:                                                   \
  T name##_
