// module_steps.hpp: replaying a module's steps as a reference script recorded them (the "modules"
// and "exact" sections of tests/reference/norm.json, written by make_norm_reference.py).
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include <xgrad/xgrad.hpp>

namespace xgrad_test {

/// The entry of `section` named `name` in reference file `file`.
const nlohmann::json& find_entry(const std::string& file, const std::string& section, const std::string& name);

/// Checks `module` against the recorded run `name` of norm.json's "modules": its parameters and
/// buffers at the start (names and values), then for each step (train() or eval() as recorded):
/// the output of `forward` for the recorded input, its grad_fn name, the gradients of the input
/// and of every parameter for the recorded upstream gradient, and every buffer after the step.
/// rtol: the relative tolerance of values and gradients.
void replay_module_steps(const std::string& name, xgrad::nn::Module& module,
                         const std::function<xgrad::Tensor(const xgrad::Tensor&)>& forward, double rtol = 1e-5);

/// Whether a and b are equal bit for bit (same shape and dtype), saying where they differ if not.
bool bitwise_equal(const xgrad::Tensor& a, const xgrad::Tensor& b, std::string& why);

}  // namespace xgrad_test
