// generator.hpp: Generator, a source of random numbers that reproduces PyTorch's CPU generator
// bit for bit: a Mersenne Twister plus one cached normal sample (Box-Muller makes two at a time).
// torch::manual_seed(s) reseeds the global default generator; explicit Generator objects can be
// passed to every random function. Read next: distributions.hpp.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

#include "xgrad/random/mt19937.hpp"

namespace xgrad {

/// The seed of a Generator that was never seeded (PyTorch's default_rng_seed_val).
constexpr uint64_t kDefaultRngSeed = 67280421310721ULL;

class GeneratorImpl {
 public:
  explicit GeneratorImpl(uint64_t seed = kDefaultRngSeed) { set_current_seed(seed); }

  /// Reseeds and forgets the cached normal sample, as torch.manual_seed does.
  void set_current_seed(uint64_t seed) {
    engine_.seed(seed);
    next_double_normal_sample.reset();
    next_float_normal_sample.reset();
  }
  uint64_t current_seed() const { return engine_.seed(); }

  uint32_t random() { return engine_(); }
  /// Two draws; the first becomes the high word.
  uint64_t random64() {
    uint64_t hi = engine_();
    uint64_t lo = engine_();
    return (hi << 32) | lo;
  }

  const mt19937& engine() const { return engine_; }
  std::mutex& mutex() { return mutex_; }

  /// Box-Muller's second sample, kept for the next scalar-path normal draw (double, as in 1.13).
  std::optional<double> next_double_normal_sample;
  std::optional<float> next_float_normal_sample;  // exists in PyTorch's state; never filled on the CPU

 private:
  mt19937 engine_;
  std::mutex mutex_;
};

/// A handle to a GeneratorImpl; copies share the same stream, as in libtorch.
class Generator {
 public:
  /// A new generator with seed 67280421310721, like torch.Generator().
  Generator() : impl_(std::make_shared<GeneratorImpl>()) {}
  explicit Generator(uint64_t seed) : impl_(std::make_shared<GeneratorImpl>(seed)) {}

  Generator& manual_seed(uint64_t seed) {
    std::lock_guard<std::mutex> lock(impl_->mutex());
    impl_->set_current_seed(seed);
    return *this;
  }
  void set_current_seed(uint64_t seed) { manual_seed(seed); }
  uint64_t current_seed() const { return impl_->current_seed(); }
  uint64_t initial_seed() const { return impl_->current_seed(); }
  GeneratorImpl& impl() const { return *impl_; }
  std::mutex& mutex() const { return impl_->mutex(); }

 private:
  std::shared_ptr<GeneratorImpl> impl_;
};

/// A generator with the given seed (libtorch: at::make_generator<CPUGeneratorImpl>(seed)).
inline Generator make_generator(uint64_t seed = kDefaultRngSeed) { return Generator(seed); }

/// The global generator every random function uses when none is given. Seeded from the system's
/// entropy at start, as PyTorch's is.
Generator& default_generator();
/// torch::manual_seed(s): reseeds the default generator (and clears its cached normal sample).
void manual_seed(uint64_t seed);
/// The seed the default generator was last seeded with.
uint64_t initial_seed();

}  // namespace xgrad
