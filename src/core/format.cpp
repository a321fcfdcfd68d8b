// format.cpp: Python's tensor repr, rule for rule (torch/_tensor_str.py in PyTorch 1.13 with the
// default print options: precision 4, threshold 1000, edgeitems 3, linewidth 80).
//   1. One formatter serves the whole tensor: it looks at the values shown and picks a mode
//      (integers "3.", fixed "0.1000" or scientific "1.0000e-05") and a width.
//   2. The body is laid out recursively, rows wrapped at 80 columns, long dims summarised "...".
//   3. Suffixes (dtype, grad_fn or requires_grad) follow, wrapped onto a new line when too long.
// A complex tensor has two formatters, one fed the real parts and one the imaginary parts, and an
// element prints as "1.5000+2.0000j" (the imaginary part unpadded, its sign or a "+" between).
#include "xgrad/core/format.hpp"

#include <cmath>
#include <cstdio>
#include <ostream>
#include <vector>

#include "xgrad/autograd/node.hpp"

namespace xgrad {

namespace {

constexpr int64_t kThreshold = 1000;  // more elements than this: summarise
constexpr int64_t kEdgeItems = 3;
constexpr int64_t kLineWidth = 80;

std::string printf_double(const char* format, double v) {
  char buf[512];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

/// Step 1: how every element of one tensor is written.
class ElementFormatter {
 public:
  ElementFormatter(ScalarType dtype, const std::vector<double>& seen) : dtype_(dtype) {
    if (dtype == kBool) {
      width_ = 4;
      for (double v : seen) width_ = std::max<size_t>(width_, v != 0 ? 4 : 5);
      return;
    }
    if (isIntegralType(dtype, false)) {
      width_ = 1;
      for (double v : seen) width_ = std::max(width_, std::to_string(static_cast<int64_t>(v)).size());
      return;
    }
    // Floating: only finite non-zero values choose the mode.
    std::vector<double> finite;
    for (double v : seen)
      if (std::isfinite(v) && v != 0) finite.push_back(std::fabs(v));
    if (finite.empty()) {
      mode_ = Mode::Int;
      width_ = 1;
      return;
    }
    bool integral = true;
    double amax = finite[0], amin = finite[0];
    for (double v : finite) {
      integral = integral && v == std::ceil(v);
      amax = std::max(amax, v);
      amin = std::min(amin, v);
    }
    double ratio = amax / amin;
    if (integral)
      mode_ = (ratio > 1000 || amax > 1e8) ? Mode::Sci : Mode::Int;
    else
      mode_ = (ratio > 1000 || amax > 1e8 || amin < 1e-4) ? Mode::Sci : Mode::Fixed;
    width_ = 1;
    for (double v : seen)
      if (std::isfinite(v) && v != 0) width_ = std::max(width_, plain(v).size());
  }

  size_t width() const { return width_; }

  std::string format(double v) const {
    std::string s = plain(v);
    return s.size() >= width_ ? s : std::string(width_ - s.size(), ' ') + s;
  }

 private:
  enum class Mode { Int, Fixed, Sci };
  std::string plain(double v) const {
    if (dtype_ == kBool) return v != 0 ? "True" : "False";
    if (isIntegralType(dtype_, false)) return std::to_string(static_cast<int64_t>(v));
    if (std::isnan(v)) return "nan";  // never "-nan"
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    switch (mode_) {
      case Mode::Int: return printf_double("%.0f", v) + ".";
      case Mode::Fixed: return printf_double("%.4f", v);
      case Mode::Sci: return printf_double("%.4e", v);
    }
    return "";
  }
  ScalarType dtype_;
  Mode mode_ = Mode::Fixed;
  size_t width_ = 1;
};

/// The values of a tensor as doubles in row-major order (float16 and bfloat16 exactly, through
/// float; int64 beyond 2^53 prints via the integer path below, which reads the exact value).
struct Values {
  std::vector<double> data;  // the real parts for a complex tensor
  std::vector<double> imag;  // a complex tensor's imaginary parts
  std::vector<int64_t> ints;
  DimVector sizes;
  ScalarType dtype;  // a complex tensor's part type (float32, float64)
  bool complex = false;
  double at(int64_t i) const { return dtype == kLong ? static_cast<double>(ints[i]) : data[i]; }
};

Values read_values(const Tensor& t) {
  Values v;
  v.dtype = t.scalar_type();
  v.sizes = DimVector(t.sizes());
  Tensor c = t.contiguous();
  int64_t n = c.numel();
  if (t.is_complex()) {
    v.complex = true;
    v.dtype = toRealValueType(t.scalar_type());
    v.data.resize(n);
    v.imag.resize(n);
    const auto read = [&](auto tag) {
      const auto* p = static_cast<const decltype(tag)*>(c.data_ptr());
      for (int64_t i = 0; i < n; ++i) {
        v.data[i] = p[i].real();
        v.imag[i] = p[i].imag();
      }
    };
    if (t.scalar_type() == kComplexFloat) read(complex<float>{});
    else read(complex<double>{});
    return v;
  }
  visit_dtype(c.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = c.data_ptr<T>();
    if constexpr (std::is_same<T, int64_t>::value) {
      v.ints.assign(p, p + n);
    } else {
      v.data.resize(n);
      for (int64_t i = 0; i < n; ++i) v.data[i] = detail::convert<double>(p[i]);
    }
  });
  return v;
}

/// Step 2: the body, recursively over dims. `offset` is the row-major index of the sub-tensor.
class BodyWriter {
 public:
  BodyWriter(const Values& values, bool summarize) : v_(values), summarize_(summarize) {
    std::vector<int64_t> seen;
    collect_seen(0, 0, seen);
    std::vector<double> re, im;
    for (int64_t off : seen) re.push_back(v_.at(off));
    formatter_ = std::make_unique<ElementFormatter>(v_.dtype, re);
    if (v_.complex) {
      for (int64_t off : seen) im.push_back(v_.imag[off]);
      imag_formatter_ = std::make_unique<ElementFormatter>(v_.dtype, im);
    }
  }

