"""Inception-V3 as keras.applications.inception_v3 builds it (same layer order and names:
anonymous conv2d_bn units, concatenations `mixed0`..`mixed10`), with widths divided by `div`."""
from .head import classifier_head
from .ops import Branch, concat_branches, conv2d_bn_v3


def _widths(div):
    return lambda c: max(1, c // div)


def stem(inputs, rec, f):
    b = Branch(inputs, conv2d_bn_v3)
    (b.conv(f(32), 3, 2, "valid").conv(f(32), 3, 1, "valid").conv(f(64), 3)
     .pool("maxpool", 3, 2, "valid").conv(f(80), 1, 1, "valid").conv(f(192), 3, 1, "valid")
     .pool("maxpool", 3, 2, "valid"))
    rec.add("stem", "inception-v3", "stem", outputChannels=b.channels)
    return b.x


def module_a(x, rec, f, pool_filters, name):
    """mixed0-2: 1×1 | 1×1→5×5 | 1×1→3×3→3×3 | avgpool→1×1."""
    u = conv2d_bn_v3
    branches = [Branch(x, u).conv(f(64), 1),
                Branch(x, u).conv(f(48), 1).conv(f(64), 5),
                Branch(x, u).conv(f(64), 1).conv(f(96), 3).conv(f(96), 3),
                Branch(x, u).pool("avgpool", 3, 1, "same").conv(f(pool_filters), 1)]
    y, ops, ch = concat_branches(branches, name)
    rec.add("inception", "v3-a", name, branches=ops, outputChannels=ch)
    return y


def reduction_a(x, rec, f, name="mixed3"):
    u = conv2d_bn_v3
    branches = [Branch(x, u).conv(f(384), 3, 2, "valid"),
                Branch(x, u).conv(f(64), 1).conv(f(96), 3).conv(f(96), 3, 2, "valid"),
                Branch(x, u).pool("maxpool", 3, 2, "valid")]
    y, ops, ch = concat_branches(branches, name)
    rec.add("reduction", "v3-a", name, outputChannels=ch)
    return y


def module_b(x, rec, f, c7, name):
    """mixed4-7: factorized 7×7 (1×7, 7×1) branches."""
    u = conv2d_bn_v3
    branches = [Branch(x, u).conv(f(192), 1),
                Branch(x, u).conv(f(c7), 1).conv(f(c7), (1, 7)).conv(f(192), (7, 1)),
                Branch(x, u).conv(f(c7), 1).conv(f(c7), (7, 1)).conv(f(c7), (1, 7))
                .conv(f(c7), (7, 1)).conv(f(192), (1, 7)),
                Branch(x, u).pool("avgpool", 3, 1, "same").conv(f(192), 1)]
    y, ops, ch = concat_branches(branches, name)
    rec.add("inception", "v3-b", name, branches=ops, outputChannels=ch)
    return y


def reduction_b(x, rec, f, name="mixed8"):
    u = conv2d_bn_v3
    branches = [Branch(x, u).conv(f(192), 1).conv(f(320), 3, 2, "valid"),
                Branch(x, u).conv(f(192), 1).conv(f(192), (1, 7)).conv(f(192), (7, 1))
                .conv(f(192), 3, 2, "valid"),
                Branch(x, u).pool("maxpool", 3, 2, "valid")]
    y, ops, ch = concat_branches(branches, name)
    rec.add("reduction", "v3-b", name, outputChannels=ch)
    return y


def module_c(x, rec, f, i, name):
    """mixed9-10: expanded filter bank (1×3 and 3×1 side by side). Keras names the first inner
    concatenation `mixed9_{i}` in both modules and leaves the second anonymous."""
    u = conv2d_bn_v3
    split = [lambda b: b.conv(f(384), (1, 3)), lambda b: b.conv(f(384), (3, 1))]
    branches = [Branch(x, u).conv(f(320), 1),
                Branch(x, u).conv(f(384), 1).fork(split, name=f"mixed9_{i}"),
                Branch(x, u).conv(f(448), 1).conv(f(384), 3).fork(split),
                Branch(x, u).pool("avgpool", 3, 1, "same").conv(f(192), 1)]
    y, ops, ch = concat_branches(branches, name)
    rec.add("inception", "v3-c", name, branches=ops, outputChannels=ch)
    return y


def inception_v3(inputs, rec, div=1, classes=1000, softmax=True):
    f = _widths(div)
    x = stem(inputs, rec, f)
    for i, pool_filters in enumerate((32, 64, 64)):
        x = module_a(x, rec, f, pool_filters, f"mixed{i}")
    x = reduction_a(x, rec, f)
    for i, c7 in enumerate((128, 160, 160, 192)):
        x = module_b(x, rec, f, c7, f"mixed{4 + i}")
    x = reduction_b(x, rec, f)
    for i in range(2):
        x = module_c(x, rec, f, i, f"mixed{9 + i}")
    return classifier_head(x, rec, classes, softmax)
