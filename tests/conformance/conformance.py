#!/usr/bin/env python3
"""conformance.py: libtorch 1.13.1's own C++ API tests (test/cpp/api/*.cpp), built against xgrad.

    conformance.py run    --build-dir build/release [-j N] [FILE.cpp ...]     (CI)
    conformance.py survey --build-dir build/release [-j N] [--write] [FILE.cpp ...]
    conformance.py libtorch [-j N] [FILE.cpp ...]                            (by hand, slow)

`run` compiles each test file with its includes changed to <xgrad/torch.hpp> and its support
header changed to ours (support.h here), after blanking the TEST blocks that expectations.txt
lists as `fail`; it runs every remaining test in its own process with a timeout and fails when a
test listed `pass` does not pass. `survey` compiles everything that can compile (blanking, file by
file, the tests that do not) and runs every test; with --write it rewrites expectations.txt from
what it saw and from libtorch.txt. `libtorch` builds the untouched files against Debian's
libtorch and writes libtorch.txt: which tests pass on libtorch itself (a test that fails there
can never be `pass` here). The test files are fetched by fetch-tests.sh into the build tree.
Read next: support.h, then expectations.txt.
"""

import argparse
import concurrent.futures
import os
import re
import signal
import subprocess
import sys
import time

from cxx_source import Source, to_xgrad

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTATIONS = os.path.join(HERE, "expectations.txt")
LIBTORCH_RESULTS = os.path.join(HERE, "libtorch.txt")
TOP = "pytorch-1.13.1"
# Files that hold no tests (support.cpp) or only a benchmark.
NOT_TEST_FILES = {"support.cpp", "parallel_benchmark.cpp"}
# The prefixes of the reasons this script writes; any other reason was written by a person and
# `survey --write` keeps it.
AUTO_REASONS = ("does not compile", "file does not compile", "fails", "throws", "crashes", "hangs",
                "not run", "skipped", "fails on libtorch", "not recorded", "uses ")


# ---- toolchains --------------------------------------------------------------------------------

class Toolchain:
    """How to compile and link one test file: against xgrad (from the CMake build) or libtorch."""

    def __init__(self, name, launcher, cxx, flags, link_libs, extra_objects=(), transform=None):
        self.name, self.launcher, self.cxx, self.flags = name, launcher, cxx, flags
        self.link_libs, self.extra_objects, self.transform = link_libs, list(extra_objects), transform

    def compile(self, src, obj):
        cmd = self.launcher + [self.cxx] + self.flags + ["-c", src, "-o", obj]
        return subprocess.run(cmd, capture_output=True, text=True)

    def link(self, obj, exe):
        cmd = [self.cxx, obj] + self.extra_objects + self.link_libs + ["-o", exe]
        return subprocess.run(cmd, capture_output=True, text=True)


COMMON_FLAGS = ["-std=c++17", "-O0", "-w", "-pthread", "-fdiagnostics-color=never"]


def xgrad_toolchain(build_dir):
    path = os.path.join(build_dir, "tests", "conformance", "toolchain.txt")
    if not os.path.exists(path):
        sys.exit(f"conformance.py: {path} is missing: configure with -DXGRAD_CONFORMANCE=ON and build "
                 "the xgrad_conformance target")
    conf = dict(line.split("=", 1) for line in open(path).read().splitlines() if "=" in line)
    split = lambda key: [v for v in conf.get(key, "").split(";") if v]
    libs = split("libraries")
    if not os.path.exists(libs[0]):
        sys.exit(f"conformance.py: {libs[0]} is missing: build the xgrad_conformance target")
    flags = COMMON_FLAGS + ["-I" + d for d in split("includes")] + ["-D" + d for d in split("defines")]
    libs += ["-pthread", "-Wl,-rpath," + os.path.dirname(libs[0])]
    return Toolchain("xgrad", split("launcher"), conf["cxx"], flags, libs, transform=to_xgrad)


