#!/usr/bin/env bash
# Builds a libFuzzer target (+ AddressSanitizer) and runs it for a bounded time.
#   tools/fuzz/run.sh [SECONDS] [reader|graph]     (defaults: 60, reader; tools/test.sh runs both)
# reader: any bytes -> ModelReader / TensorProtoFile / ModelWriter. Seeds: the malformed
#   corpus plus a few small conformance models when present.
# graph: bytes -> a small model of runtime operators (FuzzedGraph) -> check, round trip,
#   Session build and run, block recognizer.
# Extra arguments after the target go to libFuzzer (e.g. -jobs=2 -workers=2).
# FUZZ_CONFIG=release builds optimized (slower to build, ~7x more executions per second for
# the graph target); the default, debug, suits the short CI runs.
# Findings (crash-*, oom-*, timeout-*) land in $ONNX_BLOCKS_CACHE/fuzz/findings[-graph].
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
target="${2:-reader}"
shift $(( $# > 2 ? 2 : $# ))
cache="${ONNX_BLOCKS_CACHE:-$PWD/../../.cache}/fuzz"
flags=(-c "${FUZZ_CONFIG:-debug}" -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xcc -fsanitize=fuzzer-no-link,address)
case "$target" in
    reader)
        product=ReaderFuzzer corpus="$cache/corpus" findings="$cache/findings" max_len=1048576
        mkdir -p "$corpus" "$findings"
        cp ../../Tests/ONNXProtobufTests/Malformed/*.onnx "$corpus/" 2>/dev/null || true
        if [ -d "$cache/../conformance/node" ]; then
            seeds="$(find "$cache/../conformance/node" -name model.onnx -size -4k | sort | sed -n '1~10p')"
            for f in $seeds; do cp "$f" "$corpus/$(basename "$(dirname "$f")").onnx"; done
        fi
        ;;
    graph)
        product=GraphFuzzer corpus="$cache/graph-corpus" findings="$cache/findings-graph" max_len=256
        mkdir -p "$corpus" "$findings"
        ;;
    *) echo "unknown target '$target' (reader or graph)" >&2; exit 2 ;;
esac
swift build "${flags[@]}" --product "$product"
bin="$(swift build "${flags[@]}" --show-bin-path)/$product"
"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
    -artifact_prefix="$findings/" -print_final_stats=1 "$@" "$corpus"
