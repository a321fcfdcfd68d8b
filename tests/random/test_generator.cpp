// test_generator.cpp: src/random/generator.cpp and random/mt19937.hpp: PyTorch's seeding, raw
// draws equal to std::mt19937's, the default and explicit generators.
#include <catch2/catch.hpp>

#include <cstring>
#include <random>
#include <thread>

#include <xgrad/torch.hpp>

TEST_CASE("mt19937 draws exactly std::mt19937's numbers from the low 32 bits of the seed") {
  for (uint64_t seed : {uint64_t{0}, uint64_t{42}, ~uint64_t{0}, (uint64_t{1} << 32) + 5}) {
    xgrad::mt19937 ours(seed);
    std::mt19937 std_engine(static_cast<uint32_t>(seed));
    for (int i = 0; i < 5000; ++i) REQUIRE(ours() == std_engine());
  }
  xgrad::mt19937 a(5), b((uint64_t{1} << 32) + 5);
  CHECK(a() == b());
  CHECK(b.seed() == (uint64_t{1} << 32) + 5);  // the full seed is still reported
}

TEST_CASE("the spec's first raw draws for seed 0") {
  // torch.manual_seed(0); torch.empty(8, dtype=torch.int64).random_(0, 2**32-1)
  torch::manual_seed(0);
  auto t = torch::empty({8}, torch::kLong).random_(0, (int64_t{1} << 32) - 1);
  CHECK(t.equal(torch::tensor({2357136044LL, 2546248239LL, 3071714933LL, 3626093760LL, 2588848963LL, 3684848379LL,
                               2340255427LL, 3638918503LL})));
}

TEST_CASE("generators: default, explicit, unseeded, shared handles") {
  torch::manual_seed(7);
  CHECK(torch::initial_seed() == 7);
  auto a = torch::rand({4});
  torch::Generator g(7);
  auto b = torch::rand({4}, g);
  CHECK(a.equal(b));  // same seed, same stream
  torch::Generator unseeded;
  CHECK(unseeded.current_seed() == 67280421310721ULL);
  // The spec's vector: 3e88daec 3f5f5e04 3eabaafa 3ece5818.
  auto u = torch::rand({4}, unseeded);
  const uint32_t expected[4] = {0x3e88daec, 0x3f5f5e04, 0x3eabaafa, 0x3ece5818};
  for (int i = 0; i < 4; ++i) {
    uint32_t bits;
    float v = u[i].item<float>();
    std::memcpy(&bits, &v, 4);
    CHECK(bits == expected[i]);
  }
  torch::Generator shared = g;  // a copy is the same generator
  auto c1 = torch::rand({2}, shared);
  auto c2 = torch::rand({2}, g);
  CHECK_FALSE(c1.equal(c2));
}

TEST_CASE("the default generator is safe to share between threads") {
  torch::manual_seed(1);
  std::thread t1([] { for (int i = 0; i < 200; ++i) torch::randn({17}); });
  std::thread t2([] { for (int i = 0; i < 200; ++i) torch::rand({5}); });
  t1.join();
  t2.join();
  // randn(17) draws 17 + 16 (the redone tail), rand(5) draws 5: in some order, none lost or repeated.
  auto& engine = torch::default_generator().impl().engine();
  xgrad::mt19937 reference(1);
  for (int i = 0; i < 200 * 33 + 200 * 5; ++i) reference();
  CHECK(engine.state() == reference.state());
  CHECK(engine.left() == reference.left());
}
