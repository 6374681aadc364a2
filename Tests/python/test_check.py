"""`onnx-blocks check` against `onnx.checker`.

Valid side: every conformance model that `onnx.checker.check_model` accepts must pass our
check (exit 0). Invalid side: models built here with onnx.helper, each breaking one
structural rule; onnx.checker must reject each (so the case really is invalid), and ours
must exit 1 with a message naming the node (where the rule is about a node) and the field.
Our checker does not know operator schemas, so models onnx rejects only for schema reasons
may pass ours; those are counted, not asserted.
"""
import numpy as np
import onnx
import pytest
from onnx import numpy_helper
from onnx import TensorProto as T
from onnx import helper as h

from onnx_blocks_cli import conformance_models, fixture_models, run_cli, run_many

X = h.make_tensor_value_info("X", T.FLOAT, [2])
Y = h.make_tensor_value_info("Y", T.FLOAT, [2])
B = h.make_tensor_value_info("B", T.BOOL, [])
W = h.make_tensor("W", T.FLOAT, [2], [1.0, 2.0])


def onnx_accepts(model_or_path):
    try:
        onnx.checker.check_model(model_or_path)
        return True
    except Exception:
        return False


def model(nodes, inputs=(X,), outputs=(Y,), initializers=(), ir=None, opsets=None, name="main", **graph_fields):
    graph = h.make_graph(nodes, name, list(inputs), list(outputs), initializer=list(initializers), **graph_fields)
    m = h.make_model(graph, opset_imports=opsets if opsets is not None else [h.make_opsetid("", 17)])
    if ir is not None:
        m.ir_version = ir
    return m


def relu(inputs=("X",), outputs=("Y",), name="relu", **kw):
    return h.make_node("Relu", list(inputs), list(outputs), name=name, **kw)


def leaky_with(attribute):
    node = h.make_node("LeakyRelu", ["X"], ["Y"], name="leaky")
    node.attribute.append(attribute)
    return model([node])


def attribute(name="alpha", type=None, **fields):
    a = onnx.AttributeProto()
    if name is not None:
        a.name = name
    if type is not None:
        a.type = type
    for key, value in fields.items():
        setattr(a, key, value)
    return a


def initializer(data_type=T.FLOAT, dims=(2,), **fields):
    t = onnx.TensorProto(name="W", data_type=data_type, dims=list(dims))
    for key, value in fields.items():
        if isinstance(value, list):
            getattr(t, key).extend(value)
        else:
            setattr(t, key, value)
    return model([h.make_node("Add", ["X", "W"], ["Y"], name="add")], initializers=[t])


def without_ir_version():
    m = model([relu()])
    m.ClearField("ir_version")
    return m


def duplicate_metadata():
    m = model([relu()])
    m.metadata_props.add(key="k", value="1")
    m.metadata_props.add(key="k", value="2")
    return m


def untyped_input():
    vi = onnx.ValueInfoProto(name="X")
    return model([relu()], inputs=[vi])


def input_without_element_type():
    vi = onnx.ValueInfoProto(name="X")
    vi.type.tensor_type.SetInParent()
    return model([relu()], inputs=[vi])


def if_model(then_nodes, then_outputs, extra_nodes=(), then_name="then"):
    then_graph = h.make_graph(then_nodes, then_name, [], then_outputs)
    else_graph = h.make_graph([h.make_node("Neg", ["X"], ["e"], name="neg")], "else", [],
                              [h.make_tensor_value_info("e", T.FLOAT, [2])])
    branch = h.make_node("If", ["B"], ["Y"], name="branch", then_branch=then_graph, else_branch=else_graph)
    return model([branch, *extra_nodes], inputs=[X, B])


def function_model(body, function_opsets=None):
    fn = h.make_function("local", "F", ["a"], ["b"], body, function_opsets or [h.make_opsetid("", 17)])
    m = model([h.make_node("F", ["X"], ["Y"], name="call", domain="local")],
              opsets=[h.make_opsetid("", 17), h.make_opsetid("local", 1)])
    m.functions.append(fn)
    return m


def sparse_model(indices):
    sparse = h.make_sparse_tensor(h.make_tensor("S", T.FLOAT, [2], [1, 2]),
                                  h.make_tensor("Si", T.INT64, [2], indices), [4])
    return model([relu()], sparse_initializer=[sparse])


