#!/usr/bin/env bash
# Exports the classification zoos into a cache folder (never committed) and checks every model
# against onnxruntime, one line per model (tools/zoo/check_models.py): max |ours - ort| on the
# logits against 1e-5 + 1e-5 * max|ort|, and single-thread median times of both.
# A validation tool like tools/check_bench_models.sh, not part of CI (TensorFlow and torch are
# too heavy for it). The table is also written to ZOO_DIR/results.json and ZOO_DIR/results.md.
#   tools/check_zoo.sh [ZOO_DIR] [--all]
# Venvs: $TORCH_PYTHON (default .venv-torch/bin/python) with torch + torchvision, and
# $KERAS_PYTHON (default .venv-keras/bin/python, tools/setup_keras_venv.sh); a missing one is
# reported and its zoo skipped. --all exports every model listed in the exporters, at opsets
# 17 and 18 for torchvision; the default is the representative subset at opset 17.
set -uo pipefail
cd "$(dirname "$0")/.."
ZOO="${1:-${ONNX_BLOCKS_CACHE:-$PWD/.cache}/zoo}"
ALL="${2:-}"
TORCH_PYTHON="${TORCH_PYTHON:-$PWD/.venv-torch/bin/python}"
KERAS_PYTHON="${KERAS_PYTHON:-$PWD/.venv-keras/bin/python}"
mkdir -p "$ZOO"
source tools/swift_flags.sh
swift build -c release "${SWIFT_FAST_FLAGS[@]}" --product onnx-blocks >/dev/null || exit 2
BIN="$(swift build -c release "${SWIFT_FAST_FLAGS[@]}" --show-bin-path)/onnx-blocks"

if [ -x "$TORCH_PYTHON" ]; then
    if [ "$ALL" = "--all" ]; then
        "$TORCH_PYTHON" tools/zoo/export_torchvision.py --out "$ZOO" --opset 17 18 --models all 2>/dev/null | grep -v ': cached'
    else
        "$TORCH_PYTHON" tools/zoo/export_torchvision.py --out "$ZOO" --opset 17 2>/dev/null | grep -v ': cached'
    fi
else
    echo "no torch venv at $TORCH_PYTHON: torchvision zoo not exported"
fi
if [ -x "$KERAS_PYTHON" ]; then
    if [ "$ALL" = "--all" ]; then
        "$KERAS_PYTHON" tools/zoo/export_keras.py --out "$ZOO" --models all 2>/dev/null | grep -v ': cached'
    else
        "$KERAS_PYTHON" tools/zoo/export_keras.py --out "$ZOO" 2>/dev/null | grep -v ': cached'
    fi
else
    echo "no Keras venv at $KERAS_PYTHON: Keras zoo not exported"
fi
.venv/bin/python tools/zoo/check_models.py "$ZOO" --bin "$BIN" --json "$ZOO/results.json" --markdown "$ZOO/results.md"
