#!/usr/bin/env bash
# run-tests.sh: the whole test suite, as the README's second command and CI run it:
#   1. install the dependencies (Debian packages),
#   2. a Release build (a warning in the library fails it: XGRAD_WERROR), the samples and their
#      libtorch twins, and every ctest case,
#   3. the conformance suite: libtorch 1.13.1's own C++ API tests built against that Release
#      library, each test listed `pass` in tests/conformance/expectations.txt must pass,
#   4. a Debug build of the tests under AddressSanitizer and UBSan, and every ctest case again.
# Build trees go to build/release and build/sanitize (override with XGRAD_BUILD_ROOT).
set -euo pipefail
cd "$(dirname "$0")/.."
root="${XGRAD_BUILD_ROOT:-build}"
jobs="${XGRAD_JOBS:-$(nproc)}"

bash cmake/install-deps.sh --tests

echo "== Release build: library, tests, samples, libtorch parity"
cmake -S . -B "$root/release" -DCMAKE_BUILD_TYPE=Release -DXGRAD_BUILD_TESTS=ON -DXGRAD_BUILD_SAMPLES=ON \
  -DXGRAD_LIBTORCH_PARITY=ON -DXGRAD_BUILD_BENCHMARKS=ON -DXGRAD_WERROR=ON -DXGRAD_CONFORMANCE=ON
cmake --build "$root/release" -j "$jobs"
ctest --test-dir "$root/release" --output-on-failure -j "$jobs"

echo "== Conformance: libtorch 1.13.1's test/cpp/api against the Release library (tests/conformance)"
python3 tests/conformance/conformance.py run --build-dir "$root/release" -j "$jobs"

echo "== Debug build under AddressSanitizer and UndefinedBehaviorSanitizer"
cmake -S . -B "$root/sanitize" -DCMAKE_BUILD_TYPE=Debug -DXGRAD_SANITIZE=ON -DXGRAD_BUILD_TESTS=ON \
  -DXGRAD_BUILD_SAMPLES=OFF -DXGRAD_PACKAGING_TESTS=OFF
cmake --build "$root/sanitize" -j "$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir "$root/sanitize" --output-on-failure -j "$jobs"
