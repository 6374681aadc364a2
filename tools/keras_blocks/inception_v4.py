"""Inception-V4 (Szegedy et al. 2016 figs 3-8) in the Keras conv2d_bn style (conv without bias,
BN without scale, ReLU). Concatenations are named TF-slim style: stem `mixed_3a`/`mixed_4a`/
`mixed_5a`, A `mixed_5b..5e`, Reduction-A `mixed_6a`, B `mixed_6b..6h`, Reduction-B `mixed_7a`,
C `mixed_7b..7d` (inner concatenations `{block}_fork1`, `{block}_fork2`). Widths divided by `div`."""
import string

from .head import classifier_head
from .inception_resnet import reduction_a
from .ops import Branch, concat_branches, conv_unit_irv2

U = conv_unit_irv2


def _widths(div):
    return lambda c: max(1, c // div)


def stem(inputs, rec, f):
    """Fig. 3."""
    b = Branch(inputs, U).conv(f(32), 3, 2, "valid").conv(f(32), 3, 1, "valid").conv(f(64), 3)
    x, _, _ = concat_branches([Branch(b.x, U).pool("maxpool", 3, 2, "valid"),
                               Branch(b.x, U).conv(f(96), 3, 2, "valid")], "mixed_3a")
    x, _, _ = concat_branches([Branch(x, U).conv(f(64), 1).conv(f(96), 3, 1, "valid"),
                               Branch(x, U).conv(f(64), 1).conv(f(64), (1, 7)).conv(f(64), (7, 1))
                               .conv(f(96), 3, 1, "valid")], "mixed_4a")
    x, _, ch = concat_branches([Branch(x, U).conv(f(192), 3, 2, "valid"),
                                Branch(x, U).pool("maxpool", 3, 2, "valid")], "mixed_5a")
    rec.add("stem", "inception-v4", "stem", outputChannels=ch)
    return x


def block_a(x, rec, f, name):
    """Fig. 4."""
    branches = [Branch(x, U).conv(f(96), 1),
                Branch(x, U).conv(f(64), 1).conv(f(96), 3),
                Branch(x, U).conv(f(64), 1).conv(f(96), 3).conv(f(96), 3),
                Branch(x, U).pool("avgpool", 3, 1, "same").conv(f(96), 1)]
    y, ops, ch = concat_branches(branches, name)
    rec.add("inception", "v4-a", name, branches=ops, outputChannels=ch)
    return y


def block_b(x, rec, f, name):
    """Fig. 5."""
    branches = [Branch(x, U).conv(f(384), 1),
                Branch(x, U).conv(f(192), 1).conv(f(224), (1, 7)).conv(f(256), (7, 1)),
                Branch(x, U).conv(f(192), 1).conv(f(192), (7, 1)).conv(f(224), (1, 7))
                .conv(f(224), (7, 1)).conv(f(256), (1, 7)),
                Branch(x, U).pool("avgpool", 3, 1, "same").conv(f(128), 1)]
    y, ops, ch = concat_branches(branches, name)
    rec.add("inception", "v4-b", name, branches=ops, outputChannels=ch)
    return y


def reduction_b(x, rec, f, name="mixed_7a"):
    """Fig. 8."""
    branches = [Branch(x, U).conv(f(192), 1).conv(f(192), 3, 2, "valid"),
                Branch(x, U).conv(f(256), 1).conv(f(256), (1, 7)).conv(f(320), (7, 1))
                .conv(f(320), 3, 2, "valid"),
                Branch(x, U).pool("maxpool", 3, 2, "valid")]
    y, ops, ch = concat_branches(branches, name)
    rec.add("reduction", "v4-b", name, outputChannels=ch)
    return y


def block_c(x, rec, f, name):
    """Fig. 6."""
    split = [lambda b: b.conv(f(256), (1, 3)), lambda b: b.conv(f(256), (3, 1))]
    branches = [Branch(x, U).conv(f(256), 1),
                Branch(x, U).conv(f(384), 1).fork(split, name=f"{name}_fork1"),
                Branch(x, U).conv(f(384), 1).conv(f(448), (3, 1)).conv(f(512), (1, 3))
                .fork(split, name=f"{name}_fork2"),
                Branch(x, U).pool("avgpool", 3, 1, "same").conv(f(256), 1)]
    y, ops, ch = concat_branches(branches, name)
    rec.add("inception", "v4-c", name, branches=ops, outputChannels=ch)
    return y


def inception_v4(inputs, rec, div=1, repeats=(4, 7, 3), classes=1000, softmax=True):
    f = _widths(div)
    letters = string.ascii_lowercase
    x = stem(inputs, rec, f)
    for i in range(repeats[0]):
        x = block_a(x, rec, f, f"mixed_5{letters[1 + i]}")
    x = reduction_a(x, rec, f(192), f(224), f(256), f(384))
    for i in range(repeats[1]):
        x = block_b(x, rec, f, f"mixed_6{letters[1 + i]}")
    x = reduction_b(x, rec, f)
    for i in range(repeats[2]):
        x = block_c(x, rec, f, f"mixed_7{letters[1 + i]}")
    return classifier_head(x, rec, classes, softmax)
