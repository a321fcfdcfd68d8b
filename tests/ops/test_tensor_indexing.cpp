// test_tensor_indexing.cpp: x.index({...}) / x.index_put_({...}, v) with every kind of index,
// advanced indexing, the masked/take/index_* ops, and in-place ops on views (CopySlices,
// AsStridedBackward0), against tests/reference/indexing.json (make_indexing_reference.py):
// values, grad_fn names, the graph below the output, gradients, float64 gradchecks, and errors.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <sstream>

#include <xgrad/torch.hpp>

#include "support/reference.hpp"

using torch::Tensor;
using V = xgrad_test::Inputs;
using namespace torch::indexing;
using OptionalTensors = std::vector<std::optional<Tensor>>;

namespace {

const char* const kFile = "indexing.json";

/// b = a.clone(); b[index] = v; return b
Tensor set(const Tensor& a, std::vector<TensorIndex> index, const Tensor& v) {
  Tensor b = a.clone();
  b.index_put_(index, v);
  return b;
}

/// The grad_fn graph as the script writes it: "CopySlices(CloneBackward0(AccumulateGrad))".
std::string graph(const std::shared_ptr<torch::autograd::Node>& fn, int depth = 0) {
  if (!fn) return "null";
  std::string out = fn->name();
  if (depth >= 6) return out;
  std::string kids;
  for (const auto& e : fn->next_edges())
    if (e.function) kids += (kids.empty() ? "" : ", ") + graph(e.function, depth + 1);
  return kids.empty() ? out : out + "(" + kids + ")";
}

/// Every case of `group`: run_reference_group's checks, and the graph below the output.
void run_group(const std::string& group, const xgrad_test::OpTable& table) {
  xgrad_test::run_reference_group(group, table, kFile);
  for (const auto& c : xgrad_test::reference(kFile).at("cases")) {
    if (c.at("group") != group || c.at("graph").is_null()) continue;
    INFO("case " << c.at("name").get<std::string>());
    V inputs;
    for (const auto& j : c.at("inputs")) {
      Tensor t = xgrad_test::decode(j);
      inputs.push_back(t.is_floating_point() ? t.set_requires_grad(true) : t);
    }
    Tensor out = table.at(c.at("name").get<std::string>()).fn(inputs);
    CHECK(graph(out.grad_fn()) == c.at("graph").get<std::string>());
  }
}

}  // namespace

