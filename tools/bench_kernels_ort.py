"""Times onnxruntime on the same single-Conv shapes kernel-bench measured, in the same run.

Reads kernel-bench's JSON lines on stdin (name, shape = [inC, H, outC, k, stride, pad],
medianMs, minMs) and prints one table: ours vs onnxruntime (Conv + bias + Relu, which ORT
fuses), median milliseconds, GFLOP/s and the ratio ours / ORT. Used by tools/bench_kernels.sh.
"""
import json
import sys
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper


def conv_model(c, hw, oc, k, stride, pad):
    rng = np.random.default_rng(0)
    w = rng.standard_normal((oc, c, k, k), dtype=np.float32) * 0.05
    b = rng.standard_normal(oc, dtype=np.float32) * 0.05
    out = (hw + 2 * pad - k) // stride + 1
    nodes = [
        helper.make_node("Conv", ["x", "w", "b"], ["y0"], kernel_shape=[k, k],
                         strides=[stride, stride], pads=[pad] * 4),
        helper.make_node("Relu", ["y0"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes, "conv",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, c, hw, hw])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, oc, out, out])],
        [onnx.numpy_helper.from_array(w, "w"), onnx.numpy_helper.from_array(b, "b")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    return model.SerializeToString(), 2.0 * oc * out * out * c * k * k


def time_ort(model_bytes, c, hw, threads, runs):
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(model_bytes, options, providers=["CPUExecutionProvider"])
    x = np.random.default_rng(1).standard_normal((1, c, hw, hw), dtype=np.float32)
    for _ in range(3):
        session.run(None, {"x": x})
    # One intra-op thread runs on the calling thread: time its CPU time, as kernel-bench does,
    # so that other processes on a shared machine do not count.
    clock = time.thread_time if threads == 1 else time.perf_counter
    times = []
    for _ in range(runs):
        start = clock()
        session.run(None, {"x": x})
        times.append(clock() - start)
    times.sort()
    return times[len(times) // 2], times[0]


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    rows = [json.loads(line) for line in sys.stdin if line.strip().startswith("{")]
    print(f"{'shape':<36} {'ours ms':>8} {'GF/s':>6} {'ORT ms':>8} {'GF/s':>6} {'ours/ORT':>8}")
    total_ours = total_ort = 0.0
    for row in rows:
        c, hw, oc, k, stride, pad = row["shape"]
        model, flops = conv_model(c, hw, oc, k, stride, pad)
        ort_median, _ = time_ort(model, c, hw, threads, runs)
        ours = row["medianMs"] / 1e3
        total_ours += ours
        total_ort += ort_median
        print(f"{row['name']:<36} {ours * 1e3:8.3f} {flops / ours / 1e9:6.1f} "
              f"{ort_median * 1e3:8.3f} {flops / ort_median / 1e9:6.1f} {ours / ort_median:8.2f}")
    if rows:
        print(f"{'total':<36} {total_ours * 1e3:8.3f} {'':>6} {total_ort * 1e3:8.3f} {'':>6} "
              f"{total_ours / total_ort:8.2f}")


if __name__ == "__main__":
    main()
