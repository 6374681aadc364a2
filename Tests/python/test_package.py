"""The packaged binary (tools/package.sh) and the library example (Examples/QuickStart).

tools/test.sh builds both and points ONNX_BLOCKS_PACKAGE at the tarball and
ONNX_BLOCKS_EXAMPLE at the example's binary; a missing one fails the test.
"""
import hashlib
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from onnx_blocks_cli import ROOT, required_env

FIXTURE = ROOT / "fixtures" / "resnet_v1_bottleneck"


def unpacked(tmp_path):
    tarball = Path(required_env("ONNX_BLOCKS_PACKAGE"))
    if not tarball.is_file():
        pytest.fail(f"ONNX_BLOCKS_PACKAGE={tarball} does not exist (run tools/package.sh)")
    expected = Path(str(tarball) + ".sha256").read_text().split()[0]
    assert hashlib.sha256(tarball.read_bytes()).hexdigest() == expected, "tarball checksum differs"
    with tarfile.open(tarball) as archive:
        archive.extractall(tmp_path, filter="data")
    (root,) = list(tmp_path.iterdir())
    return root


def test_package_links_no_swift_runtime(tmp_path):
    root = unpacked(tmp_path)
    binary = root / "bin" / "onnx-blocks"
    ldd = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, timeout=60).stdout
    assert "libswift" not in ldd and "libFoundation" not in ldd, ldd
    assert str(root / "bin" / ".." / "lib" / "libprotobuf-c.so.1") in ldd, ldd


def test_package_runs_verify_without_toolchain(tmp_path):
    """The README's verify example, with /opt/swift hidden (a private mount namespace) and a
    bare environment, so nothing of the Swift toolchain is reachable."""
    root = unpacked(tmp_path)
    binary = root / "bin" / "onnx-blocks"
    command = [str(binary), "verify", str(FIXTURE / "model.onnx"), "--expect", str(FIXTURE / "expected_blocks.json")]
    swift_root = Path(shutil.which("swift") or "/opt/swift/usr/bin/swift").resolve().parents[2]
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.fail("hiding the toolchain needs root and unshare (CI runs as root)")
    script = f'mount -t tmpfs none "{swift_root}" && exec "$@"'
    result = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", *command],
                            capture_output=True, text=True, timeout=120, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok:" in result.stdout
    # The same binary with the toolchain hidden still says "mismatch" where it should.
    bad = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", str(binary), "verify",
                          str(FIXTURE / "model.onnx"), "--expect-arch", "resnet101"],
                         capture_output=True, text=True, timeout=120, env={"PATH": "/usr/bin:/bin"})
    assert bad.returncode == 1, bad.stdout + bad.stderr


def test_example_package_reads_maps_runs_and_compares():
    example = Path(required_env("ONNX_BLOCKS_EXAMPLE"))
    if not example.is_file():
        pytest.fail(f"ONNX_BLOCKS_EXAMPLE={example} does not exist (build Examples/QuickStart)")
    result = subprocess.run([str(example), str(FIXTURE / "model.onnx"), str(FIXTURE / "test_data_set_0")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "family resnet" in result.stdout
    assert "compared with onnxruntime (output_0.pb)" in result.stdout
    assert "equivalent" in result.stdout and "NOT equivalent" not in result.stdout
