"""`onnx-blocks run` / `compare` / `bench` checked from outside: results against onnxruntime
and the fixtures' stored references, JSON shapes, exit codes and errors on bad input."""
import json
import os
import subprocess
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import helper, numpy_helper, TensorProto
from onnx_blocks_cli import binary, run_cli as cli

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
FIXTURE = FIXTURES / "resnet_v1_bottleneck"


def load_pb(path):
    t = TensorProto()
    t.ParseFromString(Path(path).read_bytes())
    return t.name, numpy_helper.to_array(t)


def close(a, b, rtol=1e-4, atol=1e-5):
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= atol + rtol * np.abs(b)))


def input_name(model_path):
    return onnx.load(str(model_path), load_external_data=False).graph.input[0].name


def test_run_matches_fixture_reference_and_logits(tmp_path):
    _, logits = load_pb(FIXTURE / "test_data_set_1/logits.pb")
    logits_name, _ = load_pb(FIXTURE / "test_data_set_1/logits.pb")
    _, expected = load_pb(FIXTURE / "test_data_set_1/output_0.pb")
    out_name = onnx.load(str(FIXTURE / "model.onnx")).graph.output[0].name
    r = cli("run", FIXTURE / "model.onnx", "--input", f"{input_name(FIXTURE / 'model.onnx')}={FIXTURE / 'test_data_set_1/input_0.pb'}",
            "--output", out_name, "--output", logits_name, "--output-dir", tmp_path, "--json")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert set(report) == {"outputs", "milliseconds"}
    files = {o["name"]: o for o in report["outputs"]}
    assert set(files) == {out_name, logits_name}
    sanitized = Path(files[logits_name]["file"]).name
    assert sanitized == "".join(c if c.isalnum() or c in "._-" else "_" for c in logits_name) + ".npy"
    assert files[logits_name]["shape"] == list(logits.shape) and files[logits_name]["elementType"] == "float"
    assert close(np.load(files[out_name]["file"]), expected)
    assert close(np.load(files[logits_name]["file"]), logits)


def test_run_matches_onnxruntime_on_fresh_batch(tmp_path):
    import onnxruntime as ort
    model = FIXTURES / "resnet_v2_bottleneck/model.onnx"
    name = input_name(model)
    x = np.random.default_rng(7).standard_normal((3, 64, 64, 3)).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    session = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    (expected,) = session.run(None, {name: x})
    r = cli("run", model, "--input", f"{name}={tmp_path / 'x.npy'}", "--output-dir", tmp_path, "--format", "pb", "--json", "--threads", "2")
    assert r.returncode == 0, r.stderr
    (out,) = json.loads(r.stdout)["outputs"]
    assert out["file"].endswith(".pb")
    got_name, got = load_pb(out["file"])
    assert got_name == out["name"]
    assert close(got, expected)


def expect_runs_match(model, feed, expected, tmp_path, runs):
    """`run --runs N` on 1 and 2 threads: the last run's only output equals `expected` (onnxruntime's)."""
    for threads in ("1", "2"):
        r = cli("run", model, "--input", feed, "--output-dir", tmp_path / threads, "--json", "--threads", threads,
                "--runs", str(runs))
        assert r.returncode == 0, r.stderr
        (out,) = json.loads(r.stdout)["outputs"]
        assert close(np.load(out["file"]), expected)


def test_run_repeated_matches_onnxruntime_on_placed_concats(tmp_path):
    """`run --runs 3` writes the last run's outputs: an Inception-ResNet fixture's branches (merged
    1x1s included) then write into their Concats' outputs, and the result still equals onnxruntime's."""
    import onnxruntime as ort
    model = FIXTURES / "inception_resnet_v2/model.onnx"
    name = input_name(model)
    session = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    shape = [d if isinstance(d, int) else 1 for d in session.get_inputs()[0].shape]
    x = np.random.default_rng(11).uniform(-1, 1, shape).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    (expected,) = session.run(None, {name: x})
    expect_runs_match(model, f"{name}={tmp_path / 'x.npy'}", expected, tmp_path, runs=3)


