/// VGG-16 / VGG-19 (Simonyan & Zisserman 2014; Keras `VGG16` / `VGG19` layout and names:
/// `block{S}_conv{K}`, `block{S}_pool`, `fc1`, `fc2`, `predictions`) and AlexNet
/// (Krizhevsky et al. 2012, in torchvision's single-tower form: 64-192-384-256-256 filters,
/// no LRN), each stage a `ConvStage`, the classifier three dense layers ("4096×2, 1000").
public enum PlainNetworkBuilder {
    /// Convs per stage: VGG-16 `[2, 2, 3, 3, 3]`, VGG-19 `[2, 2, 4, 4, 4]`.
    public static func vgg(convsPerStage: [Int], inputSize: Int, classes: Int) throws -> Network {
        let namer = KerasNamer()
        let input = FeatureShape(channels: 3, height: inputSize, width: inputSize)
        var shape = input
        var blocks: [Block] = []
        for (s, count) in convsPerStage.enumerated() {
            let name = "block\(s + 1)"
            var c = ChainBuilder(block: name, input: shape, namer: namer)
            let filters = min(64 << s, 512)
            for k in 1...count {
                try c.conv(filters, Size2(3), padding: .same, bias: true, name: "\(name)_conv\(k)")
                try c.relu(name: "\(name)_conv\(k)_relu")
            }
            try c.pool(.max, 2, stride: 2, padding: .valid, name: "\(name)_pool")
            blocks.append(.convStage(ConvStage(name: name, variant: .vgg, layers: c.layers)))
            shape = c.shape
        }
        let head = try classifier(features: shape.elementCount, hidden: [4096, 4096], names: ["fc1", "fc2"], classes: classes)
        return Network(family: .plain, inputName: "input", inputShape: input, stem: Stem(variant: .plain, layers: []),
                       blocks: blocks, head: head, outputName: "output")
    }

    /// torchvision's AlexNet at 224 px (its adaptive 6×6 pool is then the identity).
    public static func alexNet(inputSize: Int, classes: Int) throws -> Network {
        let namer = KerasNamer()
        let input = FeatureShape(channels: 3, height: inputSize, width: inputSize)
        var shape = input
        var blocks: [Block] = []
        // (filters, kernel, stride, padding) per conv; a 3×3 stride-2 max-pool closes each stage.
        let stages: [[(Int, Int, Int, Int)]] = [[(64, 11, 4, 2)], [(192, 5, 1, 2)], [(384, 3, 1, 1), (256, 3, 1, 1), (256, 3, 1, 1)]]
        var convIndex = 0
        for (s, convs) in stages.enumerated() {
            let name = "stage\(s + 1)"
            var c = ChainBuilder(block: name, input: shape, namer: namer)
            for (filters, k, stride, pad) in convs {
                convIndex += 1
                try c.conv(filters, Size2(k), stride: stride, padding: .explicit(Padding(all: pad)), bias: true, name: "conv\(convIndex)")
                try c.relu(name: "conv\(convIndex)_relu")
            }
            try c.pool(.max, 3, stride: 2, padding: .valid, name: "pool\(s + 1)")
            blocks.append(.convStage(ConvStage(name: name, variant: ConvStage.isVGG(c.layers) ? .vgg : .generic, layers: c.layers)))
            shape = c.shape
        }
        let head = try classifier(features: shape.elementCount, hidden: [4096, 4096], names: ["fc6", "fc7"], classes: classes)
        return Network(family: .plain, inputName: "input", inputShape: input, stem: Stem(variant: .plain, layers: []),
                       blocks: blocks, head: head, outputName: "output")
    }

    static func classifier(features: Int, hidden: [Int], names: [String], classes: Int) throws -> Head {
        guard classes >= 1 else { throw BuildError.invalidSpec(block: "head", reason: "classes must be at least 1, not \(classes)") }
        var width = features
        var layers: [Dense] = []
        for (units, name) in zip(hidden, names) {
            layers.append(Dense(name: name, inputFeatures: width, outputFeatures: units, bias: []))
            width = units
        }
        return Head(name: "head", pooling: .none, hidden: layers,
                    dense: Dense(name: "predictions", inputFeatures: width, outputFeatures: classes, bias: []), softmax: true)
    }
}
