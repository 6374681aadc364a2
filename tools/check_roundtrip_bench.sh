#!/usr/bin/env bash
# Full-size round trips (not in CI: the models come from tools/make_bench_models.py, which needs
# TensorFlow). For every BENCH/<name>/model.onnx: `build --from` (BN kept, then --fold-batchnorm),
# then tools/roundtrip_check.py against onnxruntime on the original (same interface; outputs and
# logits under |a-b| <= 1e-5 + 1e-4|b|) and the same block list from `blocks --json`.
#   tools/check_roundtrip_bench.sh [BENCH_DIR]
set -uo pipefail
cd "$(dirname "$0")/.."
BENCH="${1:-${ONNX_BLOCKS_CACHE:-.cache}/bench}"
PY="${ONNX_BLOCKS_PYTHON:-.venv/bin/python}"
source tools/swift_flags.sh
swift build -c release "${SWIFT_FAST_FLAGS[@]}" --product onnx-blocks >/dev/null || exit 2
BIN="$(swift build -c release "${SWIFT_FAST_FLAGS[@]}" --show-bin-path)/onnx-blocks"
[ -d "$BENCH" ] || { echo "no bench folder $BENCH (run tools/make_bench_models.py)"; exit 2; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

same_blocks() {  # original rebuilt: block lists equal (names, kinds, variants, fields)
    "$PY" - "$1" "$2" <<'PYEOF'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
strip = lambda d: [{k: v for k, v in blk.items()} for blk in d["blocks"]]
ok = a["family"] == b["family"] and strip(a) == strip(b) and not b["unassigned"]
print(f"blocks {'equal' if ok else 'DIFFER'} ({len(b['blocks'])} blocks, coverage {b['coverage']['assigned']}/{b['coverage']['nodes']})")
sys.exit(0 if ok else 1)
PYEOF
}

status=0
for model in $(find "$BENCH" -name model.onnx | sort); do
    name="$(basename "$(dirname "$model")")"
    echo "== $name"
    "$BIN" blocks "$model" --json > "$WORK/orig.json" || { echo "   recognizer incomplete"; status=1; continue; }
    for flags in "" "--fold-batchnorm"; do
        out="$WORK/rebuilt.onnx"
        start=$(date +%s.%N)
        if ! "$BIN" build --from "$model" -o "$out" $flags; then echo "   build $flags failed"; status=1; continue; fi
        secs=$(echo "$(date +%s.%N) - $start" | bc)
        result="$("$PY" tools/roundtrip_check.py "$model" "$out" --batch 1)" || status=1
        "$BIN" blocks "$out" --json > "$WORK/rebuilt.json"
        blocks="$(same_blocks "$WORK/orig.json" "$WORK/rebuilt.json")" || status=1
        printf '   %-17s build %.1fs  %s  %s\n' "${flags:-bn-kept}" "$secs" "$blocks" "$result"
    done
done
exit $status
