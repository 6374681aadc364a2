#!/usr/bin/env bash
# Full-size models (made by tools/make_bench_models.py into $ONNX_BLOCKS_CACHE/bench; not in CI:
# TensorFlow is too heavy): map each with `blocks`, require 100% coverage and the standard block
# counts (`verify --expect-arch`), time the recognizer, and, where the bench folder has
# onnxruntime references (test_data_set_0/), check the blocks' own forward against them.
#   tools/check_bench_models.sh [BENCH_DIR]
set -uo pipefail
cd "$(dirname "$0")/.."
BENCH="${1:-${ONNX_BLOCKS_CACHE:-$PWD/.cache}/bench}"
source tools/swift_flags.sh
swift build -c release "${SWIFT_FAST_FLAGS[@]}" --product onnx-blocks >/dev/null || exit 2
BIN="$(swift build -c release "${SWIFT_FAST_FLAGS[@]}" --show-bin-path)/onnx-blocks"
[ -d "$BENCH" ] || { echo "no bench folder $BENCH (run tools/make_bench_models.py)"; exit 2; }

arch_for() {  # folder name -> --expect-arch name
    case "$(echo "$1" | tr 'A-Z_' 'a-z-')" in
        *resnet50v2*|*resnet50-v2*) echo resnet50v2 ;;
        *resnet101v2*) echo resnet101v2 ;; *resnet152v2*) echo resnet152v2 ;;
        *resnet50*) echo resnet50 ;; *resnet101*) echo resnet101 ;; *resnet152*) echo resnet152 ;;
        *inceptionresnetv2*|*inception-resnet-v2*|irv2*) echo inception-resnet-v2 ;;
        *inceptionresnetv1*|*inception-resnet-v1*|irv1*) echo inception-resnet-v1 ;;
        *inceptionv3*|*inception-v3*) echo inception-v3 ;;
        *inceptionv4*|*inception-v4*) echo inception-v4 ;;
        *) echo "" ;;
    esac
}

SUMMARY='
import json, sys, collections
d = json.load(sys.stdin)
c = collections.Counter(b["kind"] + "/" + b["variant"] for b in d["blocks"])
cov = d["coverage"]
print("   family", d["family"], "| coverage", cov["assigned"], "/", cov["nodes"], "|", ", ".join(k + " " + str(v) for k, v in c.items()))'

status=0
for model in $(find "$BENCH" -name '*.onnx' | sort); do
    name="$(basename "$(dirname "$model")")"; [ "$name" = "bench" ] && name="$(basename "$model" .onnx)"
    arch="$(arch_for "$name")"
    echo "== $name ($model)"
    "$BIN" blocks "$model" --timing 2>&1 >/dev/null | sed 's/^/   /'
    "$BIN" blocks "$model" --json | "${ONNX_BLOCKS_PYTHON:-.venv/bin/python}" -c "$SUMMARY"
    if [ -n "$arch" ]; then
        "$BIN" verify "$model" --expect-arch "$arch" | sed 's/^/   /' || status=1
    else
        echo "   (no known architecture for this name)"
    fi
    ref="$(dirname "$model")/test_data_set_0"
    if [ -f "$ref/input_0.pb" ]; then
        "$BIN" blocks "$model" --forward-check "$ref" | sed 's/^/   forward /' || status=1
    fi
done
exit $status
