"""Seeded randomization of what Keras initializes to constants.

BatchNormalization's defaults (gamma 1, beta 0, mean 0, variance 1) and zero biases make
folding and bias mistakes invisible (tf2onnx even drops a zero bias), so they are replaced
with seeded random values. Kernels keep Keras' seeded initializers.
"""
import numpy as np
from keras import layers

BN_RANGES = {
    "gamma": ("uniform", 0.6, 1.4),
    "beta": ("normal", 0.0, 0.1),
    "moving_mean": ("normal", 0.0, 0.1),
    "moving_variance": ("uniform", 0.6, 1.4),
}
BIAS_STDDEV = 0.05


def _draw(rng, spec, shape):
    kind, a, b = spec
    if kind == "uniform":
        return rng.uniform(a, b, shape).astype("float32")
    return rng.normal(a, b, shape).astype("float32")


def randomize_constants(model, seed, conv_bias=True, dense_bias=True):
    """Assigns random BN statistics/affine terms (always) and Conv2D / Dense biases (when
    asked), in layer order (deterministic). Zero conv biases before a BN let tf2onnx fold the
    BN into the conv (as for Keras' weights=None ResNet50); random ones keep it as Mul/Add."""
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        if isinstance(layer, layers.BatchNormalization):
            for var in layer.weights:
                spec = BN_RANGES[var.name]
                var.assign(_draw(rng, spec, tuple(var.shape)))
        elif (isinstance(layer, layers.Conv2D) and layer.use_bias and conv_bias) or \
                (isinstance(layer, layers.Dense) and layer.use_bias and dense_bias):
            layer.bias.assign(rng.normal(0.0, BIAS_STDDEV, tuple(layer.bias.shape)).astype("float32"))
