// custom_function.cpp: the parts of custom functions that need no template: the context, and
// how forward's outputs join the graph.
#include "xgrad/autograd/custom_function.hpp"

#include <algorithm>

#include "autograd/graph_task.hpp"

namespace xgrad::autograd {

variable_list AutogradContext::get_saved_variables() const {
  if (released_) throw Error(kFreedSavedTensorsMessage);
  if (saved_.empty()) return to_save_;  // forward itself asking, or nothing recorded
  variable_list out;
  for (const SavedTensor& s : saved_) out.push_back(s.unpack());
  return out;
}

void AutogradContext::mark_non_differentiable(const variable_list& outputs) {
  for (const Tensor& t : outputs) non_differentiable_.push_back(t.unsafeGetTensorImpl());
}

void AutogradContext::mark_dirty(const variable_list& inputs) {
  for (const Tensor& t : inputs) dirty_.push_back(t.unsafeGetTensorImpl());
}

void AutogradContext::bump_dirty() const {
  // forward wrote them (maybe through data_ptr, which no version counter sees): as PyTorch does,
  // their version moves, so what an earlier graph saved of them can no longer be used.
  for (const TensorImpl* t : dirty_) t->storage->bump_version();
}

bool AutogradContext::needs_input_grad(size_t index) const {
  auto node = node_.lock();
  return node != nullptr && detail::task_should_compute_output(*node, index);
}

bool AutogradContext::needs_input_grad(std::initializer_list<IndexRange> ranges) const {
  return std::any_of(ranges.begin(), ranges.end(), [this](IndexRange range) {
    for (size_t i = range.first; i < range.second; ++i)
      if (needs_input_grad(i)) return true;
    return false;
  });
}

bool AutogradContext::contains(const std::vector<const TensorImpl*>& list, const Tensor& t) const {
  return std::find(list.begin(), list.end(), t.unsafeGetTensorImpl()) != list.end();
}

std::string detail::short_type_name(const char* mangled) {
  int status = 0;
  char* demangled = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
  std::string name = status == 0 && demangled ? demangled : mangled;
  std::free(demangled);
  // Drop namespaces (but not those inside template arguments).
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '<') ++depth;
    if (name[i] == '>') --depth;
    if (depth == 0 && name.compare(i, 2, "::") == 0) start = i + 2;
  }
  name = name.substr(start);
  if (name.rfind("(anonymous namespace)", 0) == 0) name = name.substr(21);
  return name;
}

void detail::wrap_outputs(Node& node, const std::shared_ptr<Node>& shared, AutogradContext& ctx,
                          const variable_list& inputs, variable_list& outputs) {
  ctx.node_ = shared;
  for (size_t i = 0; i < outputs.size(); ++i) {
    Tensor& out = outputs[i];
    XGRAD_CHECK(out.defined(), "custom function {}: forward returned an undefined tensor at position {}", node.name(),
                i);
    const bool is_input = std::any_of(inputs.begin(), inputs.end(), [&](const Tensor& t) { return t.is_same(out); });
    const bool dirty = ctx.contains(ctx.dirty_, out);
    if (dirty) {
      // Written in place by forward: the input itself now comes from this node (as for x.exp_()).
      XGRAD_CHECK(!(out.is_leaf() && out.requires_grad()),
                  "a leaf Variable that requires grad has been used in an in-place operation.");
      XGRAD_CHECK(!out.is_view() || outputs.size() == 1,
                  "If your Function modifies inplace an input that is a view of another Tensor, your Function cannot "
                  "return more than one Tensor. This is not supported by the current autograd engine. You should "
                  "either make sure the input is not a view (using .clone() for example) or make your Function only "
                  "return one Tensor (potentially splitting it into two Functions: one doing the inplace that returns "
                  "a single Tensor and a second one that does the other operations). You can ask on the forum "
                  "https://discuss.pytorch.org/ if you need help to do this change.");
    } else if (is_input) {
      // An input returned unchanged: a new view of it, which can take this node as its history.
      NoGradGuard no_grad;
      out = out.view_as(out);
    }
    // A view made in forward must not be written in place later: its history is this node, whose
    // backward the view+inplace machinery would bypass (See Note [Views and in-place ops]).
    if (!dirty)
      if (DifferentiableViewMeta* view = get_view_autograd_meta(out))
        view->set_creation_meta(CreationMeta::IN_CUSTOM_FUNCTION);
    node.add_input_metadata(out);
    if (ctx.contains(ctx.non_differentiable_, out) || !out.is_floating_point()) continue;
    if (dirty)
      rebase_history(out, shared, static_cast<uint32_t>(i));  // a view's base gets CopySlices
    else
      set_history(out, shared, static_cast<uint32_t>(i));
  }
  // Saved tensors: an output of this node is held without owning the node (no cycle).
  for (const Tensor& t : ctx.to_save_) {
    const bool is_output = std::any_of(outputs.begin(), outputs.end(), [&](const Tensor& o) { return o.is_same(t); });
    ctx.saved_.emplace_back(t, is_output);
  }
  ctx.to_save_.clear();
}

}  // namespace xgrad::autograd
