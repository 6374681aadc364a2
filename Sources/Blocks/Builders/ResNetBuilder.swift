/// ResNet-18/34/50/101/152 (He et al. 2015; Keras `ResNet50` layout and names) and
/// ResNet-50/101/152 V2 (He et al. 2016; Keras `ResNet50V2`: stride in the last block of a
/// stack with a pooling shortcut, final `post_bn` + `post_relu`).
public enum ResNetBuilder {
    public static let stageWidths = [64, 128, 256, 512]

    public static func stem(input: FeatureShape, filters: Int = 64, preactivated: Bool, namer: KerasNamer) throws -> Stem {
        var c = ChainBuilder(block: "stem", input: input, namer: namer)
        try c.conv(filters, Size2(7), stride: 2, padding: .explicit(Padding(all: 3)), bias: true, name: "conv1_conv")
        if !preactivated {
            try c.batchNorm(name: "conv1_bn", epsilon: ResidualBlockBuilder.epsilon)
            try c.relu(name: "conv1_relu")
        }
        try c.pool(.max, 3, stride: 2, padding: .valid, zeroPadding: Padding(all: 1), name: "pool1_pool")
        return Stem(name: "stem", variant: .resnet, layers: c.layers)
    }

    /// Post-activation ResNet: `variant` basic (18/34) or bottleneck (50/101/152).
    public static func v1(depths: [Int], variant: ResidualBlock.Variant, inputSize: Int, classes: Int,
                          widths: [Int] = stageWidths) throws -> Network {
        let namer = KerasNamer()
        let input = FeatureShape(channels: 3, height: inputSize, width: inputSize)
        let stem = try stem(input: input, preactivated: false, namer: namer)
        var shape = stem.outputShape(for: input)
        var blocks: [Block] = []
        for (stage, (depth, width)) in zip(depths, widths).enumerated() {
            let out = variant == .bottleneck ? 4 * width : width
            for i in 1...depth {
                let stride = (i == 1 && stage > 0) ? 2 : 1
                let project = variant == .bottleneck ? i == 1 : (stride != 1 || shape.channels != out)
                let block = try ResidualBlockBuilder.block(
                    name: "conv\(stage + 2)_block\(i)", input: shape, variant: variant, arrangement: .original,
                    outputChannels: out, stride: stride, shortcut: project ? .projection : .identity, namer: namer)
                shape = block.outputShape(for: shape)
                blocks.append(.residual(block))
            }
        }
        return Network(family: .resnet, inputName: "input", inputShape: input, stem: stem, blocks: blocks,
                       head: try HeadBuilder.classifier(features: shape.channels, classes: classes), outputName: "output")
    }

    /// Pre-activation bottleneck ResNet (Keras `ResNet50V2` and friends).
    public static func v2(depths: [Int], inputSize: Int, classes: Int, widths: [Int] = stageWidths) throws -> Network {
        let namer = KerasNamer()
        let input = FeatureShape(channels: 3, height: inputSize, width: inputSize)
        let stem = try stem(input: input, preactivated: true, namer: namer)
        var shape = stem.outputShape(for: input)
        var blocks: [Block] = []
        for (stage, (depth, width)) in zip(depths, widths).enumerated() {
            let lastStride = stage == depths.count - 1 ? 1 : 2
            for i in 1...depth {
                let stride = i == depth ? lastStride : 1
                let kind: ResidualBlockBuilder.ShortcutKind = i == 1 ? .projection : (stride > 1 ? .pool : .identity)
                let block = try ResidualBlockBuilder.block(
                    name: "conv\(stage + 2)_block\(i)", input: shape, variant: .bottleneck,
                    arrangement: .fullPreactivation, outputChannels: 4 * width, stride: stride, shortcut: kind,
                    namer: namer)
                shape = block.outputShape(for: shape)
                blocks.append(.residual(block))
            }
        }
        var tail = ChainBuilder(block: "head", input: shape, namer: namer)
        try tail.batchNorm(name: "post_bn", epsilon: ResidualBlockBuilder.epsilon)
        try tail.relu(name: "post_relu")
        return Network(family: .resnet, inputName: "input", inputShape: input, stem: stem, blocks: blocks,
                       tail: tail.layers, head: try HeadBuilder.classifier(features: shape.channels, classes: classes),
                       outputName: "output")
    }
}
