/// Inception-ResNet-V1 (Szegedy et al. 2016, figs 10–14) and V2 (Keras `InceptionResNetV2`,
/// whose stem is Inception-V3's plus the `mixed_5b` module). Blocks `block35_i` (A, scale 0.17),
/// `block17_i` (B, 0.1), `block8_i` (C, 0.2; the last one scale 1 without ReLU), each
/// `act(x + scale · up(concat(branches)))` with `up` a biased 1×1 conv `{name}_conv`.
public enum InceptionResNetBuilder {
    public static func stemV1(input: FeatureShape, namer: KerasNamer, width w: (Int) -> Int = { $0 }) throws -> Stem {
        var c = ChainBuilder(block: "stem", input: input, namer: namer)
        try c.unit(w(32), 3, stride: 2, padding: .valid)
        try c.unit(w(32), 3, padding: .valid)
        try c.unit(w(64), 3)
        try c.pool(.max, 3, stride: 2, padding: .valid)
        try c.unit(w(80), 1, padding: .valid)
        try c.unit(w(192), 3, padding: .valid)
        try c.unit(w(256), 3, stride: 2, padding: .valid)
        return Stem(name: "stem", variant: .inceptionResNetV1, layers: c.layers)
    }

    public static func stemV2(input: FeatureShape, namer: KerasNamer, width w: (Int) -> Int = { $0 }) throws -> Stem {
        var c = ChainBuilder(block: "stem", input: input, namer: namer)
        try c.unit(w(32), 3, stride: 2, padding: .valid)
        try c.unit(w(32), 3, padding: .valid)
        try c.unit(w(64), 3)
        try c.pool(.max, 3, stride: 2, padding: .valid)
        try c.unit(w(80), 1, padding: .valid)
        try c.unit(w(192), 3, padding: .valid)
        try c.pool(.max, 3, stride: 2, padding: .valid)
        var b0 = c.branch(); try b0.unit(w(96), 1)
        var b1 = c.branch(); try b1.unit(w(48), 1); try b1.unit(w(64), 5)
        var b2 = c.branch(); try b2.unit(w(64), 1); try b2.unit(w(96), 3); try b2.unit(w(96), 3)
        var b3 = c.branch(); try b3.pool(.average, 3, stride: 1, padding: .same); try b3.unit(w(64), 1)
        try c.concat(name: "mixed_5b", [b0, b1, b2, b3])
        return Stem(name: "stem", variant: .inceptionResNetV2, layers: c.layers)
    }

    /// Branch widths per (version, variant), in concatenation order; kernels follow the paper.
    static func branches(_ x: ChainBuilder, version: Int, variant: InceptionResNetBlock.Variant) throws -> [ChainBuilder] {
        switch (version, variant) {
        case (1, .a), (2, .a):
            let w = version == 1 ? [32, 32, 32, 32, 32, 32] : [32, 32, 32, 32, 48, 64]
            var b0 = x.branch(); try b0.unit(w[0], 1)
            var b1 = x.branch(); try b1.unit(w[1], 1); try b1.unit(w[2], 3)
            var b2 = x.branch(); try b2.unit(w[3], 1); try b2.unit(w[4], 3); try b2.unit(w[5], 3)
            return [b0, b1, b2]
        case (_, .b):
            let w = version == 1 ? [128, 128, 128, 128] : [192, 128, 160, 192]
            var b0 = x.branch(); try b0.unit(w[0], 1)
            var b1 = x.branch(); try b1.unit(w[1], 1); try b1.unit(w[2], Size2(1, 7)); try b1.unit(w[3], Size2(7, 1))
            return [b0, b1]
        default:
            let w = version == 1 ? [192, 192, 192, 192] : [192, 192, 224, 256]
            var b0 = x.branch(); try b0.unit(w[0], 1)
            var b1 = x.branch(); try b1.unit(w[1], 1); try b1.unit(w[2], Size2(1, 3)); try b1.unit(w[3], Size2(3, 1))
            return [b0, b1]
        }
    }

    public static func block(_ x: ChainBuilder, version: Int, variant: InceptionResNetBlock.Variant, name: String,
                             scale: Float, activation: Bool) throws -> InceptionResNetBlock {
        let chains = try branches(x, version: version, variant: variant)
        var mixed = x.branch()
        try mixed.concat(name: "\(name)_mixed", chains)
        let up = Conv(name: "\(name)_conv", inputChannels: mixed.shape.channels, outputChannels: x.shape.channels,
                      kernel: .one, bias: [])
        return InceptionResNetBlock(name: name, variant: variant, version: version, branches: chains.map(\.layers),
                                    concatName: "\(name)_mixed", up: up, scale: .explicit(scale), activation: activation)
    }

