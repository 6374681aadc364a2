import Blocks
import Testing

/// DenseNet layers (Huang et al. 2017): the variant comes from the path's own layers, and
/// shape and cost are the input plus `growth` maps, counted by hand from the paper's layer.
struct DenseLayerTests {
    static let bn = Layer.batchNorm(BatchNorm(name: "bn", channels: 64))
    static let relu = Layer.activation(.relu, name: "relu")
    static func conv(_ cin: Int, _ cout: Int, _ k: Int, stride: Int = 1, group: Int = 1) -> Layer {
        .conv(Conv(name: "c", inputChannels: cin, outputChannels: cout, kernel: Size2(k), strides: Size2(stride),
                   padding: Padding(all: k / 2), group: group))
    }

    static let cases: [(String, [Layer], DenseLayer.Variant)] = [
        ("DenseNet-B", [bn, relu, conv(64, 128, 1), bn, relu, conv(128, 32, 3)], .bottleneck),
        ("DenseNet-B, inner BN folded into the 1×1", [bn, relu, conv(64, 128, 1), relu, conv(128, 32, 3)], .bottleneck),
        ("basic H_l", [bn, relu, conv(64, 32, 3)], .basic),
        ("no leading BN", [relu, conv(64, 128, 1), bn, relu, conv(128, 32, 3)], .generic),
        ("strided 3×3", [bn, relu, conv(64, 128, 1), bn, relu, conv(128, 32, 3, stride: 2)], .generic),
        ("5×5", [bn, relu, conv(64, 32, 5)], .generic),
    ]

    @Test(arguments: cases)
    func variant(_ name: String, _ path: [Layer], _ expected: DenseLayer.Variant) {
        #expect(DenseLayer.variant(of: path) == expected, "\(name)")
    }

    @Test func shapeAndCostAddGrowthMapsToTheInput() {
        let path = [Self.bn, Self.relu, Self.conv(64, 128, 1), Self.bn, Self.relu, Self.conv(128, 32, 3)]
        let layer = DenseLayer(name: "conv2_block1", variant: .bottleneck, path: path, concatName: "concat")
        let input = FeatureShape(channels: 64, height: 56, width: 56)
        #expect(layer.growth == 32)
        #expect(layer.outputShape(for: input) == FeatureShape(channels: 96, height: 56, width: 56))
        // 1×1: 64·128 per pixel; 3×3: 128·32·9 per pixel (only convs are counted).
        #expect(layer.macs(for: input) == (64 * 128 + 128 * 32 * 9) * 56 * 56)
        #expect(Block.dense(layer).kind == "dense" && Block.dense(layer).variant == "bottleneck")
    }
}
