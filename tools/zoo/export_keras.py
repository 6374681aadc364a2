#!/usr/bin/env python3
"""Exports keras.applications classifiers (random weights, randomized BatchNormalization
statistics) to ONNX with `model.export(format="onnx")` (tf2onnx): OUT/keras_<Name>/model.onnx.
Skips models already exported. Not a test; needs the Keras venv (tools/setup_keras_venv.sh).

  export_keras.py --out DIR [--models MobileNetV2 EfficientNetB0 ...] [--verify]
"""
import argparse
import contextlib
import os
import sys
import traceback

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
import keras

SUBSET = ["MobileNetV2", "EfficientNetB0", "DenseNet121", "ConvNeXtTiny"]
ALL = ["VGG16", "VGG19", "Xception", "ResNet50", "ResNet101", "ResNet152", "ResNet50V2", "ResNet101V2",
       "ResNet152V2", "InceptionV3", "InceptionResNetV2", "MobileNet", "MobileNetV2", "MobileNetV3Small",
       "MobileNetV3Large", "DenseNet121", "DenseNet169", "DenseNet201", "NASNetMobile", "EfficientNetB0",
       "EfficientNetV2B0", "ConvNeXtTiny"]
SIDE = {"InceptionV3": 299, "InceptionResNetV2": 299, "Xception": 299}
# VGG16/VGG19 do not export on a 23 GB host: tf2onnx's conversion holds 40-65x the weights
# (ResNet101: 11.5 GB), and VGG16's 528 MB took it past 23 GB (killed; its large-model route
# was past 15 GB when stopped).


@contextlib.contextmanager
def traceable_ops():
    """Two Keras TensorFlow-backend ops that tf2onnx turns into invalid ONNX, swapped while
    tracing for export for the same arithmetic in ops it converts:
    - grouped convolutions (ConvNeXt's depthwise 7x7 is a Conv2D with groups) run in an
      XLA-compiled tf.function, left as an opaque StatefulPartitionedCall: traced as the plain
      tf.nn.convolution instead (tf2onnx gives Conv with `group`);
    - exact GELU is tf.nn.gelu = x/2 * erfc(-x/sqrt 2), and tf2onnx emits `Erfc`, which ONNX
      lacks: traced as x/2 * (1 + erf(x/sqrt 2)) (erfc(-z) = 1 + erf(z)).
    """
    import tensorflow as tf
    from keras.src.backend.tensorflow import nn as tf_nn

    conv, gelu = tf_nn.conv, tf_nn.gelu

    def plain_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
        data_format = keras.src.backend.standardize_data_format(data_format)
        tf_format = tf_nn._convert_data_format(data_format, len(inputs.shape))
        return tf.nn.convolution(inputs, kernel, strides, padding.upper(), data_format=tf_format, dilations=dilation_rate)

    def erf_gelu(x, approximate=True):
        if approximate:
            return gelu(x, approximate=True)
        x = tf.convert_to_tensor(x)
        return 0.5 * x * (1.0 + tf.math.erf(x * np.float32(1 / np.sqrt(2))))

    tf_nn.conv, tf_nn.gelu = plain_conv, erf_gelu
    try:
        yield
    finally:
        tf_nn.conv, tf_nn.gelu = conv, gelu


def freeze_normalization_inputs(path, model):
    """tf2onnx exports a Normalization layer's mean and variance (EfficientNet, EfficientNetV2,
    ConvNeXt preprocessing) as extra graph inputs `<model>/<layer>_1/Sub/y:0` and
    `.../Sqrt/x:0` instead of constants; they become initializers holding the layer's values,
    so the model has one input like every other export."""
    import onnx
    from onnx import numpy_helper

    graph_model = onnx.load(path)
    graph = graph_model.graph
    initialized = {t.name for t in graph.initializer}
    layers = {layer.name: layer for layer in model.layers}
    for value in [i for i in graph.input if i.name not in initialized][1:]:
        parts = value.name.split("/")
        layer = layers.get(parts[1][:-2] if len(parts) > 2 and parts[1].endswith("_1") else "")
        op = parts[-2] if len(parts) > 2 else ""
        if not isinstance(layer, keras.layers.Normalization) or op not in ("Sub", "Sqrt"):
            raise RuntimeError(f"unexpected extra graph input {value.name}")
        array = np.asarray(layer.mean if op == "Sub" else layer.variance, np.float32)
        dims = [d.dim_value for d in value.type.tensor_type.shape.dim]
        graph.initializer.append(numpy_helper.from_array(array.reshape(dims), value.name))
        graph.input.remove(value)
    onnx.checker.check_model(graph_model)
    onnx.save(graph_model, path)


def keras_vs_onnxruntime(model, path, side):
    """max |Keras - onnxruntime| on the logits of one seeded input: the export's own fidelity
    (the trace-time swaps above must not change the arithmetic)."""
    import onnxruntime as ort

    x = np.random.default_rng(1).standard_normal((1, side, side, 3)).astype(np.float32)
    expected = np.asarray(model(x))
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    actual = session.run(None, {session.get_inputs()[0].name: x})[0]
    return float(np.max(np.abs(actual - expected))), float(np.max(np.abs(expected)))


def export(name, out, verify=False):
    folder = os.path.join(out, f"keras_{name}")
    path = os.path.join(folder, "model.onnx")
    if os.path.exists(path):
        return "cached"
    os.makedirs(folder, exist_ok=True)
    keras.utils.set_random_seed(0)
    side = SIDE.get(name, 224)
    # Logits, not softmax: a near-uniform softmax hides errors.
    model = getattr(keras.applications, name)(weights=None, input_shape=(side, side, 3), classifier_activation=None)
    rng = np.random.default_rng(0)
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            # Weights in Keras' order; InceptionV3 and InceptionResNetV2 have no gamma (scale=False).
            shape = layer.moving_mean.shape
            weights = [rng.uniform(0.5, 1.5, shape)] if layer.scale else []
            weights += [rng.uniform(-0.2, 0.2, shape)] if layer.center else []
            layer.set_weights(weights + [rng.uniform(-0.2, 0.2, shape), rng.uniform(0.5, 1.5, shape)])
    model(np.zeros((1, side, side, 3), np.float32))
    tmp = os.path.join(folder, "tmp.onnx")
    with traceable_ops():
        model.export(tmp, format="onnx", verbose=False)
    freeze_normalization_inputs(tmp, model)
    os.replace(tmp, path)
    if verify:
        error, scale = keras_vs_onnxruntime(model, path, side)
        return f"exported; max |keras - onnxruntime| {error:.3e} (scale {scale:.3g})"
    return "exported"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True)
    p.add_argument("--models", nargs="+", default=SUBSET, help="names, or 'all'")
    p.add_argument("--verify", action="store_true", help="also compare Keras' own logits with onnxruntime's on the export")
    args = p.parse_args()
    failed = 0
    for name in (ALL if args.models == ["all"] else args.models):
        try:
            print(f"keras_{name}: {export(name, args.out, args.verify)}", flush=True)
        except Exception as error:
            failed += 1
            print(f"keras_{name}: EXPORT FAILED {type(error).__name__}: {str(error)[:200]}", flush=True)
            traceback.print_exc(limit=2, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
