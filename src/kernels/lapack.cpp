// lapack.cpp: qr_reduced (see lapack.hpp) over LAPACK's ?geqrf and ?orgqr.
#include "kernels/lapack.hpp"

#include <algorithm>
#include <string>

#include "kernels/blas.hpp"

extern "C" {
// LAPACK's Fortran interface (32-bit integers, as Debian's OpenBLAS is built); no header ships it.
void sgeqrf_(const int* m, const int* n, float* a, const int* lda, float* tau, float* work, const int* lwork,
             int* info);
void dgeqrf_(const int* m, const int* n, double* a, const int* lda, double* tau, double* work, const int* lwork,
             int* info);
void sorgqr_(const int* m, const int* n, const int* k, float* a, const int* lda, const float* tau, float* work,
             const int* lwork, int* info);
void dorgqr_(const int* m, const int* n, const int* k, double* a, const int* lda, const double* tau, double* work,
             const int* lwork, int* info);
}

namespace xgrad::kernels {

namespace {
void geqrf(int m, int n, float* a, int lda, float* tau, float* work, int lwork, int* info) {
  sgeqrf_(&m, &n, a, &lda, tau, work, &lwork, info);
}
void geqrf(int m, int n, double* a, int lda, double* tau, double* work, int lwork, int* info) {
  dgeqrf_(&m, &n, a, &lda, tau, work, &lwork, info);
}
void orgqr(int m, int n, int k, float* a, int lda, const float* tau, float* work, int lwork, int* info) {
  sorgqr_(&m, &n, &k, a, &lda, tau, work, &lwork, info);
}
void orgqr(int m, int n, int k, double* a, int lda, const double* tau, double* work, int lwork, int* info) {
  dorgqr_(&m, &n, &k, a, &lda, tau, work, &lwork, info);
}

// LAPACK reports a bad argument twice: through xerbla_ (recorded by blas.cpp) and as info < 0.
void check_info(int info, const char* routine) {
  const BlasReport report = take_blas_report();
  if (report.argument != 0) throw BlasError(blas_rejection(report, routine));
  if (info != 0)
    throw BlasError(std::string("LAPACK ") + routine + " failed with info = " + std::to_string(info));
}
}  // namespace

template <class T>
void qr_reduced(const T* a, int64_t m, int64_t n, std::vector<T>& q, std::vector<T>& r) {
  if (m < 0 || n < 0 || m > kBlasIntMax || n > kBlasIntMax || m * n > kBlasIntMax)
    throw BlasError("qr: a " + std::to_string(m) + " x " + std::to_string(n) +
                    " matrix is beyond LAPACK's 32-bit sizes");
  const int64_t k = std::min(m, n);
  q.assign(static_cast<size_t>(m * k), T(0));
  r.assign(static_cast<size_t>(k * n), T(0));
  if (k == 0) return;
  const int mi = static_cast<int>(m), ni = static_cast<int>(n), ki = static_cast<int>(k);

  // Column-major copy: element (i, j) at i + j * m, so lda = m.
  std::vector<T> cm(static_cast<size_t>(m * n));
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) cm[static_cast<size_t>(i + j * m)] = a[i * n + j];
  std::vector<T> tau(static_cast<size_t>(k));
  int info = 0;
  take_blas_report();  // start clean

  // Each routine first asked for its best workspace size (lwork = -1), then called.
  T query = 0;
  geqrf(mi, ni, cm.data(), mi, tau.data(), &query, -1, &info);
  check_info(info, "geqrf");
  std::vector<T> work(static_cast<size_t>(std::max<T>(query, T(1))));
  geqrf(mi, ni, cm.data(), mi, tau.data(), work.data(), static_cast<int>(work.size()), &info);
  check_info(info, "geqrf");

  // R is the upper triangle of the first k rows.
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = i; j < n; ++j) r[static_cast<size_t>(i * n + j)] = cm[static_cast<size_t>(i + j * m)];

  // Q: orgqr turns the reflectors in the first k columns into m x k orthonormal columns.
  orgqr(mi, ki, ki, cm.data(), mi, tau.data(), &query, -1, &info);
  check_info(info, "orgqr");
  work.assign(static_cast<size_t>(std::max<T>(query, T(1))), T(0));
  orgqr(mi, ki, ki, cm.data(), mi, tau.data(), work.data(), static_cast<int>(work.size()), &info);
  check_info(info, "orgqr");
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < k; ++j) q[static_cast<size_t>(i * k + j)] = cm[static_cast<size_t>(i + j * m)];
}

template void qr_reduced<float>(const float*, int64_t, int64_t, std::vector<float>&, std::vector<float>&);
template void qr_reduced<double>(const double*, int64_t, int64_t, std::vector<double>&, std::vector<double>&);

}  // namespace xgrad::kernels
