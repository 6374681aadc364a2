"""The classic table's networks and the ResNet relatives beyond the Keras fixtures.

- The ONNX wheel's light_* models (Caffe / Caffe2 exports, tools/make_conformance_data.py):
  `blocks --require-full` maps every node; each Inception module's output shape equals what
  onnx shape inference gives its `Concat`, each conv stage's what it gives its `MaxPool`;
  GoogLeNet and BN-Inception rebuild with `build --from` equal under onnxruntime.
- A partial map (DenseNet-121) exits 0, and 1 with `--require-full`; its layers are `dense`
  `bottleneck` (6 + 12 + 24 + 16, growth 32), never Inception modules.
- `build googlenet` / `mobilenet-v2` export models onnx's full checker accepts, whose
  onnxruntime outputs equal the native blocks' forward, and that `verify --expect-arch` accepts.
"""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import onnx.shape_inference
from onnx import numpy_helper
import onnxruntime as ort
import pytest

from onnx_blocks_cli import required_env

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import roundtrip_check  # noqa: E402
from onnx_blocks_cli import expect_cli as cli


def light(name):
    path = Path(required_env("ONNX_BLOCKS_CACHE")) / "conformance" / "light" / f"{name}.onnx"
    if not path.exists():
        pytest.fail(f"{path} is missing: run tools/make_conformance_data.py (tools/test.sh does)")
    return path


def inferred_outputs(path, op_type):
    """C, H, W of every `op_type` node's output, in graph order, by onnx shape inference."""
    model = onnx.shape_inference.infer_shapes(onnx.load(path))
    shapes = {v.name: [d.dim_value for d in v.type.tensor_type.shape.dim] for v in model.graph.value_info}
    return [shapes[n.output[0]][1:] for n in model.graph.node if n.op_type == op_type]


