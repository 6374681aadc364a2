"""Builds one catalog entry in a fresh seeded Keras session and writes its folder."""
import keras

from . import export, weights
from .recorder import Recorder

VERSIONS_NOTE = ("keras {keras}, tensorflow {tf}, tf2onnx {tf2onnx}, onnxruntime {ort} "
                 "(tools/requirements-keras.txt)")


def versions():
    import onnxruntime
    import tensorflow
    import tf2onnx
    return VERSIONS_NOTE.format(keras=keras.__version__, tf=tensorflow.__version__,
                                tf2onnx=tf2onnx.__version__, ort=onnxruntime.__version__)


def build_model(spec):
    """(model, recorder) for a catalog entry, in a fresh session seeded with spec["seed"]."""
    keras.backend.clear_session()
    keras.utils.set_random_seed(spec["seed"])
    rec = Recorder(spec["family"], conv_bias=spec.get("conv_bias", True))
    inputs = keras.layers.Input(shape=tuple(spec["input"]))
    outputs = spec["build"](inputs, rec)
    model = keras.Model(inputs, outputs, name=spec.get("model_name", "model"))
    weights.randomize_constants(model, spec["seed"] + 1, conv_bias=spec.get("conv_bias", True))
    return model, rec


def build_and_write(name, spec, out_dir, batches=(1,), command="tools/make_fixtures.py"):
    model, rec = build_model(spec)
    inputs = export.make_inputs(spec["input"], spec["seed"] + 2, batches)
    readme = (f"# {name}\n\n{spec['description']}\n\n"
              f"Made by `{command} --only {name}` (seed {spec['seed']}) with Keras' "
              f"`model.export(path, format=\"onnx\")`; outputs and logits computed by onnxruntime "
              f"and checked against Keras (atol 1e-5, rtol 1e-4). {versions()}.")
    return export.write_case(out_dir, model, rec, inputs, readme)
