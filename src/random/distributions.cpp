// distributions.cpp: every random function, drawing from the generator in exactly PyTorch 1.13's
// order (shared spec torch_rng.md; its section numbers are cited below). The rule that matters
// most: a tensor is filled element after element from one stream, in memory order, and each kind
// of fill uses a fixed number of 32-bit draws per element. Read next: nn/init.cpp.
#include "xgrad/random/distributions.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "kernels/random.hpp"
#include "ops/op_utils.hpp"
#include "xgrad/core/factory.hpp"
#include "xgrad/core/grad_mode.hpp"
#include "xgrad/core/warning.hpp"
#include "xgrad/ops/elementwise.hpp"

namespace xgrad {

namespace {

GeneratorImpl& pick(const std::optional<Generator>& g) { return g ? g->impl() : default_generator().impl(); }

/// The element offsets of `t` in memory order (§1.4): row-major for a contiguous tensor, and for
/// any other layout the order of increasing address, which is how PyTorch's TensorIterator walks
/// a nullary op.
std::vector<int64_t> memory_order(const Tensor& t) {
  std::vector<int64_t> dims(static_cast<size_t>(t.dim()));
  std::iota(dims.begin(), dims.end(), 0);
  std::stable_sort(dims.begin(), dims.end(), [&](int64_t a, int64_t b) { return t.stride(a) > t.stride(b); });
  std::vector<int64_t> offsets;
  offsets.reserve(static_cast<size_t>(t.numel()));
  if (t.numel() == 0) return offsets;
  DimVector counter(dims.size(), 0);
  for (int64_t n = 0; n < t.numel(); ++n) {
    int64_t off = 0;
    for (size_t k = 0; k < dims.size(); ++k) off += counter[k] * t.stride(dims[k]);
    offsets.push_back(off);
    for (size_t k = dims.size(); k-- > 0;) {
      if (++counter[k] < t.size(dims[k])) break;
      counter[k] = 0;
    }
  }
  return offsets;
}

/// Calls f(T& element) for each element of t in memory order.
template <class T, class F>
void for_each_element(const Tensor& t, F&& f) {
  T* p = t.data_ptr<T>();
  if (t.is_contiguous()) {
    for (int64_t i = 0; i < t.numel(); ++i) f(p[i]);
    return;
  }
  for (int64_t off : memory_order(t)) f(p[off]);
}

/// A random in-place fill may not write into a leaf that requires grad (PyTorch's rule), and
/// xgrad does not record it into a graph either.
void check_fill(Tensor& self) {
  detail::check_inplace(self);
  XGRAD_CHECK(!(GradMode::is_enabled() && self.requires_grad()),
              "xgrad does not record random in-place fills in the autograd graph; fill a tensor that does not "
              "require grad, or do it under torch::NoGradGuard");
}

Tensor& finish(Tensor& self) {
  self.impl()->storage->bump_version();
  return self;
}

// ---- §3.2 normal, scalar path: Box-Muller in double with a cached second sample ---------------
double standard_normal(GeneratorImpl& g) {
  if (g.next_double_normal_sample) {
    double v = *g.next_double_normal_sample;
    g.next_double_normal_sample.reset();
    return v;
  }
  const double u1 = kernels::unit_double(g.random64());
  const double u2 = kernels::unit_double(g.random64());
  const double r = std::sqrt(-2.0 * std::log(1.0 - u2));
  const double theta = 2.0 * kernels::kPi * u1;
  g.next_double_normal_sample = r * std::sin(theta);
  return r * std::cos(theta);
}

// ---- §3.3 / §3.4 normal, fill path: uniforms first, then blocks of 16, the tail redone --------
template <class T>
void normal_fill(T* data, int64_t n, T mean, T std, GeneratorImpl& g) {
  for (int64_t i = 0; i < n; ++i) {
    if constexpr (std::is_same<T, float>::value)
      data[i] = kernels::unit_float(g.random());
    else
      data[i] = kernels::unit_double(g.random64());
  }
  for (int64_t i = 0; i < n - 15; i += 16) kernels::normal_fill_16(data + i, mean, std);
  if (n % 16 != 0) {
    T* tail = data + n - 16;  // the last 16 get fresh uniforms and are transformed again
    for (int k = 0; k < 16; ++k) {
      if constexpr (std::is_same<T, float>::value)
        tail[k] = kernels::unit_float(g.random());
      else
        tail[k] = kernels::unit_double(g.random64());
    }
    kernels::normal_fill_16(tail, mean, std);
  }
}

// ---- float16 / bfloat16: uniforms of 11 / 8 bits, Box-Muller in c10's 16-bit arithmetic ----------
// PyTorch 1.13 draws them with the same kernels as float32 (uniform_real_distribution<T> keeps
// digits(T) bits of one 32-bit draw) and runs normal_fill_16<T> with T = Half or BFloat16, so each
// step rounds where c10's operators return a 16-bit value: for bfloat16 every operation (its
// std::log, std::sqrt, std::cos come from c10's BFloat16-math.h and round too); for float16 the
// maths functions and the final multiply-add are float32 (fused, as GCC compiled the AVX2 build).
// Checked bit for bit against torch in rng.json.

/// A uniform in [0, 1) of T's digits bits from one 32-bit draw (exact in T).
template <class T>
float unit_reduced(uint32_t v) {
  constexpr int digits = std::numeric_limits<T>::digits;
  return static_cast<float>(v & ((uint32_t{1} << digits) - 1)) * (1.0f / static_cast<float>(uint32_t{1} << digits));
}

void normal_fill_16_reduced(Half* d, Half mean, Half std) {
  for (int j = 0; j < 8; ++j) {
    const Half u1 = Half(1.0f - static_cast<float>(d[j]));
    const Half u2 = d[j + 8];
    const Half radius = Half(std::sqrt(-2.0f * std::log(static_cast<float>(u1))));
    const Half theta = Half(static_cast<float>(2.0 * kernels::kPi * static_cast<double>(static_cast<float>(u2))));
    d[j] = Half(std::fmaf(static_cast<float>(radius) * std::cos(static_cast<float>(theta)), static_cast<float>(std),
                          static_cast<float>(mean)));
    d[j + 8] = Half(std::fmaf(static_cast<float>(radius) * std::sin(static_cast<float>(theta)), static_cast<float>(std),
                              static_cast<float>(mean)));
  }
}

void normal_fill_16_reduced(BFloat16* d, BFloat16 mean, BFloat16 std) {
  using B = BFloat16;
  for (int j = 0; j < 8; ++j) {
    const B u1 = B(1.0f - static_cast<float>(d[j]));
    const B u2 = d[j + 8];
    const B log_u1 = B(std::log(static_cast<float>(u1)));
    const B radius = B(std::sqrt(static_cast<float>(B(-2.0f * static_cast<float>(log_u1)))));
    const B theta = B(static_cast<float>(2.0 * kernels::kPi * static_cast<double>(static_cast<float>(u2))));
    const B c = B(std::cos(static_cast<float>(theta))), sn = B(std::sin(static_cast<float>(theta)));
    d[j] = (radius * c) * std + mean;
    d[j + 8] = (radius * sn) * std + mean;
  }
}

template <class T>
void normal_fill_reduced(T* data, int64_t n, T mean, T std, GeneratorImpl& g) {
  for (int64_t i = 0; i < n; ++i) data[i] = T(unit_reduced<T>(g.random()));
  for (int64_t i = 0; i < n - 15; i += 16) normal_fill_16_reduced(data + i, mean, std);
  if (n % 16 != 0) {
    T* tail = data + n - 16;
    for (int k = 0; k < 16; ++k) tail[k] = T(unit_reduced<T>(g.random()));
    normal_fill_16_reduced(tail, mean, std);
  }
}

// ---- §4.1 integers: plain modulo of one 32-bit draw, or of a 64-bit draw for ranges >= 2^32 ---
template <class T>
T random_in_range(GeneratorImpl& g, uint64_t range, int64_t from, bool use64) {
  uint64_t v = use64 ? g.random64() : static_cast<uint64_t>(g.random());
  return detail::convert<T>(static_cast<int64_t>(v % range + static_cast<uint64_t>(from)));
}

/// For float dtypes, moves `from` right (and `to` left) to the nearest integers the dtype holds,
/// so no drawn value rounds outside [from, to) (PyTorch's update_from/update_to; only matters
/// beyond +-2^digits).
template <class T>
int64_t update_from(int64_t from) {
  const auto from_plus_1 = static_cast<int64_t>(static_cast<T>(from + 1));
  if (from_plus_1 < from) {
    int64_t f = std::abs(from + 1);
    int n = 0;
    while (f >>= 1) ++n;
    from = from_plus_1 + (int64_t{1} << (n - std::numeric_limits<T>::digits + 1));
  }
  return from;
}
template <class T>
int64_t update_to(int64_t to) {
  const auto to_minus_1 = static_cast<int64_t>(static_cast<T>(to - 1));
  if (to_minus_1 >= to) {
    int64_t t = std::abs(to - 1);
    int n = 0;
    while (t >>= 1) ++n;
    to = to_minus_1 - (int64_t{1} << (n - std::numeric_limits<T>::digits + 1));
  }
  return to;
}

}  // namespace

// ---- the in-place fills ------------------------------------------------------------------------

/// §3.1: one 32-bit draw per float32 (24 bits used), one 64-bit draw per float64 (53 bits).
Tensor& Tensor::uniform_(double from, double to, std::optional<Generator> generator) const {
  check_fill(mutable_this());
  XGRAD_CHECK(isFloatingType(scalar_type()), "\"check_uniform_bounds\" not implemented for '{}'",
              scalar_type_name(scalar_type()));
  XGRAD_CHECK(from <= to, "uniform_ expects to return a [from, to) range, but found from={} > to={}", from, to);
  GeneratorImpl& g = pick(generator);
  std::lock_guard<std::mutex> lock(g.mutex());
  if (isReducedFloatingType(scalar_type())) {
    // x * (to - from) + from in float32, fused; to - from rounds to the 16-bit type first (c10).
    visit_dtype(scalar_type(), [&](auto tag) {
      using T = decltype(tag);
      if constexpr (detail::is_reduced_float_v<T>) {
        const T f = T(static_cast<float>(from)), t = T(static_cast<float>(to));
        const float range = static_cast<float>(T(static_cast<float>(t) - static_cast<float>(f)));
        for_each_element<T>(mutable_this(), [&](T& x) { x = T(std::fmaf(unit_reduced<T>(g.random()), range, static_cast<float>(f))); });
      }
    });
    return finish(mutable_this());
  }
  visit_floating(scalar_type(), "check_uniform_bounds", [&](auto tag) {
    using T = decltype(tag);
    const T f = static_cast<T>(from), range = static_cast<T>(static_cast<T>(to) - f);
    for_each_element<T>(mutable_this(), [&](T& x) {
      if constexpr (std::is_same<T, float>::value)
        x = kernels::uniform_float(g.random(), f, range);
      else
        x = kernels::uniform_double(g.random64(), from, to - from);
    });
  });
  return finish(mutable_this());
}

/// §3.2: fewer than 16 elements or not contiguous: the cached scalar path, in double;
/// otherwise the block fill (float64 with glibc, float32 with the AVX2 kernel's arithmetic).
Tensor& Tensor::normal_(double mean, double std, std::optional<Generator> generator) const {
  check_fill(mutable_this());
  XGRAD_CHECK(isFloatingType(scalar_type()), "\"normal_kernel_cpu\" not implemented for '{}'",
              scalar_type_name(scalar_type()));
  XGRAD_CHECK(std >= 0, "normal expects std >= 0.0, but found std {}", std);
  GeneratorImpl& g = pick(generator);
  std::lock_guard<std::mutex> lock(g.mutex());
  if (isReducedFloatingType(scalar_type())) {
    visit_dtype(scalar_type(), [&](auto tag) {
      using T = decltype(tag);
      if constexpr (detail::is_reduced_float_v<T>) {
        if (numel() >= 16 && is_contiguous())
          normal_fill_reduced<T>(data_ptr<T>(), numel(), T(static_cast<float>(mean)), T(static_cast<float>(std)), g);
        else
          for_each_element<T>(mutable_this(), [&](T& x) { x = detail::convert<T>(std::fma(standard_normal(g), std, mean)); });
      }
    });
    return finish(mutable_this());
  }
  visit_floating(scalar_type(), "normal_kernel_cpu", [&](auto tag) {
    using T = decltype(tag);
    if (numel() >= 16 && is_contiguous()) {
      normal_fill<T>(data_ptr<T>(), numel(), static_cast<T>(mean), static_cast<T>(std), g);
    } else {
      for_each_element<T>(mutable_this(), [&](T& x) { x = static_cast<T>(std::fma(standard_normal(g), std, mean)); });
    }
  });
  return finish(mutable_this());
}

/// §4.3: the full range of the dtype: v % (2^digits + 1) for floating types (float32 2^24 + 1,
/// float16 2^11 + 1, bfloat16 2^8 + 1), v % (max + 1) for integers, v & 1 for bool; float64 and
/// int64 take a 64-bit draw, the others a 32-bit one.
Tensor& Tensor::random_(std::optional<Generator> generator) const {
  check_fill(mutable_this());
  GeneratorImpl& g = pick(generator);
  std::lock_guard<std::mutex> lock(g.mutex());
  visit_dtype(scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    for_each_element<T>(mutable_this(), [&](T& x) {
      if constexpr (std::is_same<T, bool>::value) {
        x = (g.random() & 1) != 0;
      } else if constexpr (std::is_same<T, double>::value || std::is_same<T, int64_t>::value) {
        constexpr uint64_t n = std::is_same<T, double>::value ? (uint64_t{1} << 53) + 1 : uint64_t{1} << 63;
        x = detail::convert<T>(static_cast<int64_t>(g.random64() % n));
      } else if constexpr (std::is_integral<T>::value) {
        x = detail::convert<T>(static_cast<int64_t>(g.random() % (static_cast<uint64_t>(std::numeric_limits<T>::max()) + 1)));
      } else {
        constexpr uint64_t n = (uint64_t{1} << std::numeric_limits<T>::digits) + 1;
        x = detail::convert<T>(static_cast<int64_t>(g.random() % n));
      }
    });
  });
  return finish(mutable_this());
}

