"""ResNet blocks mirroring keras.applications.resnet / resnet_v2 (layer names included).

Bottleneck V1/V2 follow Keras exactly. Keras has no basic (ResNet-18/34) block nor the
He et al. 2016 fig. 4 arrangements; those use the same naming scheme:
`{block}_{i}_conv|bn|relu` for the i-th residual-branch unit, `{block}_0_conv|bn` for the
projection shortcut, `{block}_add` / `{block}_out` for the merge.
"""
from keras import layers

from .head import classifier_head

BN_EPS = 1.001e-5


def _bn(name):
    return layers.BatchNormalization(axis=3, epsilon=BN_EPS, name=name)


def resnet_stem(x, rec, filters=64, preact=False):
    """conv1 7×7/2 (+ BN + ReLU unless pre-activation) and pool1 3×3/2, as Keras' ResNet()."""
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(x)
    x = layers.Conv2D(filters, 7, strides=2, use_bias=True, name="conv1_conv")(x)
    if not preact:
        x = _bn("conv1_bn")(x)
        x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    rec.add("stem", "resnet", "stem", outputChannels=filters)
    return x


def resnet_head(x, rec, classes, softmax=True, post=None):
    """`post` = "bn-relu" (Keras ResNetV2's post_bn/post_relu) or "relu"; part of the head."""
    if post == "bn-relu":
        x = _bn("post_bn")(x)
    if post in ("bn-relu", "relu"):
        x = layers.Activation("relu", name="post_relu")(x)
    return classifier_head(x, rec, classes, softmax)


def _record(rec, variant, name, version, arrangement, shortcut, stride, out):
    rec.add("residual", variant, name, version=version, arrangement=arrangement,
            shortcut=shortcut, stride=stride, outputChannels=out)