POOL_CASES = [
    # (pool attributes, input channels, output channels, activation)
    (dict(kernel_shape=[3, 3], strides=[1, 1], pads=[1, 1, 1, 1]), 48, 16, "Relu"),
    (dict(kernel_shape=[3, 3], strides=[1, 1], pads=[1, 1, 1, 1], count_include_pad=1), 40, 24, None),
    (dict(kernel_shape=[3, 2], strides=[2, 2], pads=[0, 1, 1, 0], ceil_mode=1), 37, 8, "Relu"),
]


@pytest.mark.parametrize("pool, cin, cout, act", POOL_CASES)
def test_average_pool_then_pointwise_matches_onnxruntime(tmp_path, pool, cin, cout, act):
    """AveragePool -> 1x1 Conv (bias) [-> Relu] runs as convolution, pool, bias and activation
    (PooledConvolution): the result must still be onnxruntime's, with and without padding counted,
    strided and ceil-mode windows, on 1 and 2 threads."""
    rng = np.random.default_rng(3)
    w = rng.standard_normal((cout, cin, 1, 1)).astype(np.float32) * 0.2
    b = rng.standard_normal(cout).astype(np.float32)
    nodes = [helper.make_node("AveragePool", ["x"], ["p"], **pool),
             helper.make_node("Conv", ["p", "w", "b"], ["c" if act else "y"])]
    if act:
        nodes.append(helper.make_node(act, ["c"], ["y"]))
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, cin, 23, 19])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
                              [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    path = tmp_path / "model.onnx"
    onnx.save(model, str(path))
    x = rng.uniform(-1, 1, (1, cin, 23, 19)).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    import onnxruntime as ort
    (expected,) = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"x": x})
    expect_runs_match(path, f"x={tmp_path / 'x.npy'}", expected, tmp_path, runs=2)
    if act:
        # The reordered step ran (a Conv with nothing fused stays a plain Conv node).
        r = cli("bench", path, "--runs", "1", "--warmup", "0", "--profile")
        assert r.returncode == 0, r.stderr
        assert f"AveragePool+Conv+{act}" in r.stdout + r.stderr


def test_run_refuses_zero_runs(tmp_path):
    r = cli("run", FIXTURE / "model.onnx", "--output-dir", tmp_path, "--runs", "0")
    assert r.returncode == 2
    assert "--runs must be at least 1" in r.stderr


