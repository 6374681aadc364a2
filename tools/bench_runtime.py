#!/usr/bin/env python3
"""Benchmarks `onnx-blocks bench` against onnxruntime on the same full-size models and input,
for 1 and 2 threads, in one run: median latency, the ratio ours / onnxruntime (wall time, and
CPU time per run, which stays meaningful on a loaded machine), and the peak RSS of both (each
measured in its own process).

The machine is shared and its speed drifts by 10-20% over seconds, so the two are timed in
lockstep: both load the model in their own process, then alternate single runs (`bench
--paced` on our side). Two ratios are printed: `ratio`, our median over onnxruntime's median,
and `pair med`, the median of the per-pair ratios (each pair saw the same machine, so a slow
phase of the shared host moves both sides of a pair and cancels; the ratio of medians can swing
when such a phase covers more of one side's runs); the last column is the interquartile range
of the per-pair ratios. `far`: how many of our runs found the two threads on different dies (the
host moves this VM's vCPUs; a cache line's round trip between them then takes 4-5x longer, and
both runtimes slow down on 2 threads, see CoreDistance in the README).

  tools/bench_runtime.py [--models DIR] [--bin PATH] [--runs N] [--threads 1 2] [--isa avx2] [--json OUT]

`--isa avx2` measures both runtimes as an AVX2-only host would run them, on an AVX-512 one: ours
with `ONNX_BLOCKS_KERNEL=avx2` (every C kernel takes its AVX2 variant), onnxruntime from a copy
whose CPU dispatch keeps its AVX2 kernels (tools/ort_avx2.py). The rest of our Swift code keeps
the build's flags, which on an AVX-512 build host use AVX-512 (a few percent of the time).

Models: DIR/<name>/model.onnx for resnet50, inception_v3, inception_resnet_v2, inception_v4 (made
by tools/make_bench_models.py; default DIR is $ONNX_BLOCKS_CACHE/bench, else .cache/bench in the checkout),
or any .onnx given with --model. The binary defaults to the release build
(`swift build -c release` with tools/swift_flags.sh). Not a test: numbers depend on the machine.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import onnx

ROOT = Path(__file__).resolve().parents[1]
MODELS = ["resnet50", "inception_v3", "inception_resnet_v2", "inception_v4"]

ORT_CHILD = r"""
import json, resource, sys, time
import numpy as np, onnxruntime as ort
model, input_path, threads, runs, warmup = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
paced = len(sys.argv) > 6 and sys.argv[6] == "--paced"
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
    if paced:
        sys.stdin.readline()
    t = time.perf_counter()
    session.run(None, {name: x})
    times.append((time.perf_counter() - t) * 1000)
    if paced:
        print(f"step {times[-1]}", flush=True)
cpu1 = resource.getrusage(resource.RUSAGE_SELF)
# VmHWM, not ru_maxrss: the latter includes the driver's peak inherited across fork + exec.
peak = next(int(line.split()[1]) * 1024 for line in open("/proc/self/status") if line.startswith("VmHWM:"))
cpu = (cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime) * 1000 / runs
times.sort()
print(json.dumps({"medianMs": float(np.median(times)), "minMs": times[0], "cpuMsPerRun": cpu,
                  "peakRssBytes": peak}))
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


