// test_docs.cpp: what the repository's text says about its code, checked against the code: the
// README quotes the engine's loop exactly as src/autograd/engine.cpp has it, every file of
// include/ and src/ opens with a comment naming it, and every "Read next" leads to a file (or
// folder) that exists.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path kRoot = XGRAD_SOURCE_DIR;

std::string read(const fs::path& p) {
  std::ifstream in(p);
  REQUIRE(in);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The repository's files under these folders, as paths relative to its root ("src/ops/mul.cpp").
std::vector<std::string> files_under(std::initializer_list<const char*> folders) {
  std::vector<std::string> out;
  for (const char* folder : folders)
    for (const auto& e : fs::recursive_directory_iterator(kRoot / folder))
      if (e.is_regular_file()) out.push_back(fs::relative(e.path(), kRoot).generic_string());
  return out;
}

bool is_source(const std::string& path) {
  return path.size() > 4 && (path.compare(path.size() - 4, 4, ".hpp") == 0 || path.compare(path.size() - 4, 4, ".cpp") == 0);
}

}  // namespace

TEST_CASE("the README quotes the engine's loop exactly as engine.cpp has it") {
  const std::string engine = read(kRoot / "src/autograd/engine.cpp");
  const std::string begin_marker = "// ---- the engine's loop", end_marker = "// ---- end of the engine's loop ----";
  const size_t begin = engine.find(begin_marker), end = engine.find(end_marker);
  REQUIRE(begin != std::string::npos);
  REQUIRE(end != std::string::npos);
  const size_t first = engine.find('\n', begin) + 1;
  const size_t last = engine.rfind('\n', end) + 1;  // the start of the end marker's line
  const std::string loop = engine.substr(first, last - first);
  REQUIRE(loop.size() > 200);
  const std::string readme = read(kRoot / "README.md");
  INFO("README.md must hold, in a ```cpp block, the lines between the markers of engine.cpp:\n" << loop);
  CHECK(readme.find("```cpp\n" + loop + "```\n") != std::string::npos);
}

TEST_CASE("every file of include/ and src/ opens with a comment naming it") {
  for (const std::string& path : files_under({"include", "src"})) {
    if (!is_source(path)) continue;
    INFO(path);
    const std::string text = read(kRoot / path);
    const std::string name = fs::path(path).filename().string();
    const std::string first_line = text.substr(0, text.find('\n'));
    CHECK(first_line.rfind("// ", 0) == 0);
    CHECK(first_line.find(name) != std::string::npos);
  }
}

TEST_CASE("every Read next leads to a file or folder that exists") {
  std::vector<std::string> all = files_under({"include", "src", "tests", "samples", "cmake"});
  all.push_back("README.md");
  std::set<std::string> folders;
  for (const std::string& f : all)
    for (size_t at = f.find('/'); at != std::string::npos; at = f.find('/', at + 1)) folders.insert(f.substr(0, at + 1));
  auto exists = [&](const std::string& ref) {
    if (ref.back() == '/') {
      for (const std::string& d : folders)
        if (d == ref || (d.size() > ref.size() && d.compare(d.size() - ref.size(), ref.size(), ref) == 0 &&
                         d[d.size() - ref.size() - 1] == '/'))
          return true;
      return false;
    }
    for (const std::string& f : all)
      if (f == ref || (f.size() > ref.size() && f.compare(f.size() - ref.size(), ref.size(), ref) == 0 &&
                       f[f.size() - ref.size() - 1] == '/'))
        return true;
    return false;
  };
  // A path in a "Read next" sentence: words with a file extension, or a folder ending in '/'.
  const std::regex reference(R"(([A-Za-z_][\w/.]*\.(hpp|cpp|py)|[A-Za-z_][\w/]*/(?=[\s`'),;]|$))(?![\w/]))");
  size_t checked = 0;
  for (const std::string& path : all) {
    if (!is_source(path) && path.compare(path.size() - 3, 3, ".py") != 0) continue;
    const std::string text = read(kRoot / path);
    for (size_t at = text.find("Read next"); at != std::string::npos; at = text.find("Read next", at + 1)) {
      const size_t line_start = text.rfind('\n', at) + 1;  // npos + 1 == 0 on the first line
      const size_t code = text.find_first_not_of(" \t", line_start);
      if (is_source(path) && text.compare(code, 2, "//") != 0) continue;  // only comments count
      // The sentence: up to the first full stop followed by a space, or the end of the line after.
      size_t stop = text.find(". ", at);
      size_t line_end = text.find('\n', text.find('\n', at) + 1);
      const std::string sentence = text.substr(at, std::min(stop, line_end) - at);
      for (std::sregex_iterator it(sentence.begin(), sentence.end(), reference), end; it != end; ++it) {
        std::string ref = (*it)[1];
        while (!ref.empty() && ref.back() == '.') ref.pop_back();
        INFO(path << ": " << sentence);
        CHECK(exists(ref));
        ++checked;
      }
    }
  }
  CHECK(checked > 60);
}
