"""Export forms the Keras fixtures do not show, built with onnx.helper: BN kept as
`BatchNormalization`, residual `Sum`, an explicit residual-scale `Mul`, `Pad` before a conv,
NCHW input without a transpose, `ReduceMean` / `AveragePool` heads with `Gemm` or
`MatMul` + `Add`. The block structure is checked against how each graph was built, and the
blocks' own forward against onnxruntime (`blocks --forward-check`)."""
import json
import os
import subprocess
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper
from onnx_blocks_cli import run_cli as run

RNG = np.random.default_rng(7)


class G:
    """A tiny graph builder: NCHW activations, random weights as initializers."""

    def __init__(self, channels, size, nhwc=False):
        self.nodes, self.inits, self.n = [], [], 0
        self.channels, self.size = channels, size
        self.dims = [1, size, size, channels] if nhwc else [1, channels, size, size]

    def name(self, p):
        self.n += 1
        return f"{p}_{self.n}"

    def const(self, arr, p="c"):
        t = self.name(p)
        self.inits.append(numpy_helper.from_array(np.asarray(arr), t))
        return t

    def node(self, op, inputs, p=None, **attrs):
        out = self.name(p or op.lower())
        self.nodes.append(helper.make_node(op, inputs, [out], name=out + "_node", **attrs))
        return out

    def conv(self, x, cin, cout, k, stride=1, pad=None, bias=True, pads_attr=True):
        kh, kw = (k, k) if isinstance(k, int) else k
        w = self.const(RNG.normal(0, (2.0 / (cin * kh * kw)) ** 0.5, (cout, cin, kh, kw)).astype("float32"), "w")
        ins = [x, w] + ([self.const(RNG.normal(0, 0.05, cout).astype("float32"), "b")] if bias else [])
        if pad is None:
            pad = [(kh - 1) // 2, (kw - 1) // 2, kh // 2, kw // 2]
        return self.node("Conv", ins, "conv", kernel_shape=[kh, kw], strides=[stride, stride], pads=pad)

    def bn(self, x, c):
        params = [RNG.uniform(0.6, 1.4, c), RNG.normal(0, 0.1, c), RNG.normal(0, 0.1, c), RNG.uniform(0.6, 1.4, c)]
        return self.node("BatchNormalization", [x] + [self.const(p.astype("float32"), "bn") for p in params], "bn", epsilon=1e-3)

    def relu(self, x):
        return self.node("Relu", [x], "relu")

    def unit(self, x, cin, cout, k, stride=1, pad=None):
        return self.relu(self.bn(self.conv(x, cin, cout, k, stride, pad, bias=False), cout))

    def save(self, path, x, logits, out):
        inp = helper.make_tensor_value_info("image", TensorProto.FLOAT, self.dims)
        outs = [helper.make_tensor_value_info(out, TensorProto.FLOAT, [1, None])]
        graph = helper.make_graph(self.nodes, "g", [inp], outs, self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        onnx.checker.check_model(model, full_check=True)
        onnx.save(model, path / "model.onnx")
        data = path / "data"
        data.mkdir()
        image = RNG.uniform(-1, 1, self.dims).astype("float32")
        probe = onnx.ModelProto()
        probe.CopyFrom(model)
        if logits != out:
            probe.graph.output.append(helper.make_tensor_value_info(logits, TensorProto.FLOAT, [1, None]))
        sess = ort.InferenceSession(probe.SerializeToString(), providers=["CPUExecutionProvider"])
        y, z = sess.run([out, logits], {"image": image})
        for fname, arr, nm in (("input_0.pb", image, "image"), ("output_0.pb", y, out), ("logits.pb", z, logits)):
            (data / fname).write_bytes(numpy_helper.from_array(arr, nm).SerializeToString())
        return path / "model.onnx", data


def inception_resnet_explicit_scale(tmp):
    """Stem conv+BN+ReLU, Pad → MaxPool; one IR-A style block with `Mul` 0.17 and `Sum`;
    a second without the final ReLU; ReduceMean + Gemm(transB) + Softmax."""
    g = G(3, 16)
    x = g.unit("image", 3, 8, 3, stride=2, pad=[0, 0, 1, 1])
    x = g.node("Pad", [x, g.const(np.array([0, 0, 1, 1, 0, 0, 1, 1], dtype=np.int64), "pads")], "pad", mode="constant")
    x = g.node("MaxPool", [x], "pool", kernel_shape=[3, 3], strides=[1, 1])
    for scale, act in ((0.17, True), (1.0, False)):
        b0 = g.unit(x, 8, 4, 1)
        b1 = g.unit(g.unit(x, 8, 4, 1), 4, 4, 3)
        b2 = g.unit(g.unit(g.unit(x, 8, 4, 1), 4, 6, 3), 6, 8, 3)
        mixed = g.node("Concat", [b0, b1, b2], "mixed", axis=1)
        up = g.conv(mixed, 16, 8, 1)
        scaled = g.node("Mul", [up, g.const(np.array(scale, dtype=np.float32), "scale")], "scale")
        x = g.node("Sum", [x, scaled], "sum")
        if act:
            x = g.relu(x)
    pooled = g.node("ReduceMean", [x], "gap", axes=[2, 3], keepdims=0)
    logits = g.node("Gemm", [pooled, g.const(RNG.normal(0, 0.3, (5, 8)).astype("float32"), "fc"),
                             g.const(RNG.normal(0, 0.05, 5).astype("float32"), "fcb")], "gemm", transB=1)
    out = g.node("Softmax", [logits], "softmax", axis=-1)
    return g.save(tmp, x, logits, out)


def resnet_batchnorm_nodes(tmp):
    """Post-activation basic blocks with BN as `BatchNormalization`, a projection block,
    AveragePool head + Flatten + MatMul + Add, no softmax."""
    g = G(3, 16)
    x = g.unit("image", 3, 8, 3)
    for cin, cout, stride in ((8, 8, 1), (8, 16, 2)):
        y = g.unit(x, cin, cout, 3, stride)
        y = g.bn(g.conv(y, cout, cout, 3, bias=False), cout)
        s = x if stride == 1 else g.bn(g.conv(x, cin, cout, 1, stride, pad=[0, 0, 0, 0], bias=False), cout)
        x = g.relu(g.node("Add", [s, y], "add"))
    x = g.node("AveragePool", [x], "avg", kernel_shape=[8, 8])
    flat = g.node("Flatten", [x], "flatten", axis=1)
    mm = g.node("MatMul", [flat, g.const(RNG.normal(0, 0.3, (16, 6)).astype("float32"), "fc")], "matmul")
    logits = g.node("Add", [mm, g.const(RNG.normal(0, 0.05, 6).astype("float32"), "fcb")], "bias")
    return g.save(tmp, x, logits, logits)


def densenet_pattern(tmp):
    """A DenseNet-B dense block (Huang et al. 2017): each layer concatenates BN-ReLU-1×1-BN-ReLU-3×3
    (growth 4) onto its input; then a transition BN-ReLU-1×1-avg-pool and a basic BN-ReLU-3×3 layer."""
    g = G(3, 16)
    x = g.unit("image", 3, 8, 3)
    c = 8
    for _ in range(2):
        y = g.conv(g.relu(g.bn(x, c)), c, 16, 1, pad=[0, 0, 0, 0], bias=False)
        y = g.conv(g.relu(g.bn(y, 16)), 16, 4, 3, bias=False)
        x, c = g.node("Concat", [x, y], "concat", axis=1), c + 4
    x = g.conv(g.relu(g.bn(x, c)), c, 8, 1, pad=[0, 0, 0, 0], bias=False)
    x, c = g.node("AveragePool", [x], "avg", kernel_shape=[2, 2], strides=[2, 2]), 8
    y = g.conv(g.relu(g.bn(x, c)), c, 4, 3, bias=False)
    x = g.node("Concat", [x, y], "concat", axis=1)
    pooled = g.node("GlobalAveragePool", [x], "gap")
    flat = g.node("Flatten", [pooled], "flatten", axis=1)
    logits = g.node("Gemm", [flat, g.const(RNG.normal(0, 0.3, (5, 12)).astype("float32"), "fc"),
                             g.const(RNG.normal(0, 0.05, 5).astype("float32"), "fcb")], "gemm", transB=1)
    return g.save(tmp, x, logits, logits)


def nhwc_squeeze_excite(tmp):
    """tf2onnx's way with a MobileNetV3 block: NHWC input; each conv between transposes to NCHW
    and back; a `ZeroPadding2D` pad on the NHWC tensor before a stride-2 depthwise conv; a
    squeeze-excitation mean over NHWC axes [1, 2] whose gate multiplies the NHWC tensor."""
    g = G(3, 16, nhwc=True)
    to_nchw = lambda t: g.node("Transpose", [t], "tr", perm=[0, 3, 1, 2])
    to_nhwc = lambda t: g.node("Transpose", [t], "tr", perm=[0, 2, 3, 1])
    x = to_nhwc(g.relu(g.conv(to_nchw("image"), 3, 8, 3, stride=2, pad=[1, 1, 1, 1])))          # 8×8×8
    x = g.node("Pad", [x, g.const(np.array([0, 0, 0, 0, 0, 1, 1, 0], dtype=np.int64), "pads")], "pad", mode="constant")
    w = g.const(RNG.normal(0, 0.5, (8, 1, 3, 3)).astype("float32"), "dw")
    x = to_nhwc(g.relu(g.node("Conv", [to_nchw(x), w], "dw", kernel_shape=[3, 3], strides=[2, 2], group=8)))  # 8×4×4
    se = g.node("ReduceMean", [x], "mean", axes=[1, 2], keepdims=1)
    se = g.conv(g.relu(g.conv(to_nchw(se), 8, 4, 1, pad=[0, 0, 0, 0])), 4, 8, 1, pad=[0, 0, 0, 0])
    x = g.node("Mul", [x, to_nhwc(g.node("Sigmoid", [se], "gate"))], "excite")
    x = g.conv(to_nchw(x), 8, 12, 1, pad=[0, 0, 0, 0])                                          # 12×4×4
    flat = g.node("Flatten", [g.node("GlobalAveragePool", [x], "gap")], "flatten", axis=1)
    logits = g.node("Gemm", [flat, g.const(RNG.normal(0, 0.3, (5, 12)).astype("float32"), "fc"),
                             g.const(RNG.normal(0, 0.05, 5).astype("float32"), "fcb")], "gemm", transB=1)
    return g.save(tmp, x, logits, logits)


def test_inception_resnet_with_explicit_scale(tmp_path):
    model, data = inception_resnet_explicit_scale(tmp_path)
    r = run("blocks", str(model), "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    doc = json.loads(r.stdout)
    blocks = doc["blocks"]
    assert [b["kind"] for b in blocks] == ["stem", "inception-resnet", "inception-resnet", "head"]
    assert blocks[1]["variant"] == "a" and abs(blocks[1]["scale"] - 0.17) < 1e-6 and blocks[1]["activation"] is True
    assert blocks[2]["scale"] == 1 and blocks[2]["activation"] is False
    assert blocks[3] == {"kind": "head", "variant": "classifier", "name": "head", "pooling": "avg",
                         "classes": 5, "softmax": True}
    assert doc["coverage"]["assigned"] == doc["coverage"]["nodes"] == len(onnx.load(model).graph.node)
    check = run("blocks", str(model), "--forward-check", str(data))
    assert check.returncode == 0, check.stdout + check.stderr


def test_resnet_with_batchnorm_nodes_and_matmul_head(tmp_path):
    model, data = resnet_batchnorm_nodes(tmp_path)
    r = run("blocks", str(model), "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    blocks = json.loads(r.stdout)["blocks"]
    assert [(b["kind"], b.get("shortcut"), b.get("stride")) for b in blocks] == [
        ("stem", None, None), ("residual", "identity", 1), ("residual", "projection", 2), ("head", None, None)]
    assert all(b["arrangement"] == "original" and b["variant"] == "basic" for b in blocks[1:3])
    assert blocks[3]["softmax"] is False and blocks[3]["classes"] == 6
    check = run("blocks", str(model), "--forward-check", str(data))
    assert check.returncode == 0, check.stdout + check.stderr


def test_forward_check_fails_on_wrong_reference(tmp_path):
    model, data = resnet_batchnorm_nodes(tmp_path)
    out = numpy_helper.to_array(onnx.load_tensor(str(data / "output_0.pb")))
    (data / "output_0.pb").write_bytes(numpy_helper.from_array(out * 1.01, "x").SerializeToString())
    check = run("blocks", str(model), "--forward-check", str(data))
    assert check.returncode == 1 and "FAIL output" in check.stdout


def test_dense_connections_are_dense_layers_not_inception_modules(tmp_path):
    model, data = densenet_pattern(tmp_path)
    r = run("blocks", str(model), "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    doc = json.loads(r.stdout)
    body = [b for b in doc["blocks"] if b["kind"] not in ("stem", "head")]
    dense = [(b["variant"], b["growth"], b["outputChannels"]) for b in body if b["kind"] == "dense"]
    # From the construction: two bottleneck layers 8 → 12 → 16, the basic layer 8 → 12 after the transition.
    assert dense == [("bottleneck", 4, 12), ("bottleneck", 4, 16), ("basic", 4, 12)]
    assert "inception" not in {b["kind"] for b in doc["blocks"]}
    assert doc["coverage"]["assigned"] == doc["coverage"]["nodes"] == len(onnx.load(model).graph.node)
    check = run("blocks", str(model), "--forward-check", str(data))
    assert check.returncode == 0, check.stdout + check.stderr


def test_shapes_stay_right_through_nhwc_transposes_and_unassigned_nodes(tmp_path):
    model, _ = nhwc_squeeze_excite(tmp_path)
    r = run("blocks", str(model), "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    doc = json.loads(r.stdout)
    assert doc["input"]["layout"] == "nhwc"
    stats = doc["statistics"]
    outputs = {tuple(s["output"]) for s in stats[1:-1]}
    # From the construction: 8×8×8 after the first conv, 8×4×4 after the padded stride-2 depthwise
    # conv (8 + 1 = 9 → 4), 12×4×4 after the last 1×1; no block may report another size.
    assert outputs <= {(8, 8, 8), (8, 4, 4), (12, 4, 4), (8, 1, 1), (4, 1, 1)}, stats
    assert (12, 4, 4) in outputs and stats[-1]["name"] == "head"
    # The padded depthwise conv is a block's: 8 channels × 9 taps × 4×4 outputs.
    assert any(s["macs"] == 8 * 9 * 16 for s in stats), stats
    # Whatever stays unassigned is listed with a reason.
    assert all(u["reason"] for u in doc["unassignedReasons"])
    assert doc["coverage"]["nodes"] - doc["coverage"]["assigned"] == len(doc["unassigned"])
