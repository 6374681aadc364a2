#!/usr/bin/env bash
# Creates (or reuses) the test venv at .venv with tools/requirements-test.txt.
# Also installs the system packages a fresh machine lacks (needs root, as on CI).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! pkg-config --exists libprotobuf-c 2>/dev/null; then
    echo "installing libprotobuf-c-dev" >&2
    apt-get update -qq && apt-get install -y -qq libprotobuf-c-dev pkg-config >/dev/null
fi
stamp=.venv/.requirements-test.txt
if [ ! -x .venv/bin/python ] || ! cmp -s tools/requirements-test.txt "$stamp"; then
    echo "creating .venv (onnx, onnxruntime, numpy, pytest)" >&2
    python3 -m venv .venv
    .venv/bin/pip install -q --upgrade pip
    .venv/bin/pip install -q -r tools/requirements-test.txt
    cp tools/requirements-test.txt "$stamp"
fi