def constant_with_short_tensor():
    tensor = onnx.TensorProto(name="c", data_type=T.FLOAT, dims=[3], float_data=[1, 2])
    return model([h.make_node("Constant", [], ["C"], name="const", value=tensor), relu()])


# (id, model builder, texts the report must contain: node first where the rule is about a node)
INVALID = [
    ("ir-version-missing", without_ir_version, ["ir_version"]),
    ("opset-import-missing", lambda: model([relu()], opsets=[], ir=8), ["opset_import"]),
    ("opset-import-below-ir3", lambda: model([relu()], ir=2), ["opset_import"]),
    ("domain-not-imported", lambda: model([relu(domain="com.example")]), ["node 'relu'", "com.example"]),
    ("default-domain-not-imported", lambda: model([relu()], opsets=[h.make_opsetid("ai.onnx.ml", 3)]), ["node 'relu'"]),
    ("duplicate-metadata-key", duplicate_metadata, ["metadata_props", "'k'"]),
    ("graph-without-name", lambda: model([relu()], name=""), ["graph ''", "name"]),
    ("undefined-input", lambda: model([relu(inputs=["Q"])]), ["node 'relu'", "input[0] 'Q'"]),
    ("not-topologically-sorted",
     lambda: model([relu(inputs=["T"], name="second"), relu(outputs=["T"], name="first")]),
     ["node 'second'", "input[0] 'T'", "'first'"]),
    ("output-assigned-twice", lambda: model([relu(name="a"), relu(name="b")]), ["node 'b'", "output[0] 'Y'"]),
    ("output-reuses-graph-input", lambda: model([relu(outputs=["X"])], outputs=[X]), ["node 'relu'", "output[0] 'X'"]),
    ("output-reuses-initializer",
     lambda: model([relu(outputs=["W"]), relu(name="r2")], initializers=[W]), ["node 'relu'", "output[0] 'W'"]),
    ("graph-input-twice", lambda: model([relu()], inputs=[X, X]), ["input[1] 'X'"]),
    ("graph-output-not-produced",
     lambda: model([relu()], outputs=[Y, h.make_tensor_value_info("Z", T.FLOAT, [2])]), ["output[1] 'Z'"]),
    ("duplicate-initializer", lambda: model([h.make_node("Add", ["X", "W"], ["Y"], name="add")], initializers=[W, W]), ["'W'"]),
    ("initializer-not-input-ir3",
     lambda: model([h.make_node("Add", ["X", "W"], ["Y"], name="add")], initializers=[W], ir=3), ["'W'"]),
    ("initializer-without-name",
     lambda: model([relu()], initializers=[onnx.TensorProto(data_type=T.FLOAT, dims=[1], float_data=[1])]), ["initializer[0]"]),
    ("empty-op-type", lambda: model([h.make_node("", ["X"], ["Y"], name="blank")]), ["node 'blank'", "op_type"]),
    ("node-without-inputs-or-outputs",
     lambda: model([relu(), h.make_node("Foo", [], [], name="empty", domain="d")],
                   opsets=[h.make_opsetid("", 17), h.make_opsetid("d", 1)]), ["node 'empty'"]),
    ("attribute-without-type", lambda: leaky_with(attribute(f=0.1)), ["node 'leaky'", "attribute 'alpha'"]),
    ("attribute-type-mismatch", lambda: leaky_with(attribute(type=onnx.AttributeProto.INT, f=0.1)),
     ["node 'leaky'", "attribute 'alpha'"]),
    ("attribute-two-fields", lambda: leaky_with(attribute(type=onnx.AttributeProto.FLOAT, f=0.1, i=3)),
     ["node 'leaky'", "attribute 'alpha'"]),
    ("attribute-without-name", lambda: leaky_with(attribute(name=None, type=onnx.AttributeProto.FLOAT, f=0.1)),
     ["node 'leaky'", "attribute[0]"]),
    ("attribute-repeated",
     lambda: _repeated_attribute(),
     ["node 'foo'", "attribute 'alpha'"]),
    ("float-data-too-short", lambda: initializer(dims=[3], float_data=[1.0, 2.0]), ["'W'", "float_data"]),
    ("raw-data-too-short", lambda: initializer(dims=[3], raw_data=b"\0" * 8), ["'W'", "raw_data"]),
    ("raw-data-odd-size", lambda: initializer(raw_data=b"\0" * 7), ["'W'", "raw_data"]),
    ("no-data-type", lambda: _no_data_type(), ["'W'", "data_type"]),
    ("two-value-fields", lambda: initializer(float_data=[1.0, 2.0], raw_data=b"\0" * 8), ["'W'"]),
    ("wrong-value-field", lambda: initializer(int64_data=[1, 2]), ["'W'", "float_data", "int64_data"]),
    ("zero-elements-with-data", lambda: initializer(dims=[0], float_data=[1.0, 2.0]), ["'W'"]),
    ("no-data", lambda: initializer(), ["'W'"]),
    ("negative-dim", lambda: initializer(dims=[-2], float_data=[1.0, 2.0]), ["'W'", "-2"]),
    ("string-in-raw-data", lambda: initializer(data_type=T.STRING, dims=[1], raw_data=b"ab"), ["'W'", "raw_data"]),
    ("int4-packed-too-short", lambda: initializer(data_type=T.INT4, dims=[3], raw_data=b"\0"), ["'W'", "raw_data"]),
    ("external-without-location",
     lambda: initializer(data_location=T.EXTERNAL), ["'W'", "location"]),
    ("constant-tensor-too-short", constant_with_short_tensor, ["node 'const'", "attribute 'value'", "'c'"]),
    ("input-without-type", untyped_input, ["input[0] 'X'", "type"]),
    ("output-without-type", lambda: model([relu()], outputs=[onnx.ValueInfoProto(name="Y")]), ["output[0] 'Y'"]),
    ("input-without-element-type", input_without_element_type, ["input[0] 'X'", "element type"]),
    ("input-without-name",
     lambda: model([relu()], inputs=[X, h.make_tensor_value_info("", T.FLOAT, [2])]), ["input[1]"]),
    ("sparse-index-out-of-range", lambda: sparse_model([0, 9]), ["'S'", "index 9"]),
    ("sparse-indices-unsorted", lambda: sparse_model([3, 0]), ["'S'", "increasing"]),
    ("subgraph-undefined-input",
     lambda: if_model([relu(inputs=["Q"], outputs=["t"], name="inner")], [h.make_tensor_value_info("t", T.FLOAT, [2])]),
     ["node 'branch'", "then_branch", "node 'inner'", "input[0] 'Q'"]),
    ("subgraph-uses-later-outer-value",
     lambda: if_model([relu(inputs=["L"], outputs=["t"], name="inner")], [h.make_tensor_value_info("t", T.FLOAT, [2])],
                      extra_nodes=[relu(outputs=["L"], name="late")]),
     ["node 'inner'", "'late'"]),
    ("subgraph-output-shadows-outer",
     lambda: if_model([relu(outputs=["X"], name="inner")], [h.make_tensor_value_info("X", T.FLOAT, [2])]),
     ["node 'inner'", "output[0] 'X'"]),
    ("subgraph-output-from-outer",
     lambda: if_model([], [h.make_tensor_value_info("X", T.FLOAT, [2])]), ["node 'branch'", "output[0] 'X'"]),
    ("subgraph-without-name",
     lambda: if_model([relu(outputs=["t"], name="inner")], [h.make_tensor_value_info("t", T.FLOAT, [2])], then_name=""),
     ["node 'branch'", "then_branch"]),
    ("function-undefined-input",
     lambda: function_model([h.make_node("Relu", ["q"], ["b"], name="body_relu")]), ["node 'body_relu'", "'q'"]),
    ("function-not-ssa",
     lambda: function_model([h.make_node("Relu", ["a"], ["b"], name="f1"), h.make_node("Relu", ["a"], ["b"], name="f2")]),
     ["node 'f2'", "'b'"]),
    ("function-domain-not-imported",
     lambda: function_model([h.make_node("Relu", ["a"], ["b"], name="f1", domain="zz")]), ["node 'f1'", "'zz'"]),
]


