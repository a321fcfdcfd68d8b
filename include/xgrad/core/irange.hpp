// irange.hpp: c10::irange, the integer range libtorch code loops with:
//   for (const auto i : c10::irange(n))         0, 1, ..., n-1
//   for (const auto i : c10::irange(a, b))      a, ..., b-1 (empty when b <= a)
// The element type is the end's type, as in c10. Read next: macros.hpp.
#pragma once

#include <iterator>
#include <type_traits>

namespace xgrad {

template <class I>
class integer_range {
  static_assert(std::is_integral<I>::value, "irange counts with an integer type");

 public:
  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = I;
    using difference_type = std::ptrdiff_t;
    using pointer = const I*;
    using reference = I;
    explicit iterator(I v) : v_(v) {}
    I operator*() const { return v_; }
    iterator& operator++() { ++v_; return *this; }
    iterator operator++(int) { iterator copy = *this; ++v_; return copy; }
    bool operator==(const iterator& o) const { return v_ == o.v_; }
    bool operator!=(const iterator& o) const { return v_ != o.v_; }

   private:
    I v_;
  };
  integer_range(I begin, I end) : begin_(begin), end_(end < begin ? begin : end) {}
  iterator begin() const { return iterator(begin_); }
  iterator end() const { return iterator(end_); }

 private:
  I begin_, end_;
};

/// The integers begin, begin+1, ..., end-1, of end's type.
template <class Integer1, class Integer2,
          class = std::enable_if_t<std::is_integral<Integer1>::value && std::is_integral<Integer2>::value>>
integer_range<Integer2> irange(Integer1 begin, Integer2 end) {
  return integer_range<Integer2>(static_cast<Integer2>(begin), end);
}

/// The integers 0, 1, ..., end-1 (none when end <= 0).
template <class Integer, class = std::enable_if_t<std::is_integral<Integer>::value>>
integer_range<Integer> irange(Integer end) {
  return integer_range<Integer>(Integer(), end);
}

}  // namespace xgrad
