#!/usr/bin/env python3
"""Runs every DIR/<name>/model.onnx with onnx-blocks and onnxruntime on one seeded input and
prints one line per model: pass/fail under max|ours - ort| <= 1e-5 + 1e-5 * max|ort| on each
output (the logits), the error, its scale, and the median time of each (single thread, after
a warm-up). A model our runtime refuses prints its error. Exit 1 when any model fails.
--json / --markdown also write the table (model, result, max abs error, scale, tolerance,
ours ms, ORT ms, note) for the README and closing notes.

  check_models.py DIR --bin PATH [--runs 3] [--only SUBSTRING ...] [--json PATH] [--markdown PATH]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
import onnxruntime as ort


def input_spec(model):
    initializers = {t.name for t in model.graph.initializer}
    info = next(i for i in model.graph.input if i.name not in initializers)
    dims = [d.dim_value if d.HasField("dim_value") and d.dim_value > 0 else 1 for d in info.type.tensor_type.shape.dim]
    return info.name, dims


def ort_run(path, name, x, runs):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    outputs = session.run(None, {name: x})
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        session.run(None, {name: x})
        times.append((time.perf_counter() - t) * 1000)
    return [o.name for o in session.get_outputs()], outputs, float(np.median(times)) if times else float("nan")


def ours_run(binary, path, name, x, output_names, runs, work):
    xin = os.path.join(work, "x.npy")
    np.save(xin, x)
    out_dir = os.path.join(work, "out")
    os.makedirs(out_dir, exist_ok=True)
    # Two runs in one session, the second judged: the path a long-lived session takes.
    cmd = [binary, "run", path, "--input", f"{name}={xin}", "--threads", "1", "--output-dir", out_dir, "--runs", "2"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError((done.stderr or done.stdout).strip().splitlines()[-1][:300])
    outs = [np.load(os.path.join(out_dir, re.sub(r"[^A-Za-z0-9._-]", "_", n) + ".npy")) for n in output_names]
    ms = float("nan")
    if runs:
        bench = subprocess.run([binary, "bench", path, "--input", f"{name}={xin}", "--threads", "1", "--runs", str(runs), "--json"],
                               capture_output=True, text=True, timeout=1200)
        if bench.returncode == 0:
            report = json.loads(bench.stdout)
            ms = report.get("medianMs", float("nan"))
    return outs, ms


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("dir")
    p.add_argument("--bin", required=True)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--only", nargs="*", default=[])
    p.add_argument("--json", help="write the rows as a JSON list here")
    p.add_argument("--markdown", help="write the rows as a markdown table here")
    args = p.parse_args()
    failures = 0
    rows = []
    names = sorted(d for d in os.listdir(args.dir) if os.path.exists(os.path.join(args.dir, d, "model.onnx")))
    print(f"{'model':34} {'result':6} {'max abs err':>12} {'scale':>10} {'ours ms':>9} {'ort ms':>9}")
    for d in names:
        if args.only and not any(s in d for s in args.only):
            continue
        path = os.path.join(args.dir, d, "model.onnx")
        model = onnx.load(path, load_external_data=False)
        name, dims = input_spec(model)
        x = np.random.default_rng(0).standard_normal(dims).astype(np.float32)
        try:
            output_names, expected, ort_ms = ort_run(path, name, x, args.runs)
        except Exception as error:
            print(f"{d:34} SKIP   onnxruntime refuses it: {str(error)[:150]}")
            rows.append(row(d, "skip", note=f"onnxruntime refuses it: {str(error)[:150]}"))
            continue
        with tempfile.TemporaryDirectory() as work:
            try:
                actual, our_ms = ours_run(args.bin, path, name, x, output_names, args.runs, work)
            except Exception as error:
                failures += 1
                print(f"{d:34} FAIL   {error}")
                rows.append(row(d, "FAIL", ort_ms=ort_ms, note=str(error)))
                continue
        worst, scale, ok = 0.0, 0.0, True
        for a, e in zip(actual, expected):
            err = float(np.max(np.abs(a.astype(np.float64) - e))) if e.size else 0.0
            s = float(np.max(np.abs(e))) if e.size else 0.0
            ok = ok and a.shape == e.shape and err <= 1e-5 + 1e-5 * s
            worst, scale = max(worst, err), max(scale, s)
        failures += 0 if ok else 1
        print(f"{d:34} {'ok' if ok else 'FAIL':6} {worst:12.3e} {scale:10.3g} {our_ms:9.1f} {ort_ms:9.1f}", flush=True)
        rows.append(row(d, "ok" if ok else "FAIL", worst, scale, our_ms, ort_ms))
    write_tables(rows, args)
    return 1 if failures else 0


def row(model, result, err=None, scale=None, ours_ms=None, ort_ms=None, note=""):
    """One table row; the tolerance is the pass rule's bound for this scale."""
    tolerance = None if scale is None else 1e-5 + 1e-5 * scale
    return {"model": model, "result": result, "max_abs_err": err, "scale": scale, "tolerance": tolerance,
            "ours_ms": ours_ms, "ort_ms": ort_ms, "note": note}


def write_tables(rows, args):
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    if args.markdown:
        def num(v, fmt):
            return "—" if v is None or v != v else format(v, fmt)
        lines = ["| model | result | max abs error | scale max\\|ort\\| | tolerance | ours ms | ORT ms |",
                 "|---|---|---|---|---|---|---|"]
        for r in rows:
            result = r["result"] + (f" ({r['note']})" if r["note"] else "")
            lines.append(f"| {r['model']} | {result} | {num(r['max_abs_err'], '.3e')} | {num(r['scale'], '.3g')} | "
                         f"{num(r['tolerance'], '.2e')} | {num(r['ours_ms'], '.1f')} | {num(r['ort_ms'], '.1f')} |")
        with open(args.markdown, "w") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
