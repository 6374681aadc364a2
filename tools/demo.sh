#!/usr/bin/env bash
# The README's main-job command: sets up what a fresh machine lacks, builds the release CLI,
# then walks one committed Keras fixture through the toolkit:
#   inspect -> check -> blocks -> verify (against the Keras construction) -> compare (against
#   onnxruntime's stored outputs and logits).
# Usage: tools/demo.sh [FIXTURE]   (default: resnet_v1_bottleneck)
set -euo pipefail
cd "$(dirname "$0")/.."
fixture="fixtures/${1:-resnet_v1_bottleneck}"
[ -f "$fixture/model.onnx" ] || { echo "error: no fixture at $fixture" >&2; exit 2; }
tools/setup_venv.sh
source tools/swift_flags.sh
swift build -c release "${SWIFT_FAST_FLAGS[@]}" --product onnx-blocks 2>&1 | tail -1
bin="$(swift build -c release "${SWIFT_FAST_FLAGS[@]}" --show-bin-path)/onnx-blocks"

step() { printf '\n\033[1m$ onnx-blocks %s\033[0m\n' "$*"; "$bin" "$@"; }
step inspect "$fixture/model.onnx"
step check "$fixture/model.onnx"
step blocks "$fixture/model.onnx"
step verify "$fixture/model.onnx" --expect "$fixture/expected_blocks.json"
step compare "$fixture/model.onnx" --reference "$fixture/test_data_set_0"