TEST_CASE("x.index({...}) matches Python's x[...]", "[indexing]") {
  xgrad_test::OpTable table = {
      {"int", [](const V& a) { return a[0].index({1}); }},
      {"int_negative", [](const V& a) { return a[0].index({-1}); }},
      {"int_int", [](const V& a) { return a[0].index({1, 2}); }},
      {"int_slice_int", [](const V& a) { return a[0].index({0, Slice(), 1}); }},
      {"slice_from", [](const V& a) { return a[0].index({Slice(1, None)}); }},
      {"slice_step", [](const V& a) { return a[0].index({Slice(None, None, 2)}); }},
      {"slice_slice_step", [](const V& a) { return a[0].index({Slice(1, 3), Slice(None, None, 2)}); }},
      {"slice_negative", [](const V& a) { return a[0].index({Slice(-2, None)}); }},
      {"slice_past_end", [](const V& a) { return a[0].index({Slice(), Slice(1, 100)}); }},
      {"slice_empty", [](const V& a) { return a[0].index({Slice(5, None)}); }},
      {"slice_backwards_empty", [](const V& a) { return a[0].index({Slice(), Slice(2, 1)}); }},
      {"slice_whole", [](const V& a) { return a[0].index({Slice()}); }},
      {"slice_whole_then_int", [](const V& a) { return a[0].index({Slice(), 0}); }},
      {"slice_explicit_whole_then_int", [](const V& a) { return a[0].index({Slice(0, 3), 0}); }},
      {"none", [](const V& a) { return a[0].index({None}); }},
      {"slice_none", [](const V& a) { return a[0].index({Slice(), None}); }},
      {"ellipsis_none", [](const V& a) { return a[0].index({"...", None}); }},
      {"none_ellipsis_none", [](const V& a) { return a[0].index({None, "...", None}); }},
      {"ellipsis", [](const V& a) { return a[0].index({"..."}); }},
      {"ellipsis_int", [](const V& a) { return a[0].index({Ellipsis, 1}); }},
      {"int_ellipsis_int", [](const V& a) { return a[0].index({0, "...", 1}); }},
      {"true", [](const V& a) { return a[0].index({true}); }},
      {"false", [](const V& a) { return a[0].index({false}); }},
      {"true_int", [](const V& a) { return a[0].index({true, 0}); }},
      {"mask_rows", [](const V& a) { return a[0].index({a[1]}); }},
      {"mask_cols", [](const V& a) { return a[0].index({Slice(), a[1]}); }},
      {"mask_2d", [](const V& a) { return a[0].index({a[1]}); }},
      {"mask_2d_of_3d", [](const V& a) { return a[0].index({a[1]}); }},
      {"mask_computed", [](const V& a) { return a[0].index({a[0] > 0}); }},
      {"index", [](const V& a) { return a[0].index({a[1]}); }},
      {"index_negative", [](const V& a) { return a[0].index({a[1]}); }},
      {"index_2d", [](const V& a) { return a[0].index({a[1]}); }},
      {"slice_index", [](const V& a) { return a[0].index({Slice(), a[1]}); }},
      {"index_index", [](const V& a) { return a[0].index({a[1], a[2]}); }},
      {"index_index_broadcast", [](const V& a) { return a[0].index({a[1], a[2]}); }},
      {"index_slice_index", [](const V& a) { return a[0].index({a[1], Slice(), a[2]}); }},
      {"slice_index_index", [](const V& a) { return a[0].index({Slice(), a[1], a[2]}); }},
      {"index_int_index", [](const V& a) { return a[0].index({a[1], 1, a[2]}); }},
      {"index_none_index", [](const V& a) { return a[0].index({a[1], None, a[2]}); }},
      {"slice_none_ellipsis_index", [](const V& a) { return a[0].index({Slice(1, None), None, "...", a[1]}); }},
      {"index_then_slice", [](const V& a) { return a[0].index({a[1], Slice(1, None)}); }},
      {"mask_and_index", [](const V& a) { return a[0].index({a[1], a[2]}); }},
      {"zero_dim_index", [](const V& a) { return a[0].index({torch::tensor(1)}); }},
      {"zero_dim_bool", [](const V& a) { return a[0].index({torch::tensor(true)}); }},
      {"empty_index", [](const V& a) { return a[0].index({a[1]}); }},
  };
  run_group("get", table);
}

