// generator.cpp: the global default generator.
#include "xgrad/random/generator.hpp"

#include <random>

namespace xgrad {

Generator& default_generator() {
  // Seeded from the system's entropy, as PyTorch's default CPU generator is, until manual_seed.
  static Generator generator([] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) | rd();
  }());
  return generator;
}

void manual_seed(uint64_t seed) { default_generator().manual_seed(seed); }

uint64_t initial_seed() { return default_generator().initial_seed(); }

}  // namespace xgrad
