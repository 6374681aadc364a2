/// Inception-V3 as Keras' `InceptionV3` builds it (Szegedy et al. 2015): anonymous
/// `conv2d_bn` units (bias-free conv, BN without scale, ReLU), modules `mixed0`…`mixed10`.
public enum InceptionV3Builder {
    public static func stem(input: FeatureShape, namer: KerasNamer, width w: (Int) -> Int = { $0 }) throws -> Stem {
        var c = ChainBuilder(block: "stem", input: input, namer: namer, unitStyle: .inceptionV3)
        try c.unit(w(32), 3, stride: 2, padding: .valid)
        try c.unit(w(32), 3, padding: .valid)
        try c.unit(w(64), 3)
        try c.pool(.max, 3, stride: 2, padding: .valid)
        try c.unit(w(80), 1, padding: .valid)
        try c.unit(w(192), 3, padding: .valid)
        try c.pool(.max, 3, stride: 2, padding: .valid)
        return Stem(name: "stem", variant: .inceptionV3, layers: c.layers)
    }

    static func poolBranch(_ x: ChainBuilder, filters: Int) throws -> ChainBuilder {
        var b = x.branch()
        try b.pool(.average, 3, stride: 1, padding: .same)
        try b.unit(filters, 1)
        return b
    }

    /// mixed0–2: 1×1 | 1×1→5×5 | 1×1→3×3→3×3 | avgpool→1×1.
    static func moduleA(_ x: ChainBuilder, poolFilters: Int, name: String) throws -> InceptionModule {
        var b0 = x.branch(); try b0.unit(64, 1)
        var b1 = x.branch(); try b1.unit(48, 1); try b1.unit(64, 5)
        var b2 = x.branch(); try b2.unit(64, 1); try b2.unit(96, 3); try b2.unit(96, 3)
        let b3 = try poolBranch(x, filters: poolFilters)
        return InceptionModule(name: name, variant: .v3a, branches: [b0.layers, b1.layers, b2.layers, b3.layers])
    }

    /// mixed3: 3×3/2 | 1×1→3×3→3×3/2 | maxpool 3×3/2.
    static func reductionA(_ x: ChainBuilder, name: String, width w: (Int) -> Int = { $0 }) throws -> ReductionModule {
        var b0 = x.branch(); try b0.unit(w(384), 3, stride: 2, padding: .valid)
        var b1 = x.branch(); try b1.unit(w(64), 1); try b1.unit(w(96), 3); try b1.unit(w(96), 3, stride: 2, padding: .valid)
        var b2 = x.branch(); try b2.pool(.max, 3, stride: 2, padding: .valid)
        return ReductionModule(name: name, variant: .v3a, branches: [b0.layers, b1.layers, b2.layers])
    }

    /// mixed4–7: factorized 7×7 branches of width `c7`.
    static func moduleB(_ x: ChainBuilder, c7: Int, name: String) throws -> InceptionModule {
        var b0 = x.branch(); try b0.unit(192, 1)
        var b1 = x.branch()
        try b1.unit(c7, 1); try b1.unit(c7, Size2(1, 7)); try b1.unit(192, Size2(7, 1))
        var b2 = x.branch()
        try b2.unit(c7, 1); try b2.unit(c7, Size2(7, 1)); try b2.unit(c7, Size2(1, 7))
        try b2.unit(c7, Size2(7, 1)); try b2.unit(192, Size2(1, 7))
        let b3 = try poolBranch(x, filters: 192)
        return InceptionModule(name: name, variant: .v3b, branches: [b0.layers, b1.layers, b2.layers, b3.layers])
    }

    /// mixed8: 1×1→3×3/2 | 1×1→1×7→7×1→3×3/2 | maxpool 3×3/2.
    static func reductionB(_ x: ChainBuilder, name: String, width w: (Int) -> Int = { $0 }) throws -> ReductionModule {
        var b0 = x.branch(); try b0.unit(w(192), 1); try b0.unit(w(320), 3, stride: 2, padding: .valid)
        var b1 = x.branch()
        try b1.unit(w(192), 1); try b1.unit(w(192), Size2(1, 7)); try b1.unit(w(192), Size2(7, 1))
        try b1.unit(w(192), 3, stride: 2, padding: .valid)
        var b2 = x.branch(); try b2.pool(.max, 3, stride: 2, padding: .valid)
        return ReductionModule(name: name, variant: .v3b, branches: [b0.layers, b1.layers, b2.layers])
    }

    /// Two parallel 1×3 and 3×1 units concatenated (`name` for the inner concatenation).
    static func split(_ x: inout ChainBuilder, filters: Int, name: String) throws {
        var l = x.branch(); try l.unit(filters, Size2(1, 3))
        var r = x.branch(); try r.unit(filters, Size2(3, 1))
        try x.concat(name: name, [l, r])
    }

    /// mixed9–10: 1×1 | 1×1→{1×3,3×1} | 1×1→3×3→{1×3,3×1} | avgpool→1×1.
    static func moduleC(_ x: ChainBuilder, index: Int, name: String, namer: KerasNamer) throws -> InceptionModule {
        var b0 = x.branch(); try b0.unit(320, 1)
        var b1 = x.branch(); try b1.unit(384, 1); try split(&b1, filters: 384, name: "mixed9_\(index)")
        var b2 = x.branch(); try b2.unit(448, 1); try b2.unit(384, 3)
        try split(&b2, filters: 384, name: namer.next("concatenate"))
        let b3 = try poolBranch(x, filters: 192)
        return InceptionModule(name: name, variant: .v3c, branches: [b0.layers, b1.layers, b2.layers, b3.layers])
    }

    public static func build(inputSize: Int, classes: Int) throws -> Network {
        let namer = KerasNamer()
        let input = FeatureShape(channels: 3, height: inputSize, width: inputSize)
        let stem = try stem(input: input, namer: namer)
        var shape = stem.outputShape(for: input)
        var blocks: [Block] = []
        func add(_ block: Block) {
            blocks.append(block)
            shape = block.outputShape(for: shape)
        }
        func at(_ name: String) -> ChainBuilder {
            ChainBuilder(block: name, input: shape, namer: namer, unitStyle: .inceptionV3)
        }
        for (i, pool) in [32, 64, 64].enumerated() { add(.inception(try moduleA(at("mixed\(i)"), poolFilters: pool, name: "mixed\(i)"))) }
        add(.reduction(try reductionA(at("mixed3"), name: "mixed3")))
        for (i, c7) in [128, 160, 160, 192].enumerated() { add(.inception(try moduleB(at("mixed\(i + 4)"), c7: c7, name: "mixed\(i + 4)"))) }
        add(.reduction(try reductionB(at("mixed8"), name: "mixed8")))
        for i in 0..<2 { add(.inception(try moduleC(at("mixed\(i + 9)"), index: i, name: "mixed\(i + 9)", namer: namer))) }
        return Network(family: .inceptionV3, inputName: "input", inputShape: input, stem: stem, blocks: blocks,
                       head: try HeadBuilder.classifier(features: shape.channels, classes: classes), outputName: "output")
    }
}
