// rng_steps.hpp: replays the steps of tests/reference/rng.json with xgrad's random functions
// (the same small language make_rng_reference.py runs with PyTorch), and encodes results and
// generator state the way that script does.
#pragma once

#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <xgrad/xgrad.hpp>

namespace xgrad_test::rng {

using nlohmann::json;
using xgrad::Tensor;

inline std::string fnv1a(const unsigned char* p, size_t n) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  return fmt::format("{:016x}", h);
}

inline xgrad::ScalarType dtype_named(const std::string& d) {
  for (xgrad::ScalarType t : {xgrad::kByte, xgrad::kChar, xgrad::kShort, xgrad::kInt, xgrad::kLong, xgrad::kHalf,
                              xgrad::kFloat, xgrad::kDouble, xgrad::kBool, xgrad::kBFloat16})
    if (d == xgrad::dtype_name(t)) return t;
  throw std::runtime_error("unknown dtype " + d);
}
inline xgrad::ScalarType dtype_of(const json& step) { return dtype_named(step.value("dtype", "float32")); }

/// Each element's bit pattern (hex for floats, decimal for integers), as the script writes them.
inline std::vector<std::string> bits(const Tensor& t_in) {
  Tensor t = t_in.detach().contiguous();
  Tensor as_long = xgrad::isIntegralType(t.scalar_type(), false) ? t.to(xgrad::kLong).contiguous() : Tensor();
  std::vector<std::string> out;
  for (int64_t i = 0; i < t.numel(); ++i) {
    switch (t.scalar_type()) {
      case xgrad::kFloat: {
        uint32_t u;
        std::memcpy(&u, t.data_ptr<float>() + i, 4);
        out.push_back(fmt::format("{:08x}", u));
        break;
      }
      case xgrad::kDouble: {
        uint64_t u;
        std::memcpy(&u, t.data_ptr<double>() + i, 8);
        out.push_back(fmt::format("{:016x}", u));
        break;
      }
      case xgrad::kHalf:
      case xgrad::kBFloat16: {
        uint16_t u;
        std::memcpy(&u, static_cast<const char*>(t.data_ptr()) + 2 * i, 2);
        out.push_back(fmt::format("{:04x}", u));
        break;
      }
      case xgrad::kBool: out.push_back(t.data_ptr<bool>()[i] ? "1" : "0"); break;
      default: out.push_back(std::to_string(as_long.data_ptr<int64_t>()[i])); break;  // the integer dtypes
    }
  }
  return out;
}

inline json encode(const Tensor& t) {
  json j;
  j["shape"] = t.sizes().vec();
  j["dtype"] = xgrad::dtype_name(t.scalar_type());
  if (t.numel() <= 64) {
    j["bits"] = bits(t);
  } else {
    j["first"] = bits(t.reshape({-1}).slice(0, 0, 16));
    Tensor c = t.contiguous();
    j["hash"] = fnv1a(static_cast<const unsigned char*>(c.data_ptr()), c.nbytes());
  }
  return j;
}

inline json state(const xgrad::Generator& g) {
  const auto& e = g.impl().engine();
  json j;
  j["left"] = e.left();
  j["next"] = e.next();
  j["words"] = fnv1a(reinterpret_cast<const unsigned char*>(e.state().data()), e.state().size() * 4);
  if (g.impl().next_double_normal_sample) {
    double v = *g.impl().next_double_normal_sample;
    uint64_t u;
    std::memcpy(&u, &v, 8);
    j["normal"] = fmt::format("{:016x}", u);
  } else {
    j["normal"] = nullptr;
  }
  return j;
}

inline std::vector<int64_t> shape_of(const json& step) { return step.at("shape").get<std::vector<int64_t>>(); }

