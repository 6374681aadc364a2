/// The architecture family of a network: the vocabulary's `family` field and its stem's
/// `variant`. One case per family; what identifies each one in a graph lives in the block
/// mapper's `FamilySignature`, and how each is built in `Builders/`.
public enum Family: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// ResNet V1 / V2 and He 2016's arrangements (He et al. 2015, 2016), Wide ResNet.
    case resnet
    /// ResNet with grouped 3×3 convolutions (Xie et al. 2016).
    case resnext
    /// GoogLeNet (Szegedy et al. 2014).
    case inceptionV1 = "inception-v1"
    /// BN-Inception (Ioffe & Szegedy 2015), often called Inception-V2.
    case bnInception = "bn-inception"
    case inceptionV3 = "inception-v3"
    case inceptionV4 = "inception-v4"
    case inceptionResNetV1 = "inception-resnet-v1"
    case inceptionResNetV2 = "inception-resnet-v2"
    /// Chains of convolution stages and pools (VGG, AlexNet, ZFNet).
    case plain
    /// Inverted residual blocks (Sandler et al. 2018).
    case mobileNetV2 = "mobilenet-v2"
    /// Separable-convolution residual blocks (Chollet 2016).
    case xception
    /// Blocks of no known family (or of several).
    case custom

    public var description: String { rawValue }

    /// Families whose modules are concatenations of parallel branches.
    public var isInception: Bool { [.inceptionV1, .bnInception, .inceptionV3, .inceptionV4].contains(self) }
    public var isInceptionResNet: Bool { self == .inceptionResNetV1 || self == .inceptionResNetV2 }
}
