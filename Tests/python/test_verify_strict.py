"""`verify` and `diff` as a CI gate, from outside: no false pass on architectures a block list
alone confuses (ResNeXt / Wide ResNet / ResNet, stride on the 1×1 or the 3×3), strict specs
(misspelt keys exit 2 naming the nearest key; a family-only spec is refused), alignment by
structure (ResNet-50 vs ResNet-101 is exactly stage 3's 17 added blocks; names ignored),
one block count everywhere, and the README's spec examples checked against the published
schema. Models are generated here with onnx.helper (tests/python/resnet_variants.py): full
size with sparse external weights where the architecture's widths matter, 1/16 width
otherwise."""
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import resnet_variants as rv
from onnx_blocks_cli import ROOT, run_cli

SCHEMA = ROOT / "tools" / "schemas" / "structure-spec-v1.schema.json"
WIDE = dict(inner=(128, 256, 512, 1024))


@pytest.fixture(scope="module")
def full_size(tmp_path_factory):
    """Full-size torchvision-style (V1.5) ResNet-50, ResNeXt-50 32x4d, Wide-ResNet-50-2 and a
    Keras-style (V1) ResNet-50: shapes only, weights in sparse files."""
    root = tmp_path_factory.mktemp("full")
    return {
        "resnet50": rv.resnet(root / "r50", stride_conv=2, sparse_weights=True),
        "resnet50-keras": rv.resnet(root / "r50k", stride_conv=1, sparse_weights=True),
        "resnext50": rv.resnet(root / "x50", stride_conv=2, groups=32, sparse_weights=True, **WIDE),
        "wide50": rv.resnet(root / "w50", stride_conv=2, sparse_weights=True, **WIDE),
        "resnet101": rv.resnet(root / "r101", depths=(3, 4, 23, 3), stride_conv=2, sparse_weights=True),
    }


@pytest.mark.parametrize("model,arch,passes", [
    ("resnet50", "resnet50-v1.5", True), ("resnet50-keras", "resnet50", True),
    ("resnext50", "resnext50-32x4d", True), ("wide50", "wide-resnet50-2", True),
    ("resnet101", "resnet101-v1.5", True),
    ("resnext50", "resnet50", False), ("resnext50", "resnet50-v1.5", False),
    ("wide50", "resnet50", False), ("wide50", "resnet50-v1.5", False), ("wide50", "resnext50-32x4d", False),
    ("resnet50", "resnet50", False), ("resnet50-keras", "resnet50-v1.5", False),
    ("resnet50", "wide-resnet50-2", False), ("resnet101", "resnet50-v1.5", False),
])
def test_expect_arch_tells_the_architectures_apart(full_size, model, arch, passes):
    r = run_cli("verify", full_size[model], "--expect-arch", arch)
    assert r.returncode == (0 if passes else 1), r.stdout + r.stderr
    if not passes:
        assert r.stdout.startswith("FAILED:")


def test_false_passes_of_the_issue_fail_naming_block_and_field(full_size):
    r = run_cli("verify", full_size["resnext50"], "--expect-arch", "resnet50-v1.5")
    assert "layers[1].groups 1 expected, 32 found" in r.stdout and "layers[0].filters 64 expected, 128 found" in r.stdout
    r = run_cli("verify", full_size["resnet50"], "--expect-arch", "resnet50")
    lines = [l.strip() for l in r.stdout.splitlines()[1:]]
    assert len(lines) == 3 and all(re.search(r"conv\d_block1|layer\d\.0", l) and "strideConv 1 expected, 2 found" in l for l in lines), r.stdout


def test_full_spec_saved_from_resnet50_rejects_wide_and_resnext(full_size, tmp_path):
    spec = tmp_path / "resnet50.json"
    r = run_cli("blocks", full_size["resnet50"], "--json")
    assert r.returncode == 0, r.stderr
    spec.write_text(r.stdout)
    assert run_cli("verify", full_size["resnet50"], "--expect", spec).returncode == 0
    for other in ("wide50", "resnext50"):
        r = run_cli("verify", full_size[other], "--expect", spec)
        assert r.returncode == 1, r.stdout
        assert "totals.parameters" in r.stdout and "layers[1].filters 64 expected, 128 found" in r.stdout