TEST_CASE("x.index_put_({...}, v) matches Python's x[...] = v", "[indexing]") {
  xgrad_test::OpTable table = {
      {"set_int", [](const V& a) { return set(a[0], {0}, a[1]); }},
      {"set_int_number", [](const V& a) { return a[0].clone().index_put_({1}, 2.5); }},
      {"set_slice_int", [](const V& a) { return set(a[0], {Slice(), 1}, a[1]); }},
      {"set_slice_step", [](const V& a) { return set(a[0], {Slice(1, None), Slice(None, None, 2)}, a[1]); }},
      {"set_broadcast_row", [](const V& a) { return set(a[0], {Slice(0, 2)}, a[1]); }},
      {"set_leading_ones", [](const V& a) { return set(a[0], {0}, a[1]); }},
      {"set_ellipsis", [](const V& a) { return set(a[0], {"..."}, a[1]); }},
      {"set_none", [](const V& a) { return set(a[0], {None}, a[1]); }},
      {"set_true", [](const V& a) { return set(a[0], {true}, a[1]); }},
      {"set_mask_number", [](const V& a) { return a[0].clone().index_put_({a[1]}, 0.0); }},
      {"set_mask_values", [](const V& a) { return set(a[0], {a[1]}, a[2]); }},
      {"set_mask_rows", [](const V& a) { return set(a[0], {a[1]}, a[2]); }},
      {"set_index_rows", [](const V& a) { return set(a[0], {a[1]}, a[2]); }},
      {"set_index_index", [](const V& a) { return set(a[0], {a[1], a[2]}, a[3]); }},
      {"set_index_slice_index", [](const V& a) { return set(a[0], {a[1], Slice(), a[2]}, a[3]); }},
      {"set_slice_then_index", [](const V& a) { return set(a[0], {Slice(1, None), a[1]}, a[2]); }},
      {"set_into_zeros", [](const V& a) { return set(torch::zeros({3, 4}, a[0].options()), {1}, a[0]); }},
      {"set_index_into_zeros", [](const V& a) { return set(torch::zeros({3, 4}, a[0].options()), {a[1]}, a[0]); }},
      {"index_put", [](const V& a) { return torch::index_put(a[0], {a[1]}, a[2]); }},
      {"index_put_accumulate", [](const V& a) { return torch::index_put(a[0], {a[1]}, a[2], true); }},
      {"index_put_two", [](const V& a) { return torch::index_put(a[0], {a[1], a[2]}, a[3]); }},
      {"index_put_mask_accumulate", [](const V& a) { return a[0].index_put({a[1]}, a[2], true); }},
      {"index_put_inplace", [](const V& a) { return a[0].clone().index_put_(OptionalTensors{a[1]}, a[2]); }},
      {"index_put_inplace_accumulate",
       [](const V& a) {
         Tensor b = a[0].clone();
         return torch::index_put_(b, {a[1]}, a[2], true);
       }},
  };
  run_group("set", table);
}

TEST_CASE("in-place ops on views are recorded as PyTorch records them", "[indexing][views]") {
  xgrad_test::OpTable table = {
      {"mul_on_select",
       [](const V& a) {
         Tensor b = a[0].clone();
         b[0].mul_(2);
         return b;
       }},
      {"view_after_its_mul", [](const V& a) { return a[0].clone()[0].mul_(2); }},
      {"view_after_base_mul",
       [](const V& a) {
         Tensor b = a[0].clone(), v = b[0];
         b.mul_(2);
         return v;
       }},
      {"view_of_view",
       [](const V& a) {
         Tensor b = a[0].clone();
         b.index({Slice(), Slice(1, 3)}).index({0}).add_(1);
         return b;
       }},
      {"add_tensor_on_transpose",
       [](const V& a) {
         Tensor b = a[0].clone();
         b.t().add_(a[1]);
         return b;
       }},
      {"mul_on_flat_view",
       [](const V& a) {
         Tensor b = a[0].clone();
         b.view({-1}).mul_(a[1]);
         return b;
       }},
      {"two_views_in_turn",
       [](const V& a) {
         Tensor b = a[0].clone();
         b[0].mul_(2);
         b[1].add_(b[0]);
         return b;
       }},
      {"other_view_after_inplace",
       [](const V& a) {
         Tensor b = a[0].clone(), v1 = b[1];
         b[0].mul_(3);
         return v1 * 2;
       }},
      {"expanded_view_after_base_mul",
       [](const V& a) {
         Tensor b = a[0].clone(), e = b[0].expand({2, 4});
         b.mul_(2);
         return e;
       }},
      {"copy_into_slice_of_zeros",
       [](const V& a) {
         Tensor z = torch::zeros({3, 4}, a[0].options());
         z.index({Slice(1, None)}).copy_(a[0]);
         return z;
       }},
      {"fill_tensor_on_column",
       [](const V& a) {
         Tensor b = a[0].clone();
         b.index({Slice(), 0}).fill_(a[1]);
         return b;
       }},
      {"zero_on_row",
       [](const V& a) {
         Tensor b = a[0].clone();
         b[1].zero_();
         return b;
       }},
      {"masked_fill_on_row",
       [](const V& a) {
         Tensor b = a[0].clone();
         b[0].masked_fill_(a[1], 0.5);
         return b;
       }},
      {"index_put_on_view",
       [](const V& a) {
         Tensor b = a[0].clone();
         b.index({Slice(1, None)}).index_put_(OptionalTensors{a[1]}, a[2]);
         return b;
       }},
      {"flat_view_after_row_mul",
       [](const V& a) {
         Tensor b = a[0].clone(), d = b.view({12});
         b[0].mul_(2);
         return d;
       }},
      {"inplace_on_unsqueezed",
       [](const V& a) {
         Tensor b = a[0].clone();
         b.unsqueeze(0).mul_(a[1]);
         return b;
       }},
      {"as_strided", [](const V& a) { return a[0].as_strided({2, 2}, {1, 2}); }},
      {"as_strided_offset", [](const V& a) { return a[0].as_strided({2, 3}, {4, 1}, 1); }},
      {"as_strided_overlapping", [](const V& a) { return a[0].as_strided({3, 3}, {1, 1}); }},
      {"alias", [](const V& a) { return a[0].index({"..."}); }},
  };
  run_group("views", table);
}

