"""`onnx-blocks convert`: external data out and back in, judged by the onnx package, plus
exit codes and atomicity on bad input."""
import os
import subprocess
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper
from onnx_blocks_cli import run_cli


def convert(*args):
    return run_cli("convert", *args)


def make_model(path):
    rng = np.random.default_rng(1)
    w = numpy_helper.from_array(rng.standard_normal((64, 32), dtype=np.float32), "w")
    b = numpy_helper.from_array(rng.standard_normal(64, dtype=np.float32), "b")  # 256 bytes
    c = numpy_helper.from_array(np.arange(300, dtype=np.int64), "c")
    nodes = [helper.make_node("Gemm", ["x", "w", "b"], ["y"], transB=1, name="gemm"),
             helper.make_node("Constant", [], ["k"], value=numpy_helper.from_array(np.ones((40, 40), np.float32)), name="k")]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 32])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 64])], [w, b, c])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.save(model, str(path))
    return model


def arrays(model):
    return {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}


def test_external_data_out_and_back(tmp_path):
    original = make_model(tmp_path / "in.onnx")
    out = tmp_path / "out" / "m.onnx"
    out.parent.mkdir()
    r = convert(tmp_path / "in.onnx", out, "--external-data", "weights.bin", "--size-threshold", 1024)
    assert r.returncode == 0, r.stderr
    shallow = onnx.load(str(out), load_external_data=False)
    locations = {t.name: {e.key: e.value for e in t.external_data} for t in shallow.graph.initializer}
    assert locations["w"]["location"] == "weights.bin" and locations["c"]["location"] == "weights.bin"
    assert locations["b"] == {}  # 256 bytes stays inline
    assert shallow.graph.node[1].attribute[0].t.data_location == TensorProto.EXTERNAL  # Constant's tensor moved too
    onnx.checker.check_model(str(out))
    loaded = onnx.load(str(out))
    for name, value in arrays(original).items():
        np.testing.assert_array_equal(arrays(loaded)[name], value)

    back = tmp_path / "back.onnx"
    r = convert(out, back, "--inline")
    assert r.returncode == 0, r.stderr
    assert onnx.load(str(back)) == loaded  # onnx.load leaves data_location=DEFAULT, as we do


def test_default_keeps_external_data_external(tmp_path):
    make_model(tmp_path / "in.onnx")
    assert convert(tmp_path / "in.onnx", tmp_path / "ext.onnx", "--external-data", "w.bin").returncode == 0
    r = convert(tmp_path / "ext.onnx", tmp_path / "again.onnx")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "again.onnx.data").exists()
    assert onnx.load(str(tmp_path / "again.onnx")) == onnx.load(str(tmp_path / "ext.onnx"))


def test_in_place(tmp_path):
    model = make_model(tmp_path / "m.onnx")
    r = convert(tmp_path / "m.onnx", tmp_path / "m.onnx")
    assert r.returncode == 0, r.stderr
    assert onnx.load(str(tmp_path / "m.onnx")) == model
    assert sorted(os.listdir(tmp_path)) == ["m.onnx"]


def test_errors_and_exit_codes(tmp_path):
    make_model(tmp_path / "m.onnx")
    r = convert(tmp_path / "missing.onnx", tmp_path / "o.onnx")
    assert r.returncode == 2 and "missing.onnx" in r.stderr
    (tmp_path / "bad.onnx").write_bytes(b"\x3a\xff\x01\x00")
    r = convert(tmp_path / "bad.onnx", tmp_path / "o.onnx")
    assert r.returncode == 2 and "malformed" in r.stderr  # unreadable input
    assert convert(tmp_path / "m.onnx", tmp_path / "o.onnx", "--inline", "--external-data", "x").returncode == 2
    r = convert(tmp_path / "m.onnx", tmp_path / "no" / "dir" / "o.onnx")
    assert r.returncode == 2
    assert not (tmp_path / "o.onnx").exists()


def test_traversal_is_refused_with_names(tmp_path):
    model = make_model(tmp_path / "m.onnx")
    tensor = model.graph.initializer[0]
    tensor.ClearField("raw_data")
    tensor.data_location = TensorProto.EXTERNAL
    for key, value in (("location", "../../etc/passwd"), ("offset", "0")):
        entry = tensor.external_data.add()
        entry.key, entry.value = key, value
    onnx.save(model, str(tmp_path / "evil.onnx"))
    r = convert(tmp_path / "evil.onnx", tmp_path / "o.onnx")
    assert r.returncode == 1
    assert "'w'" in r.stderr and "../../etc/passwd" in r.stderr
    assert not (tmp_path / "o.onnx").exists()


def with_unknown(message, field_number, payload_bytes):
    """`message` re-parsed with one extra length-delimited field it does not define (as a
    newer ONNX might write); protobuf keeps it as an unknown field and writes it back."""
    key = bytes([(field_number << 3 | 2) & 0x7F | 0x80, field_number >> 4]) if field_number >= 16 else bytes([field_number << 3 | 2])
    extra = key + bytes([len(payload_bytes)]) + payload_bytes
    return type(message).FromString(message.SerializeToString() + extra)


def test_unknown_fields_survive_at_every_level(tmp_path):
    tensor = with_unknown(numpy_helper.from_array(np.arange(4, dtype=np.float32), "W"), 100, b"tensor")
    node = with_unknown(helper.make_node("Add", ["X", "W"], ["Y"], name="add"), 101, b"node")
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [4])],
                              [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [4])], initializer=[tensor])
    graph = with_unknown(graph, 102, b"graph")
    model = with_unknown(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), 111, b"model")
    expected = model.SerializeToString()
    for payload in (b"tensor", b"node", b"graph", b"model"):
        assert payload in expected, "protobuf kept the unknown field"
    src, dst = tmp_path / "in.onnx", tmp_path / "out.onnx"
    src.write_bytes(expected)
    result = convert(src, dst)
    assert result.returncode == 0, result.stderr
    assert dst.read_bytes() == expected, "convert changed the bytes of a model with unknown fields"


def test_external_data_checksum_verified(tmp_path):
    import hashlib
    model = make_model(tmp_path / "m.onnx")
    moved = tmp_path / "moved.onnx"
    assert convert(tmp_path / "m.onnx", moved, "--external-data", "w.bin", "--size-threshold", "16").returncode == 0
    m = onnx.load(str(moved), load_external_data=False)
    digest = hashlib.sha1((tmp_path / "w.bin").read_bytes()).hexdigest()
    external = [t for t in m.graph.initializer if t.data_location == TensorProto.EXTERNAL]
    assert external
    for t in external:
        t.external_data.add(key="checksum", value=digest)
    good = tmp_path / "good.onnx"
    good.write_bytes(m.SerializeToString())
    assert convert(good, tmp_path / "good_out.onnx", "--inline").returncode == 0
    for t in external:
        t.external_data[-1].value = "0" * 40
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(m.SerializeToString())
    result = convert(bad, tmp_path / "bad_out.onnx", "--inline")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "SHA-1" in result.stderr and digest in result.stderr and t.name in result.stderr
    assert not (tmp_path / "bad_out.onnx").exists()
    assert convert(bad, tmp_path / "skipped.onnx", "--inline", "--skip-checksum").returncode == 0
