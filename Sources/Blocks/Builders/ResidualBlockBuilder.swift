/// Builds one ResNet block in any of He et al. 2016's five arrangements, with Keras' layer
/// names (`{name}_1_conv`, `{name}_0_conv`, `{name}_add`, `{name}_out`, …).
///
/// Layouts follow Keras: post-activation bottlenecks put the stride on the first 1×1 conv
/// (`resnet.residual_block_v1`), pre-activation bottlenecks on the 3×3 conv after an explicit
/// 1-pixel zero pad, with bias-free 1×1 and 3×3 convs (`residual_block_v2`); basic blocks put it
/// on the first 3×3 conv. Projections read the pre-activated input in pre-activation blocks.
public enum ResidualBlockBuilder {
    /// The shortcut a builder makes: identity, 1×1 projection, or a stride-s 1×1 max-pool (ResNet V2 stage ends).
    public enum ShortcutKind: String, Sendable {
        case identity, projection, pool
    }

    /// Keras ResNet's BatchNormalization epsilon.
    public static let epsilon: Float = 1.001e-5

    public static func block(name: String, input: FeatureShape, variant: ResidualBlock.Variant,
                             arrangement: ResidualBlock.Arrangement, outputChannels: Int, stride: Int,
                             shortcut kind: ShortcutKind, namer: KerasNamer) throws -> ResidualBlock {
        let preactivated = arrangement == .reluOnlyPreactivation || arrangement == .fullPreactivation
        guard stride >= 1 else { throw BuildError.invalidSpec(block: name, reason: "stride \(stride) is not positive") }
        if variant == .bottleneck, outputChannels % 4 != 0 {
            throw BuildError.invalidSpec(block: name, reason: "bottleneck output channels \(outputChannels) are not a multiple of 4")
        }
        var pre = ChainBuilder(block: name, input: input, namer: namer)
        if arrangement == .fullPreactivation { try pre.batchNorm(name: "\(name)_preact_bn", epsilon: epsilon) }
        if preactivated { try pre.relu(name: "\(name)_preact_relu") }

        var res = pre.branch()
        res.layers = []
        switch (variant, preactivated) {
        case (.basic, _):
            try res.conv(outputChannels, Size2(3), stride: stride, padding: .same, bias: true, name: "\(name)_1_conv")
            try res.batchNorm(name: "\(name)_1_bn", epsilon: epsilon)
            try res.relu(name: "\(name)_1_relu")
            try res.conv(outputChannels, Size2(3), padding: .same, bias: true, name: "\(name)_2_conv")
            if arrangement != .bnAfterAddition && arrangement != .fullPreactivation {
                try res.batchNorm(name: "\(name)_2_bn", epsilon: epsilon)
            }
            if arrangement == .reluBeforeAddition { try res.relu(name: "\(name)_2_relu") }
        case (.bottleneck, false):
            let filters = outputChannels / 4
            try res.conv(filters, Size2(1), stride: stride, padding: .valid, bias: true, name: "\(name)_1_conv")
            try res.batchNorm(name: "\(name)_1_bn", epsilon: epsilon)
            try res.relu(name: "\(name)_1_relu")
            try res.conv(filters, Size2(3), padding: .same, bias: true, name: "\(name)_2_conv")
            try res.batchNorm(name: "\(name)_2_bn", epsilon: epsilon)
            try res.relu(name: "\(name)_2_relu")
            try res.conv(outputChannels, Size2(1), padding: .valid, bias: true, name: "\(name)_3_conv")
            if arrangement != .bnAfterAddition { try res.batchNorm(name: "\(name)_3_bn", epsilon: epsilon) }
            if arrangement == .reluBeforeAddition { try res.relu(name: "\(name)_3_relu") }
        case (.bottleneck, true):
            let filters = outputChannels / 4
            try res.conv(filters, Size2(1), padding: .valid, bias: false, name: "\(name)_1_conv")
            try res.batchNorm(name: "\(name)_1_bn", epsilon: epsilon)
            try res.relu(name: "\(name)_1_relu")
            try res.conv(filters, Size2(3), stride: stride, padding: .explicit(Padding(all: 1)), bias: false,
                         name: "\(name)_2_conv")
            try res.batchNorm(name: "\(name)_2_bn", epsilon: epsilon)
            try res.relu(name: "\(name)_2_relu")
            try res.conv(outputChannels, Size2(1), padding: .valid, bias: true, name: "\(name)_3_conv")
            if arrangement == .reluOnlyPreactivation { try res.batchNorm(name: "\(name)_3_bn", epsilon: epsilon) }
        case (.separable, _):
            throw BuildError.invalidSpec(block: name, reason: "separable residual blocks are recognized, not built")
        }

        var post = ChainBuilder(block: name, input: res.shape, namer: namer)
        let addName: String
        switch arrangement {
        case .original:
            addName = "\(name)_add"
            try post.relu(name: "\(name)_out")
        case .bnAfterAddition:
            addName = "\(name)_add"
            try post.batchNorm(name: "\(name)_add_bn", epsilon: epsilon)
            try post.relu(name: "\(name)_out")
        default:
            addName = "\(name)_out"
        }

        let shortcut: ResidualBlock.Shortcut
        let shortcutShape: FeatureShape
        switch kind {
        case .identity:
            shortcut = .identity
            shortcutShape = input
        case .projection:
            var sc = ChainBuilder(block: name, input: input, namer: namer)
            try sc.conv(outputChannels, Size2(1), stride: stride, padding: .valid, bias: true, name: "\(name)_0_conv")
            if !preactivated { try sc.batchNorm(name: "\(name)_0_bn", epsilon: epsilon) }
            shortcut = .projection(sc.layers)
            shortcutShape = sc.shape
        case .pool:
            var sc = ChainBuilder(block: name, input: input, namer: namer)
            try sc.pool(.max, 1, stride: stride, padding: .valid, name: "\(name)_0_pool")
            guard case .pool(let p) = sc.layers[0] else { fatalError("pool chain holds a pool") }
            shortcut = .pool(p)
            shortcutShape = sc.shape
        }
        guard shortcutShape == res.shape else {
            throw BuildError.shapeMismatch(block: name, at: addName, left: shortcutShape, right: res.shape)
        }
        return ResidualBlock(name: name, variant: variant, version: preactivated ? 2 : 1, arrangement: arrangement,
                             preActivation: pre.layers, residual: res.layers, shortcut: shortcut,
                             shortcutFromPreActivation: preactivated && kind == .projection,
                             postAddition: post.layers)
    }
}
