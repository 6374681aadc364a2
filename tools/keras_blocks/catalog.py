"""The committed fixtures: name -> how to build it. Widths and resolutions are small."""
from functools import partial

from . import classic, inception_resnet, inception_v3, inception_v4, resnet

FIXTURES = {}


# Fixtures written to fixtures/staged/<name>/ instead of fixtures/<name>/, each with the reason:
# complete and checked by Tests/python/test_fixtures.py, but not yet in the folders other
# components' tests walk. Move with `git mv fixtures/staged/NAME fixtures/` once the reason is gone.
STAGED = {}


def fixture(name, family, input_hw, seed, description, build, conv_bias=True):
    """conv_bias=False keeps Keras' zero conv biases (BN after a biased conv then folds)."""
    FIXTURES[name] = {"family": family, "input": [input_hw, input_hw, 3], "seed": seed,
                      "description": description, "build": build, "conv_bias": conv_bias}


def folder(name):
    """Path of a fixture relative to fixtures/."""
    return f"staged/{name}" if name in STAGED else name


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
        "at 1/16 width: stem 4, widths 4/8/16/32; Dense(10) head without softmax (output = logits). "
        "Random conv biases: each BN after a biased conv stays Mul/Add.",
        partial(resnet.resnet_basic, stem=4, widths=(4, 8, 16, 32), depths=(2, 2, 2, 2), classes=10,
                softmax=False))

for _i, _arr in enumerate(resnet.ARRANGEMENTS):
    fixture(f"he2016_{_arr.replace('-', '_')}", "resnet", 32, 110 + _i,
            f"He et al. 2016 fig. 4 '{_arr}' residual unit: basic blocks, resnet stem 8, three stacks "
            f"8/16/32 x 2 blocks (projection where the shape changes); Dense(10) + softmax.",
            partial(resnet.resnet_basic, stem=8, widths=(8, 16, 32), depths=(2, 2, 2), arrangement=_arr,
                    classes=10))

fixture("inception_v3", "inception-v3", 107, 120,
        "Keras InceptionV3 layout (stem, mixed0-2 v3-a, mixed3 reduction, mixed4-7 v3-b, mixed8 reduction, "
        "mixed9-10 v3-c with the nested 1x3/3x1 concatenations) at 1/16 width; Dense(10) + softmax. "
        "Input 107 px so mixed9-10 run on 2x2.",
        partial(inception_v3.inception_v3, div=16, classes=10))

fixture("inception_v4", "inception-v4", 107, 121,
        "Inception-V4 (Szegedy et al. 2016 figs 3-8: stem, 4 x A, Reduction-A k,l,m,n = 12,14,16,24, "
        "7 x B, Reduction-B, 3 x C) at 1/16 width; Dense(10) + softmax. Input 107 px (C blocks on 2x2).",
        partial(inception_v4.inception_v4, div=16, classes=10))

fixture("inception_resnet_v1", "inception-resnet-v1", 107, 122,
        "Inception-ResNet-V1 (figs 14, 10, 7, 11, 12, 13: stem, 5 x block35 (scale 0.17), Reduction-A "
        "12,12,16,24, 10 x block17 (0.1), Reduction-B, 5 x block8 (0.2; the last one scale 1.0 without "
        "ReLU, as Keras does for V2)) at 1/16 width; Dense(10) + softmax. Conv biases left at Keras' zeros, "
        "so tf2onnx folds each residual scale into the up-projection conv (scale \"folded\").",
        partial(inception_resnet.inception_resnet_v1, div=16, classes=10), conv_bias=False)

fixture("inception_resnet_v2", "inception-resnet-v2", 107, 123,
        "Keras InceptionResNetV2 layout (stem + mixed_5b, 10 x block35 (scale 0.17), mixed_6a "
        "Reduction-A 16,16,24,24, 20 x block17 (0.1), mixed_7a, 10 x block8 (0.2; block8_10 scale 1.0 "
        "without ReLU), conv_7b) at 1/16 width; Dense(10) + softmax. Random up-projection biases: the "
        "residual scales stay explicit Mul nodes (scale recorded as the number; block8_10 \"folded\").",
        partial(inception_resnet.inception_resnet_v2, div=16, classes=10))

fixture("vgg16_small", "plain", 32, 130,
        "Keras VGG16 layout (block1..block5 with 2/2/3/3/3 3x3 conv + ReLU and a 2x2 max-pool each, "
        "flatten, fc1, fc2, predictions) at widths 4/8/16/32/32 and FC 32-32; Dense(10) + softmax. "
        "Random conv biases.",
        partial(classic.vgg, classes=10))

fixture("googlenet_small", "inception-v1", 64, 131,
        "GoogLeNet (Szegedy et al. 2014 table 1: stem conv 7x7/2, max-pool, conv 1x1, conv 3x3, max-pool; "
        "modules 3a-3b, max-pool, 4a-4e, max-pool, 5a-5b of 1x1 | 1x1-3x3 | 1x1-5x5 | max-pool-1x1 "
        "with ReLU convs) at 1/8 width, without LRN and auxiliary heads; global average pool + Dense(10) + "
        "softmax. The max-pools between stages are `transition` blocks.",
        partial(classic.googlenet, div=8, classes=10))

fixture("mobilenet_v2_small", "mobilenet-v2", 32, 132,
        "Keras MobileNetV2 layout and names (Conv1, expanded_conv, block_N expand/pad/depthwise/project, "
        "identity adds where stride 1 and channels match, Conv_1, out_relu; ReLU6 exported as Clip) with "
        "(t, c, n, s) = (1,4,1,1), (6,6,2,2), (6,8,2,2), (6,12,2,2), (6,16,1,1), stem 8, last conv 64; "
        "Dense(10) + softmax. BN folded into the bias-free convs.",
        partial(classic.mobilenet_v2, classes=10), conv_bias=False)
