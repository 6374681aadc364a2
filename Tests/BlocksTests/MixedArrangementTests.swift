import BlockMapper
import Blocks
import Testing

/// Blocks of different He et al. 2016 arrangements in one chain, and the classic families'
/// builders, emitted and recognized again: what was built is what is found, and it computes
/// the same (the expected arrangements are the ones built, never read back from the mapper).
struct MixedArrangementTests {
    /// BN + ReLU after an addition, then a full pre-activation identity block: the tensor after
    /// that ReLU feeds both the next block's branch and its shortcut, so it is the first
    /// block's post-addition, not a pre-activation of the second.
    static func mixed() throws -> Network {
        let namer = KerasNamer()
        let input = FeatureShape(channels: 3, height: 32, width: 32)
        let stem = try ResNetBuilder.stem(input: input, filters: 8, preactivated: false, namer: namer)
        var shape = stem.outputShape(for: input)
        var blocks: [Block] = []
        let plan: [(ResidualBlock.Arrangement, ResidualBlockBuilder.ShortcutKind, Int)] = [
            (.bnAfterAddition, .projection, 8), (.fullPreactivation, .identity, 8), (.original, .identity, 8),
            (.reluBeforeAddition, .projection, 16),
        ]
        for (k, (arrangement, shortcut, width)) in plan.enumerated() {
            let block = try ResidualBlockBuilder.block(name: "conv2_block\(k + 1)", input: shape, variant: .basic,
                                                       arrangement: arrangement, outputChannels: width, stride: 1,
                                                       shortcut: shortcut, namer: namer)
            shape = block.outputShape(for: shape)
            blocks.append(.residual(block))
        }
        return Network(family: .resnet, inputShape: input, stem: stem, blocks: blocks,
                       head: try HeadBuilder.classifier(features: shape.channels, classes: 4)).initialized(seed: 7)
    }

    @Test func mixedArrangementsMapCompletelyAndComputeTheSame() throws {
        let network = try Self.mixed()
        let model = try ONNXEmitter().emit(network)
        let recognition = try BlockRecognizer().recognize(model)
        #expect(recognition.isComplete, "\(recognition.unassigned.prefix(3))")
        let arrangements = recognition.network.blocks.compactMap { block -> String? in
            if case .residual(let b) = block { return b.arrangement.rawValue }
            return nil
        }
        #expect(arrangements == ["bn-after-addition", "full-preactivation", "original", "relu-before-addition"])
        let x: [Float] = (0..<(2 * 3 * 32 * 32)).map { (i: Int) -> Float in Float((i * 7919) % 1000) / 500 - 1 }
        let a = try network.forward(x, batch: 2).logits
        let b = try recognition.network.forward(x, batch: 2).logits
        var worst: Float = 0
        for (p, q) in zip(a, b) { worst = max(worst, abs(p - q) - (1e-5 + 1e-4 * abs(p))) }
        #expect(worst <= 0)
    }

    /// The new builders round-trip through the emitter and the mapper with their family and
    /// block kinds (small inputs keep this fast).
    @Test(arguments: [(Architecture.googlenet, Family.inceptionV1, 64), (.vgg16, .plain, 32), (.alexnet, .plain, 64),
                      (.mobileNetV2, .mobileNetV2, 32), (.resnext50, .resnext, 32)])
    func builtArchitectureIsRecognized(_ arch: Architecture, _ family: Family, _ size: Int) throws {
        let network = try arch.structure(inputSize: size, classes: 3)
        let recognition = try BlockRecognizer(loadWeights: false).recognize(try ONNXEmitter().emit(network.initialized(seed: 1)))
        #expect(recognition.isComplete, "\(recognition.unassigned.prefix(3))")
        #expect(recognition.network.family == family)
        #expect(recognition.network.blocks.map(\.kind) == network.blocks.map(\.kind))
        #expect(recognition.network.blocks.map(\.variant) == network.blocks.map(\.variant))
        #expect(recognition.network.parameterCount == network.parameterCount)
    }
}