def bottleneck_v1(x, rec, filters, stride=1, conv_shortcut=True, name=None):
    """keras.applications.resnet.residual_block_v1."""
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = _bn(f"{name}_0_bn")(shortcut)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    x = _bn(f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.Conv2D(filters, 3, padding="SAME", name=f"{name}_2_conv")(x)
    x = _bn(f"{name}_2_bn")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    x = _bn(f"{name}_3_bn")(x)
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    x = layers.Activation("relu", name=f"{name}_out")(x)
    _record(rec, "bottleneck", name, 1, "original",
            "projection" if conv_shortcut else "identity", stride, 4 * filters)
    return x


def stack_bottleneck_v1(x, rec, filters, blocks, stride1=2, name=None):
    """keras.applications.resnet.stack_residual_blocks_v1."""
    x = bottleneck_v1(x, rec, filters, stride=stride1, name=f"{name}_block1")
    for i in range(2, blocks + 1):
        x = bottleneck_v1(x, rec, filters, conv_shortcut=False, name=f"{name}_block{i}")
    return x


def bottleneck_v2(x, rec, filters, stride=1, conv_shortcut=False, name=None):
    """keras.applications.resnet.residual_block_v2 (stride on the 3×3 conv, pool shortcut)."""
    preact = _bn(f"{name}_preact_bn")(x)
    preact = layers.Activation("relu", name=f"{name}_preact_relu")(preact)
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(preact)
        kind = "projection"
    elif stride > 1:
        shortcut = layers.MaxPooling2D(1, strides=stride)(x)
        kind = "pool"
    else:
        shortcut = x
        kind = "identity"
    x = layers.Conv2D(filters, 1, strides=1, use_bias=False, name=f"{name}_1_conv")(preact)
    x = _bn(f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name=f"{name}_2_pad")(x)
    x = layers.Conv2D(filters, 3, strides=stride, use_bias=False, name=f"{name}_2_conv")(x)
    x = _bn(f"{name}_2_bn")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    x = layers.Add(name=f"{name}_out")([shortcut, x])
    _record(rec, "bottleneck", name, 2, "full-preactivation", kind, stride, 4 * filters)
    return x


def stack_bottleneck_v2(x, rec, filters, blocks, stride1=2, name=None):
    """keras.applications.resnet.stack_residual_blocks_v2: stride in the LAST block."""
    x = bottleneck_v2(x, rec, filters, conv_shortcut=True, name=f"{name}_block1")
    for i in range(2, blocks):
        x = bottleneck_v2(x, rec, filters, name=f"{name}_block{i}")
    return bottleneck_v2(x, rec, filters, stride=stride1, name=f"{name}_block{blocks}")


ARRANGEMENTS = ("original", "bn-after-addition", "relu-before-addition",
                "relu-only-preactivation", "full-preactivation")
PREACTIVATION = ("relu-only-preactivation", "full-preactivation")


def basic_block(x, rec, filters, stride=1, arrangement="original", name=None):
    """Two 3×3 convs (He et al. 2015 basic block) in one of the five He et al. 2016 fig. 4
    arrangements. Projection (1×1 conv, + BN for post-activation arrangements) only where
    the shape changes; pre-activation arrangements project from the activated input as
    Keras' ResNetV2 does."""
    assert arrangement in ARRANGEMENTS, arrangement
    in_channels = int(x.shape[3])
    project = stride != 1 or in_channels != filters
    preact_arr = arrangement in PREACTIVATION
    branch_in = x
    if arrangement == "full-preactivation":
        branch_in = _bn(f"{name}_preact_bn")(branch_in)
    if preact_arr:
        branch_in = layers.Activation("relu", name=f"{name}_preact_relu")(branch_in)
    if project:
        shortcut = layers.Conv2D(filters, 1, strides=stride, name=f"{name}_0_conv")(
            branch_in if preact_arr else x)
        if not preact_arr:
            shortcut = _bn(f"{name}_0_bn")(shortcut)
    else:
        shortcut = x
    y = layers.Conv2D(filters, 3, strides=stride, padding="same", name=f"{name}_1_conv")(branch_in)
    y = _bn(f"{name}_1_bn")(y)
    y = layers.Activation("relu", name=f"{name}_1_relu")(y)
    y = layers.Conv2D(filters, 3, padding="same", name=f"{name}_2_conv")(y)
    if arrangement != "bn-after-addition" and arrangement != "full-preactivation":
        y = _bn(f"{name}_2_bn")(y)
    if arrangement == "relu-before-addition":
        y = layers.Activation("relu", name=f"{name}_2_relu")(y)
    if arrangement in ("original", "bn-after-addition"):
        x = layers.Add(name=f"{name}_add")([shortcut, y])
        if arrangement == "bn-after-addition":
            x = _bn(f"{name}_add_bn")(x)
        x = layers.Activation("relu", name=f"{name}_out")(x)
    else:
        x = layers.Add(name=f"{name}_out")([shortcut, y])
    _record(rec, "basic", name, 2 if preact_arr else 1, arrangement,
            "projection" if project else "identity", stride, filters)
    return x


def stack_basic(x, rec, filters, blocks, stride1=2, arrangement="original", name=None):
    x = basic_block(x, rec, filters, stride=stride1, arrangement=arrangement, name=f"{name}_block1")
    for i in range(2, blocks + 1):
        x = basic_block(x, rec, filters, arrangement=arrangement, name=f"{name}_block{i}")
    return x


def resnet_v1_bottleneck(inputs, rec, stem=64, widths=(64, 128, 256, 512), depths=(3, 4, 6, 3),
                         classes=1000, softmax=True):
    """ResNet50 (Keras' layout) with configurable widths/depths."""
    x = resnet_stem(inputs, rec, stem)
    for i, (w, d) in enumerate(zip(widths, depths)):
        x = stack_bottleneck_v1(x, rec, w, d, stride1=1 if i == 0 else 2, name=f"conv{i + 2}")
    return resnet_head(x, rec, classes, softmax)


def resnet_v2_bottleneck(inputs, rec, stem=64, widths=(64, 128, 256, 512), depths=(3, 4, 6, 3),
                         classes=1000, softmax=True):
    """ResNet50V2 (Keras' layout: last stack has stride 1)."""
    x = resnet_stem(inputs, rec, stem, preact=True)
    n = len(widths)
    for i, (w, d) in enumerate(zip(widths, depths)):
        x = stack_bottleneck_v2(x, rec, w, d, stride1=1 if i == n - 1 else 2, name=f"conv{i + 2}")
    return resnet_head(x, rec, classes, softmax, post="bn-relu")


def resnet_basic(inputs, rec, stem=64, widths=(64, 128, 256, 512), depths=(2, 2, 2, 2),
                 arrangement="original", classes=1000, softmax=True):
    """ResNet-18/34 layout (first stack stride 1) with a chosen fig. 4 arrangement."""
    preact = arrangement in PREACTIVATION
    x = resnet_stem(inputs, rec, stem, preact=preact)
    for i, (w, d) in enumerate(zip(widths, depths)):
        x = stack_basic(x, rec, w, d, stride1=1 if i == 0 else 2, arrangement=arrangement,
                        name=f"conv{i + 2}")
    post = {"full-preactivation": "bn-relu", "relu-only-preactivation": "relu"}.get(arrangement)
    return resnet_head(x, rec, classes, softmax, post=post)
