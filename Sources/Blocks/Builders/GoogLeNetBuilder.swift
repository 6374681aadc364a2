/// GoogLeNet / Inception-V1 (Szegedy et al. 2014, table 1) in torchvision's form, without the
/// auxiliary classifiers: every conv a bias-free conv + BN (ε 0.001) + ReLU, ceil-mode
/// max-pools, and — as torchvision has it — a 3×3 (not 5×5) conv in each module's third branch.
public enum GoogLeNetBuilder {
    /// Per module (name, 1×1, 3×3 reduce, 3×3, 5×5 reduce, 5×5, pool proj), paper table 1;
    /// `nil` marks the max-pool between stages.
    static let plan: [(String, [Int])?] = [
        ("inception_3a", [64, 96, 128, 16, 32, 32]), ("inception_3b", [128, 128, 192, 32, 96, 64]), nil,
        ("inception_4a", [192, 96, 208, 16, 48, 64]), ("inception_4b", [160, 112, 224, 24, 64, 64]),
        ("inception_4c", [128, 128, 256, 24, 64, 64]), ("inception_4d", [112, 144, 288, 32, 64, 64]),
        ("inception_4e", [256, 160, 320, 32, 128, 128]), nil,
        ("inception_5a", [256, 160, 320, 32, 128, 128]), ("inception_5b", [384, 192, 384, 48, 128, 128]),
    ]

    public static func build(inputSize: Int, classes: Int) throws -> Network {
        let namer = KerasNamer()
        let input = FeatureShape(channels: 3, height: inputSize, width: inputSize)
        var stem = ChainBuilder(block: "stem", input: input, namer: namer)
        try unit(&stem, 64, 7, stride: 2, pad: 3, name: "conv1")
        try stem.pool(.max, 3, stride: 2, padding: .valid, ceilMode: true, name: "maxpool1")
        try unit(&stem, 64, 1, name: "conv2")
        try unit(&stem, 192, 3, pad: 1, name: "conv3")
        try stem.pool(.max, 3, stride: 2, padding: .valid, ceilMode: true, name: "maxpool2")
        var shape = stem.shape
        var blocks: [Block] = []
        var pools = 2
        for entry in plan {
            guard let (name, f) = entry else {
                pools += 1
                var t = ChainBuilder(block: "maxpool\(pools)", input: shape, namer: namer)
                // torchvision: 3×3/2 after stage 3, 2×2/2 after stage 4, both ceil mode.
                try t.pool(.max, pools == 3 ? 3 : 2, stride: 2, padding: .valid, ceilMode: true, name: "maxpool\(pools)")
                blocks.append(.transition(Transition(name: "maxpool\(pools)", layers: t.layers)))
                shape = t.shape
                continue
            }
            let x = ChainBuilder(block: name, input: shape, namer: namer)
            var b1 = x.branch(), b2 = x.branch(), b3 = x.branch(), b4 = x.branch()
            try unit(&b1, f[0], 1, name: "\(name)_1x1")
            try unit(&b2, f[1], 1, name: "\(name)_3x3_reduce")
            try unit(&b2, f[2], 3, pad: 1, name: "\(name)_3x3")
            try unit(&b3, f[3], 1, name: "\(name)_5x5_reduce")
            try unit(&b3, f[4], 3, pad: 1, name: "\(name)_5x5")
            try b4.pool(.max, 3, stride: 1, padding: .explicit(Padding(all: 1)), ceilMode: true, name: "\(name)_pool")
            try unit(&b4, f[5], 1, name: "\(name)_pool_proj")
            let module = InceptionModule(name: name, variant: .v1, branches: [b1.layers, b2.layers, b3.layers, b4.layers],
                                         concatName: "\(name)_output")
            shape = module.outputShape(for: shape)
            blocks.append(.inception(module))
        }
        let head = Head(name: "head", pooling: .globalAverage,
                        dense: Dense(name: "fc", inputFeatures: shape.channels, outputFeatures: classes, bias: []), softmax: true)
        guard classes >= 1 else { throw BuildError.invalidSpec(block: "head", reason: "classes must be at least 1, not \(classes)") }
        return Network(family: .inceptionV1, inputName: "input", inputShape: input, stem: Stem(variant: .inceptionV1, layers: stem.layers),
                       blocks: blocks, head: head, outputName: "output")
    }

    /// torchvision's `BasicConv2d`: conv (no bias) + BN (ε 0.001) + ReLU.
    static func unit(_ c: inout ChainBuilder, _ filters: Int, _ k: Int, stride: Int = 1, pad: Int = 0, name: String) throws {
        try c.conv(filters, Size2(k), stride: stride, padding: .explicit(Padding(all: pad)), bias: false, name: name)
        try c.batchNorm(name: "\(name)_bn", epsilon: 1e-3)
        try c.relu(name: "\(name)_relu")
    }
}
