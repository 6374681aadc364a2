#!/usr/bin/env bash
# Kernel micro benchmark: release-builds kernel-bench with the fast flags, times Conv2D on
# ResNet50-like shapes and onnxruntime on the same shapes, alternating per shape (see
# tools/bench_kernels_ort.py), and prints both with the ratio ours / ORT.
#   tools/bench_kernels.sh [--threads N] [--runs N] [--filter SUBSTRING]
set -euo pipefail
cd "$(dirname "$0")/.."
threads=1 runs=30 filter=""
while [ $# -gt 0 ]; do
    case "$1" in
        --threads) threads="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --filter) filter="$2"; shift 2 ;;
        *) echo "usage: $0 [--threads N] [--runs N] [--filter S]" >&2; exit 2 ;;
    esac
done
source tools/swift_flags.sh
swift build -c release "${SWIFT_FAST_FLAGS[@]}" --product kernel-bench >&2
bin="$(swift build -c release "${SWIFT_FAST_FLAGS[@]}" --show-bin-path)/kernel-bench"
python="${ONNX_BLOCKS_PYTHON:-.venv/bin/python}"
"$python" tools/bench_kernels_ort.py "$bin" "$threads" "$runs" "$filter"