Tensor& Tensor::random_(int64_t to, std::optional<Generator> generator) const { return random_(0, to, std::move(generator)); }

namespace {
/// PyTorch's check_from_to_in_range: from and to - 1 must be values of the dtype (named as c10's
/// TypeMeta names it), and floating dtypes warn beyond +-2^digits, where not every integer exists.
template <class T>
void check_from_to_in_range(int64_t from, int64_t to_inc, ScalarType dtype) {
  const char* name = TypeMeta::fromScalarType(dtype).name();
  if constexpr (std::is_integral<T>::value) {
    const auto min = static_cast<int64_t>(std::numeric_limits<T>::lowest());
    const auto max = static_cast<int64_t>(std::numeric_limits<T>::max());
    XGRAD_CHECK(from >= min && from <= max, "from is out of bounds for {}", name);
    XGRAD_CHECK(to_inc >= min && to_inc <= max, "to - 1 is out of bounds for {}", name);
  } else {
    const auto min = static_cast<double>(std::numeric_limits<T>::lowest());
    const auto max = static_cast<double>(std::numeric_limits<T>::max());
    XGRAD_CHECK(static_cast<double>(from) >= min && static_cast<double>(from) <= max, "from is out of bounds for {}", name);
    XGRAD_CHECK(static_cast<double>(to_inc) >= min && static_cast<double>(to_inc) <= max, "to - 1 is out of bounds for {}",
                name);
    constexpr int digits = std::numeric_limits<T>::digits;
    auto warn_bounds = [&](int64_t v, const char* what) {
      if (v < -(int64_t{1} << digits) || v > (int64_t{1} << digits))
        warn(fmt::format("{} is out of bounds [-(2^{}), 2^{}]. Due to precision limitations {} can support discrete uniform "
                         "distribution only within this range. This warning will become an error in version 1.7 release, "
                         "please fix the code in advance",
                         what, digits, digits, name));
    };
    warn_bounds(from, "from");
    warn_bounds(to_inc, "to - 1");
  }
}
/// Which dtypes take a 64-bit draw for ranges of 2^32 or more (PyTorch's uniform_int_from_to_distribution).
template <class T>
constexpr bool wide_draws = std::is_same<T, int64_t>::value || std::is_same<T, double>::value ||
                            std::is_same<T, float>::value || std::is_same<T, BFloat16>::value;
}  // namespace

