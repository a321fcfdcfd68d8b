// dtype.cpp: the names of the dtypes, as Python and libtorch spell them.
#include "xgrad/core/dtype.hpp"

namespace xgrad {

const char* dtype_name(ScalarType t) {
  switch (t) {
    case kBool: return "bool";
    case kLong: return "int64";
    case kFloat: return "float32";
    case kDouble: return "float64";
  }
  return "?";
}

const char* scalar_type_name(ScalarType t) {
  switch (t) {
    case kBool: return "Bool";
    case kLong: return "Long";
    case kFloat: return "Float";
    case kDouble: return "Double";
  }
  return "?";
}

const char* legacy_type_name(ScalarType t) {
  switch (t) {
    case kBool: return "torch.BoolTensor";
    case kLong: return "torch.LongTensor";
    case kFloat: return "torch.FloatTensor";
    case kDouble: return "torch.DoubleTensor";
  }
  return "?";
}

}  // namespace xgrad