  /// `indent`: the column the body starts at ("tensor(" is 7 columns).
  std::string write(int64_t indent = 7) const {
    return write_dim(0, 0, indent);
  }
  std::string scalar() const {
    // A 0-d tensor: formatted alone, with no padding.
    ElementFormatter f(v_.dtype, {v_.at(0)});
    std::string s = f.format(v_.at(0));
    s = s.substr(s.find_first_not_of(' '));
    if (v_.complex) s = with_imag(s, ElementFormatter(v_.dtype, {v_.imag[0]}), v_.imag[0]);
    return s;
  }

 private:
  int64_t stride_of(size_t dim) const {
    int64_t s = 1;
    for (size_t d = dim + 1; d < v_.sizes.size(); ++d) s *= v_.sizes[d];
    return s;
  }
  /// The indices shown along one dim: all, or the first and last kEdgeItems when summarising.
  std::vector<int64_t> shown(size_t dim) const {
    int64_t n = v_.sizes[dim];
    std::vector<int64_t> idx;
    if (summarize_ && n > 2 * kEdgeItems) {
      for (int64_t i = 0; i < kEdgeItems; ++i) idx.push_back(i);
      idx.push_back(-1);  // the "..." marker
      for (int64_t i = n - kEdgeItems; i < n; ++i) idx.push_back(i);
    } else {
      for (int64_t i = 0; i < n; ++i) idx.push_back(i);
    }
    return idx;
  }
  /// Python's _val_formatter for complex: the imaginary part unpadded with a "j", joined by its
  /// own sign or a "+".
  static std::string with_imag(const std::string& real_text, const ElementFormatter& f, double im) {
    std::string s = f.format(im) + "j";
    s = s.substr(s.find_first_not_of(' '));
    return real_text + (s[0] == '+' || s[0] == '-' ? "" : "+") + s;
  }
  std::string element(int64_t off) const {
    std::string s = formatter_->format(v_.at(off));
    return v_.complex ? with_imag(s, *imag_formatter_, v_.imag[off]) : s;
  }
  /// The row-major offsets of the elements shown.
  void collect_seen(size_t dim, int64_t offset, std::vector<int64_t>& seen) const {
    if (v_.sizes.empty()) {
      seen.push_back(0);
      return;
    }
    for (int64_t i : shown(dim)) {
      if (i < 0) continue;
      int64_t off = offset + i * stride_of(dim);
      if (dim + 1 == v_.sizes.size())
        seen.push_back(off);
      else
        collect_seen(dim + 1, off, seen);
    }
  }
  std::string write_dim(size_t dim, int64_t offset, int64_t indent) const {
    std::vector<std::string> items;
    size_t ndim = v_.sizes.size();
    if (dim + 1 == ndim) {
      for (int64_t i : shown(dim)) items.push_back(i < 0 ? " ..." : element(offset + i));
      int64_t element_length = static_cast<int64_t>(formatter_->width()) + 2;
      if (v_.complex) element_length += static_cast<int64_t>(imag_formatter_->width()) + 1;
      int64_t per_line = std::max<int64_t>(1, (kLineWidth - indent) / element_length);
      std::string out = "[";
      for (size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += (static_cast<int64_t>(i) % per_line == 0) ? ",\n" + std::string(indent + 1, ' ') : ", ";
        out += items[i];
      }
      return out + "]";
    }
    for (int64_t i : shown(dim))
      items.push_back(i < 0 ? "..." : write_dim(dim + 1, offset + i * stride_of(dim), indent + 1));
    std::string sep = "," + std::string(ndim - dim - 1, '\n') + std::string(indent + 1, ' ');
    std::string out = "[";
    for (size_t i = 0; i < items.size(); ++i) out += (i ? sep : "") + items[i];
    return out + "]";
  }

