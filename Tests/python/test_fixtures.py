"""Checks the committed Keras-exported fixtures (fixtures/<name>/) without TensorFlow.

For every fixture folder: it is complete, its expected_blocks.json uses only the block
vocabulary of GUIDE §3 (as tabled below), and onnxruntime re-run on model.onnx reproduces
the stored outputs and logits under the equivalence rule (atol 1e-5, rtol 1e-4).
"""
import json
import numbers
import re
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import numpy_helper

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
ATOL, RTOL = 1e-5, 1e-4


def positive_int(v):
    return isinstance(v, int) and not isinstance(v, bool) and v > 0


def one_of(*values):
    return lambda v: any(v == x and type(v) is type(x) for x in values)


def is_bool(v):
    return isinstance(v, bool)


def scale_value(v):
    return v == "folded" or (isinstance(v, numbers.Real) and not isinstance(v, bool) and v > 0)


def kernel(v):
    return isinstance(v, list) and len(v) == 2 and all(positive_int(x) for x in v)


def branch_list(v):
    return isinstance(v, list) and len(v) > 0 and all(valid_branch(b) for b in v)


PADDING = one_of("same", "valid")
# Branch ops (fixtures/README.md): a branch is a list of these, a fork only as the last one.
OP_FIELDS = {
    "conv": {"kernel": kernel, "stride": positive_int, "padding": PADDING, "filters": positive_int},
    "avgpool": {"kernel": kernel, "stride": positive_int, "padding": PADDING},
    "maxpool": {"kernel": kernel, "stride": positive_int, "padding": PADDING},
    "fork": {"branches": branch_list},
}


def valid_branch(ops):
    if not isinstance(ops, list) or not ops:
        return False
    for i, op in enumerate(ops):
        fields = OP_FIELDS.get(op.get("op")) if isinstance(op, dict) else None
        if fields is None or set(op) != {"op", *fields}:
            return False
        if not all(check(op[f]) for f, check in fields.items()):
            return False
        if op["op"] == "fork" and i != len(ops) - 1:
            return False
    return True


def branch_channels(ops, in_channels):
    """Channels a branch outputs: its last conv's filters (forks: the sum), else the input's."""
    channels = in_channels
    for op in ops:
        if op["op"] == "fork":
            channels = sum(branch_channels(b, channels) for b in op["branches"])
        elif op["op"] == "conv":
            channels = op["filters"]
    return channels


ARRANGEMENTS = ("original", "bn-after-addition", "relu-before-addition",
                "relu-only-preactivation", "full-preactivation")

# GUIDE §3: kind -> (variants, {field: validator}); variant-specific extra fields below.
VOCABULARY = {
    "stem": ({"resnet", "inception-v3", "inception-v4", "inception-resnet-v1",
              "inception-resnet-v2", "custom", "inception-v1", "bn-inception", "plain", "resnext",
              "mobilenet-v2", "xception"}, {"outputChannels": positive_int}),
    "residual": ({"basic", "bottleneck", "separable", "inverted"}, {
        "version": one_of(1, 2), "arrangement": one_of(*ARRANGEMENTS),
        "shortcut": one_of("identity", "projection", "pool"),
        "stride": positive_int, "outputChannels": positive_int}),
    "inception": ({"v3-a", "v3-b", "v3-c", "v4-a", "v4-b", "v4-c", "v1", "bn", "generic"},
                  {"branches": branch_list, "outputChannels": positive_int}),
    "reduction": ({"a", "v3-a", "v3-b", "v4-b", "inception-resnet-v1-b", "inception-resnet-v2-b", "bn", "generic"},
                  {"outputChannels": positive_int}),
    "inception-resnet": ({"a", "b", "c"}, {
        "version": one_of(1, 2), "scale": scale_value, "activation": is_bool}),
    "head": ({"classifier"}, {"pooling": one_of("avg", "max", "none"), "classes": positive_int,
                              "softmax": is_bool}),
    # Pools between stages (GoogLeNet) and plain networks' stages (VGG, AlexNet).
    "transition": ({"max-pool", "average-pool", "layers"},
                   {"layers": valid_branch, "outputChannels": positive_int, "stride": positive_int}),
    "conv-stage": ({"vgg", "generic"}, {"layers": valid_branch, "convs": positive_int,
                                        "outputChannels": positive_int, "stride": positive_int}),
}
VARIANT_FIELDS = {("reduction", "a"): {k: positive_int for k in "klmn"}}
# Variants whose fields replace their kind's.
VARIANT_SCHEMAS = {
    ("residual", "inverted"): {"expansion": positive_int, "stride": positive_int, "shortcut": one_of("identity", "none"),
                               "depthwise": is_bool, "linear": is_bool, "outputChannels": positive_int},
}
# Fields a block has only when they say something: a multi-layer classifier's hidden widths.
OPTIONAL_FIELDS = {"head": {"hidden": lambda v: isinstance(v, list) and all(positive_int(x) for x in v)}}
FAMILIES = {"resnet", "inception-v3", "inception-v4", "inception-resnet-v1", "inception-resnet-v2",
            "inception-v1", "plain", "mobilenet-v2"}
