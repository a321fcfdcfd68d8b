// optional.hpp: c10's names for std::optional, which libtorch code writes as c10::optional,
// c10::nullopt and c10::make_optional (c10's own optional has std::optional's interface).
// Read next: string_util.hpp.
#pragma once

#include <optional>

namespace xgrad {

template <class T>
using optional = std::optional<T>;
using std::bad_optional_access;
using std::make_optional;
using std::nullopt;
using std::nullopt_t;

}  // namespace xgrad
