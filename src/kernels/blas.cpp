// blas.cpp: xgrad's xerbla_, the routine BLAS calls when an argument is illegal. OpenBLAS's own
// prints " ** On entry to SGEMM parameter number 10 had an illegal value" and returns, leaving the
// result unwritten; a numerical library must never do that silently. This one only records the
// report for the calling thread (an exception must not cross BLAS's C frames); run_blas_gemm reads
// it after the call and the caller throws (see blas.hpp). Read next: gemm.hpp.
//
// It replaces Debian's: libopenblas defines xerbla_ as a weak symbol and calls it through the
// dynamic linker, so a definition in the program (or in libxgrad.so, loaded before libopenblas)
// comes first. Ours is weak too, so a program that brings its own xerbla_ still links.
#include "kernels/blas.hpp"

#include <algorithm>
#include <cstring>

namespace xgrad::kernels {

namespace {
thread_local BlasReport last_report;
}  // namespace

BlasReport take_blas_report() noexcept {
  BlasReport r = last_report;
  last_report = BlasReport{};
  return r;
}

std::string blas_rejection(const BlasReport& report, const std::string& call) {
  std::string routine(report.routine);
  while (!routine.empty() && routine.back() == ' ') routine.pop_back();
  return "OpenBLAS rejected argument " + std::to_string(report.argument) + " of " + routine + " (" + call + ")";
}

}  // namespace xgrad::kernels

/// BLAS's error handler (Fortran calling convention: the name is blank-padded, not terminated).
extern "C" __attribute__((weak)) void xerbla_(const char* name, const int* info, int name_length) {
  xgrad::kernels::BlasReport& r = xgrad::kernels::last_report;
  r.argument = info != nullptr && *info != 0 ? *info : -1;
  const size_t n = name == nullptr || name_length <= 0
                       ? 0
                       : std::min<size_t>(sizeof r.routine - 1, static_cast<size_t>(name_length));
  std::memset(r.routine, 0, sizeof r.routine);
  if (n > 0) std::memcpy(r.routine, name, n);
}