def _repeated_attribute():
    node = h.make_node("Foo", ["X"], ["Y"], name="foo", domain="d", alpha=1.0)
    node.attribute.append(h.make_attribute("alpha", 2.0))
    return model([node], opsets=[h.make_opsetid("", 17), h.make_opsetid("d", 1)])


def _no_data_type():
    tensor = onnx.TensorProto(name="W", dims=[2], float_data=[1.0, 2.0])
    return model([h.make_node("Add", ["X", "W"], ["Y"], name="add")], initializers=[tensor])


@pytest.mark.parametrize("case_id,build,mentions", INVALID, ids=[c[0] for c in INVALID])
def test_invalid_model_fails_with_reason(tmp_path, case_id, build, mentions):
    m = build()
    assert not onnx_accepts(m), f"{case_id}: onnx.checker accepts this model, so it is not an invalid case"
    path = tmp_path / f"{case_id}.onnx"
    path.write_bytes(m.SerializeToString())
    result = run_cli("check", path)
    report = result.stdout + result.stderr
    assert result.returncode == 1, f"exit {result.returncode}, expected 1:\n{report}"
    error_lines = [line for line in result.stdout.splitlines() if line.startswith("error:")]
    assert error_lines, report
    assert any(all(text in line for text in mentions) for line in error_lines), \
        f"no error line mentions all of {mentions}:\n{report}"
    assert "is invalid" in result.stderr


