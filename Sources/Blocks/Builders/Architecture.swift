/// The standard architectures `build` knows, by their CLI names.
public enum Architecture: String, CaseIterable, Sendable {
    case resnet18, resnet34, resnet50, resnet101, resnet152
    case resnet50v2, resnet101v2, resnet152v2
    case inceptionV3 = "inception-v3"
    case inceptionV4 = "inception-v4"
    case inceptionResNetV1 = "inception-resnet-v1"
    case inceptionResNetV2 = "inception-resnet-v2"
    case googlenet, vgg16, vgg19, alexnet
    case mobileNetV2 = "mobilenet-v2"
    case resnext50

    /// Accepts the CLI spelling and a few common ones (`ResNet50V2`, `inception_v3`).
    public init?(name: String) {
        let key = name.lowercased().replacingOccurrences(of: "_", with: "-")
        if let a = Architecture(rawValue: key) { self = a; return }
        let compact = key.replacingOccurrences(of: "-", with: "")
        guard let a = Architecture.allCases.first(where: { $0.rawValue.replacingOccurrences(of: "-", with: "") == compact })
        else { return nil }
        self = a
    }

    /// Keras' default input size (224 for ResNets, 299 for Inceptions).
    public var defaultInputSize: Int {
        switch self {
        case .resnet18, .resnet34, .resnet50, .resnet101, .resnet152, .resnet50v2, .resnet101v2, .resnet152v2,
             .googlenet, .vgg16, .vgg19, .alexnet, .mobileNetV2, .resnext50: return 224
        default: return 299
        }
    }

    public var summary: String {
        switch self {
        case .resnet18: return "ResNet-18: basic blocks 2-2-2-2 (He et al. 2015)"
        case .resnet34: return "ResNet-34: basic blocks 3-4-6-3 (He et al. 2015)"
        case .resnet50: return "ResNet-50: bottlenecks 3-4-6-3 (Keras ResNet50)"
        case .resnet101: return "ResNet-101: bottlenecks 3-4-23-3 (Keras ResNet101)"
        case .resnet152: return "ResNet-152: bottlenecks 3-8-36-3 (Keras ResNet152)"
        case .resnet50v2: return "ResNet-50 V2: pre-activation bottlenecks 3-4-6-3 (Keras ResNet50V2)"
        case .resnet101v2: return "ResNet-101 V2: pre-activation bottlenecks 3-4-23-3 (Keras ResNet101V2)"
        case .resnet152v2: return "ResNet-152 V2: pre-activation bottlenecks 3-8-36-3 (Keras ResNet152V2)"
        case .inceptionV3: return "Inception-V3: mixed0-mixed10 (Keras InceptionV3)"
        case .inceptionV4: return "Inception-V4: stem, 4 A, Reduction-A, 7 B, Reduction-B, 3 C (Szegedy et al. 2016)"
        case .inceptionResNetV1: return "Inception-ResNet-V1: 5 A, 10 B, 5 C (Szegedy et al. 2016)"
        case .inceptionResNetV2: return "Inception-ResNet-V2: 10 A, 20 B, 10 C (Keras InceptionResNetV2)"
        case .googlenet: return "GoogLeNet / Inception-V1: 9 modules, max-pools between stages (torchvision, no aux heads)"
        case .vgg16: return "VGG-16: conv stages 2-2-3-3-3, FC 4096×2, 1000 (Keras VGG16)"
        case .vgg19: return "VGG-19: conv stages 2-2-4-4-4, FC 4096×2, 1000 (Keras VGG19)"
        case .alexnet: return "AlexNet: convs 11, 5, 3×3; FC 4096×2, 1000 (torchvision)"
        case .mobileNetV2: return "MobileNetV2: 17 inverted residuals, width 1.0 (Keras MobileNetV2)"
        case .resnext50: return "ResNeXt-50 32×4d: grouped bottlenecks 3-4-6-3, stride on the 3×3 (torchvision)"
        }
    }

    /// The structure only (no weights); `Network.initialized(seed:)` fills them.
    public func structure(inputSize: Int? = nil, classes: Int = 1000) throws -> Network {
        let size = inputSize ?? defaultInputSize
        switch self {
        case .resnet18: return try ResNetBuilder.v1(depths: [2, 2, 2, 2], variant: .basic, inputSize: size, classes: classes)
        case .resnet34: return try ResNetBuilder.v1(depths: [3, 4, 6, 3], variant: .basic, inputSize: size, classes: classes)
        case .resnet50: return try ResNetBuilder.v1(depths: [3, 4, 6, 3], variant: .bottleneck, inputSize: size, classes: classes)
        case .resnet101: return try ResNetBuilder.v1(depths: [3, 4, 23, 3], variant: .bottleneck, inputSize: size, classes: classes)
        case .resnet152: return try ResNetBuilder.v1(depths: [3, 8, 36, 3], variant: .bottleneck, inputSize: size, classes: classes)
        case .resnet50v2: return try ResNetBuilder.v2(depths: [3, 4, 6, 3], inputSize: size, classes: classes)
        case .resnet101v2: return try ResNetBuilder.v2(depths: [3, 4, 23, 3], inputSize: size, classes: classes)
        case .resnet152v2: return try ResNetBuilder.v2(depths: [3, 8, 36, 3], inputSize: size, classes: classes)
        case .inceptionV3: return try InceptionV3Builder.build(inputSize: size, classes: classes)
        case .inceptionV4: return try InceptionV4Builder.build(inputSize: size, classes: classes)
        case .inceptionResNetV1: return try InceptionResNetBuilder.build(version: 1, inputSize: size, classes: classes)
        case .inceptionResNetV2: return try InceptionResNetBuilder.build(version: 2, inputSize: size, classes: classes)
        case .googlenet: return try GoogLeNetBuilder.build(inputSize: size, classes: classes)
        case .vgg16: return try PlainNetworkBuilder.vgg(convsPerStage: [2, 2, 3, 3, 3], inputSize: size, classes: classes)
        case .vgg19: return try PlainNetworkBuilder.vgg(convsPerStage: [2, 2, 4, 4, 4], inputSize: size, classes: classes)
        case .alexnet: return try PlainNetworkBuilder.alexNet(inputSize: size, classes: classes)
        case .mobileNetV2: return try MobileNetV2Builder.build(inputSize: size, classes: classes)
        case .resnext50: return try ResNeXtBuilder.build(depths: [3, 4, 6, 3], groups: 32, widthPerGroup: 4, inputSize: size, classes: classes)
        }
    }

    /// The architecture with seeded He-normal weights and non-trivial BN statistics.
    public func build(inputSize: Int? = nil, classes: Int = 1000, seed: UInt64 = 0) throws -> Network {
        try structure(inputSize: inputSize, classes: classes).initialized(seed: seed)
    }
}
