/// MobileNetV2 (Sandler et al. 2018, table 2) with Keras' `MobileNetV2` layout and names
/// (`Conv1`, `expanded_conv_*`, `block_{n}_expand|depthwise|project`, `Conv_1`): width 1.0,
/// BN ε 0.001, ReLU6, "same" padding.
public enum MobileNetV2Builder {
    /// (expansion t, channels c, repeats n, first stride s), paper table 2.
    static let plan: [(Int, Int, Int, Int)] = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]

    public static func build(inputSize: Int, classes: Int) throws -> Network {
        let namer = KerasNamer()
        let input = FeatureShape(channels: 3, height: inputSize, width: inputSize)
        var stem = ChainBuilder(block: "stem", input: input, namer: namer)
        try stem.conv(32, Size2(3), stride: 2, padding: .same, bias: false, name: "Conv1")
        try stem.batchNorm(name: "bn_Conv1", epsilon: 1e-3)
        try stem.relu6(name: "Conv1_relu")
        var shape = stem.shape
        var blocks: [Block] = []
        var index = 0
        for (t, c, n, s) in plan {
            for k in 0..<n {
                let name = index == 0 ? "expanded_conv" : "block_\(index)"
                let stride = k == 0 ? s : 1
                var x = ChainBuilder(block: name, input: shape, namer: namer)
                if t != 1 {
                    try x.conv(shape.channels * t, .one, padding: .valid, bias: false, name: "\(name)_expand")
                    try x.batchNorm(name: "\(name)_expand_BN", epsilon: 1e-3)
                    try x.relu6(name: "\(name)_expand_relu")
                }
                try x.depthwise(Size2(3), stride: stride, padding: .same, bias: false, name: "\(name)_depthwise")
                try x.batchNorm(name: "\(name)_depthwise_BN", epsilon: 1e-3)
                try x.relu6(name: "\(name)_depthwise_relu")
                try x.conv(c, .one, padding: .valid, bias: false, name: "\(name)_project")
                try x.batchNorm(name: "\(name)_project_BN", epsilon: 1e-3)
                let shortcut = stride == 1 && shape.channels == c
                blocks.append(.invertedResidual(InvertedResidualBlock(name: name, layers: x.layers, hasShortcut: shortcut)))
                shape = x.shape
                index += 1
            }
        }
        var tail = ChainBuilder(block: "head", input: shape, namer: namer)
        try tail.conv(1280, .one, padding: .valid, bias: false, name: "Conv_1")
        try tail.batchNorm(name: "Conv_1_bn", epsilon: 1e-3)
        try tail.relu6(name: "out_relu")
        return Network(family: .mobileNetV2, inputName: "input", inputShape: input, stem: Stem(variant: .mobileNetV2, layers: stem.layers),
                       blocks: blocks, tail: tail.layers,
                       head: try HeadBuilder.classifier(features: 1280, classes: classes), outputName: "output")
    }
}
