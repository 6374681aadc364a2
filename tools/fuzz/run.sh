#!/usr/bin/env bash
# Builds the reader fuzzer with libFuzzer + AddressSanitizer and runs it for a bounded time.
#   tools/fuzz/run.sh [SECONDS]        (default 60; tools/test.sh runs it)
# Seeds: the malformed corpus plus a few small conformance models when present. Findings
# (crash-*, oom-*, timeout-*) land in $ONNX_BLOCKS_CACHE/fuzz/findings.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
cache="${ONNX_BLOCKS_CACHE:-$PWD/../../.cache}/fuzz"
mkdir -p "$cache/corpus" "$cache/findings"
cp ../../Tests/ONNXProtobufTests/Malformed/*.onnx "$cache/corpus/" 2>/dev/null || true
if [ -d "$cache/../conformance/node" ]; then
    seeds="$(find "$cache/../conformance/node" -name model.onnx -size -4k | sort | sed -n '1~10p')"
    for f in $seeds; do cp "$f" "$cache/corpus/$(basename "$(dirname "$f")").onnx"; done
fi
swift build -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library \
    -Xcc -fsanitize=fuzzer-no-link,address --product ReaderFuzzer
bin="$(swift build -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library --show-bin-path)/ReaderFuzzer"
"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=1048576 \
    -artifact_prefix="$cache/findings/" -print_final_stats=1 "$cache/corpus"
