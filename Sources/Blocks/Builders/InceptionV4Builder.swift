/// Inception-V4 (Szegedy et al. 2016, figs 3–9) with Keras-style `conv2d_bn` units (bias-free
/// conv, BN without scale, ReLU) and TF-slim concatenation names: stem `mixed_3a`–`mixed_5a`,
/// A `mixed_5b`…, Reduction-A `mixed_6a` (k, l, m, n = 192, 224, 256, 384), B `mixed_6b`…,
/// Reduction-B `mixed_7a`, C `mixed_7b`…
public enum InceptionV4Builder {
    public static func stem(input: FeatureShape, namer: KerasNamer, width w: (Int) -> Int = { $0 }) throws -> Stem {
        var c = ChainBuilder(block: "stem", input: input, namer: namer)
        try c.unit(w(32), 3, stride: 2, padding: .valid)
        try c.unit(w(32), 3, padding: .valid)
        try c.unit(w(64), 3)
        var p = c.branch(); try p.pool(.max, 3, stride: 2, padding: .valid)
        var q = c.branch(); try q.unit(w(96), 3, stride: 2, padding: .valid)
        try c.concat(name: "mixed_3a", [p, q])
        var l = c.branch(); try l.unit(w(64), 1); try l.unit(w(96), 3, padding: .valid)
        var r = c.branch()
        try r.unit(w(64), 1); try r.unit(w(64), Size2(1, 7)); try r.unit(w(64), Size2(7, 1)); try r.unit(w(96), 3, padding: .valid)
        try c.concat(name: "mixed_4a", [l, r])
        var s = c.branch(); try s.unit(w(192), 3, stride: 2, padding: .valid)
        var m = c.branch(); try m.pool(.max, 3, stride: 2, padding: .valid)
        try c.concat(name: "mixed_5a", [s, m])
        return Stem(name: "stem", variant: .inceptionV4, layers: c.layers)
    }

    static func poolBranch(_ x: ChainBuilder, filters: Int) throws -> ChainBuilder {
        var b = x.branch()
        try b.pool(.average, 3, stride: 1, padding: .same)
        try b.unit(filters, 1)
        return b
    }

    static func blockA(_ x: ChainBuilder, name: String) throws -> InceptionModule {
        var b0 = x.branch(); try b0.unit(96, 1)
        var b1 = x.branch(); try b1.unit(64, 1); try b1.unit(96, 3)
        var b2 = x.branch(); try b2.unit(64, 1); try b2.unit(96, 3); try b2.unit(96, 3)
        let b3 = try poolBranch(x, filters: 96)
        return InceptionModule(name: name, variant: .v4a, branches: [b0.layers, b1.layers, b2.layers, b3.layers])
    }

    /// Reduction-A (fig. 7): 3×3/2 `n` | 1×1 `k` → 3×3 `l` → 3×3/2 `m` | maxpool 3×3/2.
    public static func reductionA(_ x: ChainBuilder, filters f: ReductionModule.FilterCounts, name: String) throws -> ReductionModule {
        var b0 = x.branch(); try b0.unit(f.n, 3, stride: 2, padding: .valid)
        var b1 = x.branch(); try b1.unit(f.k, 1); try b1.unit(f.l, 3); try b1.unit(f.m, 3, stride: 2, padding: .valid)
        var b2 = x.branch(); try b2.pool(.max, 3, stride: 2, padding: .valid)
        return ReductionModule(name: name, variant: .a, branches: [b0.layers, b1.layers, b2.layers], filters: f)
    }

    static func blockB(_ x: ChainBuilder, name: String) throws -> InceptionModule {
        var b0 = x.branch(); try b0.unit(384, 1)
        var b1 = x.branch(); try b1.unit(192, 1); try b1.unit(224, Size2(1, 7)); try b1.unit(256, Size2(7, 1))
        var b2 = x.branch()
        try b2.unit(192, 1); try b2.unit(192, Size2(7, 1)); try b2.unit(224, Size2(1, 7))
        try b2.unit(224, Size2(7, 1)); try b2.unit(256, Size2(1, 7))
        let b3 = try poolBranch(x, filters: 128)
        return InceptionModule(name: name, variant: .v4b, branches: [b0.layers, b1.layers, b2.layers, b3.layers])
    }

    static func reductionB(_ x: ChainBuilder, name: String, width w: (Int) -> Int = { $0 }) throws -> ReductionModule {
        var b0 = x.branch(); try b0.unit(w(192), 1); try b0.unit(w(192), 3, stride: 2, padding: .valid)
        var b1 = x.branch()
        try b1.unit(w(256), 1); try b1.unit(w(256), Size2(1, 7)); try b1.unit(w(320), Size2(7, 1))
        try b1.unit(w(320), 3, stride: 2, padding: .valid)
        var b2 = x.branch(); try b2.pool(.max, 3, stride: 2, padding: .valid)
        return ReductionModule(name: name, variant: .v4b, branches: [b0.layers, b1.layers, b2.layers])
    }

    static func split(_ x: inout ChainBuilder, name: String) throws {
        var l = x.branch(); try l.unit(256, Size2(1, 3))
        var r = x.branch(); try r.unit(256, Size2(3, 1))
        try x.concat(name: name, [l, r])
    }

    static func blockC(_ x: ChainBuilder, name: String) throws -> InceptionModule {
        var b0 = x.branch(); try b0.unit(256, 1)
        var b1 = x.branch(); try b1.unit(384, 1); try split(&b1, name: "\(name)_fork1")
        var b2 = x.branch()
        try b2.unit(384, 1); try b2.unit(448, Size2(3, 1)); try b2.unit(512, Size2(1, 3))
        try split(&b2, name: "\(name)_fork2")
        let b3 = try poolBranch(x, filters: 256)
        return InceptionModule(name: name, variant: .v4c, branches: [b0.layers, b1.layers, b2.layers, b3.layers])
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
        func at(_ name: String) -> ChainBuilder { ChainBuilder(block: name, input: shape, namer: namer) }
        let letters = Array("bcdefghijk").map(String.init)
        for i in 0..<4 { add(.inception(try blockA(at("mixed_5\(letters[i])"), name: "mixed_5\(letters[i])"))) }
        add(.reduction(try reductionA(at("mixed_6a"), filters: .init(k: 192, l: 224, m: 256, n: 384), name: "mixed_6a")))
        for i in 0..<7 { add(.inception(try blockB(at("mixed_6\(letters[i])"), name: "mixed_6\(letters[i])"))) }
        add(.reduction(try reductionB(at("mixed_7a"), name: "mixed_7a")))
        for i in 0..<3 { add(.inception(try blockC(at("mixed_7\(letters[i])"), name: "mixed_7\(letters[i])"))) }
        return Network(family: .inceptionV4, inputName: "input", inputShape: input, stem: stem, blocks: blocks,
                       head: try HeadBuilder.classifier(features: shape.channels, classes: classes), outputName: "output")
    }
}
