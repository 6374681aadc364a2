"""The classic table's networks and MobileNetV2, at small widths, with the layer names of
keras.applications (VGG16, MobileNetV2) or the paper's (GoogLeNet, whose Keras form follows
Szegedy et al. 2014 table 1: conv + ReLU units with biases, no BN, no LRN)."""
from keras import layers

from .head import classifier_head
from .ops import Branch, concat_branches, normalized_padding, pair


def _conv_op(shape, filters, kernel, stride, padding):
    k = pair(kernel)
    return {"op": "conv", "kernel": k, "stride": stride, "padding": normalized_padding(shape, k, stride, padding),
            "filters": filters}


def _pool_op(shape, kind, kernel, stride, padding):
    k = pair(kernel)
    return {"op": kind, "kernel": k, "stride": stride, "padding": normalized_padding(shape, k, stride, padding)}


def vgg(inputs, rec, convs=(2, 2, 3, 3, 3), widths=(4, 8, 16, 32, 32), hidden=(32, 32), classes=10):
    """keras.applications.VGG16 (block{S}_conv{K} with ReLU, block{S}_pool, flatten, fc1, fc2,
    predictions) with the given widths."""
    rec.add("stem", "plain", "stem", outputChannels=int(inputs.shape[3]))
    x = inputs
    for s, (count, width) in enumerate(zip(convs, widths), start=1):
        ops = []
        for k in range(1, count + 1):
            ops.append(_conv_op(x.shape, width, 3, 1, "same"))
            x = layers.Conv2D(width, (3, 3), activation="relu", padding="same", name=f"block{s}_conv{k}")(x)
        ops.append(_pool_op(x.shape, "maxpool", 2, 2, "valid"))
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{s}_pool")(x)
        rec.add("conv-stage", "vgg", f"block{s}", convs=count, layers=ops, outputChannels=width, stride=2)
    x = layers.Flatten(name="flatten")(x)
    for i, units in enumerate(hidden, start=1):
        x = layers.Dense(units, activation="relu", name=f"fc{i}")(x)
    x = layers.Dense(classes, activation="softmax", name="predictions")(x)
    rec.add("head", "classifier", "head", pooling="none", classes=classes, softmax=True, hidden=list(hidden))
    return x


def _unit(x, filters, kernel, stride, padding, name):
    """GoogLeNet's conv unit: conv with bias + ReLU."""
    conv = layers.Conv2D(filters, tuple(pair(kernel)), strides=stride, padding=padding, name=name)(x)
    return layers.Activation("relu", name=None if name is None else f"{name}_relu")(conv)


# (name, 1×1, 3×3 reduce, 3×3, 5×5 reduce, 5×5, pool proj): table 1 of the paper; None = max-pool.
GOOGLENET = [("inception_3a", (64, 96, 128, 16, 32, 32)), ("inception_3b", (128, 128, 192, 32, 96, 64)), None,
             ("inception_4a", (192, 96, 208, 16, 48, 64)), ("inception_4b", (160, 112, 224, 24, 64, 64)),
             ("inception_4c", (128, 128, 256, 24, 64, 64)), ("inception_4d", (112, 144, 288, 32, 64, 64)),
             ("inception_4e", (256, 160, 320, 32, 128, 128)), None,
             ("inception_5a", (256, 160, 320, 32, 128, 128)), ("inception_5b", (384, 192, 384, 48, 128, 128))]


