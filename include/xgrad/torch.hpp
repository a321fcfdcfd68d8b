// torch.hpp: the line that lets libtorch code build against xgrad unchanged:
//   #include <xgrad/torch.hpp>   instead of   #include <torch/torch.h>
// and every torch:: name below resolves to xgrad's.
#pragma once

#include "xgrad/xgrad.hpp"

namespace torch = xgrad;
