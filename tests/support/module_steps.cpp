// module_steps.cpp: see module_steps.hpp.
#include "support/module_steps.hpp"

#include <catch2/catch.hpp>

#include <cstring>

#include "support/reference.hpp"

namespace xgrad_test {

const nlohmann::json& find_entry(const std::string& file, const std::string& section, const std::string& name) {
  for (const auto& e : reference(file).at(section))
    if (e.at("name") == name) return e;
  throw std::runtime_error("no entry " + name + " in " + file + " [" + section + "]");
}

namespace {
void check_dict(const xgrad::OrderedDict<std::string, xgrad::Tensor>& actual, const nlohmann::json& expected,
                const char* what, double rtol) {
  std::vector<std::string> names, expected_names;
  for (const auto& item : actual) names.push_back(item.key());
  for (auto it = expected.begin(); it != expected.end(); ++it) expected_names.push_back(it.key());
  std::sort(names.begin(), names.end());
  INFO(what);
  CHECK(names == expected_names);  // nlohmann's object keys come sorted
  for (auto it = expected.begin(); it != expected.end(); ++it) {
    INFO(it.key());
    if (!actual.contains(it.key())) continue;
    const xgrad::Tensor& t = actual[it.key()];
    if (it.value().is_null()) {  // Python's None: no gradient
      CHECK(!t.defined());
      continue;
    }
    xgrad::Tensor e = decode(it.value());
    CHECK(t.scalar_type() == e.scalar_type());
    CHECK_CLOSE(t, e, rtol, 1e-6);
  }
}
}  // namespace

void replay_module_steps(const std::string& name, xgrad::nn::Module& module,
                         const std::function<xgrad::Tensor(const xgrad::Tensor&)>& forward, double rtol) {
  const auto& entry = find_entry("norm.json", "modules", name);
  INFO("module run " << name);
  check_dict(module.named_parameters(), entry.at("parameters"), "initial parameters", rtol);
  check_dict(module.named_buffers(), entry.at("buffers"), "initial buffers", rtol);
  int step = 0;
  for (const auto& s : entry.at("steps")) {
    INFO("step " << step++ << " (" << s.at("mode").get<std::string>() << ")");
    module.train(s.at("mode") == "train");
    xgrad::Tensor x = decode(s.at("input"));
    if (x.is_floating_point()) x.set_requires_grad(true);
    xgrad::Tensor y = forward(x);
    CHECK_CLOSE(y, decode(s.at("output")), rtol, 1e-6);
    REQUIRE(y.grad_fn() != nullptr);
    CHECK(y.grad_fn()->name() == s.at("grad_fn").get<std::string>());
    y.backward(decode(s.at("upstream")));
    if (!s.at("input_grad").is_null()) {
      INFO("input gradient");
      CHECK_CLOSE(x.grad(), decode(s.at("input_grad")), rtol, 1e-5);
    }
    xgrad::OrderedDict<std::string, xgrad::Tensor> grads;
    for (const auto& p : module.named_parameters()) grads.insert(p.key(), p.value().grad());
    check_dict(grads, s.at("parameter_grads"), "parameter gradients", rtol);
    check_dict(module.named_buffers(), s.at("buffers"), "buffers after the step", rtol);
    module.zero_grad();
  }
}

bool bitwise_equal(const xgrad::Tensor& a, const xgrad::Tensor& b, std::string& why) {
  if (!a.sizes().equals(b.sizes()) || a.scalar_type() != b.scalar_type()) {
    why = "shape or dtype differ: " + xgrad::format_sizes(a.sizes()) + " vs " + xgrad::format_sizes(b.sizes());
    return false;
  }
  xgrad::Tensor ca = a.detach().contiguous(), cb = b.detach().contiguous();
  const auto* pa = static_cast<const unsigned char*>(ca.data_ptr());
  const auto* pb = static_cast<const unsigned char*>(cb.data_ptr());
  const size_t width = ca.element_size();
  for (int64_t i = 0; i < ca.numel(); ++i) {
    if (std::memcmp(pa + i * width, pb + i * width, width) != 0) {
      xgrad::Tensor da = ca.to(xgrad::kDouble), db = cb.to(xgrad::kDouble);
      why = fmt::format("element {}: {} vs expected {}", i, da.data_ptr<double>()[i], db.data_ptr<double>()[i]);
      return false;
    }
  }
  return true;
}

}  // namespace xgrad_test