def stage_headers(tc, tests_root, work):
    """The test files' own headers (init_baseline.h, optim_baseline.h), their includes changed as
    the tests' are, where `#include <test/cpp/api/...>` finds them."""
    api = os.path.join(tests_root, "test/cpp/api")
    dest = os.path.join(work, "include", "test/cpp/api")
    os.makedirs(dest, exist_ok=True)
    for h in os.listdir(api):
        if h.endswith(".h") and h != "support.h":
            with open(os.path.join(dest, h), "w", encoding="utf-8") as f:
                f.write(to_xgrad(open(os.path.join(api, h), encoding="utf-8").read()))
    tc.flags.append("-I" + os.path.join(work, "include"))


def precompile_headers(tc, work):
    """GoogleTest, xgrad and our support.h parsed once into a precompiled header that every test
    file starts with (their own includes of them are then no-ops): at -O0 parsing the headers is
    most of a file's compile time. Built with the files' own flags, so gcc accepts it."""
    pch_dir = os.path.join(work, "pch")
    os.makedirs(pch_dir, exist_ok=True)
    pch = os.path.join(pch_dir, "xgrad_tests.h")
    with open(pch, "w") as f:
        f.write('#include <gtest/gtest.h>\n#include <xgrad/torch.hpp>\n#include "support.h"\n')
    r = subprocess.run([tc.cxx] + tc.flags + ["-x", "c++-header", pch, "-o", pch + ".gch"],
                       capture_output=True, text=True)
    if r.returncode:
        sys.exit("conformance.py: xgrad's headers do not compile:\n" + r.stderr[-3000:])
    tc.flags += ["-include", pch, "-Winvalid-pch"]


def libtorch_toolchain(tests_root, work):
    """g++ against Debian's libtorch-dev. libtorch's headers cost most of a minute per file, so
    they (with GoogleTest and the tests' support.h) are parsed once into a precompiled header
    that every file starts with; its include guards make the files' own includes no-ops."""
    flags = COMMON_FLAGS + ["-I" + tests_root, "-I/usr/include/torch/csrc/api/include"]
    libs = ["-ltorch", "-ltorch_cpu", "-lc10", "-lgtest_main", "-lgtest", "-pthread"]
    pch_dir = os.path.join(work, "pch")
    os.makedirs(pch_dir, exist_ok=True)
    pch = os.path.join(pch_dir, "libtorch_tests.h")
    with open(pch, "w") as f:
        f.write("#include <gtest/gtest.h>\n#include <torch/torch.h>\n#include <test/cpp/api/support.h>\n")
    if not os.path.exists(pch + ".gch"):
        print("conformance: precompiling libtorch's headers (a few minutes)", flush=True)
        r = subprocess.run(["g++"] + flags + ["-x", "c++-header", pch, "-o", pch + ".gch"], capture_output=True, text=True)
        if r.returncode:
            sys.exit("conformance.py: libtorch's headers do not compile:\n" + r.stderr[-3000:])
    support = os.path.join(work, "support.o")
    tc = Toolchain("libtorch", [], "g++", flags + ["-include", pch, "-Winvalid-pch"], libs, extra_objects=[support])
    if not os.path.exists(support):
        r = tc.compile(os.path.join(tests_root, "test/cpp/api/support.cpp"), support)
        if r.returncode:
            sys.exit("conformance.py: libtorch's support.cpp does not compile:\n" + r.stderr[-3000:])
    return tc


# ---- compiling one file --------------------------------------------------------------------------

DIAG_RE = re.compile(r"^(?P<file>[^:\s][^:]*):(?P<line>\d+):(?:\d+:)?\s+(?P<kind>error|fatal error|note|warning)?:?\s*(?P<msg>.*)$")
REQUIRED_RE = re.compile(r"^(?P<file>[^:\s][^:]*):(?P<line>\d+):\d+:\s+required from")
CONTEXT_RE = re.compile(r"^[^:\s][^:]*: (In (member )?function|In instantiation of|At global scope|In lambda function)")
GTEST_CLASS_RE = re.compile(r"\b(\w+_Test)::TestBody\b")