def test_compare_reference_folder_and_self():
    model = FIXTURE / "model.onnx"
    r = cli("compare", model, "--reference", FIXTURE / "test_data_set_0", "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    report = json.loads(r.stdout)
    assert report["equivalent"] is True and report["rtol"] == 1e-4 and report["atol"] == 1e-5
    t = report["tensors"][0]
    assert {"name", "shape", "maxAbsError", "maxRelError", "worstIndex", "pass"} <= set(t)
    r = cli("compare", model, model, "--intermediates", "--json")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert len(report["tensors"]) > 50 and report.get("firstDivergence") is None
    assert all(t["maxAbsError"] == 0 for t in report["tensors"])


def test_compare_different_models_fails_and_finds_first_divergence():
    a, b = FIXTURES / "he2016_original/model.onnx", FIXTURES / "he2016_bn_after_addition/model.onnx"
    r = cli("compare", a, b, "--json")
    assert r.returncode == 1
    assert json.loads(r.stdout)["equivalent"] is False
    r = cli("compare", a, b, "--intermediates", "--json")
    assert r.returncode == 1
    report = json.loads(r.stdout)
    first = report["firstDivergence"]
    assert first is not None
    names = [t["name"] for t in report["tensors"]]
    assert all(t["pass"] for t in report["tensors"][: names.index(first)])


def test_compare_detects_a_perturbed_reference(tmp_path):
    ref = tmp_path / "test_data_set_0"
    ref.mkdir()
    (ref / "input_0.pb").write_bytes((FIXTURE / "test_data_set_0/input_0.pb").read_bytes())
    name, y = load_pb(FIXTURE / "test_data_set_0/output_0.pb")
    y = y.copy()
    y.flat[3] += 1e-3
    (ref / "output_0.pb").write_bytes(numpy_helper.from_array(y, name).SerializeToString())
    r = cli("compare", FIXTURE / "model.onnx", "--reference", ref, "--json")
    assert r.returncode == 1
    t = json.loads(r.stdout)["tensors"][0]
    assert t["pass"] is False and t["worstIndex"] == list(np.unravel_index(3, y.shape))


def test_compare_scale_rule_judges_against_the_tensor_magnitude(tmp_path):
    """An error far above atol + rtol·|b| at the smallest element but below atol + rtol·max|b|
    fails the elementwise rule and passes the scale rule; the report names the rule."""
    ref = tmp_path / "test_data_set_0"
    ref.mkdir()
    (ref / "input_0.pb").write_bytes((FIXTURE / "test_data_set_0/input_0.pb").read_bytes())
    name, y = load_pb(FIXTURE / "test_data_set_0/output_0.pb")
    y = y.copy()
    k = int(np.argmin(np.abs(y)))
    rtol = 0.1  # atol 0: the fixture's outputs are probabilities (0.03 .. 0.23)
    delta = 0.5 * rtol * float(np.max(np.abs(y)))
    assert delta > 3 * rtol * abs(float(y.flat[k])), "fixture output too flat for this test"
    y.flat[k] += delta
    (ref / "output_0.pb").write_bytes(numpy_helper.from_array(y, name).SerializeToString())
    tol = ["--rtol", rtol, "--atol", 0]
    strict = cli("compare", FIXTURE / "model.onnx", "--reference", ref, *tol, "--json")
    assert strict.returncode == 1, strict.stdout + strict.stderr
    assert json.loads(strict.stdout)["rule"] == "elementwise"
    scaled = cli("compare", FIXTURE / "model.onnx", "--reference", ref, *tol, "--rule", "scale", "--json")
    assert scaled.returncode == 0, scaled.stdout + scaled.stderr
    report = json.loads(scaled.stdout)
    assert report["rule"] == "scale" and "max|b|" in report["formula"]
    text = cli("compare", FIXTURE / "model.onnx", "--reference", ref, *tol, "--rule", "scale")
    assert text.returncode == 0 and "equivalent under scale |a − b|" in text.stdout


def test_bench_json_keys():
    r = cli("bench", FIXTURE / "model.onnx", "--runs", "3", "--json", "--threads", "1")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    for key in ("medianMs", "minMs", "gflops", "peakRssBytes"):
        assert key in report
    assert 0 < report["minMs"] <= report["medianMs"] and report["gflops"] > 0 and report["peakRssBytes"] > 1e6
    # One thread never asks whether threads share a cache.
    assert report["coresNear"] == 0 and report["coresFar"] == 0


def test_bench_paced_steps_report_core_checks():
    """--paced: one `step MS near N far M` line per timed run (tools/bench_runtime.py reads them),
    then the JSON summary, whose core checks are the steps' sums."""
    r = subprocess.run([binary(), "bench", str(FIXTURE / "model.onnx"), "--runs", "4", "--warmup", "1", "--threads", "2",
                        "--json", "--paced"], input="\n" * 4, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    steps = [line.split() for line in lines if line.startswith("step ")]
    assert len(steps) == 4
    for f in steps:
        assert len(f) == 6 and f[2] == "near" and f[4] == "far" and float(f[1]) > 0, f
    report = json.loads("\n".join(line for line in lines if not line.startswith("step ")))
    assert report["coresNear"] == sum(int(f[3]) for f in steps)
    assert report["coresFar"] == sum(int(f[5]) for f in steps)


# ---- bad input: typed errors, exit 1 (invalid) or 2 (usage / I/O), no output written ----

def run_fixture(tmp_path, *extra):
    return cli("run", FIXTURE / "model.onnx", "--output-dir", tmp_path, *extra)


def test_wrong_shape(tmp_path):
    np.save(tmp_path / "x.npy", np.zeros((1, 63, 64, 3), np.float32))
    r = run_fixture(tmp_path, "--input", f"{input_name(FIXTURE / 'model.onnx')}={tmp_path / 'x.npy'}")
    assert r.returncode == 2  # inputs that do not fit the model: bad input, like a wrong name
    assert "shape" in r.stderr and input_name(FIXTURE / "model.onnx") in r.stderr and "1x63x64x3" in r.stderr
    assert list(tmp_path.glob("*.npy")) == [tmp_path / "x.npy"]


def test_wrong_element_type(tmp_path):
    np.save(tmp_path / "x.npy", np.zeros((1, 64, 64, 3), np.int64))
    r = run_fixture(tmp_path, "--input", f"{input_name(FIXTURE / 'model.onnx')}={tmp_path / 'x.npy'}")
    assert r.returncode == 2 and "int64" in r.stderr and "float" in r.stderr


def test_unsupported_dtype_in_npy(tmp_path):
    np.save(tmp_path / "x.npy", np.zeros((1, 64, 64, 3), np.float64))
    r = run_fixture(tmp_path, "--input", f"{input_name(FIXTURE / 'model.onnx')}={tmp_path / 'x.npy'}")
    assert r.returncode == 2 and "<f8" in r.stderr and "x.npy" in r.stderr


def test_truncated_npy(tmp_path):
    np.save(tmp_path / "x.npy", np.zeros((1, 64, 64, 3), np.float32))
    data = (tmp_path / "x.npy").read_bytes()
    (tmp_path / "x.npy").write_bytes(data[:-10])
    r = run_fixture(tmp_path, "--input", f"{input_name(FIXTURE / 'model.onnx')}={tmp_path / 'x.npy'}")
    assert r.returncode == 2 and "x.npy" in r.stderr


def test_missing_input_is_generated_and_said(tmp_path):
    r = run_fixture(tmp_path)
    assert r.returncode == 0 and input_name(FIXTURE / "model.onnx") in r.stderr and "random inputs" in r.stderr


def test_unknown_input_and_output_names(tmp_path):
    np.save(tmp_path / "x.npy", np.zeros((1, 64, 64, 3), np.float32))
    r = run_fixture(tmp_path, "--input", f"nope={tmp_path / 'x.npy'}")
    assert r.returncode == 2 and "'nope'" in r.stderr
    r = run_fixture(tmp_path, "--random-input", "--output", "no_such_tensor")
    assert r.returncode == 2 and "no_such_tensor" in r.stderr
    r = run_fixture(tmp_path, "--random-input", "--shape", "nope=1x2")
    assert r.returncode == 2 and "nope" in r.stderr
    r = run_fixture(tmp_path, "--random-input", "--shape", f"{input_name(FIXTURE / 'model.onnx')}=1xAx3")
    assert r.returncode == 2


def test_missing_files(tmp_path):
    r = cli("run", tmp_path / "absent.onnx", "--random-input")
    assert r.returncode == 2 and "absent.onnx" in r.stderr
    r = run_fixture(tmp_path, "--input", f"{input_name(FIXTURE / 'model.onnx')}={tmp_path / 'absent.npy'}")
    assert r.returncode == 2 and "absent.npy" in r.stderr
    r = cli("run", FIXTURE / "model.onnx", "--random-input", "--output-dir", tmp_path / "absent" / "deeper")
    assert r.returncode == 0 and (tmp_path / "absent" / "deeper").is_dir()  # created
    (tmp_path / "a_file").write_text("x")
    assert cli("run", FIXTURE / "model.onnx", "--random-input", "--output-dir", tmp_path / "a_file").returncode == 2


def test_random_input_binds_symbolic_batch(tmp_path):
    name = input_name(FIXTURE / "model.onnx")
    r = run_fixture(tmp_path, "--random-input", "--seed", "3", "--shape", f"{name}=2x64x64x3", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["outputs"][0]["shape"][0] == 2


def test_unsupported_operator_is_reported_before_running(tmp_path):
    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"], name="first"), helper.make_node("Det", ["y"], ["z"], name="the_det")],
        "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 2])], [helper.make_tensor_value_info("z", TensorProto.FLOAT, [])])
    path = tmp_path / "m.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))
    r = cli("run", path, "--random-input", "--output-dir", tmp_path)
    assert r.returncode == 1 and "the_det" in r.stderr and "Det" in r.stderr
    assert list(tmp_path.glob("*.npy")) == []


def test_unsupported_type_is_reported(tmp_path):
    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"], name="relu_on_doubles")],
        "g", [helper.make_tensor_value_info("x", TensorProto.DOUBLE, [2])], [helper.make_tensor_value_info("y", TensorProto.DOUBLE, [2])])
    path = tmp_path / "m.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))
    r = cli("run", path, "--random-input", "--output-dir", tmp_path)
    assert r.returncode == 1 and "double" in r.stderr and "'x'" in r.stderr
