// ivalue.hpp: IValue, the "any value" of libtorch as far as xgrad needs it: what a custom
// autograd function keeps in ctx->saved_data (a number, a flag, a string, a tensor, a list of
// sizes). Reading it as the wrong kind throws. Read next: autograd/custom_function.hpp.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "xgrad/core/exception.hpp"
#include "xgrad/core/tensor.hpp"

namespace xgrad {

class IValue {
 public:
  IValue() = default;
  IValue(double v) : value_(v) {}                                        // NOLINT: implicit, as in libtorch
  IValue(int64_t v) : value_(v) {}                                       // NOLINT
  IValue(int v) : value_(static_cast<int64_t>(v)) {}                     // NOLINT
  IValue(bool v) : value_(v) {}                                          // NOLINT
  IValue(std::string v) : value_(std::move(v)) {}                        // NOLINT
  IValue(const char* v) : value_(std::string(v)) {}                      // NOLINT
  IValue(Tensor v) : value_(std::move(v)) {}                             // NOLINT
  IValue(std::vector<int64_t> v) : value_(std::move(v)) {}               // NOLINT
  IValue(IntArrayRef v) : value_(std::vector<int64_t>(v.begin(), v.end())) {}  // NOLINT
  IValue(std::vector<double> v) : value_(std::move(v)) {}                // NOLINT

  bool isNone() const { return value_.index() == 0; }
  bool isDouble() const { return std::holds_alternative<double>(value_); }
  bool isInt() const { return std::holds_alternative<int64_t>(value_); }
  bool isBool() const { return std::holds_alternative<bool>(value_); }
  bool isString() const { return std::holds_alternative<std::string>(value_); }
  bool isTensor() const { return std::holds_alternative<Tensor>(value_); }
  bool isIntList() const { return std::holds_alternative<std::vector<int64_t>>(value_); }
  bool isDoubleList() const { return std::holds_alternative<std::vector<double>>(value_); }

  double toDouble() const { return get<double>("Double"); }
  int64_t toInt() const { return get<int64_t>("Int"); }
  bool toBool() const { return get<bool>("Bool"); }
  const std::string& toStringRef() const { return get<std::string>("String"); }
  const Tensor& toTensor() const { return get<Tensor>("Tensor"); }
  std::vector<int64_t> toIntVector() const { return get<std::vector<int64_t>>("IntList"); }
  std::vector<double> toDoubleVector() const { return get<std::vector<double>>("DoubleList"); }
  /// The kind held, as libtorch names it ("Double", "Int", "Tensor", "None", ...).
  std::string tagKind() const;

 private:
  template <class T>
  const T& get(const char* kind) const {
    if (const T* v = std::get_if<T>(&value_)) return *v;
    throw Error(fmt::format("Expected {} but got {}", kind, tagKind()));
  }
  std::variant<std::monostate, double, int64_t, bool, std::string, Tensor, std::vector<int64_t>, std::vector<double>>
      value_;
};

inline std::string IValue::tagKind() const {
  static const char* kinds[] = {"None", "Double", "Int", "Bool", "String", "Tensor", "IntList", "DoubleList"};
  return kinds[value_.index()];
}

}  // namespace xgrad
