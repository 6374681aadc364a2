"""Export a built Keras model the way users do and write the ONNX backend-test layout.

    <dir>/model.onnx                                  Keras model.export(format="onnx")
    <dir>/test_data_set_<k>/input_0.pb                seeded input (NHWC, as the graph takes it)
    <dir>/test_data_set_<k>/output_0.pb               onnxruntime output of model.onnx
    <dir>/test_data_set_<k>/logits.pb                 onnxruntime value of the softmax input
                                                      (TensorProto.name = that tensor's name)
    <dir>/expected_blocks.json                        the Recorder's block list
    <dir>/README.md                                   how it was made
Keras' own outputs (and logits, from the pooled features and the Dense weights) are compared
with onnxruntime's under the equivalence rule; a mismatch aborts.
"""
import json
import os
import shutil
import tempfile

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper

from .head import LOGITS_LAYER, POOLED_LAYER

ATOL, RTOL = 1e-5, 1e-4


def compare(actual, expected):
    """(max abs, max rel, passes) under |a-b| <= atol + rtol*|b|."""
    diff = np.abs(actual.astype(np.float64) - expected.astype(np.float64))
    rel = diff / np.maximum(np.abs(expected.astype(np.float64)), 1e-30)
    ok = bool(np.all(diff <= ATOL + RTOL * np.abs(expected)))
    return float(diff.max()), float(rel.max()), ok


def logits_tensor_name(model_proto):
    """The input of the Softmax producing the graph output, or the output itself."""
    out = model_proto.graph.output[0].name
    for node in model_proto.graph.node:
        if node.op_type == "Softmax" and out in node.output:
            return node.input[0]
    return out


def with_extra_output(model_proto, name):
    m = onnx.ModelProto()
    m.CopyFrom(model_proto)
    if name not in [o.name for o in m.graph.output]:
        m.graph.output.append(onnx.helper.make_empty_tensor_value_info(name))
    return m


def ort_session(model_bytes):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    return ort.InferenceSession(model_bytes, opts, providers=["CPUExecutionProvider"])


def keras_logits(model, x):
    """Dense input (pooled features) times the Dense weights: the pre-softmax values in Keras."""
    import keras
    # The classifier's input: the pooled features (or, for a multi-FC head, the last hidden layer's).
    pooled = keras.Model(model.inputs, model.get_layer(LOGITS_LAYER).input)(x, training=False)
    kernel, bias = model.get_layer(LOGITS_LAYER).get_weights()
    return np.asarray(pooled, dtype=np.float64) @ kernel.astype(np.float64) + bias


def make_inputs(shape, seed, batches):
    rng = np.random.default_rng(seed)
    return [rng.uniform(-1.0, 1.0, (b,) + tuple(shape)).astype("float32") for b in batches]


def export_onnx(model, path, sample):
    import tf2onnx.utils
    model(sample, training=False)  # Keras needs one call before export
    # tf2onnx numbers the nodes it inserts (`Conv__123`) from a process-wide counter; restart it
    # so a fixture's node names do not depend on what was exported before it in this process.
    tf2onnx.utils.INTERNAL_NAME = 1
    model.export(path, format="onnx", verbose=False)


def write_case(out_dir, model, rec, inputs, readme, strict=True):
    """Exports, checks against Keras, writes the folder. Returns a summary dict. With
    strict=False a Keras/onnxruntime mismatch is reported in the summary instead of raised."""
    tmp = tempfile.mkdtemp(prefix="onnx-blocks-export-")
    try:
        onnx_path = os.path.join(tmp, "model.onnx")
        export_onnx(model, onnx_path, inputs[0])
        proto = onnx.load(onnx_path)
        input_name = proto.graph.input[0].name
        output_name = proto.graph.output[0].name
        logits_name = logits_tensor_name(proto)
        plain = ort_session(proto.SerializeToString())
        with_logits = ort_session(with_extra_output(proto, logits_name).SerializeToString())
        worst = {}
        sets = []
        for x in inputs:
            (y,) = plain.run([output_name], {input_name: x})
            (logits,) = with_logits.run([logits_name], {input_name: x})
            for label, got, want in (("output", y, np.asarray(model(x, training=False))),
                                     ("logits", logits, keras_logits(model, x))):
                mabs, mrel, ok = compare(got, want)
                if not ok and strict:
                    raise RuntimeError(f"{out_dir}: onnxruntime {label} differs from Keras "
                                       f"(max abs {mabs:.3g}, max rel {mrel:.3g})")
                prev = worst.get(label, (0.0, 0.0, True))
                worst[label] = (max(prev[0], mabs), max(prev[1], mrel), prev[2] and ok)
            sets.append((x, y, logits))
        if os.path.exists(out_dir):
            shutil.rmtree(out_dir)
        os.makedirs(out_dir)
        shutil.copyfile(onnx_path, os.path.join(out_dir, "model.onnx"))
        for k, (x, y, logits) in enumerate(sets):
            d = os.path.join(out_dir, f"test_data_set_{k}")
            os.makedirs(d)
            for fname, arr, name in (("input_0.pb", x, input_name), ("output_0.pb", y, output_name),
                                     ("logits.pb", logits, logits_name)):
                with open(os.path.join(d, fname), "wb") as f:
                    f.write(numpy_helper.from_array(np.ascontiguousarray(arr), name).SerializeToString())
        keras_input = model.inputs[0].name
        if keras_input != input_name:
            raise RuntimeError(f"{out_dir}: ONNX input {input_name!r} is not Keras' {keras_input!r}")
        doc = rec.document(len(proto.graph.node))
        with open(os.path.join(out_dir, "expected_blocks.json"), "w") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")
        params = model.count_params()
        trainable = int(sum(np.prod(w.shape) for w in model.trainable_weights))
        summary = {
            "name": os.path.basename(out_dir), "params": params, "trainable": trainable,
            "nodes": len(proto.graph.node), "input": input_name,
            "input_shape": list(inputs[0].shape[1:]), "output": output_name, "logits": logits_name,
            "bytes": os.path.getsize(os.path.join(out_dir, "model.onnx")),
            "keras_vs_ort": {k: {"max_abs": v[0], "max_rel": v[1], "passes": v[2]} for k, v in worst.items()},
            "logits_range": [float(sets[0][2].min()), float(sets[0][2].max())],
        }
        with open(os.path.join(out_dir, "README.md"), "w") as f:
            f.write(readme.rstrip() + "\n\n")
            f.write(f"- input `{input_name}` NHWC {summary['input_shape']}; test_data_set_0 batch "
                    f"{inputs[0].shape[0]}" + (f", test_data_set_1 batch {inputs[1].shape[0]}" if len(inputs) > 1 else "")
                    + "\n")
            f.write(f"- output `{output_name}`; logits.pb = tensor `{logits_name}`\n")
            f.write(f"- Keras count_params {params} (trainable {trainable}); {summary['nodes']} ONNX nodes\n")
        return summary
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
