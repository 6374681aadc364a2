#!/usr/bin/env python3
"""Benchmark (not a test): our ModelReader against onnx.load on the same >= 100 MB model.

Makes (once) a random-weight conv model of ~104 MB in $ONNX_BLOCKS_CACHE/bench (or --model
FILE to use another), times `onnx.load` and `onnx-blocks convert --bench-read` (a hidden
read-only timing mode) with the same number of runs in one go, and prints medians, the
ratio and our peak RSS against the file size. Targets: ratio <= 0.5, RSS <= 1.5x file.

Usage: tools/bench_reader.py [--runs N] [--model FILE] [--bin PATH]
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = Path(__file__).resolve().parents[1]


def make_model(path):
    """A plain conv stack: 11 convs 512->512 3x3 (2.36 M params each), ~104 MB of float32."""
    rng = np.random.default_rng(0)
    nodes, inits, prev = [], [], "x"
    for k in range(11):
        w = rng.standard_normal((512, 512, 3, 3), dtype=np.float32) * 0.01
        b = rng.standard_normal(512, dtype=np.float32)
        inits += [numpy_helper.from_array(w, f"conv{k}_w"), numpy_helper.from_array(b, f"conv{k}_b")]
        nodes.append(helper.make_node("Conv", [prev, f"conv{k}_w", f"conv{k}_b"], [f"c{k}"], name=f"conv{k}",
                                      kernel_shape=[3, 3], pads=[1, 1, 1, 1]))
        nodes.append(helper.make_node("Relu", [f"c{k}"], [f"r{k}"], name=f"relu{k}"))
        prev = f"r{k}"
    graph = helper.make_graph(nodes, "bench", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 512, 14, 14])],
                              [helper.make_tensor_value_info(prev, TensorProto.FLOAT, ["N", 512, 14, 14])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="bench_reader")
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(path))


def default_binary():
    out = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True)
    return str(Path(out.stdout.strip()) / "onnx-blocks")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--model")
    parser.add_argument("--bin", default=os.environ.get("ONNX_BLOCKS_BIN"))
    args = parser.parse_args()
    cache = Path(os.environ.get("ONNX_BLOCKS_CACHE", Path(__file__).resolve().parents[1] / ".cache"))
    model = Path(args.model) if args.model else cache / "bench" / "conv_stack_104mb.onnx"
    if not model.exists():
        make_model(model)
    binary = args.bin or default_binary()
    size = model.stat().st_size

    onnx.load(str(model))  # warm the page cache for both
    python_times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        onnx.load(str(model))
        python_times.append((time.perf_counter() - start) * 1e3)
    python_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    ours = json.loads(subprocess.run([binary, "convert", "--bench-read", str(args.runs), str(model)],
                                     capture_output=True, text=True, check=True).stdout)
    py_median = statistics.median(python_times)
    ratio = ours["medianMs"] / py_median
    rss_ratio = ours["peakRSSBytes"] / size
    print(f"model: {model} ({size / 1e6:.1f} MB, {ours['parameters']:,} parameters), {args.runs} runs each")
    print(f"onnx.load  median {py_median:8.1f} ms   (python process peak RSS {python_rss / 1e6:.0f} MB)")
    print(f"ModelReader median {ours['medianMs']:8.1f} ms   peak RSS {ours['peakRSSBytes'] / 1e6:.0f} MB")
    print(f"time ratio {ratio:.2f} (target <= 0.5)   RSS / file size {rss_ratio:.2f} (target <= 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
