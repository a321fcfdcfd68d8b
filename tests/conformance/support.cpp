// support.cpp: the out-of-line half of support.h (libtorch's test/cpp/api/support.cpp holds its
// own), built into libxgrad_conformance.so with all of xgrad. Nothing here uses GoogleTest.
#include "support.h"

// torch::test (torch is a name for xgrad, and a namespace alias cannot be reopened).
namespace xgrad {
namespace test {

WarningCapture::WarningCapture() : prev_(Warning::get_warning_handler()) { Warning::set_warning_handler(this); }

WarningCapture::~WarningCapture() { Warning::set_warning_handler(prev_); }

void WarningCapture::process(const SourceLocation& /*source_location*/, const std::string& msg,
                             const bool /*verbatim*/) {
  messages_.push_back(msg);
}

std::mutex AutoDefaultDtypeMode::default_dtype_mutex;

bool pointer_equal(at::Tensor first, at::Tensor second) { return first.data_ptr() == second.data_ptr(); }

int count_substr_occurrences(const std::string& str, const std::string& substr) {
  int count = 0;
  size_t pos = str.find(substr);
  while (pos != std::string::npos) {
    count++;
    pos = str.find(substr, pos + substr.size());
  }
  return count;
}

}  // namespace test
}  // namespace xgrad
