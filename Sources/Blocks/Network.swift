/// A whole model as blocks: stem, ordered body blocks, optional head (and layers between the
/// last block and the head, such as ResNetV2's final BN + ReLU).
public struct Network: Sendable, Equatable {
    /// How the network's input is laid out where it enters the graph.
    public enum InputLayout: String, Sendable, Hashable, Codable {
        /// NCHW, as the blocks compute.
        case nchw
        /// NHWC (Keras exports): a transpose to NCHW precedes the stem.
        case nhwc
    }
    public var family: Family
    public var inputName: String
    public var inputLayout: InputLayout
    /// Per-image input shape (channels, height, width); batch is free.
    public var inputShape: FeatureShape
    public var stem: Stem
    public var blocks: [Block]
    /// Layers after the last block that belong to neither it nor the head (ResNetV2 `post_bn`/`post_relu`).
    public var tail: [Layer]
    public var head: Head?
    /// Names of the graph outputs: the head's (softmax) output, and optionally its logits.
    public var outputName: String
    /// The shape entering a block (by name, `head` included) as the source graph has it. Set by
    /// the recognizer for partial maps, where layers no block took sit between blocks, so that
    /// shapes and costs stay those of the graph; empty otherwise.
    public var entryShapes: [String: FeatureShape] = [:]

    public init(family: Family, inputName: String = "input", inputLayout: InputLayout = .nchw,
                inputShape: FeatureShape, stem: Stem, blocks: [Block], tail: [Layer] = [],
                head: Head?, outputName: String = "output") {
        self.family = family
        self.inputName = inputName
        self.inputLayout = inputLayout
        self.inputShape = inputShape
        self.stem = stem
        self.blocks = blocks
        self.tail = tail
        self.head = head
        self.outputName = outputName
    }

    /// The input shape of each block, in order, then the shape entering the tail.
    public var blockInputShapes: [FeatureShape] {
        var shape = stem.outputShape(for: inputShape)
        var shapes: [FeatureShape] = []
        for block in blocks {
            shapes.append(shape)
            shape = block.outputShape(for: shape)
        }
        shapes.append(shape)
        return shapes
    }

    /// Parameters a trainer updates (torchvision's `parameters()`, Keras' trainable count):
    /// all of `parameterCount` but BatchNorm moving means and variances.
    public var trainableParameterCount: Int {
        parameterCount - 2 * Layer.batchNorms(in: allLayers).filter { !$0.isAffine }.reduce(0) { $0 + $1.channels }
    }

    /// Every layer of stem, blocks (shortcuts and up-projections included) and tail.
    public var allLayers: [Layer] {
        var out = stem.layers
        for block in blocks {
            switch block {
            case .residual(let b):
                out += b.preActivation + b.residual + b.postAddition
                if case .projection(let chain) = b.shortcut { out += chain }
            case .inception(let b): out += b.body
            case .reduction(let b): out += b.body
            case .inceptionResNet(let b): out += b.branches.flatMap { $0 } + [.conv(b.up)]
            case .transition(let b): out += b.layers
            case .convStage(let b): out += b.layers
            case .invertedResidual(let b): out += b.layers
            case .dense(let b): out += b.body
            }
        }
        return out + tail
    }

    public var parameterCount: Int {
        stem.parameterCount + blocks.reduce(0) { $0 + $1.parameterCount }
            + Layer.parameterCount(of: tail) + (head?.parameterCount ?? 0)
    }
}
