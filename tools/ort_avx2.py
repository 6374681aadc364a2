#!/usr/bin/env python3
"""Makes a copy of the installed onnxruntime that uses its AVX2 kernels on an AVX-512 host, to
measure both runtimes as they would run on an AVX2-only CPU (`bench_runtime.py --isa avx2`).

onnxruntime picks its CPU kernels once, at load time (MLAS, `MLAS_PLATFORM`): it reads CPUID
leaf 7 (EBX bit 16, AVX512F) and XCR0 (bits 5-7, the OS saves the opmask and ZMM state), and
takes the AVX-512 kernels only when both say yes; otherwise it keeps the AVX2 / FMA3 ones it
chose just before. It has no setting for this, so the copy's machine code is changed at that
one branch: `not rax; test al, 0xE0; je <AVX-512 setup>` becomes `not rax; test al, 0xE0;
<6-byte nop>`, and every AVX-512 kernel stays unused, exactly as on a CPU without AVX-512. The
installed package is not touched; the copy goes to DIR/onnxruntime (default
$ONNX_BLOCKS_CACHE/ort-avx2, else .cache/ort-avx2), and `PYTHONPATH=DIR` selects it.

The byte pattern is the one compiled into the onnxruntime wheels this project pins (1.32 on
Linux x86-64); the tool refuses when it does not find it exactly once, rather than guess.
Measurement only: nothing in the runtime or the tests uses it.

  tools/ort_avx2.py [--dir DIR]      # prints DIR
"""
import argparse
import os
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# test r10d, 0x10000 (CPUID.7.EBX AVX512F); je +N; mov rax, r8; not rax; test al, 0xE0; je rel32
PATTERN = re.compile(rb"\x41\xf7\xc2\x00\x00\x01\x00\x74.\x4c\x89\xc0\x48\xf7\xd0\xa8\xe0(\x0f\x84....)", re.S)
NOP6 = b"\x66\x0f\x1f\x44\x00\x00"


def default_dir():
    cache = os.environ.get("ONNX_BLOCKS_CACHE", str(ROOT / ".cache"))
    return Path(cache) / "ort-avx2"


def make_copy(target: Path) -> Path:
    """Copies onnxruntime to target/onnxruntime with the AVX-512 branch disabled; returns target."""
    import onnxruntime

    source = Path(onnxruntime.__file__).resolve().parent
    marker = target / "onnxruntime" / ".avx2-patched"
    if marker.exists() and marker.read_text() == f"{onnxruntime.__version__} {source}\n":
        return target
    if (target / "onnxruntime").exists():
        shutil.rmtree(target / "onnxruntime")
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, target / "onnxruntime")
    libraries = sorted((target / "onnxruntime" / "capi").glob("onnxruntime_pybind11_state*.so"))
    if len(libraries) != 1:
        sys.exit(f"ort_avx2: expected one onnxruntime_pybind11_state*.so in {source}/capi, found {len(libraries)}")
    library = libraries[0]
    data = bytearray(library.read_bytes())
    matches = list(PATTERN.finditer(data))
    if len(matches) != 1:
        shutil.rmtree(target / "onnxruntime")
        sys.exit(f"ort_avx2: onnxruntime {onnxruntime.__version__}: the AVX-512 selection branch was found "
                 f"{len(matches)} times in {library.name} (expected once); this version is not supported")
    start = matches[0].start(1)
    data[start:start + 6] = NOP6
    library.write_bytes(bytes(data))
    marker.write_text(f"{onnxruntime.__version__} {source}\n")
    return target


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, default=default_dir())
    args = parser.parse_args()
    print(make_copy(args.dir))


if __name__ == "__main__":
    main()
