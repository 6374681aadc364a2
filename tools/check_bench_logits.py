#!/usr/bin/env python3
"""Compares our logits (the Softmax input) with onnxruntime's on full-size models, on a seeded
random input, under the default rule |a - b| <= 1e-5 + 1e-4 |b|. Softmax outputs hide logit
errors; this checks the tensor before it. Our side runs each model twice in one session
(`run --runs 2`) and is judged on the second run, the path a long-lived session takes (Concat
inputs written in place, `ConcatPlacement`). Not a test (needs the cache of full-size models).

  tools/check_bench_logits.py --bin PATH [--models DIR] [--threads N] [NAME ...]
"""
import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort


def check(binary, path, threads):
    model = onnx.load(str(path))
    logits = [n for n in model.graph.node if n.op_type == "Softmax"][-1].input[0]
    model.graph.output.append(onnx.helper.make_tensor_value_info(logits, onnx.TensorProto.FLOAT, None))
    with tempfile.TemporaryDirectory() as tmp:
        model_path = os.path.join(tmp, "model.onnx")
        onnx.save(model, model_path)
        graph_input = model.graph.input[0]
        shape = [d.dim_value or 1 for d in graph_input.type.tensor_type.shape.dim]
        x = np.random.default_rng(1).uniform(-1, 1, shape).astype(np.float32)
        np.save(os.path.join(tmp, "x.npy"), x)
        reference = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"]).run([logits], {graph_input.name: x})[0]
        subprocess.run([binary, "run", model_path, "--input", f"{graph_input.name}={tmp}/x.npy", "--output", logits,
                        "--output-dir", tmp, "--runs", "2", "--threads", str(threads)], check=True, capture_output=True)
        file = "".join(c if c.isalnum() or c in "._-" else "_" for c in logits) + ".npy"
        ours = np.load(os.path.join(tmp, file))
    error = np.abs(ours - reference)
    budget = 1e-5 + 1e-4 * np.abs(reference)
    passed = bool(np.all(error <= budget))
    print(f"{path.parent.name}: logits max abs {error.max():.3g} (max |ref| {np.abs(reference).max():.3g}), "
          f"worst error / tolerance {np.max(error / budget):.3f}: {'pass' if passed else 'FAIL'}")
    return passed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    cache = os.environ.get("ONNX_BLOCKS_CACHE", str(Path(__file__).resolve().parents[1] / ".cache"))
    parser.add_argument("--models", default=str(Path(cache) / "bench"))
    parser.add_argument("--bin", required=True)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("names", nargs="*")
    args = parser.parse_args()
    names = args.names or sorted(p.name for p in Path(args.models).iterdir() if (p / "model.onnx").exists())
    results = [check(args.bin, Path(args.models) / name / "model.onnx", args.threads) for name in names]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