def test_conformance_models_onnx_accepts_pass_our_check():
    paths = conformance_models() + fixture_models()
    accepted = [p for p in paths if onnx_accepts(str(p))]
    accepted_set = set(accepted)
    rejected = [p for p in paths if p not in accepted_set]
    results = run_many([("check", p) for p in paths])
    by_path = dict(zip(paths, results))
    disagreements = [f"{p}: exit {by_path[p].returncode}\n{by_path[p].stdout}{by_path[p].stderr}"
                     for p in accepted if by_path[p].returncode != 0]
    also_rejected = sum(1 for p in rejected if by_path[p].returncode == 1)
    print(f"onnx.checker accepts {len(accepted)} of {len(paths)} models; our check passes "
          f"{len(accepted) - len(disagreements)} of those. Of the {len(rejected)} onnx rejects, "
          f"ours rejects {also_rejected} (the rest fail only operator-schema rules)")
    assert len(accepted) > 1900
    assert not disagreements, f"{len(disagreements)} valid models fail our check:\n" + "\n".join(disagreements[:10])


def test_valid_model_exit_zero_and_json(tmp_path):
    path = tmp_path / "ok.onnx"
    onnx.save(model([relu()]), path)
    result = run_cli("check", path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid" in result.stdout

    import json
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(model([relu(inputs=["Q"])]).SerializeToString())
    result = run_cli("check", "--json", bad)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False and report["errors"] >= 1
    assert report["issues"][0]["node"] == "relu" and report["issues"][0]["rule"] == "undefined-input"


def test_io_and_usage_errors(tmp_path):
    missing = run_cli("check", tmp_path / "absent.onnx")
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "absent.onnx" in missing.stderr
    assert run_cli("check").returncode == 2

    garbage = tmp_path / "garbage.onnx"
    garbage.write_bytes(b"\xff" * 64)
    result = run_cli("check", garbage)
    assert result.returncode == 2, result.stderr  # unreadable input, not an invalid model
    assert result.stderr.startswith("error:") and result.stderr.count("\n") == 1
    verbose = run_cli("check", "--verbose", garbage)
    assert verbose.stderr.count("\n") >= 2, verbose.stderr


def test_external_data_is_resolved(tmp_path):
    m = model([h.make_node("Add", ["X", "W"], ["Y"], name="add")], initializers=[numpy_helper.from_array(np.array([1, 2], dtype=np.float32), "W")])
    onnx.save(m, tmp_path / "ext.onnx", save_as_external_data=True, all_tensors_to_one_file=True,
              location="ext.data", size_threshold=0)
    assert onnx.load(tmp_path / "ext.onnx", load_external_data=False).graph.initializer[0].data_location == T.EXTERNAL
    assert run_cli("check", tmp_path / "ext.onnx").returncode == 0
    (tmp_path / "ext.data").write_bytes(b"\0" * 3)  # too short for W's 8 bytes
    result = run_cli("check", tmp_path / "ext.onnx")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "'W'" in result.stdout + result.stderr
