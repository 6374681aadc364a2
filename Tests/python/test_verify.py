"""`onnx-blocks verify` / `blocks` / `diff` on the Keras fixtures, checked from outside:
JUnit output parsed by a real XML parser, exit codes, GitHub annotations."""
import json
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from onnx_blocks_cli import run_cli as run

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"


def fixture(name):
    return str(FIXTURES / name / "model.onnx")


def junit_counts(path):
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    cases = [c for s in suites for c in s.findall("testcase")]
    failures = [c for c in cases if c.find("failure") is not None]
    assert int(suites[0].get("tests")) == len(cases)
    assert int(suites[0].get("failures")) == len(failures)
    return len(cases), failures


def test_verify_passes_with_fixture_spec_and_junit(tmp_path):
    report = tmp_path / "report.xml"
    spec = FIXTURES / "resnet_v1_bottleneck" / "expected_blocks.json"
    r = run("verify", fixture("resnet_v1_bottleneck"), "--expect", str(spec), "--junit", str(report))
    assert r.returncode == 0, r.stdout + r.stderr
    cases, failures = junit_counts(report)
    blocks = json.loads(spec.read_text())["blocks"]
    assert cases == len(blocks) + 2  # family, coverage, one per block
    assert failures == []


def test_verify_fails_on_wrong_architecture_with_readable_diff(tmp_path):
    report = tmp_path / "report.xml"
    r = run("verify", fixture("resnet_v1_bottleneck"), "--expect-arch", "resnet101", "--junit", str(report))
    assert r.returncode == 1
    assert "stage 3" in r.stdout and "expected 23 bottleneck blocks, found 6" in r.stdout
    cases, failures = junit_counts(report)
    # family, coverage, stem, 4 stages; the fixture is also narrower than ResNet-101 (stem, every stage).
    assert cases == 7 and len(failures) == 5
    assert any("expected 23" in f.find("failure").get("message") for f in failures)


def test_verify_partial_spec_ignores_missing_fields_and_reports_changed_ones(tmp_path):
    spec = json.loads((FIXTURES / "he2016_original" / "expected_blocks.json").read_text())
    for block in spec["blocks"]:
        block.pop("outputChannels", None)  # left out: not compared
    spec["blocks"][3]["stride"] = 1       # conv3_block1 really has stride 2
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec))
    r = run("verify", fixture("he2016_original"), "--expect", str(path), "--format", "github")
    assert r.returncode == 1
    errors = [l for l in r.stdout.splitlines() if l.startswith("::error")]
    assert len(errors) == 1 and "conv3_block1: stride 1 expected, 2 found" in errors[0]


def test_verify_compact_spec_and_json_format(tmp_path):
    path = tmp_path / "compact.json"
    path.write_text(json.dumps({"family": "resnet", "variant": "basic", "stages": [2, 2, 2, 2]}))
    r = run("verify", fixture("resnet_v1_basic"), "--expect", str(path), "--format", "json")
    assert r.returncode == 0, r.stdout + r.stderr
    assert json.loads(r.stdout)["passed"] is True


def test_verify_usage_errors_exit_2(tmp_path):
    assert run("verify", fixture("resnet_v1_basic")).returncode == 2
    assert run("verify", fixture("resnet_v1_basic"), "--expect-arch", "no-such-net").returncode == 2
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert run("verify", fixture("resnet_v1_basic"), "--expect", str(bad)).returncode == 2
    assert run("verify", str(tmp_path / "missing.onnx"), "--expect-arch", "resnet18").returncode == 2


def test_blocks_json_and_svg(tmp_path):
    svg = tmp_path / "model.svg"
    r = run("blocks", fixture("resnet_v2_bottleneck"), "--json", "--svg", str(svg))
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["coverage"]["nodes"] == doc["coverage"]["assigned"]
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    texts = "".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
    for block in doc["blocks"][1:-1]:
        assert block["name"] in texts


def test_diff_reports_added_blocks():
    r = run("diff", fixture("he2016_original"), fixture("resnet_v1_basic"))
    assert r.returncode == 1
    assert "+ conv5_block1 (residual/basic, stage 4 block 1)" in r.stdout
    assert "~ conv2_block1 (stage 1 block 1): layers[0].filters 8 → 4; layers[1].filters 8 → 4; outputChannels 8 → 4" in r.stdout
    same = run("diff", fixture("resnet_v1_basic"), fixture("resnet_v1_basic"))
    assert same.returncode == 0
