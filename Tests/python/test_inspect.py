"""`onnx-blocks inspect --json` against values the onnx package computes on its own.

For every conformance model and every fixture, each field of our JSON is compared with the
same quantity derived from the ModelProto as `onnx.load` gives it (field presence, the
TensorProto.DataType names, dims, op types); nothing is derived from our output.
"""
import json
import math
from collections import Counter

import onnx
import pytest
from onnx import TensorProto

from onnx_blocks_cli import conformance_models, fixture_models, run_cli, run_many

SUB_BYTE_BITS = {TensorProto.INT4: 4, TensorProto.UINT4: 4, TensorProto.FLOAT4E2M1: 4,
                 TensorProto.INT2: 2, TensorProto.UINT2: 2}


def element_bits(data_type):
    if data_type in SUB_BYTE_BITS:
        return SUB_BYTE_BITS[data_type]
    return onnx.helper.tensor_dtype_to_np_dtype(data_type).itemsize * 8


def tensor_bytes(tensor):
    if tensor.data_type == TensorProto.STRING:
        return sum(len(s) for s in tensor.string_data)
    return math.ceil(math.prod(tensor.dims) * element_bits(tensor.data_type) / 8)


def value_expectation(info):
    kind = info.type.WhichOneof("value")
    element_type, shape = None, None
    if kind in ("tensor_type", "sparse_tensor_type"):
        t = getattr(info.type, kind)
        if t.HasField("elem_type"):
            element_type = TensorProto.DataType.Name(t.elem_type).lower()
        if t.HasField("shape"):
            shape = [d.dim_value if d.HasField("dim_value") else d.dim_param if d.HasField("dim_param") else None
                     for d in t.shape.dim]
    return {"name": info.name, "elementType": element_type, "shape": shape}


def optional(message, field):
    return getattr(message, field) if message.HasField(field) else None


def expected_summary(model):
    graph = model.graph
    initializer_names = {t.name for t in graph.initializer}
    return {
        "irVersion": optional(model, "ir_version"),
        "producerName": optional(model, "producer_name"),
        "producerVersion": optional(model, "producer_version"),
        "opsetImports": {("" if o.domain == "ai.onnx" else o.domain): o.version for o in model.opset_import},
        "inputs": [value_expectation(v) for v in graph.input if v.name not in initializer_names],
        "outputs": [value_expectation(v) for v in graph.output],
        "nodeCount": len(graph.node),
        "opCounts": dict(Counter(n.op_type if n.domain in ("", "ai.onnx") else f"{n.domain}:{n.op_type}"
                                 for n in graph.node)),
        "initializerCount": len(graph.initializer) + len(graph.sparse_initializer),
        "parameterCount": sum(math.prod(t.dims) for t in graph.initializer)
                          + sum(math.prod(s.values.dims) for s in graph.sparse_initializer),
        "initializerBytes": sum(tensor_bytes(t) for t in graph.initializer)
                            + sum(tensor_bytes(s.values) + tensor_bytes(s.indices) for s in graph.sparse_initializer),
    }


def differences(ours, expected):
    problems = []
    for key, want in expected.items():
        got = ours.get(key, "<missing>")
        if key in ("inputs", "outputs") and isinstance(got, list):
            got = [{k: v.get(k) for k in ("name", "elementType", "shape")} for v in got]
        if got != want:
            problems.append(f"{key}: ours {got!r} != onnx {want!r}")
    return problems


def check_models(paths):
    results = run_many([("inspect", "--json", p) for p in paths])
    failures = []
    for path, result in zip(paths, results):
        if result.returncode != 0:
            failures.append(f"{path}: exit {result.returncode}: {result.stderr.strip()}")
            continue
        try:
            ours = json.loads(result.stdout)
        except json.JSONDecodeError as error:
            failures.append(f"{path}: output is not one JSON object ({error})")
            continue
        model = onnx.load(str(path), load_external_data=False)
        failures += [f"{path}: {p}" for p in differences(ours, expected_summary(model))]
    return failures


def test_inspect_json_matches_onnx_on_conformance_models():
    paths = conformance_models()
    failures = check_models(paths)
    print(f"inspect --json agrees with onnx on {len(paths) - len({f.split(':')[0] for f in failures})} of {len(paths)} conformance models")
    assert not failures, f"{len(failures)} differences, first: " + "\n".join(failures[:20])


def test_inspect_json_matches_onnx_on_fixtures():
    paths = fixture_models()
    if not paths:
        pytest.fail("no fixtures/*/model.onnx found")
    failures = check_models(paths)
    assert not failures, "\n".join(failures[:20])


def test_inspect_reports_symbolic_dims_and_hides_initializer_inputs(tmp_path):
    from onnx import helper as h
    weight = h.make_tensor("W", TensorProto.FLOAT, [3, 4], [0.5] * 12)
    graph = h.make_graph(
        [h.make_node("MatMul", ["X", "W"], ["Y"], name="mm")], "g",
        [h.make_tensor_value_info("X", TensorProto.FLOAT, ["batch", 3]),
         h.make_tensor_value_info("W", TensorProto.FLOAT, [3, 4])],
        [h.make_tensor_value_info("Y", TensorProto.FLOAT, ["batch", None])], initializer=[weight])
    model = h.make_model(graph, producer_name="pytest", opset_imports=[h.make_opsetid("", 13)])
    path = tmp_path / "m.onnx"
    onnx.save(model, path)
    result = run_cli("inspect", "--json", path)
    assert result.returncode == 0, result.stderr
    ours = json.loads(result.stdout)
    assert ours["inputs"] == [{"name": "X", "elementType": "float", "shape": ["batch", 3], "type": "tensor(float)"}]
    assert ours["outputs"][0]["shape"] == ["batch", None]
    assert ours["parameterCount"] == 12 and ours["initializerBytes"] == 48
    assert ours["opCounts"] == {"MatMul": 1} and ours["producerName"] == "pytest"

    text = run_cli("inspect", path)
    assert text.returncode == 0, text.stderr
    assert "batch" in text.stdout and "MatMul" in text.stdout and "pytest" in text.stdout


def test_inspect_errors(tmp_path):
    missing = run_cli("inspect", tmp_path / "absent.onnx")
    assert missing.returncode == 2
    assert len(missing.stderr.strip().splitlines()) == 1 and "absent.onnx" in missing.stderr

    truncated = tmp_path / "truncated.onnx"
    data = conformance_models()[0].read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    result = run_cli("inspect", truncated)
    assert result.returncode == 2, (result.returncode, result.stderr)  # unreadable input
    assert result.stderr.startswith("error:") and len(result.stderr.strip().splitlines()) == 1

    assert run_cli("inspect").returncode == 2