/// §4.1 [from, to), and §4.2 [from, the dtype's largest value] when `to` is not given.
Tensor& Tensor::random_(int64_t from, std::optional<int64_t> to, std::optional<Generator> generator) const {
  check_fill(mutable_this());
  visit_dtype(scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    constexpr bool floating = !std::is_integral<T>::value;
    uint64_t range = 0;
    int64_t lo = from;
    if (!to) {
      if (from == std::numeric_limits<int64_t>::min()) {  // the full 64-bit range
        XGRAD_CHECK(wide_draws<T>, "random_full_64_bits_range_kernel_cpu handles only int64, double, float and bfloat16");
        GeneratorImpl& g = pick(generator);
        std::lock_guard<std::mutex> lock(g.mutex());
        for_each_element<T>(mutable_this(), [&](T& x) { x = detail::convert<T>(static_cast<int64_t>(g.random64())); });
        return;
      }
      int64_t to_inc;
      if constexpr (floating) {
        to_inc = int64_t{1} << std::numeric_limits<T>::digits;
        lo = update_from<T>(lo);
        XGRAD_CHECK(lo < to_inc,
                    "random_ expects 'from' casted to dtype to be less than or equal to 'to_inc' casted to dtype, but "
                    "got from={} > to_inc={}", lo, to_inc);
      } else {
        to_inc = std::is_same<T, bool>::value ? 1 : static_cast<int64_t>(std::numeric_limits<T>::max());
      }
      check_from_to_in_range<T>(lo, to_inc, scalar_type());
      range = static_cast<uint64_t>(to_inc) - static_cast<uint64_t>(lo) + 1;
    } else {
      int64_t hi = *to;
      XGRAD_CHECK(lo < hi, "random_ expects 'from' to be less than 'to', but got from={} >= to={}", lo, hi);
      if constexpr (floating) {
        lo = update_from<T>(lo);
        hi = update_to<T>(hi);
        XGRAD_CHECK(lo < hi,
                    "random_ expects 'from' casted to dtype to be less than 'to' casted to dtype, but got from={} >= to={}",
                    lo, hi);
      }
      check_from_to_in_range<T>(lo, hi - 1, scalar_type());
      range = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
    }
    const bool use64 = wide_draws<T> && range >= (uint64_t{1} << 32);
    GeneratorImpl& g = pick(generator);
    std::lock_guard<std::mutex> lock(g.mutex());
    for_each_element<T>(mutable_this(), [&](T& x) { x = random_in_range<T>(g, range, lo, use64); });
  });
  return finish(mutable_this());
}

