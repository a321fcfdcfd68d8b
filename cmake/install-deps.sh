#!/usr/bin/env bash
# install-deps.sh: installs what xgrad needs from Debian 12 packages (nothing is downloaded by the
# build itself). Packages already installed are skipped, so a second run needs no network.
#   bash cmake/install-deps.sh            the library and samples
#   bash cmake/install-deps.sh --tests    also the test suite, libtorch (for the parity checks),
#                                          GoogleTest (the conformance suite) and Google Benchmark
set -euo pipefail

packages=(cmake make g++ libxtensor-dev xtl-dev libxsimd-dev libfmt-dev libopenblas-dev zlib1g-dev
          dataset-fashion-mnist)
for arg in "$@"; do
  case "$arg" in
    --tests) packages+=(catch2 nlohmann-json3-dev libtorch-dev libbenchmark-dev python3-numpy libgtest-dev) ;;
    *) echo "install-deps.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps.sh: all ${#packages[@]} packages already installed"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "install-deps.sh: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
