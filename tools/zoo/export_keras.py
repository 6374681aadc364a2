#!/usr/bin/env python3
"""Exports keras.applications classifiers (random weights, randomized BatchNormalization
statistics) to ONNX with `model.export(format="onnx")` (tf2onnx): OUT/keras_<Name>/model.onnx.
Skips models already exported. Not a test; needs the Keras venv (tools/setup_keras_venv.sh).

  export_keras.py --out DIR [--models MobileNetV2 EfficientNetB0 ...]
"""
import argparse
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


def export(name, out):
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
            gamma, beta, mean, var = layer.get_weights()
            layer.set_weights([rng.uniform(0.5, 1.5, gamma.shape), rng.uniform(-0.2, 0.2, beta.shape),
                               rng.uniform(-0.2, 0.2, mean.shape), rng.uniform(0.5, 1.5, var.shape)])
    model(np.zeros((1, side, side, 3), np.float32))
    tmp = os.path.join(folder, "tmp.onnx")
    model.export(tmp, format="onnx", verbose=False)
    os.replace(tmp, path)
    return "exported"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True)
    p.add_argument("--models", nargs="+", default=SUBSET, help="names, or 'all'")
    args = p.parse_args()
    failed = 0
    for name in (ALL if args.models == ["all"] else args.models):
        try:
            print(f"keras_{name}: {export(name, args.out)}", flush=True)
        except Exception as error:
            failed += 1
            print(f"keras_{name}: EXPORT FAILED {type(error).__name__}: {str(error)[:200]}", flush=True)
            traceback.print_exc(limit=2, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