    /// Inception-ResNet-V1 Reduction-B (fig. 12).
    static func reductionBV1(_ x: ChainBuilder, name: String, width w: (Int) -> Int = { $0 }) throws -> ReductionModule {
        var b0 = x.branch(); try b0.unit(w(256), 1); try b0.unit(w(384), 3, stride: 2, padding: .valid)
        var b1 = x.branch(); try b1.unit(w(256), 1); try b1.unit(w(256), 3, stride: 2, padding: .valid)
        var b2 = x.branch(); try b2.unit(w(256), 1); try b2.unit(w(256), 3); try b2.unit(w(256), 3, stride: 2, padding: .valid)
        var b3 = x.branch(); try b3.pool(.max, 3, stride: 2, padding: .valid)
        return ReductionModule(name: name, variant: .inceptionResNetV1B, branches: [b0.layers, b1.layers, b2.layers, b3.layers])
    }

    /// Keras InceptionResNetV2 `mixed_7a` (fig. 18).
    static func reductionBV2(_ x: ChainBuilder, name: String, width w: (Int) -> Int = { $0 }) throws -> ReductionModule {
        var b0 = x.branch(); try b0.unit(w(256), 1); try b0.unit(w(384), 3, stride: 2, padding: .valid)
        var b1 = x.branch(); try b1.unit(w(256), 1); try b1.unit(w(288), 3, stride: 2, padding: .valid)
        var b2 = x.branch(); try b2.unit(w(256), 1); try b2.unit(w(288), 3); try b2.unit(w(320), 3, stride: 2, padding: .valid)
        var b3 = x.branch(); try b3.pool(.max, 3, stride: 2, padding: .valid)
        return ReductionModule(name: name, variant: .inceptionResNetV2B, branches: [b0.layers, b1.layers, b2.layers, b3.layers])
    }

    public static func build(version: Int, inputSize: Int, classes: Int) throws -> Network {
        let namer = KerasNamer()
        let input = FeatureShape(channels: 3, height: inputSize, width: inputSize)
        let stem = version == 1 ? try stemV1(input: input, namer: namer) : try stemV2(input: input, namer: namer)
        var shape = stem.outputShape(for: input)
        var blocks: [Block] = []
        func add(_ block: Block) {
            blocks.append(block)
            shape = block.outputShape(for: shape)
        }
        func at(_ name: String) -> ChainBuilder { ChainBuilder(block: name, input: shape, namer: namer) }
        let repeats = version == 1 ? [5, 10, 5] : [10, 20, 10]
        for i in 1...repeats[0] {
            add(.inceptionResNet(try block(at("block35_\(i)"), version: version, variant: .a, name: "block35_\(i)",
                                           scale: 0.17, activation: true)))
        }
        let reductionA: ReductionModule.FilterCounts = version == 1 ? .init(k: 192, l: 192, m: 256, n: 384)
                                                                     : .init(k: 256, l: 256, m: 384, n: 384)
        add(.reduction(try InceptionV4Builder.reductionA(at("mixed_6a"), filters: reductionA, name: "mixed_6a")))
        for i in 1...repeats[1] {
            add(.inceptionResNet(try block(at("block17_\(i)"), version: version, variant: .b, name: "block17_\(i)",
                                           scale: 0.1, activation: true)))
        }
        add(.reduction(version == 1 ? try reductionBV1(at("mixed_7a"), name: "mixed_7a")
                                    : try reductionBV2(at("mixed_7a"), name: "mixed_7a")))
        for i in 1...repeats[2] {
            let last = i == repeats[2]
            add(.inceptionResNet(try block(at("block8_\(i)"), version: version, variant: .c, name: "block8_\(i)",
                                           scale: last ? 1 : 0.2, activation: !last)))
        }
        var tail = ChainBuilder(block: "head", input: shape, namer: namer)
        if version == 2 { try tail.unit(1536, 1, name: "conv_7b") }
        return Network(family: version == 1 ? .inceptionResNetV1 : .inceptionResNetV2, inputName: "input",
                       inputShape: input, stem: stem, blocks: blocks, tail: tail.layers,
                       head: try HeadBuilder.classifier(features: tail.shape.channels, classes: classes),
                       outputName: "output")
    }
}