/// Runs one step; `gen` is empty for the default generator.
inline std::vector<Tensor> run_step(const json& step, std::optional<xgrad::Generator> gen) {
  namespace init = xgrad::nn::init;
  const std::string op = step.at("op");
  auto dt = dtype_of(step);
  if (op == "rand") return {xgrad::rand(shape_of(step), gen, dt)};
  if (op == "randn") return {xgrad::randn(shape_of(step), gen, dt)};
  if (op == "normal_") return {xgrad::empty(shape_of(step), dt).normal_(step.at("mean"), step.at("std"), gen)};
  if (op == "uniform_") return {xgrad::empty(shape_of(step), dt).uniform_(step.at("from"), step.at("to"), gen)};
  if (op == "normal_transposed") return {xgrad::empty(shape_of(step), dt).t().normal_(0, 1, gen)};
  if (op == "uniform_transposed") return {xgrad::empty(shape_of(step), dt).t().uniform_(-2, 3, gen)};
  if (op == "randint") return {xgrad::randint(step.at("low"), step.at("high"), shape_of(step), gen, dt)};
  if (op == "random_") {
    Tensor t = xgrad::empty(shape_of(step), dt);
    const json args = step.value("args", json::array());
    if (args.empty()) return {t.random_(gen)};
    if (args.size() == 1) return {t.random_(args[0].get<int64_t>(), gen)};
    std::optional<int64_t> to;
    if (!args[1].is_null()) to = args[1].get<int64_t>();
    return {t.random_(args[0].get<int64_t>(), to, gen)};
  }
  if (op == "randperm") return {xgrad::randperm(step.at("n"), gen, dtype_named(step.value("dtype", "int64")))};
  if (op == "bernoulli_") return {xgrad::empty(shape_of(step), dt).bernoulli_(step.at("p"), gen)};
  if (op == "bernoulli") {
    Tensor probs = xgrad::rand(shape_of(step), gen, dt);
    return {xgrad::bernoulli(probs, gen)};
  }
  if (op == "dropout") {
    Tensor x = xgrad::arange(1, shape_of(step)[0] + 1, dt) * 0.37;
    return {xgrad::dropout(x, step.at("p"), true)};
  }
  if (op == "init") {
    Tensor t = xgrad::empty(shape_of(step), dt);
    const std::string fn = step.at("fn");
    if (fn == "uniform_") return {init::uniform_(t, -0.5, 1.5)};
    if (fn == "normal_") return {init::normal_(t, 0.25, 2.0)};
    if (fn == "kaiming_uniform_") return {init::kaiming_uniform_(t, std::sqrt(5.0))};
    if (fn == "kaiming_uniform_relu") return {init::kaiming_uniform_(t, 0, xgrad::kFanIn, xgrad::kReLU)};
    if (fn == "kaiming_normal_") return {init::kaiming_normal_(t)};
    if (fn == "kaiming_normal_fan_out") return {init::kaiming_normal_(t, 0, xgrad::kFanOut, xgrad::kReLU)};
    if (fn == "xavier_uniform_") return {init::xavier_uniform_(t)};
    if (fn == "xavier_normal_") return {init::xavier_normal_(t, init::calculate_gain(xgrad::kTanh))};
    if (fn == "orthogonal_") return {init::orthogonal_(t, step.value("gain", 1.0))};
    if (fn == "sparse_") return {init::sparse_(t, step.at("sparsity"), step.value("std", 0.01))};
    if (fn == "dirac_") return {init::dirac_(t, step.value("groups", int64_t{1}))};
  }
  if (op == "linear") {
    // nn.Linear's reset_parameters: kaiming_uniform_(weight, a=sqrt(5)), then the bias.
    int64_t in = step.at("in"), out = step.at("out");
    Tensor w = xgrad::empty({out, in});
    init::kaiming_uniform_(w, std::sqrt(5.0));
    if (!step.value("bias", true)) return {w};
    Tensor b = xgrad::empty({out});
    double bound = in > 0 ? 1 / std::sqrt(static_cast<double>(in)) : 0;
    init::uniform_(b, -bound, bound);
    return {w, b};
  }
  throw std::runtime_error("unknown step " + op);
}

/// Replays a whole case; returns what the script recorded for it, in the same form.
inline json replay(const json& c) {
  std::optional<xgrad::Generator> gen;
  if (c.at("generator").get<bool>()) {
    gen = c.at("seed").is_null() ? xgrad::Generator() : xgrad::Generator(std::stoull(c.at("seed").get<std::string>()));
  } else {
    xgrad::manual_seed(std::stoull(c.at("seed").get<std::string>()));
  }
  json outputs = json::array();
  for (const json& step : c.at("steps")) {
    if (step.at("op") == "manual_seed") {
      uint64_t s = step.at("seed").get<uint64_t>();
      if (gen)
        gen->manual_seed(s);
      else
        xgrad::manual_seed(s);
      outputs.push_back(nullptr);
      continue;
    }
    json encoded = json::array();
    for (const Tensor& t : run_step(step, gen)) encoded.push_back(encode(t));
    outputs.push_back(encoded);
  }
  json result;
  result["outputs"] = outputs;
  result["state"] = state(gen ? *gen : xgrad::default_generator());
  return result;
}

/// Replays the cases of rng.json whose name `wanted` accepts, checking each (Catch2); returns how
/// many ran. Defined in test_distributions.cpp.
int replay_cases(const std::function<bool(const std::string&)>& wanted);

}  // namespace xgrad_test::rng