/// §6: one 64-bit draw per element, its 53-bit uniform compared with p in double.
Tensor& Tensor::bernoulli_(double p, std::optional<Generator> generator) const {
  check_fill(mutable_this());
  XGRAD_CHECK(scalar_type() != kHalf, "\"bernoulli_scalar_cpu_\" not implemented for 'Half'");
  XGRAD_CHECK(p >= 0 && p <= 1, "bernoulli_ expects p to be in [0, 1], but got p={}", p);
  GeneratorImpl& g = pick(generator);
  std::lock_guard<std::mutex> lock(g.mutex());
  visit_dtype(scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    for_each_element<T>(mutable_this(), [&](T& x) { x = detail::convert<T>(kernels::unit_double(g.random64()) < p ? 1 : 0); });
  });
  return finish(mutable_this());
}

/// Exponential(lambd): x = -1/lambd * log(1 - u), u the 53-bit uniform of one 64-bit draw, in
/// double for every dtype and then rounded (PyTorch 1.13's CPU exponential_kernel without MKL:
/// at::exponential_distribution<double>, drawn serially in element order).
Tensor& Tensor::exponential_(double lambd, std::optional<Generator> generator) const {
  check_fill(mutable_this());
  XGRAD_CHECK(lambd >= 0.0, "exponential_ expects lambda >= 0.0, but found lambda={}", lambd);
  XGRAD_CHECK(isFloatingType(scalar_type()), "\"exponential_cpu\" not implemented for '{}'",
              scalar_type_name(scalar_type()));
  GeneratorImpl& g = pick(generator);
  std::lock_guard<std::mutex> lock(g.mutex());
  const double scale = -1.0 / lambd;
  visit_dtype(scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    for_each_element<T>(mutable_this(), [&](T& x) {
      x = detail::convert<T>(scale * std::log(1.0 - kernels::unit_double(g.random64())));
    });
  });
  return finish(mutable_this());
}