TEST_CASE("masked_select, masked_scatter, take, index_fill, index_copy, index_add match PyTorch", "[indexing]") {
  xgrad_test::OpTable table = {
      {"masked_select", [](const V& a) { return a[0].masked_select(a[1]); }},
      {"masked_select_broadcast", [](const V& a) { return torch::masked_select(a[0], a[1]); }},
      {"masked_scatter", [](const V& a) { return a[0].masked_scatter(a[1], a[2]); }},
      {"take", [](const V& a) { return a[0].take(a[1]); }},
      {"index_fill", [](const V& a) { return a[0].index_fill(1, a[1], 1.5); }},
      {"index_copy", [](const V& a) { return a[0].index_copy(1, a[1], a[2]); }},
      {"index_add_alpha", [](const V& a) { return a[0].index_add(0, a[1], a[2], 2); }},
      {"nonzero", [](const V& a) { return a[0].nonzero(); }},
      {"nonzero_bool", [](const V& a) { return torch::nonzero(a[0]); }},
  };
  run_group("masked", table);
}

TEST_CASE("indexing and views refuse what PyTorch refuses, with its messages", "[indexing][views]") {
  const Tensor y = torch::arange(100.).view({2, 5, 10});
  const Tensor x = torch::randn({3, 4});
  const Tensor mask_rows = torch::tensor({true, false, true});
  const Tensor mask2 = torch::tensor({{true, false, true, false}, {false, false, true, true}, {true, true, false, false}});
  auto L = [](std::vector<int64_t> v) { return torch::tensor(v); };
  auto ones_rg = [](int64_t n) { return torch::ones({n}, torch::requires_grad()); };
  std::map<std::string, std::function<void()>> table = {
      {"int_out_of_range", [&] { y.index({0, 5}); }},
      {"int_out_of_range_dim0", [&] { y.index({4, 5}); }},
      {"int_out_of_range_last", [&] { y.index({Slice(), Slice(), 12}); }},
      {"index_out_of_range", [&] { y.index({L({0, 7})}); }},
      {"index_out_of_range_second", [&] { y.index({L({0, 1}), Slice(), L({0, 17})}); }},
      {"index_not_broadcastable", [&] { y.index({L({0, 1}), L({0, 1, 2})}); }},
      {"mask_wrong_shape", [&] { y.index({mask_rows}); }},
      {"mask_wrong_shape_dim1", [&] { y.index({Slice(), mask_rows}); }},
      {"too_many_indices", [&] { y.index({0, 0, 0, 0}); }},
      {"float_index", [&] { y.index({torch::tensor({0.})}); }},
      {"int32_index", [&] { y.index({L({0}).to(torch::kDouble)}); }},  // no int32 here: any non-index dtype
      {"index_into_empty_dim", [&] { torch::empty({10, 0}).index({Slice(), L({0, 1})}); }},
      {"int_of_0d", [&] { torch::tensor(10).index({0}); }},
      {"int_of_0d_nonzero", [&] { torch::tensor(10).index({1}); }},
      {"slice_of_0d", [&] { torch::tensor(10).index({Slice()}); }},
      {"slice_step_zero", [&] { y.index({Slice(None, None, 0)}); }},
      {"slice_step_negative", [&] { y.index({Slice(None, None, -1)}); }},
      {"set_mask_wrong_count",
       [&] {
         Tensor a = torch::arange(4);
         a.index_put_({a > -1}, torch::tensor({1, 2, 3}));
       }},
      {"set_index_wrong_shape", [&] { torch::zeros({2, 3}).index_put_({L({0})}, torch::zeros({5, 1, 3})); }},
      {"set_int_not_expandable", [&] { torch::zeros({2, 3}).index_put_({0}, torch::zeros({5, 1, 3})); }},
      {"index_put_dtype",
       [&] { torch::zeros({3}).index_put_(OptionalTensors{L({0})}, torch::ones({1}, torch::kDouble)); }},
      {"index_put_too_many",
       [&] { torch::zeros({5, 5}).index_put_(OptionalTensors{L({0}), L({0}), L({0})}, torch::ones({1})); }},
      {"leaf_view_inplace", [&] { ones_rg(3)[0].mul_(2); }},
      {"leaf_inplace", [&] { ones_rg(3).mul_(2); }},
      {"unbind_output_inplace", [&] { ones_rg(3).clone().unbind()[0].mul_(2); }},
      {"split_output_inplace", [&] { ones_rg(4).clone().split(2)[0].mul_(2); }},
      {"leaf_unbind_output_inplace", [&] { ones_rg(3).unbind()[0].mul_(2); }},
      {"no_grad_view_inplace",
       [&] {
         Tensor b = ones_rg(3).clone(), v;
         {
           torch::NoGradGuard no_grad;
           v = b.index({Slice(None, 2)});
         }
         v.mul_(2);
       }},
      {"no_grad_view_base_modified",
       [&] {
         Tensor b = ones_rg(3).clone(), v;
         {
           torch::NoGradGuard no_grad;
           v = b.index({Slice(None, 2)});
           b.mul_(2);
         }
         (void)v.grad_fn();
       }},
      {"unbind_output_base_modified",
       [&] {
         Tensor b = ones_rg(3).clone();
         auto u = b.unbind();
         b.mul_(2);
         (void)u[0].grad_fn();
       }},
      {"detach_view_inplace", [&] { ones_rg(3).clone().index({Slice(None, 2)}).detach_(); }},
      {"add_on_expanded", [&] { torch::zeros({3}).expand({2, 3}).add_(1); }},
      {"copy_on_expanded", [&] { torch::zeros({3}).expand({2, 3}).copy_(torch::ones({2, 3})); }},
      {"backward_twice_through_copy_slices",
       [&] {
         Tensor b = ones_rg(3).clone();
         b[0].mul_(2);
         b.sum().backward();
         b.sum().backward();
       }},
      {"masked_select_int_mask", [&] { x.masked_select(L({1, 0, 1})); }},
      {"masked_scatter_short_source", [&] { x.masked_scatter(mask_rows.view({3, 1}), torch::ones({3})); }},
      {"masked_scatter_dtype", [&] { x.masked_scatter(mask2, torch::ones({8}, torch::kDouble)); }},
      {"take_out_of_range", [&] { x.take(L({0, 12})); }},
      {"take_float_index", [&] { x.take(torch::tensor({0.})); }},
      {"index_fill_out_of_range", [&] { x.index_fill(1, L({0, 5}), 2.); }},
      {"index_fill_float_index", [&] { x.index_fill(1, torch::tensor({0.}), 2.); }},
      {"index_copy_out_of_range", [&] { x.index_copy(1, L({0, 5}), torch::ones({3, 2})); }},
      {"index_copy_negative", [&] { x.index_copy(1, L({0, -1}), torch::ones({3, 2})); }},
      {"index_copy_count", [&] { x.index_copy(1, L({0, 1}), torch::ones({3, 3})); }},
      {"index_copy_dtype", [&] { x.index_copy(1, L({0, 1}), torch::ones({3, 2}, torch::kDouble)); }},
      {"index_add_out_of_range", [&] { x.index_add(1, L({0, 5}), torch::ones({3, 2})); }},
  };
  std::set<std::string> seen;
  for (const auto& e : xgrad_test::reference(kFile).at("errors")) {
    const std::string name = e.at("name"), type = e.at("type"), message = e.at("message");
    seen.insert(name);
    INFO("error " << name);
    auto it = table.find(name);
    REQUIRE(it != table.end());
    std::string what, got_type;
    try {
      it->second();
    } catch (const torch::IndexError& err) {
      got_type = "IndexError", what = err.what();
    } catch (const torch::ValueError& err) {
      got_type = "ValueError", what = err.what();
    } catch (const torch::Error& err) {
      got_type = "RuntimeError", what = err.what();
    }
    CHECK(got_type == type);
    CHECK(what == message);
  }
  for (const auto& [name, fn] : table) {
    INFO("error without a reference case: " << name);
    CHECK(seen.count(name) == 1);
  }
}

