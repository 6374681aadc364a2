#!/usr/bin/env bash
# The README's test command: sets up what a fresh machine lacks, then runs every test.
#   1. Swift tests (release build with testing enabled: SIMD code is ~500x slower in debug).
#   2. Python-side tests (pytest, Tests/python) that compare against onnx / onnxruntime.
# Tests needing Python's onnx/onnxruntime find them through ONNX_BLOCKS_PYTHON and fail
# loudly when it is missing; nothing is skipped silently.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup_venv.sh
export ONNX_BLOCKS_PYTHON="$PWD/.venv/bin/python"
export ONNX_BLOCKS_CACHE="${ONNX_BLOCKS_CACHE:-$PWD/.cache}"
mkdir -p "$ONNX_BLOCKS_CACHE"
# Conformance data generated from the onnx package (not committed).
"$ONNX_BLOCKS_PYTHON" tools/make_conformance_data.py --out "$ONNX_BLOCKS_CACHE/conformance"
source tools/swift_flags.sh
# One build of everything (CLI, tests) with one flag set; the test run reuses it.
flags=(-c release -Xswiftc -enable-testing "${SWIFT_FAST_FLAGS[@]}")
swift build "${flags[@]}" --build-tests
swift test "${flags[@]}" --skip-build
export ONNX_BLOCKS_BIN="$(swift build "${flags[@]}" --show-bin-path)/onnx-blocks"
# The installable binary (no project flags, static Swift runtime) and the library example,
# built as a dependent package would build them: plain `swift build -c release`.
export ONNX_BLOCKS_PACKAGE="$(tools/package.sh .build-package/dist | tail -1)"
(cd Examples/QuickStart && swift build -c release 2>&1 | tail -1)
export ONNX_BLOCKS_EXAMPLE="$PWD/Examples/QuickStart/.build/release/QuickStart"
.venv/bin/python -m pytest -q Tests/python
# Both libFuzzer targets (AddressSanitizer), for a bounded time each; see tools/fuzz/run.sh.
tools/fuzz/run.sh "${ONNX_BLOCKS_FUZZ_SECONDS:-60}" reader
tools/fuzz/run.sh "${ONNX_BLOCKS_GRAPH_FUZZ_SECONDS:-30}" graph