// ---- factories -----------------------------------------------------------------------------------

namespace {
Tensor fresh(IntArrayRef size, const TensorOptions& options, ScalarType fallback) {
  detail::check_tensor_options(options);
  return detail::make_empty(size, options.has_dtype() ? options.dtype() : fallback);
}
Tensor with_grad(Tensor t, const TensorOptions& options) {
  if (options.requires_grad()) t.set_requires_grad(true);
  return t;
}
}  // namespace

Tensor rand(IntArrayRef size, TensorOptions options) { return rand(size, std::nullopt, options); }
Tensor rand(IntArrayRef size, std::optional<Generator> generator, TensorOptions options) {
  Tensor t = fresh(size, options, default_dtype());
  t.uniform_(0, 1, std::move(generator));
  return with_grad(t, options);
}
Tensor rand_like(const Tensor& t, std::optional<TensorOptions> options) {
  return rand(t.sizes(), options ? *options : TensorOptions(t.scalar_type()));
}

Tensor randn(IntArrayRef size, TensorOptions options) { return randn(size, std::nullopt, options); }
Tensor randn(IntArrayRef size, std::optional<Generator> generator, TensorOptions options) {
  Tensor t = fresh(size, options, default_dtype());
  t.normal_(0, 1, std::move(generator));
  return with_grad(t, options);
}
Tensor randn_like(const Tensor& t, std::optional<TensorOptions> options) {
  return randn(t.sizes(), options ? *options : TensorOptions(t.scalar_type()));
}

