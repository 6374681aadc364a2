#!/usr/bin/env python3
"""Per-node time of onnx-blocks next to onnxruntime's own per-node profile, grouped by
convolution shape, to show where one runtime loses to the other.

  tools/profile_nodes.py MODEL.onnx [--bin PATH] [--threads 1] [--runs 10] [--top 25]

Our side: `onnx-blocks bench --profile --profile-nodes N` (fused and merged nodes are charged to
the convolutions they contain, split by FLOPs). onnxruntime's side: its session profiler
(`enable_profiling`), kernel times per node, median over the runs; fused nodes are matched by
the name of the node they start from. Not a test: numbers depend on the machine.
"""
import argparse
import collections
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime as ort
from onnx import shape_inference


def conv_facts(model):
    """name -> (class label, FLOPs) for every Conv/Gemm/MatMul, from the inferred shapes."""
    inferred = shape_inference.infer_shapes(model)
    shapes = {}
    for vi in list(inferred.graph.value_info) + list(inferred.graph.input) + list(inferred.graph.output):
        dims = [d.dim_value for d in vi.type.tensor_type.shape.dim]
        shapes[vi.name] = dims
    inits = {t.name: list(t.dims) for t in model.graph.initializer}
    facts = {}
    for node in inferred.graph.node:
        if node.op_type != "Conv":
            continue
        w = inits.get(node.input[1])
        out = shapes.get(node.output[0])
        if not w or not out or len(out) != 4:
            continue
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        group = attrs.get("group", 1)
        stride = attrs.get("strides", [1, 1])
        cout, cin_g, kh, kw = w
        label = f"{kh}x{kw}{'/' + str(stride[0]) if stride[0] != 1 else ''}"
        if group > 1:
            label += " dw" if group == cout and cin_g == 1 else f" g{group}"
        label += f" @{out[2]}"
        facts[node.name] = (label, 2 * max(out[0], 1) * out[2] * out[3] * cout * cin_g * kh * kw,
                            f"{cin_g * group}->{cout}")
    return facts


def ort_node_to_ours(model, name):
    """onnxruntime names the nodes its optimizer makes after their output tensor (+ `_nchwc`):
    map such a name back to the model's node, and a fused activation back to its convolution."""
    base = re.sub(r"(_nchwc|_token_\d+)$", "", name)
    nodes = {n.name: n for n in model.graph.node}
    producer = {o: n for n in model.graph.node for o in n.output}
    node = nodes.get(base) or producer.get(base)
    if node is None:
        return base
    while node.op_type in ("Relu", "Clip", "Add", "Sum") and node.input and node.input[0] in producer \
            and producer[node.input[0]].op_type in ("Conv", "Relu", "Clip", "Add"):
        node = producer[node.input[0]]
        if node.op_type == "Conv":
            break
    return node.name


def our_profile(binary, model_path, threads, runs):
    cmd = [binary, "bench", model_path, "--threads", str(threads), "--runs", str(runs),
           "--profile", "--profile-nodes", "100000", "--random-input"]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    text = done.stdout + done.stderr
    rows = []
    for line in text.splitlines():
        m = re.match(r"\s*([0-9.]+) ms/run  (Merged\(.*?\)|\S+) (.*)$", line)
        if m:
            rows.append((float(m.group(1)), m.group(2), [n.strip() for n in m.group(3).split(" + ")]))
    total = re.search(r"median ([0-9.]+) ms", text)
    return rows, float(total.group(1)) if total else None


