"""Lossless round trip through our reader and writer, judged by the `onnx` package.

Every model of the conformance data (tools/make_conformance_data.py: the backend node cases
and the wheel's light/pytorch-converted/pytorch-operator/simple models) and every fixture
under fixtures/ is read and written back by `onnx-blocks convert --batch` (one process for
all files); then the onnx package must find each output equal (`==` on ModelProto, which
compares field presence too) and `onnx.checker.check_model` must pass wherever it passes on
the original. The test-data TensorProto files get the same treatment.
"""
import os
import subprocess
from pathlib import Path

import onnx
import pytest

from onnx_blocks_cli import required_env, run_cli

ROOT = Path(__file__).resolve().parents[2]


def conformance_dir():
    path = Path(required_env("ONNX_BLOCKS_CACHE")) / "conformance"
    if not (path / ".complete").exists():
        pytest.fail(f"no conformance data in {path}; run tools/make_conformance_data.py --out {path}")
    return path


def declared_kind(model_path, pb_name):
    """'tensor' unless the model declares a sequence/map/optional at that input/output."""
    try:
        graph = onnx.load(model_path, load_external_data=False).graph
    except Exception:
        return "tensor"
    prefix, _, index = pb_name[:-3].rpartition("_")
    if prefix not in ("input", "output") or not index.isdigit():
        return "tensor"
    values = graph.input if prefix == "input" else graph.output
    index = int(index)
    if index < len(values) and values[index].type.WhichOneof("value") in ("sequence_type", "map_type", "optional_type"):
        return "other"
    return "tensor"


def collect(roots):
    models, tensors = [], []
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix == ".onnx":
                models.append(path)
            elif path.suffix == ".pb":
                model = path.parent.parent / "model.onnx"
                if not model.exists() or declared_kind(model, path.name) == "tensor":
                    tensors.append(path)
    return models, tensors


def run_batch(files, out_root, tmp_path, base):
    pairs = []
    for path in files:
        out = out_root / path.relative_to(base)
        out.parent.mkdir(parents=True, exist_ok=True)
        pairs.append((path, out))
    listing = tmp_path / f"{out_root.name}.list"
    listing.write_text("".join(f"{a}\t{b}\n" for a, b in pairs))
    # One process for ~2,000 models: a generous timeout, but never none.
    result = run_cli("convert", "--batch", listing, timeout=1800)
    return pairs, result


def checker_passes(model):
    try:
        onnx.checker.check_model(model)
        return True
    except Exception:
        return False


def roundtrip_models(base, roots, tmp_path):
    models, tensors = collect(roots)
    pairs, result = run_batch(models, tmp_path / "models", tmp_path, base)
    unequal, checker_regressions, unreadable = [], [], []
    for original, written in pairs:
        if not written.exists():
            unreadable.append(str(original))
            continue
        a = onnx.load(str(original))
        b = onnx.load(str(written))
        if a != b:
            unequal.append(str(original))
        elif checker_passes(a) and not checker_passes(b):
            checker_regressions.append(str(original))
    tensor_pairs, tensor_result = run_batch(tensors, tmp_path / "tensors", tmp_path, base)
    tensor_unequal = [
        str(a) for a, b in tensor_pairs
        if not b.exists() or onnx.TensorProto.FromString(a.read_bytes()) != onnx.TensorProto.FromString(b.read_bytes())
    ]
    print(f"\nmodels: {len(models)} read+written {len(models) - len(unreadable)}, "
          f"equal {len(models) - len(unreadable) - len(unequal)}, checker regressions {len(checker_regressions)}")
    print(f"tensors: {len(tensors)}, equal {len(tensors) - len(tensor_unequal)}")
    assert result.returncode == 0 and not unreadable, result.stderr[-4000:]
    assert not unequal, f"{len(unequal)} models differ after round trip, e.g. {unequal[:5]}"
    assert not checker_regressions, f"checker fails only after round trip: {checker_regressions[:5]}"
    assert tensor_result.returncode == 0, tensor_result.stderr[-4000:]
    assert not tensor_unequal, f"{len(tensor_unequal)} tensors differ, e.g. {tensor_unequal[:5]}"
    return len(models), len(tensors)


def test_conformance_round_trip(tmp_path):
    base = conformance_dir()
    models, tensors = roundtrip_models(base, [base], tmp_path)
    assert models >= 2000 and tensors >= 6000  # 1,884 node cases + 149 wheel models with their data


def test_fixtures_round_trip(tmp_path):
    fixtures = ROOT / "fixtures"
    if not any(fixtures.rglob("*.onnx")):
        pytest.fail("no fixtures found under fixtures/")
    roundtrip_models(fixtures, [fixtures], tmp_path)


def test_proto_fields_match_onnx():
    result = subprocess.run([required_env("ONNX_BLOCKS_PYTHON"), str(ROOT / "tools" / "check_proto_fields.py")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
