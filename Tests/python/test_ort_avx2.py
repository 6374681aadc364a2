"""tools/ort_avx2.py: the onnxruntime copy that `bench_runtime.py --isa avx2` measures against.

It must (1) find its one branch in the pinned onnxruntime, (2) change nothing else, and (3) take
effect: on an AVX-512 host the copy's outputs differ in the last bits from the installed
package's (other kernels, other summation order) while staying equivalent; on an AVX2-only host
both already run the AVX2 kernels, so the outputs are bit for bit the same.
"""
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import ort_avx2  # noqa: E402

FIXTURE = ROOT / "fixtures" / "inception_resnet_v2" / "model.onnx"

RUN = r"""
import sys, numpy as np, onnxruntime as ort
options = ort.SessionOptions()
options.intra_op_num_threads = 1
session = ort.InferenceSession(sys.argv[1], options, providers=["CPUExecutionProvider"])
i = session.get_inputs()[0]
dims = [d if isinstance(d, int) else 1 for d in i.shape]
x = np.random.default_rng(7).uniform(-1, 1, dims).astype(np.float32)
np.save(sys.argv[2], session.run(None, {i.name: x})[0])
print(ort.__file__)
"""


def host_has_avx512():
    flags = next((line for line in open("/proc/cpuinfo") if line.startswith("flags")), "")
    return "avx512f" in flags.split()


def run_ort(pythonpath, out):
    env = {"PATH": "/usr/bin:/bin"}
    if pythonpath:
        env["PYTHONPATH"] = str(pythonpath)
    done = subprocess.run([sys.executable, "-c", RUN, str(FIXTURE), str(out)], capture_output=True, text=True,
                          timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip(), np.load(out)


def test_copy_differs_in_one_branch_only(tmp_path):
    copy = ort_avx2.make_copy(tmp_path / "ort")
    import onnxruntime
    installed = Path(onnxruntime.__file__).resolve().parent / "capi"
    [original] = installed.glob("onnxruntime_pybind11_state*.so")
    patched = copy / "onnxruntime" / "capi" / original.name
    a, b = original.read_bytes(), patched.read_bytes()
    assert len(a) == len(b)
    changed = [i for i in range(len(a)) if a[i] != b[i]] if a != b else []
    # je rel32 (0f 84 ....) replaced by a 6-byte nop (bytes the two share stay as they were).
    assert changed and changed[-1] - changed[0] < 6, changed[:10]
    assert b[changed[0]:changed[0] + 6] == ort_avx2.NOP6
    assert a[changed[0]:changed[0] + 2] == b"\x0f\x84"


def test_copy_runs_and_takes_the_avx2_kernels(tmp_path):
    copy = ort_avx2.make_copy(tmp_path / "ort")
    where_installed, installed = run_ort(None, tmp_path / "installed.npy")
    where_copy, emulated = run_ort(copy, tmp_path / "copy.npy")
    assert where_copy.startswith(str(copy)), where_copy
    assert not where_installed.startswith(str(copy))
    np.testing.assert_allclose(emulated, installed, rtol=1e-4, atol=1e-5)
    if host_has_avx512():
        assert not np.array_equal(emulated, installed), "the copy still runs the AVX-512 kernels"
    else:
        np.testing.assert_array_equal(emulated, installed)