def compile_errors(log, src, source):
    """[(message, {(kind, name)})]: for each error gcc printed, the tests (else the helpers) of
    `source` it points into, found from: the error's own line, the template backtrace before it
    ("required from"), the macro expansions after it ("in expansion of macro"), the test function
    gcc says it is in ("In member function ...X_Test::TestBody()"), and GoogleTest class names in
    its types (a local struct of a test). An error printed inside the notes of the one before it
    (a failed template candidate) belongs to that one."""
    lines = log.splitlines()
    same = lambda f: os.path.abspath(f) == os.path.abspath(src)
    test_of_class = {"_".join(t.split(".")) + "_Test": t for t in source.test_names()}
    helper_names = [h[0] for h in source.helpers if len(h[0]) > 3 and re.fullmatch(r"\w+", h[0])]
    err_idx = [i for i, l in enumerate(lines) if re.search(r":\d+:(\d+:)? (fatal )?error: ", l)]

    def expansion(l):
        d = DIAG_RE.match(l)
        ok = d and d.group("kind") == "note" and same(d.group("file")) and "in expansion of macro" in d.group("msg")
        return int(d.group("line")) if ok else None

    errors, context, last_expansion, previous = [], None, None, set()
    for k, i in enumerate(err_idx):
        m = DIAG_RE.match(lines[i])
        msg = m.group("msg").strip() if m else lines[i]
        at = [int(m.group("line"))] if m and same(m.group("file")) else []
        prev = err_idx[k - 1] + 1 if k else 0
        nxt = err_idx[k + 1] if k + 1 < len(err_idx) else len(lines)
        classes = set(GTEST_CLASS_RE.findall(lines[i]))
        for l in lines[prev:i]:
            r = REQUIRED_RE.match(l)
            if r and same(r.group("file")):
                at.append(int(r.group("line")))
            if CONTEXT_RE.match(l):
                c = GTEST_CLASS_RE.search(l) if "In member function" in l else None
                context = c.group(1) if c else None
            if "required from" in l or "In instantiation of" in l:
                classes |= set(GTEST_CLASS_RE.findall(l))
            last_expansion = expansion(l) or last_expansion
        notes = [l for l in lines[i + 1:nxt] if ": note:" in l]
        after = [x for x in map(expansion, notes) if x]
        in_macro = any("in definition of macro" in l for l in notes)
        at += after or ([last_expansion] if in_macro and last_expansion else [])
        last_expansion = after[-1] if after else last_expansion
        for l in notes:
            classes |= set(GTEST_CLASS_RE.findall(l))
        owners = {source.owner(line) for line in at} - {None}
        owners |= {("test", test_of_class[c]) for c in classes | {context} if c in test_of_class}
        owners = {o for o in owners if o[0] == "test"} or owners  # a test that uses a helper wrongly
        if not owners and i > 0 and ": note:" in lines[i - 1]:
            owners = previous  # a failed candidate, explained under the error before
        if not owners:  # an instantiation gcc lost the place of: the test file's types it names
            said = " ".join([lines[i]] + [l for l in lines[prev:i] if "In instantiation of" in l or "required from" in l])
            owners = {("helper", h) for h in helper_names if re.search(r"\b" + re.escape(h) + r"\b", said)}
        errors.append((msg, owners))
        previous = owners
    return errors


def one_line(s, limit=160):
    s = " ".join(s.split())
    return s if len(s) <= limit else s[:limit - 3] + "..."


class FileBuild:
    """One test file built with some tests and helpers blanked: `exe` when it compiled, else
    `error` (the first error that no blanking explains). `compile_errors` maps each test or
    helper that survey blanked because it did not compile to its first error."""

    def __init__(self, name, source):
        self.name, self.source, self.tests = name, source, source.test_names()
        self.helpers = [h[0] for h in source.helpers]
        self.exe, self.error, self.compile_errors, self.seconds = None, None, {}, 0.0

    def test_compile_error(self, test):
        """Why a blanked test did not compile, naming the blanked helper it uses if it does."""
        msg = self.compile_errors[test]
        for h in self.helpers:
            if h in self.compile_errors and re.search(r"[‘'`]" + re.escape(h.split("#")[0]) + r"[’'`<(]", msg):
                return f"uses {h}, which does not compile: {self.compile_errors[h]}"
        return msg


