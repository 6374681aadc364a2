import Testing
import Blocks

/// Parameter counts of the native builders against Keras' `count_params()` for the same
/// architecture (keras 3.15 `keras.applications.*(weights=None)`; ResNet-18/34, Inception-V4
/// and Inception-ResNet-V1, which Keras lacks, from the Keras construction in
/// `tools/keras_blocks`, built with `keras.Input((size, size, 3))`). Weights, biases and BN
/// gamma (where scaled) / beta / mean / variance all count, as in Keras.
struct BuilderParameterCountTests {
    static let kerasCounts: [(Architecture, Int)] = [
        (.resnet18, 11_703_912),
        (.resnet34, 21_823_208),
        (.resnet50, 25_636_712),
        (.resnet101, 44_707_176),
        (.resnet152, 60_419_944),
        (.resnet50v2, 25_613_800),
        (.resnet101v2, 44_675_560),
        (.resnet152v2, 60_380_648),
        (.inceptionV3, 23_851_784),
        (.inceptionV4, 42_711_400),
        (.inceptionResNetV1, 22_769_848),
        (.inceptionResNetV2, 55_873_736),
        (.vgg16, 138_357_544),
        (.vgg19, 143_667_240),
        (.mobileNetV2, 3_538_984),
    ]

    /// torchvision's `sum(p.numel() for p in model.parameters())` (BN weight and bias only):
    /// googlenet(aux_logits=False), alexnet, resnext50_32x4d, mobilenet_v2 (torchvision 0.2x docs).
    static let torchvisionCounts: [(Architecture, Int)] = [
        (.googlenet, 6_624_904),
        (.alexnet, 61_100_840),
        (.resnext50, 25_028_904),
        (.mobileNetV2, 3_504_872),
    ]

    @Test(arguments: torchvisionCounts)
    func trainableParameterCountEqualsTorchvision(_ arch: Architecture, _ expected: Int) throws {
        #expect(try arch.structure().trainableParameterCount == expected, "\(arch.rawValue)")
    }

    @Test(arguments: kerasCounts)
    func parameterCountEqualsKeras(_ arch: Architecture, _ expected: Int) throws {
        let network = try arch.structure()
        #expect(network.parameterCount == expected, "\(arch.rawValue)")
    }

    @Test func inceptionV4MatchesThePapersSize() throws {
        // Szegedy et al. 2016 / TF-slim: about 42.7 M parameters.
        let count = try Architecture.inceptionV4.structure().parameterCount
        #expect(abs(count - 42_700_000) < 50_000)
    }

    @Test func everyArchitectureIsCovered() {
        #expect(Set((Self.kerasCounts + Self.torchvisionCounts).map(\.0.rawValue)) == Set(Architecture.allCases.map(\.rawValue)))
    }

    /// Final feature maps at Keras' default sizes: 7×7×2048 (ResNet-50), 8×8×2048 (V3),
    /// 8×8×1536 (V4 and Inception-ResNet-V2 after conv_7b).
    @Test(arguments: [
        (Architecture.resnet50, FeatureShape(channels: 2048, height: 7, width: 7)),
        (.resnet50v2, FeatureShape(channels: 2048, height: 7, width: 7)),
        (.resnet18, FeatureShape(channels: 512, height: 7, width: 7)),
        (.inceptionV3, FeatureShape(channels: 2048, height: 8, width: 8)),
        (.inceptionV4, FeatureShape(channels: 1536, height: 8, width: 8)),
        (.inceptionResNetV1, FeatureShape(channels: 1792, height: 8, width: 8)),
        (.inceptionResNetV2, FeatureShape(channels: 1536, height: 8, width: 8)),
        // Table 1 of each paper: GoogLeNet 7×7×1024 before its average pool, VGG 7×7×512,
        // AlexNet (torchvision) 6×6×256, MobileNetV2 7×7×1280 (after its 1×1 conv), ResNeXt 7×7×2048.
        (.googlenet, FeatureShape(channels: 1024, height: 7, width: 7)),
        (.vgg16, FeatureShape(channels: 512, height: 7, width: 7)),
        (.alexnet, FeatureShape(channels: 256, height: 6, width: 6)),
        (.mobileNetV2, FeatureShape(channels: 1280, height: 7, width: 7)),
        (.resnext50, FeatureShape(channels: 2048, height: 7, width: 7)),
    ])
    func finalFeatureShape(_ arch: Architecture, _ expected: FeatureShape) throws {
        let network = try arch.structure()
        let last = network.blockInputShapes.last!
        #expect(Layer.outputShape(of: network.tail, for: last) == expected)
    }

    @Test func tooSmallInputNamesTheBlock() {
        #expect {
            _ = try Architecture.inceptionV3.structure(inputSize: 40)
        } throws: { error in
            guard let e = error as? BuildError, case .doesNotFit(let block, _, _, _) = e else { return false }
            return !block.isEmpty
        }
    }

    @Test func seededInitializationIsDeterministicAndFillsEverything() throws {
        let a = try Architecture.resnet18.build(inputSize: 32, classes: 10, seed: 7)
        let b = try Architecture.resnet18.build(inputSize: 32, classes: 10, seed: 7)
        let c = try Architecture.resnet18.build(inputSize: 32, classes: 10, seed: 8)
        #expect(a == b)
        #expect(a != c)
        for conv in Layer.convs(in: a.stem.layers) { #expect(conv.weights.count == conv.weightCount) }
        #expect(a.head!.dense.weights.count == a.head!.dense.inputFeatures * 10)
    }
}
