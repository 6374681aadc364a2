"""Shared setup for the Python tests: `onnx_blocks_cli` (next to this file) is the one home of
the helpers that find and run the onnx-blocks binary — `binary()`, `run_cli()` / `expect_cli()`
(each call with a timeout, so a hang fails a test instead of stalling CI) and `required_env()`.
Test files import them from there instead of keeping copies."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
