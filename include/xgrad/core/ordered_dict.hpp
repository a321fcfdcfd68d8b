// ordered_dict.hpp: OrderedDict<Key, Value>, libtorch's insertion-ordered map (what
// Module::named_parameters() returns): iterate items with .key() and .value(), or index by key.
// Read next: nn/module.hpp.
#pragma once

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "xgrad/core/exception.hpp"

namespace xgrad {

template <class Key, class Value>
class OrderedDict {
 public:
  class Item {
   public:
    Item(Key key, Value value) : pair_(std::move(key), std::move(value)) {}
    const Key& key() const { return pair_.first; }
    Value& value() { return pair_.second; }
    const Value& value() const { return pair_.second; }
    Value& operator*() { return value(); }
    Value* operator->() { return &value(); }

   private:
    std::pair<Key, Value> pair_;
  };

  OrderedDict() = default;
  explicit OrderedDict(std::string key_description) : key_description_(std::move(key_description)) {}

  Value& insert(Key key, Value value) {
    XGRAD_CHECK(index_.count(key) == 0, "{} '{}' already defined", key_description_, key);
    index_[key] = items_.size();
    items_.emplace_back(std::move(key), std::move(value));
    return items_.back().value();
  }
  /// Inserts, or replaces the value under an existing key.
  Value& insert_or_assign(Key key, Value value) {
    if (auto* v = find(key)) return *v = std::move(value);
    return insert(std::move(key), std::move(value));
  }
  Value* find(const Key& key) {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &items_[it->second].value();
  }
  const Value* find(const Key& key) const {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &items_[it->second].value();
  }
  bool contains(const Key& key) const { return index_.count(key) != 0; }
  Value& operator[](const Key& key) {
    Value* v = find(key);
    XGRAD_CHECK(v != nullptr, "No such {}: '{}'", key_description_, key);
    return *v;
  }
  const Value& operator[](const Key& key) const {
    const Value* v = find(key);
    XGRAD_CHECK(v != nullptr, "No such {}: '{}'", key_description_, key);
    return *v;
  }
  Item& operator[](size_t i) { return items_.at(i); }
  const Item& operator[](size_t i) const { return items_.at(i); }

  size_t size() const { return items_.size(); }
  bool is_empty() const { return items_.empty(); }
  auto begin() { return items_.begin(); }
  auto end() { return items_.end(); }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }
  const std::vector<Item>& items() const { return items_; }
  std::vector<Key> keys() const {
    std::vector<Key> k;
    for (const Item& i : items_) k.push_back(i.key());
    return k;
  }
  std::vector<Value> values() const {
    std::vector<Value> v;
    for (const Item& i : items_) v.push_back(i.value());
    return v;
  }
  void clear() {
    items_.clear();
    index_.clear();
  }
  void erase(const Key& key) {
    auto it = index_.find(key);
    if (it == index_.end()) return;
    items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(it->second));
    index_.clear();
    for (size_t i = 0; i < items_.size(); ++i) index_[items_[i].key()] = i;
  }

 private:
  std::vector<Item> items_;
  std::unordered_map<Key, size_t> index_;
  std::string key_description_ = "Key";
};

}  // namespace xgrad
