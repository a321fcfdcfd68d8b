// torch.hpp: the line that lets libtorch code build against xgrad unchanged:
//   #include <xgrad/torch.hpp>   instead of   #include <torch/torch.h>
// and every torch:: name below resolves to xgrad's.
#pragma once

#include <iostream>  // <torch/torch.h> brings std::cout along; ported code relies on it

#include "xgrad/xgrad.hpp"

namespace torch = xgrad;