def test_diff_resnet50_resnet101_is_the_17_blocks_added_to_stage_3(full_size):
    r = run_cli("diff", full_size["resnet50"], full_size["resnet101"])
    assert r.returncode == 1
    changes = [l for l in r.stdout.splitlines() if l[:2] in ("+ ", "- ", "~ ")]
    assert len(changes) == 17 and all(l.startswith("+ ") and "stage 3 block" in l for l in changes), r.stdout
    assert [int(re.search(r"stage 3 block (\d+)", l).group(1)) for l in changes] == list(range(7, 24))
    doc = json.loads(run_cli("diff", full_size["resnet50"], full_size["resnet101"], "--json").stdout)
    assert len(doc["added"]) == 17 and doc["removed"] == [] and doc["changed"] == [] and doc["blocks"] == [16, 33]


def test_diff_of_different_architectures_is_not_same_structure(full_size):
    r = run_cli("diff", full_size["resnet50"], full_size["resnext50"])
    assert r.returncode == 1 and "same structure" not in r.stdout
    assert "groups 1 → 32" in r.stdout


def test_names_are_ignored_unless_asked(tmp_path):
    a = rv.tiny(tmp_path / "a")
    b = rv.tiny(tmp_path / "b")
    # The same graph under other node names.
    import onnx
    m = onnx.load(b)
    for k, node in enumerate(m.graph.node):
        node.name = f"n{k}"
    onnx.save(m, b)
    assert run_cli("diff", a, b).returncode == 0
    spec = tmp_path / "spec.json"
    spec.write_text(run_cli("blocks", a, "--json").stdout)
    assert run_cli("verify", b, "--expect", spec).returncode == 0


def test_junit_case_names_are_unique_on_an_aligned_failure(tmp_path):
    a = rv.tiny(tmp_path / "a")
    b = rv.tiny(tmp_path / "b", depths=(3, 4, 23, 3))
    spec = tmp_path / "spec.json"
    spec.write_text(run_cli("blocks", a, "--json").stdout)
    report = tmp_path / "r.xml"
    r = run_cli("verify", b, "--expect", spec, "--junit", report)
    assert r.returncode == 1
    names = [c.get("name") for c in ET.parse(report).getroot().iter("testcase")]
    assert len(names) == len(set(names)), names
    failed = [c.get("name") for c in ET.parse(report).getroot().iter("testcase") if c.find("failure") is not None]
    assert sorted(n for n in failed if n != "totals") == sorted(f"stage 3 block {k} (unexpected)" for k in range(7, 24))


@pytest.mark.parametrize("spec,key,nearest", [
    ({"family": "resnet", "stagez": [1, 1, 1, 1], "varient": "basic"}, "stagez", "stages"),
    ({"family": "resnet", "stages": [3, 4, 6, 3], "varient": "bottleneck"}, "varient", "variant"),
    ({"stages": [{"kind": "residual", "variant": "bottleneck", "cout": 3}]}, "cout", "count"),
])
def test_misspelt_keys_exit_2_naming_the_nearest(tmp_path, spec, key, nearest):
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec))
    r = run_cli("verify", rv.tiny(tmp_path / "m"), "--expect", path)
    assert r.returncode == 2, r.stdout + r.stderr
    assert f"unknown key '{key}' (did you mean '{nearest}'?)" in r.stderr


def test_spec_that_constrains_nothing_is_refused(full_size, tmp_path):
    for spec in ({"family": "resnet"}, {}, {"version": 1, "allowUnassigned": True}):
        path = tmp_path / "spec.json"
        path.write_text(json.dumps(spec))
        r = run_cli("verify", full_size["resnet101"], "--expect", path)
        assert r.returncode == 2 and "constrains" in r.stderr, (spec, r.stdout, r.stderr)


