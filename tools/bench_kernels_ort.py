"""Times our Conv2D (kernel-bench) and onnxruntime on the same single-Conv shapes.

For each shape the two are timed alternately for a few rounds (the machine is shared and
its clock moves, so comparisons only hold within the same short window); each round is
the median of `runs` calls, and the best round of each side is kept. ORT runs
Conv + bias + Relu (which it fuses), as kernel-bench does. With one thread both sides are
timed by the calling thread's CPU time. Used by tools/bench_kernels.sh.

usage: bench_kernels_ort.py KERNEL_BENCH_BINARY THREADS RUNS [FILTER]
"""
import json
import subprocess
import sys
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper

ROUNDS = 3


def conv_model(c, h, w, oc, kh, kw, sh, sw, pt, pl, pb, pr):
    rng = np.random.default_rng(0)
    weights = rng.standard_normal((oc, c, kh, kw), dtype=np.float32) * 0.05
    bias = rng.standard_normal(oc, dtype=np.float32) * 0.05
    oh = (h + pt + pb - kh) // sh + 1
    ow = (w + pl + pr - kw) // sw + 1
    nodes = [
        helper.make_node("Conv", ["x", "w", "b"], ["y0"], kernel_shape=[kh, kw],
                         strides=[sh, sw], pads=[pt, pl, pb, pr]),
        helper.make_node("Relu", ["y0"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes, "conv",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, c, h, w])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, oc, oh, ow])],
        [onnx.numpy_helper.from_array(weights, "w"), onnx.numpy_helper.from_array(bias, "b")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    return model.SerializeToString(), 2.0 * oc * oh * ow * c * kh * kw


def ort_session(model_bytes, threads):
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return ort.InferenceSession(model_bytes, options, providers=["CPUExecutionProvider"])


def time_ort(session, x, threads, runs):
    # One intra-op thread runs on the calling thread: time its CPU time, as kernel-bench does.
    clock = time.thread_time if threads == 1 else time.perf_counter
    for _ in range(3):
        session.run(None, {"x": x})
    times = []
    for _ in range(runs):
        start = clock()
        session.run(None, {"x": x})
        times.append(clock() - start)
    times.sort()
    return times[len(times) // 2]


def time_ours(binary, name, threads, runs):
    out = subprocess.run([binary, "--threads", str(threads), "--runs", str(runs), "--filter", name, "--exact"],
                         check=True, capture_output=True, text=True).stdout
    row = json.loads(out.strip().splitlines()[0])
    return row["medianMs"] / 1e3, row["shape"]


def main():
    binary, threads, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    pattern = sys.argv[4] if len(sys.argv) > 4 else ""
    names = subprocess.run([binary, "--list"], check=True, capture_output=True, text=True).stdout.splitlines()
    names = [n for n in names if pattern in n]
    print(f"{'shape':<32} {'ours ms':>8} {'GF/s':>6} {'ORT ms':>8} {'GF/s':>6} {'ours/ORT':>8}")
    total_ours = total_ort = 0.0
    for name in names:
        ours, shape = time_ours(binary, name, threads, runs)
        model, flops = conv_model(*shape)
        session = ort_session(model, threads)
        x = np.random.default_rng(1).standard_normal((1, shape[0], shape[1], shape[2]), dtype=np.float32)
        theirs = time_ort(session, x, threads, runs)
        for _ in range(ROUNDS - 1):
            ours = min(ours, time_ours(binary, name, threads, runs)[0])
            theirs = min(theirs, time_ort(session, x, threads, runs))
        total_ours += ours
        total_ort += theirs
        print(f"{name:<32} {ours * 1e3:8.3f} {flops / ours / 1e9:6.1f} "
              f"{theirs * 1e3:8.3f} {flops / theirs / 1e9:6.1f} {ours / theirs:8.2f}", flush=True)
    if names:
        print(f"{'total':<32} {total_ours * 1e3:8.3f} {'':>6} {total_ort * 1e3:8.3f} {'':>6} "
              f"{total_ours / total_ort:8.2f}")


if __name__ == "__main__":
    main()