# Vocabulary entries no fixture exercises, each with the reason.
NOT_IN_FIXTURES = {
    ("stem", "custom"): "every fixture uses a named stem; custom is for user architectures",
    ("stem", "bn-inception"): "BN-Inception is covered by the ONNX wheel's light_inception_v2 (test_classic_models.py)",
    ("inception", "bn"): "as above: light_inception_v2",
    ("reduction", "bn"): "as above: light_inception_v2",
    ("inception", "generic"): "the label of modules that match no variant; no fixture is built to mismatch",
    ("reduction", "generic"): "as above",
    ("stem", "resnext"): "ResNeXt is checked on the built resnext50 and a torchvision export (tools/), not a fixture",
    ("stem", "xception"): "Xception's separable blocks are checked on a keras.applications export (tools/), not a fixture",
    ("residual", "separable"): "as above",
    ("transition", "average-pool"): "no classic network has an average-pool between stages",
    ("transition", "layers"): "the label of other layers between blocks (partial maps)",
    ("conv-stage", "generic"): "AlexNet / ZFNet stages: the ONNX wheel's light models (test_classic_models.py)",
}


def block_problems(block, in_channels):
    """Every way `block` departs from the vocabulary or from its input (empty when it conforms)."""
    kind, variant = block.get("kind"), block.get("variant")
    if kind not in VOCABULARY:
        return [f"unknown kind {kind!r}"]
    variants, fields = VOCABULARY[kind]
    if variant not in variants:
        return [f"unknown {kind} variant {variant!r}"]
    fields = VARIANT_SCHEMAS.get((kind, variant), {**fields, **VARIANT_FIELDS.get((kind, variant), {})})
    optional = {f: check for f, check in OPTIONAL_FIELDS.get(kind, {}).items() if f in block}
    fields = {**fields, **optional}
    problems = []
    if not isinstance(block.get("name"), str) or not block["name"]:
        problems.append("missing name")
    expected_keys = {"kind", "variant", "name", *fields}
    if set(block) != expected_keys:
        problems.append(f"fields {sorted(set(block) ^ expected_keys)} differ from the vocabulary")
    for field, check in fields.items():
        if field in block and not check(block[field]):
            problems.append(f"bad {field}: {block[field]!r}")
    if kind == "inception" and not problems:
        total = sum(branch_channels(b, in_channels) for b in block["branches"])
        if total != block["outputChannels"]:
            problems.append(f"branches give {total} channels, outputChannels says {block['outputChannels']}")
    return [f"{block.get('name')}: {p}" for p in problems]


def model_problems(doc):
    if set(doc) != {"family", "blocks", "unassigned", "coverage"}:
        return [f"keys {sorted(doc)}"]
    problems = [] if doc["family"] in FAMILIES else [f"unknown family {doc['family']!r}"]
    channels = None
    for block in doc["blocks"]:
        problems += block_problems(block, channels)
        channels = block.get("outputChannels", channels)  # inception-resnet keeps its input's
    return problems


def fixture_dirs():
    """fixtures/<name>/ and fixtures/staged/<name>/ (complete fixtures that other components'
    tests do not walk yet; fixtures/staged/README.md says why)."""
    staged = FIXTURES / "staged"
    dirs = [p for p in FIXTURES.iterdir() if p.is_dir() and p != staged]
    if staged.is_dir():
        dirs += [p for p in staged.iterdir() if p.is_dir()]
    return sorted(dirs)


def load_tensor(path):
    t = onnx.TensorProto()
    t.ParseFromString(path.read_bytes())
    return t.name, numpy_helper.to_array(t)


def assert_equivalent(label, got, want):
    assert got.shape == want.shape, f"{label}: shape {got.shape} != stored {want.shape}"
    diff = np.abs(got.astype(np.float64) - want.astype(np.float64))
    bound = ATOL + RTOL * np.abs(want.astype(np.float64))
    worst = np.unravel_index(np.argmax(diff - bound), diff.shape)
    assert np.all(diff <= bound), (f"{label}: max abs {diff.max():.3g} at {worst}, "
                                   f"value {got[worst]} vs stored {want[worst]}")


