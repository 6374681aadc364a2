"""Branch descriptions for inception blocks: each branch is a list of ops, in data-flow order.

Ops (the `branches` field of an `inception` block):
  {"op": "conv", "kernel": [h, w], "stride": s, "padding": p, "filters": c}
      a Conv2D + BatchNormalization + ReLU unit (conv2d_bn in Keras)
  {"op": "avgpool" | "maxpool", "kernel": [h, w], "stride": s, "padding": p}
  {"op": "fork", "branches": [[ops], [ops]]}
      always the last op of a branch: the sub-branches start from the same tensor and
      their outputs are concatenated in the listed order.
`padding` is normalized to what the exported graph can show: "same" when the op pads at
all (any non-zero pad), else "valid" (so a 1×1 conv is always "valid").
"""
import math

from keras import layers


def _pad_total(size, kernel, stride):
    out = math.ceil(size / stride)
    return max((out - 1) * stride + kernel - size, 0)


def normalized_padding(shape, kernel, stride, padding):
    """"same" iff Keras padding "same" adds at least one pad on this input shape."""
    if padding == "valid":
        return "valid"
    total = _pad_total(shape[1], kernel[0], stride) + _pad_total(shape[2], kernel[1], stride)
    return "same" if total > 0 else "valid"


def pair(k):
    return [k, k] if isinstance(k, int) else [int(k[0]), int(k[1])]


class Branch:
    """A chain of conv2d_bn / pooling units on one tensor, recording each op."""

    def __init__(self, x, conv_unit):
        self.x = x
        self.ops = []
        self.conv_unit = conv_unit

    def conv(self, filters, kernel, stride=1, padding="same", name=None):
        k = pair(kernel)
        self.ops.append({"op": "conv", "kernel": k, "stride": stride,
                         "padding": normalized_padding(self.x.shape, k, stride, padding),
                         "filters": filters})
        self.x = self.conv_unit(self.x, filters, k, stride, padding, name)
        return self

    def pool(self, kind, kernel, stride, padding, name=None):
        k = pair(kernel)
        self.ops.append({"op": kind, "kernel": k, "stride": stride,
                         "padding": normalized_padding(self.x.shape, k, stride, padding)})
        cls = layers.AveragePooling2D if kind == "avgpool" else layers.MaxPooling2D
        self.x = cls(tuple(k), strides=(stride, stride), padding=padding, name=name)(self.x)
        return self

    def fork(self, builders, name=None):
        """Splits into sub-branches (each a function Branch -> Branch) and concatenates them."""
        subs = [build(Branch(self.x, self.conv_unit)) for build in builders]
        self.ops.append({"op": "fork", "branches": [b.ops for b in subs]})
        self.x = layers.Concatenate(axis=3, name=name)([b.x for b in subs])
        return self

    @property
    def channels(self):
        return int(self.x.shape[3])


def concat_branches(branches, name):
    """Concatenates branch outputs (channel order = list order); returns (tensor, ops, channels)."""
    x = layers.Concatenate(axis=3, name=name)([b.x for b in branches])
    return x, [b.ops for b in branches], int(x.shape[3])


def conv2d_bn_v3(x, filters, kernel, stride, padding, name):
    """keras.applications.inception_v3.conv2d_bn: conv (no bias), BN (no scale), ReLU."""
    conv_name = None if name is None else f"{name}_conv"
    bn_name = None if name is None else f"{name}_bn"
    x = layers.Conv2D(filters, tuple(kernel), strides=(stride, stride), padding=padding,
                      use_bias=False, name=conv_name)(x)
    x = layers.BatchNormalization(axis=3, scale=False, name=bn_name)(x)
    return layers.Activation("relu", name=name)(x)


def conv2d_bn_irv2(x, filters, kernel, stride=1, padding="same", name=None,
                   activation="relu", use_bias=False):
    """keras.applications.inception_resnet_v2.conv2d_bn (conv `name`, `name_bn`, `name_ac`)."""
    x = layers.Conv2D(filters, tuple(pair(kernel)), strides=stride, padding=padding,
                      use_bias=use_bias, name=name)(x)
    if not use_bias:
        bn_name = None if name is None else f"{name}_bn"
        x = layers.BatchNormalization(axis=3, scale=False, name=bn_name)(x)
    if activation is not None:
        ac_name = None if name is None else f"{name}_ac"
        x = layers.Activation(activation, name=ac_name)(x)
    return x


def conv_unit_irv2(x, filters, kernel, stride, padding, name):
    return conv2d_bn_irv2(x, filters, kernel, stride, padding, name)