def build_file(tc, tests_root, work, name, blanked, discover):
    """Compiles test file `name` with the tests and helpers in `blanked` blanked. With
    `discover`, the tests (else the helpers) that a compiler error points into are blanked too
    and the file compiled again, until it compiles or an error lies outside all of them."""
    source = Source(open(os.path.join(tests_root, "test/cpp/api", name), encoding="utf-8").read())
    fb = FileBuild(name, source)
    blanked = set(blanked)
    wdir = os.path.join(work, os.path.splitext(name)[0])
    os.makedirs(wdir, exist_ok=True)
    src = os.path.join(wdir, name)
    obj, exe = os.path.join(wdir, "test.o"), os.path.join(wdir, "test")
    start = time.time()
    for _ in range(12):
        body = source.blanked(blanked)
        if tc.transform:
            body = tc.transform(body)
        with open(src, "w", encoding="utf-8") as f:
            f.write(body)
        r = tc.compile(src, obj)
        log = r.stdout + r.stderr
        with open(os.path.join(wdir, "compile.log"), "w") as f:
            f.write(log)
        if r.returncode == 0:
            r = tc.link(obj, exe)
            if r.returncode == 0:
                fb.exe = exe
            else:
                fb.error = "does not link: " + one_line(first_line_with(r.stderr, "undefined reference") or r.stderr)
            break
        errors = compile_errors(log, src, source)
        if not errors:
            fb.error = one_line(log.strip().splitlines()[-1] if log.strip() else "compiler failed")
            break
        newly, outside = {}, None
        for msg, owners in errors:
            for _, owner in owners:
                if owner not in blanked:
                    newly.setdefault(owner, one_line(msg))
            if not owners and outside is None:
                outside = msg
        if outside is not None or not discover or not newly:
            fb.error = one_line(outside if outside is not None else errors[0][0])
            break
        for owner, msg in newly.items():
            fb.compile_errors[owner] = msg
        blanked |= set(newly)
    fb.seconds = time.time() - start
    return fb


def first_line_with(text, needle):
    for l in text.splitlines():
        if needle in l:
            return l
    return None


# ---- running one test ----------------------------------------------------------------------------

def run_test(exe, test, timeout):
    """(passed, reason): one test in its own process."""
    try:
        r = subprocess.run([exe, "--gtest_filter=" + test, "--gtest_color=no"], capture_output=True,
                           text=True, errors="replace", timeout=timeout, cwd=os.path.dirname(exe))
    except subprocess.TimeoutExpired:
        return False, f"hangs (no result after {timeout} s)"
    out = r.stdout + r.stderr
    if r.returncode < 0:
        sig = signal.Signals(-r.returncode).name
        return False, f"crashes ({sig})"
    if "[  PASSED  ] 1 test" in out and r.returncode == 0:
        return True, ""
    if "[  SKIPPED ]" in out:
        return False, "skipped: " + one_line(first_line_after(out, "Skipped") or "")
    if "[ RUN      ]" not in out:
        return False, "not run (" + one_line(out.strip().splitlines()[-1] if out.strip() else "no output") + ")"
    return False, failure_reason(out)


def first_line_after(out, needle):
    ls = out.splitlines()
    for i, l in enumerate(ls):
        if needle in l and i + 1 < len(ls):
            return ls[i + 1]
    return None


def failure_reason(out):
    """The first gtest failure, on one line: `throws: <what>` or `fails at line N: <message>`."""
    ls = out.splitlines()
    for i, l in enumerate(ls):
        m = re.match(r"^(.*?):(\d+): Failure$", l) or re.match(r"^(unknown file): Failure$", l)
        if not m:
            continue
        body = []
        for b in ls[i + 1:]:
            if b.startswith("[  FAILED  ]") or re.match(r"^.*:\d+: Failure$", b) or b.startswith("unknown file: Failure"):
                break
            body.append(b.strip())
        text = " / ".join(x for x in body if x)
        e = re.search(r'C\+\+ exception with description "(.*)" thrown in the test body', text, re.S)
        if e:
            return "throws: " + one_line(e.group(1))
        if m.group(1) == "unknown file":
            return "fails: " + one_line(text)
        return f"fails at line {m.group(2)}: " + one_line(text)
    return "fails: " + one_line(out.strip().splitlines()[-1] if out.strip() else "exit code")