Tensor normal(double mean, double std, IntArrayRef size, std::optional<Generator> generator, TensorOptions options) {
  Tensor t = fresh(size, options, default_dtype());
  t.normal_(mean, std, std::move(generator));
  return with_grad(t, options);
}

Tensor randint(int64_t high, IntArrayRef size, TensorOptions options) { return randint(0, high, size, std::nullopt, options); }
Tensor randint(int64_t high, IntArrayRef size, std::optional<Generator> generator, TensorOptions options) {
  return randint(0, high, size, std::move(generator), options);
}
Tensor randint(int64_t low, int64_t high, IntArrayRef size, TensorOptions options) {
  return randint(low, high, size, std::nullopt, options);
}
Tensor randint(int64_t low, int64_t high, IntArrayRef size, std::optional<Generator> generator, TensorOptions options) {
  Tensor t = fresh(size, options, kLong);
  t.random_(low, high, std::move(generator));
  return with_grad(t, options);
}
Tensor randint_like(const Tensor& t, int64_t high) { return randint(high, t.sizes(), t.scalar_type()); }

/// §5: Fisher-Yates with one 32-bit draw per position, plain modulo.
Tensor randperm(int64_t n, TensorOptions options) { return randperm(n, std::nullopt, options); }
Tensor randperm(int64_t n, std::optional<Generator> generator, TensorOptions options) {
  XGRAD_CHECK(n >= 0, "n must be non-negative, got{}", n);
  XGRAD_CHECK(!options.has_dtype() || options.dtype() != kBool, "\"randperm\" not implemented for 'Bool'");
  std::vector<int64_t> r(static_cast<size_t>(n));
  std::iota(r.begin(), r.end(), 0);
  {
    GeneratorImpl& g = pick(generator);
    std::lock_guard<std::mutex> lock(g.mutex());
    for (int64_t i = 0; i + 1 < n; ++i) {
      int64_t z = static_cast<int64_t>(g.random() % static_cast<uint64_t>(n - i));
      std::swap(r[static_cast<size_t>(i)], r[static_cast<size_t>(i + z)]);
    }
  }
  Tensor t = detail::make_empty({n}, kLong);
  std::copy(r.begin(), r.end(), t.data_ptr<int64_t>());
  return options.has_dtype() ? t.to(options.dtype()) : t;
}

