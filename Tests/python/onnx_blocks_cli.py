"""Shared helpers for the Python tests that drive the onnx-blocks binary."""
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def required_env(name):
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set (tools/test.sh sets it)")
    return value


def binary():
    path = required_env("ONNX_BLOCKS_BIN")
    if not Path(path).is_file():
        pytest.fail(f"ONNX_BLOCKS_BIN={path} does not exist (build the release product first)")
    return path


def conformance_models():
    """Every .onnx file of the conformance data (tools/make_conformance_data.py)."""
    root = Path(required_env("ONNX_BLOCKS_CACHE")) / "conformance"
    if not (root / ".complete").exists():
        pytest.fail(f"no conformance data in {root}; run tools/make_conformance_data.py --out {root}")
    models = sorted(root.rglob("*.onnx"))
    if len(models) < 2000:
        pytest.fail(f"only {len(models)} conformance models in {root}; expected the full set (2,033)")
    return models


def fixture_models():
    return sorted((ROOT / "fixtures").glob("*/model.onnx"))


# Every call of the binary has a timeout: a hang fails the test instead of stalling CI.
CLI_TIMEOUT = 300


def run_cli(*args, timeout=CLI_TIMEOUT):
    return subprocess.run([binary(), *map(str, args)], capture_output=True, text=True, timeout=timeout)


def expect_cli(*args, expect=0, timeout=CLI_TIMEOUT):
    """run_cli, asserting the exit status (expect=None accepts any)."""
    result = run_cli(*args, timeout=timeout)
    if expect is not None:
        assert result.returncode == expect, f"{args}: rc={result.returncode}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    return result


def run_many(argument_lists, workers=4):
    """Runs the binary once per argument list, a few at a time; results in order."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda args: run_cli(*args), argument_lists))