  const Values& v_;
  bool summarize_;
  std::unique_ptr<ElementFormatter> formatter_;
  std::unique_ptr<ElementFormatter> imag_formatter_;  // complex tensors only
};

std::string tuple_text(IntArrayRef sizes) {
  std::string s = "(";
  for (size_t i = 0; i < sizes.size(); ++i) s += (i ? ", " : "") + std::to_string(sizes[i]);
  return s + (sizes.size() == 1 ? ",)" : ")");
}

/// Python's _tensor_str: the body of a strided tensor starting at column `indent` ("[]" if empty).
std::string body_text(const Tensor& t, int64_t indent) {
  if (t.numel() == 0) return "[]";
  Values values = read_values(t);
  BodyWriter writer(values, t.numel() > kThreshold);
  return t.dim() == 0 ? writer.scalar() : writer.write(indent);
}

/// Python prints the default dtype, its complex dtype, int64 and bool without a dtype suffix.
bool shows_dtype(ScalarType dt) {
  return dt != default_dtype() && dt != default_complex_dtype() && dt != kLong && dt != kBool;
}

/// A sparse COO tensor's body, "indices=tensor(...),\n       values=tensor(...)", and its
/// suffixes (size, nnz, dtype, layout), as _tensor_str.py's sparse branch writes them.
std::string sparse_body(const Tensor& t, std::vector<std::string>& suffixes) {
  suffixes.push_back("size=" + tuple_text(t.sizes()));
  suffixes.push_back("nnz=" + std::to_string(t._nnz()));
  if (shows_dtype(t.scalar_type())) suffixes.push_back(std::string("dtype=torch.") + dtype_name(t.scalar_type()));
  const std::string indices_prefix = "indices=tensor(", values_prefix = "values=tensor(";
  const Tensor indices = t._indices(), values = t._values();
  std::string indices_text = body_text(indices, 7 + static_cast<int64_t>(indices_prefix.size()));
  if (indices.numel() == 0) indices_text += ", size=" + tuple_text(indices.sizes());
  std::string values_text = body_text(values, 7 + static_cast<int64_t>(values_prefix.size()));
  if (values.numel() == 0) values_text += ", size=" + tuple_text(values.sizes());
  return indices_prefix + indices_text + "),\n" + std::string(7, ' ') + values_prefix + values_text + ")";
}

}  // namespace

std::string format_sizes(IntArrayRef sizes) {
  std::string s = "[";
  for (size_t i = 0; i < sizes.size(); ++i) s += (i ? ", " : "") + std::to_string(sizes[i]);
  return s + "]";
}

std::string format_torch_size(IntArrayRef sizes) { return "torch.Size(" + format_sizes(sizes) + ")"; }

std::string repr(const Tensor& t) {
  if (!t.defined()) return "[ Tensor (undefined) ]";
  return repr_with(t, t.grad_fn() ? t.grad_fn()->name() : "", t.requires_grad());
}

std::string repr_with(const Tensor& t, const std::string& grad_fn_name, bool requires_grad) {
  std::string body;
  std::vector<std::string> suffixes;
  if (t.is_sparse()) {
    body = sparse_body(t, suffixes);
    suffixes.push_back("layout=torch.sparse_coo");
  } else if (t.numel() == 0) {
    body = "[]";
    if (t.dim() != 1) suffixes.push_back("size=" + tuple_text(t.sizes()));
    if (t.scalar_type() != default_dtype()) suffixes.push_back(std::string("dtype=torch.") + dtype_name(t.scalar_type()));
  } else {
    Values values = read_values(t);
    BodyWriter writer(values, t.numel() > kThreshold);
    body = t.dim() == 0 ? writer.scalar() : writer.write();
    // Python omits the dtype for the default dtype, its complex dtype, int64 and bool, whose values
    // show the kind.
    const ScalarType dt = t.scalar_type();
    if (shows_dtype(dt)) suffixes.push_back(std::string("dtype=torch.") + dtype_name(dt));
  }
  if (!grad_fn_name.empty())
    suffixes.push_back("grad_fn=<" + grad_fn_name + ">");
  else if (requires_grad)
    suffixes.push_back("requires_grad=True");

  // Step 3: each suffix joins the last line if it fits in 80 columns, else starts a new line.
  std::string s = "tensor(" + body;
  size_t last_newline = s.rfind('\n');
  size_t cur = (last_newline == std::string::npos ? s.size() : s.size() - last_newline - 1) + 2;
  bool force_newline = t.is_sparse();  // a sparse tensor's first suffix always starts a line
  for (const std::string& x : suffixes) {
    if (force_newline || cur + x.size() + 2 > static_cast<size_t>(kLineWidth)) {
      s += ",\n       " + x;
      cur = 7 + x.size();
      force_newline = false;
    } else {
      s += ", " + x;
      cur += x.size() + 2;
    }
  }
  return s + ")";
}

std::ostream& operator<<(std::ostream& os, const Tensor& t) { return os << repr(t); }

std::string Tensor::toString() const { return repr(*this); }

}  // namespace xgrad
