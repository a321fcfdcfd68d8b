// warning.hpp: the warnings PyTorch gives with Python's warnings.warn (a deprecated option, a
// target that broadcasts): printed to stderr as "UserWarning: ...", each distinct message once,
// as Python's default filter shows it. Read next: exception.hpp.
#pragma once

#include <string>

namespace xgrad {

void warn(const std::string& message);

}  // namespace xgrad