# ---- the lists -----------------------------------------------------------------------------------

def read_list(path):
    """{(file, test): (status, reason)} from expectations.txt or libtorch.txt."""
    out = {}
    if not os.path.exists(path):
        return out
    for raw in open(path, encoding="utf-8"):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 3)
        out[(parts[0], parts[1])] = (parts[2], parts[3] if len(parts) > 3 else "")
    return out


def write_list(path, header, entries):
    with open(path, "w", encoding="utf-8") as f:
        f.write(header)
        for (file, test), (status, reason) in sorted(entries.items()):
            f.write(f"{file} {test} {status}{' ' + reason if reason else ''}\n")


# ---- the commands --------------------------------------------------------------------------------

def fetch(build_dir):
    root = os.path.join(build_dir, "conformance")
    subprocess.run(["bash", os.path.join(HERE, "fetch-tests.sh"), root], check=True)
    return os.path.join(root, TOP)


def test_files(tests_root, wanted):
    api = os.path.join(tests_root, "test/cpp/api")
    files = sorted(f for f in os.listdir(api) if f.endswith(".cpp") and f not in NOT_TEST_FILES)
    if wanted:
        unknown = [w for w in wanted if w not in files]
        if unknown:
            sys.exit(f"conformance.py: no such test file: {' '.join(unknown)}")
        files = [f for f in files if f in wanted]
    return files


def build_and_run(tc, tests_root, work, files, blanked_of, discover, jobs, timeout):
    """{file: FileBuild}, {(file, test): (passed, reason)} for every test of every file; the
    reason is None for a test blanked because the list says it fails."""
    builds, results = {}, {}
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        futures = [pool.submit(build_file, tc, tests_root, work, f, blanked_of(f), discover) for f in files]
        for fut in concurrent.futures.as_completed(futures):
            fb = fut.result()
            builds[fb.name] = fb
            blanked = sorted(fb.compile_errors)
            state = "compiled" if fb.exe else "does not compile: " + fb.error
            more = f", {len(blanked)} tests and helpers blanked" if blanked else ""
            print(f"  {fb.name}: {state} ({fb.seconds:.0f} s{more})", flush=True)
        to_run = []
        for f in files:
            fb = builds[f]
            for t in fb.tests:
                if t in fb.compile_errors:
                    results[(f, t)] = (False, "does not compile: " + fb.test_compile_error(t))
                elif t in blanked_of(f):
                    results[(f, t)] = (False, None)
                elif not fb.exe:
                    results[(f, t)] = (False, "file does not compile: " + fb.error)
                else:
                    to_run.append((f, t))
        futures = {pool.submit(run_test, builds[f].exe, t, timeout): (f, t) for f, t in to_run}
        for fut in concurrent.futures.as_completed(futures):
            results[futures[fut]] = fut.result()
    return builds, results


def print_table(files, builds, results, libtorch, expected, title, ran="xgrad"):
    print(f"\n{title}")
    print(f"{'file':<26}{'tests':>7}{'libtorch':>10}{'listed':>8}{ran:>10}")
    tot = [0, 0, 0, 0]
    for f in files:
        tests = builds[f].tests
        row = [len(tests),
               sum(libtorch.get((f, t), ("fail",))[0] == "pass" for t in tests),
               sum(expected.get((f, t), ("fail",))[0] == "pass" for t in tests),
               sum(bool(results.get((f, t), (False,))[0]) for t in tests)]
        tot = [a + b for a, b in zip(tot, row)]
        print(f"{f:<26}{row[0]:>7}{row[1]:>10}{row[2]:>8}{row[3]:>10}")
    print(f"{'total':<26}{tot[0]:>7}{tot[1]:>10}{tot[2]:>8}{tot[3]:>10}")
    print(f"(libtorch: passes on Debian's libtorch 1.13 CPU (libtorch.txt); listed: `pass` in "
          f"expectations.txt; {ran}: passed in this run)")


