#!/usr/bin/env python3
"""Writes the ONNX conformance data our tests use, in the ONNX backend-test layout.

  DIR/node/<case>/model.onnx                    every onnx.backend.test.case.node case
  DIR/node/<case>/test_data_set_N/input_K.pb    inputs and expected outputs (TensorProto, or
  DIR/node/<case>/test_data_set_N/output_K.pb   Sequence/Map/OptionalProto for those types)
  DIR/{light,pytorch-converted,pytorch-operator,simple}/...   copied from the onnx wheel

A stamp file (DIR/.complete, holding the onnx version and counts) makes reruns instant.
Usage: make_conformance_data.py --out DIR [--force]
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import warnings

import numpy as np
import onnx
from onnx import numpy_helper
from onnx.backend.test.case import node as node_cases

WHEEL_SUITES = ["light", "pytorch-converted", "pytorch-operator", "simple"]


def value_proto(value, type_proto, name):
    """The serialized proto for one test value, chosen by the graph's declared type."""
    if isinstance(value, onnx.TensorProto):  # types numpy cannot hold (int4, float8, ...)
        proto = onnx.TensorProto()
        proto.CopyFrom(value)
        proto.name = name
        return proto
    which = type_proto.WhichOneof("value")
    if which == "sequence_type":
        return numpy_helper.from_list(value, name)
    if which == "map_type":
        return numpy_helper.from_dict(value, name)
    if which == "optional_type":
        return numpy_helper.from_optional(value, name)
    return numpy_helper.from_array(np.asarray(value) if not isinstance(value, np.ndarray) else value, name)


def write_case(case, case_dir):
    os.makedirs(case_dir, exist_ok=True)
    with open(os.path.join(case_dir, "model.onnx"), "wb") as f:
        f.write(case.model.SerializeToString())
    graph = case.model.graph
    for n, (inputs, outputs) in enumerate(case.data_sets or []):
        set_dir = os.path.join(case_dir, f"test_data_set_{n}")
        os.makedirs(set_dir, exist_ok=True)
        for prefix, values, declared in (("input", inputs, graph.input), ("output", outputs, graph.output)):
            for k, value in enumerate(values):
                info = declared[k]
                proto = value_proto(value, info.type, info.name)
                with open(os.path.join(set_dir, f"{prefix}_{k}.pb"), "wb") as f:
                    f.write(proto.SerializeToString())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--force", action="store_true", help="regenerate even if the stamp says complete")
    args = parser.parse_args()
    out = os.path.abspath(args.out)
    stamp = os.path.join(out, ".complete")
    if not args.force and os.path.exists(stamp):
        with open(stamp) as f:
            info = json.load(f)
        if info.get("onnx") == onnx.__version__:
            print(f"conformance data in {out} is complete (onnx {info['onnx']}: {info['node']} node cases)")
            return 0

    # Build into a fresh folder beside the target and swap it in, so an interrupted run
    # never leaves a half-written tree that looks complete.
    parent = os.path.dirname(out)
    os.makedirs(parent, exist_ok=True)
    work = tempfile.mkdtemp(prefix=".conformance-", dir=parent)
    # The onnx reference code warns about inf/nan it computes on purpose; that is noise here.
    warnings.simplefilter("ignore")
    with np.errstate(all="ignore"):
        cases = node_cases.collect_testcases()
    written, failed = 0, []
    for case in cases:
        try:
            write_case(case, os.path.join(work, "node", case.name))
            written += 1
        except Exception as error:  # report, never hide
            failed.append(f"{case.name}: {type(error).__name__}: {error}")
    data_root = os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data")
    copied = {}
    for suite in WHEEL_SUITES:
        shutil.copytree(os.path.join(data_root, suite), os.path.join(work, suite))
        copied[suite] = len(os.listdir(os.path.join(work, suite)))
    with open(os.path.join(work, ".complete"), "w") as f:
        json.dump({"onnx": onnx.__version__, "node": written, "node_failed": failed, "copied": copied}, f, indent=1)
    if os.path.exists(out):
        shutil.rmtree(out)
    os.rename(work, out)
    print(f"wrote {written} node cases ({len(failed)} failed) and {copied} to {out}")
    for line in failed:
        print("  failed:", line, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