TEST_CASE("TensorIndex and Slice are libtorch's", "[indexing]") {
  Slice s(1, 2, 3);
  CHECK(s.start() == 1);
  CHECK(s.stop() == 2);
  CHECK(s.step() == 3);
  auto str = [](const auto& v) {
    std::ostringstream os;
    os << v;
    return os.str();
  };
  CHECK(str(s) == "1:2:3");
  std::vector<TensorIndex> indices = {None, "...", Ellipsis, 0, true, Slice(1, None, 2)};
  CHECK(indices[0].is_none());
  CHECK(indices[1].is_ellipsis());
  CHECK(indices[2].is_ellipsis());
  CHECK((indices[3].is_integer() && indices[3].integer() == 0));
  CHECK((indices[4].is_boolean() && indices[4].boolean()));
  CHECK((indices[5].is_slice() && indices[5].slice().stop() == INDEX_MAX));
  CHECK(str(indices) == "(None, ..., ..., 0, true, 1:" + std::to_string(INDEX_MAX) + ":2)");
  CHECK(str(std::vector<TensorIndex>{Slice(None, None, -1)}) ==
        "(" + std::to_string(INDEX_MAX) + ":" + std::to_string(INDEX_MIN) + ":-1)");
  CHECK(str(std::vector<TensorIndex>{Slice(None, 3, -1)}) == "(" + std::to_string(INDEX_MAX) + ":3:-1)");
  CHECK(TensorIndex(torch::tensor({1, 2})).is_tensor());
  CHECK_THROWS_AS(TensorIndex(".."), torch::ValueError);
  CHECK_THROWS_WITH(TensorIndex(".."), "Expected \"...\" to represent an ellipsis index, but got \"..\"");

  Tensor x = torch::randn({20, 20});
  std::vector<TensorIndex> none;
  CHECK_THROWS_WITH(x.index({}), "Passing an empty index list to Tensor::index() is not valid syntax");
  CHECK_THROWS_WITH(x.index(none), "Passing an empty index list to Tensor::index() is not valid syntax");
  CHECK_THROWS_WITH(x.index_put_({}, 1), "Passing an empty index list to Tensor::index_put_() is not valid syntax");
  CHECK_THROWS_WITH(x.index_put_(none, x), "Passing an empty index list to Tensor::index_put_() is not valid syntax");
}

