"""Exit status per subcommand and failure kind, as the README's table states: 0 success,
1 a real mismatch or an invalid model, 2 unreadable input (missing file, folder, empty file,
text, PNG, .npy, truncated .onnx), bad arguments or a bad spec. Every row of the README
table is a case here."""
import json

import numpy as np
import pytest

from onnx_blocks_cli import ROOT, run_cli

FIXTURE = ROOT / "fixtures" / "resnet_v1_basic" / "model.onnx"
OTHER = ROOT / "fixtures" / "he2016_original" / "model.onnx"


def unreadable_inputs(tmp):
    """Files that are no ONNX model, each made the way users meet them."""
    (tmp / "empty.onnx").write_bytes(b"")
    (tmp / "notes.txt").write_text("this is a text file, not a model\n" * 20)
    (tmp / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    np.save(tmp / "tensor.npy", np.arange(64, dtype=np.float32))
    data = FIXTURE.read_bytes()
    (tmp / "truncated.onnx").write_bytes(data[: len(data) // 3])
    (tmp / "folder.onnx").mkdir()
    return {"missing": tmp / "absent.onnx", "folder": tmp / "folder.onnx", "empty": tmp / "empty.onnx",
            "text": tmp / "notes.txt", "png": tmp / "image.png", "npy": tmp / "tensor.npy",
            "truncated": tmp / "truncated.onnx"}


def commands(model):
    """Each subcommand with the given file as its model."""
    return {
        "check": ["check", model],
        "inspect": ["inspect", model],
        "blocks": ["blocks", model],
        "verify": ["verify", model, "--expect-arch", "resnet18"],
        "diff": ["diff", model, FIXTURE],
        "run": ["run", model, "--random-input", "--output-dir", "/tmp/onnx-blocks-exit-codes"],
        "compare": ["compare", model, FIXTURE],
        "convert": ["convert", model, "/tmp/onnx-blocks-exit-codes/out.onnx"],
        "build": ["build", "--from", model, "-o", "/tmp/onnx-blocks-exit-codes/out.onnx"],
        "bench": ["bench", model, "--runs", "1", "--warmup", "0"],
    }


KINDS = ["missing", "folder", "empty", "text", "png", "npy", "truncated"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("command", list(commands("X")))
def test_unreadable_model_exits_2_with_one_line(tmp_path, command, kind):
    path = unreadable_inputs(tmp_path)[kind]
    r = run_cli(*commands(path)[command])
    assert r.returncode == 2, f"{command} on {kind}: exit {r.returncode}\n{r.stdout}{r.stderr}"
    assert r.stderr.startswith("error:"), r.stderr  # one spelling, ours and ArgumentParser's
    assert "Traceback" not in r.stderr and "NSCocoaErrorDomain" not in r.stderr


@pytest.mark.parametrize("args", [
    ["verify", FIXTURE],                                        # neither --expect nor --expect-arch
    ["verify", FIXTURE, "--expect-arch", "resnet5"],            # unknown architecture
    ["verify", FIXTURE, "--expect", "/nonexistent/spec.json"],  # spec missing
    ["verify", FIXTURE, "--expect", ROOT / "fixtures"],         # spec is a folder
    ["diff", FIXTURE],                                          # one model
    ["run", FIXTURE, "--threads", "0"],
    ["run", FIXTURE, "--threads", "100000"],
    ["compare", FIXTURE],                                       # neither B nor --reference
    ["compare", FIXTURE, "--reference", "/nonexistent/folder"],
] + [[command, FIXTURE, "--no-such-flag"] for command in
      ("check", "inspect", "blocks", "verify", "diff", "run", "compare", "convert", "build")])
def test_bad_arguments_exit_2(args):
    r = run_cli(*args)
    assert r.returncode == 2, f"{args}: exit {r.returncode}\n{r.stdout}{r.stderr}"
    assert r.stderr.startswith("error:"), r.stderr
    assert "NSCocoaErrorDomain" not in r.stderr


def test_spec_folder_and_missing_spec_name_the_file():
    r = run_cli("verify", FIXTURE, "--expect", ROOT / "fixtures")
    assert "fixtures" in r.stderr and "folder" in r.stderr
    r = run_cli("verify", FIXTURE, "--expect", "/nonexistent/spec.json")
    assert "/nonexistent/spec.json" in r.stderr and "no such file" in r.stderr


def test_run_wrong_input_name_and_wrong_shape_agree(tmp_path):
    np.save(tmp_path / "x.npy", np.zeros((1, 63, 64, 3), np.float32))
    import onnx
    name = onnx.load(str(FIXTURE), load_external_data=False).graph.input[0].name
    wrong_shape = run_cli("run", FIXTURE, "--input", f"{name}={tmp_path / 'x.npy'}", "--output-dir", tmp_path)
    wrong_name = run_cli("run", FIXTURE, "--input", f"nope={tmp_path / 'x.npy'}", "--output-dir", tmp_path)
    assert wrong_shape.returncode == wrong_name.returncode == 2, (wrong_shape.stderr, wrong_name.stderr)


def perturbed(tmp_path):
    """FIXTURE with one weight changed: same interface, other numbers."""
    import onnx
    from onnx import numpy_helper
    m = onnx.load(str(FIXTURE))
    t = max(m.graph.initializer, key=lambda t: np.prod(t.dims))
    w = numpy_helper.to_array(t).copy()
    w += 0.5  # every element: no dead ReLU can hide it
    t.CopyFrom(numpy_helper.from_array(w, t.name))
    onnx.save(m, str(tmp_path / "perturbed.onnx"))
    return tmp_path / "perturbed.onnx"


# An ONNX file that reads but breaks the rules: its node reads a tensor nothing defines.
INVALID_EXPECTED = {"check": 1, "inspect": 0, "blocks": 1, "verify": 1, "diff": 1, "run": 1, "compare": 1,
                    "convert": 0, "build": 1, "bench": 1}


@pytest.mark.parametrize("command", list(INVALID_EXPECTED))
def test_invalid_model_exit_status(tmp_path, command):
    from onnx import TensorProto as T, helper as h
    graph = h.make_graph([h.make_node("Relu", ["Q"], ["Y"], name="relu")], "g",
                         [h.make_tensor_value_info("X", T.FLOAT, [1, 3, 8, 8])], [h.make_tensor_value_info("Y", T.FLOAT, [1, 3, 8, 8])])
    path = tmp_path / "invalid.onnx"
    path.write_bytes(h.make_model(graph, opset_imports=[h.make_opsetid("", 17)]).SerializeToString())
    args = [str(a).replace("/tmp/onnx-blocks-exit-codes", str(tmp_path)) for a in commands(path)[command]]
    if command == "diff":
        args = ["diff", path, path]
    if command == "compare":
        args = ["compare", path, path]
    r = run_cli(*args)
    assert r.returncode == INVALID_EXPECTED[command], f"{command}: exit {r.returncode}\n{r.stdout}{r.stderr}"


def test_real_mismatches_exit_1(tmp_path):
    assert run_cli("verify", FIXTURE, "--expect-arch", "resnet50").returncode == 1
    assert run_cli("diff", FIXTURE, OTHER).returncode == 1
    assert run_cli("compare", FIXTURE, perturbed(tmp_path), "--random-input").returncode == 1


def test_success_exits_0(tmp_path):
    assert run_cli("diff", FIXTURE, FIXTURE).returncode == 0
    assert run_cli("blocks", FIXTURE).returncode == 0
    assert run_cli("check", FIXTURE).returncode == 0


def test_threads_beyond_cores_warns(tmp_path):
    import os
    cores = os.cpu_count()
    r = run_cli("run", FIXTURE, "--random-input", "--threads", str(cores * 2), "--output-dir", tmp_path)
    assert r.returncode == 0, r.stderr
    assert "warning: --threads" in r.stderr


def test_run_pb_layout_round_trips_through_compare(tmp_path):
    ref = tmp_path / "ref"
    r = run_cli("run", FIXTURE, "--output-dir", ref, "--format", "pb", "--json")
    assert r.returncode == 0, r.stderr
    assert "note: no --input" in r.stderr  # random inputs are said, not hidden
    assert sorted(p.name for p in ref.iterdir()) == ["input_0.pb", "output_0.pb"]
    r = run_cli("compare", FIXTURE, "--reference", ref)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "note: no --input" not in r.stderr  # the folder's inputs were used
    assert run_cli("compare", perturbed(tmp_path), "--reference", ref).returncode == 1
    # The same folder as .npy files (numpy users' form): read by position.
    import onnx
    from onnx import numpy_helper
    npy = tmp_path / "npy"
    npy.mkdir()
    for name in ("input_0", "output_0"):
        np.save(npy / f"{name}.npy", numpy_helper.to_array(onnx.load_tensor(str(ref / f"{name}.pb"))))
    r = run_cli("compare", FIXTURE, "--reference", npy)
    assert r.returncode == 0, r.stdout + r.stderr


def test_compare_says_it_used_random_inputs():
    r = run_cli("compare", FIXTURE, FIXTURE)
    assert r.returncode == 0 and "note: no --input" in r.stderr and "random" in r.stderr


@pytest.mark.parametrize("command", ["check", "inspect", "blocks", "verify", "diff", "run", "compare", "convert", "build", "bench"])
def test_every_help_has_an_example(command):
    r = run_cli(command, "--help")
    assert r.returncode == 0
    assert "onnx-blocks " + command in r.stdout.split("USAGE")[0] or "Example" in r.stdout, r.stdout


def test_run_tensor_selector_has_its_own_name(tmp_path):
    import onnx
    out = onnx.load(str(FIXTURE), load_external_data=False).graph.output[0].name
    r = run_cli("run", FIXTURE, "--random-input", "--tensor", out, "--output-dir", tmp_path, "--json")
    assert r.returncode == 0, r.stderr
    assert [o["name"] for o in json.loads(r.stdout)["outputs"]] == [out]
