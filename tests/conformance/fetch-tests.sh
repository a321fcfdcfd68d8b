#!/usr/bin/env bash
# fetch-tests.sh DEST: puts libtorch 1.13.1's C++ API tests (test/cpp/api and the two files of
# test/cpp/common) under DEST/pytorch-1.13.1, from Debian bookworm's `pytorch` source package.
# They are fetched at run time and never committed. apt-get works here on a private, temporary
# configuration (one `deb-src` entry, its own package lists) made in a temporary directory and
# removed on exit, success or not: the machine's apt sources and lists are never touched, so no
# root is needed. apt checks the tarball against the signed Sources index, as for any package.
# Read next: conformance.py (which calls this when DEST holds no copy yet).
set -euo pipefail
dest="${1:?usage: fetch-tests.sh DEST}"
top="pytorch-1.13.1"
if [ -f "$dest/$top/test/cpp/api/support.h" ] && [ -f "$dest/$top/test/cpp/common/support.h" ]; then
  exit 0  # cached from an earlier run
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/download"
cat > "$tmp/pytorch-src.sources" <<SOURCES
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
apt_private=(-o "Dir::Etc::SourceList=$tmp/pytorch-src.sources" -o Dir::Etc::SourceParts=/dev/null
             -o "Dir::State::Lists=$tmp/lists" -o "Dir::Cache=$tmp/cache" -q)
# As root apt downloads as the unprivileged _apt user, which must be able to write there.
if [ "$(id -u)" -eq 0 ] && id _apt > /dev/null 2>&1; then chown -R _apt "$tmp"; fi

echo "fetch-tests.sh: downloading Debian's pytorch 1.13.1 source package (18 MB)"
# Three tries, a few seconds apart: one network hiccup should not fail CI.
tarball=""
for try in 1 2 3; do
  [ "$try" -eq 1 ] || { echo "fetch-tests.sh: try $try of 3" >&2; sleep $((5 * try)); }
  apt-get "${apt_private[@]}" update > "$tmp/update.log" 2>&1 || { cat "$tmp/update.log" >&2; continue; }
  # The .debian.tar.xz part is gone from the archive (404) and apt-get then exits non-zero; the
  # upstream tarball is all that is needed, so success is judged by its presence.
  (cd "$tmp/download" && apt-get "${apt_private[@]}" source --download-only pytorch > "$tmp/source.log" 2>&1) || true
  tarball="$(ls "$tmp"/download/pytorch_1.13.1*.orig.tar.xz 2>/dev/null | head -n 1 || true)"  # ls fails on none
  [ -z "$tarball" ] || break
  cat "$tmp/source.log" >&2
done
if [ -z "$tarball" ]; then
  echo "fetch-tests.sh: pytorch_1.13.1+dfsg.orig.tar.xz did not arrive" >&2
  exit 1
fi

mkdir -p "$dest"
tar -xJf "$tarball" --no-same-owner -C "$tmp" "$top/test/cpp/api" "$top/test/cpp/common"
rm -rf "${dest:?}/$top"
mkdir -p "$dest/$top/test/cpp"
mv "$tmp/$top/test/cpp/api" "$tmp/$top/test/cpp/common" "$dest/$top/test/cpp/"
echo "fetch-tests.sh: $(ls "$dest/$top/test/cpp/api"/*.cpp | wc -l) test files in $dest/$top/test/cpp/api"