def googlenet(inputs, rec, div=8, classes=10):
    f = lambda c: max(1, c // div)  # noqa: E731
    b = Branch(inputs, _unit)
    (b.conv(f(64), 7, 2, "same", name="conv1_7x7_s2").pool("maxpool", 3, 2, "same", name="pool1_3x3_s2")
     .conv(f(64), 1, 1, "valid", name="conv2_3x3_reduce").conv(f(192), 3, 1, "same", name="conv2_3x3")
     .pool("maxpool", 3, 2, "same", name="pool2_3x3_s2"))
    rec.add("stem", "inception-v1", "stem", outputChannels=b.channels)
    x = b.x
    pools = 2
    for entry in GOOGLENET:
        if entry is None:
            pools += 1
            name = f"pool{pools}_3x3_s2"
            op = _pool_op(x.shape, "maxpool", 3, 2, "same")
            x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=name)(x)
            rec.add("transition", "max-pool", name, layers=[op], outputChannels=int(x.shape[3]), stride=2)
            continue
        name, c = entry
        branches = [Branch(x, _unit).conv(f(c[0]), 1, name=f"{name}_1x1"),
                    Branch(x, _unit).conv(f(c[1]), 1, name=f"{name}_3x3_reduce").conv(f(c[2]), 3, name=f"{name}_3x3"),
                    Branch(x, _unit).conv(f(c[3]), 1, name=f"{name}_5x5_reduce").conv(f(c[4]), 5, name=f"{name}_5x5"),
                    Branch(x, _unit).pool("maxpool", 3, 1, "same", name=f"{name}_pool")
                    .conv(f(c[5]), 1, name=f"{name}_pool_proj")]
        x, ops, ch = concat_branches(branches, f"{name}_output")
        rec.add("inception", "v1", name, branches=ops, outputChannels=ch)
    return classifier_head(x, rec, classes)


# (expansion t, channels c, repeats n, first stride s): MobileNetV2 table 2 with fewer, narrower blocks.
MOBILENET_V2 = [(1, 4, 1, 1), (6, 6, 2, 2), (6, 8, 2, 2), (6, 12, 2, 2), (6, 16, 1, 1)]


def mobilenet_v2(inputs, rec, first=8, last=64, plan=MOBILENET_V2, classes=10):
    """keras.applications.MobileNetV2's layers and names (Conv1, expanded_conv_*, block_{n}_*,
    Conv_1, out_relu; ZeroPadding2D + "valid" depthwise at stride 2) with the given plan."""
    x = layers.Conv2D(first, 3, strides=2, padding="same", use_bias=False, name="Conv1")(inputs)
    x = layers.BatchNormalization(epsilon=1e-3, momentum=0.999, name="bn_Conv1")(x)
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    rec.add("stem", "mobilenet-v2", "stem", outputChannels=first)
    index = 0
    for t, c, n, s in plan:
        for k in range(n):
            stride = s if k == 0 else 1
            x = _inverted(x, rec, t, c, stride, index)
            index += 1
    x = layers.Conv2D(last, 1, use_bias=False, name="Conv_1")(x)
    x = layers.BatchNormalization(epsilon=1e-3, momentum=0.999, name="Conv_1_bn")(x)
    x = layers.ReLU(6.0, name="out_relu")(x)
    return classifier_head(x, rec, classes)


def _inverted(inputs, rec, t, filters, stride, index):
    channels = int(inputs.shape[3])
    prefix = "expanded_conv_" if index == 0 else f"block_{index}_"
    x = inputs
    if t != 1:
        x = layers.Conv2D(t * channels, 1, padding="same", use_bias=False, name=prefix + "expand")(x)
        x = layers.BatchNormalization(epsilon=1e-3, momentum=0.999, name=prefix + "expand_BN")(x)
        x = layers.ReLU(6.0, name=prefix + "expand_relu")(x)
    if stride == 2:
        x = layers.ZeroPadding2D(padding=((0, 1), (0, 1)), name=prefix + "pad")(x)
    x = layers.DepthwiseConv2D(3, strides=stride, use_bias=False, padding="same" if stride == 1 else "valid",
                               name=prefix + "depthwise")(x)
    x = layers.BatchNormalization(epsilon=1e-3, momentum=0.999, name=prefix + "depthwise_BN")(x)
    x = layers.ReLU(6.0, name=prefix + "depthwise_relu")(x)
    x = layers.Conv2D(filters, 1, padding="same", use_bias=False, name=prefix + "project")(x)
    x = layers.BatchNormalization(epsilon=1e-3, momentum=0.999, name=prefix + "project_BN")(x)
    shortcut = channels == filters and stride == 1
    if shortcut:
        x = layers.Add(name=prefix + "add")([inputs, x])
    rec.add("residual", "inverted", "expanded_conv" if index == 0 else f"block_{index}", depthwise=True,
            expansion=t, linear=True, outputChannels=filters, shortcut="identity" if shortcut else "none", stride=stride)
    return x
