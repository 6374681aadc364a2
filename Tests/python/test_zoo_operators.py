"""The operators and convolution forms the classification zoos need (depthwise convolutions
with folded BN / ReLU6 / residual, ConvNeXt's LayerNorm + GELU, squeeze-excitation with
HardSigmoid, Keras' elementary LayerNorm, Resize, ...) in small random graphs, run by
`onnx-blocks run` and by onnxruntime (the reference) on the same seeded input. Each must
match under max|ours - ort| <= 1e-5 + 1e-5 * max|ort| and elementwise 1e-5 + 1e-4 * |ort|."""
import os
import subprocess
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper
from onnx_blocks_cli import run_cli

RNG = np.random.default_rng(12)


def const(name, shape, low=-0.5, high=0.5):
    return numpy_helper.from_array(RNG.uniform(low, high, shape).astype(np.float32), name)


def ints(name, values):
    return numpy_helper.from_array(np.array(values, np.int64), name)


def conv_bn(prefix, x, y, cin, cout, k, stride=1, group=1, pad=None):
    """Conv + BatchNormalization with random statistics (the fusion folds them)."""
    pad = k // 2 if pad is None else pad
    nodes = [helper.make_node("Conv", [x, f"{prefix}_w", f"{prefix}_b"], [f"{prefix}_c"], name=f"{prefix}_conv",
                              kernel_shape=[k, k], strides=[stride, stride], pads=[pad] * 4, group=group),
             helper.make_node("BatchNormalization", [f"{prefix}_c", f"{prefix}_g", f"{prefix}_be", f"{prefix}_m", f"{prefix}_v"], [y],
                              name=f"{prefix}_bn")]
    inits = [const(f"{prefix}_w", [cout, cin // group, k, k]), const(f"{prefix}_b", [cout]),
             const(f"{prefix}_g", [cout], 0.5, 1.5), const(f"{prefix}_be", [cout]), const(f"{prefix}_m", [cout], -0.2, 0.2),
             const(f"{prefix}_v", [cout], 0.5, 1.5)]
    return nodes, inits


def relu6(x, y, name):
    return helper.make_node("Clip", [x, "zero", "six"], [y], name=name)


def mobilenet_block():
    n1, i1 = conv_bn("expand", "x", "e", 8, 24, 1)
    n2, i2 = conv_bn("dw", "e6", "d", 24, 24, 3, group=24)
    n3, i3 = conv_bn("project", "d6", "p", 24, 8, 1)
    nodes = n1 + [relu6("e", "e6", "relu6_a")] + n2 + [relu6("d", "d6", "relu6_b")] + n3 + [helper.make_node("Add", ["p", "x"], ["y"], name="residual")]
    inits = i1 + i2 + i3 + [const("zero", [], 0, 0), numpy_helper.from_array(np.array(6, np.float32), "six")]
    return nodes, inits, [2, 8, 13, 21], 18


def depthwise_stride2_hardswish():
    n, i = conv_bn("dw5", "x", "d", 6, 6, 5, stride=2, group=6)
    return n + [helper.make_node("HardSwish", ["d"], ["y"], name="hswish")], i, [1, 6, 17, 35], 18


def silu_wide_range():
    """EfficientNet's SiLU (Sigmoid + Mul) after a depthwise conv, inputs spread to +-100 so the
    vector exponential's clamped tails are exercised."""
    n, i = conv_bn("dw", "xs", "d", 6, 6, 3, group=6)
    nodes = [helper.make_node("Mul", ["x", "spread"], ["xs"], name="spread")] + n + [
        helper.make_node("Sigmoid", ["d"], ["s"], name="sigmoid"), helper.make_node("Mul", ["d", "s"], ["y"], name="silu")]
    return nodes, i + [numpy_helper.from_array(np.array(30, np.float32), "spread")], [1, 6, 9, 37], 18


def squeeze_excitation():
    nodes = [helper.make_node("GlobalAveragePool", ["x"], ["s"], name="gap"),
             helper.make_node("Conv", ["s", "w1", "b1"], ["s1"], name="fc1"),
             helper.make_node("Relu", ["s1"], ["s2"], name="relu"),
             helper.make_node("Conv", ["s2", "w2", "b2"], ["s3"], name="fc2"),
             helper.make_node("HardSigmoid", ["s3"], ["gate"], name="hsig", alpha=1 / 6, beta=0.5),
             helper.make_node("Mul", ["x", "gate"], ["y"], name="scale")]
    inits = [const("w1", [4, 16, 1, 1]), const("b1", [4]), const("w2", [16, 4, 1, 1]), const("b2", [16])]
    return nodes, inits, [1, 16, 7, 9], 18


def convnext_block(exact_gelu_op):
    nodes = [helper.make_node("Conv", ["x", "dw_w", "dw_b"], ["d"], name="dw7", kernel_shape=[7, 7], pads=[3] * 4, group=8),
             helper.make_node("Transpose", ["d"], ["t"], name="to_nhwc", perm=[0, 2, 3, 1]),
             helper.make_node("LayerNormalization", ["t", "ln_g", "ln_b"], ["n"], name="ln", axis=-1, epsilon=1e-6),
             helper.make_node("MatMul", ["n", "fc1"], ["h"], name="pw1")]
    if exact_gelu_op:
        nodes.append(helper.make_node("Gelu", ["h"], ["g"], name="gelu"))
    else:  # torch's opset-17 export: x * 0.5 * (1 + erf(x / sqrt 2))
        nodes += [helper.make_node("Div", ["h", "sqrt2"], ["h1"], name="div"), helper.make_node("Erf", ["h1"], ["h2"], name="erf"),
                  helper.make_node("Add", ["h2", "one"], ["h3"], name="add1"), helper.make_node("Mul", ["h", "h3"], ["h4"], name="mul1"),
                  helper.make_node("Mul", ["h4", "half"], ["g"], name="mul_half")]
    nodes += [helper.make_node("MatMul", ["g", "fc2"], ["o"], name="pw2"),
              helper.make_node("Transpose", ["o"], ["o2"], name="to_nchw", perm=[0, 3, 1, 2]),
              helper.make_node("Add", ["o2", "x"], ["y"], name="residual")]
    inits = [const("dw_w", [8, 1, 7, 7]), const("dw_b", [8]), const("ln_g", [8], 0.5, 1.5), const("ln_b", [8]),
             const("fc1", [8, 32]), const("fc2", [32, 8]), numpy_helper.from_array(np.array(np.sqrt(2), np.float32), "sqrt2"),
             numpy_helper.from_array(np.array(1, np.float32), "one"), numpy_helper.from_array(np.array(0.5, np.float32), "half")]
    return nodes, inits, [1, 8, 9, 11], 20 if exact_gelu_op else 17


def keras_layer_norm():
    """Keras' LayerNormalization as tf2onnx writes it: elementary ops over the channel axis."""
    nodes = [helper.make_node("ReduceMean", ["x", "axes"], ["m"], name="mean"),
             helper.make_node("Sub", ["x", "m"], ["c"], name="center"),
             helper.make_node("Pow", ["c", "two"], ["sq"], name="square"),
             helper.make_node("ReduceMean", ["sq", "axes"], ["var"], name="variance"),
             helper.make_node("Add", ["var", "eps"], ["ve"], name="add_eps"),
             helper.make_node("Sqrt", ["ve"], ["sd"], name="sqrt"),
             helper.make_node("Reciprocal", ["sd"], ["inv"], name="reciprocal"),
             helper.make_node("Neg", ["m"], ["nm"], name="neg"),
             helper.make_node("Mul", ["nm", "inv"], ["shift"], name="shift"),
             helper.make_node("Mul", ["x", "inv"], ["xs"], name="scale"),
             helper.make_node("Add", ["xs", "shift"], ["y"], name="normalized")]
    inits = [ints("axes", [1]), numpy_helper.from_array(np.array(2, np.float32), "two"),
             numpy_helper.from_array(np.array(1e-3, np.float32), "eps")]
    return nodes, inits, [2, 12, 5, 6], 18


def resize(mode, transform, nearest="round_prefer_floor", factors=(2, 1.5), shape=(1, 3, 5, 6), antialias=0):
    def build():
        node = helper.make_node("Resize", ["x", "", "scales"], ["y"], name="resize", mode=mode,
                                coordinate_transformation_mode=transform, nearest_mode=nearest, antialias=antialias)
        scales = numpy_helper.from_array(np.array([1, 1, *factors], np.float32), "scales")
        return [node], [scales], list(shape), 18
    return build


def reductions_and_selection():
    nodes = [helper.make_node("ReduceMax", ["x", "ax_hw"], ["mx"], name="max", keepdims=1),
             helper.make_node("ReduceSum", ["x", "ax_c"], ["sm"], name="sum", keepdims=1),
             helper.make_node("Expand", ["sm", "shape"], ["ex"], name="expand"),
             helper.make_node("Greater", ["x", "mx"], ["gt"], name="greater"),
             helper.make_node("Where", ["gt", "x", "ex"], ["w"], name="where"),
             helper.make_node("Flatten", ["w"], ["f"], name="flatten"),
             helper.make_node("LogSoftmax", ["f"], ["y"], name="log_softmax", axis=-1)]
    inits = [ints("ax_hw", [2, 3]), ints("ax_c", [1]), ints("shape", [2, 4, 3, 5])]
    return nodes, inits, [2, 4, 3, 5], 18


CASES = {
    "mobilenet_v2_block": mobilenet_block,
    "depthwise_5x5_stride2_hardswish": depthwise_stride2_hardswish,
    "squeeze_excitation_hardsigmoid": squeeze_excitation,
    "silu_wide_range": silu_wide_range,
    "convnext_block_erf_gelu": lambda: convnext_block(False),
    "convnext_block_gelu_op20": lambda: convnext_block(True),
    "keras_layer_norm_elementary": keras_layer_norm,
    "resize_nearest_asymmetric_floor": resize("nearest", "asymmetric", "floor"),
    "resize_linear_half_pixel": resize("linear", "half_pixel"),
    "resize_linear_align_corners": resize("linear", "align_corners"),
    # Antialiased downsampling: the filter widens to 1/scale taps (opset 18).
    "resize_linear_antialias_downsample": resize("linear", "half_pixel", factors=(0.4, 0.3), shape=(1, 3, 13, 17), antialias=1),
    "resize_cubic_antialias_downsample": resize("cubic", "half_pixel", factors=(0.45, 0.6), shape=(2, 2, 11, 9), antialias=1),
    "resize_cubic_antialias_upsample_rows": resize("cubic", "pytorch_half_pixel", factors=(1.5, 0.25), shape=(1, 2, 6, 16), antialias=1),
    "reductions_expand_where_logsoftmax": reductions_and_selection,
}


OUTPUT_RANK = {"reductions_expand_where_logsoftmax": 2}


@pytest.mark.parametrize("name", sorted(CASES))
def test_zoo_operator_graph_matches_onnxruntime(name, tmp_path):
    nodes, inits, shape, opset = CASES[name]()
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [f"d{k}" for k in range(OUTPUT_RANK.get(name, len(shape)))])],
                              initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 9
    onnx.checker.check_model(model, full_check=True)
    path = tmp_path / "model.onnx"
    onnx.save(model, str(path))
    x = np.random.default_rng(3).standard_normal(shape).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    expected = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
    for threads in (1, 2):
        out = tmp_path / f"out{threads}"
        out.mkdir()
        r = run_cli("run", str(path), "--input", f"x={tmp_path / 'x.npy'}", "--threads", str(threads),
                    "--output-dir", str(out), timeout=120)
        assert r.returncode == 0, r.stderr
        actual = np.load(out / "y.npy")
        assert actual.shape == expected.shape
        error = float(np.max(np.abs(actual - expected)))
        assert error <= 1e-5 + 1e-5 * float(np.max(np.abs(expected))), f"{name}, {threads} threads: max abs {error}"
        assert np.all(np.abs(actual - expected) <= 1e-5 + 1e-4 * np.abs(expected))