def test_one_block_count_in_text_json_svg_and_diff(tmp_path):
    model = rv.tiny(tmp_path / "m")
    doc = json.loads(run_cli("blocks", model, "--json").stdout)
    body = [b for b in doc["blocks"] if b["kind"] not in ("stem", "head")]
    assert doc["totals"]["blocks"] == len(body) == 16
    phrase = "16 blocks (plus stem and head)"
    assert phrase in run_cli("blocks", model).stdout
    svg = tmp_path / "m.svg"
    run_cli("blocks", model, "--svg", svg)
    root = ET.parse(svg).getroot()
    texts = [t.text or "" for t in root.iter() if t.tag.endswith("text")]
    assert any(phrase in t for t in texts)
    assert sum(1 for r in root.iter() if r.tag.endswith("rect") and r.get("rx")) == len(doc["blocks"])
    assert phrase in run_cli("diff", model, model).stdout
    assert phrase in run_cli("verify", model, "--expect-arch", "resnet50").stdout
    assert json.loads(run_cli("verify", model, "--expect-arch", "resnet50", "--json").stdout)["blocks"] == 16


# ---- the published schema, and the README's examples against it ----

def validate(instance, schema, root=None, path="$"):
    """The subset of JSON Schema 2020-12 the spec schema uses (type, const, enum, properties,
    additionalProperties, required, items, minItems, minimum, anyOf, $ref)."""
    root = root or schema
    errors = []
    if "$ref" in schema:
        target = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            target = target[part]
        return validate(instance, target, root, path)
    kinds = {"object": dict, "array": list, "string": str, "boolean": bool, "number": (int, float), "integer": int}
    t = schema.get("type")
    if t and not (isinstance(instance, kinds[t]) and not (t in ("integer", "number") and isinstance(instance, bool))):
        return [f"{path}: not {t}"]
    if "const" in schema and instance != schema["const"]:
        errors.append(f"{path}: not {schema['const']}")
    if "enum" in schema and instance not in schema["enum"]:
        errors.append(f"{path}: {instance!r} not in enum")
    if "minimum" in schema and isinstance(instance, (int, float)) and instance < schema["minimum"]:
        errors.append(f"{path}: below minimum")
    if isinstance(instance, dict):
        props = schema.get("properties", {})
        for key, value in instance.items():
            if key in props:
                errors += validate(value, props[key], root, f"{path}.{key}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{path}: unknown key {key!r}")
        errors += [f"{path}: missing {k}" for k in schema.get("required", []) if k not in instance]
    if isinstance(instance, list):
        if len(instance) < schema.get("minItems", 0):
            errors.append(f"{path}: too few items")
        if "items" in schema:
            for k, item in enumerate(instance):
                errors += validate(item, schema["items"], root, f"{path}[{k}]")
    if "anyOf" in schema and not any(not validate(instance, s, root, path) for s in schema["anyOf"]):
        errors.append(f"{path}: matches none of anyOf")
    return errors


def readme_specs():
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```json\n(.*?)```", text, re.S)
    specs = [json.loads(b) for b in blocks]
    return [s for s in specs if isinstance(s, dict) and ("stages" in s or "blocks" in s or "family" in s)]


def test_readme_spec_examples_validate_and_are_accepted(tmp_path):
    schema = json.loads(SCHEMA.read_text())
    specs = readme_specs()
    assert len(specs) >= 2, "the README's verify section shows spec examples in ```json blocks"
    model = rv.tiny(tmp_path / "m")
    for k, spec in enumerate(specs):
        assert validate(spec, schema) == [], (spec, validate(spec, schema))
        path = tmp_path / f"spec{k}.json"
        path.write_text(json.dumps(spec))
        assert run_cli("verify", model, "--expect", path).returncode in (0, 1), spec


def test_schema_rejects_what_verify_rejects_and_accepts_blocks_json(tmp_path):
    schema = json.loads(SCHEMA.read_text())
    assert validate({"family": "resnet", "stagez": [1], "varient": "basic"}, schema)
    assert validate({"family": "resnet"}, schema)
    doc = json.loads(run_cli("blocks", rv.tiny(tmp_path / "m"), "--json").stdout)
    assert validate(doc, schema) == []