def cmd_run(args):
    tests_root = fetch(args.build_dir)
    tc = xgrad_toolchain(args.build_dir)
    expected, libtorch = read_list(EXPECTATIONS), read_list(LIBTORCH_RESULTS)
    files = test_files(tests_root, args.files)
    sources = {f: Source(open(os.path.join(tests_root, "test/cpp/api", f), encoding="utf-8").read()) for f in files}
    problems = []
    for f in files:
        for t in sources[f].test_names():
            status = expected.get((f, t), ("missing",))[0]
            if status == "missing":
                problems.append(f"{f} {t}: not in expectations.txt")
            elif status == "pass" and libtorch.get((f, t), ("fail",))[0] != "pass":
                problems.append(f"{f} {t}: listed `pass` but fails on libtorch (libtorch.txt)")
    # A file none of whose tests is listed `pass` is not compiled at all.
    build_files = [f for f in files if any(expected.get((f, t), ("",))[0] == "pass" for t in sources[f].test_names())]
    blanked_of = lambda f: {t for (g, t), (s, _) in expected.items() if g == f and s != "pass"}
    print(f"conformance: building {len(build_files)} of {len(files)} test files against xgrad "
          f"({args.jobs} jobs)", flush=True)
    start = time.time()
    work = os.path.join(args.build_dir, "conformance", "xgrad")
    stage_headers(tc, tests_root, work)
    precompile_headers(tc, work)
    builds, results = build_and_run(tc, tests_root, work, build_files, blanked_of, False, args.jobs, args.timeout)
    for f in files:
        builds.setdefault(f, FileBuild(f, sources[f]))
    passed = failed = 0
    for (f, t), (ok, reason) in sorted(results.items()):
        if reason is None:
            continue  # listed `fail`, blanked
        if ok:
            passed += 1
        else:
            failed += 1
            if expected.get((f, t), ("fail",))[0] == "pass":
                problems.append(f"{f} {t}: listed `pass`, {reason}")
    print_table(files, builds, results, libtorch, expected, "Conformance: libtorch 1.13.1's test/cpp/api against xgrad")
    listed_fail = sum(1 for (f, t), (s, _) in expected.items() if s == "fail" and f in files)
    print(f"\n{passed} passed, {failed} failed ({listed_fail} more listed `fail`, not built; "
          f"{time.time() - start:.0f} s)")
    if problems:
        print(f"\n{len(problems)} problem(s):")
        for p in problems:
            print("  " + p)
        return 1
    return 0


def cmd_survey(args):
    tests_root = fetch(args.build_dir)
    tc = xgrad_toolchain(args.build_dir)
    expected, libtorch = read_list(EXPECTATIONS), read_list(LIBTORCH_RESULTS)
    files = test_files(tests_root, args.files)
    print(f"conformance survey: building {len(files)} test files against xgrad ({args.jobs} jobs)", flush=True)
    work = os.path.join(args.build_dir, "conformance", "survey")
    stage_headers(tc, tests_root, work)
    precompile_headers(tc, work)
    builds, results = build_and_run(tc, tests_root, work, files, lambda f: set(), True, args.jobs, args.timeout)
    print_table(files, builds, results, libtorch, expected, "Survey: every test that compiles, run against xgrad")
    seen = {k: ("pass", "") if ok else ("fail", reason) for k, (ok, reason) in results.items()}
    for f in files:
        for h in builds[f].helpers:
            if h in builds[f].compile_errors:
                seen[(f, h)] = ("blank", "does not compile: " + builds[f].compile_errors[h])
    write_list(os.path.join(work, "results.txt"), "# every test of this survey, as xgrad did\n", seen)
    print(f"each test's result and reason: {os.path.join(work, 'results.txt')}")
    for (f, t), (ok, reason) in sorted(results.items()):
        listed = expected.get((f, t), ("fail",))[0]
        if ok and listed != "pass" and libtorch.get((f, t), ("fail",))[0] == "pass":
            print(f"  now passes: {f} {t}")
        if not ok and listed == "pass":
            print(f"  listed `pass` but fails: {f} {t}: {reason}")
    if args.write:
        merged = {k: v for k, v in expected.items() if k[0] not in files}
        for (f, t), (status, reason) in seen.items():
            lt_status, lt_reason = libtorch.get((f, t), ("missing", ""))
            old = expected.get((f, t), ("fail", ""))
            hand_written = old[1] and not old[1].startswith(AUTO_REASONS)
            if status == "blank":
                merged[(f, t)] = old if old[0] == "blank" and hand_written else (status, reason)
            elif status == "pass" and lt_status == "pass":
                merged[(f, t)] = ("pass", "")
            elif old[0] == "fail" and hand_written:
                merged[(f, t)] = old
            elif lt_status == "missing":
                merged[(f, t)] = ("fail", "not recorded on libtorch (libtorch.txt); here: " + reason)
            elif lt_status != "pass":
                merged[(f, t)] = ("fail", "fails on libtorch 1.13 CPU too: " + lt_reason)
            else:
                merged[(f, t)] = ("fail", reason)
        write_list(EXPECTATIONS, EXPECTATIONS_HEADER, merged)
        print(f"wrote {EXPECTATIONS}")
    return 0


