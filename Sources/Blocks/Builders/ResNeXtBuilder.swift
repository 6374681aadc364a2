/// ResNeXt (Xie et al. 2016) in torchvision's form (`resnext50_32x4d`): bias-free convs with
/// BN (ε 1e-5), the stride on the grouped 3×3 (torchvision's "V1.5"), projection shortcuts
/// conv 1×1 + BN at each stage's first block.
public enum ResNeXtBuilder {
    public static func build(depths: [Int], groups: Int, widthPerGroup: Int, inputSize: Int, classes: Int) throws -> Network {
        let namer = KerasNamer()
        let input = FeatureShape(channels: 3, height: inputSize, width: inputSize)
        var stem = ChainBuilder(block: "stem", input: input, namer: namer)
        try stem.conv(64, Size2(7), stride: 2, padding: .explicit(Padding(all: 3)), bias: false, name: "conv1")
        try stem.batchNorm(name: "bn1", epsilon: 1e-5)
        try stem.relu(name: "relu")
        try stem.pool(.max, 3, stride: 2, padding: .explicit(Padding(all: 1)), name: "maxpool")
        var shape = stem.shape
        var blocks: [Block] = []
        for (stage, depth) in depths.enumerated() {
            let planes = 64 << stage
            let width = planes * widthPerGroup / 64 * groups
            for i in 0..<depth {
                let name = "layer\(stage + 1)_\(i)"
                let stride = i == 0 && stage > 0 ? 2 : 1
                var r = ChainBuilder(block: name, input: shape, namer: namer)
                try r.conv(width, .one, padding: .valid, bias: false, name: "\(name)_conv1")
                try r.batchNorm(name: "\(name)_bn1", epsilon: 1e-5)
                try r.relu(name: "\(name)_relu1")
                try r.conv(width, Size2(3), stride: stride, padding: .explicit(Padding(all: 1)), groups: groups, bias: false, name: "\(name)_conv2")
                try r.batchNorm(name: "\(name)_bn2", epsilon: 1e-5)
                try r.relu(name: "\(name)_relu2")
                try r.conv(planes * 4, .one, padding: .valid, bias: false, name: "\(name)_conv3")
                try r.batchNorm(name: "\(name)_bn3", epsilon: 1e-5)
                var shortcut: ResidualBlock.Shortcut = .identity
                if i == 0 {
                    var p = ChainBuilder(block: name, input: shape, namer: namer)
                    try p.conv(planes * 4, .one, stride: stride, padding: .valid, bias: false, name: "\(name)_downsample_conv")
                    try p.batchNorm(name: "\(name)_downsample_bn", epsilon: 1e-5)
                    shortcut = .projection(p.layers)
                }
                let block = ResidualBlock(name: name, variant: .bottleneck, version: 1, arrangement: .original,
                                          residual: r.layers, shortcut: shortcut, postAddition: [.activation(.relu, name: "\(name)_relu")])
                blocks.append(.residual(block))
                shape = r.shape
            }
        }
        return Network(family: .resnext, inputName: "input", inputShape: input, stem: Stem(variant: .resnext, layers: stem.layers),
                       blocks: blocks, head: try HeadBuilder.classifier(features: shape.channels, classes: classes), outputName: "output")
    }
}
