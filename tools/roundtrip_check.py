#!/usr/bin/env python3
"""Compares a rebuilt model (ORIGINAL -> `onnx-blocks build --from` -> REBUILT) with the
original under onnxruntime: same interface (input/output names, shapes, element types), and
outputs plus logits (the input of the final Softmax) equal under |a-b| <= atol + rtol*|b|.
Prints one JSON line; exit 1 when something differs. Used by Tests/python/test_build.py and
tools/check_roundtrip_bench.sh."""
import argparse
import json
import sys

import numpy as np
import onnx
import onnxruntime as ort


def logits_name(model):
    outs = {o.name for o in model.graph.output}
    for node in model.graph.node:
        if node.op_type == "Softmax" and any(o in outs for o in node.output):
            return node.input[0]
    return None


def with_logits(model):
    """The model's bytes with the logits tensor added as a graph output (if it has a Softmax)."""
    name = logits_name(model)
    if name is not None and name not in {o.name for o in model.graph.output}:
        model.graph.output.append(onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None))
    return model, name


def session(path):
    model, name = with_logits(onnx.load(path))
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    return ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"]), name


def interface(model):
    def info(v):
        t = v.type.tensor_type
        return (v.name, t.elem_type, [d.dim_value if d.HasField("dim_value") else "?" for d in t.shape.dim])
    inits = {i.name for i in model.graph.initializer}
    return ([info(v) for v in model.graph.input if v.name not in inits], [info(v) for v in model.graph.output])


def compare(a, b, atol, rtol):
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    diff = np.abs(a - b)
    rel = diff / np.maximum(np.abs(b), 1e-30)
    ok = bool(np.all(diff <= atol + rtol * np.abs(b)))
    return {"max_abs": float(diff.max()), "max_rel": float(rel.max()), "pass": ok}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("original")
    p.add_argument("rebuilt")
    p.add_argument("--atol", type=float, default=1e-5)
    p.add_argument("--rtol", type=float, default=1e-4)
    p.add_argument("--batch", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()

    orig_model = onnx.load(args.original, load_external_data=False)
    new_model = onnx.load(args.rebuilt, load_external_data=False)
    same_interface = interface(orig_model) == interface(new_model)

    s1, l1 = session(args.original)
    s2, l2 = session(args.rebuilt)
    inp = s1.get_inputs()[0]
    shape = [args.batch if not isinstance(d, int) else d for d in inp.shape]
    x = np.random.default_rng(args.seed).standard_normal(shape).astype(np.float32)
    out_name = s1.get_outputs()[0].name
    r1 = dict(zip([o.name for o in s1.get_outputs()], s1.run(None, {inp.name: x})))
    r2 = dict(zip([o.name for o in s2.get_outputs()], s2.run(None, {inp.name: x})))
    result = {"interface": same_interface, "output": compare(r2[out_name], r1[out_name], args.atol, args.rtol)}
    if l1 is not None and l2 is not None:
        result["logits"] = compare(r2[l2], r1[l1], args.atol, args.rtol)
    print(json.dumps(result))
    ok = same_interface and result["output"]["pass"] and result.get("logits", {"pass": True})["pass"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