def test_fixtures_exist():
    assert FIXTURES.is_dir(), f"no fixtures folder at {FIXTURES}"
    assert len(fixture_dirs()) > 0


@pytest.mark.parametrize("folder", fixture_dirs(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture_is_complete(folder):
    for name in ("model.onnx", "expected_blocks.json", "README.md"):
        assert (folder / name).is_file(), f"{folder.name}: missing {name}"
    sets = sorted(folder.glob("test_data_set_*"))
    assert sets, f"{folder.name}: no test_data_set_*"
    for s in sets:
        for name in ("input_0.pb", "output_0.pb", "logits.pb"):
            assert (s / name).is_file(), f"{folder.name}/{s.name}: missing {name}"


@pytest.mark.parametrize("folder", fixture_dirs(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_expected_blocks_use_the_vocabulary(folder):
    doc = json.loads((folder / "expected_blocks.json").read_text())
    problems = model_problems(doc)
    assert not problems, f"{folder.name}: " + "; ".join(problems)
    names = [b["name"] for b in doc["blocks"]]
    assert len(names) == len(set(names)), f"{folder.name}: duplicate block names"
    kinds = [b["kind"] for b in doc["blocks"]]
    assert kinds[0] == "stem" and kinds.count("stem") == 1, f"{folder.name}: one stem, first"
    assert kinds[-1] == "head" and kinds.count("head") == 1, f"{folder.name}: one head, last"
    model = onnx.load(folder / "model.onnx", load_external_data=False)
    nodes = len(model.graph.node)
    assert doc["coverage"] == {"nodes": nodes, "assigned": nodes - len(doc["unassigned"])}


def test_fixtures_cover_the_vocabulary():
    seen = set()
    for folder in fixture_dirs():
        doc = json.loads((folder / "expected_blocks.json").read_text())
        for b in doc["blocks"]:
            seen.add((b["kind"], b["variant"]))
            if b["kind"] == "residual" and b["variant"] != "inverted":
                seen |= {("arrangement", b["arrangement"]), ("shortcut", b["shortcut"]),
                         ("residual-version", b["version"])}
            if b["kind"] == "inception-resnet":
                seen |= {("ir-version", b["version"]), ("ir-activation", b["activation"]),
                         ("ir-scale", "folded" if b["scale"] == "folded" else "number")}
            if b["kind"] == "head":
                seen.add(("softmax", b["softmax"]))
    wanted = {(k, v) for k, (variants, _) in VOCABULARY.items() for v in variants}
    wanted |= {("arrangement", a) for a in ARRANGEMENTS}
    wanted |= {("shortcut", s) for s in ("identity", "projection", "pool")}
    wanted |= {("residual-version", 1), ("residual-version", 2), ("ir-version", 1), ("ir-version", 2),
               ("ir-activation", True), ("ir-activation", False), ("ir-scale", "folded"),
               ("ir-scale", "number"), ("softmax", True), ("softmax", False)}
    missing = wanted - seen - set(NOT_IN_FIXTURES)
    assert not missing, f"no fixture covers {sorted(missing, key=str)}"


@pytest.mark.parametrize("folder", fixture_dirs(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_onnxruntime_reproduces_stored_outputs(folder):
    model = onnx.load(folder / "model.onnx")
    output_name = model.graph.output[0].name
    for s in sorted(folder.glob("test_data_set_*")):
        input_name, x = load_tensor(s / "input_0.pb")
        stored_output_name, y = load_tensor(s / "output_0.pb")
        logits_name, logits = load_tensor(s / "logits.pb")
        assert stored_output_name == output_name
        if logits_name not in [o.name for o in model.graph.output]:
            model.graph.output.append(onnx.helper.make_empty_tensor_value_info(logits_name))
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        session = ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])
        got_y, got_logits = session.run([output_name, logits_name], {input_name: x})
        assert_equivalent(f"{folder.name}/{s.name} {output_name}", got_y, y)
        assert_equivalent(f"{folder.name}/{s.name} {logits_name}", got_logits, logits)
        if logits_name != output_name:  # the stored output is the softmax of the stored logits
            e = np.exp(logits.astype(np.float64) - logits.max(axis=-1, keepdims=True))
            assert_equivalent(f"{folder.name}/{s.name} softmax(logits)", y, e / e.sum(axis=-1, keepdims=True))