def ort_profile(model_path, threads, runs):
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.enable_profiling = True
    options.profile_file_prefix = os.path.join(tempfile.mkdtemp(), "ort")
    session = ort.InferenceSession(model_path, options, providers=["CPUExecutionProvider"])
    feeds = {}
    rng = np.random.default_rng(0)
    for inp in session.get_inputs():
        shape = [d if isinstance(d, int) and d > 0 else 1 for d in inp.shape]
        feeds[inp.name] = rng.uniform(-1, 1, shape).astype(np.float32)
    for _ in range(2):
        session.run(None, feeds)
    import time
    walls = []
    for _ in range(runs):
        t = time.perf_counter()
        session.run(None, feeds)
        walls.append((time.perf_counter() - t) * 1e3)
    path = session.end_profiling()
    events = json.load(open(path))
    per_node = collections.defaultdict(list)
    for e in events:
        if e.get("cat") == "Node" and e["name"].endswith("_kernel_time"):
            per_node[e["name"][: -len("_kernel_time")]].append(e["dur"] / 1e3)
    # The first 2 runs are warm-up: keep the last `runs` samples of each node.
    return {n: statistics.median(v[-runs:]) for n, v in per_node.items()}, statistics.median(walls)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("--bin", default=".build/release/onnx-blocks")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--only", default=None, help="list only the nodes of this conv class (e.g. \"1x1 @17\")")
    args = ap.parse_args()

    model = onnx.load(args.model)
    facts = conv_facts(model)
    ours_rows, ours_total = our_profile(args.bin, args.model, args.threads, args.runs)
    ort_nodes, ort_total = ort_profile(args.model, args.threads, args.runs)

    ours = collections.defaultdict(float)
    kinds = {}
    for ms, kind, names in ours_rows:
        flops = [facts.get(n, (None, 0))[1] for n in names]
        whole = sum(flops)
        for n, f in zip(names, flops):
            ours[n] += ms * (f / whole if whole else 1 / len(names))
            kinds[n] = kind
    theirs = {}
    for name, ms in ort_nodes.items():
        base = ort_node_to_ours(model, name)
        theirs[base] = theirs.get(base, 0.0) + ms

    by_class = collections.defaultdict(lambda: [0.0, 0.0, 0, 0])
    other = [0.0, 0.0]
    for name in set(ours) | set(theirs):
        a, b = ours.get(name, 0.0), theirs.get(name, 0.0)
        if name in facts:
            row = by_class[facts[name][0]]
            row[0] += a
            row[1] += b
            row[2] += 1
            row[3] += facts[name][1]
        else:
            other[0] += a
            other[1] += b
    print(f"model {os.path.basename(os.path.dirname(args.model)) or args.model}, {args.threads} thread(s), "
          f"wall median ours {ours_total:.1f} ms, onnxruntime {ort_total:.1f} ms")
    print(f"{'conv class':22} {'n':>3} {'ours ms':>8} {'ORT ms':>8} {'ratio':>6} {'ours GF/s':>9} {'ORT GF/s':>9} {'delta ms':>8}")
    for label, (a, b, n, f) in sorted(by_class.items(), key=lambda kv: -(kv[1][0] - kv[1][1])):
        print(f"{label:22} {n:3d} {a:8.2f} {b:8.2f} {a / b if b else float('nan'):6.2f} "
              f"{f / a / 1e6 if a else 0:9.1f} {f / b / 1e6 if b else 0:9.1f} {a - b:8.2f}")
    print(f"{'not conv':22} {'':3} {other[0]:8.2f} {other[1]:8.2f} "
          f"{other[0] / other[1] if other[1] else float('nan'):6.2f} {'':9} {'':9} {other[0] - other[1]:8.2f}")
    print("\nslowest nodes against onnxruntime (ours - ORT):")
    worst = sorted(set(ours) | set(theirs), key=lambda n: -(ours.get(n, 0) - theirs.get(n, 0)))
    if args.only:
        worst = [n for n in worst if facts.get(n, ("",))[0] == args.only]
    for name in worst[: args.top]:
        label, _, chans = facts.get(name, ("", 0, ""))
        print(f"  {name:28} {label:18} {chans:12} {kinds.get(name, ''):14} "
              f"ours {ours.get(name, 0):7.3f}  ORT {theirs.get(name, 0):7.3f}")


if __name__ == "__main__":
    sys.exit(main())
