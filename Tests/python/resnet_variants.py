"""Small ResNet-family ONNX graphs built with onnx.helper for the verify / diff tests:
bottleneck stages with a chosen depth per stage, inner and output widths, groups on the
3×3 (ResNeXt), and the stride on the first 1×1 ("V1", He et al. 2015, Keras) or on the 3×3
("V1.5", torchvision). Conv + bias + Relu, as an export with BatchNormalization folded.

With `sparse_weights=True` every initializer lives in one external file made with
`truncate` (no bytes written), so full-size architectures (25-69 M parameters) cost nothing:
the structure commands read shapes only."""
import os

import numpy as np
from onnx import TensorProto, helper, numpy_helper

RESNET50 = dict(depths=(3, 4, 6, 3), inner=(64, 128, 256, 512), outputs=(256, 512, 1024, 2048))


class _Graph:
    def __init__(self, sparse):
        self.nodes, self.inits, self.sparse, self.offset, self.rng = [], [], sparse, 0, np.random.default_rng(3)

    def weight(self, name, shape):
        if self.sparse:
            tensor = TensorProto(name=name, data_type=TensorProto.FLOAT, dims=shape, data_location=TensorProto.EXTERNAL)
            length = int(np.prod(shape)) * 4
            for key, value in (("location", "weights.bin"), ("offset", str(self.offset)), ("length", str(length))):
                entry = tensor.external_data.add()
                entry.key, entry.value = key, value
            self.offset += length
            self.inits.append(tensor)
        else:
            self.inits.append(numpy_helper.from_array(self.rng.normal(0, 0.1, shape).astype(np.float32), name))
        return name

    def node(self, op, inputs, name, **attrs):
        self.nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def conv(self, x, name, cin, cout, k, stride=1, groups=1):
        w = self.weight(name + ".weight", [cout, cin // groups, k, k])
        b = self.weight(name + ".bias", [cout])
        return self.node("Conv", [x, w, b], name, kernel_shape=[k, k], strides=[stride, stride],
                         pads=[k // 2] * 4, group=groups)

    def relu(self, x):
        return self.node("Relu", [x], x + ".relu")


def resnet(folder, depths=RESNET50["depths"], inner=RESNET50["inner"], outputs=RESNET50["outputs"], groups=1,
           stride_conv=1, stem=64, size=224, classes=1000, sparse_weights=False, name="model.onnx"):
    """Writes folder/name and returns its path. `stride_conv` 1: stride on the first 1×1; 2: on the 3×3."""
    g = _Graph(sparse_weights)
    x = g.relu(g.conv("input", "conv1", 3, stem, 7, stride=2))
    x = g.node("MaxPool", [x], "maxpool", kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    channels = stem
    for s, (depth, width, out) in enumerate(zip(depths, inner, outputs)):
        for b in range(depth):
            p = f"layer{s + 1}.{b}"
            stride = 2 if (b == 0 and s > 0) else 1
            y = g.relu(g.conv(x, p + ".conv1", channels, width, 1, stride if stride_conv == 1 else 1))
            y = g.relu(g.conv(y, p + ".conv2", width, width, 3, stride if stride_conv == 2 else 1, groups))
            y = g.conv(y, p + ".conv3", width, out, 1)
            shortcut = x if b > 0 else g.conv(x, p + ".downsample", channels, out, 1, stride)
            x = g.relu(g.node("Add", [y, shortcut], p + ".add"))
            channels = out
    x = g.node("GlobalAveragePool", [x], "avgpool")
    x = g.node("Flatten", [x], "flatten", axis=1)
    w = g.weight("fc.weight", [classes, channels])
    b = g.weight("fc.bias", [classes])
    logits = g.node("Gemm", [x, w, b], "fc", transB=1)
    graph = helper.make_graph(g.nodes, "resnet", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, size, size])],
                              [helper.make_tensor_value_info(logits, TensorProto.FLOAT, [1, classes])], g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, name)
    with open(path, "wb") as f:
        f.write(model.SerializeToString())
    if sparse_weights:
        with open(os.path.join(folder, "weights.bin"), "wb") as f:
            f.truncate(g.offset)
    return path


def tiny(folder, name="model.onnx", depths=(3, 4, 6, 3), width=4, **kw):
    """A ResNet-50-shaped graph at 1/16 width on 32×32 inputs (real weights, runs in ms)."""
    inner = tuple(width * 2 ** k for k in range(4))
    outputs = kw.pop("outputs", tuple(4 * w for w in inner))
    inner = kw.pop("inner", inner)
    return resnet(folder, depths=depths, inner=inner, outputs=outputs, stem=kw.pop("stem", 8), size=32, classes=10,
                  name=name, **kw)
