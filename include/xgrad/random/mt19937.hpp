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
  void twist() {
    for (int k = 0; k < kStateSize; ++k) {
      uint32_t y = (state_[k] & 0x80000000u) | (state_[(k + 1) % kStateSize] & 0x7fffffffu);
      state_[k] = state_[(k + 397) % kStateSize] ^ (y >> 1) ^ ((state_[(k + 1) % kStateSize] & 1u) ? 0x9908b0dfu : 0u);
    }
    left_ = kStateSize;
    next_ = 0;
  }

  std::array<uint32_t, kStateSize> state_{};
  int left_ = 1;
  uint32_t next_ = 0;
  uint64_t seed_ = 0;
};

}  // namespace xgrad
