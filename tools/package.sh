#!/usr/bin/env bash
# Builds the onnx-blocks CLI as a binary a CI can install in one step, without a Swift
# toolchain: the Swift standard library and Foundation linked statically, libprotobuf-c shipped
# beside it (lib/, found through the binary's $ORIGIN rpath), a tarball and its SHA-256.
#
#   tools/package.sh [OUT_DIR]      (default: .build-package/dist)
#
# The build uses no CPU-specific flags, so the binary runs on any x86-64 (or arm64) Linux with
# glibc and libstdc++; the kernels pick their instruction set at run time.
# Result: OUT_DIR/onnx-blocks-<version>-linux-<arch>.tar.gz (+ .sha256), holding
#   onnx-blocks-<version>/bin/onnx-blocks, lib/libprotobuf-c.so.1, LICENSE-NOTES.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-.build-package/dist}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
arch="$(uname -m)"
version="$(git describe --tags --always --dirty 2>/dev/null || echo dev)"
scratch=.build-package/build
flags=(-c release --scratch-path "$scratch" --static-swift-stdlib
       -Xlinker -rpath -Xlinker '$ORIGIN/../lib')
swift build "${flags[@]}" --product onnx-blocks 2>&1 | tail -1
bin="$(swift build "${flags[@]}" --show-bin-path)/onnx-blocks"

name="onnx-blocks-$version-linux-$arch"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name/bin" "$stage/$name/lib"
cp "$bin" "$stage/$name/bin/onnx-blocks"
strip "$stage/$name/bin/onnx-blocks" 2>/dev/null || true
# The one shared library outside glibc/libstdc++ the binary needs.
protobuf_c="$(ldd "$bin" | awk '/libprotobuf-c\.so/ { print $3 }')"
[ -f "$protobuf_c" ] || { echo "error: libprotobuf-c.so not found by ldd on $bin" >&2; exit 1; }
cp -L "$protobuf_c" "$stage/$name/lib/"
if ldd "$bin" | grep -q 'libswift\|libFoundation\|/opt/swift'; then
    echo "error: $bin still links Swift runtime libraries dynamically:" >&2
    ldd "$bin" | grep 'libswift\|libFoundation\|/opt/swift' >&2
    exit 1
fi
cat > "$stage/$name/LICENSE-NOTES.txt" <<NOTES
onnx-blocks $version for linux-$arch.
bin/onnx-blocks links the Swift standard library, Foundation and Dispatch statically
(Apache-2.0 with Runtime Library Exception). lib/$(basename "$protobuf_c") is protobuf-c
(BSD-2-Clause), from the build machine's libprotobuf-c package.
Needs: glibc, libstdc++, libgcc_s.
NOTES
tarball="$out/$name.tar.gz"
tar -C "$stage" -czf "$tarball.tmp" "$name"
mv "$tarball.tmp" "$tarball"
(cd "$out" && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")
echo "$tarball"