def measure(binary, path, name, input_path, threads, args):
    """Both runtimes load the model in their own process, then time their runs in lockstep:
    one of ours, one of onnxruntime's (who goes first swapping every run), so each pair of runs
    sees the same machine. Returns medians of both sides and the paired ratios."""
    ours = subprocess.Popen([binary, "bench", str(path), "--input", f"{name}={input_path}", "--threads", str(threads),
                             "--runs", str(args.runs), "--warmup", str(args.warmup), "--json", "--paced"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=args.ours_env)
    theirs = subprocess.Popen([sys.executable, "-c", ORT_CHILD, str(path), str(input_path), str(threads),
                               str(args.runs), str(args.warmup), "--paced"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=args.ort_env)

    def step(process, label):
        # A pause first, so neither side's idle worker threads are still spinning (and holding
        # a core) from its last run: onnxruntime's spin for a while after each parallel section.
        time.sleep(args.pause_ms / 1000)
        process.stdin.write("\n")
        process.stdin.flush()
        line = process.stdout.readline()
        if not line.startswith("step "):
            process.kill()
            raise RuntimeError(f"{path}: {label} failed: {line.strip()} {process.stderr.read().strip()[-500:]}")
        fields = line.split()
        # Ours adds "near N far M": checks during the run that found the threads sharing a
        # cache, or on different dies (the host moves the vCPUs; see CoreDistance).
        far = int(fields[5]) if len(fields) >= 6 and fields[4] == "far" else 0
        return float(fields[1]), far

    pairs = []
    far_flags = []
    try:
        for run in range(args.runs):
            if run % 2 == 0:
                (a, far), (b, _) = step(ours, "onnx-blocks"), step(theirs, "onnxruntime")
            else:
                (b, _), (a, far) = step(theirs, "onnxruntime"), step(ours, "onnx-blocks")
            pairs.append((a, b))
            far_flags.append(far > 0)
    except RuntimeError as error:
        print(error)
        ours.kill(); theirs.kill()
        return None
    results = []
    for process, label in ((ours, "onnx-blocks"), (theirs, "onnxruntime")):
        # Not communicate(): it reads the raw pipe and would lose what readline() has already
        # buffered (the summary often arrives in the same read as the last step line).
        process.stdin.close()
        out = process.stdout.read()
        err = process.stderr.read()
        process.wait()
        if process.returncode != 0:
            print(f"{path}: {label} failed: {err.strip()[-500:]}")
            return None
        text = "\n".join(line for line in out.splitlines() if not line.startswith("step "))
        try:
            results.append(json.loads(text))
        except json.JSONDecodeError:
            print(f"{path}: {label} printed no summary: stdout {text[-300:]!r} stderr {err.strip()[-300:]!r}")
            return None
    ours_summary, ort_summary = results
    ratios = sorted(a / b for a, b in pairs)
    near_ratios = [a / b for (a, b), far in zip(pairs, far_flags) if not far]
    far_ratios = [a / b for (a, b), far in zip(pairs, far_flags) if far]
    return {"threads": threads, "ours": ours_summary, "onnxruntime": ort_summary, "farRuns": sum(far_flags),
            # Pair medians split by what our run found: threads on one die, or on two.
            "pairedMedianNear": float(np.median(near_ratios)) if near_ratios else None,
            "pairedMedianFar": float(np.median(far_ratios)) if far_ratios else None,
            "pairs": [{"ours": a, "onnxruntime": b, "far": far} for (a, b), far in zip(pairs, far_flags)],
            "ratio": ours_summary["medianMs"] / ort_summary["medianMs"],
            "cpuRatio": ours_summary["cpuMsPerRun"] / ort_summary["cpuMsPerRun"],
            "pairedRatios": {"p25": float(np.percentile(ratios, 25)), "median": float(np.median(ratios)),
                             "p75": float(np.percentile(ratios, 75))}}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    cache = os.environ.get("ONNX_BLOCKS_CACHE", str(ROOT / ".cache"))
    parser.add_argument("--models", default=str(Path(cache) / "bench"))
    parser.add_argument("--model", action="append", default=[], help="an extra .onnx to measure")
    parser.add_argument("--bin", default=None)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--pause-ms", type=float, default=100, help="pause before each lockstep run")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--isa", choices=["native", "avx2"], default="native",
                        help="avx2: both runtimes on their AVX2 kernels (an AVX2-only host, emulated)")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    args.ours_env = dict(os.environ)
    args.ort_env = dict(os.environ)
    if args.isa == "avx2":
        sys.path.insert(0, str(ROOT / "tools"))
        import ort_avx2
        copy = ort_avx2.make_copy(ort_avx2.default_dir())
        args.ours_env["ONNX_BLOCKS_KERNEL"] = "avx2"
        args.ort_env["PYTHONPATH"] = os.pathsep.join([str(copy)] + [p for p in [os.environ.get("PYTHONPATH")] if p])
        print(f"AVX2 emulated: ONNX_BLOCKS_KERNEL=avx2, onnxruntime from {copy}")
    binary = args.bin or default_binary()
    if not Path(binary).exists():
        sys.exit(f"{binary}: not built; run swift build -c release with tools/swift_flags.sh")
    paths = [Path(args.models) / m / "model.onnx" for m in MODELS if (Path(args.models) / m / "model.onnx").exists()]
    paths += [Path(p) for p in args.model]
    if not paths:
        sys.exit(f"no models in {args.models} (tools/make_bench_models.py) and none given with --model")
    rows = []
    print(f"{'model':24} {'thr':>3} {'ours ms':>9} {'ORT ms':>9} {'ratio':>6} {'pair med':>8} {'CPU ratio':>9} {'ours RSS MB':>12} {'ORT RSS MB':>11} {'GFLOP/s':>8}  {'far':>5}  pair ratios IQR")
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
                row["isa"] = args.isa
                rows.append(row)
                ours, theirs = row["ours"], row["onnxruntime"]
                print(f"{label:24} {threads:>3} {ours['medianMs']:>9.1f} {theirs['medianMs']:>9.1f} {row['ratio']:>6.2f} "
                      f"{row['pairedRatios']['median']:>8.2f} {row['cpuRatio']:>9.2f} {ours['peakRssBytes'] / 1e6:>12.0f} {theirs['peakRssBytes'] / 1e6:>11.0f} "
                      f"{ours['gflops']:>8.1f}  {row['farRuns']:>2}/{args.runs:<2}  "
                      f"{row['pairedRatios']['p25']:.2f}-{row['pairedRatios']['p75']:.2f}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