def cmd_libtorch(args):
    tests_root = fetch(args.build_dir)
    work = os.path.join(args.build_dir, "conformance", "libtorch")
    tc = libtorch_toolchain(tests_root, work)
    files = test_files(tests_root, args.files)
    print(f"conformance: building {len(files)} test files against Debian's libtorch ({args.jobs} jobs)", flush=True)
    builds, results = build_and_run(tc, tests_root, work, files, lambda f: set(), True, args.jobs, args.timeout)
    recorded = {k: v for k, v in read_list(LIBTORCH_RESULTS).items() if k[0] not in files}
    for (f, t), (ok, reason) in results.items():
        recorded[(f, t)] = ("pass", "") if ok else ("fail", reason)
    write_list(LIBTORCH_RESULTS, LIBTORCH_HEADER, recorded)
    print_table(files, builds, results, recorded, read_list(EXPECTATIONS), "libtorch 1.13.1 (Debian, CPU)", "libtorch")
    print(f"wrote {LIBTORCH_RESULTS}")
    return 0


EXPECTATIONS_HEADER = """\
# expectations.txt: the state of each of libtorch 1.13.1's C++ API tests (test/cpp/api) against
# xgrad, one line each: `FILE TEST pass` or `FILE TEST fail REASON`, and `FILE HELPER blank REASON`
# for a helper outside the tests (a function, a fixture) that does not compile. The CI run
# (`conformance.py run`) blanks every `fail` test and `blank` helper before compiling, and fails
# when a `pass` test does not pass. The list only moves toward `pass`; `conformance.py survey --write` rewrites it
# from a run of every test (reasons written by hand, which start with none of the runner's words,
# are kept). A test that fails on libtorch (libtorch.txt) is never `pass`.
"""

LIBTORCH_HEADER = """\
# libtorch.txt: which of libtorch 1.13.1's C++ API tests (test/cpp/api) pass against Debian's
# libtorch 1.13.1 (libtorch-dev, CPU only), built and run one test per process exactly as the
# conformance runner does for xgrad. Written by hand with `conformance.py libtorch` (slow: about a
# minute per file); expectations.txt never claims a test that fails here.
"""


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    for name in ("run", "survey", "libtorch"):
        s = sub.add_parser(name)
        s.add_argument("--build-dir", default="build/release",
                       help="the CMake build tree (configured with -DXGRAD_CONFORMANCE=ON); the tests are cached in it")
        s.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
        s.add_argument("--timeout", type=int, default=600 if name == "libtorch" else 60, help="seconds per test")
        s.add_argument("files", nargs="*", help="test files (default: all), e.g. tensor.cpp")
        if name == "survey":
            s.add_argument("--write", action="store_true", help="rewrite expectations.txt from this survey")
    args = p.parse_args()
    args.build_dir = os.path.abspath(args.build_dir)
    return {"run": cmd_run, "survey": cmd_survey, "libtorch": cmd_libtorch}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
