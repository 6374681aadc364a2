"""Inception-ResNet V1 and V2.

V2 mirrors keras.applications.inception_resnet_v2 (stem + `mixed_5b`, `block35_i`, `mixed_6a`,
`block17_i`, `mixed_7a`, `block8_i`, `conv_7b`); V1 follows Szegedy et al. 2016 figs 14, 10, 7,
11, 12, 13 with the same naming scheme. Widths are divided by `div`. As Keras does, the last C
block has scale 1.0 and no activation.
"""
from keras import layers

from .head import classifier_head
from .ops import Branch, concat_branches, conv2d_bn_irv2, conv_unit_irv2


class CustomScaleLayer(layers.Layer):
    """x + scale·up: the residual merge of Keras' InceptionResNetV2 (same class name, so the
    auto-generated layer names, and hence ONNX node names, match Keras')."""

    def __init__(self, scale, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}

    def call(self, inputs):
        return inputs[0] + inputs[1] * self.scale


def _widths(div):
    return lambda c: max(1, c // div)


def residual_block(x, rec, branches, scale, variant, version, name, activation="relu"):
    """concat(branches) → 1×1 conv with bias (`{name}_conv`) → x + scale·up → ReLU (`{name}_ac`)."""
    mixed, ops, _ = concat_branches(branches, f"{name}_mixed")
    up = conv2d_bn_irv2(mixed, int(x.shape[3]), 1, activation=None, use_bias=True, name=f"{name}_conv")
    x = CustomScaleLayer(scale)([x, up])
    if activation is not None:
        x = layers.Activation(activation, name=f"{name}_ac")(x)
    # tf2onnx multiplies explicitly (a Mul node) only when the up-projection's bias is non-zero
    # and the scale is not 1; otherwise the scale is folded into the conv (or is 1): "folded".
    recorded_scale = scale if (rec.conv_bias and scale != 1.0) else "folded"
    rec.add("inception-resnet", variant, name, version=version, scale=recorded_scale,
            activation=activation is not None)
    return x


def reduction_a(x, rec, k, l, m, n, name="mixed_6a"):
    """Fig. 7: 3×3/2 n | 1×1 k → 3×3 l → 3×3/2 m | 3×3/2 max pool."""
    u = conv_unit_irv2
    branches = [Branch(x, u).conv(n, 3, 2, "valid"),
                Branch(x, u).conv(k, 1).conv(l, 3).conv(m, 3, 2, "valid"),
                Branch(x, u).pool("maxpool", 3, 2, "valid")]
    y, ops, ch = concat_branches(branches, name)
    rec.add("reduction", "a", name, k=k, l=l, m=m, n=n, outputChannels=ch)
    return y


# ---- V2 (Keras) ----

def stem_v2(inputs, rec, f):
    """Keras' InceptionResNetV2 stem: V3-like convs, then the `mixed_5b` module."""
    u = conv_unit_irv2
    b = Branch(inputs, u)
    (b.conv(f(32), 3, 2, "valid").conv(f(32), 3, 1, "valid").conv(f(64), 3)
     .pool("maxpool", 3, 2, "valid").conv(f(80), 1, 1, "valid").conv(f(192), 3, 1, "valid")
     .pool("maxpool", 3, 2, "valid"))
    x = b.x
    branches = [Branch(x, u).conv(f(96), 1),
                Branch(x, u).conv(f(48), 1).conv(f(64), 5),
                Branch(x, u).conv(f(64), 1).conv(f(96), 3).conv(f(96), 3),
                Branch(x, u).pool("avgpool", 3, 1, "same").conv(f(64), 1)]
    x, _, ch = concat_branches(branches, "mixed_5b")
    rec.add("stem", "inception-resnet-v2", "stem", outputChannels=ch)
    return x


def block_v2(x, rec, f, kind, idx, scale, activation="relu"):
    u = conv_unit_irv2
    if kind == "block35":
        branches = [Branch(x, u).conv(f(32), 1),
                    Branch(x, u).conv(f(32), 1).conv(f(32), 3),
                    Branch(x, u).conv(f(32), 1).conv(f(48), 3).conv(f(64), 3)]
        variant = "a"
    elif kind == "block17":
        branches = [Branch(x, u).conv(f(192), 1),
                    Branch(x, u).conv(f(128), 1).conv(f(160), (1, 7)).conv(f(192), (7, 1))]
        variant = "b"
    else:
        branches = [Branch(x, u).conv(f(192), 1),
                    Branch(x, u).conv(f(192), 1).conv(f(224), (1, 3)).conv(f(256), (3, 1))]
        variant = "c"
    return residual_block(x, rec, branches, scale, variant, 2, f"{kind}_{idx}", activation)


def reduction_b_v2(x, rec, f, name="mixed_7a"):
    """Fig. 18 / Keras mixed_7a."""
    u = conv_unit_irv2
    branches = [Branch(x, u).conv(f(256), 1).conv(f(384), 3, 2, "valid"),
                Branch(x, u).conv(f(256), 1).conv(f(288), 3, 2, "valid"),
                Branch(x, u).conv(f(256), 1).conv(f(288), 3).conv(f(320), 3, 2, "valid"),
                Branch(x, u).pool("maxpool", 3, 2, "valid")]
    y, ops, ch = concat_branches(branches, name)
    rec.add("reduction", "inception-resnet-v2-b", name, outputChannels=ch)
    return y


def inception_resnet_v2(inputs, rec, div=1, repeats=(10, 20, 10), classes=1000, softmax=True):
    f = _widths(div)
    x = stem_v2(inputs, rec, f)
    for i in range(1, repeats[0] + 1):
        x = block_v2(x, rec, f, "block35", i, 0.17)
    x = reduction_a(x, rec, f(256), f(256), f(384), f(384))
    for i in range(1, repeats[1] + 1):
        x = block_v2(x, rec, f, "block17", i, 0.1)
    x = reduction_b_v2(x, rec, f)
    for i in range(1, repeats[2]):
        x = block_v2(x, rec, f, "block8", i, 0.2)
    x = block_v2(x, rec, f, "block8", repeats[2], 1.0, activation=None)
    x = conv2d_bn_irv2(x, f(1536), 1, name="conv_7b")
    return classifier_head(x, rec, classes, softmax)


# ---- V1 (paper) ----

def stem_v1(inputs, rec, f):
    """Fig. 14: 3×3/2 V 32, 3×3 V 32, 3×3 64, maxpool 3×3/2 V, 1×1 80, 3×3 V 192, 3×3/2 V 256."""
    b = Branch(inputs, conv_unit_irv2)
    (b.conv(f(32), 3, 2, "valid").conv(f(32), 3, 1, "valid").conv(f(64), 3)
     .pool("maxpool", 3, 2, "valid").conv(f(80), 1, 1, "valid").conv(f(192), 3, 1, "valid")
     .conv(f(256), 3, 2, "valid"))
    rec.add("stem", "inception-resnet-v1", "stem", outputChannels=b.channels)
    return b.x


def block_v1(x, rec, f, kind, idx, scale, activation="relu"):
    u = conv_unit_irv2
    if kind == "block35":  # fig. 10
        branches = [Branch(x, u).conv(f(32), 1),
                    Branch(x, u).conv(f(32), 1).conv(f(32), 3),
                    Branch(x, u).conv(f(32), 1).conv(f(32), 3).conv(f(32), 3)]
        variant = "a"
    elif kind == "block17":  # fig. 11
        branches = [Branch(x, u).conv(f(128), 1),
                    Branch(x, u).conv(f(128), 1).conv(f(128), (1, 7)).conv(f(128), (7, 1))]
        variant = "b"
    else:  # fig. 13
        branches = [Branch(x, u).conv(f(192), 1),
                    Branch(x, u).conv(f(192), 1).conv(f(192), (1, 3)).conv(f(192), (3, 1))]
        variant = "c"
    return residual_block(x, rec, branches, scale, variant, 1, f"{kind}_{idx}", activation)


def reduction_b_v1(x, rec, f, name="mixed_7a"):
    """Fig. 12."""
    u = conv_unit_irv2
    branches = [Branch(x, u).conv(f(256), 1).conv(f(384), 3, 2, "valid"),
                Branch(x, u).conv(f(256), 1).conv(f(256), 3, 2, "valid"),
                Branch(x, u).conv(f(256), 1).conv(f(256), 3).conv(f(256), 3, 2, "valid"),
                Branch(x, u).pool("maxpool", 3, 2, "valid")]
    y, ops, ch = concat_branches(branches, name)
    rec.add("reduction", "inception-resnet-v1-b", name, outputChannels=ch)
    return y


def inception_resnet_v1(inputs, rec, div=1, repeats=(5, 10, 5), classes=1000, softmax=True):
    f = _widths(div)
    x = stem_v1(inputs, rec, f)
    for i in range(1, repeats[0] + 1):
        x = block_v1(x, rec, f, "block35", i, 0.17)
    x = reduction_a(x, rec, f(192), f(192), f(256), f(384))
    for i in range(1, repeats[1] + 1):
        x = block_v1(x, rec, f, "block17", i, 0.1)
    x = reduction_b_v1(x, rec, f)
    for i in range(1, repeats[2]):
        x = block_v1(x, rec, f, "block8", i, 0.2)
    x = block_v1(x, rec, f, "block8", repeats[2], 1.0, activation=None)
    return classifier_head(x, rec, classes, softmax)
