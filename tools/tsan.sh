#!/usr/bin/env bash
# Runs the concurrency tests under ThreadSanitizer (debug build, separate build folder so
# the release build used by tools/test.sh is untouched):
#   tools/tsan.sh [FILTER]     (default: the one-session-many-threads test)
set -euo pipefail
cd "$(dirname "$0")/.."
filter="${1:-HostileModelTests/oneSessionManyThreads}"
swift build -c debug --scratch-path .build-tsan -Xswiftc -sanitize=thread --build-tests
swift test -c debug --scratch-path .build-tsan -Xswiftc -sanitize=thread --skip-build --filter "$filter"