/// §6: float32 probabilities use one 32-bit draw (24-bit uniform compared in float),
/// float64 probabilities one 64-bit draw (53 bits, compared in double).
Tensor bernoulli(const Tensor& probs, std::optional<Generator> generator) {
  XGRAD_CHECK(probs.scalar_type() != kHalf, "\"bernoulli_tensor_cpu_self_\" not implemented for 'Half'");
  XGRAD_CHECK(isFloatingType(probs.scalar_type()), "\"bernoulli_tensor_cpu_p_\" not implemented for '{}'",
              scalar_type_name(probs.scalar_type()));
  if (probs.scalar_type() == kBFloat16)  // compared in float32, as float32 probabilities are
    return detail::convert(bernoulli(detail::convert(probs, kFloat), std::move(generator)), kBFloat16);
  Tensor p = detail::contiguous_raw(probs);
  Tensor out = detail::make_empty(probs.sizes(), probs.scalar_type());
  GeneratorImpl& g = pick(generator);
  std::lock_guard<std::mutex> lock(g.mutex());
  visit_floating(probs.scalar_type(), "bernoulli", [&](auto tag) {
    using T = decltype(tag);
    const T* pp = p.data_ptr<T>();
    T* o = out.data_ptr<T>();
    for (int64_t i = 0; i < out.numel(); ++i) {
      XGRAD_CHECK(pp[i] >= 0 && pp[i] <= 1, "Expected p_in >= 0 && p_in <= 1 to be true, but got false.");
      T u;
      if constexpr (std::is_same<T, float>::value)
        u = kernels::unit_float(g.random());
      else
        u = kernels::unit_double(g.random64());
      o[i] = u < pp[i] ? T(1) : T(0);
    }
  });
  return out;
}

Tensor bernoulli(const Tensor& self, double p, std::optional<Generator> generator) {
  Tensor out = empty_like(self);
  out.bernoulli_(p, std::move(generator));
  return out;
}

/// dropout (§6): noise = bernoulli_(1 - p) over a tensor like the input, divided by 1 - p, then
/// input * noise (MulBackward0). Nothing is drawn when p == 0 or not training; p == 1 gives zeros.
Tensor dropout(const Tensor& input, double p, bool train) {
  XGRAD_CHECK_T(ValueError, p >= 0 && p <= 1, "dropout probability has to be between 0 and 1, but got {}", p);
  if (!train || p == 0) return input;
  if (p == 1) return input * zeros({}, input.scalar_type());
  Tensor noise = empty_like(input);
  noise.bernoulli_(1 - p);
  {
    NoGradGuard no_grad;
    noise.div_(1 - p);  // in the input's dtype: (float)(1 - p) for float32
  }
  return input * noise;
}

Tensor& dropout_(Tensor& input, double p, bool train) {
  XGRAD_CHECK_T(ValueError, p >= 0 && p <= 1, "dropout probability has to be between 0 and 1, but got {}", p);
  if (!train || p == 0) return input;
  if (p == 1) return input.zero_();
  Tensor noise = empty_like(input);
  noise.bernoulli_(1 - p);
  {
    NoGradGuard no_grad;
    noise.div_(1 - p);
  }
  return input.mul_(noise);
}

}  // namespace xgrad
