#!/usr/bin/env python3
"""Benchmarks `onnx-blocks bench` against onnxruntime on the same full-size models and input,
for 1 and 2 threads, in one run: median latency, the ratio ours / onnxruntime (wall time, and
CPU time per run, which stays meaningful on a loaded machine), and the peak RSS of both (each
measured in its own process).

The machine is shared and its speed drifts by 10-20% over seconds, so the two sides are
measured in alternating rounds (`--rounds`, each `--runs` timed runs, who goes first swapping
every round): the ratio printed is the median of the per-round ratios, with their range, and
each latency the median of its per-round medians.

  tools/bench_runtime.py [--models DIR] [--bin PATH] [--runs N] [--rounds R] [--threads 1 2] [--json OUT]

Models: DIR/<name>/model.onnx for resnet50, inception_v3, inception_resnet_v2, inception_v4 (made
by tools/make_bench_models.py; default DIR is $ONNX_BLOCKS_CACHE/bench, else /work/cache/bench),
or any .onnx given with --model. The binary defaults to the release build
(`swift build -c release` with tools/swift_flags.sh). Not a test: numbers depend on the machine.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx

ROOT = Path(__file__).resolve().parents[1]
MODELS = ["resnet50", "inception_v3", "inception_resnet_v2", "inception_v4"]

ORT_CHILD = r"""
import json, resource, sys, time
import numpy as np, onnxruntime as ort
model, input_path, threads, runs, warmup = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
x = np.load(input_path)
options = ort.SessionOptions()
options.intra_op_num_threads = threads
options.inter_op_num_threads = 1
session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
name = session.get_inputs()[0].name
for _ in range(warmup):
    session.run(None, {name: x})
times = []
cpu0 = resource.getrusage(resource.RUSAGE_SELF)
for _ in range(runs):
    t = time.perf_counter()
    session.run(None, {name: x})
    times.append((time.perf_counter() - t) * 1000)
cpu1 = resource.getrusage(resource.RUSAGE_SELF)
cpu = (cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime) * 1000 / runs
times.sort()
print(json.dumps({"medianMs": float(np.median(times)), "minMs": times[0], "cpuMsPerRun": cpu,
                  "peakRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""


def default_binary():
    flags = subprocess.run(["bash", "-c", "source tools/swift_flags.sh; echo ${SWIFT_FAST_FLAGS[@]}"],
                           cwd=ROOT, capture_output=True, text=True).stdout.split()
    path = subprocess.run(["swift", "build", "-c", "release", *flags, "--show-bin-path"],
                          cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return str(Path(path) / "onnx-blocks")


def concrete_input(model_path, seed=0):
    """One input, batch 1 (symbolic dims -> 1), seeded uniform [-1, 1)."""
    model = onnx.load(str(model_path), load_external_data=False)
    initializers = {t.name for t in model.graph.initializer}
    inputs = [i for i in model.graph.input if i.name not in initializers]
    if len(inputs) != 1:
        sys.exit(f"{model_path}: expected one input, found {len(inputs)}")
    dims = [d.dim_value if d.HasField("dim_value") else 1 for d in inputs[0].type.tensor_type.shape.dim]
    x = np.random.default_rng(seed).uniform(-1, 1, dims).astype(np.float32)
    return inputs[0].name, x


def run_ours(binary, path, name, input_path, threads, args):
    done = subprocess.run([binary, "bench", str(path), "--input", f"{name}={input_path}", "--threads", str(threads),
                           "--runs", str(args.runs), "--warmup", str(args.warmup), "--json"],
                          capture_output=True, text=True)
    if done.returncode != 0:
        print(f"{path}: onnx-blocks failed: {done.stderr.strip()}")
        return None
    return json.loads(done.stdout)


def run_ort(path, input_path, threads, args):
    done = subprocess.run([sys.executable, "-c", ORT_CHILD, str(path), str(input_path), str(threads),
                           str(args.runs), str(args.warmup)], capture_output=True, text=True)
    if done.returncode != 0:
        print(f"{path}: onnxruntime failed: {done.stderr.strip()[-500:]}")
        return None
    return json.loads(done.stdout)


def measure(binary, path, name, input_path, threads, args):
    """Alternating rounds of ours and onnxruntime; medians across rounds."""
    ours_rounds, ort_rounds = [], []
    for round_index in range(args.rounds):
        order = ["ours", "ort"] if round_index % 2 == 0 else ["ort", "ours"]
        for side in order:
            result = (run_ours(binary, path, name, input_path, threads, args) if side == "ours"
                      else run_ort(path, input_path, threads, args))
            if result is None:
                return None
            (ours_rounds if side == "ours" else ort_rounds).append(result)
    ratios = [a["medianMs"] / b["medianMs"] for a, b in zip(ours_rounds, ort_rounds)]
    cpu_ratios = [a["cpuMsPerRun"] / b["cpuMsPerRun"] for a, b in zip(ours_rounds, ort_rounds)]

    def summary(rounds):
        merged = {key: float(np.median([r[key] for r in rounds])) for key in ("medianMs", "minMs", "cpuMsPerRun")}
        merged["minMs"] = min(r["minMs"] for r in rounds)
        merged["peakRssBytes"] = max(r["peakRssBytes"] for r in rounds)
        if "gflops" in rounds[0]:
            merged["gflops"] = rounds[0]["flops"] / (merged["medianMs"] * 1e6)
        return merged

    return {"threads": threads, "ours": summary(ours_rounds), "onnxruntime": summary(ort_rounds),
            "ratio": float(np.median(ratios)), "cpuRatio": float(np.median(cpu_ratios)),
            "roundRatios": ratios}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    cache = os.environ.get("ONNX_BLOCKS_CACHE")
    parser.add_argument("--models", default=str(Path(cache) / "bench") if cache else "/work/cache/bench")
    parser.add_argument("--model", action="append", default=[], help="an extra .onnx to measure")
    parser.add_argument("--bin", default=None)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per model and thread count")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    binary = args.bin or default_binary()
    if not Path(binary).exists():
        sys.exit(f"{binary}: not built; run swift build -c release with tools/swift_flags.sh")
    paths = [Path(args.models) / m / "model.onnx" for m in MODELS if (Path(args.models) / m / "model.onnx").exists()]
    paths += [Path(p) for p in args.model]
    if not paths:
        sys.exit(f"no models in {args.models} (tools/make_bench_models.py) and none given with --model")
    rows = []
    print(f"{'model':24} {'thr':>3} {'ours ms':>9} {'ORT ms':>9} {'ratio':>6} {'CPU ratio':>9} {'ours RSS MB':>12} {'ORT RSS MB':>11} {'GFLOP/s':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for path in paths:
            label = path.parent.name if path.name == "model.onnx" else path.stem
            name, x = concrete_input(path)
            input_path = Path(tmp) / "input.npy"
            np.save(input_path, x)
            for threads in args.threads:
                row = measure(binary, path, name, input_path, threads, args)
                if row is None:
                    continue
                row["model"] = label
                rows.append(row)
                ours, theirs = row["ours"], row["onnxruntime"]
                print(f"{label:24} {threads:>3} {ours['medianMs']:>9.1f} {theirs['medianMs']:>9.1f} {row['ratio']:>6.2f} "
                      f"{row['cpuRatio']:>9.2f} {ours['peakRssBytes'] / 1e6:>12.0f} {theirs['peakRssBytes'] / 1e6:>11.0f} "
                      f"{ours['gflops']:>8.1f}  ratios {' '.join(f'{r:.2f}' for r in row['roundRatios'])}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
