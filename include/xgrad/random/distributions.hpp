// distributions.hpp: random tensors, drawn exactly as PyTorch 1.13 draws them on the CPU (see
// src/random/distributions.cpp for each algorithm): rand, randn, randint, randperm, bernoulli,
// normal, dropout, and the in-place fills (x.uniform_(), x.normal_(), ...) declared on Tensor.
// Read next: nn/init.hpp.
#pragma once

#include <optional>

#include "xgrad/core/tensor.hpp"
#include "xgrad/random/generator.hpp"

namespace xgrad {

/// Uniform on [0, 1).
Tensor rand(IntArrayRef size, TensorOptions options = {});
Tensor rand(IntArrayRef size, std::optional<Generator> generator, TensorOptions options = {});
Tensor rand_like(const Tensor& t, std::optional<TensorOptions> options = std::nullopt);
/// Standard normal.
Tensor randn(IntArrayRef size, TensorOptions options = {});
Tensor randn(IntArrayRef size, std::optional<Generator> generator, TensorOptions options = {});
Tensor randn_like(const Tensor& t, std::optional<TensorOptions> options = std::nullopt);
/// Integers in [low, high) (int64 unless options say otherwise).
Tensor randint(int64_t high, IntArrayRef size, TensorOptions options = {});
Tensor randint(int64_t high, IntArrayRef size, std::optional<Generator> generator, TensorOptions options = {});
Tensor randint(int64_t low, int64_t high, IntArrayRef size, TensorOptions options = {});
Tensor randint(int64_t low, int64_t high, IntArrayRef size, std::optional<Generator> generator,
               TensorOptions options = {});
Tensor randint_like(const Tensor& t, int64_t high);
/// A random permutation of 0 .. n-1 (int64 unless options say otherwise).
Tensor randperm(int64_t n, TensorOptions options = {});
Tensor randperm(int64_t n, std::optional<Generator> generator, TensorOptions options = {});
/// Normal with the given mean and standard deviation.
Tensor normal(double mean, double std, IntArrayRef size, std::optional<Generator> generator = std::nullopt,
              TensorOptions options = {});
/// 1 with probability probs[i], else 0 (the dtype of probs).
Tensor bernoulli(const Tensor& probs, std::optional<Generator> generator = std::nullopt);
/// 1 with probability p, else 0, shaped like `self`.
Tensor bernoulli(const Tensor& self, double p, std::optional<Generator> generator = std::nullopt);
/// Zeroes each element with probability p and scales the rest by 1 / (1 - p) when `train`.
Tensor dropout(const Tensor& input, double p, bool train);
Tensor& dropout_(Tensor& input, double p, bool train);

}  // namespace xgrad