TEST_CASE("indexing keeps PyTorch's aliasing: views share memory, index tensors copy", "[indexing][views]") {
  Tensor a = torch::arange(12.).view({3, 4});
  CHECK(a.index({1}).data_ptr() == a[1].data_ptr());
  CHECK(a.index({"..."}).data_ptr() == a.data_ptr());
  CHECK_FALSE(a.index({"..."}).is_same(a));
  CHECK(a.index({None}).data_ptr() == a.data_ptr());
  CHECK(a.index({true}).data_ptr() != a.data_ptr());
  CHECK(a.index({torch::tensor(1)}).data_ptr() == a[1].data_ptr());  // a 0-d index selects

  // An advanced index gives a copy; writing to it leaves `a` alone; index_put_ writes into `a`.
  Tensor unmodified = a.clone();
  a.index({Slice(1, 2), torch::tensor({1, 2})}).zero_();
  CHECK(a.equal(unmodified));
  a.index_put_({Slice(1, 2), torch::tensor({1, 2})}, 0);
  CHECK(a.index({1, 1}).item<double>() == 0);
  CHECK(a.index({1, 0}).item<double>() == 4);

  // Views share the version counter with their base.
  Tensor b = torch::zeros({3}), v = b.index({Slice(1, None)});
  CHECK(v.is_view());
  CHECK(v._base().is_same(b));
  CHECK(v.index({0}).is_view());
  CHECK(v.index({0})._base().is_same(b));  // a view of a view has the root base
  CHECK_FALSE(b.is_view());
  CHECK_FALSE(b.detach().is_view());
  CHECK_THROWS_WITH(b._base(), "Can't get base of non-view Tensor");
  v.add_(1);
  CHECK(b._version() == 1);
  CHECK(v._version() == 1);
  CHECK(b.equal(torch::tensor({0.f, 1.f, 1.f})));

  // operator[] with an integral scalar or a 0-d tensor, as libtorch has them.
  CHECK(a[torch::tensor(2)].equal(a[2]));
  CHECK(a[torch::Scalar(1)].equal(a[1]));
  CHECK_THROWS_WITH(a[torch::Scalar(1.5)], "Can only index tensors with integral scalars");
  CHECK_THROWS_WITH(a[torch::tensor({1, 2})], "Can only index with tensors that are scalars (zero-dim)");
}

