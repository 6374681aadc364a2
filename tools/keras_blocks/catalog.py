"""The committed fixtures: name -> how to build it. Widths and resolutions are small."""
from functools import partial

from . import resnet

FIXTURES = {}


def fixture(name, family, input_hw, seed, description, build, conv_bias=True):
    """conv_bias=False keeps Keras' zero conv biases (BN after a biased conv then folds)."""
    FIXTURES[name] = {"family": family, "input": [input_hw, input_hw, 3], "seed": seed,
                      "description": description, "build": build, "conv_bias": conv_bias}


fixture("resnet_v1_bottleneck", "resnet", 64, 101,
        "Keras ResNet50 layout (stacks conv2..conv5 with 3/4/6/3 bottleneck blocks, identity and "
        "projection shortcuts, Keras layer names) at 1/16 width: stem 8, bottleneck widths 4/8/16/32; "
        "Dense(10) + softmax head. Conv biases left at Keras' zeros (as weights=None), so every BN is "
        "folded into its conv; BN statistics and the Dense bias are random.",
        partial(resnet.resnet_v1_bottleneck, stem=8, widths=(4, 8, 16, 32), depths=(3, 4, 6, 3), classes=10),
        conv_bias=False)

fixture("resnet_v2_bottleneck", "resnet", 64, 102,
        "Keras ResNet50V2 layout (pre-activation bottlenecks, stride in the last block of each stack "
        "with a 1x1 stride-2 MaxPool shortcut, post_bn/post_relu; BN not after a conv stays Mul/Add) "
        "at 1/16 width: stem 8, widths 4/8/16/32, depths 3/4/6/3; Dense(10) + softmax.",
        partial(resnet.resnet_v2_bottleneck, stem=8, widths=(4, 8, 16, 32), depths=(3, 4, 6, 3), classes=10))

fixture("resnet_v1_basic", "resnet", 64, 103,
        "ResNet-18 layout (basic blocks, 2/2/2/2, identity and projection shortcuts, Keras-style names) "
        "at 1/8 width: stem 8, widths 8/16/32/64; Dense(10) head without softmax (output = logits). "
        "Random conv biases: each BN after a biased conv stays Mul/Add.",
        partial(resnet.resnet_basic, stem=8, widths=(8, 16, 32, 64), depths=(2, 2, 2, 2), classes=10,
                softmax=False))

for _i, _arr in enumerate(resnet.ARRANGEMENTS):
    fixture(f"he2016_{_arr.replace('-', '_')}", "resnet", 32, 110 + _i,
            f"He et al. 2016 fig. 4 '{_arr}' residual unit: basic blocks, resnet stem 8, three stacks "
            f"8/16/32 x 2 blocks (projection where the shape changes); Dense(10) + softmax.",
            partial(resnet.resnet_basic, stem=8, widths=(8, 16, 32), depths=(2, 2, 2), arrangement=_arr,
                    classes=10))
