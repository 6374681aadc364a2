"""Branch descriptions for inception-style blocks, in the token form of the Swift `Blocks`
module's `Layer.describe(chain:)` (what `onnx-blocks blocks --json` prints):

  "conv{h}x{w}[/{s}]:{filters}"   a Conv2D + BatchNormalization + ReLU unit (Keras conv2d_bn);
                                  "/s" only when the stride is not 1
  "maxpool{h}x{w}[/{s}]", "avgpool{h}x{w}[/{s}]"
  {"concat": [[...], [...]]}      sub-branches reading the same tensor, concatenated in order
                                  (always the last item of a branch here)
Padding is not part of a token. Each branch lists its items in data-flow order.
"""
from keras import layers


def _stride(s):
    return "" if s == 1 else f"/{s}"


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
        self.ops.append(f"conv{k[0]}x{k[1]}{_stride(stride)}:{filters}")
        self.x = self.conv_unit(self.x, filters, k, stride, padding, name)
        return self

    def pool(self, kind, kernel, stride, padding, name=None):
        k = pair(kernel)
        self.ops.append(f"{kind}{k[0]}x{k[1]}{_stride(stride)}")
        cls = layers.AveragePooling2D if kind == "avgpool" else layers.MaxPooling2D
        self.x = cls(tuple(k), strides=(stride, stride), padding=padding, name=name)(self.x)
        return self

    def fork(self, builders, name=None):
        """Splits into sub-branches (each a function Branch -> Branch) and concatenates them."""
        subs = [build(Branch(self.x, self.conv_unit)) for build in builders]
        self.ops.append({"concat": [b.ops for b in subs]})
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
