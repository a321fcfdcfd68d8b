#!/usr/bin/env bash
# check_consumer.sh MODE SOURCE_DIR BUILD_DIR: builds and runs tests/packaging/consumer against
# xgrad used by MODE (find_package after cmake --install of BUILD_DIR, add_subdirectory, or
# FetchContent), in a fresh temporary directory.
set -euo pipefail
mode="$1" src="$2" build="$3"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
args=(-DXGRAD_MODE="$mode" -DCMAKE_BUILD_TYPE=Debug -DXGRAD_NATIVE_ARCH=OFF)
if [ "$mode" = find_package ]; then
  cmake --install "$build" --prefix "$work/prefix" >/dev/null
  args+=(-DCMAKE_PREFIX_PATH="$work/prefix")
else
  args+=(-DXGRAD_SOURCE_DIR="$src")
fi
cmake -S "$src/tests/packaging/consumer" -B "$work/build" "${args[@]}" >/dev/null
cmake --build "$work/build" -j "$(nproc)" >/dev/null
"$work/build/consumer"
