#!/usr/bin/env python3
"""Full-size models for benchmarks and mapper tests (never committed; a few hundred MB).

    .venv-keras/bin/python tools/make_bench_models.py [--out DIR] [--only NAME ...]

DIR defaults to $ONNX_BLOCKS_CACHE/bench, else .cache/bench. Each model goes to DIR/<name>/ in
the fixtures' layout (model.onnx, test_data_set_0/{input_0,output_0,logits}.pb, batch 1;
expected_blocks.json; README.md):

  resnet50, resnet50v2, inception_v3, inception_resnet_v2
      keras.applications (weights=None, seeded). The block list comes from tools/keras_blocks
      built at full size, after checking that this build has exactly the application's layers
      (names, classes, weight shapes, in order).
  inception_v4, inception_resnet_v1
      built by tools/keras_blocks at full size (299 px, 1000 classes).
Weights: Keras' seeded initializers; BN gamma/beta/moving mean/variance and the Dense bias
randomized; conv biases stay at Keras' zeros (as weights=None gives), so tf2onnx folds BN into
the convs and the Inception-ResNet scales into the up-projections, as the GUIDE describes.
"""
import argparse
import json
import os
import subprocess
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_blocks import export, weights  # noqa: E402
from keras_blocks.build import versions  # noqa: E402
from keras_blocks.inception_resnet import inception_resnet_v1, inception_resnet_v2  # noqa: E402
from keras_blocks.inception_v3 import inception_v3  # noqa: E402
from keras_blocks.inception_v4 import inception_v4  # noqa: E402
from keras_blocks.recorder import Recorder  # noqa: E402
from keras_blocks.resnet import resnet_v1_bottleneck, resnet_v2_bottleneck  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
A = keras.applications
# name: (family, input size, our builder, keras.applications constructor or None, seed, note)
MODELS = {
    "resnet50": ("resnet", 224, resnet_v1_bottleneck, A.ResNet50, 201, "Keras ResNet50"),
    "resnet50v2": ("resnet", 224, resnet_v2_bottleneck, A.ResNet50V2, 202, "Keras ResNet50V2"),
    "inception_v3": ("inception-v3", 299, inception_v3, A.InceptionV3, 203, "Keras InceptionV3"),
    "inception_resnet_v2": ("inception-resnet-v2", 299, inception_resnet_v2, A.InceptionResNetV2, 204,
                            "Keras InceptionResNetV2"),
    "inception_v4": ("inception-v4", 299, inception_v4, None, 205,
                     "Inception-V4 (Szegedy et al. 2016 figs 3-8) from tools/keras_blocks"),
    "inception_resnet_v1": ("inception-resnet-v1", 299, inception_resnet_v1, None, 206,
                            "Inception-ResNet-V1 (Szegedy et al. 2016 figs 14, 10-13) from tools/keras_blocks"),
}


def ours(family, size, builder, seed):
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    rec = Recorder(family, conv_bias=False)
    inputs = keras.layers.Input(shape=(size, size, 3))
    return keras.Model(inputs, builder(inputs, rec)), rec


def application(constructor, seed):
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    return constructor(weights=None)


def layer_signature(model):
    return [(l.name, type(l).__name__, [tuple(w.shape) for w in l.weights]) for l in model.layers]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    cache = os.environ.get("ONNX_BLOCKS_CACHE", os.path.join(ROOT, ".cache"))
    p.add_argument("--out", default=os.path.join(cache, "bench"))
    p.add_argument("--only", nargs="*", choices=list(MODELS))
    p.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    names = args.only or list(MODELS)
    if not args.in_process:  # one process per model, as tools/make_fixtures.py does
        for name in names:
            done = subprocess.run([sys.executable, os.path.abspath(__file__), "--out", args.out,
                                   "--only", name, "--in-process"], env={**os.environ, "PYTHONHASHSEED": "0"})
            if done.returncode != 0:
                sys.exit(f"{name}: failed (exit {done.returncode})")
        return
    for name in names:
        family, size, builder, constructor, seed, note = MODELS[name]
        model, rec = ours(family, size, builder, seed)
        ours_params = model.count_params()
        ours_trainable = int(sum(np.prod(w.shape) for w in model.trainable_weights))
        keras_params = None
        if constructor is not None:
            signature = layer_signature(model)
            model = application(constructor, seed)
            keras_params = model.count_params()
            if layer_signature(model) != signature:
                mismatch = next(((a, b) for a, b in zip(signature, layer_signature(model)) if a != b),
                                "different layer counts")
                raise SystemExit(f"{name}: tools/keras_blocks differs from keras.applications: {mismatch}")
        weights.randomize_constants(model, seed + 1, conv_bias=False)
        inputs = export.make_inputs((size, size, 3), seed + 2, (1,))
        readme = (f"# {name}\n\n{note}, {size}x{size}, 1000 classes, seed {seed}. Made by "
                  f"`tools/make_bench_models.py --only {name}`; {versions()}.\n"
                  + ("Block list recorded by tools/keras_blocks built at full size, whose layers "
                     "(names, classes, weight shapes) equal the application's.\n" if constructor else ""))
        summary = export.write_case(os.path.join(args.out, name), model, rec, inputs, readme, strict=False)
        summary.update({"ours_count_params": ours_params, "ours_trainable": ours_trainable,
                        "keras_applications_count_params": keras_params})
        print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
