"""cxx_source.py: just enough reading of a GoogleTest C++ file for the conformance runner.

A Source knows where each TEST/TEST_F block is and where each other top-level declaration (a
helper function, a fixture struct, a `using` line: a "helper") is, so that the runner can blank
some of them (replace them by empty lines, line numbers kept) and say which of them a compiler
error falls in. Comments, literals and preprocessor lines are masked out first, so that braces in
them do not count. Read next: conformance.py.
"""

import bisect
import re

TEST_RE = re.compile(r"TEST(?:_F)?\s*\(\s*(\w+)\s*,\s*(\w+)\s*\)")
INCLUDE_RE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*[<"](?:torch|c10|ATen)/[^>"]*[>"].*$', re.M)
SUPPORT_RE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*[<"]test/cpp/(?:api|common)/support\.h[>"].*$', re.M)


def to_xgrad(text):
    """libtorch's includes become xgrad's, one line for one line."""
    text = INCLUDE_RE.sub("#include <xgrad/torch.hpp>", text)
    return SUPPORT_RE.sub('#include "support.h"  // tests/conformance/support.h', text)


def mask_code(text):
    """The text with every comment, string or character literal and preprocessor line replaced
    by spaces (newlines kept): what is left is code whose braces and names can be searched."""
    out = list(text)
    i, n = 0, len(text)

    def blank(a, b):
        for k in range(a, min(b, n)):
            if out[k] != "\n":
                out[k] = " "

    at_line_start = True  # only whitespace since the last newline
    while i < n:
        c = text[i]
        if c == "\n":
            at_line_start = True
            i += 1
            continue
        if at_line_start and c == "#":  # a directive, with its continuation lines
            j = i
            while True:
                e = text.find("\n", j)
                e = n if e < 0 else e
                if e > 0 and text[e - 1] == "\\" and e < n:
                    j = e + 1
                    continue
                break
            blank(i, e)
            i = e
            continue
        if not c.isspace():
            at_line_start = False
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            blank(i, j)
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            blank(i, j)
            i = j
        elif c == '"' and re.search(r'(?:^|[^\w])(?:u8|u|U|L)?R$', text[max(0, i - 3):i]):
            m = re.match(r'"([^()\\\s]{0,16})\(', text[i:])
            end = text.find(")" + m.group(1) + '"', i) if m else -1
            j = n if end < 0 else end + len(m.group(1)) + 2
            blank(i, j)
            i = j
        elif c == '"' or (c == "'" and not (i > 0 and text[i - 1].isalnum() and text[i - 1] not in "uUL8")):
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            blank(i, j + 1)
            i = j + 1
        else:
            i += 1
    return "".join(out)


class Source:
    """One test file: `tests` and `helpers` are [(name, start, end)] spans of the text."""

    def __init__(self, text):
        self.text = text
        self.code = mask_code(text)
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.tests, self.helpers = [], []
        self._scan()

    def line_of(self, pos):
        return bisect.bisect_right(self.line_starts, pos)

    def test_names(self):
        return [t[0] for t in self.tests]

    def _match(self, open_brace):
        depth = 0
        for j in range(open_brace, len(self.code)):
            if self.code[j] == "{":
                depth += 1
            elif self.code[j] == "}":
                depth -= 1
                if depth == 0:
                    return j
        return len(self.code) - 1

    def _scan(self):
        """Walks the top level (namespace bodies included): each `header { body }` or `header;`
        is a test, a namespace (entered), or a helper."""
        code, n = self.code, len(self.code)
        seen = {}
        i, start, parens = 0, 0, 0
        while i < n:
            c = code[i]
            if c in "()":
                parens += 1 if c == "(" else -1
            elif c in ";{}" and parens == 0:  # a `{` in `(... = {})` is a default argument
                header = " ".join(code[start:i].split())
                if c == "}":  # the end of a namespace body
                    start = i + 1
                elif c == "{" and re.fullmatch(r"(inline\s+)?namespace(\s+[\w:]+)?", header) or header == "extern":
                    start = i + 1
                else:
                    end = self._match(i) if c == "{" else i
                    # a class, enum or variable definition ends at the `;` after its body
                    if c == "{" and not re.search(r"\)\s*(const|override|noexcept|final|\s)*$", header):
                        m = re.match(r"\s*;", code[end + 1:])
                        if m:
                            end += m.end()
                    t = TEST_RE.match(header)
                    if t:
                        self.tests.append((f"{t.group(1)}.{t.group(2)}", self._first_char(start), end + 1))
                    elif header:
                        name = helper_name(header)
                        seen[name] = seen.get(name, 0) + 1
                        if seen[name] > 1:
                            name += f"#{seen[name]}"
                        self.helpers.append((name, self._first_char(start), end + 1))
                    i = end
                    start = end + 1
            i += 1

    def _first_char(self, pos):
        while pos < len(self.code) and self.code[pos].isspace():
            pos += 1
        return pos

    def owner(self, line):
        """('test' or 'helper', name) of the block holding this 1-based line, else None."""
        for kind, spans in (("test", self.tests), ("helper", self.helpers)):
            for name, a, b in spans:
                if self.line_of(a) <= line <= self.line_of(b - 1):
                    return kind, name
        return None

    def blanked(self, names):
        """The text with the tests and helpers named in `names` turned into blank lines."""
        out = self.text
        for name, a, b in sorted(self.tests + self.helpers, key=lambda s: -s[1]):
            if name in names:
                out = out[:a] + re.sub(r"[^\n]", "", out[a:b]) + out[b:]
        return out


def helper_name(header):
    """A short stable name for a top-level declaration, from its header: the function, class,
    variable or alias it declares (`using namespace torch::indexing` -> torch::indexing)."""
    h = re.sub(r"^template\s*<.*?>\s*(?=[A-Za-z_])", "", header)
    m = (re.match(r"using\s+namespace\s+([\w:]+)", h) or re.match(r"namespace\s+(\w+)\s*=", h)
         or re.match(r"using\s+(\w+)\s*=", h) or re.match(r"using\s+[\w:]*::(\w+)$", h)
         or re.match(r"(?:struct|class|union|enum(?:\s+class)?)\s+(?:\w+\s+)*?(\w+)\s*(?::|$|final)", h))
    if m:
        return m.group(1)
    before = re.split(r"[=(]", h, 1)[0].strip()
    ids = re.findall(r"[~\w]+(?:::[~\w]+)*", before)
    if ids:
        return ids[-1].split("::")[-1]
    return re.sub(r"\W+", "_", h)[:40] or "anonymous"
