#!/usr/bin/env bash
# Creates (or reuses) the Keras venv at .venv-keras with tools/requirements-keras.txt:
# keras 3 on TensorFlow (CPU), tf2onnx (used by keras' model.export(format="onnx")), onnx,
# onnxruntime. Only tools/make_fixtures.py and tools/make_bench_models.py need it; the tests
# and CI use the lighter .venv (tools/setup_venv.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv-keras
stamp=$venv/.requirements-keras.txt
if [ -x "$venv/bin/python" ] && cmp -s tools/requirements-keras.txt "$stamp"; then
    echo "$venv is up to date" >&2
    exit 0
fi
if [ -x "$venv/bin/python" ] && "$venv/bin/python" - <<'PY'
import sys
from importlib.metadata import version, PackageNotFoundError
want = {}
for line in open("tools/requirements-keras.txt"):
    line = line.split("#")[0].strip()
    if line:
        name, pin = line.split("==")
        want[name] = pin
try:
    sys.exit(0 if all(version(n) == v for n, v in want.items()) else 1)
except PackageNotFoundError:
    sys.exit(1)
PY
then
    echo "$venv already has the pinned versions" >&2
    exit 0
fi
echo "creating $venv (keras, tensorflow-cpu, tf2onnx, onnx, onnxruntime)" >&2
python3 -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip
"$venv/bin/pip" install -q -r tools/requirements-keras.txt
cp tools/requirements-keras.txt "$stamp"
