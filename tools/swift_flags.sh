# Sourced by the scripts: compiler flags for the machine that builds.
# Package.swift carries no unsafeFlags (the libraries must stay usable as dependencies). The hot
# kernels need no flags: the GEMM micro-kernels and Winograd transforms (Sources/CKernels) carry
# per-function target attributes and pick AVX-512 / AVX2 / portable code at run time, so a plain
# `swift build -c release` is about as fast (README, "Speed"). These flags only widen the rest of
# the Swift SIMD code (packing, pooling, elementwise) by a few percent, and they tie the binary to
# the build host's instruction set: ONNX_BLOCKS_PORTABLE_BUILD=1 leaves them out, for one binary
# that runs on every x86-64 host.
case "$(uname -m)" in
    x86_64) SWIFT_FAST_FLAGS=(-Xswiftc -target-cpu -Xswiftc native -Xcc -march=native) ;;
    *) SWIFT_FAST_FLAGS=() ;;
esac
if [ "${ONNX_BLOCKS_PORTABLE_BUILD:-0}" = 1 ]; then SWIFT_FAST_FLAGS=(); fi
