// ctc.hpp: the connectionist temporal classification loss over raw buffers, as ATen's CPU kernel
// computes it (Graves et al. 2006, eqs. 6-16, in log space): the alpha recursion and the loss of
// each sample, and the beta recursion and the gradient. Read next: src/ops/loss_ctc.cpp.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace xgrad::kernels {

/// Where sample b's data lies: log_probs are (T, N, C) contiguous, so lp(t, c) = lp[(t N + b) C + c];
/// its targets are targets[offset + k * stride], k < target_length.
struct CtcSample {
  int64_t input_length, target_length, offset, stride;
};

/// l'_s: the target sequence with blanks around and between its labels (length 2 L + 1).
inline int64_t ctc_target_prime(const int64_t* targets, const CtcSample& s, int64_t idx, int64_t blank) {
  return idx % 2 == 0 ? blank : targets[s.offset + (idx / 2) * s.stride];
}

/// log(exp(a) + exp(b) + exp(c)) with ATen's guard: all -inf gives -inf.
template <class T>
T ctc_lse3(T a, T b, T c) {
  constexpr T neginf = -std::numeric_limits<T>::infinity();
  T m = std::max(a, std::max(b, c));
  if (m == neginf) m = 0;
  return std::log(std::exp(a - m) + std::exp(b - m) + std::exp(c - m)) + m;
}

/// alpha_t(s) = lp(t, l'_s) + lse(alpha_{t-1}(s), alpha_{t-1}(s-1), alpha_{t-1}(s-2) if l'_s != l'_{s-2});
/// log_alpha is (T, S') for this sample, S' = 2 max_L + 1. Returns the loss -log p(l | x).
/// An input of length 0 has loss 0 for an empty target and +inf otherwise (PyTorch reads
/// outside its buffers there).
template <class T>
T ctc_alpha(const T* lp, int64_t n, int64_t c, const int64_t* targets, const CtcSample& smp, int64_t blank,
            T* log_alpha, int64_t sp, int64_t b) {
  constexpr T neginf = -std::numeric_limits<T>::infinity();
  const int64_t L = smp.target_length, Tn = smp.input_length;
  auto at = [&](int64_t t, int64_t k) { return lp[(t * n + b) * c + k]; };
  if (Tn == 0) return L == 0 ? T(0) : std::numeric_limits<T>::infinity();
  std::fill(log_alpha, log_alpha + sp, neginf);
  log_alpha[0] = at(0, blank);
  if (L > 0) log_alpha[1] = at(0, ctc_target_prime(targets, smp, 1, blank));
  for (int64_t t = 1; t < Tn; ++t) {
    const T* prev = log_alpha + (t - 1) * sp;
    T* cur = log_alpha + t * sp;
    for (int64_t s = 0; s < 2 * L + 1; ++s) {
      const int64_t ct = ctc_target_prime(targets, smp, s, blank);
      const T la1 = prev[s];
      const T la2 = s > 0 ? prev[s - 1] : neginf;
      const T la3 = (s > 1 && ctc_target_prime(targets, smp, s - 2, blank) != ct) ? prev[s - 2] : neginf;
      cur[s] = ctc_lse3(la1, la2, la3) + at(t, ct);
    }
  }
  const T* last = log_alpha + (Tn - 1) * sp;
  if (L == 0) return -last[0];
  const T l1 = last[2 * L], l2 = last[2 * L - 1];
  T m = std::max(l1, l2);
  m = m == neginf ? T(0) : m;
  return -(std::log(std::exp(l1 - m) + std::exp(l2 - m)) + m);
}

/// The gradient PyTorch returns for log_probs (not d loss / d lp: it carries an extra exp(lp),
/// which cancels after a log_softmax):
///   grad(t, c) = (exp(lp(t, c)) - exp(lse_{s: l'_s = c}(alpha_t(s) + beta_t(s)) + nll - lp(t, c))) g
/// for t < T_b, 0 after; beta is the mirror recursion of alpha. zero_infinity: an infinite loss
/// gives a zero gradient. grad is (T, N, C) contiguous, written only at sample b.
template <class T>
void ctc_grad(const T* lp, int64_t tmax, int64_t n, int64_t c, const int64_t* targets, const CtcSample& smp,
              int64_t blank, const T* log_alpha, int64_t sp, T nll, T g, bool zero_infinity, T* grad, int64_t b) {
  constexpr T neginf = -std::numeric_limits<T>::infinity();
  const int64_t L = smp.target_length, Tn = smp.input_length;
  auto at = [&](int64_t t, int64_t k) { return lp[(t * n + b) * c + k]; };
  auto gr = [&](int64_t t, int64_t k) -> T& { return grad[(t * n + b) * c + k]; };
  if (zero_infinity && nll == std::numeric_limits<T>::infinity()) {
    for (int64_t t = 0; t < tmax; ++t)
      for (int64_t k = 0; k < c; ++k) gr(t, k) = 0;
    return;
  }
  for (int64_t t = 0; t < Tn; ++t)
    for (int64_t k = 0; k < c; ++k) gr(t, k) = neginf;  // log of an empty sum
  std::vector<T> log_beta(static_cast<size_t>(std::max<int64_t>(Tn, 1) * sp), neginf);
  auto beta = [&](int64_t t, int64_t s) -> T& { return log_beta[static_cast<size_t>(t * sp + s)]; };
  if (Tn > 0) {
    beta(Tn - 1, 2 * L) = at(Tn - 1, blank);
    gr(Tn - 1, blank) = log_alpha[(Tn - 1) * sp + 2 * L] + beta(Tn - 1, 2 * L);
    if (L > 0) {
      const int64_t ct = ctc_target_prime(targets, smp, 2 * L - 1, blank);
      beta(Tn - 1, 2 * L - 1) = at(Tn - 1, ct);
      gr(Tn - 1, ct) = log_alpha[(Tn - 1) * sp + 2 * L - 1] + beta(Tn - 1, 2 * L - 1);
    }
  }
  for (int64_t t = Tn - 2; t >= 0; --t) {
    for (int64_t s = 2 * L; s >= 0; --s) {
      const int64_t ct = ctc_target_prime(targets, smp, s, blank);
      const T lb1 = beta(t + 1, s);
      const T lb2 = s < 2 * L ? beta(t + 1, s + 1) : neginf;
      const T lb3 = (s < 2 * L - 1 && ctc_target_prime(targets, smp, s + 2, blank) != ct) ? beta(t + 1, s + 2) : neginf;
      beta(t, s) = ctc_lse3(lb1, lb2, lb3) + at(t, ct);
      const T log_alpha_beta = log_alpha[t * sp + s] + beta(t, s);
      T& lcab = gr(t, ct);
      if (lcab == neginf) {
        lcab = log_alpha_beta;
      } else {
        const T m = std::max(lcab, log_alpha_beta);
        lcab = std::log(std::exp(lcab - m) + std::exp(log_alpha_beta - m)) + m;
      }
    }
  }
  for (int64_t t = 0; t < Tn; ++t) {
    for (int64_t k = 0; k < c; ++k) {
      T& res = gr(t, k);
      const T l = at(t, k);
      res = (std::exp(l) - std::exp(res + nll - l)) * g;
    }
  }
  for (int64_t t = Tn; t < tmax; ++t)
    for (int64_t k = 0; k < c; ++k) gr(t, k) = 0;
}

}  // namespace xgrad::kernels
