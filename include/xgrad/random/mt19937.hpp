// mt19937.hpp: the 32-bit Mersenne Twister exactly as PyTorch's CPU generator runs it
// (at::mt19937). Its output equals std::mt19937 seeded with the low 32 bits of the seed; it is
// written out here so the state (624 words, and the position in them) can be read and compared
// with torch.get_rng_state(). Read next: generator.hpp.
#pragma once

#include <array>
#include <cstdint>

namespace xgrad {

class mt19937 {
 public:
  static constexpr int kStateSize = 624;

  explicit mt19937(uint64_t seed = 5489) { this->seed(seed); }

  /// Only the low 32 bits of the seed matter, as in PyTorch.
  void seed(uint64_t s) {
    seed_ = s;
    state_[0] = static_cast<uint32_t>(s & 0xffffffffu);
    for (int j = 1; j < kStateSize; ++j)
      state_[j] = 1812433253u * (state_[j - 1] ^ (state_[j - 1] >> 30)) + static_cast<uint32_t>(j);
    left_ = 1;  // the first draw twists
    next_ = 0;
  }

  /// One 32-bit draw.
  uint32_t operator()() {
    if (--left_ == 0) twist();
    uint32_t y = state_[next_++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
  }

  uint64_t seed() const { return seed_; }
  const std::array<uint32_t, kStateSize>& state() const { return state_; }
  int left() const { return left_; }
  uint32_t next() const { return next_; }

 private:
  // The twist, k = 0 .. 623 in order: state[k] = state[k + 397 (mod 624)] ^ mix(state[k],
  // state[k + 1 (mod 624)]). Written as three loops whose indices need no modulo (as libstdc++'s
  // std::mt19937 does), so the compiler vectorises them; the words and the order are the same.
  // dropout's bernoulli_ makes two draws per element (200k a step for samples/fashion_mnist_cnn's
  // 64 x 1568 mask): with the % loop a draw took 3.5-6.6 ns, with these 1.5-2.1 ns (one thread,
  // busy machine; the same 3M words as std::mt19937 for seeds 0, 5489 and 67280421310721).
  static uint32_t mix(uint32_t far, uint32_t here, uint32_t next) {
    const uint32_t y = (here & 0x80000000u) | (next & 0x7fffffffu);
    return far ^ (y >> 1) ^ ((next & 1u) ? 0x9908b0dfu : 0u);
  }
  void twist() {
    constexpr int kShift = 397, kRest = kStateSize - kShift;  // 227
    for (int k = 0; k < kRest; ++k) state_[k] = mix(state_[k + kShift], state_[k], state_[k + 1]);
    for (int k = kRest; k < kStateSize - 1; ++k) state_[k] = mix(state_[k - kRest], state_[k], state_[k + 1]);
    state_[kStateSize - 1] = mix(state_[kShift - 1], state_[kStateSize - 1], state_[0]);
    left_ = kStateSize;
    next_ = 0;
  }

  std::array<uint32_t, kStateSize> state_{};
  int left_ = 1;
  uint32_t next_ = 0;
  uint64_t seed_ = 0;
};

}  // namespace xgrad