CASES = {
    # model: (family, kind whose outputs are checked, the op that makes them)
    "light_inception_v1": ("inception-v1", "inception", "Concat"),
    "light_inception_v2": ("bn-inception", "inception", "Concat"),
    "light_vgg19": ("plain", "conv-stage", "MaxPool"),
    "light_bvlc_alexnet": ("plain", "conv-stage", "MaxPool"),
    "light_zfnet512": ("plain", "conv-stage", "MaxPool"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_light_model_maps_fully_with_right_shapes(name):
    family, kind, op = CASES[name]
    doc = json.loads(cli("blocks", light(name), "--json", "--require-full").stdout)
    assert doc["family"] == family
    assert doc["unassigned"] == []
    stats = {s["name"]: s["output"] for s in doc["statistics"]}
    got = [stats[b["name"]] for b in doc["blocks"] if b["kind"] in (kind, "reduction")]
    expected = inferred_outputs(light(name), op)
    if kind == "inception":
        assert got == expected
    else:
        # Every stage ends in its max-pool (AlexNet's and ZFNet's pools are all stage ends).
        assert got == expected[-len(got):] and len(got) == len(expected)


@pytest.mark.parametrize("name", ["light_inception_v1", "light_inception_v2"])
def test_light_inception_rebuilds_equal(name, tmp_path):
    out = tmp_path / "rebuilt.onnx"
    cli("build", "--from", light(name), "-o", out)
    r = subprocess.run([sys.executable, ROOT / "tools" / "roundtrip_check.py", light(name), out],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    result = json.loads(r.stdout.strip().splitlines()[-1])
    assert result["interface"] and result["output"]["pass"] and result["logits"]["pass"]


def test_partial_map_exits_zero_unless_full_is_required():
    model = light("light_densenet121")
    r = cli("blocks", model, "--json")
    doc = json.loads(r.stdout)
    assert doc["unassigned"], "DenseNet-121 is not expected to map completely"
    assert doc["family"] == "custom"
    assert all(u["reason"] for u in doc["unassignedReasons"])
    cli("blocks", model, "--require-full", expect=1)


def test_densenet_layers_are_dense_not_inception():
    """DenseNet-121 (Huang et al. 2017, table 1): dense blocks of 6, 12, 24 and 16 DenseNet-B
    layers, growth rate k = 32; each concatenates its path onto its input."""
    doc = json.loads(cli("blocks", light("light_densenet121"), "--json").stdout)
    kinds = [(b["kind"], b["variant"]) for b in doc["blocks"]]
    assert ("inception", "generic") not in kinds
    dense = [b for b in doc["blocks"] if b["kind"] == "dense"]
    assert len(dense) == 6 + 12 + 24 + 16
    assert {(b["variant"], b["growth"]) for b in dense} == {("bottleneck", 32)}
    # Each dense block starts from the transition's output and adds 32 maps per layer: 64 → 256 in the first.
    assert [b["outputChannels"] for b in dense[:6]] == [64 + 32 * i for i in range(1, 7)]


@pytest.mark.parametrize("arch,family", [("googlenet", "inception-v1"), ("mobilenet-v2", "mobilenet-v2")])
def test_built_classic_architecture_runs_and_verifies(arch, family, tmp_path):
    out = tmp_path / f"{arch}.onnx"
    size = 96
    x = np.random.default_rng(5).standard_normal((2, 3, size, size)).astype(np.float32)
    (tmp_path / "input.pb").write_bytes(numpy_helper.from_array(x, "input").SerializeToString())
    cli("build", arch, "-o", out, "--input-size", size, "--classes", 10,
        "--forward-input", tmp_path / "input.pb", "--forward-output", tmp_path / "native.pb",
        "--forward-logits", tmp_path / "native_logits.pb")
    onnx.checker.check_model(onnx.load(out), full_check=True)
    session = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    (ort_out,) = session.run(None, {"input": x})
    native = numpy_helper.to_array(onnx.load_tensor(str(tmp_path / "native.pb")))
    diff = np.abs(native - ort_out)
    assert np.all(diff <= 1e-5 + 1e-4 * np.abs(ort_out)), f"max abs {diff.max()}"
    doc = json.loads(cli("blocks", out, "--json", "--require-full").stdout)
    assert doc["family"] == family
    cli("verify", out, "--expect-arch", arch)


def _xception_like(path):
    """A small graph in Xception's pattern (Chollet 2016, fig. 5), written with onnx.helper: a
    middle-flow block (ReLU → separable conv → BN, twice, identity shortcut) and an entry-flow
    block (separable convs, 3×3/2 max-pool, 1×1/2 conv + BN shortcut); separable = depthwise
    3×3 conv followed directly by a 1×1 conv."""
    from onnx import TensorProto, helper
    rng = np.random.default_rng(11)
    inits, nodes = [], []

    def const(name, array):
        inits.append(numpy_helper.from_array(np.asarray(array, np.float32), name))
        return name

    def conv(x, name, cin, cout, k, stride=1, group=1):
        w = const(f"{name}_w", rng.normal(0, (2 / (cin // group * k * k)) ** 0.5, (cout, cin // group, k, k)))
        nodes.append(helper.make_node("Conv", [x, w], [name], name=name, kernel_shape=[k, k], strides=[stride, stride],
                                      pads=[k // 2] * 4, group=group))
        return name

    def bn(x, name, c):
        args = [const(f"{name}_{p}", v) for p, v in (("s", rng.uniform(0.6, 1.4, c)), ("b", rng.normal(0, 0.1, c)),
                                                       ("m", rng.normal(0, 0.1, c)), ("v", rng.uniform(0.6, 1.4, c)))]
        nodes.append(helper.make_node("BatchNormalization", [x] + args, [name], name=name, epsilon=1e-3))
        return name

    def relu(x, name):
        nodes.append(helper.make_node("Relu", [x], [name], name=name))
        return name

    def sep(x, name, cin, cout):
        return conv(conv(x, f"{name}_dw", cin, cin, 3, group=cin), f"{name}_pw", cin, cout, 1)

    x = relu(bn(conv("input", "stem_conv", 3, 8, 3), "stem_bn", 8), "stem_relu")
    r = relu(x, "block1_relu1")
    r = relu(bn(sep(r, "block1_sep1", 8, 8), "block1_bn1", 8), "block1_relu2")
    r = bn(sep(r, "block1_sep2", 8, 8), "block1_bn2", 8)
    nodes.append(helper.make_node("Add", [x, r], ["block1_add"], name="block1_add"))
    r = relu(bn(sep("block1_add", "block2_sep1", 8, 16), "block2_bn1", 16), "block2_relu")
    r = bn(sep(r, "block2_sep2", 16, 16), "block2_bn2", 16)
    nodes.append(helper.make_node("MaxPool", [r], ["block2_pool"], name="block2_pool", kernel_shape=[3, 3],
                                  strides=[2, 2], pads=[1, 1, 1, 1]))
    s = bn(conv("block1_add", "block2_short", 8, 16, 1, stride=2), "block2_short_bn", 16)
    nodes.append(helper.make_node("Add", [s, "block2_pool"], ["block2_add"], name="block2_add"))
    nodes.append(helper.make_node("GlobalAveragePool", ["block2_add"], ["gap"], name="gap"))
    nodes.append(helper.make_node("Flatten", ["gap"], ["flat"], name="flatten"))
    w, b = const("fc_w", rng.normal(0, 0.3, (16, 5))), const("fc_b", rng.normal(0, 0.05, 5))
    nodes.append(helper.make_node("Gemm", ["flat", w, b], ["logits"], name="fc"))
    nodes.append(helper.make_node("Softmax", ["logits"], ["output"], name="softmax", axis=1))
    graph = helper.make_graph(nodes, "xception_like", [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, 16, 16])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N", 5])], inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)


def test_xception_pattern_is_separable_residual_and_rebuilds(tmp_path):
    model = tmp_path / "xception_like.onnx"
    _xception_like(model)
    doc = json.loads(cli("blocks", model, "--json", "--require-full").stdout)
    assert doc["family"] == "xception"
    body = [b for b in doc["blocks"] if b["kind"] not in ("stem", "head")]
    assert [(b["kind"], b["variant"], b["shortcut"], b["stride"]) for b in body] == [
        ("residual", "separable", "identity", 1), ("residual", "separable", "projection", 2)]
    out = tmp_path / "rebuilt.onnx"
    cli("build", "--from", model, "-o", out)
    r = subprocess.run([sys.executable, ROOT / "tools" / "roundtrip_check.py", model, out], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