TEST_CASE("gradients of gradients through indexing and CopySlices", "[indexing][views]") {
  // gradgradcheck: the backward of index, index_put and CopySlices is itself differentiable.
  Tensor x = xgrad_test::test_values({3, 4});
  Tensor idx = torch::tensor({0, 2, 0});
  auto square = [](const Tensor& t) { return t * t; };
  CHECK(torch::autograd::gradgradcheck([&](const V& a) { return square(a[0].index({idx, Slice(1, None)})); }, {x}));
  CHECK(torch::autograd::gradgradcheck(
      [&](const V& a) {
        Tensor b = a[0].clone();
        b[1].mul_(a[0][2]);
        return square(b);
      },
      {x}));
  CHECK(torch::autograd::gradgradcheck(
      [&](const V& a) {
        Tensor b = a[0].clone(), v = b[0];
        b.mul_(2);
        return square(v);
      },
      {x}));
  Tensor w = xgrad_test::test_values({3}, 1.0);
  CHECK(torch::autograd::gradgradcheck([&](const V& a) { return square(a[0].index_put({idx}, a[1].unsqueeze(1), true)); },
                                       {x, w}));

  // The graph of the gradient, as PyTorch 1.13 builds it under create_graph.
  Tensor y = torch::randn({4}, torch::requires_grad());
  Tensor c = y.clone(), part = c.index({Slice(1, 3)});
  c.mul_(2);
  auto g = torch::autograd::grad({(part * part).sum()}, {y}, {}, std::nullopt, /*create_graph=*/true)[0];
  CHECK(graph(g.grad_fn()).rfind("MulBackward0(AsStridedBackward0(CopySlices(", 0) == 0);
  Tensor yi = torch::randn({4}, torch::kDouble).set_requires_grad(true);
  Tensor sel = yi.index({torch::tensor({0, 0, 2})});
  auto gi = torch::autograd::grad({(sel * sel).sum()}, {yi}, {}, std::nullopt, true)[0];
  CHECK(gi.grad_fn()->name() == "IndexPutImplBackward0");
}
